// homeplay-core `log::merge`: versions of one log meet on several devices and the server; the later clock
// wins, a tie goes to the greater device id. Commutative, associative and idempotent, so every replica keeps
// the same version whatever order they arrive in.
import { compareHlc } from './hlc';
import type { CompletionLog } from './types';

/**
 * Orders two versions of one log. Two versions with the same clock and device (which a correct device never
 * makes) are ordered by their JSON text, so the order is total; the Rust core compares its own serialisation,
 * which a record parsed from the wire and stringified again reproduces.
 */
export function compareVersions(a: CompletionLog, b: CompletionLog): number {
  const byClock = compareHlc(a.hlc, b.hlc);
  if (byClock !== 0) return byClock;
  // Canonical lowercase UUIDs order as their bytes do.
  if (a.device_id !== b.device_id) return a.device_id < b.device_id ? -1 : 1;
  const [ja, jb] = [JSON.stringify(a), JSON.stringify(b)];
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}

export class DifferentLogsError extends Error {}

/** The version that stands of two versions of the same log. */
export function mergeLogs(a: CompletionLog, b: CompletionLog): CompletionLog {
  if (a.id !== b.id) throw new DifferentLogsError(`cannot merge log ${a.id} with log ${b.id}`);
  return compareVersions(a, b) < 0 ? b : a;
}
