//! What therapists read about adherence: the clinic-wide overview (who needs a call first) and one child's
//! full picture (heatmap days, weeks, exercises, streaks, RTM periods, flags, the log timeline, feedback).
//!
//! All the maths is `homeplay_core::adherence`; this module only gathers the records, in the child's own
//! local dates, and shapes the answer. "Not logged" stays apart from "not done" all the way to the JSON.

mod child;
mod overview;

pub use child::*;
pub use overview::*;

use crate::error::{ApiResult, Failure};
use crate::store::DynStore;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use chrono::{NaiveDate, TimeDelta};
use homeplay_core::adherence::{Flag, RtmPeriod, flags};
use homeplay_core::assignment::{Assignment, Status, Target};
use homeplay_core::ids::{ChildId, ClinicId, TherapistId};
use homeplay_core::log::CompletionLog;
use homeplay_core::pain::PainReport;
use homeplay_core::routine::Routine;
use homeplay_core::schedule::{Expected, exercises_of, expand};
use homeplay_core::time::DateRange;
use std::collections::{BTreeSet, HashMap};

/// The query string, or why it could not be read.
pub(crate) type RawQuery = Result<Query<HashMap<String, String>>, QueryRejection>;

/// The query parameters, refusing any this endpoint does not know (a typo would otherwise silently widen a
/// filter). Empty values count as absent, as a dashboard form sends them.
pub(crate) fn query_params(query: RawQuery, allowed: &[&str]) -> ApiResult<HashMap<String, String>> {
    let Query(params) = query.map_err(|e| Failure::bad_request(format!("the query string is malformed: {e}")))?;
    if let Some(unknown) = params.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Failure::bad_request(format!(
            "unknown query parameter {unknown}; this endpoint takes {}",
            allowed.join(", ")
        ))
        .with_field(unknown.clone()));
    }
    Ok(params.into_iter().filter(|(_, v)| !v.trim().is_empty()).collect())
}

/// A change of under 5 points between two weeks is noise at a handful of items a day, so it reads as flat.
const TREND_THRESHOLD: f64 = 0.05;
/// The longest range one request may ask for: a year of heatmap and a little more.
pub const MAX_RANGE_DAYS: i64 = 400;
/// The default range: twelve whole weeks (from a Monday) up to today, the span of a typical plan of care.
const DEFAULT_WEEKS: i64 = 12;

/// A child's program as the maths needs it.
struct Program {
    assignments: Vec<Assignment>,
    routines: Vec<Routine>,
}

impl Program {
    async fn load(store: &DynStore, clinic: ClinicId, child: ChildId, routines: &[Routine]) -> ApiResult<Self> {
        Ok(Self::of(store.assignments_of_child(clinic, child).await?, routines))
    }

    /// The program of these assignments (one child's), with the clinic's routines they use.
    fn of(assignments: Vec<Assignment>, routines: &[Routine]) -> Self {
        let wanted: BTreeSet<_> = assignments
            .iter()
            .filter_map(|a| match a.target {
                Target::Routine { routine_id } => Some(routine_id),
                Target::Exercise { .. } => None,
            })
            .collect();
        let routines = routines.iter().filter(|r| wanted.contains(&r.id)).cloned().collect();
        Self { assignments, routines }
    }

    fn expand(&self, range: DateRange) -> Vec<Expected> {
        expand(&self.assignments, &self.routines, range)
    }

    /// The first local date practice was expected (up to `today`): where silence starts counting when
    /// nothing was ever logged.
    fn first_expected(&self, today: NaiveDate) -> Option<NaiveDate> {
        self.assignments
            .iter()
            .filter(|a| !exercises_of(a, &self.routines).is_empty())
            .filter_map(|a| {
                let last = a.end_date.map_or(today, |e| e.min(today));
                a.due_from().iter_days().take_while(|d| *d <= last).find(|d| a.is_expected_on(*d))
            })
            .min()
    }

    /// Where remote monitoring starts: the program's real start (see [`homeplay_core::adherence::monitoring_start`]).
    fn monitoring_start(&self) -> Option<NaiveDate> {
        homeplay_core::adherence::monitoring_start(&self.assignments)
    }

    /// Therapists with a current (not ended) assignment for the child.
    fn current_therapists(&self) -> BTreeSet<TherapistId> {
        self.assignments.iter().filter(|a| a.status != Status::Ended).map(|a| a.assigned_by).collect()
    }
}

/// The core's flags, minus a "no logs" flag when nothing was asked of the family since the last log (a
/// program that ended or is paused): silence then is not a missed day, and calling the family would be noise.
fn child_flags(
    logs: &[CompletionLog],
    program: &Program,
    recent_expected: &[Expected],
    today: NaiveDate,
    unseen_pain: &[PainReport],
    pain_advice_at: u8,
) -> Vec<Flag> {
    let last_log = last_log_date(logs, today);
    let asked_since =
        recent_expected.iter().any(|e| e.occurrence.date < today && last_log.is_none_or(|l| e.occurrence.date > l));
    flags(logs, program.first_expected(today), today, unseen_pain, pain_advice_at)
        .into_iter()
        .filter(|f| asked_since || !matches!(f, Flag::NoLogs { .. }))
        .collect()
}

fn last_log_date(logs: &[CompletionLog], today: NaiveDate) -> Option<NaiveDate> {
    logs.iter().filter(|l| l.counts() && l.occurrence.date <= today).map(|l| l.occurrence.date).max()
}

/// The logs of the child's last data day before `before` (none if there is none since practice was first
/// expected): all the "no logs" flag needs from older history, found through the per-day rollup rather than by
/// reading every older log.
async fn last_logs_before(
    store: &DynStore,
    clinic: ClinicId,
    child: ChildId,
    program: &Program,
    before: NaiveDate,
    today: NaiveDate,
) -> ApiResult<Vec<CompletionLog>> {
    let Some(first) = program.first_expected(today).filter(|f| *f < before) else { return Ok(Vec::new()) };
    let days =
        store.data_days_of_child(clinic, child, &date_param(first), &date_param(before - TimeDelta::days(1))).await?;
    let Some(last) = days.last() else { return Ok(Vec::new()) };
    Ok(store.logs_of_child(clinic, child, &date_param(*last), &date_param(*last)).await?)
}

fn rtm_from_days(days: &[NaiveDate], monitoring_start: NaiveDate, through: NaiveDate) -> Vec<RtmPeriod> {
    homeplay_core::adherence::rtm_periods_from_days(days.iter().copied(), monitoring_start, through)
}

fn date_param(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::overview::{Trend, trend};
    use super::*;

    #[test]
    fn rtm_from_days_matches_the_core_from_logs() {
        use homeplay_core::adherence::rtm_periods;
        let log: CompletionLog = serde_json::from_value(serde_json::json!({
            "id": "01936f52-1c00-7a10-8b20-3c40d50e6f70", "child_id": "01936f4e-0000-7000-8000-0000000c0001",
            "assignment_id": "01936f4e-0000-7000-8000-0000000a0001",
            "exercise_id": "6bee5186-956d-596c-b5e9-07ae3131bd25", "occurrence": {"date": "2026-01-01", "slot": 0},
            "outcome": {"status": "done"}, "pain": false, "recorded_by": {"kind": "kid_mode"},
            "device_id": "01936f4e-8a2b-7c3d-9e4f-5a6b7c8d9e0f", "hlc": {"wall_ms": 1, "counter": 0}, "undone": false
        }))
        .unwrap();
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let through = NaiveDate::from_ymd_opt(2026, 4, 15).unwrap();
        let days: Vec<NaiveDate> =
            (0..100).filter(|d| d % 3 != 0 || *d < 40).map(|d| start + TimeDelta::days(d)).collect();
        let logs: Vec<CompletionLog> = days
            .iter()
            .map(|d| {
                let mut l = log.clone();
                l.occurrence.date = *d;
                l
            })
            .collect();
        assert_eq!(rtm_from_days(&days, start, through), rtm_periods(&logs, start, through));
    }

    #[test]
    fn trend_ignores_small_changes_and_missing_weeks() {
        assert_eq!(trend(Some(0.8), Some(0.6)), Some(Trend::Up));
        assert_eq!(trend(Some(0.5), Some(0.7)), Some(Trend::Down));
        assert_eq!(trend(Some(0.72), Some(0.7)), Some(Trend::Flat));
        assert_eq!(trend(None, Some(0.7)), None);
        assert_eq!(trend(Some(0.7), None), None);
    }
}
