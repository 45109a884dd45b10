// Words in ICU MessageFormat over catalogues keyed by BCP 47 tag, for any of the apps: the family screens use it
// (family/i18n.svelte.ts), and so can the dashboard with its own catalogues.
import IntlMessageFormat from 'intl-messageformat';

/** One language's messages by key. */
export type Catalog = Readonly<Record<string, string>>;
export type MessageValues = Record<string, string | number>;

export interface Translator<L extends string> {
  /** The compiled message for `key` in `locale`; undefined when its catalogue lacks it. */
  message(locale: L, key: string): IntlMessageFormat | undefined;
  /** The text for `key` in `locale`, else in the fallback language, else the key: a missing word never blanks a screen. */
  translate(locale: L, key: string, values?: MessageValues): string;
}

/** `catalogs` is read at each call: a catalogue added to it later (loaded when its language is chosen) is used. */
export function translator<L extends string>(catalogs: Readonly<Partial<Record<L, Catalog>>>, fallback: NoInfer<L>): Translator<L> {
  // Compiled once per locale, on first use: parsing is the costly part, formatting is cheap.
  const compiled: Partial<Record<L, Record<string, IntlMessageFormat>>> = {};

  function message(locale: L, key: string): IntlMessageFormat | undefined {
    const catalog = catalogs[locale];
    if (!catalog || !Object.hasOwn(catalog, key)) return undefined;
    const cache = (compiled[locale] ??= Object.create(null) as Record<string, IntlMessageFormat>);
    // Tags are not ICU here: a `<` in a message is text.
    return (cache[key] ??= new IntlMessageFormat(catalog[key] ?? '', locale, undefined, { ignoreTag: true }));
  }

  function format(locale: L, key: string, values: MessageValues | undefined): string | undefined {
    try {
      return message(locale, key)?.format(values) as string | undefined;
    } catch {
      // A value the message needs is missing: the message's own text, braces and all, rather than nothing.
      return catalogs[locale]?.[key];
    }
  }

  return {
    message,
    translate: (locale, key, values) => format(locale, key, values) ?? format(fallback, key, values) ?? key,
  };
}
