// When the phone syncs on its own: at start, every few minutes while the page is open, at once when the browser
// comes back online or the page comes back into view, shortly after each of the family's own actions, and with
// backoff and jitter while the clinic cannot be reached (`Engine::start_sync_loop`).
import { ClientError } from './client';
import { SyncStopped, backoff } from './sync';

export interface LoopOptions {
  /** One sync; rejects when it did not complete. */
  sync: () => Promise<unknown>;
  /** After every attempt, whatever its outcome. */
  after: () => void;
  intervalMs: number;
  random?: () => number;
  /** The page's window, when there is one: its `online`, `focus` and `visibilitychange` wake the loop. */
  target?: Pick<Window, 'addEventListener' | 'removeEventListener'> | null;
  visible?: () => boolean;
  /** `navigator.onLine`: false only when the browser knows it has no network at all. */
  online?: () => boolean;
}

export class SyncLoop {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly wake = () => this.nudge();
  private readonly onVisibility = () => {
    if (!this.options.visible || this.options.visible()) this.nudge();
  };

  constructor(private readonly options: LoopOptions) {}

  start(): void {
    const t = this.options.target;
    t?.addEventListener('online', this.wake);
    t?.addEventListener('focus', this.wake);
    t?.addEventListener('visibilitychange', this.onVisibility);
    this.nudge();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const t = this.options.target;
    t?.removeEventListener('online', this.wake);
    t?.removeEventListener('focus', this.wake);
    t?.removeEventListener('visibilitychange', this.onVisibility);
  }

  /** Sync now (or right after the sync under way). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // The last try found no clinic and the browser knows it has no network: wait for its `online` event (or the
    // usual interval) instead of reading the outbox and noting another failure after every tap.
    if (this.offlineKnown()) {
      if (!this.timer) this.schedule(this.options.intervalMs);
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.run();
  }

  private offlineKnown(): boolean {
    return this.failures > 0 && this.options.online?.() === false;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped && !this.running) void this.run();
    }, ms);
  }

  private async run(): Promise<void> {
    this.running = true;
    let delay = this.options.intervalMs;
    try {
      await this.options.sync();
      this.failures = 0;
    } catch (e) {
      if (e instanceof ClientError && e.transient) {
        this.failures += 1;
        delay = this.offlineKnown() ? this.options.intervalMs : backoff(this.failures, this.options.intervalMs, this.options.random);
      } else if (e instanceof SyncStopped) {
        // Not paired, or disconnected by the clinic: only a nudge (pairing, a tap on "sync now") tries again.
        delay = Math.max(this.options.intervalMs, 600_000);
      } else {
        delay = Math.max(this.options.intervalMs, 600_000);
      }
    }
    this.running = false;
    if (this.stopped) return;
    this.options.after();
    if (this.again) {
      this.again = false;
      this.nudge();
      return;
    }
    this.schedule(delay);
  }
}
