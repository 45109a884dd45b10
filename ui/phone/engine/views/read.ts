// Reading the snapshot the way homeplay-device reads its SQLite tables: records of an entity in id order
// (`Db::records`), settings parsed as the device parses them (an unreadable value reads as the default), and the
// few small core rules the screens' answers need that have no TypeScript home in ui/shared/core yet.
import type { components } from '../../../dashboard/lib/api/schema';
import { TYPICAL_TIME } from '../../../shared/core/schedule';
import type { Assignment, CompletionLog, FamilyMoment, Routine, SlotTime } from '../../../shared/core/types';
import type { Snapshot } from '../snapshot';

type Schemas = components['schemas'];
export type Child = Schemas['Child'];
export type Exercise = Schemas['Exercise'];
export type Dosage = Schemas['Dosage'];
export type Feedback = Schemas['Feedback'];
export type FamilyGoal = Schemas['FamilyGoal'];
export type GoalCheckIn = Schemas['GoalCheckIn'];
export type Caregiver = Schemas['Caregiver'];
export type Message = Schemas['Message'];
export type FamilyClinicSettings = Schemas['FamilyClinicSettings'];

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** `Db::records(entity)`: the documents of one entity, in id order. */
export function records<T>(snap: Snapshot, entity: string): T[] {
  return snap.records
    .filter((r) => r.entity === entity)
    .sort(byId)
    .map((r) => r.doc as T);
}

/** A setting parsed as JSON, or `undefined` when absent or unreadable (a newer app's value). */
export function jsonSetting<T>(snap: Snapshot, key: string): T | undefined {
  const raw = snap.settings[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

export interface Program {
  children: Child[];
  assignments: Assignment[];
  routines: Routine[];
  exercises: Map<string, Exercise>;
}

/** `Engine::program`. */
export function program(snap: Snapshot): Program {
  const exercises = new Map<string, Exercise>();
  for (const e of records<Exercise>(snap, 'exercise')) exercises.set(e.id, e);
  return {
    children: records<Child>(snap, 'child'),
    assignments: records<Assignment>(snap, 'assignment'),
    routines: records<Routine>(snap, 'routine'),
    exercises,
  };
}

/** `MomentTimes` as the device keeps it (setting `moments`: moment → `HH:MM:SS`). */
export type MomentTimes = Partial<Record<FamilyMoment, string>>;

/** `Engine::moment_times`. */
export function momentTimes(snap: Snapshot): MomentTimes {
  const saved = jsonSetting<unknown>(snap, 'moments');
  return saved && typeof saved === 'object' && !Array.isArray(saved) ? (saved as MomentTimes) : {};
}

/** `HH:MM` of a `NaiveTime` as serde writes it (`HH:MM:SS`, maybe with a fraction). */
export function hhmm(time: string): string {
  return time.slice(0, 5);
}

/** `MomentTimes::time_of`, as `HH:MM:SS`. */
export function timeOf(moments: MomentTimes, moment: FamilyMoment): string {
  return moments[moment] ?? `${TYPICAL_TIME[moment]}:00`;
}

/** `MomentTimes::clock_time`: the family's clock time of a slot (`HH:MM:SS`), none for "any time". */
export function clockTime(moments: MomentTimes, slot: SlotTime): string | null {
  if (slot.kind === 'moment') return timeOf(moments, slot.moment);
  if (slot.kind === 'at') return slot.time;
  return null;
}

/** Ordering key of `(clock.is_none(), clock)`: a time before none, times in order. */
export function compareClocks(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sameSlot(a: SlotTime, b: SlotTime): boolean {
  if (a.kind === 'moment' && b.kind === 'moment') return a.moment === b.moment;
  if (a.kind === 'at' && b.kind === 'at') return a.time === b.time;
  return a.kind === b.kind;
}

/** `Dosage::with_overrides`: the therapist's per-child numbers over the exercise's own. */
export function withOverrides(base: Dosage, overrides: Dosage | null | undefined): Dosage {
  const o = overrides ?? {};
  return {
    reps: o.reps ?? base.reps ?? null,
    sets: o.sets ?? base.sets ?? null,
    hold_seconds: o.hold_seconds ?? base.hold_seconds ?? null,
    duration_seconds: o.duration_seconds ?? base.duration_seconds ?? null,
  };
}

/** The routine an assignment stands for, if it is one and it has arrived. */
export function routineOf(a: Assignment, routines: Routine[]): Routine | undefined {
  const target = a.target;
  return target.kind === 'routine' ? routines.find((r) => r.id === target.routine_id) : undefined;
}

/** `Db::logs_of_child`: the child's logs on dates `from`…`to`. */
export function logsOfChild(snap: Snapshot, childId: string, from: string, to: string): CompletionLog[] {
  return snap.logs.filter((l) => l.child_id === childId && from <= l.occurrence.date && l.occurrence.date <= to);
}

/** `Name::new`: trimmed, 1–60 characters, no control characters but tab and newline; `null` when not a name. */
export function validName(raw: string): string | null {
  const text = raw.trim();
  const chars = [...text].length;
  if (chars < 1 || chars > 60) return null;
  if (/[\p{Cc}]/u.test(text.replace(/[\n\t]/g, ''))) return null;
  return text;
}
