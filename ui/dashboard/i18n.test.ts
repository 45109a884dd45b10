import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, inEnglish, setLocale, t, tAround } from './i18n.svelte';
import { goalsCsv } from './lib/export';
import { goalFixture } from './lib/fixtures';
import { flagLabel, outcomeLabel } from './lib/labels';
import { dateLocale, setDateLocale, shortDate } from './lib/dates';
import { percent } from './lib/sparkline';

afterEach(async () => {
  await setLocale('en');
  setDateLocale('en-GB');
});

describe("the dashboard's words", () => {
  it('switch language, with the plural forms each needs', async () => {
    expect(t('overview.unread', { count: 1 })).toBe('1 new message');
    await setLocale('es');
    expect(getLocale()).toBe('es');
    expect(t('overview.unread', { count: 1 })).toBe('1 mensaje nuevo');
    expect(t('overview.unread', { count: 3 })).toBe('3 mensajes nuevos');
    expect(flagLabel({ kind: 'no_logs', days: 4 })).toBe('Sin registros desde hace 4 días');
    expect(outcomeLabel({ status: 'not_done', reason: 'no_time' })).toBe('No hecho: sin tiempo');
  });
  it('write dates and percentages in the language, with the clinic’s region where Intl knows it', async () => {
    setDateLocale('en-US');
    await setLocale('es');
    expect(dateLocale()).toBe('es-US');
    expect(shortDate('2030-11-28')).toMatch(/^28 .*nov/);
    await setLocale('en');
    expect(dateLocale()).toBe('en-US');
    expect(percent(0.5)).toBe('50%');
  });
  it('ignore a language with no catalogue', async () => {
    await setLocale('xx');
    expect(getLocale()).toBe('en');
  });
  it('fall back to the key for a key no catalogue has', async () => {
    await setLocale('es');
    expect(t('no.such.key')).toBe('no.such.key');
  });
  it('split a message around an argument the page marks up, in the order of each language', async () => {
    expect(tAround('lifecycle.type_to_confirm', 'name')).toEqual(['Type ', ' to confirm']);
    await setLocale('es');
    expect(tAround('lifecycle.type_to_confirm', 'name')).toEqual(['Escriba ', ' para confirmar']);
  });
  it('keep files for other systems in English whatever the dashboard speaks', async () => {
    await setLocale('es');
    const english = inEnglish(() => t('outcome.done'));
    expect(english).toBe('Done');
    expect(t('outcome.done')).toBe('Hecho');
    const csv = goalsCsv([{ goal: goalFixture({ status: 'met' }), assignment_ids: [] }], null);
    expect(csv).toContain(',Self-care; Fine motor,Met,');
  });
});
