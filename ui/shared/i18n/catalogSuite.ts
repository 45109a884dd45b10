// The checks every catalogue of every language passes, for the family screens and the dashboard alike: run from
// each side's catalogue test (vitest), with that side's catalogues and its English source.
import { describe, expect, it } from 'vitest';
import { argumentsOf, neededPluralForms, parseMessage, pluralForms } from './catalogCheck';
import type { Catalog } from './translator';

/** One `describe` per language: English's keys exactly, no empty message, valid ICU MessageFormat with English's
 *  arguments, and every plural with the forms that language needs and no other. */
export function describeCatalogues(locales: readonly string[], catalogs: Record<string, Catalog>, english: Catalog): void {
  const keys = Object.keys(english).sort();
  describe.each(locales)('the %s catalogue', (locale) => {
    const catalog = catalogs[locale] ?? {};
    const needed = neededPluralForms(locale);

    it('has exactly the English keys', () => {
      expect(Object.keys(catalog).sort()).toEqual(keys);
    });
    it('has no empty message', () => {
      expect(Object.entries(catalog).filter(([, text]) => text.trim() === '').map(([k]) => k)).toEqual([]);
    });
    it('parses as ICU MessageFormat', () => {
      const broken = Object.entries(catalog).flatMap(([key, text]) => {
        try {
          parseMessage(text);
          return [];
        } catch (e) {
          return [`${key}: ${String(e)}`];
        }
      });
      expect(broken).toEqual([]);
    });
    it('takes the same arguments, of the same types, as English', () => {
      for (const key of keys) {
        const text = catalog[key];
        if (text === undefined) continue;
        expect({ key, args: argumentsOf(parseMessage(text)) }).toEqual({ key, args: argumentsOf(parseMessage(english[key] ?? '')) });
      }
    });
    it(`gives every plural the forms ${locale} needs (${needed.join(', ')}), and no other`, () => {
      for (const [key, text] of Object.entries(catalog)) {
        for (const forms of pluralForms(parseMessage(text))) {
          expect({ key, forms: [...forms].sort() }).toEqual({ key, forms: needed });
        }
      }
    });
  });
}
