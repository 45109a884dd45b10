//! What therapists read about adherence: the clinic-wide overview (who needs a call first) and one child's
//! full picture (heatmap days, weeks, exercises, streaks, RTM periods, flags, the log timeline, feedback).
//!
//! All the maths is `homeplay_core::adherence`; this module only gathers the records, in the child's own
//! local dates, and shapes the answer. "Not logged" stays apart from "not done" all the way to the JSON.

use crate::access::OpenChild;
use crate::api::doc::*;
use crate::api::responses::{NoChild, SessionRead};
use crate::api::team::{TeamMemberView, members_view};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::{ApiResult, Failure};
use crate::program::find_exercise;
use crate::state::AppState;
use crate::store::DynStore;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use homeplay_core::adherence::{
    Adherence, DaySummary, Flag, RtmPeriod, Streaks, Tally, adherence, flags, streaks, week_start,
};
use homeplay_core::assignment::{Assignment, Status, Target};
use homeplay_core::care_team::{CareTeam, ChildAccess, TeamRole, child_access};
use homeplay_core::family::Child;
use homeplay_core::feedback::Feedback;
use homeplay_core::ids::{AssignmentId, ChildId, ClinicId, DeviceId, ExerciseId, LogId, TherapistId};
use homeplay_core::log::{CompletionLog, Difficulty, Mood, Outcome, Recorder};
use homeplay_core::routine::Routine;
use homeplay_core::schedule::{Expected, exercises_of, expand};
use homeplay_core::skill::Discipline;
use homeplay_core::sync::ApiError;
use homeplay_core::text::{Name, Note, Title};
use homeplay_core::time::{DateRange, TimeZoneName};
use serde::Serialize;
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
        let assignments = store.assignments_of_child(clinic, child).await?;
        let wanted: BTreeSet<_> = assignments
            .iter()
            .filter_map(|a| match a.target {
                Target::Routine { routine_id } => Some(routine_id),
                Target::Exercise { .. } => None,
            })
            .collect();
        let routines = routines.iter().filter(|r| wanted.contains(&r.id)).cloned().collect();
        Ok(Self { assignments, routines })
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
                a.start_date.iter_days().take_while(|d| *d <= last).find(|d| a.is_expected_on(*d))
            })
            .min()
    }

    /// Where remote monitoring starts: the earliest assignment's start.
    fn monitoring_start(&self) -> Option<NaiveDate> {
        self.assignments.iter().map(|a| a.start_date).min()
    }

    /// Therapists with a current (not ended) assignment for the child.
    fn current_therapists(&self) -> BTreeSet<TherapistId> {
        self.assignments.iter().filter(|a| a.status != Status::Ended).map(|a| a.assigned_by).collect()
    }
}

/// The core's flags, minus a "no logs" flag when nothing was asked of the family since the last log (a
/// program that ended or is paused): silence then is not a missed day, and calling the family would be noise.
fn child_flags(logs: &[CompletionLog], program: &Program, recent_expected: &[Expected], today: NaiveDate) -> Vec<Flag> {
    let last_log = last_log_date(logs, today);
    let asked_since =
        recent_expected.iter().any(|e| e.occurrence.date < today && last_log.is_none_or(|l| e.occurrence.date > l));
    flags(logs, program.first_expected(today), today)
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

// ---------------------------------------------------------------------------------------------------------
// The overview.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Up,
    Down,
    Flat,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SparkDay {
    pub date: NaiveDate,
    /// `null` on a day with nothing due.
    pub rate: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OverviewRow {
    pub child_id: ChildId,
    pub display_name: Name,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_years: Option<u8>,
    /// The child's local date the figures are for.
    pub today: NaiveDate,
    /// Adherence (done, half for partly) over what was due; `null` when nothing was due.
    pub rate_7d: Option<f64>,
    pub rate_30d: Option<f64>,
    /// The share of due practice with any record at all, done or not.
    pub logged_rate_7d: Option<f64>,
    pub logged_rate_30d: Option<f64>,
    /// The last 7 days against the 7 before; `null` when either has nothing due.
    pub trend: Option<Trend>,
    /// The last 14 days, oldest first.
    pub sparkline: Vec<SparkDay>,
    pub last_log_date: Option<NaiveDate>,
    /// Most urgent first.
    pub flags: Vec<Flag>,
    /// Therapists with a current assignment for the child.
    pub therapist_ids: Vec<TherapistId>,
    pub disciplines: Vec<Discipline>,
    /// The child's care team, leads first.
    pub team: Vec<TeamMemberView>,
    /// Whether the caller is on the child's care team (else they see the child under the clinic-wide policy).
    pub on_my_team: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Overview {
    pub generated_at: DateTime<Utc>,
    pub children: Vec<OverviewRow>,
}

/// Which flags the `flag` filter can ask for.
const FLAG_KINDS: [&str; 5] = ["any", "no_logs", "pain", "often_hard", "often_refused"];

fn flag_kind(f: &Flag) -> &'static str {
    match f {
        Flag::NoLogs { .. } => "no_logs",
        Flag::Pain { .. } => "pain",
        Flag::OftenHard { .. } => "often_hard",
        Flag::OftenRefused { .. } => "often_refused",
    }
}

/// Whose children the overview lists.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TeamFilter {
    /// Every child the caller may open.
    All,
    /// The children whose care team the caller is on ("my team's children").
    Mine,
    /// The children the caller leads ("my children").
    Lead,
}

struct OverviewFilter {
    team: TeamFilter,
    therapist: Option<TherapistId>,
    discipline: Option<Discipline>,
    flag: Option<String>,
    q: Option<String>,
}

impl OverviewFilter {
    fn parse(query: RawQuery) -> ApiResult<Self> {
        let p = query_params(query, &["team", "therapist", "discipline", "flag", "q"])?;
        let team = match p.get("team").map(|t| t.trim().to_ascii_lowercase()).as_deref() {
            None | Some("all") => TeamFilter::All,
            Some("mine") => TeamFilter::Mine,
            Some("lead") => TeamFilter::Lead,
            Some(_) => return Err(Failure::invalid("team", "team: must be lead, mine or all")),
        };
        let therapist = p
            .get("therapist")
            .map(|t| t.trim().parse::<TherapistId>())
            .transpose()
            .map_err(|_| Failure::invalid("therapist", "therapist: must be a therapist's id"))?;
        let discipline = match p.get("discipline").map(|d| d.trim().to_ascii_lowercase()) {
            None => None,
            Some(d) if d == "ot" => Some(Discipline::Ot),
            Some(d) if d == "pt" => Some(Discipline::Pt),
            Some(_) => return Err(Failure::invalid("discipline", "discipline: must be ot or pt")),
        };
        let flag = p.get("flag").map(|f| f.trim().to_ascii_lowercase());
        if let Some(f) = &flag
            && !FLAG_KINDS.contains(&f.as_str())
        {
            return Err(Failure::invalid("flag", format!("flag: must be one of {}", FLAG_KINDS.join(", "))));
        }
        let q = p.get("q").map(|q| q.trim().to_lowercase());
        if q.as_ref().is_some_and(|q| q.chars().count() > Name::MAX_CHARS) {
            return Err(Failure::invalid("q", format!("q: at most {} characters", Name::MAX_CHARS)));
        }
        Ok(Self { team, therapist, discipline, flag, q })
    }

    fn keeps_flags(&self, flags: &[Flag]) -> bool {
        match self.flag.as_deref() {
            None => true,
            Some("any") => !flags.is_empty(),
            Some(kind) => flags.iter().any(|f| flag_kind(f) == kind),
        }
    }
}

fn trend(last: Option<f64>, before: Option<f64>) -> Option<Trend> {
    let diff = last? - before?;
    Some(if diff > TREND_THRESHOLD {
        Trend::Up
    } else if diff < -TREND_THRESHOLD {
        Trend::Down
    } else {
        Trend::Flat
    })
}

async fn overview_row(
    store: &DynStore,
    clinic: ClinicId,
    child: Child,
    program: &Program,
    disciplines: Vec<Discipline>,
    team: (Vec<TeamMemberView>, bool),
    now: DateTime<Utc>,
) -> ApiResult<OverviewRow> {
    let today = child.time_zone.local_date(now);
    let month = DateRange::ending(today, 30);
    let week = DateRange::ending(today, 7);
    let week_before = DateRange::ending(today - TimeDelta::days(7), 7);
    let expected = program.expand(month);
    let mut logs = store.logs_of_child(clinic, child.id, &date_param(month.first), &date_param(today)).await?;
    if last_log_date(&logs, today).is_none() {
        // Silent for the whole month: the last log (if any) is older, and the "no logs" flag counts from it.
        logs.extend(last_logs_before(store, clinic, child.id, program, month.first, today).await?);
    }
    let of = |range: DateRange| adherence(&expected, &logs, range, today).total;
    let (t30, t7, t7_before) = (of(month), of(week), of(week_before));
    let sparkline = adherence(&expected, &logs, DateRange::ending(today, 14), today)
        .days
        .iter()
        .map(|d| SparkDay { date: d.date, rate: d.tally.rate() })
        .collect();
    Ok(OverviewRow {
        child_id: child.id,
        display_name: child.display_name,
        age_years: child.age_years,
        today,
        rate_7d: t7.rate(),
        rate_30d: t30.rate(),
        logged_rate_7d: t7.logged_rate(),
        logged_rate_30d: t30.logged_rate(),
        trend: trend(t7.rate(), t7_before.rate()),
        sparkline,
        last_log_date: last_log_date(&logs, today),
        flags: child_flags(&logs, program, &expected, today),
        therapist_ids: program.current_therapists().into_iter().collect(),
        disciplines,
        team: team.0,
        on_my_team: team.1,
    })
}

/// Flagged children first (the longest silence first), then the lowest 7-day rate; children with nothing
/// due this week last, since there is nothing to judge.
fn overview_order(a: &OverviewRow, b: &OverviewRow) -> std::cmp::Ordering {
    let silence = |r: &OverviewRow| {
        r.flags.iter().find_map(|f| match f {
            Flag::NoLogs { days } => Some(*days),
            _ => None,
        })
    };
    let rate = |r: &OverviewRow| r.rate_7d.unwrap_or(f64::INFINITY);
    a.flags
        .is_empty()
        .cmp(&b.flags.is_empty())
        .then_with(|| silence(b).unwrap_or(0).cmp(&silence(a).unwrap_or(0)))
        .then_with(|| rate(a).total_cmp(&rate(b)))
        .then_with(|| a.display_name.as_str().to_lowercase().cmp(&b.display_name.as_str().to_lowercase()))
}

/// The clinic's adherence overview
///
/// The children the caller may open (their care teams' children; every child of the clinic under its
/// `clinic_wide` policy), who needs attention first: flagged children (the longest silence first), then the
/// lowest 7-day adherence. Each row names the child's care team. Empty filter values count as absent.
#[utoipa::path(
    get, path = "/overview", tag = "adherence", operation_id = "overview",
    params(
        ("team" = Option<String>, Query, description = "`lead`: only children whose care team the caller \
            leads; `mine`: only children whose care team the caller is on; `all` (the default): every child the \
            caller may open"),
        ("therapist" = Option<TherapistId>, Query, description = "Only children this therapist has a current \
            assignment for"),
        ("discipline" = Option<Discipline>, Query, description = "Only children with a current assignment by a \
            therapist of this discipline (any case)"),
        ("flag" = Option<String>, Query, description = "Only flagged children: `any`, or one kind of flag: \
            `no_logs`, `pain`, `often_hard`, `often_refused` (any case)"),
        ("q" = Option<String>, Query, max_length = 60, description = "Only children whose display name holds \
            this text (any case)"),
    ),
    security(("session" = [])),
    responses(
        (status = 200, description = "One row per child", body = Overview),
        (status = 400, description = BAD_QUERY, body = ApiError),
        (status = 422, description = "A filter's value is not one this endpoint knows; `field` names it",
            body = ApiError),
        SessionRead,
    ),
)]
pub async fn overview(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    query: RawQuery,
) -> ApiResult<Json<Overview>> {
    let filter = OverviewFilter::parse(query)?;
    let clinic = auth.therapist.clinic_id;
    let now = Utc::now();
    let children = state.store.children_of_clinic(clinic).await?;
    let routines = state.store.routines_of_clinic(clinic).await?;
    let therapists = state.store.therapists_of_clinic(clinic).await?;
    let discipline_of: HashMap<TherapistId, Discipline> = therapists.iter().map(|t| (t.id, t.discipline)).collect();
    let names: HashMap<TherapistId, Name> = therapists.into_iter().map(|t| (t.id, t.name)).collect();
    let policy = state.store.outside_team_policy(clinic).await?;
    let teams: HashMap<ChildId, CareTeam> =
        state.store.care_teams_of_clinic(clinic).await?.into_iter().map(|t| (t.child_id, t)).collect();
    let mut rows = Vec::new();
    let mut outside = Vec::new();
    for child in children {
        let team = teams.get(&child.id).cloned().unwrap_or(CareTeam { child_id: child.id, members: Vec::new() });
        let on_my_team = match (child_access(&team, auth.therapist.id, policy), filter.team) {
            (ChildAccess::Team(TeamRole::Member), TeamFilter::Lead) => continue,
            (ChildAccess::Team(_), _) => true,
            (ChildAccess::OutsideTeam, TeamFilter::All) => false,
            (ChildAccess::OutsideTeam | ChildAccess::Denied, _) => continue,
        };
        if let Some(q) = &filter.q
            && !child.display_name.as_str().to_lowercase().contains(q.as_str())
        {
            continue;
        }
        let program = Program::load(&state.store, clinic, child.id, &routines).await?;
        let therapists = program.current_therapists();
        if filter.therapist.is_some_and(|t| !therapists.contains(&t)) {
            continue;
        }
        let disciplines: Vec<Discipline> = therapists
            .iter()
            .filter_map(|t| discipline_of.get(t).copied())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if filter.discipline.is_some_and(|d| !disciplines.contains(&d)) {
            continue;
        }
        let team_view = (members_view(&team, &names), on_my_team);
        let row = overview_row(&state.store, clinic, child, &program, disciplines, team_view, now).await?;
        if filter.keeps_flags(&row.flags) {
            if !on_my_team {
                outside.push(row.child_id);
            }
            rows.push(row);
        }
    }
    rows.sort_by(overview_order);
    let detail = match outside.len() {
        0 => format!("{} children", rows.len()),
        n => format!("{} children; {n} outside the caller's care teams", rows.len()),
    };
    audit::record(&state, Actor::Therapist(&auth), &ip, "read_overview", None, detail).await?;
    // Each child whose figures were shown from outside its team gets its own entry, as opening it would.
    audit::record_per_child(
        &state,
        Actor::Therapist(&auth),
        &ip,
        crate::access::OUTSIDE_TEAM,
        outside.into_iter().map(|child| (child, "read in the overview; not on the child's care team".to_owned())),
    )
    .await?;
    Ok(Json(Overview { generated_at: now, children: rows }))
}

// ---------------------------------------------------------------------------------------------------------
// One child.

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
    /// The earliest assignment's start; `null` before anything was assigned.
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
    pub pain: bool,
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
    let flags = child_flags(&logs, &program, &program.expand(month), today);

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
            pain: l.pain,
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

#[cfg(test)]
mod tests {
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
