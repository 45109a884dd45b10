import { describe, expect, it } from 'vitest';
import { setLocale } from './i18n.svelte';
import { checkPairForm, errorMessage, formatDosage, normalizeServerUrl, outcomeLabel, slotLabel, syncLine, undoOpen, UNDO_MS } from './logic';

const none = { reps: null, sets: null, hold_seconds: null, duration_seconds: null };

describe('formatDosage', () => {
  it('reads like a therapist would say it', async () => {
    expect(formatDosage({ ...none, reps: 10, sets: 2 })).toBe('10 times · 2 rounds');
    expect(formatDosage({ ...none, hold_seconds: 10 })).toBe('hold 10 s');
    expect(formatDosage({ ...none, duration_seconds: 120 })).toBe('2 min');
    expect(formatDosage({ ...none, reps: 5, sets: 1 })).toBe('5 times');
    expect(formatDosage(none)).toBe('');
  });
});

describe('slotLabel', () => {
  it('names family moments, clock times and any time', async () => {
    expect(slotLabel({ kind: 'moment', moment: 'after_school' })).toBe('After school');
    expect(slotLabel({ kind: 'at', time: '16:30' })).toBe('At 16:30');
    expect(slotLabel({ kind: 'anytime' })).toBe('Any time today');
  });
});

describe('syncLine', () => {
  it('is honest about every state', async () => {
    expect(syncLine({ state: 'synced', last_sync_ms: 1 }).tone).toBe('ok');
    expect(syncLine({ state: 'waiting', count: 3 }).text).toBe('3 changes waiting to be sent to the clinic');
    expect(syncLine({ state: 'waiting', count: 1 }).text).toBe('1 change waiting to be sent to the clinic');
    const off = syncLine({ state: 'offline', waiting: 2, since_ms: 0 });
    expect(off.tone).toBe('offline');
    expect(off.text).toContain('2 changes saved');
    const bad = syncLine({ state: 'needs_attention', problem: 'device revoked', waiting: 0, rejected: [] });
    expect(bad).toEqual({ tone: 'attention', text: 'Needs attention: device revoked' });
  });
  it('says the program ended in the family\'s language, not in the server\'s words', async () => {
    const ended = { state: 'ended', message: 'The clinic has ended this home program.', waiting: 0 } as const;
    expect(syncLine(ended).text).toMatch(/^No longer connected: the clinic ended/);
    await setLocale('es');
    try {
      expect(syncLine(ended).text).toMatch(/^Ya no está conectado: la clínica terminó/);
      expect(syncLine(ended).text).not.toContain('The clinic');
    } finally {
      await setLocale('en');
    }
  });
});

describe('pairing form', () => {
  it('names each missing field', async () => {
    const e = checkPairForm({ server_url: '', code: ' ', device_name: '', caregiver: '' });
    expect(Object.keys(e).sort()).toEqual(['caregiver', 'code', 'device_name', 'server_url']);
    expect(checkPairForm({ server_url: '127.0.0.1:8080', code: 'ABCD', device_name: 'Kitchen', caregiver: 'Mum' })).toEqual({});
  });
  it('completes an address', async () => {
    expect(normalizeServerUrl(' clinic.example:8080/ ')).toBe('http://clinic.example:8080');
    expect(normalizeServerUrl('https://clinic.example')).toBe('https://clinic.example');
  });
  it('explains pairing failures in plain words', async () => {
    expect(errorMessage({ kind: 'code_expired', message: 'gone' })).toContain('new one');
    expect(errorMessage({ kind: 'offline', message: 'x' })).toContain('Cannot reach');
    expect(errorMessage({ kind: 'not_homeplay', message: 'x' })).toContain('answered, but it is not a homeplay server');
    expect(errorMessage({ kind: 'invalid', message: 'Your name: too long' })).toBe('Your name: too long');
    expect(errorMessage(new Error('boom'))).toBe('boom');
  });
});

describe('ticks', () => {
  it('labels outcomes', async () => {
    expect(outcomeLabel({ status: 'done' })).toBe('Done');
    expect(outcomeLabel({ status: 'not_done', reason: 'sick' })).toBe('Not done: sick');
  });
  it('offers undo for a few seconds only', async () => {
    expect(undoOpen(1000, 1000 + UNDO_MS - 1)).toBe(true);
    expect(undoOpen(1000, 1000 + UNDO_MS)).toBe(false);
  });
});
