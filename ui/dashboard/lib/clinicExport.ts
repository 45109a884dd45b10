// Reading every child of the clinic for its export: through the same audited endpoints the child's page reads
// (so each child's read is in the audit log, and the care-team rule holds: an admin lists every child but opens
// only those the rule lets her), a few children at a time so a large clinic does not flood the server, and
// stoppable between children.
import type { Api, Schemas } from './api/client';
import { ApiError } from './api/client';
import type { ChildExport, ChildLeftOut } from './clinicArchive';
import { inEnglish, t } from '../i18n.svelte';

/** "Routine: Hand warm-up", in the archive's English. */
const routineTitle = (title: string) => inEnglish(() => t('common.routine_title', { title }));

/** Children read at once: enough to hide each request's wait, few enough to leave the server to others. */
export const AT_ONCE = 3;

export const NOT_ON_TEAM =
  'not exported: you are not on this child\'s care team and the clinic\'s policy is team_only (switch it to clinic-wide for the move, or be added to the team, and export again)';

export class ExportCancelled extends Error {
  constructor() {
    super('the export was cancelled');
    this.name = 'ExportCancelled';
  }
}

/** Exercise and routine titles of the clinic's library, read once for every child. */
export async function libraryTitles(api: Api): Promise<Record<string, string>> {
  const [exercises, routines] = await Promise.all([
    api.call(api.client.GET('/api/v1/library/exercises')),
    api.call(api.client.GET('/api/v1/library/routines')),
  ]);
  const titles: Record<string, string> = {};
  for (const e of exercises) titles[e.id] = e.title;
  for (const r of routines) titles[r.routine.id] = routineTitle(r.routine.title);
  return titles;
}

/** One child, read as the child's page reads it for its exports. */
export async function readChild(api: Api, id: string, library: Record<string, string>): Promise<ChildExport> {
  const path = { params: { path: { id } } };
  // The record first: a child the caller may not open answers 404 here, once, before the other reads.
  const detail = await api.call(api.client.GET('/api/v1/children/{id}', path));
  const [data, assignments, goals, progress, own] = await Promise.all([
    api.call(api.client.GET('/api/v1/children/{id}/adherence', path)),
    api.call(api.client.GET('/api/v1/children/{id}/assignments', path)),
    api.call(api.client.GET('/api/v1/children/{id}/goals', path)),
    api.call(api.client.GET('/api/v1/children/{id}/goals/progress', path)),
    api.call(api.client.GET('/api/v1/children/{id}/routines', path)),
  ]);
  const titles = { ...library };
  for (const r of own) titles[r.routine.id] = routineTitle(r.routine.title);
  return { data, assignments, goals: goals.goals, progress, titles, recordNumber: detail.record_number ?? null };
}

export interface ReadAll {
  children: Pick<Schemas['Child'], 'id' | 'display_name'>[];
  read: (id: string) => Promise<ChildExport>;
  atOnce?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Reads every child, `atOnce` at a time, in the list's order. A child the caller may not open (404) is left
 * out with the reason; any other failure stops the export, since an archive for moving to another system must
 * not be silently incomplete. Cancelling stops before the next child; the reads under way are let finish.
 */
export async function readAll({ children, read, atOnce = AT_ONCE, signal, onProgress }: ReadAll): Promise<{ exported: ChildExport[]; leftOut: ChildLeftOut[] }> {
  const results: (ChildExport | ChildLeftOut)[] = new Array(children.length);
  let next = 0;
  let done = 0;
  let failed = false;
  onProgress?.(0, children.length);
  async function worker() {
    while (next < children.length && !failed) {
      if (signal?.aborted) throw new ExportCancelled();
      const i = next++;
      const child = children[i]!;
      try {
        results[i] = await read(child.id);
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) {
          failed = true;
          throw e;
        }
        results[i] = { id: child.id, name: child.display_name, reason: NOT_ON_TEAM };
      }
      onProgress?.(++done, children.length);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(atOnce, children.length)) }, worker));
  if (signal?.aborted) throw new ExportCancelled();
  const exported = results.filter((r): r is ChildExport => 'data' in r);
  const leftOut = results.filter((r): r is ChildLeftOut => !('data' in r));
  return { exported, leftOut };
}
