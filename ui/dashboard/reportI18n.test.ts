// The report's catalogues (reportI18n.ts): for each of the family screens' languages, exactly the words a printed
// report asks for, valid ICU with English's arguments and the plural forms of the language, as the dashboard's own
// catalogues are checked. The keys are read from the report's sources, as the dashboard's catalogue test reads them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeCatalogues } from '../shared/i18n/catalogSuite';
import type { Catalog } from '../shared/i18n/translator';
import en from './i18n/en';
import { isLocale } from './i18n.svelte';
import { defaultReportLanguage, REPORT_LANGUAGES, REPORT_SOURCES, reportCatalog } from './reportI18n';

const here = fileURLToPath(new URL('.', import.meta.url));
const code = REPORT_SOURCES.map((f) => readFileSync(join(here, f), 'utf8')).join('\n');
const keys = [...new Set([...code.matchAll(/\b(?:t|tAround)\(\s*(['"])([\w.]+)\1/g)].map((m) => m[2] ?? ''))].sort();
const english: Catalog = Object.fromEntries(keys.map((k) => [k, (en as Catalog)[k] ?? '']));
const reportOnly = readdirSync(join(here, 'i18n/report')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.replace(/\.ts$/, ''));
const catalogs: Record<string, Catalog> = Object.fromEntries(
  await Promise.all(reportOnly.map(async (l) => [l, (await import(`./i18n/report/${l}.ts`)).default as Catalog] as const)),
);

describe('the report in every family language', () => {
  it('asks for words the English catalogue has', () => {
    expect(keys.length).toBeGreaterThan(100);
    expect(keys.filter((k) => !Object.hasOwn(en, k))).toEqual([]);
  });
  it.each(REPORT_LANGUAGES)('has every word of the report in %s', async (l) => {
    const catalog = await reportCatalog(l);
    expect(keys.filter((k) => !Object.hasOwn(catalog, k))).toEqual([]);
  });
  it('keeps a report-only catalogue only for a language the dashboard does not speak in full', () => {
    expect(reportOnly.filter((l) => isLocale(l))).toEqual([]);
  });
  it('opens in the family’s language, else the therapist’s, else English', () => {
    expect(defaultReportLanguage([null, 'vi', 'es'], 'es')).toBe('vi');
    expect(defaultReportLanguage([], 'es')).toBe('es');
    expect(defaultReportLanguage([undefined], 'de')).toBe('en');
  });
});

// Exactly the report's keys, in each report-only catalogue, with the dashboard catalogues' checks.
describeCatalogues(reportOnly, catalogs, english);
