// Press and hold: the grown-ups' way out of kid mode starts with holding the button, which a child's quick taps
// never do (and then a sum a young child cannot answer). Pointer, touch and keyboard all press the same way.

/** How long a press must last. */
export const HOLD_MS = 1500;

export interface HoldOptions {
  ms?: number;
  /** Called once a press has lasted `ms`. */
  onHeld: () => void;
  /** Called when a press ends too soon: say how to do it. */
  onShort: () => void;
  setTimer?: (f: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export interface Hold {
  /** A press starts (a pointer down, a first keydown; auto-repeats call it again and are ignored). */
  press(): void;
  /** The press ends (pointer up or cancelled, key up, focus lost). */
  release(): void;
  /** Whether a press is under way. */
  pressing(): boolean;
}

export function createHold(o: HoldOptions): Hold {
  const set = o.setTimer ?? ((f, ms) => setTimeout(f, ms));
  const clear = o.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  let timer: unknown = null;
  return {
    press() {
      if (timer !== null) return;
      timer = set(() => {
        timer = null;
        o.onHeld();
      }, o.ms ?? HOLD_MS);
    },
    release() {
      if (timer === null) return;
      clear(timer);
      timer = null;
      o.onShort();
    },
    pressing: () => timer !== null,
  };
}

/** The keys that press a button. */
export function pressKey(key: string): boolean {
  return key === ' ' || key === 'Enter';
}
