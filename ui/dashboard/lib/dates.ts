// Calendar dates as the server sends them ("2026-11-27"), handled in UTC so no local zone shifts a day.
import { addDays, formatIso, mondayOf, parseDate, weekdayIndex } from '../../shared/dates';

export { addDays, formatIso, mondayOf, parseDate, weekdayIndex };

// Every date and number the dashboard shows goes through these formatters, in one locale: the clinic's (its
// settings, read at sign-in: en-GB writes "Thu 27 Nov", en-US "Thu, Nov 27") when the therapist's language is the
// clinic's, else the therapist's language with the clinic's region where `Intl` knows that pair (Spanish at a US
// clinic: es-US), else the language alone. The dashboard draws its pages again when the language changes; a
// changed clinic locale shows from the next page drawn.
export const DEFAULT_DATE_LOCALE = 'en-GB';

function formatters(locale: string) {
  return {
    locale,
    long: new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }),
    short: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }),
    year: new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }),
    moment: new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }),
    time: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }),
    weekday: new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }),
    percent: new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }),
    number: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }),
    list: new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }),
  };
}

let clinicLocale = DEFAULT_DATE_LOCALE;
let language = 'en';
/** The language of a document printed for a family (`setPrintLanguage`), while its page is open. */
let printLanguage: string | null = null;
let f = formatters(DEFAULT_DATE_LOCALE);

function supported(tag: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0;
  } catch {
    return false;
  }
}

/** The locale dates and numbers are written in, for the clinic's locale and the therapist's language. */
export function formatLocale(clinic: string, lang: string): string {
  let c: Intl.Locale;
  let l: Intl.Locale;
  try {
    c = new Intl.Locale(clinic);
    l = new Intl.Locale(lang);
  } catch {
    return DEFAULT_DATE_LOCALE;
  }
  if (c.language === l.language) return l.region ? lang : clinic;
  if (c.region && !l.region) {
    const pair = `${l.language}-${c.region}`;
    // Only a pair `Intl` has data for: Spanish at a British clinic is plain Spanish, not a guess.
    try {
      if (new Intl.DateTimeFormat(pair).resolvedOptions().locale === pair) return pair;
    } catch {
      // The language alone, then.
    }
  }
  return lang;
}

function refresh(): void {
  // A family reads its printout in its own language, not in a regional variant of the clinic's.
  const wanted = printLanguage ?? formatLocale(clinicLocale, language);
  if (wanted === f.locale) return;
  try {
    f = formatters(supported(wanted) ? wanted : DEFAULT_DATE_LOCALE);
  } catch {
    f = formatters(DEFAULT_DATE_LOCALE);
  }
}

/** Formats every later date in `locale` (a BCP-47 tag the clinic chose); an unknown one falls back to en-GB. */
export function setDateLocale(locale: string | null | undefined): void {
  const wanted = locale || DEFAULT_DATE_LOCALE;
  clinicLocale = supported(wanted) ? wanted : DEFAULT_DATE_LOCALE;
  refresh();
}

/** The therapist's language (a catalogue's tag), which dates and numbers speak from now on. */
export function setDateLanguage(lang: string): void {
  language = supported(lang) ? lang : 'en';
  refresh();
}

/** Dates and numbers in `lang` while a page prints for a family in it (an `Intl` tag); `null`: the therapist's again. */
export function setDatePrintLanguage(lang: string | null): void {
  printLanguage = lang !== null && supported(lang) ? lang : null;
  refresh();
}

/** The locale every date and number is written in now. */
export function dateLocale(): string {
  return f.locale;
}

/** "Thu 27 Nov" (en-GB). */
export function dayLabel(iso: string): string {
  return f.long.format(parseDate(iso));
}

/** "Thu 27 Nov 2026" (en-GB). */
export function yearDayLabel(iso: string): string {
  return f.year.format(parseDate(iso));
}

/** "27 Nov" (en-GB). */
export function shortDate(iso: string): string {
  return f.short.format(parseDate(iso));
}

/** A moment in the dashboard's one date style, in the viewer's own time: "Thu 27 Nov 2026, 14:05" (en-GB). */
export function momentLabel(instant: string): string {
  return f.moment.format(new Date(instant));
}

/** A time of day, in the viewer's own time: "14:05" (en-GB), "02:05 PM" (en-US). */
export function timeLabel(instant: string): string {
  return f.time.format(new Date(instant));
}

/** Whole days from `a` to `b`. */
export function daysBetween(a: string, b: string): number {
  return Math.round((parseDate(b).getTime() - parseDate(a).getTime()) / 86_400_000);
}

/** A weekday of the API (`mon` … `sun`) in short, as a label: "Mon" (en), "Lun" (es). */
export function weekdayLabel(day: string): string {
  const i = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].indexOf(day);
  if (i < 0) return day;
  // 2024-01-01 was a Monday.
  const name = f.weekday.format(Date.UTC(2024, 0, 1 + i)).replace(/\.$/, '');
  return name.charAt(0).toLocaleUpperCase(f.locale) + name.slice(1);
}

/** A rate from 0 to 1 as a whole percentage ("45%", "45 %"); a dash for none. */
export function percentLabel(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '–';
  return f.percent.format(rate);
}

/** A number as the locale writes it, to one decimal at most ("52.5", "52,5"). */
export function numberLabel(n: number): string {
  return f.number.format(n);
}

/** Names read as a list in the locale: "Ada, Leo and Mia" (en-GB), "Ada, Leo y Mia" (es). */
export function listLabel(items: readonly string[]): string {
  return f.list.format(items);
}
