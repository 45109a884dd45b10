import { describe, expect, it } from 'vitest';
import { ApiError } from './api/client';
import { errorFor, fieldMatches, formError, formLevelError, problemFor, unplacedProblem } from './fieldErrors';

const invalid = (field: string | undefined, message: string) => new ApiError(422, { error: 'invalid', message, field });

describe('field errors', () => {
  it('takes the field and strips its name from the message', () => {
    expect(formError(invalid('current_password', 'current_password: is not right'))).toEqual({ field: 'current_password', message: 'Is not right' });
    expect(formError(invalid('new_password', 'must be at least 10 characters'))).toEqual({ field: 'new_password', message: 'Must be at least 10 characters' });
  });

  it('keeps errors without a field for the whole form', () => {
    expect(formError(new ApiError(409, { error: 'conflict', message: 'the assignment has ended' }))).toEqual({ field: null, message: 'the assignment has ended' });
    expect(formError(new Error('boom'))).toEqual({ field: null, message: 'boom' });
  });

  it('matches nested field paths to their form field', () => {
    expect(fieldMatches('dosage.reps', 'dosage')).toBe(true);
    expect(fieldMatches('slots[1].time', 'slots')).toBe(true);
    expect(fieldMatches('slots', 'slots')).toBe(true);
    expect(fieldMatches('slotsx', 'slots')).toBe(false);
    expect(fieldMatches(null, 'slots')).toBe(false);
  });

  it('shows an error once: beside its field, or at the top when no field shows it', () => {
    const err = formError(invalid('days', 'days: pick 1 to 7'));
    expect(errorFor(err, 'days')).toBe('Pick 1 to 7');
    expect(errorFor(err, 'slots')).toBeNull();
    expect(formLevelError(err, ['days', 'slots'])).toBeNull();
    expect(formLevelError(formError(invalid('target', 'cannot change')), ['days'])).toBe('Cannot change (target)');
    expect(formLevelError(null, ['days'])).toBeNull();
  });
});

describe('many problems at once', () => {
  const problems = [{ field: 'steps[1].caption', message: 'Caption' }, { field: null, message: 'Offline' }, { field: 'days', message: 'Days' }];
  it('finds the first problem of a field or inside it', () => {
    expect(problemFor(problems, 'steps')).toBe('Caption');
    expect(problemFor(problems, 'days')).toBe('Days');
    expect(problemFor(problems, 'slots')).toBeNull();
  });

  it('leaves for the top only what no listed field shows', () => {
    expect(unplacedProblem(problems, ['steps', 'days'])).toBe('Offline');
    expect(unplacedProblem(problems.slice(0, 1), ['steps'])).toBeNull();
    expect(unplacedProblem([{ field: 'x', message: 'Odd' }], ['steps'])).toBe('Odd (x)');
  });
});
