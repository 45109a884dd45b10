// A new version of the app waits for a quiet moment: the prompt shows only while nothing is unsaved (no write in
// flight, no kid-mode timer running), and taking it checks once more. The backend has no event for "saved", so the
// gate asks it again every RECHECK_MS while a new version waits.

/** How often a waiting update asks again whether something is unsaved. */
export const RECHECK_MS = 1000;

export interface UpdateGateOptions {
  /** The backend's `hasUnsaved()`. */
  hasUnsaved: () => boolean;
  /** Activates the waiting version and reloads the page (`updateSW(true)` from `virtual:pwa-register`). */
  activate: () => Promise<void>;
  /** Timers, for the tests. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** Whether the "new version" prompt shows. */
export type Listener = (shown: boolean) => void;

export class UpdateGate {
  #waiting = false;
  #shown = false;
  #timer: unknown = null;
  readonly #listeners = new Set<Listener>();
  readonly #o: Required<UpdateGateOptions>;

  constructor(options: UpdateGateOptions) {
    this.#o = {
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      ...options,
    };
  }

  /** The service worker found a new version, installed and waiting (`onNeedRefresh`). */
  newVersion(): void {
    this.#waiting = true;
    this.#check();
  }

  get shown(): boolean {
    return this.#shown;
  }

  /** Calls `listener` now and whenever the prompt shows or hides. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    listener(this.#shown);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * The parent said "Reload". Something may have started since the prompt showed (a tick, kid mode): then the
   * prompt goes away until that is saved, and nothing reloads.
   */
  async apply(): Promise<boolean> {
    if (!this.#waiting) return false;
    if (this.#o.hasUnsaved()) {
      this.#show(false);
      this.#check();
      return false;
    }
    await this.#o.activate();
    return true;
  }

  /** Stops asking (the page is going away). */
  stop(): void {
    if (this.#timer !== null) this.#o.clearTimer(this.#timer);
    this.#timer = null;
  }

  #check(): void {
    this.stop();
    if (!this.#waiting) return;
    if (this.#o.hasUnsaved()) {
      this.#show(false);
      this.#timer = this.#o.setTimer(() => {
        this.#timer = null;
        this.#check();
      }, RECHECK_MS);
      return;
    }
    this.#show(true);
  }

  #show(shown: boolean): void {
    if (shown === this.#shown) return;
    this.#shown = shown;
    for (const l of this.#listeners) l(shown);
  }
}
