// What a tick is checked against before it is stored — the pairing, the caregiver, the assignment and the
// routines — kept in memory, so a tick's transaction is its two writes with four small reads riding beside them
// (one round trip of IndexedDB instead of two: a tick is what a parent waits on).
//
// Kept honest across tabs without trusting any message between them: the tick's own transaction reads the
// pairing, the caregiver and the program's version (`RECORDS_VERSION`, changed by every write of program records
// in any tab) beside its writes, and rolls them back when any differs from what the checks used. This tab's own
// program writes also drop the copy at once (`FamilyDb.onRecordsChanged`).
import type { Assignment, Routine } from '../../shared/core/types';
import { FamilyDb, RECORDS_VERSION, entityRange, together, type SettingRow } from './db';

export interface Known {
  /** `RECORDS_VERSION` when this was read ('' before any program arrived). */
  version: string;
  deviceId: string | null;
  paired: boolean;
  caregiver: string | null;
  assignments: Map<string, Assignment>;
  routines: Routine[];
}

/** What the tick's transaction read beside its writes. */
export interface Seen {
  version: SettingRow | undefined;
  device: SettingRow | undefined;
  server: SettingRow | undefined;
  caregiver: SettingRow | undefined;
}

export async function loadKnown(db: FamilyDb): Promise<Known> {
  return db.read(['settings', 'records'], async (tx) => {
    const settings = tx.objectStore('settings');
    const records = tx.objectStore('records');
    const [version, device, server, caregiver, assignments, routines] = await together(
      () => settings.get(RECORDS_VERSION),
      () => settings.get('device_id'),
      () => settings.get('server_url'),
      () => settings.get('caregiver'),
      () => records.getAll(entityRange('assignment')),
      () => records.getAll(entityRange('routine')),
    );
    return {
      version: version?.value ?? '',
      deviceId: device?.value ?? null,
      paired: !!device?.value && !!server,
      caregiver: caregiver?.value ?? null,
      assignments: new Map(assignments.map((r) => [r.id, r.doc as Assignment])),
      routines: routines.map((r) => r.doc as Routine),
    };
  });
}

/** Whether what the tick was checked against is still what is stored. */
export function stillKnown(known: Known, seen: Seen): boolean {
  return (
    (seen.version?.value ?? '') === known.version &&
    (seen.device?.value ?? null) === known.deviceId &&
    (!!seen.device?.value && !!seen.server) === known.paired &&
    (seen.caregiver?.value ?? null) === known.caregiver
  );
}

export class TickCache {
  private known: Promise<Known> | null = null;

  constructor(private readonly db: FamilyDb) {
    db.onRecordsChanged(() => this.forget());
  }

  get(): Promise<Known> {
    if (!this.known) {
      const loading = loadKnown(this.db);
      this.known = loading;
      // A failed read is not kept: the next tick reads again.
      loading.catch(() => {
        if (this.known === loading) this.known = null;
      });
    }
    return this.known;
  }

  /** Reads ahead, so that the first tick after a start waits on its own transaction alone. */
  warm(): void {
    void this.get().catch(() => undefined);
  }

  forget(): void {
    this.known = null;
  }
}
