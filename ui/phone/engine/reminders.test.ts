import { describe, expect, it } from 'vitest';
import { PAIR, clinic, phone, scriptedFetch, tickInput } from './testkit';
import { t } from '../../family/i18n.svelte';
import { momentsDue, reminderText, slotTime } from './reminders';

// The family screens' own catalogue, in English (the default locale): the words the phone shows.
const english = t;

describe('reminders on the phone', () => {
  it('feeds the core rule with today: one reminder when after school comes, none again, none once it is logged', async () => {
    let now = new Date('2030-03-06T15:40:00Z'); // London is on GMT: 15:40 local, after school (15:30) has come.
    const { backend } = await phone(scriptedFetch(clinic()).fetch, { now: () => now });
    await backend.pair(PAIR);
    await backend.syncNow();

    const due = await backend.takeDueReminders();
    expect(due).toEqual([
      { child_id: tickInput().key.child_id, child_name: 'Leo', date: '2030-03-06', slot: { kind: 'moment', moment: 'after_school' }, remaining: 1, repeat: false },
    ]);
    expect(reminderText(due[0]!, english)).toEqual({ title: 'homeplay', body: 'After school: 1 activity for Leo' });
    // Remembered as sent: not again a minute later.
    now = new Date('2030-03-06T15:41:00Z');
    expect(await backend.takeDueReminders()).toEqual([]);
    // Logged before the gentle repeat (30 minutes by default): nothing more.
    await backend.record(tickInput('2030-03-06', 0));
    now = new Date('2030-03-06T16:20:00Z');
    expect(await backend.takeDueReminders()).toEqual([]);
    backend.close();
  });

  it('repeats once when still nothing is logged, and says nothing when the family turned reminders off', async () => {
    let now = new Date('2030-03-06T15:40:00Z');
    const { backend } = await phone(scriptedFetch(clinic()).fetch, { now: () => now });
    await backend.pair(PAIR);
    await backend.syncNow();
    expect(await backend.takeDueReminders()).toHaveLength(1);
    now = new Date('2030-03-06T16:11:00Z');
    const again = await backend.takeDueReminders();
    expect(again.map((r) => r.repeat)).toEqual([true]);
    expect(reminderText(again[0]!, english).body).toBe('Still to do · After school: 1 activity for Leo');
    now = new Date('2030-03-06T16:50:00Z');
    expect(await backend.takeDueReminders()).toEqual([]);

    const settings = await backend.settings();
    await backend.saveSettings({ ...settings, reminders: { ...settings.reminders, enabled: false } });
    now = new Date('2030-03-07T15:40:00Z');
    expect(await backend.takeDueReminders()).toEqual([]);
    backend.close();
  });

  it('reads a clock time group as the core stores it, and skips "any time" and unknown children', () => {
    expect(slotTime({ kind: 'at', time: '16:15' })).toEqual({ kind: 'at', time: '16:15:00' });
    const today = [
      {
        child_id: 'c1', name: 'Ana', date: '2030-03-06', ended_on: null,
        groups: [
          { slot: { kind: 'at' as const, time: '16:15' }, clock: '16:15', items: [] },
          { slot: { kind: 'anytime' as const }, clock: null, items: [] },
        ],
      },
      { child_id: 'c2', name: 'Ben', date: '2030-03-06', ended_on: null, groups: [{ slot: { kind: 'at' as const, time: '09:00' }, clock: '09:00', items: [] }] },
    ];
    const moments = momentsDue(today, new Map([['c1', 'America/New_York']]), new Date('2030-03-06T21:20:00Z'));
    expect(moments).toEqual([
      { child_id: 'c1', child_name: 'Ana', date: '2030-03-06', local_now: '16:20:00', slot: { kind: 'at', time: '16:15:00' }, clock: '16:15:00', expected: 0, logged: 0 },
    ]);
  });
});
