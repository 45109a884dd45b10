import type { Schemas } from './api/client';

/** Children with flags first (most flags, then longest without logs), the rest in the server's order. */
export function sortFlaggedFirst(rows: Schemas['OverviewRow'][]): Schemas['OverviewRow'][] {
  const weight = (r: Schemas['OverviewRow']) => (r.flags.length > 0 ? 1 : 0);
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => weight(b.row) - weight(a.row) || a.index - b.index)
    .map((x) => x.row);
}
