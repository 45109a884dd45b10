// Helpers for the dashboard sections: log ids as a device makes them, and a printed PDF read back as text.
import { readFileSync } from 'node:fs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** A version-7 UUID, as devices make log ids. */
export function uuidv7() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A PDF's pages and its text, read with PDF.js: what a reader (or a screen reader) gets from it. */
export async function pdfText(path) {
  const doc = await getDocument({ data: new Uint8Array(readFileSync(path)), useSystemFonts: true, isEvalSupported: false }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    text += content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('') + '\n';
  }
  const pages = doc.numPages;
  await doc.destroy();
  // `flat` joins lines, so a phrase the layout wrapped still reads as one.
  return { pages, text, flat: text.replace(/\s+/g, ' ') };
}
