import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import type { AppLocale } from '../app/format';
import en from './en.json';
import esPE from './es-PE.json';

/**
 * Spanish (Peru) is the users' language and the default; English is one switch away.
 * The choice is the browser's (localStorage), so it holds on the sign-in page too.
 */

export const LOCALES: readonly AppLocale[] = ['es-PE', 'en'];
export const DEFAULT_LOCALE: AppLocale = 'es-PE';
const STORAGE_KEY = 'tejido.locale';

export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The language chosen earlier in this browser, if any. */
export function storedLocale(): AppLocale | null {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isAppLocale(value) ? value : null;
  } catch {
    return null; // storage disabled (private mode): the default applies
  }
}

function applyToPage(locale: AppLocale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/** Switches the language and remembers it in this browser. */
export function setLocale(locale: AppLocale): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // storage disabled: the choice lasts until the page is reloaded
  }
  void i18n.changeLanguage(locale);
}

i18n.on('languageChanged', (lng) => {
  if (isAppLocale(lng)) applyToPage(lng);
});

const initial = storedLocale() ?? DEFAULT_LOCALE;

void i18n.use(initReactI18next).init({
  resources: { 'es-PE': { translation: esPE }, en: { translation: en } },
  lng: initial,
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: [...LOCALES],
  // 'es-PE' is a whole language here, not Spanish with Peruvian additions.
  load: 'currentOnly',
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false,
});
applyToPage(initial);

/** The current language, for the formatters. */
export function useLocale(): AppLocale {
  const { i18n: instance } = useTranslation();
  const lng = instance.resolvedLanguage ?? instance.language;
  return isAppLocale(lng) ? lng : DEFAULT_LOCALE;
}

export default i18n;
