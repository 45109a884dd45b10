// The dashboard's catalogues against each other and against the code, with the family's checks
// (shared/i18n/catalogCheck.ts): every key in every language, no key the code does not ask for, every message valid
// ICU with English's arguments, and every plural with the forms its language needs. English (i18n/en.ts) is the
// source; the code is read as text, as a reviewer would. Every file in i18n/ is checked, so a clinic's new
// language is held to the same rules the moment its file is there.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeCatalogues } from '../shared/i18n/catalogSuite';
import type { Catalog } from '../shared/i18n/translator';
import { direction, LOADERS, LOCALES, ownName, SOURCE, suggestLocale, tagOf } from './i18n.svelte';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The catalogue files on disk: one per language, named by its tag. */
const FILES = readdirSync(join(here, 'i18n')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return ['i18n', 'node_modules'].includes(name) ? [] : sources(path);
    return /\.(ts|svelte)$/.test(name) && !name.endsWith('.test.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}
const code = sources(here).map((f) => readFileSync(f, 'utf8')).join('\n');

/** Keys asked for by name: `t('key'` (and `tAround('key'`, which splits a message around an argument, and `tUi('key'`,
 *  the therapist's language around a page printed in a family's). */
const asked = new Set([...code.matchAll(/\b(?:t|tUi|tAround)\(\s*(['"])([\w.]+)\1/g)].map((m) => m[2] ?? ''));
/** Keys built from a value (`` t(`flag.${kind}`) ``) could not be checked against the catalogue: the code has none. */
const built = [...code.matchAll(/\b(?:t|tUi|tAround)\(\s*`/g)].length;

const catalogs: Record<string, Catalog> = Object.fromEntries(await Promise.all(LOCALES.map(async (l) => [l, await LOADERS[l]!()] as const)));
const english = catalogs[SOURCE]!;
const keys = Object.keys(english).sort();

describe('the code and the English catalogue', () => {
  it('loads every catalogue file, English first', () => {
    expect([...LOCALES].sort()).toEqual(FILES.map((f) => tagOf(f)).sort());
    expect(LOCALES[0]).toBe(SOURCE);
    expect(LOCALES).toContain('es');
  });
  it('asks for every key by name, never builds one', () => {
    expect(built).toBe(0);
  });
  it('has every key the code asks for', () => {
    expect([...asked].filter((k) => !(k in english)).sort()).toEqual([]);
  });
  it('has no key the code never asks for', () => {
    expect(keys.filter((k) => !asked.has(k))).toEqual([]);
  });
});

describe('the language picker', () => {
  it('names each language in itself', () => {
    expect(ownName('en')).toBe('English');
    expect(ownName('es')).toBe('Español');
    expect(ownName('fr')).toBe('Français');
  });
  it('knows which way a language writes, for one added later too', () => {
    expect(direction('es')).toBe('ltr');
    expect(direction('ar')).toBe('rtl');
  });
  it("suggests the browser's first language it speaks, by its exact tag or its language, else English", () => {
    expect(suggestLocale(['es-MX', 'en-US'])).toBe('es');
    expect(suggestLocale(['de-DE', 'es'])).toBe('es');
    expect(suggestLocale(['pt-BR'], ['en', 'es', 'pt-BR'])).toBe('pt-BR');
    expect(suggestLocale(['pt-PT'], ['en', 'pt-BR'])).toBe('en');
    expect(suggestLocale(['de-DE', 'ja'])).toBe('en');
    expect(suggestLocale([])).toBe('en');
  });
});

describeCatalogues(LOCALES, catalogs, english);
