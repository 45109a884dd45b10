// The languages the family screens speak, each named in itself, and which one to offer first. `Language` is
// generated from the device's enum (device/src/prefs.rs, through the app's DTO), so a language added there fails
// type-checking here until it has its name, and in i18n.svelte.ts until it has its catalogue.
import type { Language } from './bindings';

/** Each language in its own words: a grandparent finds theirs whatever the screen speaks now. */
const OWN_NAMES: Record<Language, string> = {
  en: 'English',
  es: 'Español',
  fr: 'Français',
  pt: 'Português',
  ar: 'العربية',
  'zh-Hans': '简体中文',
  vi: 'Tiếng Việt',
  pl: 'Polski',
};

const RIGHT_TO_LEFT: ReadonlySet<Language> = new Set<Language>(['ar']);

/** Every language, in the order settings lists them. */
export const LANGUAGES = Object.keys(OWN_NAMES) as Language[];

export function ownName(l: Language): string {
  return OWN_NAMES[l];
}

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && Object.hasOwn(OWN_NAMES, v);
}

export function direction(l: Language): 'rtl' | 'ltr' {
  return RIGHT_TO_LEFT.has(l) ? 'rtl' : 'ltr';
}

/**
 * The first of the system's preferred languages (`navigator.languages`, e.g. `es-MX`, `zh-TW`, `pt-BR`) that the
 * screens speak, matched on the language alone; English when none is. Traditional Chinese readers get Simplified:
 * closer to them than English.
 */
export function suggestLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.split(/[-_]/)[0]?.toLowerCase() ?? '';
    if (primary === 'zh') return 'zh-Hans';
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}

/**
 * The language the pairing screen starts in: one chosen on this device before (kept through an unpairing), else
 * the system's. English is also what a device that never chose reads, so it does not count as a choice.
 */
export function pairingLanguage(saved: Language | null, preferred: readonly string[]): Language {
  return saved !== null && saved !== 'en' ? saved : suggestLanguage(preferred);
}
