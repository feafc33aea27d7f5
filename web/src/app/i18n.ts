import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from '../locales/en.json';
import sv from '../locales/sv.json';
import { localeOf, pickLanguage } from '../lib/format';
import type { Language } from '../lib/format';

const storageKey = 'partnerHub.language';

declare module 'i18next' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

function applyDocumentLanguage(language: Language): void {
  document.documentElement.lang = localeOf(language).slice(0, 2);
}

export function initI18n(): typeof i18n {
  const language = pickLanguage(storedLanguage(), navigator.languages ?? [navigator.language]);
  void i18n.use(initReactI18next).init({
    resources: { en: { translation: en }, sv: { translation: sv } },
    lng: language,
    fallbackLng: 'en',
    supportedLngs: ['en', 'sv'],
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  applyDocumentLanguage(language);
  return i18n;
}

export function setLanguage(language: Language): void {
  try {
    localStorage.setItem(storageKey, language);
  } catch {
    // Private mode: the choice just isn't remembered.
  }
  void i18n.changeLanguage(language);
  applyDocumentLanguage(language);
}
