// The printable progress report: what it picks out of a child's adherence for the chart and for parents.
import { t } from '../i18n.svelte';
import type { Schemas } from './api/client';
import { mondayOf, shortDate } from './dates';

type Entry = Schemas['TimelineEntry'];

/** How many notable logs the report lists: enough to show a pattern, few enough to stay on a page. */
export const MAX_NOTABLE = 12;

/** "7 Sep – 27 Nov 2026" (the year once, at the end, unless the range spans two). */
export function periodLabel(range: Schemas['DateRange']): string {
  const [y1] = range.first.split('-');
  const [y2] = range.last.split('-');
  return y1 === y2
    ? t('report.period_one_year', { first: shortDate(range.first), last: shortDate(range.last), year: y2 ?? '' })
    : t('report.period_two_years', { first: shortDate(range.first), firstYear: y1 ?? '', last: shortDate(range.last), lastYear: y2 ?? '' });
}

/** Why a log is worth a line in the report, or null when it is routine. */
export function notableReasons(log: Entry): string[] {
  if (log.undone) return [];
  const why: string[] = [];
  if (log.pain) why.push('pain');
  if (log.difficulty === 'hard') why.push('hard');
  if (log.outcome.status === 'not_done' && log.outcome.reason === 'refused') why.push('refused');
  if (log.note) why.push('note');
  return why;
}

/** The logs a reader should see, newest first: pain, "hard", refusals and every note from the family. */
export function notableLogs(timeline: Entry[], max = MAX_NOTABLE): { log: Entry; why: string[] }[] {
  return timeline
    .map((log) => ({ log, why: notableReasons(log) }))
    .filter((n) => n.why.length > 0)
    .slice(0, max);
}

/** The RTM periods that overlap the report's range, oldest first. */
export function rtmPeriodsIn(data: Schemas['ChildAdherence']): Schemas['RtmPeriod'][] {
  return data.rtm.periods.filter((p) => p.range.last >= data.range.first && p.range.first <= data.range.last);
}

/** Calendar weeks (Monday to Sunday) the range touches: the heatmap's columns. */
export function weeksIn(range: Schemas['DateRange']): number {
  return Math.max(1, Math.round((Date.parse(mondayOf(range.last)) - Date.parse(mondayOf(range.first))) / (7 * 86_400_000)) + 1);
}

/** Whole weeks in the range, rounded: "12 weeks". */
export function weeksLabel(range: Schemas['DateRange']): string {
  const days = Math.round((Date.parse(range.last) - Date.parse(range.first)) / 86_400_000) + 1;
  const weeks = Math.round(days / 7);
  return weeks >= 2 ? t('report.weeks', { count: weeks }) : t('report.days', { count: days });
}
