import { describe, expect, it } from 'vitest';
import { ApiError, type Schemas } from './api/client';
import {
  accountStatus, canAct, confirmText, groupSecret, isSecondFactorNeeded, normalizeCode, owedStep, recoveryCodesFile,
  redirectFor, secondFactorFailure, sentence, sortAccounts, STATUS_LABELS, svgDataUri,
} from './accounts';

const therapist = (id: string, name: string): Schemas['Therapist'] => ({ id, clinic_id: 'c1', name, email: `${name.toLowerCase()}@x.test`, discipline: 'ot', role: 'therapist' });
const me = (over: Partial<Schemas['Me']> = {}): Schemas['Me'] => ({
  therapist: therapist('t1', 'Maya'), clinic: { id: 'c1', name: 'Clinic' } as Schemas['Clinic'], csrf_token: 'x', session_idle_ms: 1000,
  must_change_password: false, two_factor_enabled: false, two_factor_required: false,
  clinic_settings: { locale: 'en-GB', pain_advice_at: 6 }, email_enabled: false, ...over,
});
const account = (id: string, name: string, over: Partial<Schemas['TherapistAccount']> = {}): Schemas['TherapistAccount'] => ({
  therapist: therapist(id, name), disabled: false, two_factor_enabled: false, must_change_password: false, ...over,
});

describe('owed steps', () => {
  it('a new password first, then a second factor the clinic requires', () => {
    expect(owedStep(me())).toBeNull();
    expect(owedStep(null)).toBeNull();
    expect(owedStep(me({ must_change_password: true, two_factor_required: true }))).toBe('password');
    expect(owedStep(me({ two_factor_required: true }))).toBe('two_factor');
    expect(owedStep(me({ two_factor_required: true, two_factor_enabled: true }))).toBeNull();
  });

  it('sends an owing session to the page that settles it, and leaves it there', () => {
    expect(redirectFor(me({ must_change_password: true }), { page: 'overview' })).toEqual({ page: 'password' });
    expect(redirectFor(me({ must_change_password: true }), { page: 'password' })).toBeNull();
    expect(redirectFor(me({ two_factor_required: true }), { page: 'team' })).toEqual({ page: 'security' });
    expect(redirectFor(me({ two_factor_required: true }), { page: 'security' })).toBeNull();
    expect(redirectFor(me(), { page: 'audit' })).toBeNull();
  });
});

describe('second factor at sign-in', () => {
  it('tells the 202 answer from a signed-in one', () => {
    expect(isSecondFactorNeeded({ challenge: 'abc', expires_at: '2026-01-01T00:00:00Z' })).toBe(true);
    expect(isSecondFactorNeeded(me())).toBe(false);
  });

  it('tells an expired sign-in from a wrong code', () => {
    const later = '2026-01-01T00:05:00Z';
    const now = Date.parse('2026-01-01T00:01:00Z');
    expect(secondFactorFailure(new ApiError(401, { error: 'unauthorized', message: 'this sign-in has expired; sign in again' }), later, now)).toBe('expired');
    expect(secondFactorFailure(new ApiError(401, { error: 'unauthorized', message: 'the code is not right (or was used already)' }), later, now)).toBe('wrong');
    expect(secondFactorFailure(new ApiError(401, { error: 'unauthorized', message: 'the code is not right' }), later, Date.parse(later) + 1)).toBe('expired');
    expect(secondFactorFailure(new ApiError(429, { error: 'rate_limited', message: 'too many' }), later, now)).toBe('other');
  });

  it('cleans what was typed', () => {
    expect(normalizeCode(' 123 456 ')).toBe('123456');
    expect(normalizeCode('123-456')).toBe('123456');
    expect(sentence("this account is disabled; ask your clinic's admin")).toBe("This account is disabled; ask your clinic's admin.");
    expect(sentence('Done.')).toBe('Done.');
  });
});

describe('security page', () => {
  it('groups the secret in fours', () => {
    expect(groupSecret('JBSWY3DPEHPK3PXPAB')).toBe('JBSW Y3DP EHPK 3PXP AB');
    expect(groupSecret('jbsw y3dp==')).toBe('JBSW Y3DP');
    expect(groupSecret('')).toBe('');
  });

  it('makes the QR code a data URL, never markup', () => {
    const uri = svgDataUri('<svg xmlns="http://www.w3.org/2000/svg"><title>é</title></svg>');
    expect(uri.startsWith('data:image/svg+xml;base64,')).toBe(true);
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(uri.split(',')[1] ?? ''), (c) => c.charCodeAt(0)));
    expect(decoded).toContain('<title>é</title>');
  });

  it('writes the recovery codes to a file, one a line', () => {
    const text = recoveryCodesFile(['AAAAA-BBBBB', 'CCCCC-DDDDD'], 'maya@x.test', 'Clinic', new Date('2026-03-04T10:00:00Z'));
    expect(text.split('\n')).toContain('AAAAA-BBBBB');
    expect(text).toContain('2026-03-04');
    expect(text).toContain('maya@x.test');
  });
});

describe('team page', () => {
  it('says each status in words', () => {
    expect(STATUS_LABELS[accountStatus({ disabled: false, must_change_password: false })]).toBe('Active');
    expect(STATUS_LABELS[accountStatus({ disabled: true, must_change_password: true })]).toBe('Disabled');
    expect(STATUS_LABELS[accountStatus({ disabled: false, must_change_password: true })]).toBe('Waiting for first sign-in');
  });

  it('offers only what the server will do', () => {
    const own = account('t1', 'Maya', { two_factor_enabled: true });
    const sam = account('t2', 'Sam');
    expect(canAct(own, 'disable', 't1')).toBe(false);
    expect(canAct(sam, 'disable', 't1')).toBe(true);
    expect(canAct({ ...sam, disabled: true }, 'disable', 't1')).toBe(false);
    expect(canAct({ ...sam, disabled: true }, 'enable', 't1')).toBe(true);
    expect(canAct(sam, 'reset', 't1')).toBe(false);
    expect(canAct(own, 'reset', 't1')).toBe(true);
  });

  it('names the person and what happens', () => {
    expect(confirmText('disable', 'Sam')).toContain("Sam's sessions end at once");
    expect(confirmText('disable', 'Sam')).toContain('their programs and history stay');
    expect(confirmText('reset', 'Sam')).toContain('Sam');
  });

  it('lists the admin first, then by name', () => {
    const sorted = sortAccounts([account('t3', 'Zoe'), account('t2', 'Sam'), account('t1', 'Maya')], 't1');
    expect(sorted.map((a) => a.therapist.name)).toEqual(['Maya', 'Sam', 'Zoe']);
  });
});
