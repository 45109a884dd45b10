import { describe, expect, it } from 'vitest';
import type { Schemas } from './api/client';
import { emptyFilter, filterLibrary } from './librarySearch';

const ex = (id: string, over: Partial<Schemas['Exercise']> = {}) => ({
  id, title: id, kid_title: id, instructions: '', skill_areas: ['fine_motor'], equipment: [], discipline: 'ot',
  safety_note: null, easier: null, harder: null, ...over,
}) as Schemas['Exercise'];

const library = [
  ex('Flamingo stand', { discipline: 'pt', skill_areas: ['balance_coordination'], harder: 'Stand on a cushion.' }),
  ex('Coin posting', { equipment: ['Coins or poker chips'] }),
  ex('Button the teddy', { skill_areas: ['fine_motor', 'self_care'] }),
];
const titles = (list: Schemas['Exercise'][]) => list.map((e) => e.title);

describe('finding exercises', () => {
  it('searches titles, skill areas by name, equipment and technique', () => {
    const f = emptyFilter();
    expect(titles(filterLibrary(library, { ...f, q: 'flamingo' }, null))).toEqual(['Flamingo stand']);
    expect(titles(filterLibrary(library, { ...f, q: 'Coordination' }, null))).toEqual(['Flamingo stand']);
    expect(titles(filterLibrary(library, { ...f, q: 'poker chips' }, null))).toEqual(['Coin posting']);
    expect(titles(filterLibrary(library, { ...f, q: 'cushion' }, null))).toEqual(['Flamingo stand']);
    expect(titles(filterLibrary(library, { ...f, q: 'nothing like it' }, null))).toEqual([]);
  });

  it("finds the exercises of a child's goal by the goal's words", () => {
    const goals = [{ text: 'Does up three buttons on his coat', areas: ['self_care'] }] as Schemas['Goal'][];
    expect(titles(filterLibrary(library, { ...emptyFilter(), q: 'buttons on' }, null, goals))).toEqual(['Button the teddy']);
    expect(titles(filterLibrary(library, { ...emptyFilter(), q: 'buttons on' }, null, []))).toEqual([]);
  });

  it('filters by discipline and area as the Library does', () => {
    expect(titles(filterLibrary(library, { ...emptyFilter(), discipline: 'pt' }, null))).toEqual(['Flamingo stand']);
    expect(titles(filterLibrary(library, { ...emptyFilter(), area: 'self_care' }, null))).toEqual(['Button the teddy']);
  });

  it('narrows to favourites or to recent ones, newest first, skipping ones gone from the library', () => {
    const mine = { favourites: ['Coin posting'], recent: ['Button the teddy', 'gone', 'Flamingo stand'] };
    expect(titles(filterLibrary(library, { ...emptyFilter(), shortcut: 'favourites' }, mine))).toEqual(['Coin posting']);
    expect(titles(filterLibrary(library, { ...emptyFilter(), shortcut: 'recent' }, mine))).toEqual(['Button the teddy', 'Flamingo stand']);
    expect(titles(filterLibrary(library, { ...emptyFilter(), shortcut: 'recent', discipline: 'pt' }, mine))).toEqual(['Flamingo stand']);
    expect(filterLibrary(library, { ...emptyFilter(), shortcut: 'recent' }, null)).toEqual([]);
  });
});
