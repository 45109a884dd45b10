// homeplay-core `schedule::expand`: what a program makes due on each date. An item is due from the later of
// its start date and the day it was assigned (a start chosen in the past never makes earlier days due), up to
// its end date, on its weekdays, outside its pauses; a routine stands for each of its exercises in order, and
// a routine not synced yet stands for nothing.
import { addDays, weekdayIndex } from '../dates';
import type { Assignment, FamilyMoment, Routine, SlotTime } from './types';

export interface Due {
  assignment_id: string;
  exercise_id: string;
  date: string;
  slot: number;
  position: number;
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** `FamilyMoment::typical_time`: where a family moment sorts in the day. */
export const TYPICAL_TIME: Record<FamilyMoment, string> = {
  wake_up: '07:00',
  breakfast: '07:30',
  lunch: '12:00',
  after_school: '15:30',
  dinner: '18:00',
  bath: '19:00',
  bedtime: '19:30',
};

/** `SlotTime::sort_time`: `null` for "any time", which sorts after every time of day. */
export function sortTime(slot: SlotTime): string | null {
  if (slot.kind === 'moment') return TYPICAL_TIME[slot.moment];
  if (slot.kind === 'at') return slot.time.slice(0, 5);
  return null;
}

function weekday(iso: string): (typeof WEEKDAYS)[number] {
  return WEEKDAYS[weekdayIndex(iso)]!;
}

/** `Assignment::due_from`. */
export function dueFrom(a: Assignment): string {
  return a.assigned_on && a.assigned_on > a.start_date ? a.assigned_on : a.start_date;
}

/** `Assignment::is_expected_on`: whether practice is due on date `d` (before looking at its times). */
export function isExpectedOn(a: Assignment, d: string): boolean {
  return (
    d >= dueFrom(a) &&
    (!a.end_date || d <= a.end_date) &&
    a.days.includes(weekday(d)) &&
    !(a.pauses ?? []).some((p) => p.from <= d && (!p.until || d < p.until))
  );
}

export function exercisesOf(a: Assignment, routines: Routine[]): string[] {
  if (a.target.kind === 'exercise') return [a.target.exercise_id];
  const routineId = a.target.routine_id;
  return routines.find((r) => r.id === routineId)?.items ?? [];
}

/**
 * Everything due from `assignments` on the dates `first`…`last`, ordered by date, then time of day ("any time"
 * last), then assignment, time and position in a routine.
 */
export function expand(assignments: Assignment[], routines: Routine[], first: string, last: string): Due[] {
  const out: (Due & { time: string | null })[] = [];
  for (const a of assignments) {
    const exercises = exercisesOf(a, routines);
    const from = first > dueFrom(a) ? first : dueFrom(a);
    const to = a.end_date && a.end_date < last ? a.end_date : last;
    for (let date = from; date <= to; date = addDays(date, 1)) {
      if (!isExpectedOn(a, date)) continue;
      a.slots.forEach((slot, i) => {
        exercises.forEach((exercise_id, position) => {
          out.push({ assignment_id: a.id, exercise_id, date, slot: i, position, time: sortTime(slot) });
        });
      });
    }
  }
  const cmp = (x: string | number, y: string | number) => (x < y ? -1 : x > y ? 1 : 0);
  out.sort(
    (x, y) =>
      cmp(x.date, y.date) ||
      cmp(x.time === null ? 1 : 0, y.time === null ? 1 : 0) ||
      cmp(x.time ?? '', y.time ?? '') ||
      cmp(x.assignment_id, y.assignment_id) ||
      cmp(x.slot, y.slot) ||
      cmp(x.position, y.position),
  );
  return out.map(({ time: _time, ...due }) => due);
}
