import { describe, expect, it } from 'vitest';
import { checkPairFormOn, onPhone, pairFormFrom, serverLabel } from './pairingLink';

describe('the pairing screen from a link', () => {
  it('starts empty on the desktop app, which has no link', () => {
    expect(onPhone(null)).toBe(false);
    expect(pairFormFrom(null)).toEqual({ server_url: '', code: '', device_name: '', caregiver: '' });
  });

  it('fills the clinic and the code a link brought, leaving the names to the parent', () => {
    const hint = { server_url: 'https://clinic.example.org', code: 'QZ7K-M4PX' };
    expect(onPhone(hint)).toBe(true);
    expect(pairFormFrom(hint)).toEqual({ server_url: 'https://clinic.example.org', code: 'QZ7K-M4PX', device_name: '', caregiver: '' });
  });

  it('on a phone opened without a code, fills the clinic only: the code is typed', () => {
    const hint = { server_url: 'http://127.0.0.1:8080', code: null };
    expect(pairFormFrom(hint).code).toBe('');
    expect(pairFormFrom(hint).server_url).toBe('http://127.0.0.1:8080');
  });

  it('calls a phone a phone in its checks, and a computer a computer', () => {
    const empty = pairFormFrom({ server_url: 'https://clinic.example.org', code: null });
    const phone = checkPairFormOn(empty, true);
    expect(phone.device_name).toMatch(/phone/);
    expect(phone.caregiver).toMatch(/phone/);
    expect(phone.code).toBe('Type the pairing code.');
    expect(phone.server_url).toBeUndefined();
    const desktop = checkPairFormOn(pairFormFrom(null), false);
    expect(desktop.device_name).toMatch(/computer/);
    expect(desktop.server_url).toBeDefined();
  });

  it('shows the clinic address as a parent would say it', () => {
    expect(serverLabel('https://clinic.example.org/')).toBe('clinic.example.org');
    expect(serverLabel('http://127.0.0.1:8080')).toBe('127.0.0.1:8080');
  });
});
