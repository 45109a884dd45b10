// homeplay-core `routine`: the first–then board's reward comes after a routine's last item, and only there.
import type { Routine } from './types';

/** `Routine::reward_after`: the reward shown after the item at `position` (0-based), if any. */
export function rewardAfter(routine: Routine, position: number): Routine['then_reward'] {
  return position + 1 === routine.items.length ? routine.then_reward : undefined;
}
