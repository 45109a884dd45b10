// Calendar dates as the server sends them ("2026-11-27"), handled in UTC so no local zone shifts a day.
import { addDays, formatIso, mondayOf, parseDate, weekdayIndex } from '../../shared/dates';

export { addDays, formatIso, mondayOf, parseDate, weekdayIndex };

// Every date the dashboard shows goes through these formatters, in the clinic's locale (its settings, read at
// sign-in): en-GB writes "Thu 27 Nov", en-US "Thu, Nov 27". Pages read the locale when they draw, so a changed
// locale shows from the next page drawn.
export const DEFAULT_DATE_LOCALE = 'en-GB';

function formatters(locale: string) {
  return {
    locale,
    long: new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }),
    short: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }),
    moment: new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }),
    time: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }),
  };
}

let f = formatters(DEFAULT_DATE_LOCALE);

/** Formats every later date in `locale` (a BCP-47 tag the clinic chose); an unknown one falls back to en-GB. */
export function setDateLocale(locale: string | null | undefined): void {
  const wanted = locale || DEFAULT_DATE_LOCALE;
  if (wanted === f.locale) return;
  try {
    f = formatters(Intl.DateTimeFormat.supportedLocalesOf([wanted]).length ? wanted : DEFAULT_DATE_LOCALE);
  } catch {
    f = formatters(DEFAULT_DATE_LOCALE);
  }
}

export function dateLocale(): string {
  return f.locale;
}

/** "Thu 27 Nov" (en-GB). */
export function dayLabel(iso: string): string {
  return f.long.format(parseDate(iso));
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
