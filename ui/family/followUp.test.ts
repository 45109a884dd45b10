import { afterEach, describe, expect, it } from 'vitest';
import type { DetailsView, LogView } from './bindings';
import { canFollowUp, detailsFromForm, detailsSummary, formFromDetails, NOTE_MAX, noteProblem } from './followUp';
import { setLocale } from './i18n.svelte';

afterEach(() => setLocale('en'));

const empty: DetailsView = { actual_reps: null, actual_seconds: null, difficulty: null, mood: null, pain: false, pain_score: null, note: null };
const log = (over: Partial<LogView>): LogView => ({
  id: 'l1',
  outcome: { status: 'done' },
  details: empty,
  recorded_by: 'Mum',
  by_kid: false,
  undone: false,
  ...over,
});

describe('follow-up form', () => {
  it("keeps kid mode's counts and fills in the answers", async () => {
    const base = { ...empty, actual_reps: 6 };
    const d = detailsFromForm(base, { difficulty: 'hard', mood: 'tired', painScore: 4, note: '  left knee  ' });
    expect(d).toEqual({ ...empty, actual_reps: 6, difficulty: 'hard', mood: 'tired', pain: true, pain_score: 4, note: 'left knee' });
  });
  it('keeps pain in step with the score, and an old "yes" without one', async () => {
    expect(detailsFromForm({ ...empty, pain: true }, { ...formFromDetails(empty), painScore: 0 })).toMatchObject({ pain: false, pain_score: 0 });
    const oldYes = { ...empty, pain: true };
    expect(formFromDetails(oldYes).painScore).toBeNull();
    expect(detailsFromForm(oldYes, formFromDetails(oldYes))).toEqual(oldYes);
  });
  it('saves a blank note as none', async () => {
    expect(detailsFromForm(empty, { ...formFromDetails(empty), note: '   ' }).note).toBeNull();
  });
  it('round-trips what was saved before', async () => {
    const d = { ...empty, difficulty: 'easy', mood: 'happy', note: 'fun' } as const;
    expect(detailsFromForm(d, formFromDetails(d))).toEqual(d);
  });
  it('names a note over the limit, counting characters not bytes', async () => {
    expect(noteProblem('é'.repeat(NOTE_MAX))).toBeNull();
    expect(noteProblem('😀'.repeat(NOTE_MAX))).toBeNull();
    expect(noteProblem('a'.repeat(NOTE_MAX + 1))).toBe(`The note is too long: ${NOTE_MAX + 1} of ${NOTE_MAX} characters.`);
  });
  it('is offered after done or partly, not after not done or an undo', async () => {
    expect(canFollowUp(log({}))).toBe(true);
    expect(canFollowUp(log({ outcome: { status: 'partly' } }))).toBe(true);
    expect(canFollowUp(log({ outcome: { status: 'not_done', reason: 'sick' } }))).toBe(false);
    expect(canFollowUp(log({ undone: true }))).toBe(false);
    expect(canFollowUp(null)).toBe(false);
  });
  it('sums up the answers in the current language', async () => {
    expect(detailsSummary(empty)).toBe('');
    const d = { ...empty, difficulty: 'just_right', mood: 'happy', pain: true } as const;
    expect(detailsSummary(d)).toBe('🙂 Just right · 😊 Happy · pain');
    expect(detailsSummary({ ...d, pain_score: 8 })).toBe('🙂 Just right · 😊 Happy · pain 8/10');
    expect(detailsSummary({ ...empty, pain_score: 0 })).toBe('');
    await setLocale('es');
    expect(detailsSummary(d)).toBe('🙂 En su punto · 😊 Con alegría · dolor');
    expect(detailsSummary({ ...d, pain_score: 8 })).toBe('🙂 En su punto · 😊 Con alegría · dolor 8/10');
  });
});
