// The family app's words in English and Spanish. The locale is Svelte state, so every `t()` read inside a
// template re-renders when a parent switches language in settings.
import { parseDate } from '../shared/dates';
import app_en from './i18n/app.en';
import app_es from './i18n/app.es';
import en from './i18n/en';
import es from './i18n/es';

export type Locale = 'en' | 'es';
export const LOCALES: readonly Locale[] = ['en', 'es'];

type Catalog = Readonly<Record<string, string>>;
const catalogs: Record<Locale, Catalog> = { en: { ...en, ...app_en }, es: { ...es, ...app_es } };

const current = $state<{ locale: Locale }>({ locale: 'en' });

export function setLocale(l: Locale): void {
  current.locale = l;
  // Screen readers pick their voice from the page's language.
  if (typeof document !== 'undefined') document.documentElement.lang = l;
}

export function getLocale(): Locale {
  return current.locale;
}

const pluralRules: Record<Locale, Intl.PluralRules> = { en: new Intl.PluralRules('en'), es: new Intl.PluralRules('es') };
function plural(l: Locale, n: number): Intl.LDMLPluralRule {
  return pluralRules[l].select(n);
}

/** The text for `key` in locale `l`: with a numeric `count`, its plural form (`key.one`, `key.other` …) first. */
function lookup(l: Locale, key: string, count: number | undefined): string | undefined {
  const c = catalogs[l];
  if (count !== undefined) {
    const form = c[`${key}.${plural(l, count)}`] ?? c[`${key}.other`];
    if (form !== undefined) return form;
  }
  return c[key];
}

/**
 * The text for `key` in the current language, `{name}` placeholders filled from `vars`. A numeric `vars.count`
 * picks the plural form. Falls back to English, then to the key itself, so a missing word never blanks a screen.
 */
export function t(key: string, vars?: Record<string, string | number>): string {
  const count = typeof vars?.count === 'number' ? vars.count : undefined;
  const text = lookup(current.locale, key, count) ?? lookup('en', key, count) ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? new Intl.NumberFormat(current.locale).format(v) : v;
  });
}

/** The placeholders a text uses, for the catalog test. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

/** A `YYYY-MM-DD` date in the current language, read as a calendar day (no time zone shift). */
export function formatDate(isoDate: string, options: Intl.DateTimeFormatOptions = { dateStyle: 'full' }): string {
  return new Intl.DateTimeFormat(current.locale, { ...options, timeZone: 'UTC' }).format(parseDate(isoDate));
}

/** Weekday names Monday first, in the current language. */
export function weekdayNames(style: 'long' | 'short' | 'narrow' = 'long'): string[] {
  const f = new Intl.DateTimeFormat(current.locale, { weekday: style, timeZone: 'UTC' });
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) => f.format(Date.UTC(2024, 0, 1 + i)));
}

/** A list read naturally: "a, b and c" / "a, b y c". */
export function formatList(items: string[]): string {
  return new Intl.ListFormat(current.locale, { style: 'long', type: 'conjunction' }).format(items);
}
