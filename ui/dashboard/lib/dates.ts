// Calendar dates as the server sends them ("2026-11-27"), handled in UTC so no local zone shifts a day.
import { parseDate } from '../../shared/dates';

export { parseDate };

export function formatIso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
  const d = parseDate(iso);
  d.setUTCDate(d.getUTCDate() + days);
  return formatIso(d);
}

/** 0 for Monday … 6 for Sunday. */
export function weekdayIndex(iso: string): number {
  return (parseDate(iso).getUTCDay() + 6) % 7;
}

export function mondayOf(iso: string): string {
  return addDays(iso, -weekdayIndex(iso));
}

const long = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
const short = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** "Thu 27 Nov". */
export function dayLabel(iso: string): string {
  return long.format(parseDate(iso));
}

/** "27 Nov". */
export function shortDate(iso: string): string {
  return short.format(parseDate(iso));
}

const moment = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A moment in the dashboard's one date style, in the viewer's own time: "Thu 27 Nov 2026, 14:05". */
export function momentLabel(instant: string): string {
  return moment.format(new Date(instant));
}

/** Whole days from `a` to `b`. */
export function daysBetween(a: string, b: string): number {
  return Math.round((parseDate(b).getTime() - parseDate(a).getTime()) / 86_400_000);
}
