// The optional "How did it go?" after a tick: what the form holds, how it becomes the log's details, and the
// short line the card shows afterwards. Never required: every field may stay empty.
import type { DetailsView, Difficulty, LogView, Mood } from './bindings';
import { t } from './i18n.svelte';

export const DIFFICULTIES: readonly { value: Difficulty; face: string }[] = [
  { value: 'easy', face: '😄' },
  { value: 'just_right', face: '🙂' },
  { value: 'hard', face: '😣' },
];

export const MOODS: readonly { value: Mood; face: string }[] = [
  { value: 'happy', face: '😊' },
  { value: 'okay', face: '😐' },
  { value: 'tired', face: '😴' },
  { value: 'frustrated', face: '😤' },
  { value: 'upset', face: '😢' },
];

/** The engine's limit for a note (homeplay-core `Note`), checked here so the parent sees it before saving. */
export const NOTE_MAX = 500;

/** `painScore` is the 0–10 answer, or null when the question was not answered. */
export type FollowUpForm = { difficulty: Difficulty | null; mood: Mood | null; painScore: number | null; note: string };

export function formFromDetails(d: DetailsView): FollowUpForm {
  return { difficulty: d.difficulty, mood: d.mood, painScore: d.pain_score, note: d.note ?? '' };
}

/**
 * The details to save: the form's answers over what the log already had (kid mode's actual reps and time
 * stay). With a score, `pain` follows it (above 0 is pain, as homeplay-core reads it); without one, a "yes"
 * recorded before the scale stays.
 */
export function detailsFromForm(base: DetailsView, f: FollowUpForm): DetailsView {
  const note = f.note.trim();
  const pain = f.painScore === null ? base.pain : f.painScore > 0;
  return { ...base, difficulty: f.difficulty, mood: f.mood, pain, pain_score: f.painScore, note: note === '' ? null : note };
}

/** What is wrong with the note, or null. Counts characters as the engine does (code points, not UTF-16 units). */
export function noteProblem(note: string): string | null {
  const n = [...note.trim()].length;
  return n > NOTE_MAX ? t('follow.note_long', { count: n, max: NOTE_MAX }) : null;
}

/** Asked after something was done; a "not done" has its reason already. */
export function canFollowUp(log: LogView | null): log is LogView {
  return log !== null && !log.undone && log.outcome.status !== 'not_done';
}

/** "🙂 Just right · 😊 Happy · pain": what was answered, for the card. Empty when nothing was. */
export function detailsSummary(d: DetailsView): string {
  const parts: string[] = [];
  const diff = DIFFICULTIES.find((x) => x.value === d.difficulty);
  if (diff) parts.push(`${diff.face} ${t(`difficulty.${diff.value}`)}`);
  const mood = MOODS.find((x) => x.value === d.mood);
  if (mood) parts.push(`${mood.face} ${t(`mood.${mood.value}`)}`);
  if (d.pain_score !== null && d.pain_score > 0) parts.push(t('follow.summary_pain_score', { score: d.pain_score }));
  else if (d.pain && d.pain_score === null) parts.push(t('follow.summary_pain'));
  return parts.join(' · ');
}
