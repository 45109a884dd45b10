// Finding exercises the way a therapist thinks of them: by title, skill area, equipment or technique, or by
// one of the child's goals ("buttons" finds the exercises of the goal "Buttons his coat"'s skill areas);
// narrowed to their favourites or to what they assigned recently.
import type { Schemas } from './api/client';
import { SKILL_AREAS } from './labels';

export type Shortcut = '' | 'favourites' | 'recent';

export interface LibraryFilter {
  q: string;
  discipline: '' | 'ot' | 'pt';
  area: Schemas['SkillArea'] | '';
  shortcut: Shortcut;
}

export function emptyFilter(): LibraryFilter {
  return { q: '', discipline: '', area: '', shortcut: '' };
}

/** Everything a search looks in, the way the server's `q` does, lower-cased. */
export function searchableText(e: Schemas['Exercise']): string {
  return [
    e.title, e.kid_title, e.instructions,
    ...e.skill_areas.map((a) => SKILL_AREAS[a]),
    ...(e.equipment ?? []),
    e.safety_note ?? '', e.easier ?? '', e.harder ?? '',
  ].join('\n').toLowerCase();
}

/** The skill areas of the goals whose text holds `needle`. */
function goalAreas(goals: readonly Schemas['Goal'][], needle: string): Set<Schemas['SkillArea']> {
  return new Set(goals.filter((g) => g.text.toLowerCase().includes(needle)).flatMap((g) => g.areas));
}

/**
 * The exercises that pass the filter, in the library's order (or, for "recent", newest first). `mine` holds the
 * therapist's favourites and recent exercises; `goals` are the child's, searched by their text.
 */
export function filterLibrary(
  library: readonly Schemas['Exercise'][],
  filter: LibraryFilter,
  mine: Schemas['MyExercises'] | null,
  goals: readonly Schemas['Goal'][] = [],
): Schemas['Exercise'][] {
  const needle = filter.q.trim().toLowerCase();
  const areasOfGoals = needle ? goalAreas(goals, needle) : new Set<Schemas['SkillArea']>();
  const pass = (e: Schemas['Exercise']) =>
    (!filter.discipline || e.discipline === 'both' || e.discipline === filter.discipline)
    && (!filter.area || e.skill_areas.includes(filter.area))
    && (!needle || searchableText(e).includes(needle) || e.skill_areas.some((a) => areasOfGoals.has(a)));
  if (filter.shortcut) {
    const ids = (filter.shortcut === 'favourites' ? mine?.favourites : mine?.recent) ?? [];
    const byId = new Map(library.map((e) => [e.id, e]));
    return ids.map((id) => byId.get(id)).filter((e): e is Schemas['Exercise'] => !!e && pass(e));
  }
  return library.filter(pass);
}
