import { describe, expect, it } from 'vitest';
import type { Schemas } from './api/client';
import { searchPictures, starterPictures } from './pictures';

const library = [
  { title: 'Bear walk', origin: { kind: 'builtin', slug: 'bear-walk' }, steps: [
    { picture: 'builtin:bear-walk-1', caption: 'Hands down' }, { picture: 'builtin:bear-walk-2', caption: 'Walk like a bear' },
  ] },
  { title: 'Our pegs', origin: { kind: 'clinic', clinic_id: 'c' }, steps: [
    { picture: 'sha256:ab', caption: 'Our own photo' }, { picture: 'builtin:bear-walk-1', caption: 'Reused' },
  ] },
  { title: 'Flamingo stand', origin: { kind: 'builtin', slug: 'flamingo-stand' }, steps: [{ picture: 'builtin:flamingo-stand-1', caption: 'Stand up tall' }] },
] as unknown as Schemas['Exercise'][];

describe('the starter picture set', () => {
  it('holds every built-in step picture once, never a clinic upload', () => {
    const set = starterPictures(library);
    expect(set.map((p) => p.picture)).toEqual(['builtin:bear-walk-1', 'builtin:bear-walk-2', 'builtin:flamingo-stand-1']);
    expect(set[0]).toEqual({ picture: 'builtin:bear-walk-1', caption: 'Hands down', from: 'Bear walk' });
  });

  it('is searched by caption and by exercise', () => {
    const set = starterPictures(library);
    expect(searchPictures(set, 'TALL').map((p) => p.picture)).toEqual(['builtin:flamingo-stand-1']);
    expect(searchPictures(set, 'bear').length).toBe(2);
    expect(searchPictures(set, '  ').length).toBe(3);
    expect(searchPictures(set, 'photo')).toEqual([]);
  });
});
