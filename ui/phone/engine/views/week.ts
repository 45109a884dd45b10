// The week: `Engine::progress` (device/src/screens.rs) and `week_program` (device/src/program.rs), shaped as
// `ProgressView` and `WeekProgramView` (src-tauri/src/dto/week.rs).
import { standingLogs, stickers } from '../../../shared/core/occurrence';
import type { DayView, FeedbackView, ProgramActivityView, ProgressView, WeekProgramView } from '../../../family/bindings';
import { addDays } from '../../../shared/dates';
import { adherence, streaks, weekStart } from '../../../shared/core/adherence';
import { expand } from '../../../shared/core/schedule';
import type { DaySummary, SlotTime, Tally } from '../../../shared/core/types';
import { localDate } from '../../../shared/core/zones';
import type { Snapshot } from '../snapshot';
import {
  type Dosage,
  type Exercise,
  type Feedback,
  clockTime,
  compareClocks,
  hhmm,
  logsOfChild,
  momentTimes,
  program,
  records,
  routineOf,
  sameSlot,
  withOverrides,
} from './read';
import { dosageView, slotView } from './today';

/** `Tally::rate`: done counts fully, partly half, out of what was due (pending is not due yet). */
export function rate(t: Tally): number | null {
  const due = t.expected - t.pending;
  return due > 0 ? (t.done + 0.5 * t.partly) / due : null;
}

function dayView(d: DaySummary, today: string): DayView {
  const status = d.status === 'pending' ? (d.date > today ? 'future' : 'today') : d.status;
  const t = d.tally;
  return {
    date: d.date,
    status,
    expected: t.expected,
    done: t.done,
    partly: t.partly,
    not_done: t.not_done,
    not_logged: t.not_logged,
  };
}

function feedbackView(f: Feedback): FeedbackView {
  return { date: f.date, from: f.from, comment: f.comment ?? null, sticker: f.sticker ?? null };
}

/**
 * `progress`: the child's week (Monday to Sunday) around `now` in its zone, streaks over the last 90 days,
 * stickers (kid-mode "done" logs in that window) and the clinic's feedback, newest first; `null` for a child this
 * device does not know.
 */
export function progress(snap: Snapshot, childId: string, now: Date): ProgressView | null {
  const p = program(snap);
  const child = p.children.find((c) => c.id === childId);
  if (!child) return null;
  const today = localDate(child.time_zone, now);
  const mine = p.assignments.filter((a) => a.child_id === child.id);
  const monday = weekStart(today);
  const sunday = addDays(monday, 6);
  const historyFirst = addDays(today, -89);
  const from = historyFirst < monday ? historyFirst : monday;
  const current = [...standingLogs(logsOfChild(snap, child.id, from, sunday)).values()];
  const week = adherence(expand(mine, p.routines, monday, sunday), current, monday, sunday, today);
  const past = adherence(expand(mine, p.routines, historyFirst, today), current, historyFirst, today, today);
  const s = streaks(past.days);
  const feedback = records<Feedback>(snap, 'feedback')
    .filter((f) => f.child_id === child.id)
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  return {
    child_id: child.id,
    name: child.display_name,
    days: week.days.map((d) => dayView(d, today)),
    week_rate: rate(week.total),
    current_streak: s.current,
    best_streak: s.longest,
    stickers: stickers(current),
    feedback: feedback.map(feedbackView),
  };
}

interface Activity {
  position: number;
  assignmentId: string;
  exercise: Exercise;
  dosage: Dosage;
  note: string | null;
  routineTitle: string | null;
  times: [SlotTime, string | null][];
  days: boolean[];
}

/**
 * `week_program`: the printable week around `now` in the child's zone: every activity due at least once,
 * once, in the order of the day (its earliest time), then as the therapist assigned them; `null` for a child
 * this device does not know.
 */
export function weekProgram(snap: Snapshot, childId: string, now: Date): WeekProgramView | null {
  const p = program(snap);
  const child = p.children.find((c) => c.id === childId);
  if (!child) return null;
  const moments = momentTimes(snap);
  const monday = weekStart(localDate(child.time_zone, now));
  const dates = [0, 1, 2, 3, 4, 5, 6].map((i) => addDays(monday, i));
  const mine = p.assignments.filter((a) => a.child_id === child.id && a.status !== 'ended');
  const activities: Activity[] = [];
  for (const e of expand(mine, p.routines, dates[0]!, dates[6]!)) {
    const exercise = p.exercises.get(e.exercise_id);
    if (!exercise) continue;
    const assignment = mine.find((a) => a.id === e.assignment_id);
    if (!assignment) continue;
    const day = Math.min(Math.max(dates.indexOf(e.date), 0), 6);
    let a = activities.find((x) => x.assignmentId === e.assignment_id && x.exercise.id === e.exercise_id);
    if (!a) {
      a = {
        position: e.position,
        assignmentId: e.assignment_id,
        exercise,
        dosage: withOverrides(exercise.dosage, assignment.dosage),
        note: assignment.note_for_family ?? null,
        routineTitle: routineOf(assignment, p.routines)?.title ?? null,
        times: [],
        days: [false, false, false, false, false, false, false],
      };
      activities.push(a);
    }
    a.days[day] = true;
    const slot = assignment.slots[e.slot]!;
    if (!a.times.some(([s]) => sameSlot(s, slot))) a.times.push([slot, clockTime(moments, slot)]);
  }
  for (const a of activities) a.times.sort(([, x], [, y]) => compareClocks(x, y));
  // Stable: activities at the same first time keep the therapist's (and the routine's) order.
  activities.sort((x, y) => {
    const fx = x.times[0]?.[1] ?? null;
    const fy = y.times[0]?.[1] ?? null;
    return (
      compareClocks(fx, fy) ||
      (x.assignmentId < y.assignmentId ? -1 : x.assignmentId > y.assignmentId ? 1 : 0) ||
      x.position - y.position
    );
  });
  return {
    child_id: child.id,
    name: child.display_name,
    dates,
    activities: activities.map(
      (a): ProgramActivityView => ({
        assignment_id: a.assignmentId,
        exercise_id: a.exercise.id,
        title: a.exercise.title,
        kid_title: a.exercise.kid_title,
        picture: a.exercise.steps[0]?.picture ?? null,
        dosage: dosageView(a.dosage),
        note: a.note,
        routine_title: a.routineTitle,
        times: a.times.map(([slot, clock]) => ({ slot: slotView(slot), clock: clock === null ? null : hhmm(clock) })),
        days: a.days,
      }),
    ),
  };
}
