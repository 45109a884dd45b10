//! "What we're working on": each child's active goals in plain words, with the exercises that serve each.

use homeplay_core::goal::CheckInFace;
use homeplay_core::skill::Discipline;
use homeplay_device::{ChildGoal, ChildGoals};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The four faces of the weekly question, from hard to great.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckInFaceView {
    Hard,
    SoSo,
    Good,
    Great,
}

impl From<CheckInFaceView> for CheckInFace {
    fn from(f: CheckInFaceView) -> Self {
        match f {
            CheckInFaceView::Hard => CheckInFace::Hard,
            CheckInFaceView::SoSo => CheckInFace::SoSo,
            CheckInFaceView::Good => CheckInFace::Good,
            CheckInFaceView::Great => CheckInFace::Great,
        }
    }
}

impl From<CheckInFace> for CheckInFaceView {
    fn from(f: CheckInFace) -> Self {
        match f {
            CheckInFace::Hard => CheckInFaceView::Hard,
            CheckInFace::SoSo => CheckInFaceView::SoSo,
            CheckInFace::Good => CheckInFaceView::Good,
            CheckInFace::Great => CheckInFaceView::Great,
        }
    }
}

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
    /// `ot` or `pt`.
    #[ts(type = "\"ot\" | \"pt\"")]
    pub discipline: String,
    /// `YYYY-MM-DD`
    pub target_date: String,
    /// The family's answer to this week's question, if they gave one; the app asks while it is `null`.
    pub this_week: Option<CheckInFaceView>,
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
        discipline: match g.goal.discipline {
            Discipline::Ot => "ot",
            Discipline::Pt => "pt",
        }
        .to_owned(),
        target_date: g.goal.target_date.to_string(),
        this_week: g.this_week.map(CheckInFaceView::from),
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
