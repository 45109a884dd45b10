// homeplay-core `TimeZoneName`: a family's dates and clock times in its own IANA zone, through the browser's
// own time-zone data (Intl). A local time skipped by a spring-forward change happens when the clocks jump
// (02:30 becomes 03:00), a repeated one at its first occurrence: every local date and time has exactly one
// instant, and a later local time never has an earlier one.

const MINUTE = 60_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(zone, f);
  }
  return f;
}

/** The zone's wall clock at an instant, as milliseconds of that wall time read as if it were UTC. */
function wallMs(zone: string, instantMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of format(zone).formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The earliest instant whose wall clock in `zone` reads `local` (ms, read as UTC), if any. */
function earliestAt(zone: string, local: number): number | null {
  // An offset in force within a day either side is the only one that can map to this wall time.
  const offsets = new Set([-1, 0, 1].map((d) => wallMs(zone, local + d * 86_400_000) - (local + d * 86_400_000)));
  const found = [...offsets].map((o) => local - o).filter((t) => wallMs(zone, t) === local);
  return found.length ? Math.min(...found) : null;
}

/** `TimeZoneName::instant_of`: when local date `date` (YYYY-MM-DD) at `time` (HH:MM) happens in `zone`. */
export function instantOf(zone: string, date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const local = Date.UTC(y!, m! - 1, d!, hh!, mm!);
  const at = earliestAt(zone, local);
  if (at !== null) return new Date(at);
  // In a gap: gaps are whole minutes and at most a few hours long, so walk to the first minute that exists.
  for (let step = 1; step <= 24 * 60; step++) {
    const next = earliestAt(zone, local + step * MINUTE);
    if (next !== null) return new Date(next);
  }
  return new Date(local);
}

/** `TimeZoneName::local_date`: the zone's calendar date at an instant. */
export function localDate(zone: string, instant: Date): string {
  return new Date(wallMs(zone, instant.getTime())).toISOString().slice(0, 10);
}

/** The zone's clock time at an instant, `HH:MM:SS` (chrono's `NaiveTime` as the device stores it). */
export function localTime(zone: string, instant: Date): string {
  return new Date(wallMs(zone, instant.getTime())).toISOString().slice(11, 19);
}
