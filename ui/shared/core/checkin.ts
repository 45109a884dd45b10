// homeplay-core `goal` (the family's weekly check-in): which week an answer is about, which answers stand, this
// week's answer per goal, and which answer of its own a device makes a new version of when it answers again.
import { compareHlc } from './hlc';
import type { GoalCheckIn } from './types';
import { localDate } from './zones';
import { mondayOf } from '../dates';

/** `check_in_week`: the Monday of the family's local date at `now`. */
export function checkInWeek(zone: string, now: Date): string {
  return mondayOf(localDate(zone, now));
}

/**
 * `current_check_ins`: of several versions and answers for the same goal and week, the one that stands: the
 * newest that was not withdrawn (the same clock reading goes to the greater device id, then the greater id),
 * whatever order they come in. In goal and week order.
 */
export function currentCheckIns(checkIns: GoalCheckIn[]): GoalCheckIn[] {
  const newest = new Map<string, GoalCheckIn>();
  for (const c of checkIns) {
    const held = newest.get(c.id);
    if (!held || (compareHlc(c.hlc, held.hlc) || cmp(c.device_id, held.device_id)) > 0) newest.set(c.id, c);
  }
  const perWeek = new Map<string, GoalCheckIn>();
  for (const c of newest.values()) {
    if (c.undone) continue;
    const key = `${c.goal_id}|${c.week}`;
    const held = perWeek.get(key);
    if (!held || (compareHlc(c.hlc, held.hlc) || cmp(c.device_id, held.device_id) || cmp(c.id, held.id)) > 0) perWeek.set(key, c);
  }
  return [...perWeek.values()].sort((a, b) => cmp(a.goal_id, b.goal_id) || cmp(a.week, b.week));
}

/** `week_answer`: the family's answer about `goal` for `week` among the answers that stand. */
export function weekAnswer(current: GoalCheckIn[], goal: string, week: string): GoalCheckIn | undefined {
  return current.find((c) => c.goal_id === goal && c.week === week);
}

/** `own_answer`: this device's answer about `goal` for `week`, withdrawn or not (the newest, should there be
 *  several): answering again makes a new version of it, with its id. */
export function ownAnswer(checkIns: GoalCheckIn[], goal: string, week: string, device: string): GoalCheckIn | undefined {
  let best: GoalCheckIn | undefined;
  for (const c of checkIns) {
    if (c.goal_id !== goal || c.week !== week || c.device_id !== device) continue;
    if (!best || (compareHlc(c.hlc, best.hlc) || cmp(c.id, best.id)) > 0) best = c;
  }
  return best;
}

// Canonical lowercase UUIDs and ISO dates order as their strings do.
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
