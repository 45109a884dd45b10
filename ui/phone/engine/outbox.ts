// The outbox, as device/src/outbox.rs keeps it: every version this phone made of anything the family records,
// kept until the server acknowledges that same version, or refused by it and kept for the family to see.
import type { OutboxRow } from './snapshot';
import type { FamilyDb } from './db';
import type { Hlc } from '../../shared/core/types';

/** The push request's arrays, in the order a round fills them, with the protocol's per-request maximums. */
export const KINDS = [
  { kind: 'logs', max: 500 },
  { kind: 'check_ins', max: 100 },
  { kind: 'messages', max: 100 },
  { kind: 'message_reads', max: 100 },
] as const;
export type Kind = (typeof KINDS)[number]['kind'];

export interface Queued {
  id: string;
  hlc: Hlc;
}

/** Queues this version inside the transaction that stores it: it replaces an older version still waiting and
 *  clears a refusal (the new version may fix it). */
export async function queue(outbox: { put(row: OutboxRow): Promise<unknown> }, kind: Kind, item: Queued): Promise<void> {
  const row: OutboxRow = {
    kind,
    id: item.id,
    hlc_wall: item.hlc.wall_ms,
    hlc_counter: item.hlc.counter,
    doc: item,
    rejected_reason: null,
    rejected_field: null,
    rejected_message: null,
  };
  await outbox.put(row);
}

function order(a: OutboxRow, b: OutboxRow): number {
  return a.hlc_wall - b.hlc_wall || a.hlc_counter - b.hlc_counter;
}

/** Up to `limit` waiting versions of one kind, oldest first (refused ones are not sent again). */
export function pending(rows: OutboxRow[], kind: string, limit: number): OutboxRow[] {
  return rows.filter((r) => r.kind === kind && r.rejected_reason === null).sort(order).slice(0, limit);
}

export function counts(rows: OutboxRow[]): { waiting: number; rejected: number } {
  const rejected = rows.filter((r) => r.rejected_reason !== null).length;
  return { waiting: rows.length - rejected, rejected };
}

export function rejectedRows(rows: OutboxRow[]): OutboxRow[] {
  return rows.filter((r) => r.rejected_reason !== null).sort(order);
}

export interface Refusal {
  id: string;
  hlc: Hlc;
  reason: string;
  field: string | null;
  message: string;
}

/** The server's answer about one kind, in one transaction: acknowledged versions leave (only if the row still
 *  holds that very version: a newer local edit stays queued); refused ones stay, marked. */
export async function settle(db: FamilyDb, kind: string, acks: Queued[], refusals: Refusal[]): Promise<void> {
  if (acks.length === 0 && refusals.length === 0) return;
  await db.write(['outbox'], async (tx) => {
    for (const a of acks) {
      const row = await tx.objectStore('outbox').get([kind, a.id]);
      if (row && row.hlc_wall === a.hlc.wall_ms && row.hlc_counter === a.hlc.counter) await tx.objectStore('outbox').delete([kind, a.id]);
    }
    for (const r of refusals) {
      const row = await tx.objectStore('outbox').get([kind, r.id]);
      if (row && row.hlc_wall === r.hlc.wall_ms && row.hlc_counter === r.hlc.counter) {
        await tx.objectStore('outbox').put({ ...row, rejected_reason: r.reason, rejected_field: r.field, rejected_message: r.message });
      }
    }
  });
}
