import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  countryName,
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatPercent,
  formatSignedNumber,
  isLanguage,
} from './format';
import type { Language } from './format';
import type { Issue } from './validation';

export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
}

/** Formatters bound to the current UI language. */
export function useFormat() {
  const language = useLanguage();
  return useMemo(
    () => ({
      language,
      date: (value: string | null | undefined) => formatDate(value, language),
      dateTime: (value: string | null | undefined) => formatDateTime(value, language),
      number: (value: number | null | undefined) => formatNumber(value, language),
      signed: (value: number | null | undefined) => formatSignedNumber(value, language),
      percent: (value: number | null | undefined) => formatPercent(value, language),
      money: (amount: number, currency: string) => formatMoney(amount, currency, language),
      country: (code: string | null | undefined) => countryName(code, language),
    }),
    [language],
  );
}

/** Turns a validation issue (or a server's message for the same field) into text for a form field. */
export function useIssueText() {
  const { t } = useTranslation();
  return (issue: Issue | undefined, serverMessage?: string): string | undefined =>
    issue ? t(issue.key, issue.values ?? {}) : serverMessage;
}
