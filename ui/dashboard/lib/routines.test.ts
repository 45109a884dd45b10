import { describe, expect, it } from 'vitest';
import type { Schemas } from './api/client';
import { routineProblems, searchRoutines, usedByLabel, usesByRoutine } from './routines';

const routine = (id: string, title: string, items: string[]): Schemas['RoutineReply'] => ({
  routine: { id, clinic_id: 'k', title, kid_title: `${title}!`, items },
  warnings: [],
});

const use = (routine_id: string, child_name: string, status: Schemas['Status'] = 'active'): Schemas['RoutineUse'] => ({
  routine_id, child_name, status, assignment_id: `a-${child_name}`, child_id: `c-${child_name}`,
});

describe('routine templates', () => {
  const all = [routine('r2', 'Morning moves', ['e2']), routine('r1', 'After-school warm-up', ['e1', 'e2'])];
  const titles = { e1: 'Playdough snakes', e2: 'Bear walk' };

  it('search matches titles and item titles, any case, sorted by title', () => {
    expect(searchRoutines(all, titles, '').map((r) => r.routine.id)).toEqual(['r1', 'r2']);
    expect(searchRoutines(all, titles, 'PLAYDOUGH').map((r) => r.routine.id)).toEqual(['r1']);
    expect(searchRoutines(all, titles, 'bear').map((r) => r.routine.id)).toEqual(['r1', 'r2']);
    expect(searchRoutines(all, titles, 'moves!').map((r) => r.routine.id)).toEqual(['r2']);
    expect(searchRoutines(all, titles, 'nothing')).toEqual([]);
  });

  it('groups uses by routine and names the children a change reaches', () => {
    const by = usesByRoutine([use('r1', 'Ada'), use('r2', 'Leo'), use('r1', 'Mia', 'paused')]);
    expect(by.get('r1')!.map((u) => u.child_name)).toEqual(['Ada', 'Mia']);
    expect(usedByLabel(by.get('r1')!)).toBe('Ada and Mia (paused)');
    expect(usedByLabel(by.get('r2')!)).toBe('Leo');
    expect(usedByLabel([use('r', 'A'), use('r', 'B'), use('r', 'C')])).toBe('A, B and C');
    expect(usedByLabel([])).toBe('no child');
  });

  it('a routine needs titles and an item', () => {
    expect(routineProblems(' ', '', 0)).toHaveLength(3);
    expect(routineProblems('Warm-up', 'Go!', 1)).toEqual([]);
  });
});
