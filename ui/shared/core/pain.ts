// homeplay-core `PainScore`: 0 is no hurt; at or above the clinic's threshold (`pain_advice_at`, 1–10, default
// 6) the family is told to stop and tell their therapist.
export const DEFAULT_ADVICE_AT = 6;

export function hurts(score: number): boolean {
  return score > 0;
}

export function needsAdvice(score: number, adviceAt: number = DEFAULT_ADVICE_AT): boolean {
  return score >= adviceAt;
}
