//! "What we're working on": each child's active goals in plain words, with the exercises that serve each.

use homeplay_core::goal::CheckInFace;
use homeplay_core::skill::Discipline;
use homeplay_device::{ChildGoal, ChildGoals};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct GoalExerciseView {
    pub exercise_id: String,
    pub kid_title: String,
    /// The first step's picture, a media reference for the `media` command.
    pub picture: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct GoalView {
    pub goal_id: String,
    /// In the therapist's plain words: "Puts on socks by himself".
    pub text: String,
    pub discipline: Discipline,
    /// `YYYY-MM-DD`
    pub target_date: String,
    /// The family's answer to this week's question, if they gave one; the app asks while it is `null`.
    pub this_week: Option<CheckInFace>,
    pub exercises: Vec<GoalExerciseView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ChildGoalsView {
    pub child_id: String,
    pub name: String,
    pub goals: Vec<GoalView>,
}

fn goal_view(g: &ChildGoal) -> GoalView {
    GoalView {
        goal_id: g.goal.id.to_string(),
        text: g.goal.text.as_str().to_owned(),
        discipline: g.goal.discipline,
        target_date: g.goal.target_date.to_string(),
        this_week: g.this_week,
        exercises: g
            .exercises
            .iter()
            .map(|e| GoalExerciseView {
                exercise_id: e.id.to_string(),
                kid_title: e.kid_title.as_str().to_owned(),
                picture: e.steps.first().map(|s| s.picture.as_str().to_owned()),
            })
            .collect(),
    }
}

impl From<&ChildGoals> for ChildGoalsView {
    fn from(c: &ChildGoals) -> Self {
        Self {
            child_id: c.child.id.to_string(),
            name: c.child.display_name.as_str().to_owned(),
            goals: c.goals.iter().map(goal_view).collect(),
        }
    }
}
