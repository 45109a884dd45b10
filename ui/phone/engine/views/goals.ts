// "What we're working on": `Engine::family_goals` (device/src/goals.rs) shaped as `ChildGoalsView`
// (src-tauri/src/dto/goals.rs).
import type { ChildGoalsView, GoalView } from '../../../family/bindings';
import { weekStart } from '../../../shared/core/adherence';
import { exercisesOf } from '../../../shared/core/schedule';
import { checkInWeek as coreCheckInWeek, currentCheckIns, weekAnswer } from '../../../shared/core/checkin';
import type { Snapshot } from '../snapshot';
import { type Exercise, type FamilyGoal, type GoalCheckIn, type Program, program, records } from './read';

function goalsOf(childId: string, week: string, goals: FamilyGoal[], checkIns: GoalCheckIn[], p: Program): GoalView[] {
  const answers = currentCheckIns(checkIns);
  const active = p.assignments.filter((a) => a.child_id === childId && a.status === 'active');
  return goals
    .filter((g) => g.child_id === childId && g.status === 'active')
    .map((goal) => {
      const ids: string[] = [];
      for (const a of active.filter((a) => (a.goal_ids ?? []).includes(goal.id))) {
        for (const id of exercisesOf(a, p.routines)) if (!ids.includes(id)) ids.push(id);
      }
      const exercises = ids.map((id) => p.exercises.get(id)).filter((e): e is Exercise => e !== undefined);
      const thisWeek = weekAnswer(answers, goal.id, week)?.face ?? null;
      return {
        goal_id: goal.id,
        text: goal.text,
        discipline: goal.discipline,
        target_date: goal.target_date,
        this_week: thisWeek,
        exercises: exercises.map((e) => ({
          exercise_id: e.id,
          kid_title: e.kid_title,
          picture: e.steps[0]?.picture ?? null,
        })),
      };
    });
}

/** `goals`: every child of the family with its active goals, this week's answer taken in the child's zone at `now`. */
export function goals(snap: Snapshot, now: Date): ChildGoalsView[] {
  const p = program(snap);
  const all = records<FamilyGoal>(snap, 'goal');
  const checkIns = records<GoalCheckIn>(snap, 'check_in');
  return p.children.map((child) => ({
    child_id: child.id,
    name: child.display_name,
    goals: goalsOf(child.id, coreCheckInWeek(child.time_zone, now), all, checkIns, p),
  }));
}

/**
 * `goals::this_week`: the Monday of the child's current week in its zone at `now` (UTC for a child not synced
 * yet), the week a check-in answers for.
 */
export function checkInWeek(snap: Snapshot, childId: string, now: Date): string {
  const child = program(snap).children.find((c) => c.id === childId);
  return child ? coreCheckInWeek(child.time_zone, now) : weekStart(now.toISOString().slice(0, 10));
}
