import { describe, expect, it } from 'vitest';
import { draftProblems, emptyDraft, emptyStep, nearLimit } from './exerciseForm';

describe('the custom exercise form', () => {
  it('names every problem by the field the server would name, all at once', () => {
    const d = emptyDraft();
    d.steps.push(emptyStep());
    d.min_years = 9;
    d.max_years = 4;
    expect(draftProblems(d).map((p) => p.field)).toEqual([
      'title', 'kid_title', 'skill_areas', 'instructions', 'dosage', 'ages',
      'steps[0].caption', 'steps[0].picture', 'steps[1].caption', 'steps[1].picture',
    ]);
  });

  it('has nothing to say about a complete exercise', () => {
    const d = { ...emptyDraft(), title: 'Pegs', kid_title: 'Pinch!', skill_areas: ['fine_motor' as const], instructions: 'Pinch.', reps: 5 };
    d.steps = [{ ...emptyStep(), caption: 'Open the peg', picture: 'builtin:clothespin-crocodile-1' }];
    expect(draftProblems(d)).toEqual([]);
  });

  it('shows a counter only near the limit', () => {
    expect(nearLimit('x'.repeat(71), 80)).toBe(false);
    expect(nearLimit('x'.repeat(72), 80)).toBe(true);
  });
});
