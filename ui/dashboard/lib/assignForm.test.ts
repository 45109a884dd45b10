import { describe, expect, it } from 'vitest';
import type { Schemas } from './api/client';
import { assignProblems, draftFromAssignment, toAssignmentUpdate } from './assignForm';

const assignment: Schemas['Assignment'] = {
  id: 'a1', child_id: 'c1', target: { kind: 'exercise', exercise_id: 'e1' }, assigned_by: 't1',
  start_date: '2026-11-01', end_date: null, days: ['mon', 'wed'],
  slots: [{ kind: 'moment', moment: 'bath' }, { kind: 'at', time: '18:30:00' }, { kind: 'anytime' }],
  dosage: { reps: 5, sets: null }, note_for_family: 'Use the red clip', status: 'active', pauses: [],
} as Schemas['Assignment'];

describe('editing an assignment', () => {
  it('turns an assignment into a draft and back unchanged', () => {
    const draft = draftFromAssignment(assignment);
    expect(draft.slots.map((s) => s.kind)).toEqual(['moment', 'at', 'anytime']);
    expect(draft.slots[1]!.time).toBe('18:30');
    expect(draft.note).toBe('Use the red clip');
    expect(assignProblems(draft)).toEqual([]);
    expect(toAssignmentUpdate(assignment, draft)).toEqual({
      target: assignment.target, start_date: '2026-11-01', end_date: null, days: ['mon', 'wed'],
      slots: assignment.slots, dosage: { reps: 5, sets: null, hold_seconds: null, duration_seconds: null },
      note_for_family: 'Use the red clip', goal_ids: [],
    });
  });

  it('keeps the target and sends the edits', () => {
    const draft = draftFromAssignment(assignment);
    draft.days = ['sun', 'mon'];
    draft.note = '  ';
    draft.sets = 2;
    draft.slots = [{ kind: 'at', moment: 'bath', time: '07:15' }];
    const body = toAssignmentUpdate(assignment, draft);
    expect(body.target).toEqual({ kind: 'exercise', exercise_id: 'e1' });
    expect(body.days).toEqual(['mon', 'sun']);
    expect(body.note_for_family).toBeNull();
    expect(body.dosage).toMatchObject({ reps: 5, sets: 2 });
    expect(body.slots).toEqual([{ kind: 'at', time: '07:15:00' }]);
  });

  it('does not share arrays with the assignment', () => {
    const draft = draftFromAssignment(assignment);
    draft.days.push('fri');
    expect(assignment.days).toEqual(['mon', 'wed']);
  });

  it('keeps the goals an item serves, and sends the ones ticked', () => {
    const linked = { ...assignment, goal_ids: ['g1'] } as Schemas['Assignment'];
    const draft = draftFromAssignment(linked);
    expect(draft.goal_ids).toEqual(['g1']);
    draft.goal_ids.push('g2');
    expect(linked.goal_ids).toEqual(['g1']);
    expect(toAssignmentUpdate(linked, draft).goal_ids).toEqual(['g1', 'g2']);
  });
});
