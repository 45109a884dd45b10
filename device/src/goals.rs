//! "What we're working on": a child's active therapy goals in plain words, each with the exercises of the
//! child's program that serve it, so practice has a reason the family can see.

use crate::Engine;
use crate::error::Result;
use homeplay_core::assignment::{Assignment, Status, Target};
use homeplay_core::exercise::Exercise;
use homeplay_core::family::Child;
use homeplay_core::goal::{FamilyGoal, GoalStatus};
use homeplay_core::ids::{ChildId, ExerciseId};
use homeplay_core::routine::Routine;
use serde::Serialize;
use std::collections::HashMap;

/// One child of the family and the goals it is working on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildGoals {
    pub child: Child,
    pub goals: Vec<ChildGoal>,
}

/// A goal the child is working on and the exercises that serve it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildGoal {
    pub goal: FamilyGoal,
    /// The exercises of the child's active program items linked to the goal, each once, in program order.
    pub exercises: Vec<Exercise>,
}

impl Engine {
    /// The child's active goals, oldest first. Met, changed and dropped goals are left out, as are paused
    /// or ended program items; an exercise not synced yet is shown once it arrives rather than half-drawn.
    pub async fn goals(&self, child_id: ChildId) -> Result<Vec<ChildGoal>> {
        let (_, assignments, routines, exercises) = self.program().await?;
        let goals: Vec<FamilyGoal> = self.db.records("goal").await?;
        Ok(goals_of(child_id, &goals, &assignments, &routines, &exercises))
    }

    /// Every child of the family with its active goals (a child without goals has an empty list).
    pub async fn family_goals(&self) -> Result<Vec<ChildGoals>> {
        let (children, assignments, routines, exercises) = self.program().await?;
        let goals: Vec<FamilyGoal> = self.db.records("goal").await?;
        Ok(children
            .into_iter()
            .map(|child| ChildGoals { goals: goals_of(child.id, &goals, &assignments, &routines, &exercises), child })
            .collect())
    }
}

fn goals_of(
    child_id: ChildId,
    goals: &[FamilyGoal],
    assignments: &[Assignment],
    routines: &[Routine],
    exercises: &HashMap<String, Exercise>,
) -> Vec<ChildGoal> {
    let active: Vec<&Assignment> =
        assignments.iter().filter(|a| a.child_id == child_id && a.status == Status::Active).collect();
    let mut out = Vec::new();
    for goal in goals.iter().filter(|g| g.child_id == child_id && g.status == GoalStatus::Active) {
        let mut ids: Vec<ExerciseId> = Vec::new();
        for a in active.iter().filter(|a| a.goal_ids.contains(&goal.id)) {
            for id in exercises_of(a, routines) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        let exercises = ids.iter().filter_map(|id| exercises.get(&id.to_string()).cloned()).collect();
        out.push(ChildGoal { goal: goal.clone(), exercises });
    }
    out
}

fn exercises_of(a: &Assignment, routines: &[Routine]) -> Vec<ExerciseId> {
    match a.target {
        Target::Exercise { exercise_id } => vec![exercise_id],
        Target::Routine { routine_id } => {
            routines.iter().find(|r| r.id == routine_id).map(|r| r.items.clone()).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use homeplay_core::sync::Change;
    use serde_json::{Value, json};

    const CHILD: &str = "01936f4e-0000-7000-8000-0000000c0001";
    const SISTER: &str = "01936f4e-0000-7000-8000-0000000c0002";
    const SOCKS: &str = "01936f4e-0000-7000-8000-0000000060a1";
    const STAIRS: &str = "01936f4e-0000-7000-8000-0000000060a2";
    const MET: &str = "01936f4e-0000-7000-8000-0000000060a3";
    const SISTERS: &str = "01936f4e-0000-7000-8000-0000000060a4";

    fn change(v: Value) -> Change {
        serde_json::from_value(v).unwrap()
    }

    fn goal(id: &str, child: &str, text: &str, status: &str) -> Change {
        change(json!({"type": "goal", "data": {
            "id": id, "child_id": child, "text": text, "discipline": "ot", "areas": ["self_care"],
            "target_date": "2026-06-01", "status": status
        }}))
    }

    fn assignment(id: &str, target: Value, status: &str, goal_ids: &[&str]) -> Change {
        change(json!({"type": "assignment", "data": {
            "id": id, "child_id": CHILD, "target": target,
            "assigned_by": "01936f4e-0000-7000-8000-00000000d001", "start_date": "2026-01-05",
            "days": ["mon"], "slots": [{"kind": "anytime"}], "status": status, "goal_ids": goal_ids
        }}))
    }

    fn exercise(slug: &str) -> Exercise {
        homeplay_core::library::starter().unwrap().by_slug(slug).unwrap().clone()
    }

    fn titles(g: &ChildGoal) -> Vec<&str> {
        g.exercises.iter().map(|e| e.kid_title.as_str()).collect()
    }

    #[tokio::test]
    async fn active_goals_come_with_the_exercises_of_the_active_items_that_serve_them() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open(dir.path()).await.unwrap();
        let (bear, flamingo, crab) = (exercise("bear-walk"), exercise("flamingo-stand"), exercise("crab-walk"));
        let routine = change(json!({"type": "routine", "data": {
            "id": "01936f4e-0000-7000-8000-0000000d0001", "clinic_id": "01936f4e-0000-7000-8000-00000000c001",
            "title": "Morning moves", "kid_title": "Wake up, body!", "items": [flamingo.id, bear.id]
        }}));
        let exercise_target = |e: &Exercise| json!({"kind": "exercise", "exercise_id": e.id});
        let page = vec![
            Change::Exercise(Box::new(bear.clone())),
            Change::Exercise(Box::new(flamingo.clone())),
            Change::Exercise(Box::new(crab.clone())),
            routine,
            goal(SOCKS, CHILD, "Puts on socks by himself", "active"),
            goal(STAIRS, CHILD, "Climbs the stairs holding the rail", "active"),
            goal(MET, CHILD, "Zips his coat", "met"),
            goal(SISTERS, SISTER, "Brushes her teeth", "active"),
            assignment("01936f4e-0000-7000-8000-0000000a0001", exercise_target(&bear), "active", &[SOCKS]),
            assignment(
                "01936f4e-0000-7000-8000-0000000a0002",
                json!({"kind": "routine", "routine_id": "01936f4e-0000-7000-8000-0000000d0001"}),
                "active",
                &[SOCKS, STAIRS],
            ),
            assignment("01936f4e-0000-7000-8000-0000000a0003", exercise_target(&crab), "paused", &[STAIRS]),
        ];
        engine.db.apply_page(&page, "v1.01").await.unwrap();

        let goals = engine.goals(CHILD.parse().unwrap()).await.unwrap();
        let texts: Vec<&str> = goals.iter().map(|g| g.goal.text.as_str()).collect();
        assert_eq!(texts, ["Puts on socks by himself", "Climbs the stairs holding the rail"]);
        assert_eq!(titles(&goals[0]), [bear.kid_title.as_str(), flamingo.kid_title.as_str()], "each exercise once");
        assert_eq!(titles(&goals[1]), [flamingo.kid_title.as_str(), bear.kid_title.as_str()], "no paused item");

        // Once met, the goal leaves the list.
        engine.db.apply_page(&[goal(SOCKS, CHILD, "Puts on socks by himself", "met")], "v1.02").await.unwrap();
        let goals = engine.goals(CHILD.parse().unwrap()).await.unwrap();
        assert_eq!(goals.len(), 1);
        assert_eq!(goals[0].goal.text.as_str(), "Climbs the stairs holding the rail");
        assert_eq!(engine.goals(SISTER.parse().unwrap()).await.unwrap().len(), 1);
        // No child records were pulled here, so the family's list is empty rather than made up.
        assert!(engine.family_goals().await.unwrap().is_empty());
    }
}
