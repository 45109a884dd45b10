import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SLOW_MS, cardSaves, latestOnly } from './saves';

describe('saves on the today cards', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('takes a second tap on a card that is saving as the same tap, and the next one after it ends', () => {
    const saves = cardSaves(() => {});
    const end = saves.begin('a');
    expect(end).not.toBeNull();
    expect(saves.begin('a')).toBeNull();
    // Another card saves at the same time.
    expect(saves.begin('b')).not.toBeNull();
    end!();
    end!();
    expect(saves.begin('a')).not.toBeNull();
  });

  it('shows nothing for a fast save, and a slow one on its card until it ends', () => {
    const seen: [string, boolean][] = [];
    const saves = cardSaves((key, slow) => seen.push([key, slow]));
    const fast = saves.begin('fast')!;
    vi.advanceTimersByTime(SLOW_MS - 1);
    fast();
    vi.advanceTimersByTime(SLOW_MS * 5);
    expect(seen).toEqual([]);

    const slow = saves.begin('slow')!;
    vi.advanceTimersByTime(SLOW_MS);
    expect(seen).toEqual([['slow', true]]);
    slow();
    slow();
    expect(seen).toEqual([['slow', true], ['slow', false]]);
  });
});

describe('the newest re-read of the day', () => {
  it('is the only one applied when two overlap and answer out of order', async () => {
    const answers: ((v: string) => void)[] = [];
    const applied: string[] = [];
    const reread = latestOnly(() => new Promise<string>((resolve) => answers.push(resolve)), (v) => applied.push(v));
    const first = reread();
    const second = reread();
    answers[1]!('with both ticks');
    await second;
    answers[0]!('with the first tick only');
    await first;
    expect(applied).toEqual(['with both ticks']);
    // Alone, a re-read is applied.
    const third = reread();
    answers[2]!('later');
    await third;
    expect(applied).toEqual(['with both ticks', 'later']);
  });
});
