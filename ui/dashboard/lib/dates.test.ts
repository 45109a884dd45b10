import { afterEach, describe, expect, it } from 'vitest';
import { dateLocale, dayLabel, formatLocale, momentLabel, numberLabel, percentLabel, setDateLanguage, setDateLocale, shortDate, weekdayLabel } from './dates';

afterEach(() => {
  setDateLocale('en-GB');
  setDateLanguage('en');
});

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
    setDateLanguage('es');
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

describe("dates and numbers in the therapist's language", () => {
  it("keeps the clinic's locale when it is the therapist's language, its region where Intl knows the pair, else the language", () => {
    expect(formatLocale('en-GB', 'en')).toBe('en-GB');
    expect(formatLocale('en-US', 'en')).toBe('en-US');
    expect(formatLocale('es-MX', 'es')).toBe('es-MX');
    expect(formatLocale('en-US', 'es')).toBe('es-US');
    expect(formatLocale('en-GB', 'es')).toBe('es');
    expect(formatLocale('es-ES', 'pt-BR')).toBe('pt-BR');
    expect(formatLocale('en-GB', 'not a tag!')).toBe('en-GB');
  });
  it('writes dates, weekdays and percentages in Spanish for a Spanish-speaking therapist', () => {
    setDateLanguage('es');
    expect(dateLocale()).toBe('es');
    expect(shortDate('2030-11-28')).toBe('28 nov');
    expect(weekdayLabel('wed')).toBe('Mié');
    expect(percentLabel(0.789)).toBe('79\u00a0%');
    expect(numberLabel(52.5)).toBe('52,5');
  });
  it('writes English weekdays as before, and a dash for no rate', () => {
    expect(['mon', 'thu', 'sun'].map(weekdayLabel)).toEqual(['Mon', 'Thu', 'Sun']);
    expect(percentLabel(0.5)).toBe('50%');
    expect(percentLabel(null)).toBe('–');
  });
});
