// The custom-exercise form's state and how it becomes the API's ExerciseInput.
import type { Schemas } from './api/client';
import type { FormError } from './fieldErrors';
import { t } from '../i18n.svelte';

export interface StepDraft {
  caption: string;
  picture: string | null;
  voice_prompt: string | null;
  video: string | null;
}

export interface ExerciseDraft {
  title: string;
  kid_title: string;
  discipline: Schemas['ExerciseDiscipline'];
  skill_areas: Schemas['SkillArea'][];
  instructions: string;
  reps: number | null;
  sets: number | null;
  hold_seconds: number | null;
  duration_seconds: number | null;
  min_years: number;
  max_years: number;
  equipment: string;
  safety_note: string;
  steps: StepDraft[];
}

export const MAX_STEPS = 6;

export function emptyStep(): StepDraft {
  return { caption: '', picture: null, voice_prompt: null, video: null };
}

export function emptyDraft(): ExerciseDraft {
  return {
    title: '', kid_title: '', discipline: 'ot', skill_areas: [], instructions: '',
    reps: null, sets: null, hold_seconds: null, duration_seconds: null, min_years: 2, max_years: 10,
    equipment: '', safety_note: '', steps: [emptyStep()],
  };
}

export function draftFrom(e: Schemas['Exercise']): ExerciseDraft {
  return {
    title: e.title, kid_title: e.kid_title, discipline: e.discipline, skill_areas: [...e.skill_areas],
    instructions: e.instructions,
    reps: e.dosage.reps ?? null, sets: e.dosage.sets ?? null, hold_seconds: e.dosage.hold_seconds ?? null,
    duration_seconds: e.dosage.duration_seconds ?? null,
    min_years: e.ages.min_years, max_years: e.ages.max_years,
    equipment: (e.equipment ?? []).join(', '), safety_note: e.safety_note ?? '',
    steps: e.steps.map((s) => ({ caption: s.caption, picture: s.picture, voice_prompt: s.voice_prompt ?? null, video: s.video ?? null })),
  };
}

/** The longest texts the server takes (see the API's schema), for the counters shown near the limit. */
export const LIMITS = { title: 80, kid_title: 60, instructions: 2000, caption: 60 } as const;

/** Whether to show a counter: within a tenth of the limit, so nothing is cut without the therapist seeing it. */
export function nearLimit(text: string, max: number): boolean {
  return text.length >= max * 0.9;
}

/**
 * Every problem a therapist can fix before sending, each named by the field the server would name (so one
 * message shows beside its field whether it comes from here or from a 422); the server checks again.
 */
export function draftProblems(d: ExerciseDraft): FormError[] {
  const p: FormError[] = [];
  const add = (field: string, message: string) => p.push({ field, message });
  if (!d.title.trim()) add('title', t('exercise_problem.title'));
  if (!d.kid_title.trim()) add('kid_title', t('exercise_problem.kid_title'));
  if (d.skill_areas.length === 0) add('skill_areas', t('exercise_problem.skill_areas'));
  if (!d.instructions.trim()) add('instructions', t('exercise_problem.instructions'));
  if (![d.reps, d.sets, d.hold_seconds, d.duration_seconds].some((n) => n !== null && n > 0)) add('dosage', t('exercise_problem.dosage'));
  if (d.min_years > d.max_years) add('ages', t('exercise_problem.ages'));
  if (d.steps.length === 0 || d.steps.length > MAX_STEPS) add('steps', t('exercise_problem.steps', { max: MAX_STEPS }));
  d.steps.forEach((s, i) => {
    if (!s.caption.trim()) add(`steps[${i}].caption`, t('exercise_problem.caption', { n: i + 1 }));
    if (!s.picture) add(`steps[${i}].picture`, t('exercise_problem.picture', { n: i + 1 }));
  });
  return p;
}

const positive = (n: number | null) => (n !== null && Number.isFinite(n) && n > 0 ? Math.round(n) : null);

export function toInput(d: ExerciseDraft): Schemas['ExerciseInput'] {
  return {
    discipline: d.discipline,
    skill_areas: d.skill_areas,
    title: d.title.trim(),
    kid_title: d.kid_title.trim(),
    instructions: d.instructions.trim(),
    steps: d.steps.map((s) => ({
      picture: s.picture ?? '',
      caption: s.caption.trim(),
      voice_prompt: s.voice_prompt,
      video: s.video,
    })),
    dosage: {
      reps: positive(d.reps), sets: positive(d.sets), hold_seconds: positive(d.hold_seconds), duration_seconds: positive(d.duration_seconds),
    },
    equipment: d.equipment.split(',').map((x) => x.trim()).filter(Boolean),
    safety_note: d.safety_note.trim() || null,
    ages: { min_years: d.min_years, max_years: d.max_years },
  };
}
