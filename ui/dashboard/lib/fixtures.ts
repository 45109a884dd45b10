// Test data in the API's shapes.
import type { Schemas } from './api/client';

export function buildCsvFixture(note: string): Schemas['ChildAdherence'] {
  return {
    child: { id: 'c1', display_name: 'Leo', time_zone: 'Europe/London', age_years: 5 },
    today: '2026-11-27',
    range: { first: '2026-09-07', last: '2026-11-27' },
    total: { expected: 0, done: 0, partly: 0, not_done: 0, not_logged: 0, pending: 0, extra: 0 },
    days: [], weeks: [], exercises: [], streaks: { current: 0, longest: 0 },
    rtm: { periods: [] }, flags: [], feedback: [],
    timeline: [{
      log_id: 'l1', date: '2026-11-26', slot: 0, assignment_id: 'a1', exercise_id: 'e1', exercise_title: 'Bear walk',
      outcome: { status: 'not_done', reason: 'sick' }, difficulty: 'hard', mood: 'tired', pain: true, note,
      recorded_by: { kind: 'caregiver', name: 'Mum' }, device_id: 'd1', device_label: 'Kitchen laptop',
      recorded_at: '2026-11-26T15:00:00Z', undone: false,
    }],
  } as Schemas['ChildAdherence'];
}

export function goalFixture(over: Partial<Schemas['Goal']> = {}): Schemas['Goal'] {
  return {
    id: 'g1', child_id: 'c1', text: 'Puts on socks by himself', discipline: 'ot', areas: ['self_care', 'fine_motor'],
    baseline: 'Needs hand-over-hand help',
    scale: {
      much_less: 'Needs hand-over-hand help', less: 'Pulls socks up once started',
      expected: 'Puts on socks with one verbal prompt', more: 'Puts on socks alone', much_more: 'Socks and shoes alone',
    },
    start_date: '2026-09-01', target_date: '2026-12-15', status: 'active', set_by: 't1', version: 1,
    updated_at: '2026-09-01T10:00:00Z',
    ...over,
  };
}
