import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isLanguage } from '../lib/format';
import type { Language } from '../lib/format';

export function LanguageSwitch({ onChange }: { onChange: (language: Language) => void }) {
  const { t, i18n } = useTranslation();
  const current = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('common.language')}
      value={current}
      onChange={(value) => {
        if (isLanguage(value)) onChange(value);
      }}
      data={[
        { value: 'en', label: 'English' },
        { value: 'sv', label: 'Svenska' },
      ]}
    />
  );
}
