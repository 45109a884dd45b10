import { afterEach, describe, expect, it } from 'vitest';
import { dateLocale, dayLabel, momentLabel, setDateLocale, shortDate } from './dates';

afterEach(() => setDateLocale('en-GB'));

describe("dates in the clinic's locale", () => {
  it('writes en-GB until the clinic chooses another', () => {
    expect(dateLocale()).toBe('en-GB');
    expect(dayLabel('2030-11-28')).toBe('Thu 28 Nov');
    expect(shortDate('2030-11-28')).toBe('28 Nov');
  });
  it('follows the locale the clinic set', () => {
    setDateLocale('en-US');
    expect(dayLabel('2030-11-28')).toBe('Thu, Nov 28');
    expect(shortDate('2030-11-28')).toBe('Nov 28');
    setDateLocale('es-ES');
    expect(shortDate('2030-11-28')).toBe('28 nov');
    expect(momentLabel('2030-11-28T12:00:00Z')).toContain('2030');
  });
  it('falls back to en-GB for no locale or a malformed one', () => {
    setDateLocale('en-US');
    setDateLocale(null);
    expect(dateLocale()).toBe('en-GB');
    setDateLocale('not a locale!');
    expect(dateLocale()).toBe('en-GB');
    expect(shortDate('2030-11-28')).toBe('28 Nov');
  });
});
