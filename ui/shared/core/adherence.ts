// homeplay-core `adherence`: what became of each due practice, day by day. "Not logged" stays apart from "not
// done": a day nobody recorded is silence, "not done — sick" is information. When two caregivers logged the
// same practice, the best news counts, once.
import { addDays, mondayOf } from '../dates';
import type { Due } from './schedule';
import type { CompletionLog, DateRange, DayStatus, DaySummary, NotDoneReason, Streaks, Tally } from './types';

export interface Adherence {
  range: DateRange;
  total: Tally;
  days: DaySummary[];
  /** Keyed by the Monday that starts each week. */
  weeks: Record<string, Tally>;
  exercises: Record<string, Tally>;
}

type Status = 'done' | 'partly' | 'not_done' | 'not_logged' | 'pending';

const empty = (): Tally => ({ expected: 0, done: 0, partly: 0, not_done: 0, not_logged: 0, pending: 0, extra: 0 });

function add(t: Tally, status: Status): void {
  t.expected += 1;
  t[status] += 1;
}

function merge(into: Tally, t: Tally): void {
  for (const k of Object.keys(into) as (keyof Tally)[]) into[k] += t[k];
}

function rank(log: CompletionLog): number {
  return log.outcome.status === 'done' ? 2 : log.outcome.status === 'partly' ? 1 : 0;
}

/** `adherence::week_start`: the Monday of a date's week. */
export const weekStart = mondayOf;

function dayStatus(t: Tally): DayStatus {
  if (t.expected === 0) return 'nothing_scheduled';
  if (t.done === t.expected) return 'done';
  if (t.done + t.partly > 0) return 'partly';
  if (t.not_done > 0) return 'not_done';
  if (t.pending > 0) return 'pending';
  return 'not_logged';
}

/**
 * Matches `logs` (current versions; undone ones count for nothing) to what is `due`, over `first`…`last`.
 * `today` is the family's local date: practice from today on with no record is pending, not missed.
 */
export function adherence(due: Due[], logs: CompletionLog[], first: string, last: string, today: string): Adherence {
  const inRange = (d: string) => first <= d && d <= last;
  const keyOf = (assignment: string, exercise: string, date: string, slot: number) => `${assignment}|${exercise}|${date}|${slot}`;
  const best = new Map<string, CompletionLog>();
  for (const log of logs) {
    if (log.undone || !inRange(log.occurrence.date)) continue;
    const key = keyOf(log.assignment_id, log.exercise_id, log.occurrence.date, log.occurrence.slot);
    const current = best.get(key);
    if (!current || rank(log) > rank(current)) best.set(key, log);
  }

  const byDay = new Map<string, { tally: Tally; reasons: NotDoneReason[] }>();
  const day = (d: string) => {
    let v = byDay.get(d);
    if (!v) byDay.set(d, (v = { tally: empty(), reasons: [] }));
    return v;
  };
  const exercises: Record<string, Tally> = {};
  const matched = new Set<string>();
  for (const e of due.filter((e) => inRange(e.date))) {
    const key = keyOf(e.assignment_id, e.exercise_id, e.date, e.slot);
    const log = best.get(key);
    let status: Status;
    let reason: NotDoneReason | null = null;
    if (log) {
      matched.add(key);
      status = log.outcome.status;
      if (log.outcome.status === 'not_done') reason = log.outcome.reason;
    } else {
      status = e.date >= today ? 'pending' : 'not_logged';
    }
    const d = day(e.date);
    add(d.tally, status);
    if (reason && !d.reasons.includes(reason)) d.reasons.push(reason);
    add((exercises[e.exercise_id] ??= empty()), status);
  }
  for (const [key, log] of best) {
    if (matched.has(key)) continue;
    day(log.occurrence.date).tally.extra += 1;
    (exercises[log.exercise_id] ??= empty()).extra += 1;
  }

  const total = empty();
  const weeks: Record<string, Tally> = {};
  const days: DaySummary[] = [];
  for (let date = first; date <= last; date = addDays(date, 1)) {
    const { tally, reasons } = byDay.get(date) ?? { tally: empty(), reasons: [] };
    merge(total, tally);
    merge((weeks[weekStart(date)] ??= empty()), tally);
    days.push({ date, status: dayStatus(tally), tally, reasons });
  }
  return { range: { first, last }, total, days, weeks, exercises };
}

/** `adherence::streaks`: days in a row with some practice; rest days and today's open day neither break nor extend. */
export function streaks(days: DaySummary[]): Streaks {
  let run = 0;
  let longest = 0;
  for (const d of days) {
    if (d.status === 'done' || d.status === 'partly') {
      run += 1;
      longest = Math.max(longest, run);
    } else if (d.status === 'not_done' || d.status === 'not_logged') {
      run = 0;
    }
  }
  return { current: run, longest };
}
