import { afterEach, describe, expect, it } from 'vitest';
import type { DetailsView } from './bindings';
import { setLocale, t } from './i18n.svelte';
import { adviceFollowOn, detailsNeedAdvice, faceShape, needsAdvice, PAIN_ADVICE_AT, PAIN_FACES, painChoices, painWordKey } from './pain';

afterEach(() => setLocale('en'));

const empty: DetailsView = { actual_reps: null, actual_seconds: null, difficulty: null, mood: null, pain: false, pain_score: null, note: null };

describe('pain scale', () => {
  it('offers six faces or eleven numbers on the same 0–10 scale', async () => {
    expect(painChoices('faces')).toEqual([0, 2, 4, 6, 8, 10]);
    expect(painChoices('numbers')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
  it('names each face in English and Spanish, and an odd number by the face below it', async () => {
    expect(PAIN_FACES.map((s) => t(painWordKey(s)))).toEqual([
      'No hurt', 'Hurts a little bit', 'Hurts a little more', 'Hurts even more', 'Hurts a whole lot', 'Hurts worst',
    ]);
    expect(painWordKey(7)).toBe('pain.face.6');
    await setLocale('es');
    expect(t(painWordKey(0))).toBe('No duele');
    expect(t(painWordKey(10))).toBe('El peor dolor');
  });
  it('advises stopping from the threshold on, and not for an unanswered question', async () => {
    expect(PAIN_ADVICE_AT).toBe(6);
    expect([0, 2, 4, 5].some((s) => needsAdvice(s))).toBe(false);
    expect([6, 8, 10].every((s) => needsAdvice(s))).toBe(true);
    expect(needsAdvice(null)).toBe(false);
    expect(detailsNeedAdvice({ ...empty, pain: true })).toBe(false);
    expect(detailsNeedAdvice({ ...empty, pain: true, pain_score: 8 })).toBe(true);
    expect(t('pain.advice')).toBe('Stop this activity and tell your therapist.');
    expect(t('pain.advice_clinic', { clinic: 'Riverside' })).toBe('Call or message Riverside.');
  });
  it("follows the clinic's own threshold", async () => {
    const advised = (at: number) => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter((s) => needsAdvice(s, at));
    expect(advised(4)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(advised(10)).toEqual([10]);
    expect(advised(1)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(needsAdvice(null, 1)).toBe(false);
    expect(detailsNeedAdvice({ ...empty, pain: true, pain_score: 4 })).toBe(false);
    expect(detailsNeedAdvice({ ...empty, pain: true, pain_score: 4 }, 4)).toBe(true);
  });
  it("adds the clinic's contact text to the advice when it set one", async () => {
    const contact = 'Call Riverside on 555-0100, Mon–Fri 8–5';
    const say = (clinic: string, words: string) => {
      const f = adviceFollowOn(clinic, words);
      return f ? t(f.key, f.vars) : null;
    };
    expect(say('Riverside', contact)).toBe(`How to reach Riverside: ${contact}`);
    expect(say('Riverside', '  ')).toBe('Call or message Riverside.');
    expect(say('', '')).toBeNull();
    await setLocale('es');
    expect(say('Riverside', contact)).toBe(`Cómo contactar con Riverside: ${contact}`);
  });
  it('draws a smile turning to a frown, brows from 6 and tears at 10', async () => {
    const curves = PAIN_FACES.map((s) => faceShape(s).curve);
    expect([...curves].sort((a, b) => b - a)).toEqual(curves);
    expect(faceShape(0).curve).toBeGreaterThan(0);
    expect(faceShape(10).curve).toBeLessThan(0);
    expect(PAIN_FACES.filter((s) => faceShape(s).brows)).toEqual([6, 8, 10]);
    expect(PAIN_FACES.filter((s) => faceShape(s).tears)).toEqual([10]);
  });
});
