// The dashboard's words in each therapist's language: ICU MessageFormat catalogues, one file per language in
// i18n/<tag>.ts (a BCP 47 tag: `es`, `fr`, `pt-BR`), formatted by shared/i18n/translator.ts like the family's.
// The catalogues are found at build time (`import.meta.glob`): a clinic adds a language by adding one file and
// building again; the picker lists every file, each language named in itself by `Intl`. English (i18n/en.ts) is
// the source and is in the first script; every other language is a chunk of its own, loaded when chosen.
// The locale is Svelte state, so every `t()` read inside a template re-renders when the therapist switches.
import { type Catalog, type MessageValues, translator } from '../shared/i18n/translator';
import en from './i18n/en';
import { setDateLanguage, setDatePrintLanguage } from './lib/dates';
import { intlTag, isLanguage } from '../shared/i18n/languages';

/** A BCP 47 tag, the name of a catalogue file: `Intl` takes it as it is. */
export type Locale = string;

export const SOURCE: Locale = 'en';

/** The catalogue files other than English, by path (`./i18n/es.ts`), each loaded on first use. */
const FILES = import.meta.glob<{ default: Catalog }>(['./i18n/*.ts', '!./i18n/en.ts', '!./i18n/*.test.ts']);

/** `./i18n/pt-BR.ts` → `pt-BR`. */
export function tagOf(path: string): Locale {
  return path.replace(/^.*\//, '').replace(/\.ts$/, '');
}

/** Every language's catalogue loader, English first, then by tag. */
export const LOADERS: Readonly<Record<Locale, () => Promise<Catalog>>> = Object.fromEntries([
  [SOURCE, async () => en as Catalog],
  ...Object.entries(FILES)
    .map(([path, load]) => [tagOf(path), async () => (await load()).default] as const)
    .sort(([a], [b]) => a.localeCompare(b)),
]);

/** The languages the dashboard speaks: one per catalogue file. */
export const LOCALES: readonly Locale[] = Object.keys(LOADERS);

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && Object.hasOwn(LOADERS, v);
}

/** A language in its own words ("Español", "Français"): a therapist finds theirs whatever the screen speaks now. */
export function ownName(l: Locale): string {
  try {
    const name = new Intl.DisplayNames([l], { type: 'language' }).of(l);
    if (name) return name.charAt(0).toLocaleUpperCase(l) + name.slice(1);
  } catch {
    // An odd tag still gets a line in the picker.
  }
  return l;
}

const RIGHT_TO_LEFT = new Set(['ar', 'fa', 'he', 'ps', 'ur', 'yi', 'dv', 'ckb', 'sd', 'ug']);

/** Which way the language writes, from `Intl` where the browser says, else from a list of right-to-left languages. */
export function direction(l: Locale): 'rtl' | 'ltr' {
  try {
    const locale = new Intl.Locale(l) as Intl.Locale & { getTextInfo?: () => { direction?: string }; textInfo?: { direction?: string } };
    const info = locale.getTextInfo?.() ?? locale.textInfo;
    if (info?.direction === 'rtl' || info?.direction === 'ltr') return info.direction;
    return RIGHT_TO_LEFT.has(locale.language) ? 'rtl' : 'ltr';
  } catch {
    return 'ltr';
  }
}

/**
 * The first of the browser's preferred languages (`navigator.languages`, e.g. `es-MX`) that the dashboard
 * speaks: the exact tag if there is a catalogue for it, else its language alone (`es-MX` → `es`); English when none is.
 */
export function suggestLocale(preferred: readonly string[], locales: readonly Locale[] = LOCALES): Locale {
  const find = (tag: string) => locales.find((l) => l.toLowerCase() === tag);
  for (const tag of preferred) {
    const clean = tag.replace(/_/g, '-').toLowerCase();
    const match = find(clean) ?? find(clean.split('-')[0] ?? '');
    if (match) return match;
  }
  return SOURCE;
}

/** The catalogues loaded so far. */
const loaded: Partial<Record<Locale, Catalog>> = { [SOURCE]: en };

const current = $state<{ locale: Locale }>({ locale: SOURCE });
/** The latest language asked for: an earlier one that finishes loading later does not win. */
let asked: Locale = SOURCE;

/** Switches to `l` once its catalogue is loaded (at once for English or a language loaded before). A language with
 *  no catalogue, or one that cannot be loaded, leaves the language as it was. */
export async function setLocale(l: Locale): Promise<void> {
  if (!isLocale(l)) return;
  asked = l;
  if (!loaded[l]) {
    try {
      loaded[l] = await LOADERS[l]!();
    } catch (e) {
      console.error(`homeplay could not load the words for ${l}`, e);
      return;
    }
  }
  if (asked !== l) return;
  current.locale = l;
  setDateLanguage(l);
  if (typeof document === 'undefined') return;
  // Screen readers pick their voice from the page's language.
  document.documentElement.lang = l;
  document.documentElement.dir = direction(l);
}

export function getLocale(): Locale {
  return current.locale;
}

const words = translator(loaded, SOURCE);
/** A language forced for a moment (`inEnglish`), outside Svelte's state: read, never watched. */
let forced: Locale | null = null;

/**
 * The text for `key` in the current language, its arguments (`{name}`, `{n, number}`, `{count, plural, …}`)
 * from `values`. Falls back to English, then to the key itself, so a missing word never blanks a screen.
 */
export function t(key: string, values?: MessageValues): string {
  if (forced) return words.translate(forced, key, values);
  const print = printing.value;
  return print ? print.words.translate(print.locale, key, values) : words.translate(current.locale, key, values);
}

/** The text for `key` in the therapist's language, whatever a page prints in: the dashboard's own frame (navigation,
 *  a report's toolbar) around a document printed for a family. */
export function tUi(key: string, values?: MessageValues): string {
  return words.translate(forced ?? current.locale, key, values);
}

/** The language a page prints its document in (the progress report for a family), while that page is open. */
const printing = $state<{ value: { language: Locale; locale: Locale; words: ReturnType<typeof translator<Locale>> } | null }>({ value: null });



/**
 * Prints in `l` from `catalog` (ui/dashboard/reportI18n.ts loads it: a family's language may have only the report's
 * words), or, with `null`, back to the therapist's language. Every `t()` then speaks it, dates included, so the
 * labels a report shares with other pages need no second copy; the frame uses `tUi`. Svelte state: the page draws
 * itself again.
 */
export function setPrintLanguage(l: Locale | null, catalog: Catalog = {}): void {
  // Arabic with the digits 0–9, as the family's screens write them; a language only the dashboard speaks as it is.
  const locale = l === null ? null : isLanguage(l) ? intlTag(l) : l;
  printing.value = l === null || locale === null ? null : { language: l, locale, words: translator({ [SOURCE]: en as Catalog, [locale]: catalog }, SOURCE) };
  setDatePrintLanguage(locale);
}

export function getPrintLanguage(): Locale | null {
  return printing.value?.language ?? null;
}

/**
 * The text for `key` in two halves around its argument `slot`, for a template that marks that argument up
 * ("Type <strong>Leo</strong> to confirm"): the sentence stays one message, in the order each language wants.
 */
export function tAround(key: string, slot: string, values?: MessageValues): [string, string] {
  const marker = '\u{E000}';
  const text = t(key, { ...values, [slot]: marker });
  const at = text.indexOf(marker);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + marker.length)];
}

/**
 * `make()` with every `t()` in English: for files the dashboard writes for other systems (the CSVs, the clinic's
 * archive), which read the same whoever exports them.
 */
export function inEnglish<T>(make: () => T): T {
  const before = forced;
  forced = SOURCE;
  try {
    return make();
  } finally {
    forced = before;
  }
}

// Which language a browser shows: the therapist's own choice (kept per therapist, since a clinic's computers are
// shared), else the last one chosen on this browser (for the sign-in page), else the browser's languages.
const LAST_KEY = 'homeplay.dashboard.language';
const therapistKey = (id: string) => `${LAST_KEY}.${id}`;

function read(key: string): string | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private browsing: the choice lasts for this page only.
  }
}

/** The language to open in, before anyone signs in. */
export function startLocale(preferred: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages ?? []): Locale {
  const last = read(LAST_KEY);
  return isLocale(last) ? last : suggestLocale(preferred);
}

/** Once a therapist is signed in: the language they chose before, if any (else the one on screen stays). */
export async function therapistSignedIn(therapistId: string): Promise<void> {
  const theirs = read(therapistKey(therapistId));
  if (isLocale(theirs) && theirs !== current.locale) await setLocale(theirs);
}

/** The therapist picks a language: shown at once, and remembered for them and for this browser's sign-in page. */
export async function chooseLocale(l: Locale, therapistId: string | null): Promise<void> {
  if (!isLocale(l)) return;
  write(LAST_KEY, l);
  if (therapistId) write(therapistKey(therapistId), l);
  await setLocale(l);
}
