// The eight languages a family's screens speak (`homeplay_core::language::Language`), each named in itself: a
// grandparent finds theirs in settings whatever the screen speaks now, and a therapist sees on the child's page
// which language the family reads, written as the family writes it.
import type { components } from '../../dashboard/lib/api/schema';

export type Language = components['schemas']['Language'];

export const OWN_NAMES: Record<Language, string> = {
  en: 'English',
  es: 'Español',
  fr: 'Français',
  pt: 'Português',
  ar: 'العربية',
  'zh-Hans': '简体中文',
  vi: 'Tiếng Việt',
  pl: 'Polski',
};

/** Every language, in the order settings and the report's "Printed in" list them. */
export const LANGUAGES = Object.keys(OWN_NAMES) as Language[];

export function ownName(l: Language): string {
  return OWN_NAMES[l];
}

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && Object.hasOwn(OWN_NAMES, v);
}

/**
 * The tag `Intl` writes each language with, where it is not the language's own. Arabic's digits are pinned to the
 * Western ones (0–9): the grown-ups' number pad, kid mode's counter and the family's clock times are written in them,
 * and the engines disagree on plain `ar` (Chromium's ICU writes 0–9, WebKitGTK's on Debian 12 writes ٠–٩), so one
 * family would read different digits on the phone, on the desktop and on the report the clinic prints for it.
 */
const INTL_TAGS: Partial<Record<Language, string>> = { ar: 'ar-u-nu-latn' };

/** The tag to give `Intl` (dates, numbers, lists, plurals) for a family language. */
export function intlTag(l: Language): string {
  return INTL_TAGS[l] ?? l;
}
