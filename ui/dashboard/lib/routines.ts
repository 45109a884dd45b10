// Clinic routine templates: searching them, who uses them, and what a routine form must have.
import { t } from '../i18n.svelte';
import type { Schemas } from './api/client';
import { listLabel } from './dates';

/** Templates whose title, child's title or any item's title contains `query` (any case), in title order. */
export function searchRoutines(
  routines: Schemas['RoutineReply'][],
  titles: Record<string, string>,
  query: string,
): Schemas['RoutineReply'][] {
  const needle = query.trim().toLowerCase();
  const hits = needle
    ? routines.filter(({ routine: r }) =>
        [r.title, r.kid_title, ...r.items.map((id) => titles[id] ?? '')].some((t) => t.toLowerCase().includes(needle)))
    : routines.slice();
  return hits.sort((a, b) => a.routine.title.localeCompare(b.routine.title));
}

/** The uses of each routine, by routine id. */
export function usesByRoutine(uses: Schemas['RoutineUse'][]): Map<string, Schemas['RoutineUse'][]> {
  const out = new Map<string, Schemas['RoutineUse'][]>();
  for (const u of uses) out.set(u.routine_id, [...(out.get(u.routine_id) ?? []), u]);
  return out;
}

/** "Leo", "Leo and Mia (paused)", "Ada, Leo and Mia": the children a change reaches. */
export function usedByLabel(uses: Schemas['RoutineUse'][]): string {
  const names = uses.map((u) => (u.status === 'paused' ? t('routines.paused_child', { name: u.child_name }) : u.child_name));
  return names.length ? listLabel(names) : t('routines.no_child');
}

/** What stops a routine form from saving, in the words a therapist reads. */
export function routineProblems(title: string, kidTitle: string, items: number): string[] {
  const problems: string[] = [];
  if (!title.trim()) problems.push(t('routine_problem.title'));
  if (!kidTitle.trim()) problems.push(t('routine_problem.kid_title'));
  if (items === 0) problems.push(t('routine_problem.items'));
  return problems;
}
