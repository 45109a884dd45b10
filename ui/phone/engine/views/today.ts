// Today's list and a day of the week: `Engine::today` / `Engine::day` (device/src/screens.rs) shaped as
// `TodayChildView` (src-tauri/src/dto.rs).
import type { DosageView, LogView, SlotView, TodayChildView, TodayGroupView, TodayItemView } from '../../../family/bindings';
import { practiceKey, standingLogs } from '../../../shared/core/occurrence';
import { rewardAfter } from '../../../shared/core/routine';
import { expand } from '../../../shared/core/schedule';
import type { Assignment, CompletionLog, SlotTime } from '../../../shared/core/types';
import { localDate } from '../../../shared/core/zones';
import type { Snapshot } from '../snapshot';
import {
  type Child,
  type Dosage,
  type MomentTimes,
  type Program,
  clockTime,
  compareClocks,
  hhmm,
  logsOfChild,
  momentTimes,
  program,
  routineOf,
  sameSlot,
  withOverrides,
} from './read';

/** `dto::slot_view`. */
export function slotView(s: SlotTime): SlotView {
  if (s.kind === 'moment') return { kind: 'moment', moment: s.moment };
  if (s.kind === 'at') return { kind: 'at', time: hhmm(s.time) };
  return { kind: 'anytime' };
}

export function dosageView(d: Dosage): DosageView {
  return {
    reps: d.reps ?? null,
    sets: d.sets ?? null,
    hold_seconds: d.hold_seconds ?? null,
    duration_seconds: d.duration_seconds ?? null,
  };
}

/** `LogView::from(&CompletionLog)`. */
export function logView(l: CompletionLog): LogView {
  const byKid = l.recorded_by.kind === 'kid_mode';
  return {
    id: l.id,
    outcome: l.outcome,
    details: {
      actual_reps: l.actual_reps ?? null,
      actual_seconds: l.actual_seconds ?? null,
      difficulty: l.difficulty ?? null,
      mood: l.mood ?? null,
      pain: l.pain ?? false,
      pain_score: l.pain_score ?? null,
      note: l.note ?? null,
    },
    recorded_by: l.recorded_by.kind === 'caregiver' ? l.recorded_by.name : 'Kid mode',
    by_kid: byKid,
    undone: l.undone ?? false,
  };
}

interface Group {
  slot: SlotTime;
  clock: string | null;
  items: TodayItemView[];
}

/** `Engine::day_of`: what `keep`'s items make due for `child` on `date`, by time of day, with what was recorded. */
function dayOf(
  snap: Snapshot,
  child: Child,
  date: string,
  p: Program,
  moments: MomentTimes,
  keep: (a: Assignment) => boolean,
): TodayChildView {
  const mine = p.assignments.filter((a) => a.child_id === child.id && keep(a));
  const current = standingLogs(logsOfChild(snap, child.id, date, date));
  const groups: Group[] = [];
  for (const e of expand(mine, p.routines, date, date)) {
    // Not synced yet: shown once it arrives rather than half-drawn.
    const exercise = p.exercises.get(e.exercise_id);
    if (!exercise) continue;
    const assignment = mine.find((a) => a.id === e.assignment_id);
    if (!assignment) continue;
    const slot = assignment.slots[e.slot]!;
    const routine = routineOf(assignment, p.routines);
    const log = current.get(practiceKey({ assignment_id: e.assignment_id, exercise_id: e.exercise_id, occurrence: { date: e.date, slot: e.slot } }));
    const item: TodayItemView = {
      key: { child_id: child.id, assignment_id: e.assignment_id, exercise_id: e.exercise_id, date: e.date, slot: e.slot },
      title: exercise.title,
      kid_title: exercise.kid_title,
      steps: exercise.steps.map((s) => ({
        picture: s.picture,
        caption: s.caption,
        voice_prompt: s.voice_prompt ?? null,
        video: s.video ?? null,
      })),
      dosage: dosageView(withOverrides(exercise.dosage, assignment.dosage)),
      note: assignment.note_for_family ?? null,
      routine_title: routine?.title ?? null,
      then_reward: (routine && rewardAfter(routine, e.position)?.label) ?? null,
      log: log ? logView(log) : null,
    };
    const group = groups.find((g) => sameSlot(g.slot, slot));
    if (group) group.items.push(item);
    else groups.push({ slot, clock: clockTime(moments, slot), items: [item] });
  }
  groups.sort((a, b) => compareClocks(a.clock, b.clock));
  return {
    child_id: child.id,
    name: child.display_name,
    date,
    groups: groups.map(
      (g): TodayGroupView => ({ slot: slotView(g.slot), clock: g.clock === null ? null : hhmm(g.clock), items: g.items }),
    ),
    ended_on: child.discharged_on ?? null,
  };
}

/** `today`: every child's list on its own local date at `now`; ended items are gone. */
export function today(snap: Snapshot, now: Date): TodayChildView[] {
  const p = program(snap);
  const moments = momentTimes(snap);
  return p.children.map((child) =>
    dayOf(snap, child, localDate(child.time_zone, now), p, moments, (a) => a.status !== 'ended'),
  );
}

/**
 * `day`: one child's list on another day (opened from the week), ended items included; `null` for a child this
 * device does not know (the desktop app answers "not found").
 */
export function day(snap: Snapshot, childId: string, date: string): TodayChildView | null {
  const p = program(snap);
  const child = p.children.find((c) => c.id === childId);
  if (!child) return null;
  return dayOf(snap, child, date, p, momentTimes(snap), () => true);
}
