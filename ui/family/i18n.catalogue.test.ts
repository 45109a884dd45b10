// The family catalogues against each other and against the code: every key in every language, no key the code
// cannot ask for, every message valid ICU with English's arguments, and every plural with the forms its language
// needs. English (i18n/en.ts, i18n/app.en.ts) is the source; the code is read as text, as a reviewer would.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CheckInFace, Difficulty, Discipline, DayStatusView, ErrorKind, FamilyMoment, Mood, NotDoneReason, PainScale, Sticker } from './bindings';
import { describeCatalogues } from '../shared/i18n/catalogSuite';
import type { MomentMark } from './day';
import { CATALOGS, LOCALES } from './i18n/all';
import { LOADERS } from './i18n.svelte';
import { LANGUAGES } from './languages';

const ui = fileURLToPath(new URL('..', import.meta.url));

/** Every closed list's values, by its generated type: a value added in Rust fails type-checking here. */
const all = <T extends string>(values: Record<T, true>): string[] => Object.keys(values);

/**
 * The keys the code builds from a value (`` t(`mood.${m.value}`) ``), by prefix: each prefix with every value the
 * code can put after it. A new prefix in the code fails the test until it is listed here.
 */
const DYNAMIC: Record<string, string[]> = {
  'moment.': all<FamilyMoment>({ wake_up: true, breakfast: true, lunch: true, after_school: true, dinner: true, bath: true, bedtime: true }),
  'moment.mark.': all<Exclude<MomentMark, null>>({ past: true, now: true, next: true }),
  'nav.': ['today', 'week', 'goals', 'messages', 'print', 'settings'],
  'settings.': ['quiet_start', 'quiet_end'],
  'settings.pain_scale.': all<PainScale>({ faces: true, numbers: true }),
  'week.status.': all<DayStatusView>({ done: true, partly: true, not_done: true, not_logged: true, nothing_scheduled: true, today: true, future: true }),
  'sticker.': all<Sticker>({ star: true, heart: true, trophy: true, rocket: true, rainbow: true, thumbs_up: true, high_five: true, super_hero: true }),
  'difficulty.': all<Difficulty>({ easy: true, just_right: true, hard: true }),
  'mood.': all<Mood>({ happy: true, okay: true, tired: true, frustrated: true, upset: true }),
  'goals.discipline.': all<Discipline>({ ot: true, pt: true }),
  'goals.face.': all<CheckInFace>({ hard: true, so_so: true, good: true, great: true }),
  // The kinds logic.ts explains in the family's words (`HINTED`); the others show the app's own message.
  'error.': ['offline', 'not_homeplay', 'code_wrong', 'code_expired', 'wrong_version', 'rate_limited', 'already_paired'] satisfies ErrorKind[],
  'reason.': all<NotDoneReason>({ sick: true, refused: true, no_time: true, other: true }),
  'pain.face.': ['0', '2', '4', '6', '8', '10'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return ['i18n', 'bindings', 'vectors', 'node_modules'].includes(name) ? [] : sources(path);
    return /\.(ts|svelte)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}
const code = [...sources(join(ui, 'family')), ...sources(join(ui, 'phone'))].map((f) => readFileSync(f, 'utf8')).join('\n');

/** Keys asked for by name: `t('key')`. */
const asked = new Set([...code.matchAll(/\bt\(\s*(['"])([\w.]+)\1/g)].map((m) => m[2] ?? ''));
/** Quoted keys handed to `t` later (`{ key: 'storage.kept' }`): any quoted text that looks like a key. */
const quoted = new Set([...code.matchAll(/(['"])([a-z][\w]*(?:\.[\w]+)+)\1/g)].map((m) => m[2] ?? ''));
const english = CATALOGS.en;
const keys = Object.keys(english).sort();

/** Prefixes of keys built in template literals, in the catalogue's namespaces (`moment.`, not an API's `v1.`). */
const namespaces = new Set(keys.map((k) => k.split('.')[0]));
const built = new Set(
  [...code.matchAll(/`([a-z][\w]*(?:\.[\w]+)*\.)\$\{/g)].map((m) => m[1] ?? '').filter((p) => namespaces.has(p.split('.')[0])),
);

describe('the code and the English catalogue', () => {
  it('lists every language the device knows', () => {
    expect([...LOCALES].sort()).toEqual([...LANGUAGES].sort());
  });
  it('is what the app loads for each language', async () => {
    for (const l of LOCALES) expect(await LOADERS[l]()).toEqual(CATALOGS[l]);
  });
  it('has every key the code asks for by name', () => {
    expect([...asked].filter((k) => !(k in english))).toEqual([]);
  });
  it('lists here every prefix the code builds keys from', () => {
    expect([...built].sort()).toEqual(Object.keys(DYNAMIC).sort());
  });
  it('has every key the code can build', () => {
    const buildable = Object.entries(DYNAMIC).flatMap(([prefix, values]) => values.map((v) => prefix + v));
    expect(buildable.filter((k) => !(k in english))).toEqual([]);
  });
  it('has no key the code never asks for', () => {
    const used = (k: string) =>
      asked.has(k) || quoted.has(k) || Object.entries(DYNAMIC).some(([prefix, values]) => values.some((v) => prefix + v === k));
    expect(keys.filter((k) => !used(k))).toEqual([]);
  });
});

describeCatalogues(LOCALES, CATALOGS, english);
