// Moving items of a routine: by drag and drop or by keyboard, one rule.

/** A copy of `items` with the item at `from` moved to `to` (both clamped to the list). */
export function move<T>(items: readonly T[], from: number, to: number): T[] {
  const out = items.slice();
  if (from < 0 || from >= out.length) return out;
  const target = Math.max(0, Math.min(out.length - 1, to));
  const [item] = out.splice(from, 1);
  out.splice(target, 0, item as T);
  return out;
}

/** Routines work best with 3–5 items; the server warns past 5 too. */
export const RECOMMENDED_MAX_ITEMS = 5;

export function tooLong(count: number): boolean {
  return count > RECOMMENDED_MAX_ITEMS;
}
