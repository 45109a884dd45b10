//! What the family's screens show: today's activities per child, grouped by the moments of the family's day,
//! and each child's progress (the week, streaks, stickers, the therapist's feedback).

use crate::Engine;
use crate::error::Result;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use homeplay_core::adherence::{Adherence, Streaks, adherence, streaks, week_start};
use homeplay_core::assignment::{Assignment, SlotTime, Status};
use homeplay_core::exercise::{Dosage, Exercise};
use homeplay_core::family::Child;
use homeplay_core::feedback::Feedback;
use homeplay_core::ids::ChildId;
use homeplay_core::log::CompletionLog;
use homeplay_core::occurrence::{standing_logs, stickers};
use homeplay_core::routine::{Reward, Routine};
use homeplay_core::schedule::{Expected, MomentTimes, expand};
use homeplay_core::text::{Note, Title};
use homeplay_core::time::DateRange;
use serde::Serialize;
use std::collections::HashMap;

/// One activity on today's list.
#[derive(Debug, Clone, Serialize)]
pub struct TodayItem {
    pub expected: Expected,
    pub exercise: Exercise,
    /// The exercise's dosage with the therapist's overrides for this child.
    pub dosage: Dosage,
    pub note_for_family: Option<Note>,
    /// When the item is part of a routine: its title, and the reward after its last item.
    pub routine_title: Option<Title>,
    pub then_reward: Option<Reward>,
    /// The current record of it, if any (an undone record no longer counts, so it is not shown).
    pub log: Option<CompletionLog>,
}

/// The items of one time of day: a family moment, a clock time, or "any time".
#[derive(Debug, Clone, Serialize)]
pub struct TodayGroup {
    pub slot_time: SlotTime,
    /// The family's clock time for it, for ordering and reminders; none for "any time".
    pub clock: Option<NaiveTime>,
    pub items: Vec<TodayItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TodayChild {
    pub child: Child,
    /// The child's local date.
    pub date: NaiveDate,
    pub groups: Vec<TodayGroup>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChildProgress {
    pub child: Child,
    pub week: Adherence,
    pub streaks: Streaks,
    /// Activities finished in kid mode: the stickers the child has earned.
    pub stickers: u32,
    pub feedback: Vec<Feedback>,
}

impl Engine {
    pub(crate) async fn program(
        &self,
    ) -> Result<(Vec<Child>, Vec<Assignment>, Vec<Routine>, HashMap<String, Exercise>)> {
        let children: Vec<Child> = self.db.records("child").await?;
        let assignments: Vec<Assignment> = self.db.records("assignment").await?;
        let routines: Vec<Routine> = self.db.records("routine").await?;
        let exercises: Vec<Exercise> = self.db.records("exercise").await?;
        Ok((children, assignments, routines, exercises.into_iter().map(|e| (e.id.to_string(), e)).collect()))
    }

    /// The family's own clock times for its moments (wake-up 07:00 …), set in the app's settings.
    pub async fn moment_times(&self) -> Result<MomentTimes> {
        Ok(self.db.setting("moments").await?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default())
    }

    pub async fn set_moment_times(&self, moments: &MomentTimes) -> Result<()> {
        self.db.set_setting("moments", &serde_json::to_string(moments)?).await
    }

    /// Today's list for every child of the family, each in the family's time zone at `now`.
    pub async fn today(&self, now: DateTime<Utc>) -> Result<Vec<TodayChild>> {
        let program = self.program().await?;
        let moments = self.moment_times().await?;
        let mut out = Vec::new();
        for child in &program.0 {
            let date = child.time_zone.local_date(now);
            out.push(self.day_of(child.clone(), date, &program, &moments, |a| a.status != Status::Ended).await?);
        }
        Ok(out)
    }

    /// One child's list on another day (a day of the week, opened from the week screen): what was due then,
    /// including activities the clinic has ended since, with what was recorded.
    pub async fn day(&self, child_id: ChildId, date: NaiveDate) -> Result<Option<TodayChild>> {
        let program = self.program().await?;
        let Some(child) = program.0.iter().find(|c| c.id == child_id).cloned() else { return Ok(None) };
        let moments = self.moment_times().await?;
        Ok(Some(self.day_of(child, date, &program, &moments, |_| true).await?))
    }

    async fn day_of(
        &self,
        child: Child,
        date: NaiveDate,
        (_, assignments, routines, exercises): &(Vec<Child>, Vec<Assignment>, Vec<Routine>, HashMap<String, Exercise>),
        moments: &MomentTimes,
        keep: impl Fn(&Assignment) -> bool,
    ) -> Result<TodayChild> {
        let mine: Vec<Assignment> = assignments.iter().filter(|a| a.child_id == child.id && keep(a)).cloned().collect();
        let expected = expand(&mine, routines, DateRange { first: date, last: date });
        let logs = self.db.logs_of_child(child.id, &date.to_string(), &date.to_string()).await?;
        let current = standing_logs(&logs);
        let mut groups: Vec<TodayGroup> = Vec::new();
        for e in expected {
            let Some(exercise) = exercises.get(&e.exercise_id.to_string()).cloned() else {
                // Not synced yet: shown once it arrives rather than half-drawn.
                continue;
            };
            let Some(assignment) = mine.iter().find(|a| a.id == e.assignment_id) else { continue };
            let routine = match assignment.target {
                homeplay_core::assignment::Target::Routine { routine_id } => {
                    routines.iter().find(|r| r.id == routine_id)
                }
                homeplay_core::assignment::Target::Exercise { .. } => None,
            };
            let item = TodayItem {
                dosage: exercise.dosage.with_overrides(&assignment.dosage),
                note_for_family: assignment.note_for_family.clone(),
                routine_title: routine.map(|r| r.title.clone()),
                then_reward: routine.and_then(|r| r.reward_after(e.position)).cloned(),
                log: current.get(&(e.assignment_id, e.exercise_id, e.occurrence)).cloned(),
                exercise,
                expected: e,
            };
            match groups.iter_mut().find(|g| g.slot_time == e.slot_time) {
                Some(g) => g.items.push(item),
                None => groups.push(TodayGroup {
                    slot_time: e.slot_time,
                    clock: moments.clock_time(&e.slot_time),
                    items: vec![item],
                }),
            }
        }
        groups.sort_by_key(|g| (g.clock.is_none(), g.clock));
        Ok(TodayChild { child, date, groups })
    }

    /// A child's week (Monday to Sunday) around `now`, streaks over the last 90 days, stickers and feedback.
    pub async fn progress(&self, child_id: ChildId, now: DateTime<Utc>) -> Result<Option<ChildProgress>> {
        let (children, assignments, routines, _) = self.program().await?;
        let Some(child) = children.into_iter().find(|c| c.id == child_id) else { return Ok(None) };
        let today = child.time_zone.local_date(now);
        let mine: Vec<Assignment> = assignments.into_iter().filter(|a| a.child_id == child.id).collect();
        let monday = week_start(today);
        let week = DateRange { first: monday, last: monday + TimeDelta::days(6) };
        let history = DateRange::ending(today, 90);
        let logs =
            self.db.logs_of_child(child.id, &history.first.min(week.first).to_string(), &week.last.to_string()).await?;
        let current: Vec<CompletionLog> = standing_logs(&logs).into_values().collect();
        let week_report = adherence(&expand(&mine, &routines, week), &current, week, today);
        let past = adherence(&expand(&mine, &routines, history), &current, history, today);
        let stickers = stickers(&current);
        let mut feedback: Vec<Feedback> =
            self.db.records::<Feedback>("feedback").await?.into_iter().filter(|f| f.child_id == child.id).collect();
        feedback.sort_by_key(|f| std::cmp::Reverse(f.created_at));
        Ok(Some(ChildProgress { child, week: week_report, streaks: streaks(&past.days), stickers, feedback }))
    }
}
