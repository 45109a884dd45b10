// The family app's words in the family's language: ICU MessageFormat catalogues (i18n/<tag>.ts for the family
// screens, i18n/app.<tag>.ts for the frame and parent screens), formatted by shared/i18n/translator.ts. The locale is
// Svelte state, so every `t()` read inside a template re-renders when a parent switches language in settings.
import { parseDate } from '../shared/dates';
import { type Catalog, translator } from '../shared/i18n/translator';
import type { Language } from './bindings';
import app_en from './i18n/app.en';
import en from './i18n/en';
import { direction } from './languages';
import { intlTag } from '../shared/i18n/languages';

/** A BCP 47 tag, as the device stores it: `Intl` takes it as it is. */
export type Locale = Language;

const ENGLISH: Catalog = { ...en, ...app_en };

/** A catalogue from its two files (the family screens', the frame's). */
async function both(screens: Promise<{ default: Catalog }>, frame: Promise<{ default: Catalog }>): Promise<Catalog> {
  const [a, b] = await Promise.all([screens, frame]);
  return { ...a.default, ...b.default };
}

/** Keyed by the generated `Language`: a language added to the Rust enum does not compile without its catalogue.
 *  English is in the first script; every other language is a chunk of its own (the phone's service worker
 *  precaches them), loaded when it is chosen: eight catalogues in the first script made every start parse them. */
export const LOADERS: Readonly<Record<Locale, () => Promise<Catalog>>> = {
  en: async () => ENGLISH,
  es: () => both(import('./i18n/es'), import('./i18n/app.es')),
  fr: () => both(import('./i18n/fr'), import('./i18n/app.fr')),
  pt: () => both(import('./i18n/pt'), import('./i18n/app.pt')),
  ar: () => both(import('./i18n/ar'), import('./i18n/app.ar')),
  'zh-Hans': () => both(import('./i18n/zh-Hans'), import('./i18n/app.zh-Hans')),
  vi: () => both(import('./i18n/vi'), import('./i18n/app.vi')),
  pl: () => both(import('./i18n/pl'), import('./i18n/app.pl')),
};

/** The catalogues loaded so far. */
const loaded: Partial<Record<Locale, Catalog>> = { en: ENGLISH };

/** The tag to give `Intl` (dates, numbers, lists) for `l`, by default the current language (`intlTag`: Arabic's
 *  digits are 0–9). */
export function intlLocale(l: Locale = current.locale): string {
  return intlTag(l);
}

/** The loaded catalogues again, by the tag their messages are formatted with (the translator formats in its key). */
const formatting: Record<string, Catalog> = { en: ENGLISH };

const current = $state<{ locale: Locale }>({ locale: 'en' });
/** The latest language asked for: an earlier one that finishes loading later does not win. */
let asked: Locale = 'en';

/** Switches to `l` once its catalogue is loaded (at once for English or a language loaded before). A catalogue that
 *  cannot be loaded leaves the language as it was. */
export async function setLocale(l: Locale): Promise<void> {
  asked = l;
  if (!loaded[l]) {
    try {
      const catalog = await LOADERS[l]();
      loaded[l] = catalog;
      formatting[intlLocale(l)] = catalog;
    } catch (e) {
      console.error(`homeplay could not load the words for ${l}`, e);
      return;
    }
  }
  if (asked !== l) return;
  current.locale = l;
  if (typeof document === 'undefined') return;
  // Screen readers pick their voice from the page's language.
  document.documentElement.lang = l;
  document.documentElement.dir = direction(l);
}

export function getLocale(): Locale {
  return current.locale;
}

const words = translator<string>(formatting, 'en');

/**
 * The text for `key` in the current language, its arguments (`{name}`, `{n, number}`, `{count, plural, …}`)
 * from `vars`. Falls back to English, then to the key itself, so a missing word never blanks a screen.
 */
export function t(key: string, vars?: Record<string, string | number>): string {
  return words.translate(intlLocale(), key, vars && direction(current.locale) === 'rtl' ? isolated(vars) : vars);
}

/** First-strong isolate … pop directional isolate: what `<bdi>` does in markup, inside a string. */
const FSI = '\u2068';
const PDI = '\u2069';

/**
 * Right to left, each text set into a sentence is isolated: a Latin name before a full stop, a clinic's phone number
 * ("020 7946 0000" would otherwise show its groups in reverse) or an email keep their own order inside the Arabic
 * words around them. Numbers are left alone: the message formats them (and a plural needs the number itself).
 */
function isolated(vars: Record<string, string | number>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' && v !== '' ? `${FSI}${v}${PDI}` : v]));
}

/** A `YYYY-MM-DD` date in the current language, read as a calendar day (no time zone shift). */
export function formatDate(isoDate: string, options: Intl.DateTimeFormatOptions = { dateStyle: 'full' }): string {
  return new Intl.DateTimeFormat(intlLocale(), { ...options, timeZone: 'UTC' }).format(parseDate(isoDate));
}

/** Weekday names Monday first, in the current language. */
export function weekdayNames(style: 'long' | 'short' | 'narrow' = 'long'): string[] {
  const f = new Intl.DateTimeFormat(intlLocale(), { weekday: style, timeZone: 'UTC' });
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) => f.format(Date.UTC(2024, 0, 1 + i)));
}

/** A list read naturally: "a, b and c" / "a, b y c". */
export function formatList(items: string[]): string {
  return new Intl.ListFormat(intlLocale(), { style: 'long', type: 'conjunction' }).format(items);
}
