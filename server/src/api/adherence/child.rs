//! One child's full picture: heatmap days, weeks, exercises, streaks, RTM periods, flags, the log timeline and
//! feedback, over a range of the child's local dates.

use super::*;
use crate::access::OpenChild;
use crate::api::doc::*;
use crate::api::responses::{NoChild, SessionRead};
use crate::audit::{self, Actor};
use crate::error::{ApiResult, Failure};
use crate::program::find_exercise;
use crate::state::AppState;
use crate::store::DynStore;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use homeplay_core::adherence::{
    Adherence, DaySummary, Flag, RtmPeriod, Streaks, Tally, adherence, streaks, week_start,
};
use homeplay_core::feedback::Feedback;
use homeplay_core::ids::{AssignmentId, ChildId, ClinicId, DeviceId, ExerciseId, LogId};
use homeplay_core::log::{CompletionLog, Difficulty, Mood, Outcome, Recorder};
use homeplay_core::pain::PainScore;
use homeplay_core::schedule::Expected;
use homeplay_core::sync::ApiError;
use homeplay_core::text::{Name, Note, Title};
use homeplay_core::time::{DateRange, TimeZoneName};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChildSummary {
    pub id: ChildId,
    pub display_name: Name,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_years: Option<u8>,
    pub time_zone: TimeZoneName,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WeekRow {
    /// The Monday that starts the week.
    pub week_start: NaiveDate,
    pub tally: Tally,
    pub rate: Option<f64>,
    pub logged_rate: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExerciseRow {
    pub exercise_id: ExerciseId,
    /// `null` if the exercise is no longer in the library.
    pub title: Option<Title>,
    pub tally: Tally,
    pub rate: Option<f64>,
    pub logged_rate: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Rtm {
    /// The program's real start: the first day any item counted from (the later of its start and the day it was
    /// assigned), so adding an item, or one with a start in the past, never moves a period. `null` before
    /// anything was assigned.
    pub monitoring_start: Option<NaiveDate>,
    /// 30-day periods from `monitoring_start` up to the one holding today.
    pub periods: Vec<RtmPeriod>,
}

/// One log as the timeline shows it: its current version.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    pub log_id: LogId,
    pub date: NaiveDate,
    pub slot: u8,
    pub assignment_id: AssignmentId,
    pub exercise_id: ExerciseId,
    pub exercise_title: Option<Title>,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_reps: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_seconds: Option<u32>,
    pub difficulty: Option<Difficulty>,
    pub mood: Option<Mood>,
    /// Pain reported: a "yes", or a score above 0.
    pub pain: bool,
    /// How much it hurt, 0–10, when the family answered on the scale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pain_score: Option<PainScore>,
    pub note: Option<Note>,
    pub recorded_by: Recorder,
    pub device_id: DeviceId,
    /// The device's label ("Grandma's laptop"), if the device is still known.
    pub device_label: Option<Name>,
    /// When this version was made, by the recording device's clock.
    pub recorded_at: Option<DateTime<Utc>>,
    /// Withdrawn by the family: kept, shown, not counted.
    pub undone: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChildAdherence {
    pub child: ChildSummary,
    /// The child's local date: from it on, nothing recorded is "pending", not "not logged".
    pub today: NaiveDate,
    pub range: DateRange,
    pub total: Tally,
    pub rate: Option<f64>,
    pub logged_rate: Option<f64>,
    /// Every date of the range, for the heatmap.
    pub days: Vec<DaySummary>,
    pub weeks: Vec<WeekRow>,
    /// In the order the day's schedule lists them; practice logged for nothing expected comes last.
    pub exercises: Vec<ExerciseRow>,
    /// Over the range's days.
    pub streaks: Streaks,
    pub rtm: Rtm,
    /// As of today, most urgent first.
    pub flags: Vec<Flag>,
    /// The range's logs, newest first.
    pub timeline: Vec<TimelineEntry>,
    /// The therapists' stickers and comments on the range's days, newest first.
    pub feedback: Vec<Feedback>,
}

fn parse_date(params: &HashMap<String, String>, field: &str) -> ApiResult<Option<NaiveDate>> {
    params
        .get(field)
        .map(|v| {
            NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .ok()
                .filter(|d| homeplay_core::time::date_in_bounds(*d))
                .ok_or_else(|| {
                    let (first, last) = (homeplay_core::time::FIRST_DATE, homeplay_core::time::LAST_DATE);
                    Failure::invalid(field, format!("{field}: must be a date like 2026-03-16, from {first} to {last}"))
                })
        })
        .transpose()
}

/// The requested range, defaulting to twelve weeks up to today.
fn requested_range(query: RawQuery, today: NaiveDate) -> ApiResult<DateRange> {
    let params = query_params(query, &["from", "to"])?;
    let from = parse_date(&params, "from")?;
    let to = parse_date(&params, "to")?;
    let default_first = |last: NaiveDate| week_start(last) - TimeDelta::weeks(DEFAULT_WEEKS - 1);
    let (first, last) = match (from, to) {
        (Some(f), Some(t)) => (f, t),
        (Some(f), None) => (f, today.max(f)),
        (None, Some(t)) => (default_first(t), t),
        (None, None) => (default_first(today), today),
    };
    let range = DateRange::new(first, last).map_err(|_| Failure::invalid("to", "to: must not be before from"))?;
    if range.len_days() > MAX_RANGE_DAYS {
        return Err(Failure::invalid("from", format!("from: the range may span at most {MAX_RANGE_DAYS} days")));
    }
    Ok(range)
}

async fn titles(
    store: &DynStore,
    clinic: ClinicId,
    ids: impl IntoIterator<Item = ExerciseId>,
) -> ApiResult<HashMap<ExerciseId, Title>> {
    let mut out = HashMap::new();
    for id in ids.into_iter().collect::<BTreeSet<_>>() {
        if let Some(e) = find_exercise(store, clinic, id).await? {
            out.insert(id, e.title);
        }
    }
    Ok(out)
}

fn exercise_rows(report: &Adherence, expected: &[Expected], titles: &HashMap<ExerciseId, Title>) -> Vec<ExerciseRow> {
    let mut order: Vec<ExerciseId> = Vec::new();
    for e in expected.iter().filter(|e| report.range.contains(e.occurrence.date)) {
        if !order.contains(&e.exercise_id) {
            order.push(e.exercise_id);
        }
    }
    for id in report.exercises.keys() {
        if !order.contains(id) {
            order.push(*id);
        }
    }
    order
        .into_iter()
        .filter_map(|id| {
            let tally = *report.exercises.get(&id)?;
            Some(ExerciseRow {
                exercise_id: id,
                title: titles.get(&id).cloned(),
                tally,
                rate: tally.rate(),
                logged_rate: tally.logged_rate(),
            })
        })
        .collect()
}

/// A child's adherence
///
/// One child's adherence over a range of their local dates: the heatmap's days, weeks, exercises, streaks,
/// remote-monitoring periods, flags, the log timeline and the therapists' feedback. "Not logged" is kept
/// apart from "not done" throughout.
#[utoipa::path(
    get, path = "/children/{id}/adherence", tag = "adherence", operation_id = "child_adherence",
    params(
        ("id" = ChildId, Path, description = "The child"),
        ("from" = Option<NaiveDate>, Query, description = "The range's first date; by default twelve weeks \
            (from a Monday) before `to`"),
        ("to" = Option<NaiveDate>, Query, description = "The range's last date; by default the child's today \
            (or `from`, if later). At most 400 days from `from`"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "The child's adherence over the range", body = ChildAdherence),
        (status = 400, description = BAD_QUERY_OR_ID, body = ApiError),
        (status = 422, description = "A date is malformed, `to` is before `from`, or the range is longer than \
            400 days; `field` names it", body = ApiError),
        SessionRead, NoChild,
    ),
)]
pub async fn child(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
    query: RawQuery,
) -> ApiResult<Json<ChildAdherence>> {
    let clinic = auth.therapist.clinic_id;
    let today = child.time_zone.local_date(Utc::now());
    let range = requested_range(query, today)?;
    let store = &state.store;
    let routines = store.routines_of_clinic(clinic).await?;
    let program = Program::load(store, clinic, child.id, &routines).await?;
    let monitoring_start = program.monitoring_start();

    // One read covers the range and the flags (as of today); the RTM periods (from the monitoring start) need
    // only the data days, from the per-day rollup, so the page does not read the whole history.
    let month = DateRange::ending(today, 30);
    let first = range.first.min(month.first);
    let last = range.last.max(today);
    let mut logs = store.logs_of_child(clinic, child.id, &date_param(first), &date_param(last)).await?;
    if last_log_date(&logs, today).is_none() {
        logs.extend(last_logs_before(store, clinic, child.id, &program, first, today).await?);
    }

    let expected = program.expand(range);
    let report = adherence(&expected, &logs, range, today);
    let streaks = streaks(&report.days);
    let rtm = Rtm {
        monitoring_start,
        periods: match monitoring_start.filter(|s| *s <= today) {
            Some(start) => {
                let days = store.data_days_of_child(clinic, child.id, &date_param(start), &date_param(today)).await?;
                rtm_from_days(&days, start, today)
            }
            None => Vec::new(),
        },
    };
    // Read now, not stored with the report: a changed threshold re-sorts every unseen report at once.
    let unseen_pain = store.unseen_pain(clinic, child.id).await?;
    let advice_at = store.clinic_settings(clinic).await?.pain_advice_at;
    let flags = child_flags(&logs, &program, &program.expand(month), today, &unseen_pain, advice_at);

    let mut in_range: Vec<&CompletionLog> = logs.iter().filter(|l| range.contains(l.occurrence.date)).collect();
    in_range.sort_by_key(|l| std::cmp::Reverse((l.occurrence.date, l.hlc, l.id)));
    let titles =
        titles(store, clinic, report.exercises.keys().copied().chain(in_range.iter().map(|l| l.exercise_id))).await?;
    let device_labels: HashMap<DeviceId, Name> =
        store.devices_of_family(clinic, child.family_id).await?.into_iter().map(|d| (d.id, d.label)).collect();
    let timeline: Vec<TimelineEntry> = in_range
        .into_iter()
        .map(|l| TimelineEntry {
            log_id: l.id,
            date: l.occurrence.date,
            slot: l.occurrence.slot,
            assignment_id: l.assignment_id,
            exercise_id: l.exercise_id,
            exercise_title: titles.get(&l.exercise_id).cloned(),
            outcome: l.outcome,
            actual_reps: l.actual_reps,
            actual_seconds: l.actual_seconds,
            difficulty: l.difficulty,
            mood: l.mood,
            pain: l.reports_pain(),
            pain_score: l.pain_score,
            note: l.note.clone(),
            recorded_by: l.recorded_by.clone(),
            device_id: l.device_id,
            device_label: device_labels.get(&l.device_id).cloned(),
            recorded_at: i64::try_from(l.hlc.wall_ms).ok().and_then(DateTime::from_timestamp_millis),
            undone: l.undone,
        })
        .collect();

    let mut feedback: Vec<Feedback> =
        store.feedback_of_child(clinic, child.id).await?.into_iter().filter(|f| range.contains(f.date)).collect();
    feedback.sort_by_key(|f| std::cmp::Reverse((f.date, f.created_at)));

    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "read_adherence",
        Some(child.id),
        format!("{} to {}; {} logs, {} feedback", range.first, range.last, timeline.len(), feedback.len()),
    )
    .await?;

    let weeks = report
        .weeks
        .iter()
        .map(|(start, t)| WeekRow { week_start: *start, tally: *t, rate: t.rate(), logged_rate: t.logged_rate() })
        .collect();
    Ok(Json(ChildAdherence {
        child: ChildSummary {
            id: child.id,
            display_name: child.display_name,
            age_years: child.age_years,
            time_zone: child.time_zone,
        },
        today,
        range,
        total: report.total,
        rate: report.total.rate(),
        logged_rate: report.total.logged_rate(),
        exercises: exercise_rows(&report, &expected, &titles),
        days: report.days,
        weeks,
        streaks,
        rtm,
        flags,
        timeline,
        feedback,
    }))
}
