import { describe, expect, it } from 'vitest';
import { lazyModules } from './screens';

describe('lazy screens', () => {
  it('loads a module once, however often it is asked for', async () => {
    let loads = 0;
    const lazy = lazyModules({ week: async () => ({ default: `week ${++loads}` }) });
    const [a, b] = await Promise.all([lazy.load('week'), lazy.load('week')]);
    expect([a, b, await lazy.load('week')]).toEqual(['week 1', 'week 1', 'week 1']);
    expect(loads).toBe(1);
  });

  it('tries again after a failed load (a chunk missed offline)', async () => {
    let tries = 0;
    const lazy = lazyModules({
      goals: async () => {
        tries += 1;
        if (tries === 1) throw new Error('offline');
        return { default: 'goals' };
      },
    });
    await expect(lazy.load('goals')).rejects.toThrow('offline');
    expect(await lazy.load('goals')).toBe('goals');
    expect(tries).toBe(2);
  });

  it('preloads every module without waiting for a visit', async () => {
    const asked: string[] = [];
    const lazy = lazyModules({
      a: async () => (asked.push('a'), { default: 1 }),
      b: async () => (asked.push('b'), { default: 2 }),
    });
    lazy.preload();
    expect(asked.sort()).toEqual(['a', 'b']);
    expect(await lazy.load('b')).toBe(2);
    expect(asked).toHaveLength(2);
  });
});
