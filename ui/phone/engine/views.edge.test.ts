// Edges of the views the Rust-written vectors do not reach: stored values a newer app (or an older one) wrote,
// every sync state, names that are not names, and a child this device does not know.
import { describe, expect, it } from 'vitest';
import type { OutboxRow, Snapshot } from './snapshot';
import { caregivers, checkInWeek, currentCheckIns, day, progress, settings, status, syncView, thread, weekProgram } from './views';

const CHILD = '0000c000-0000-7000-8000-00000000c001';

function snap(over: Partial<Snapshot> = {}): Snapshot {
  return { settings: {}, records: [], logs: [], outbox: [], messages: [], threadReads: [], ...over };
}

const paired = { server_url: 'https://clinic.example', device_id: '0000e000-0000-7000-8000-00000000e001', clinic_name: 'Riverside' };

function outbox(id: string, wall: number, rejected: string | null = null): OutboxRow {
  return {
    kind: 'logs',
    id,
    hlc_wall: wall,
    hlc_counter: 0,
    doc: {},
    rejected_reason: rejected && 'not_due',
    rejected_field: null,
    rejected_message: rejected,
  };
}

describe('the sync line follows Engine::status', () => {
  it('is not paired without all three pairing settings', () => {
    expect(syncView(snap({ settings: { server_url: 'x', device_id: 'y' } }), null)).toEqual({ state: 'not_paired' });
  });
  it('is synced, then waiting, then offline, then needs attention, in that order of weight', () => {
    expect(syncView(snap({ settings: paired }), null)).toEqual({ state: 'synced', last_sync_ms: null });
    const ok = { at_ms: 5, outcome: 'ok', detail: '' };
    expect(syncView(snap({ settings: paired }), ok)).toEqual({ state: 'synced', last_sync_ms: 5 });
    const waiting = snap({ settings: paired, outbox: [outbox('a', 1), outbox('b', 2)] });
    expect(syncView(waiting, ok)).toEqual({ state: 'waiting', count: 2 });
    const offline = { at_ms: 9, outcome: 'offline', detail: 'timeout' };
    expect(syncView(waiting, offline)).toEqual({ state: 'offline', waiting: 2, since_ms: 9 });
    const refused = snap({ settings: paired, outbox: [outbox('b', 2, 'second'), outbox('a', 1, 'first'), outbox('c', 3)] });
    expect(syncView(refused, offline)).toEqual({
      state: 'needs_attention',
      problem: '2 entries were not accepted by the clinic',
      waiting: 1,
      rejected: ['first', 'second'],
    });
    const error = { at_ms: 10, outcome: 'error', detail: 'this device was unpaired by the clinic' };
    expect(syncView(waiting, error)).toEqual({ state: 'needs_attention', problem: error.detail, waiting: 2, rejected: [] });
  });
  it('says the clinic ended the program above everything else', () => {
    const ended = snap({ settings: { ...paired, ended: 'Leo was discharged.' }, outbox: [outbox('a', 1)] });
    expect(syncView(ended, { at_ms: 1, outcome: 'error', detail: 'x' })).toEqual({ state: 'ended', message: 'Leo was discharged.', waiting: 1 });
  });
});

describe('stored settings a different app version wrote', () => {
  it('reads unreadable preferences, moments and clinic settings as the defaults', () => {
    const s = snap({ settings: { prefs: '{"language":"fr","sound":"loud"}', moments: 'not json', clinic_settings: '[]', caregiver: '   ' } });
    const answer = settings(s);
    expect(answer.language).toBe('en');
    expect(answer.caregiver).toBeNull();
    expect(answer.reminders.moments[0]).toEqual({ moment: 'wake_up', time: '07:00' });
    expect(answer.reminders.quiet_start).toBe('20:30');
    expect(status(s, { state: 'not_paired' }).clinic).toEqual({ pain_advice_at: 6 });
  });
  it('reads preferences saved before the pain scale as faces', () => {
    const old = '{"language":"es","sound":false,"reminders":{"enabled":true,"quiet_start":"21:00:00","quiet_end":"07:00:00","repeat_after_minutes":30}}';
    const answer = settings(snap({ settings: { prefs: old } }));
    expect([answer.language, answer.sound, answer.pain_scale, answer.reminders.quiet_start]).toEqual(['es', false, 'faces', '21:00']);
  });
  it('reads a language a newer app added as English, keeping the other preferences', () => {
    const newer = '{"language":"tlh","sound":false,"reminders":{"enabled":true,"quiet_start":"21:00:00","quiet_end":"07:00:00","repeat_after_minutes":30}}';
    const answer = settings(snap({ settings: { prefs: newer } }));
    expect([answer.language, answer.sound, answer.reminders.quiet_start]).toEqual(['en', false, '21:00']);
    const chinese = settings(snap({ settings: { prefs: newer.replace('tlh', 'zh-Hans') } }));
    expect(chinese.language).toBe('zh-Hans');
  });
});

it('lists each caregiver once whatever the case, trimmed, and skips what is not a name', () => {
  const s = snap({
    settings: { caregivers: JSON.stringify(['Mum', ' grandma ', '', 'x'.repeat(61)]) },
    records: [{ entity: 'caregiver', id: '1', doc: { id: '1', family_id: 'f', name: 'GRANDMA' } }],
  });
  expect(caregivers(s)).toEqual([
    { name: 'Mum', chosen_here: true },
    { name: 'grandma', chosen_here: true },
  ]);
  expect(caregivers(snap({ settings: { caregivers: '{"not":"a list"}' } }))).toEqual([]);
});

it('answers nothing for a child this device does not know', () => {
  const now = new Date('2030-03-06T12:00:00Z');
  expect(day(snap(), CHILD, '2030-03-06')).toBeNull();
  expect(progress(snap(), CHILD, now)).toBeNull();
  expect(weekProgram(snap(), CHILD, now)).toBeNull();
  expect(thread(snap(), CHILD)).toMatchObject({ child_id: CHILD, messages: [], unread: 0, seen_up_to: null });
});

it('shows feedback that is also a message once', () => {
  const id = '0000a000-0000-7000-8000-000000000001';
  const message = { id, child_id: CHILD, side: 'clinic' as const, from: 'Maya (OT)', text: 'Well done', sent_at: '2030-03-05T09:00:00Z' };
  const feedback = { id, child_id: CHILD, date: '2030-03-04', therapist_id: 't', from: 'Maya (OT)', comment: 'Well done', created_at: '2030-03-05T09:00:00Z' };
  const s = snap({ messages: [{ id, child_id: CHILD, doc: message }], records: [{ entity: 'feedback', id, doc: feedback }] });
  expect(thread(s, CHILD).messages).toHaveLength(1);
  expect(thread(s, CHILD).unread).toBe(1);
});

it('takes the newest answer of a week that was not withdrawn', () => {
  const base = { goal_id: 'g', child_id: CHILD, week: '2030-03-04', answered_by: 'Mum', device_id: 'd', undone: false };
  const c = (id: string, wall: number, face: 'hard' | 'good' | 'great', undone = false) => ({ ...base, id, face, undone, hlc: { wall_ms: wall, counter: 0 } });
  expect(currentCheckIns([c('1', 1, 'hard'), c('2', 2, 'good'), c('1', 3, 'great')]).map((x) => x.face)).toEqual(['great']);
  expect(currentCheckIns([c('1', 1, 'hard'), c('2', 2, 'good'), c('2', 3, 'good', true)]).map((x) => x.face)).toEqual(['hard']);
});

it("answers a check-in for the Monday of the child's own week, UTC's for a child not synced yet", () => {
  const kiritimati = snap({ records: [{ entity: 'child', id: CHILD, doc: { id: CHILD, family_id: 'f', display_name: 'Mia', time_zone: 'Pacific/Kiritimati' } }] });
  // Sunday 23:30 in UTC is already Monday afternoon in Kiritimati.
  const now = new Date('2030-03-10T23:30:00Z');
  expect(checkInWeek(kiritimati, CHILD, now)).toBe('2030-03-11');
  expect(checkInWeek(snap(), CHILD, now)).toBe('2030-03-04');
});
