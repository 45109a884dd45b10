// Pain on the 0–10 scale as the follow-up asks it: six faces (0, 2, 4, 6, 8, 10) or the eleven numbers, as
// the family chose in Settings. Both record the same score (homeplay-core `PainScore`), so the clinic's
// graphs need not know which row was shown.
import { DEFAULT_ADVICE_AT, needsAdvice as scoreNeedsAdvice } from '../shared/core/pain';
import type { DetailsView, PainScale } from './bindings';

/** The scores the faces stand for, with the word key of each ("No hurt" … "Hurts worst"). */
export const PAIN_FACES: readonly number[] = [0, 2, 4, 6, 8, 10];
export const PAIN_NUMBERS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/**
 * homeplay-core `PainScore::ADVICE_AT`, the default threshold: from here on the family is told to stop and tell
 * their therapist. The clinic may set its own (`AppStatus.clinic.pain_advice_at`), which is what the screens use.
 */
export const PAIN_ADVICE_AT = DEFAULT_ADVICE_AT;

export function painChoices(scale: PainScale): readonly number[] {
  return scale === 'numbers' ? PAIN_NUMBERS : PAIN_FACES;
}

/** The i18n key of the words for a score: a face's own words, or the nearest face below an odd number. */
export function painWordKey(score: number): string {
  const face = Math.max(0, Math.min(10, score - (score % 2)));
  return `pain.face.${face}`;
}

/** homeplay-core `PainScore::needs_advice` (the core's rule, held to its vectors): no score, no advice. */
export function needsAdvice(score: number | null | undefined, adviceAt: number = PAIN_ADVICE_AT): boolean {
  return score !== null && score !== undefined && scoreNeedsAdvice(score, adviceAt);
}

/** Whether a saved log asks for the advice: a score at or above the clinic's threshold. */
export function detailsNeedAdvice(d: DetailsView, adviceAt: number = PAIN_ADVICE_AT): boolean {
  return needsAdvice(d.pain_score, adviceAt);
}

/**
 * What follows "Stop this activity and tell your therapist.": how to reach the clinic, in the clinic's own
 * words when it set contact text, else by its name; nothing when neither is known. As i18n keys and values.
 */
export function adviceFollowOn(clinic: string, contact: string): { key: string; vars: Record<string, string> } | null {
  const words = contact.trim();
  if (words) return { key: 'pain.advice_contact', vars: { clinic, contact: words } };
  return clinic ? { key: 'pain.advice_clinic', vars: { clinic } } : null;
}

/**
 * How the face for a score is drawn (a plain line drawing, not the Wong-Baker artwork): how much the mouth
 * curves (positive smiles, negative frowns), whether the brows slant and whether there are tears.
 */
export function faceShape(score: number): { curve: number; brows: boolean; tears: boolean } {
  const curve = Math.round((5 - score) * 1.6);
  return { curve, brows: score >= 6, tears: score >= 10 };
}
