import { afterEach, describe, expect, it } from 'vitest';
import { formatDate, getLocale, placeholders, setLocale, t, weekdayNames } from './i18n.svelte';
import app_en from './i18n/app.en';
import app_es from './i18n/app.es';
import en from './i18n/en';
import es from './i18n/es';

afterEach(() => setLocale('en'));

const pairs: [string, Record<string, string>, Record<string, string>][] = [
  ['family screens', en, es],
  ['app screens', app_en, app_es],
];

describe.each(pairs)('%s catalogs', (_name, english, spanish) => {
  it('have the same keys', () => {
    expect(Object.keys(spanish).sort()).toEqual(Object.keys(english).sort());
  });
  it('use the same placeholders for each key', () => {
    for (const [key, text] of Object.entries(english)) {
      expect({ key, vars: placeholders(spanish[key] ?? '') }).toEqual({ key, vars: placeholders(text) });
    }
  });
  it('have no empty texts', () => {
    for (const [key, text] of [...Object.entries(english), ...Object.entries(spanish)]) {
      expect({ key, empty: text.trim() === '' }).toEqual({ key, empty: false });
    }
  });
});

describe('t', () => {
  it('fills placeholders and switches language', () => {
    expect(t('today.day', { name: 'Leo' })).toBe("Leo's day");
    setLocale('es');
    expect(getLocale()).toBe('es');
    expect(t('today.day', { name: 'Leo' })).toBe('El día de Leo');
  });
  it('picks the plural form for count', () => {
    expect(t('sync.waiting', { count: 1 })).toBe('1 change waiting to be sent to the clinic');
    expect(t('sync.waiting', { count: 0 })).toBe('0 changes waiting to be sent to the clinic');
    setLocale('es');
    expect(t('kid.seconds_left', { count: 1 })).toBe('Queda 1 segundo');
    expect(t('kid.seconds_left', { count: 3 })).toBe('Quedan 3 segundos');
    // Spanish has a "many" form for a million; the catalog's "other" covers it.
    expect(t('kid.stickers_today', { count: 1_000_000 })).toContain('estrellas');
  });
  it('falls back to English, then to the key', () => {
    setLocale('es');
    expect(t('no.such.key')).toBe('no.such.key');
    expect(t('no.such.key', { count: 2 })).toBe('no.such.key');
  });
  it('leaves unknown placeholders visible rather than blank', () => {
    expect(t('today.day')).toBe("{name}'s day");
  });
});

describe('dates', () => {
  it('names days in the current language', () => {
    expect(weekdayNames()[0]).toBe('Monday');
    expect(formatDate('2026-11-27', { weekday: 'long', day: 'numeric', month: 'long' })).toBe('Friday, November 27');
    setLocale('es');
    expect(weekdayNames()[0]).toBe('lunes');
    expect(formatDate('2026-11-27', { weekday: 'long', day: 'numeric', month: 'long' })).toBe('viernes, 27 de noviembre');
  });
});
