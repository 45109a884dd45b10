// The family screens' own words, read from their catalogues (ui/family/i18n/<tag>.ts and app.<tag>.ts) and
// formatted as the app formats them (ICU MessageFormat through intl-messageformat), so that a language's story checks
// what the screens say against the catalogue itself rather than a copy of some of its strings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import IntlMessageFormat from 'intl-messageformat';
import ts from 'typescript';
import { ui } from './harness.mjs';

/** A catalogue file's `export default { … }`, its types stripped. */
async function load(file) {
  const source = readFileSync(join(ui, 'family/i18n', file), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  return (await import(`data:text/javascript;charset=utf-8,${encodeURIComponent(js)}`)).default;
}

/** The tag the app gives `Intl` for a language (ui/family/i18n.svelte.ts: Arabic's digits are pinned to 0–9). */
export function intlTag(tag) {
  return tag === 'ar' ? 'ar-u-nu-latn' : tag;
}

/** `T(key, vars)` in `tag` (both of its catalogue files), as the app says it: its text, without the isolates. */
export async function words(tag) {
  const catalogue = { ...(await load(`${tag}.ts`)), ...(await load(`app.${tag}.ts`)) };
  return (key, vars) => {
    if (!Object.hasOwn(catalogue, key)) throw new Error(`${tag} has no "${key}"`);
    return new IntlMessageFormat(catalogue[key], intlTag(tag), undefined, { ignoreTag: true }).format(vars);
  };
}

/** Text as read, without the bidirectional isolates (U+2066–2069) the app sets around names right to left. */
export function plain(text) {
  return (text ?? '').replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();
}

/** The starter library's words in `tag` (shared/library/i18n/<tag>.json): a built-in exercise's `kid_title`,
 *  `steps` captions and the rest, by slug, as the server sends them to a device that pulls in `tag`. */
export function library(tag) {
  const catalogue = JSON.parse(readFileSync(join(ui, '..', 'shared/library/i18n', `${tag}.json`), 'utf8'));
  return (slug) => {
    if (!Object.hasOwn(catalogue, slug)) throw new Error(`${tag} has no exercise "${slug}"`);
    return catalogue[slug];
  };
}
