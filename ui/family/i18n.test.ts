import { afterEach, describe, expect, it } from 'vitest';
import { formatDate, getLocale, setLocale, t, weekdayNames } from './i18n.svelte';
import { pairingLanguage, suggestLanguage } from './languages';

afterEach(() => setLocale('en'));

describe('t', () => {
  it('fills placeholders and switches language', async () => {
    expect(t('today.day', { name: 'Leo' })).toBe("Leo's day");
    await setLocale('es');
    expect(getLocale()).toBe('es');
    expect(t('today.day', { name: 'Leo' })).toBe('El día de Leo');
  });
  it('picks the plural form for count', async () => {
    expect(t('sync.waiting', { count: 1 })).toBe('1 change waiting to be sent to the clinic');
    expect(t('sync.waiting', { count: 0 })).toBe('0 changes waiting to be sent to the clinic');
    await setLocale('es');
    expect(t('kid.seconds_left', { count: 1 })).toBe('Queda 1 segundo');
    expect(t('kid.seconds_left', { count: 3 })).toBe('Quedan 3 segundos');
    // Spanish has a "many" form for a million.
    expect(t('kid.stickers_today', { count: 1_000_000 })).toContain('estrellas');
  });
  it('picks the plural form each language needs', async () => {
    await setLocale('pl');
    expect([1, 3, 5, 22].map((count) => t('kid.seconds_left', { count }))).toEqual([
      'Została 1 sekunda',
      'Zostały 3 sekundy',
      'Zostało 5 sekund',
      'Zostały 22 sekundy',
    ]);
    await setLocale('ar');
    expect(t('sync.waiting', { count: 2 })).not.toBe(t('sync.waiting', { count: 3 }));
  });
  it('writes numbers in the language', async () => {
    await setLocale('fr');
    expect(t('follow.note_long', { count: 1200, max: 1000 })).toContain('1\u202f200');
  });
  it('falls back to English, then to the key', async () => {
    await setLocale('es');
    expect(t('no.such.key')).toBe('no.such.key');
    expect(t('no.such.key', { count: 2 })).toBe('no.such.key');
  });
  it('leaves unknown placeholders visible rather than blank', async () => {
    expect(t('today.day')).toBe("{name}'s day");
  });
  it('ends in the language asked for last, when an earlier one finishes loading later', async () => {
    // Vietnamese, loaded by no test before this one: its catalogue arrives after English is set.
    const slow = setLocale('vi');
    const last = setLocale('en');
    await Promise.all([slow, last]);
    expect(getLocale()).toBe('en');
    expect(t('nav.settings')).toBe('Settings');
  });
  it('follows the language on the page', async () => {
    await setLocale('zh-Hans');
    expect(t('nav.settings')).toBe('设置');
  });
});

describe('dates', () => {
  it('names days in the current language', async () => {
    expect(weekdayNames()[0]).toBe('Monday');
    expect(formatDate('2026-11-27', { weekday: 'long', day: 'numeric', month: 'long' })).toBe('Friday, November 27');
    await setLocale('es');
    expect(weekdayNames()[0]).toBe('lunes');
    expect(formatDate('2026-11-27', { weekday: 'long', day: 'numeric', month: 'long' })).toBe('viernes, 27 de noviembre');
  });
});

describe('choosing a language', () => {
  it('suggests the first system language the screens speak, matched on the language alone', async () => {
    expect(suggestLanguage(['de-DE', 'pt-BR', 'en-US'])).toBe('pt');
    expect(suggestLanguage(['zh-TW'])).toBe('zh-Hans');
    expect(suggestLanguage(['ar-EG'])).toBe('ar');
    expect(suggestLanguage(['de', 'ja'])).toBe('en');
    expect(suggestLanguage([])).toBe('en');
  });
  it('keeps a language chosen before pairing again, and suggests otherwise', async () => {
    expect(pairingLanguage('vi', ['es-MX'])).toBe('vi');
    expect(pairingLanguage('en', ['es-MX'])).toBe('es');
    expect(pairingLanguage(null, ['pl-PL'])).toBe('pl');
  });
});
