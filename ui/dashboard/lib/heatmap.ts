// The child page's calendar heatmap: the last 12 weeks, a column per week (Monday first), each day told
// apart by colour, by a pattern and by a symbol, so no one needs colour to read it.
import { t } from '../i18n.svelte';
import type { Schemas } from './api/client';
import { addDays, daysBetween, mondayOf, weekdayIndex, weekdayLabel } from './dates';

export type DayStatus = Schemas['DayStatus'];
export type DaySummary = Schemas['DaySummary'];
export type CellKind = DayStatus | 'future' | 'outside';

export interface CellStyle {
  /** What a screen reader and the legend say. */
  label: string;
  /** Shown in the cell; different for every kind. */
  symbol: string;
  /** CSS class carrying the colour and the pattern. */
  className: string;
}

export const CELL_STYLES: Record<CellKind, CellStyle> = {
  done: { get label() { return t('cell.done'); }, symbol: '✓', className: 'cell-done' },
  partly: { get label() { return t('cell.partly'); }, symbol: '◐', className: 'cell-partly' },
  not_done: { get label() { return t('cell.not_done'); }, symbol: '✗', className: 'cell-not-done' },
  not_logged: { get label() { return t('cell.not_logged'); }, symbol: '?', className: 'cell-not-logged' },
  pending: { get label() { return t('cell.pending'); }, symbol: '…', className: 'cell-pending' },
  nothing_scheduled: { get label() { return t('cell.nothing_scheduled'); }, symbol: '·', className: 'cell-none' },
  future: { get label() { return t('cell.future'); }, symbol: '', className: 'cell-future' },
  outside: { get label() { return t('cell.outside'); }, symbol: '', className: 'cell-future' },
};

/** The legend, in reading order: the five statuses a therapist must tell apart, then "today". */
export const LEGEND: CellKind[] = ['done', 'partly', 'not_done', 'not_logged', 'nothing_scheduled', 'pending'];

export interface Cell {
  date: string;
  kind: CellKind;
  style: CellStyle;
  day: DaySummary | null;
}

export interface Week {
  monday: string;
  cells: Cell[];
}

const REASONS: Record<Schemas['NotDoneReason'], string> = {
  get sick() { return t('cell.reason.sick'); },
  get refused() { return t('cell.reason.refused'); },
  get no_time() { return t('cell.reason.no_time'); },
  get other() { return t('cell.reason.other'); },
};

export function reasonLabel(reason: Schemas['NotDoneReason']): string {
  return REASONS[reason];
}

/** The status of one day, as the heatmap shows it. */
export function classify(day: DaySummary | undefined, date: string, today: string): CellKind {
  if (date > today) return 'future';
  if (!day) return 'outside';
  return day.status;
}

/** A sentence for a cell's accessible name and tooltip: "Mon 24 Nov: partly done, 2 of 3 done (sick)". */
export function describeCell(cell: Cell, dayLabel: (iso: string) => string): string {
  const head = t('cell.head', { day: dayLabel(cell.date), status: cell.style.label.toLocaleLowerCase() });
  const day = cell.day;
  if (!day || day.tally.expected === 0) return head;
  const tally = day.tally;
  const parts = [t('cell.done_of', { done: tally.done, expected: tally.expected })];
  if (tally.partly) parts.push(t('cell.partly_count', { count: tally.partly }));
  if (tally.not_done) parts.push(t('cell.not_done_count', { count: tally.not_done }));
  if (tally.not_logged) parts.push(t('cell.not_logged_count', { count: tally.not_logged }));
  const details = [head, ...parts].join(', ');
  return day.reasons.length ? t('cell.with_reasons', { details, reasons: day.reasons.map(reasonLabel).join(', ') }) : details;
}

/**
 * How many weeks the calendar shows, at most `max`: from the week practice was first due (or first logged) to
 * the week of `today`, so a program that began three weeks ago opens on three weeks, not on nine empty ones.
 */
export function programWeeks(days: DaySummary[], today: string, max = 12): number {
  const started = days.filter((d) => d.date <= today && (d.tally.expected > 0 || d.status !== 'nothing_scheduled'));
  const first = started.map((d) => d.date).sort()[0];
  if (!first) return 1;
  const weeks = daysBetween(mondayOf(first), mondayOf(today)) / 7 + 1;
  return Math.max(1, Math.min(max, weeks));
}

/** The `weeks` weeks ending with the week of `today`, Monday to Sunday, from the server's day summaries. */
export function buildCalendar(days: DaySummary[], today: string, weeks = 12): Week[] {
  const byDate = new Map(days.map((d) => [d.date, d]));
  const firstMonday = addDays(mondayOf(today), -7 * (weeks - 1));
  const out: Week[] = [];
  for (let w = 0; w < weeks; w++) {
    const monday = addDays(firstMonday, 7 * w);
    const cells: Cell[] = [];
    for (let i = 0; i < 7; i++) {
      const date = addDays(monday, i);
      const day = byDate.get(date);
      const kind = classify(day, date, today);
      cells.push({ date, kind, style: CELL_STYLES[kind], day: day ?? null });
    }
    out.push({ monday, cells });
  }
  return out;
}

/** The rows' names, Monday first, in the dashboard's locale. */
export function weekdayNames(): string[] {
  return ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map(weekdayLabel);
}

export { weekdayIndex };
