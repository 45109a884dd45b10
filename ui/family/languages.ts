// The languages the family screens speak, their direction, and which one to offer first; each is named in itself
// in ui/shared/i18n/languages.ts. `Language` is generated from the core's enum, so a language added there fails
// type-checking until it has its name there, and in i18n.svelte.ts until it has its catalogue.
import type { Language } from './bindings';
import { isLanguage, LANGUAGES, ownName } from '../shared/i18n/languages';

export { isLanguage, LANGUAGES, ownName };

const RIGHT_TO_LEFT: ReadonlySet<Language> = new Set<Language>(['ar']);

export function direction(l: Language): 'rtl' | 'ltr' {
  return RIGHT_TO_LEFT.has(l) ? 'rtl' : 'ltr';
}

/**
 * The first of the system's preferred languages (`navigator.languages`, e.g. `es-MX`, `zh-TW`, `pt-BR`) that the
 * screens speak, matched on the language alone; English when none is. Traditional Chinese readers get Simplified:
 * closer to them than English.
 */
export function suggestLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.split(/[-_]/)[0]?.toLowerCase() ?? '';
    if (primary === 'zh') return 'zh-Hans';
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}

/**
 * The language the pairing screen starts in: one chosen on this device before (kept through an unpairing), else
 * the system's. English is also what a device that never chose reads, so it does not count as a choice.
 */
export function pairingLanguage(saved: Language | null, preferred: readonly string[]): Language {
  return saved !== null && saved !== 'en' ? saved : suggestLanguage(preferred);
}
