// The server's epoch, as device/src/epoch.rs keeps it (shared/PROTOCOL.md §8). A clinic that restores last
// night's backup loses what its server accepted since, while this phone dropped those items from its outbox once
// they were acknowledged. The restore gives the server a new epoch; on seeing it change, the phone puts back in
// its outbox everything it made and still holds, and pulls from the beginning. The server keeps each item once,
// by its id, so sending again what the restored server already has costs nothing but the bytes.
import type { FamilyDb } from './db';
import { entityRange } from './db';
import type { OutboxRow } from './snapshot';
import type { Hlc } from '../../shared/core/types';

/** The setting holding the last epoch a sync answer carried (forgotten with everything on unpairing). */
export const EPOCH = 'server_epoch';

/** Notes the epoch a pairing, push or pull answer carried; `true` when it is another than the remembered one (the
 *  server was restored). Then, in one transaction: the new epoch is remembered, the pull cursor forgotten, and the
 *  current version of every log, goal check-in and message this phone made is queued again, unless something
 *  already waits for it (a newer edit, a refusal the family sees). Only this phone's own: the server refuses an
 *  item another device made (`device_id`), which that device sends again itself. Read marks are not sent again:
 *  the family's next read moves the mark. The first epoch ever seen is only remembered. */
export async function noteEpoch(db: FamilyDb, epoch: string, me: string): Promise<boolean> {
  return db.write(['settings', 'logs', 'records', 'messages', 'outbox'], async (tx) => {
    const settings = tx.objectStore('settings');
    const known = await settings.get(EPOCH);
    if (known?.value === epoch) return false;
    await settings.put({ key: EPOCH, value: epoch });
    if (!known) return false;
    await settings.delete('cursor');
    const outbox = tx.objectStore('outbox');
    const requeue = async (kind: string, id: string, hlc: Hlc, doc: unknown) => {
      if (await outbox.get([kind, id])) return;
      const row: OutboxRow = {
        kind,
        id,
        hlc_wall: hlc.wall_ms,
        hlc_counter: hlc.counter,
        doc,
        rejected_reason: null,
        rejected_field: null,
        rejected_message: null,
      };
      await outbox.put(row);
    };
    for (const log of await tx.objectStore('logs').getAll()) {
      if (log.device_id === me) await requeue('logs', log.id, log.hlc, log);
    }
    for (const row of await tx.objectStore('records').getAll(entityRange('check_in'))) {
      const c = row.doc as { id: string; device_id: string; hlc: Hlc };
      if (c.device_id === me) await requeue('check_ins', c.id, c.hlc, c);
    }
    // The thread keeps a family message as the `Message` everyone reads; the pushed form is rebuilt from it, its
    // stamp's wall time the message's `sent_at`. The server knows a message sent again by its id, child and device.
    for (const { doc: m } of await tx.objectStore('messages').getAll()) {
      if (m.side !== 'family' || m.device_id !== me || !m.text) continue;
      const hlc = { wall_ms: Date.parse(m.sent_at), counter: 0 };
      const message = { id: m.id, child_id: m.child_id, text: m.text, written_by: m.from, device_id: me, hlc };
      await requeue('messages', m.id, hlc, message);
    }
    return true;
  });
}
