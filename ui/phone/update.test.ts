import { describe, expect, it } from 'vitest';
import { RECHECK_MS, UpdateGate } from './update';

/** A gate over a fake backend and a hand-driven clock. */
function setUp() {
  const timers: { fn: () => void; ms: number }[] = [];
  const world = { unsaved: false, activated: 0, shown: [] as boolean[] };
  const gate = new UpdateGate({
    hasUnsaved: () => world.unsaved,
    activate: async () => {
      world.activated += 1;
    },
    setTimer: (fn, ms) => {
      const t = { fn, ms };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => {
      const i = timers.indexOf(h as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  gate.subscribe((s) => world.shown.push(s));
  /** Runs the timers due now. */
  const tick = () => {
    for (const t of timers.splice(0)) t.fn();
  };
  return { gate, world, timers, tick };
}

describe('the new-version prompt', () => {
  it('shows nothing until a new version waits', () => {
    const { gate, world } = setUp();
    expect(gate.shown).toBe(false);
    expect(world.shown).toEqual([false]);
  });

  it('shows at once when nothing is unsaved, and reloads on yes', async () => {
    const { gate, world, timers } = setUp();
    gate.newVersion();
    expect(gate.shown).toBe(true);
    expect(timers).toHaveLength(0);
    expect(await gate.apply()).toBe(true);
    expect(world.activated).toBe(1);
  });

  it('waits while something is unsaved, asking again until it is saved', () => {
    const { gate, world, timers, tick } = setUp();
    world.unsaved = true;
    gate.newVersion();
    expect(gate.shown).toBe(false);
    expect(timers.map((t) => t.ms)).toEqual([RECHECK_MS]);
    tick();
    expect(gate.shown).toBe(false);
    expect(timers).toHaveLength(1);
    world.unsaved = false;
    tick();
    expect(gate.shown).toBe(true);
    expect(timers).toHaveLength(0);
  });

  it('does not reload when something started after the prompt showed; it asks again once saved', async () => {
    const { gate, world, tick } = setUp();
    gate.newVersion();
    world.unsaved = true;
    expect(await gate.apply()).toBe(false);
    expect(world.activated).toBe(0);
    expect(gate.shown).toBe(false);
    world.unsaved = false;
    tick();
    expect(gate.shown).toBe(true);
    expect(await gate.apply()).toBe(true);
    expect(world.activated).toBe(1);
  });

  it('does nothing on yes when no version waits', async () => {
    const { gate, world } = setUp();
    expect(await gate.apply()).toBe(false);
    expect(world.activated).toBe(0);
  });

  it('stops asking when stopped', () => {
    const { gate, world, timers } = setUp();
    world.unsaved = true;
    gate.newVersion();
    gate.stop();
    expect(timers).toHaveLength(0);
  });
});
