// The Library's "Assign selected": several exercises, one "when" for all, and a dosage for all or per item,
// sent as one `POST /api/v1/children/{id}/assignments/batch` (all assigned, or none).
import type { Schemas } from './api/client';
import type { FormError } from './fieldErrors';
import { t } from '../i18n.svelte';
import { toAssignment, type AssignDraft } from './assignForm';

/** The server takes at most this many items in one submit. */
export const MAX_BATCH = 20;

export interface DosageDraft {
  reps: number | null;
  sets: number | null;
  hold_seconds: number | null;
  duration_seconds: number | null;
  /** This exercise's own note for the family (from a template); empty: the shared note. */
  note?: string;
}

export function emptyDosage(): DosageDraft {
  return { reps: null, sets: null, hold_seconds: null, duration_seconds: null, note: '' };
}

const positive = (n: number | null) => (n !== null && Number.isFinite(n) && n > 0 ? Math.round(n) : null);

/** A template item's dosage and note as an editable row. */
export function dosageFromTemplate(item: Schemas['TemplateItem']): DosageDraft {
  const d = item.dosage ?? {};
  return { reps: d.reps ?? null, sets: d.sets ?? null, hold_seconds: d.hold_seconds ?? null, duration_seconds: d.duration_seconds ?? null, note: item.note_for_family ?? '' };
}

/** The template body: the selected exercises in order, each with its row's dosage and note. */
export function templateBody(
  title: string,
  exercises: readonly Schemas['Exercise'][],
  perItem: Record<string, DosageDraft>,
): Schemas['ProgramTemplateInput'] {
  return {
    title: title.trim(),
    items: exercises.map((e) => {
      const d = perItem[e.id] ?? emptyDosage();
      return {
        exercise_id: e.id,
        dosage: { reps: positive(d.reps), sets: positive(d.sets), hold_seconds: positive(d.hold_seconds), duration_seconds: positive(d.duration_seconds) },
        note_for_family: d.note?.trim() || null,
      };
    }),
  };
}

/**
 * The batch body: every exercise with the shared "when"; its dosage is the shared one, or (when `perItem`
 * is given) the exercise's own row, where an empty field keeps the exercise's own dosage.
 */
export function batchBody(
  exercises: readonly Schemas['Exercise'][],
  when: AssignDraft,
  perItem: Record<string, DosageDraft> | null,
): Schemas['AssignmentBatch'] {
  return {
    items: exercises.map((e) => {
      const row = perItem ? (perItem[e.id] ?? emptyDosage()) : null;
      const note = row?.note?.trim() ? row.note : when.note;
      return toAssignment({ kind: 'exercise', exercise_id: e.id }, { ...when, ...pickDosage(row ?? when), note });
    }),
  };
}

function pickDosage(d: DosageDraft): DosageDraft {
  return { reps: d.reps, sets: d.sets, hold_seconds: d.hold_seconds, duration_seconds: d.duration_seconds };
}

/** Problems to fix before sending, beyond the "when" form's own; `childId` null: no child is needed (a template). */
export function selectionProblems(count: number, childId: string | null): string[] {
  return selectionFieldProblems(count, childId).map((p) => p.message);
}

/** The same problems, each named by the field it shows beside: `child`, or `items` (the selection). */
export function selectionFieldProblems(count: number, childId: string | null): FormError[] {
  const p: FormError[] = [];
  if (childId !== null && !childId) p.push({ field: 'child', message: t('builder_problem.child') });
  if (count === 0) p.push({ field: 'items', message: t('selection_problem.none') });
  if (count > MAX_BATCH) p.push({ field: 'items', message: t('selection_problem.too_many', { max: MAX_BATCH }) });
  return p;
}

/**
 * Where a server error about `items[i].…` belongs: the item's index and the field inside it
 * (`items[2].dosage.reps` → 2, `dosage.reps`); null for an error about the whole submit.
 */
export function itemField(field: string | null): { index: number; field: string } | null {
  const m = field ? /^items\[(\d+)\](?:\.(.+))?$/.exec(field) : null;
  return m ? { index: Number(m[1]), field: m[2] ?? '' } : null;
}
