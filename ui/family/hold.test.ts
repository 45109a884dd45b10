import { afterEach, describe, expect, it, vi } from 'vitest';
import { HOLD_MS, createHold, pressKey } from './hold';

afterEach(() => vi.useRealTimers());

function holdWithSpies() {
  vi.useFakeTimers();
  const onHeld = vi.fn();
  const onShort = vi.fn();
  return { hold: createHold({ onHeld, onShort }), onHeld, onShort };
}

describe('press and hold', () => {
  it('opens once the press has lasted long enough, and only then', () => {
    const { hold, onHeld, onShort } = holdWithSpies();
    hold.press();
    vi.advanceTimersByTime(HOLD_MS - 1);
    expect(onHeld).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onHeld).toHaveBeenCalledTimes(1);
    // Letting go afterwards is not a short press.
    hold.release();
    expect(onShort).not.toHaveBeenCalled();
    expect(hold.pressing()).toBe(false);
  });

  it('a quick tap does not open and says how', () => {
    const { hold, onHeld, onShort } = holdWithSpies();
    for (let i = 0; i < 20; i++) {
      hold.press();
      vi.advanceTimersByTime(HOLD_MS / 3);
      hold.release();
    }
    vi.advanceTimersByTime(HOLD_MS * 2);
    expect(onHeld).not.toHaveBeenCalled();
    expect(onShort).toHaveBeenCalledTimes(20);
  });

  it("a held key's repeats neither restart nor shorten the press", () => {
    const { hold, onHeld } = holdWithSpies();
    hold.press();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(HOLD_MS / 20);
      hold.press();
    }
    vi.advanceTimersByTime(HOLD_MS / 2);
    expect(onHeld).toHaveBeenCalledTimes(1);
    // Nor does any of them open it again later.
    vi.advanceTimersByTime(HOLD_MS * 2);
    expect(onHeld).toHaveBeenCalledTimes(1);
  });

  it('is pressed by Space and Enter only', () => {
    expect([' ', 'Enter', 'a', 'Escape', 'Tab'].map(pressKey)).toEqual([true, true, false, false, false]);
  });
});
