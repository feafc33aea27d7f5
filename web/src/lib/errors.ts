import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import en from '../locales/en.json';
import { ApiError, serverFieldMessages } from './api';

/** What a failed request tells its reader: one sentence in the page's language, and the server's own words. */
export type ErrorDescription = { message: string; detail?: string };

/** The codes with a sentence: every `errorCodes` entry (contract/common.ts) and the client's own network_error. */
type ExplainedCode = keyof typeof en.errors;
const explained = (code: string): code is ExplainedCode => Object.hasOwn(en.errors, code);
/** The server writes its messages in English. */
const readsServerLanguage = (language: string) => language.startsWith('en');

/**
 * The server's messages are English and name the offending value, so in English they are the message. In any
 * other language the error code's sentence is, and the server's words follow as detail.
 */
export function describeError(error: unknown, t: TFunction, language: string): ErrorDescription {
  const own = error instanceof Error ? error.message.trim() : '';
  const sentence =
    error instanceof ApiError && explained(error.code) ? t(`errors.${error.code}`) : t('common.errorText');
  if (readsServerLanguage(language)) return { message: own || sentence };
  return own && own !== sentence ? { message: sentence, detail: own } : { message: sentence };
}

/**
 * A form's fields named by a failed request. The server's phrases ("is taken") are English: in another language
 * each field asks to be checked, and the form's alert gives the server's words.
 */
export function useServerFieldMessages(error: unknown): Record<string, string> {
  const { t, i18n } = useTranslation();
  const messages = serverFieldMessages(error);
  if (readsServerLanguage(i18n.language)) return messages;
  return Object.fromEntries(Object.keys(messages).map((field) => [field, t('common.checkField')]));
}
