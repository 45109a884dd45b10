import { describe, expect, it } from 'vitest';
import { emptyAssign, slotIndex, whenProblems } from './assignForm';
import { BUILDER_FIELDS, builderProblems, routineError, type BuilderChoice } from './builderForm';
import { problemFor, unplacedProblem } from './fieldErrors';

const choice = (over: Partial<BuilderChoice> = {}): BuilderChoice => ({
  childId: 'c1', mode: 'exercise', routineId: '', exerciseId: 'e1', items: 0, title: '', kidTitle: '', ...over,
});

describe('the "when" part, checked before sending', () => {
  it('names each problem by the field the server would name', () => {
    const d = emptyAssign('2031-03-10');
    d.end_date = '2031-03-01';
    d.days = [];
    d.slots = [{ kind: 'moment', moment: 'bath', time: '16:00' }, { kind: 'at', moment: 'bath', time: '7pm' }];
    expect(whenProblems(d)).toEqual([
      { field: 'end_date', message: 'The end date is before the start date.' },
      { field: 'days', message: 'Pick at least one day of the week.' },
      { field: 'slots[1].time', message: 'Give time 2 as HH:MM.' },
    ]);
    expect(whenProblems(emptyAssign('2031-03-10'))).toEqual([]);
  });

  it('tells which time a field path names', () => {
    expect(slotIndex('slots[2].time')).toBe(2);
    expect(slotIndex('slots')).toBeNull();
    expect(slotIndex(null)).toBeNull();
  });
});

describe('the builder, checked before sending', () => {
  it('finds every problem at once, in the order of the form', () => {
    const d = emptyAssign('');
    const fields = builderProblems(choice({ childId: '', mode: 'new_routine' }), d).map((p) => p.field);
    expect(fields).toEqual(['child', 'routine.title', 'routine.kid_title', 'routine.items', 'start_date']);
    expect(builderProblems(choice({ mode: 'routine' }), emptyAssign('2031-01-01')).map((p) => p.field)).toEqual(['target']);
    expect(builderProblems(choice(), emptyAssign('2031-01-01'))).toEqual([]);
  });

  it('puts every problem it finds beside a field of the form', () => {
    const d = emptyAssign('');
    d.days = [];
    d.slots = [];
    const problems = builderProblems(choice({ childId: '', mode: 'new_routine' }), d);
    expect(unplacedProblem(problems, BUILDER_FIELDS)).toBeNull();
    expect(problemFor(problems, 'slots')).toBe('Pick 1 to 3 times a day.');
  });

  it('maps the server refusals to the builder fields', () => {
    expect(routineError({ field: 'kid_title', message: 'Too long' })).toEqual({ field: 'routine.kid_title', message: 'Too long' });
    expect(routineError({ field: 'items[2]', message: 'Not in the library' }).field).toBe('routine.items[2]');
    expect(routineError({ field: 'child_id', message: 'Discharged' }).field).toBe('child');
    expect(routineError({ field: null, message: 'Offline' })).toEqual({ field: null, message: 'Offline' });
    // An assignment's 422 and 409 already use the builder's names.
    const refused = [{ field: 'slots[0].time', message: 'Not a time' }, { field: 'target', message: 'Already in the program' }];
    expect(problemFor(refused, 'slots')).toBe('Not a time');
    expect(problemFor(refused, 'target')).toBe('Already in the program');
    expect(unplacedProblem(refused, BUILDER_FIELDS)).toBeNull();
    expect(unplacedProblem([{ field: 'clinic', message: 'Gone' }], BUILDER_FIELDS)).toBe('Gone (clinic)');
  });
});
