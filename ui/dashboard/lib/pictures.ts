// The starter picture set: every built-in step picture (the same composed cards the built-in exercises use),
// found by its caption or its exercise's title, so a custom exercise's step needs no photo of its own.
import type { Schemas } from './api/client';

export interface StarterPicture {
  /** `builtin:…`: every family app carries it, so nothing is uploaded or downloaded. */
  picture: string;
  caption: string;
  /** The built-in exercise it comes from. */
  from: string;
}

export function starterPictures(library: readonly Schemas['Exercise'][]): StarterPicture[] {
  const seen = new Set<string>();
  const out: StarterPicture[] = [];
  for (const e of library) {
    if (e.origin.kind !== 'builtin') continue;
    for (const s of e.steps) {
      if (!s.picture.startsWith('builtin:') || seen.has(s.picture)) continue;
      seen.add(s.picture);
      out.push({ picture: s.picture, caption: s.caption, from: e.title });
    }
  }
  return out;
}

export function searchPictures(pictures: readonly StarterPicture[], q: string): StarterPicture[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return [...pictures];
  return pictures.filter((p) => p.caption.toLowerCase().includes(needle) || p.from.toLowerCase().includes(needle));
}
