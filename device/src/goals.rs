//! "What we're working on": a child's active therapy goals in plain words, each with the exercises of the
//! child's program that serve it, so practice has a reason the family can see.

use crate::Engine;
use crate::error::{DeviceError, Result};
use chrono::{DateTime, NaiveDate, Utc};
use homeplay_core::Validate;
use homeplay_core::adherence::week_start;
use homeplay_core::assignment::{Assignment, Status, Target};
use homeplay_core::exercise::Exercise;
use homeplay_core::family::Child;
use homeplay_core::goal::{
    CheckInFace, FamilyGoal, GoalCheckIn, GoalStatus, check_in_week, current_check_ins, own_answer, week_answer,
};
use homeplay_core::ids::{ChildId, ExerciseId, GoalCheckInId, GoalId};
use homeplay_core::routine::Routine;
use homeplay_core::text::Name;
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
    /// The family's answer to this week's question about the goal, if they gave one.
    pub this_week: Option<CheckInFace>,
    /// The exercises of the child's active program items linked to the goal, each once, in program order.
    pub exercises: Vec<Exercise>,
}

impl Engine {
    /// The child's active goals, oldest first. Met, changed and dropped goals are left out, as are paused
    /// or ended program items; an exercise not synced yet is shown once it arrives rather than half-drawn.
    pub async fn goals(&self, child_id: ChildId) -> Result<Vec<ChildGoal>> {
        let (children, assignments, routines, exercises) = self.program().await?;
        let goals: Vec<FamilyGoal> = self.db.records("goal").await?;
        let check_ins: Vec<GoalCheckIn> = self.db.records("check_in").await?;
        let week = this_week(children.iter().find(|c| c.id == child_id), self.now());
        let program = Program { assignments: &assignments, routines: &routines, exercises: &exercises };
        Ok(goals_of(child_id, week, &goals, &check_ins, &program))
    }

    /// Every child of the family with its active goals (a child without goals has an empty list).
    pub async fn family_goals(&self) -> Result<Vec<ChildGoals>> {
        let (children, assignments, routines, exercises) = self.program().await?;
        let goals: Vec<FamilyGoal> = self.db.records("goal").await?;
        let check_ins: Vec<GoalCheckIn> = self.db.records("check_in").await?;
        let program = Program { assignments: &assignments, routines: &routines, exercises: &exercises };
        let now = self.now();
        Ok(children
            .into_iter()
            .map(|child| {
                let goals = goals_of(child.id, this_week(Some(&child), now), &goals, &check_ins, &program);
                ChildGoals { goals, child }
            })
            .collect())
    }

    /// The family's answer to "How did it go this week?" about a goal: stored at once, sent on the next sync.
    /// Answering again the same week replaces this device's answer (a new version of the same check-in).
    pub async fn check_in(&self, goal_id: GoalId, face: CheckInFace) -> Result<GoalCheckIn> {
        let pairing = self.db.pairing().await?.ok_or(DeviceError::NotPaired)?;
        let goal: FamilyGoal =
            self.db.record("goal", &goal_id.to_string()).await?.ok_or(DeviceError::NotFound("goal"))?;
        if goal.status != GoalStatus::Active {
            return Err(DeviceError::NotFound("active goal"));
        }
        let children: Vec<Child> = self.db.records("child").await?;
        let child = children.iter().find(|c| c.id == goal.child_id).ok_or(DeviceError::NotFound("child"))?;
        let week = this_week(Some(child), self.now());
        let answers: Vec<GoalCheckIn> = self.db.records("check_in").await?;
        let previous = own_answer(&answers, goal_id, week, pairing.device_id);
        let check_in = GoalCheckIn {
            id: previous.map_or_else(|| GoalCheckInId(self.new_uuid()), |p| p.id),
            goal_id,
            child_id: goal.child_id,
            week,
            face,
            note: None,
            answered_by: self.db.caregiver().await?.unwrap_or(Name::new("Caregiver")?),
            device_id: pairing.device_id,
            hlc: self.tick_clock(),
            undone: false,
        };
        check_in.validate()?;
        self.db.save_check_in(&check_in).await?;
        Ok(check_in)
    }
}

/// The Monday of the child's current week, in the family's time zone (UTC for a child not synced yet).
fn this_week(child: Option<&Child>, now: DateTime<Utc>) -> NaiveDate {
    child.map_or_else(|| week_start(now.date_naive()), |c| check_in_week(&c.time_zone, now))
}

struct Program<'a> {
    assignments: &'a [Assignment],
    routines: &'a [Routine],
    exercises: &'a HashMap<String, Exercise>,
}

fn goals_of(
    child_id: ChildId,
    week: NaiveDate,
    goals: &[FamilyGoal],
    check_ins: &[GoalCheckIn],
    program: &Program<'_>,
) -> Vec<ChildGoal> {
    let Program { assignments, routines, exercises } = *program;
    let answers = current_check_ins(check_ins);
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
        let this_week = week_answer(&answers, goal.id, week).map(|c| c.face);
        out.push(ChildGoal { goal: goal.clone(), this_week, exercises });
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
