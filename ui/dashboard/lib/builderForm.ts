// The program builder's checks before sending, and where the server's refusals land: every problem is named by
// a field path, the one the server uses (a routine's own fields under `routine.`, since the builder sends the
// routine and then the assignment), so each shows beside its field.
import { WHEN_FIELDS, whenProblems, type AssignDraft } from './assignForm';
import type { FormError } from './fieldErrors';
import { t } from '../i18n.svelte';

export type BuilderMode = 'new_routine' | 'routine' | 'exercise';

export interface BuilderChoice {
  childId: string;
  mode: BuilderMode;
  routineId: string;
  exerciseId: string;
  /** How many exercises the new routine has. */
  items: number;
  title: string;
  kidTitle: string;
}

/** The fields the builder shows problems beside; anything else goes to the top of the form. */
export const BUILDER_FIELDS = ['child', 'target', 'routine.title', 'routine.kid_title', 'routine.items', 'routine.then_reward', ...WHEN_FIELDS] as const;

/** Every problem a therapist can fix before sending, in the order of the form (Who, What, When). */
export function builderProblems(c: BuilderChoice, when: AssignDraft): FormError[] {
  const p: FormError[] = [];
  const add = (field: string, message: string) => p.push({ field, message });
  if (!c.childId) add('child', t('builder_problem.child'));
  if (c.mode === 'new_routine') {
    if (!c.title.trim()) add('routine.title', t('routine_problem.title'));
    if (!c.kidTitle.trim()) add('routine.kid_title', t('routine_problem.kid_title'));
    if (c.items === 0) add('routine.items', t('routine_problem.items'));
  }
  if (c.mode === 'routine' && !c.routineId) add('target', t('builder_problem.routine'));
  if (c.mode === 'exercise' && !c.exerciseId) add('target', t('builder_problem.exercise'));
  return [...p, ...whenProblems(when)];
}

/** A refusal of the new routine (`POST /library/routines`), its field moved under `routine.`. */
export function routineError(e: FormError): FormError {
  if (!e.field) return e;
  const field = e.field === 'child_id' ? 'child' : `routine.${e.field}`;
  return { field, message: e.message };
}

/** The new routine was refused (so nothing was assigned): its problem, named under `routine.`. */
export class RoutineRefused extends Error {
  readonly problem: FormError;

  constructor(problem: FormError) {
    super(problem.message);
    this.problem = problem;
  }
}
