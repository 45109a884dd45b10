// The program builder's "when" part, and how it becomes the API's AssignmentInput.
import { t } from '../i18n.svelte';
import type { Schemas } from './api/client';
import type { FormError } from './fieldErrors';

export interface SlotDraft {
  kind: 'moment' | 'at' | 'anytime';
  moment: Schemas['FamilyMoment'];
  time: string;
}

export interface AssignDraft {
  start_date: string;
  end_date: string;
  days: Schemas['Weekdays'];
  slots: SlotDraft[];
  reps: number | null;
  sets: number | null;
  hold_seconds: number | null;
  duration_seconds: number | null;
  note: string;
  /** The child's goals this item serves. */
  goal_ids: string[];
}

export const MAX_SLOTS = 3;

export function newSlot(): SlotDraft {
  return { kind: 'moment', moment: 'after_school', time: '16:00' };
}

export function emptyAssign(today: string): AssignDraft {
  return {
    start_date: today, end_date: '', days: ['mon', 'tue', 'wed', 'thu', 'fri'], slots: [newSlot()],
    reps: null, sets: null, hold_seconds: null, duration_seconds: null, note: '', goal_ids: [],
  };
}

export function slotInput(s: SlotDraft): Schemas['SlotTime'] {
  switch (s.kind) {
    case 'moment':
      return { kind: 'moment', moment: s.moment };
    case 'at':
      return { kind: 'at', time: /^\d\d:\d\d$/.test(s.time) ? `${s.time}:00` : s.time };
    case 'anytime':
      return { kind: 'anytime' };
  }
}

/** The "when" fields, named as the server names them in a 422 (`slots[1].time` is inside `slots`). */
export const WHEN_FIELDS = ['start_date', 'end_date', 'days', 'slots', 'dosage', 'note_for_family', 'goal_ids'] as const;

/**
 * Every problem of the "when" part a therapist can fix before sending, each named by the field the server
 * would name, so that it shows beside that field whether it comes from here or from a 422.
 */
export function whenProblems(d: AssignDraft): FormError[] {
  const p: FormError[] = [];
  const add = (field: string, message: string) => p.push({ field, message });
  if (!d.start_date) add('start_date', t('when_problem.start'));
  if (d.end_date && d.start_date && d.end_date < d.start_date) add('end_date', t('when_problem.end_before_start'));
  if (d.days.length === 0) add('days', t('when_problem.days'));
  if (d.slots.length < 1 || d.slots.length > MAX_SLOTS) add('slots', t('when_problem.slots', { max: MAX_SLOTS }));
  d.slots.forEach((s, i) => {
    if (s.kind === 'at' && !/^\d\d:\d\d(:\d\d)?$/.test(s.time)) add(`slots[${i}].time`, t('when_problem.time', { n: i + 1 }));
  });
  return p;
}

/** The same problems as words only, for a form that lists them. */
export function assignProblems(d: AssignDraft): string[] {
  return whenProblems(d).map((p) => p.message);
}

/** Which time of `slots` a field path such as `slots[1].time` names; null for the times as a whole. */
export function slotIndex(field: string | null): number | null {
  const m = field?.match(/^slots\[(\d+)\]/);
  return m ? Number(m[1]) : null;
}

const positive = (n: number | null) => (n !== null && Number.isFinite(n) && n > 0 ? Math.round(n) : null);

export function toAssignment(target: Schemas['Target'], d: AssignDraft): Schemas['AssignmentInput'] {
  const order: Schemas['Weekdays'] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  return {
    target,
    start_date: d.start_date,
    end_date: d.end_date || null,
    days: order.filter((day) => d.days.includes(day)),
    slots: d.slots.map(slotInput),
    dosage: { reps: positive(d.reps), sets: positive(d.sets), hold_seconds: positive(d.hold_seconds), duration_seconds: positive(d.duration_seconds) },
    note_for_family: d.note.trim() || null,
    goal_ids: [...d.goal_ids],
  };
}

/** An existing assignment as the editable draft (dates, days, times, dosage overrides and note). */
export function draftFromAssignment(a: Schemas['Assignment']): AssignDraft {
  return {
    start_date: a.start_date,
    end_date: a.end_date ?? '',
    days: [...a.days],
    slots: a.slots.map((s): SlotDraft => {
      switch (s.kind) {
        case 'moment':
          return { kind: 'moment', moment: s.moment, time: '16:00' };
        case 'at':
          return { kind: 'at', moment: 'after_school', time: s.time.slice(0, 5) };
        case 'anytime':
          return { kind: 'anytime', moment: 'after_school', time: '16:00' };
      }
    }),
    reps: a.dosage?.reps ?? null,
    sets: a.dosage?.sets ?? null,
    hold_seconds: a.dosage?.hold_seconds ?? null,
    duration_seconds: a.dosage?.duration_seconds ?? null,
    note: a.note_for_family ?? '',
    goal_ids: [...(a.goal_ids ?? [])],
  };
}

/** The `PUT /api/v1/assignments/{id}` body: the edited draft, with the assignment's own target (it cannot change). */
export function toAssignmentUpdate(a: Schemas['Assignment'], d: AssignDraft): Schemas['AssignmentInput'] {
  return toAssignment(a.target, d);
}
