import { describe, expect, it } from 'vitest';
import { ASK_AGAIN_AFTER_MS, newCaregiverError, shouldAskWho } from './caregiver';

describe('shouldAskWho', () => {
  it('never asks a family with one caregiver', () => {
    expect(shouldAskWho(1, null, 0)).toBe(false);
    expect(shouldAskWho(0, null, 0)).toBe(false);
  });
  it('asks on the first tick after the app starts, then again after a while idle', () => {
    expect(shouldAskWho(2, null, 1_000)).toBe(true);
    expect(shouldAskWho(2, 1_000, 1_000 + ASK_AGAIN_AFTER_MS - 1)).toBe(false);
    expect(shouldAskWho(2, 1_000, 1_000 + ASK_AGAIN_AFTER_MS)).toBe(true);
  });
});

describe('newCaregiverError', () => {
  it('names an empty name, and lets a name through', () => {
    expect(newCaregiverError('  ')).toBe('Type a name, e.g. "Grandma".');
    expect(newCaregiverError('Grandma')).toBeNull();
  });
});
