// homeplay-core `occurrence`: which record stands for a practice occurrence. A device keeps the current version
// of every log (the merge rule over every version it has seen); two caregivers may each have logged the same
// occurrence, and the screens show one of them while the stickers count it once.
import { compareHlc } from './hlc';
import { mergeLogs } from './merge';
import type { CompletionLog } from './types';

/** The current version of each log among `versions` (any order, repeats allowed), in id order. */
export function currentVersions(versions: CompletionLog[]): CompletionLog[] {
  const current = new Map<string, CompletionLog>();
  for (const v of versions) {
    const held = current.get(v.id);
    current.set(v.id, held ? mergeLogs(held, v) : v);
  }
  return [...current.values()].sort((a, b) => cmp(a.id, b.id));
}

/** `occurrence::PracticeKey`: an exercise of an assignment at one occurrence, as one string. */
export function practiceKey(log: Pick<CompletionLog, 'assignment_id' | 'exercise_id' | 'occurrence'>): string {
  return `${log.assignment_id}|${log.exercise_id}|${log.occurrence.date}|${log.occurrence.slot}`;
}

/**
 * The log that stands for each practice occurrence among current versions of logs: the latest counting one
 * (an undone log stands for nothing), by clock, then device id, then log id, whatever order the logs come in.
 * Keyed by `practiceKey`; iterated in the core's order (assignment, exercise, date, slot).
 */
export function standingLogs(logs: CompletionLog[]): Map<string, CompletionLog> {
  const out = new Map<string, CompletionLog>();
  for (const log of logs) {
    if (log.undone) continue;
    const key = practiceKey(log);
    const held = out.get(key);
    if (!held || later(log, held)) out.set(key, log);
  }
  const ordered = [...out.values()].sort(
    (a, b) =>
      cmp(a.assignment_id, b.assignment_id) ||
      cmp(a.exercise_id, b.exercise_id) ||
      cmp(a.occurrence.date, b.occurrence.date) ||
      a.occurrence.slot - b.occurrence.slot,
  );
  return new Map(ordered.map((l) => [practiceKey(l), l]));
}

/** Stickers earned: standing logs finished ("done") in kid mode. */
export function stickers(standing: Iterable<CompletionLog>): number {
  let n = 0;
  for (const l of standing) if (l.recorded_by.kind === 'kid_mode' && l.outcome.status === 'done') n += 1;
  return n;
}

function later(a: CompletionLog, b: CompletionLog): boolean {
  return (compareHlc(a.hlc, b.hlc) || cmp(a.device_id, b.device_id) || cmp(a.id, b.id)) > 0;
}

// Canonical lowercase UUIDs and ISO dates order as their strings do.
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
