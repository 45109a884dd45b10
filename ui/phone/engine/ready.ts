// Marks in the page's performance timeline that the phone benchmark (bench/phone/phone.mjs) reads.
//
// The moment the app is usable: the family screens call `appReady()` two frames after the main screen's first
// paint (App.svelte); the web engine marks it in the page's performance timeline, where the phone benchmark
// (bench/phone/phone.mjs) reads it, as the desktop app reports it to its benchmark.
export const READY_MARK = 'homeplay-ready';

export function markReady(): void {
  if (performance.getEntriesByName(READY_MARK).length === 0) performance.mark(READY_MARK);
}

/** A tick from `record()`'s call until its transaction has committed with strict durability. */
export const RECORD_MEASURE = 'homeplay-record';

export function markDurable(name: string, startedAt: number): void {
  performance.measure(name, { start: startedAt, end: performance.now() });
}
