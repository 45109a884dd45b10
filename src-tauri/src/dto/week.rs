//! The week: each child's progress at a glance, and the program for the printable page.

use super::{DosageView, SlotView, slot_view};
use chrono::NaiveDate;
use homeplay_core::adherence::{DayStatus, DaySummary};
use homeplay_core::feedback::{Feedback, Sticker};
use homeplay_device::{ChildProgress, ProgramActivity, WeekProgram};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What became of a day, for a screen that shows it with an icon and a word, not only a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DayStatusView {
    Done,
    Partly,
    /// Nothing done, and at least one activity was marked not done, with a reason.
    NotDone,
    /// The day is over and nothing was recorded.
    NotLogged,
    NothingScheduled,
    /// Today, with nothing recorded yet.
    Today,
    Future,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DayView {
    /// `YYYY-MM-DD`
    pub date: String,
    pub status: DayStatusView,
    pub expected: u32,
    pub done: u32,
    pub partly: u32,
    pub not_done: u32,
    pub not_logged: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct FeedbackView {
    /// The day it is about, `YYYY-MM-DD`.
    pub date: String,
    /// "Maya (OT)"
    pub from: String,
    pub comment: Option<String>,
    pub sticker: Option<Sticker>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ProgressView {
    pub child_id: String,
    pub name: String,
    /// Monday to Sunday of this week.
    pub days: Vec<DayView>,
    /// Done (partly counts half) out of what was due this week so far; `null` when nothing was due yet.
    pub week_rate: Option<f64>,
    /// Practice days in a row up to today.
    pub current_streak: u32,
    pub best_streak: u32,
    /// Activities finished in kid mode.
    pub stickers: u32,
    /// Newest first.
    pub feedback: Vec<FeedbackView>,
}

fn day_view(d: &DaySummary, today: NaiveDate) -> DayView {
    let status = match d.status {
        DayStatus::Done => DayStatusView::Done,
        DayStatus::Partly => DayStatusView::Partly,
        DayStatus::NotDone => DayStatusView::NotDone,
        DayStatus::NotLogged => DayStatusView::NotLogged,
        DayStatus::NothingScheduled => DayStatusView::NothingScheduled,
        DayStatus::Pending if d.date > today => DayStatusView::Future,
        DayStatus::Pending => DayStatusView::Today,
    };
    let t = &d.tally;
    DayView {
        date: d.date.to_string(),
        status,
        expected: t.expected,
        done: t.done,
        partly: t.partly,
        not_done: t.not_done,
        not_logged: t.not_logged,
    }
}

fn feedback_view(f: &Feedback) -> FeedbackView {
    FeedbackView {
        date: f.date.to_string(),
        from: f.from.as_str().to_owned(),
        comment: f.comment.as_ref().map(|c| c.as_str().to_owned()),
        sticker: f.sticker,
    }
}

impl ProgressView {
    /// `today` is the child's local date, to tell today from the days still to come.
    pub fn new(p: &ChildProgress, today: NaiveDate) -> Self {
        Self {
            child_id: p.child.id.to_string(),
            name: p.child.display_name.as_str().to_owned(),
            days: p.week.days.iter().map(|d| day_view(d, today)).collect(),
            week_rate: p.week.total.rate(),
            current_streak: p.streaks.current,
            best_streak: p.streaks.longest,
            stickers: p.stickers,
            feedback: p.feedback.iter().map(feedback_view).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ProgramTimeView {
    pub slot: SlotView,
    /// The family's clock time for it, `HH:MM`.
    pub clock: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ProgramActivityView {
    pub assignment_id: String,
    pub exercise_id: String,
    pub title: String,
    pub kid_title: String,
    /// The first step's picture, a media reference for the `media` command.
    pub picture: Option<String>,
    pub dosage: DosageView,
    pub note: Option<String>,
    pub routine_title: Option<String>,
    /// In the order of the day.
    pub times: Vec<ProgramTimeView>,
    /// Monday to Sunday, beside `WeekProgramView::dates`: on the program that day or not.
    pub days: Vec<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct WeekProgramView {
    pub child_id: String,
    pub name: String,
    /// Monday to Sunday, `YYYY-MM-DD`.
    pub dates: Vec<String>,
    pub activities: Vec<ProgramActivityView>,
}

fn activity_view(a: &ProgramActivity) -> ProgramActivityView {
    ProgramActivityView {
        assignment_id: a.assignment_id.to_string(),
        exercise_id: a.exercise.id.to_string(),
        title: a.exercise.title.as_str().to_owned(),
        kid_title: a.exercise.kid_title.as_str().to_owned(),
        picture: a.exercise.steps.first().map(|s| s.picture.as_str().to_owned()),
        dosage: (&a.dosage).into(),
        note: a.note_for_family.as_ref().map(|n| n.as_str().to_owned()),
        routine_title: a.routine_title.as_ref().map(|t| t.as_str().to_owned()),
        times: a
            .times
            .iter()
            .map(|(slot, clock)| ProgramTimeView {
                slot: slot_view(slot),
                clock: clock.map(|t| t.format("%H:%M").to_string()),
            })
            .collect(),
        days: a.days.to_vec(),
    }
}

impl From<&WeekProgram> for WeekProgramView {
    fn from(p: &WeekProgram) -> Self {
        Self {
            child_id: p.child.id.to_string(),
            name: p.child.display_name.as_str().to_owned(),
            dates: p.dates.iter().map(ToString::to_string).collect(),
            activities: p.activities.iter().map(activity_view).collect(),
        }
    }
}
