import { afterEach, describe, expect, it } from 'vitest';
import type { AppSettings, DayStatusView } from './bindings';
import { setLocale } from './i18n.svelte';
import { dayStatus, formatRate, isTime, settingsChanged, settingsErrors, sticker, timeLabel, waitingCount } from './week';

afterEach(() => setLocale('en'));

const settings = (): AppSettings => ({
  caregiver: 'Mum',
  language: 'en',
  sound: true,
  reminders: {
    enabled: true,
    moments: [
      { moment: 'wake_up', time: '07:00' },
      { moment: 'bedtime', time: '19:30' },
    ],
    quiet_start: '20:30',
    quiet_end: '07:00',
    repeat_after_minutes: 30,
  },
  pain_scale: 'faces',
});

describe('dayStatus', () => {
  it('gives every status its own icon and word, in both languages', async () => {
    const all: DayStatusView[] = ['done', 'partly', 'not_done', 'not_logged', 'nothing_scheduled', 'today', 'future'];
    const views = all.map(dayStatus);
    expect(new Set(views.map((v) => v.icon)).size).toBe(all.length);
    expect(new Set(views.map((v) => v.text)).size).toBe(all.length);
    expect(dayStatus('partly').text).toBe('Partly done');
    await setLocale('es');
    expect(dayStatus('partly').text).toBe('Hecho en parte');
    expect(dayStatus('not_logged').text).toBe('Sin anotar');
  });
});

describe('formatRate and sticker', () => {
  it('reads a rate as a whole percent, and nothing due as a dash', async () => {
    expect(formatRate(0.756)).toBe('76%');
    expect(formatRate(null)).toBe('—');
  });
  it('names stickers, falling back to a star for one it does not know', async () => {
    expect(sticker('rocket')).toEqual({ icon: '🚀', text: 'Rocket' });
    expect(sticker('unicorn').icon).toBe('⭐');
  });
});

describe('timeLabel', () => {
  it("names the moment with the family's clock, or the clock time", async () => {
    expect(timeLabel({ slot: { kind: 'moment', moment: 'bedtime' }, clock: '19:30' })).toBe('Bedtime (19:30)');
    expect(timeLabel({ slot: { kind: 'at', time: '08:15' }, clock: '08:15' })).toBe('At 08:15');
    expect(timeLabel({ slot: { kind: 'anytime' }, clock: null })).toBe('Any time today');
  });
});

describe('settings form', () => {
  it('accepts HH:MM times only', async () => {
    expect(isTime('07:05')).toBe(true);
    expect(isTime('23:59')).toBe(true);
    expect(isTime('24:00')).toBe(false);
    expect(isTime('7pm')).toBe(false);
    expect(isTime('')).toBe(false);
  });
  it('names each field to fix', async () => {
    expect(settingsErrors(settings())).toEqual({});
    const s = settings();
    s.caregiver = ' ';
    s.reminders.moments[1]!.time = '25:00';
    s.reminders.quiet_end = 'late';
    s.reminders.repeat_after_minutes = 1000;
    expect(Object.keys(settingsErrors(s)).sort()).toEqual(['caregiver', 'moment.bedtime', 'quiet_end', 'repeat']);
  });
  it('tells a change from the saved settings', async () => {
    const s = settings();
    expect(settingsChanged(s, settings())).toBe(false);
    s.sound = false;
    expect(settingsChanged(s, settings())).toBe(true);
  });
});

describe('waitingCount', () => {
  it('counts what has not reached the clinic in every sync state', async () => {
    expect(waitingCount({ state: 'synced', last_sync_ms: null })).toBe(0);
    expect(waitingCount({ state: 'waiting', count: 3 })).toBe(3);
    expect(waitingCount({ state: 'offline', waiting: 2, since_ms: 0 })).toBe(2);
    expect(waitingCount({ state: 'needs_attention', problem: 'x', waiting: 1, rejected: [] })).toBe(1);
    expect(waitingCount({ state: 'not_paired' })).toBe(0);
  });
});
