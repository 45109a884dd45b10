import { describe, expect, it } from 'vitest';
import { durationLabel, IDLE_LIMIT_MS, idleTimes, leadLabel } from './idle';

describe('idle timer', () => {
  it('warns 5 minutes before the 30-minute limit by default', () => {
    expect(idleTimes(null)).toEqual({ warnAfterMs: 25 * 60_000, limitMs: 30 * 60_000 });
    expect(leadLabel(idleTimes(null))).toBe('5 minutes');
    expect(durationLabel(IDLE_LIMIT_MS)).toBe('30 minutes');
    expect(durationLabel(60_000)).toBe('1 minute');
    expect(durationLabel(1_000)).toBe('1 second');
  });

  it('takes a shorter limit for tests, warning half-way', () => {
    expect(idleTimes('8000')).toEqual({ warnAfterMs: 4000, limitMs: 8000 });
    expect(leadLabel(idleTimes('8000'))).toBe('4 seconds');
    expect(idleTimes(String(20 * 60_000))).toEqual({ warnAfterMs: 15 * 60_000, limitMs: 20 * 60_000 });
  });

  it("follows the server's limit, and a test override only below it", () => {
    expect(idleTimes(null, 10 * 60_000)).toEqual({ warnAfterMs: 5 * 60_000, limitMs: 10 * 60_000 });
    expect(idleTimes(null, 60 * 60_000)).toEqual({ warnAfterMs: 55 * 60_000, limitMs: 60 * 60_000 });
    expect(idleTimes(String(20 * 60_000), 10 * 60_000).limitMs).toBe(10 * 60_000);
    expect(idleTimes('8000', 10 * 60_000)).toEqual({ warnAfterMs: 4000, limitMs: 8000 });
    expect(idleTimes(null, 0)).toEqual(idleTimes(null));
  });

  it('never lengthens the session, and ignores nonsense', () => {
    for (const v of [String(IDLE_LIMIT_MS), String(IDLE_LIMIT_MS * 10), 'Infinity', 'abc', '', '-5', '1000']) {
      expect(idleTimes(v), v).toEqual(idleTimes(null));
    }
  });
});
