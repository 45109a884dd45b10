// What a catalogue test needs to compare ICU messages across languages: the arguments a message takes and the
// plural forms it gives. For tests only (it parses with the formatter's own parser).
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';

export function parseMessage(text: string): MessageFormatElement[] {
  return parse(text, { ignoreTag: true });
}

/** Each argument with its type (`count: plural`, `name: argument`, `n: number`), nested ones included. */
export function argumentsOf(elements: MessageFormatElement[], into: Record<string, string> = {}): Record<string, string> {
  for (const el of elements) {
    if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
    if (el.type === TYPE.tag) {
      argumentsOf(el.children, into);
      continue;
    }
    into[el.value] = TYPE[el.type];
    if (el.type === TYPE.plural || el.type === TYPE.select) for (const o of Object.values(el.options)) argumentsOf(o.value, into);
  }
  return into;
}

/** The forms of every plural in a message, exact matches (`=0`) aside. */
export function pluralForms(elements: MessageFormatElement[], out: string[][] = []): string[][] {
  for (const el of elements) {
    if (el.type === TYPE.plural) out.push(Object.keys(el.options).filter((k) => !k.startsWith('=')));
    if (el.type === TYPE.plural || el.type === TYPE.select) for (const o of Object.values(el.options)) pluralForms(o.value, out);
    if (el.type === TYPE.tag) pluralForms(el.children, out);
  }
  return out;
}

/** The plural forms a language's messages must give: its CLDR categories (`other` among them). */
export function neededPluralForms(locale: string): string[] {
  return [...new Intl.PluralRules(locale).resolvedOptions().pluralCategories].sort();
}
