// homeplay-core `hlc`: a hybrid logical clock. Readings follow wall time but never run backwards, and always
// order an edit after a reading the device has seen. Pure: the caller passes the physical time.
import type { Hlc } from './types';

/** `HlcClock::MAX_AHEAD_MS`: a remote reading further ahead of our wall clock than this is refused. */
export const MAX_AHEAD_MS = 24 * 60 * 60 * 1000;

export class ClockSkewError extends Error {
  constructor(readonly remote: Hlc, readonly physicalMs: number) {
    super(`clock reading ${remote.wall_ms}.${remote.counter} is more than ${MAX_AHEAD_MS} ms ahead of ${physicalMs}`);
  }
}

export function compareHlc(a: Hlc, b: Hlc): number {
  return a.wall_ms - b.wall_ms || a.counter - b.counter;
}

export class HlcClock {
  private latest: Hlc;

  /** A clock that continues after `last`, the greatest reading this node has issued or seen. */
  constructor(last: Hlc = { wall_ms: 0, counter: 0 }) {
    this.latest = { ...last };
  }

  last(): Hlc {
    return { ...this.latest };
  }

  /** A new reading for a local event, greater than every reading before it. */
  tick(physicalMs: number): Hlc {
    this.latest =
      physicalMs > this.latest.wall_ms
        ? { wall_ms: physicalMs, counter: 0 }
        : { wall_ms: this.latest.wall_ms, counter: this.latest.counter + 1 };
    return this.last();
  }

  /** Takes in another node's reading, so that our next reading orders after it; refuses one far ahead. */
  observe(remote: Hlc, physicalMs: number): Hlc {
    if (remote.wall_ms > physicalMs + MAX_AHEAD_MS) throw new ClockSkewError(remote, physicalMs);
    const wall = Math.max(this.latest.wall_ms, remote.wall_ms, physicalMs);
    const mine = wall === this.latest.wall_ms;
    const theirs = wall === remote.wall_ms;
    const counter =
      mine && theirs
        ? Math.max(this.latest.counter, remote.counter) + 1
        : mine
          ? this.latest.counter + 1
          : theirs
            ? remote.counter + 1
            : 0;
    this.latest = { wall_ms: wall, counter };
    return this.last();
  }
}
