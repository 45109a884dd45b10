// How the today screen saves on its cards without changing the page as a tick starts.
//
// Changing the page as a tick starts (every card's buttons disabled, as the screen first did) makes the browser
// render a frame before the save's answer is handled: under the phone benchmark's 4× throttling that tripled a
// tick's time to durable. So a save marks nothing at first; a second tap on the same card while it saves is the
// same tap; only a save slower than `SLOW_MS` shows on its card; and saves on different cards may overlap, with
// only the newest re-read of the day allowed to replace the list.

/** After this long a save shows on its card (its buttons wait); a save this fast needs no sign. */
export const SLOW_MS = 200;

export interface CardSaves {
  /** Starts a save on the card `key`: `null` when one is under way there already, else the function that ends it
   *  (safe to call more than once). */
  begin(key: string): (() => void) | null;
}

/** `onSlow(key, true)` once a save on `key` has taken `slowMs`, and `onSlow(key, false)` when it then ends. */
export function cardSaves(onSlow: (key: string, slow: boolean) => void, slowMs = SLOW_MS): CardSaves {
  const saving = new Set<string>();
  return {
    begin(key) {
      if (saving.has(key)) return null;
      saving.add(key);
      let slow = false;
      let ended = false;
      const timer = setTimeout(() => {
        slow = true;
        onSlow(key, true);
      }, slowMs);
      return () => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        saving.delete(key);
        if (slow) onSlow(key, false);
      };
    },
  };
}

/** A re-read whose answer is applied only if no later re-read started meanwhile: a later one began after more
 *  writes had committed, so an earlier answer would take a newer tick off the screen. */
export function latestOnly<T>(read: () => Promise<T>, apply: (value: T) => void): () => Promise<void> {
  let started = 0;
  return async () => {
    const mine = ++started;
    const value = await read();
    if (mine === started) apply(value);
  };
}
