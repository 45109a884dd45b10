//! The clinic-wide overview: one row per child the caller may see, with flags, trend and a sparkline, ordered
//! so that who needs a call comes first.

use super::*;
use crate::api::doc::*;
use crate::api::responses::SessionRead;
use crate::api::team::{TeamMemberView, members_view};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::{ApiResult, Failure};
use crate::state::AppState;
use crate::store::DynStore;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use homeplay_core::adherence::{Flag, adherence};
use homeplay_core::care_team::{CareTeam, ChildAccess, TeamRole, child_access};
use homeplay_core::family::Child;
use homeplay_core::ids::{ChildId, ClinicId, TherapistId};
use homeplay_core::skill::Discipline;
use homeplay_core::sync::ApiError;
use homeplay_core::text::Name;
use homeplay_core::time::DateRange;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

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
    /// Set for a discharged child (the last day of the program): listed apart from the children in care.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discharged_on: Option<NaiveDate>,
    /// Messages from the family the clinic has not read yet.
    pub unread_messages: u32,
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

pub(super) fn trend(last: Option<f64>, before: Option<f64>) -> Option<Trend> {
    let diff = last? - before?;
    Some(if diff > TREND_THRESHOLD {
        Trend::Up
    } else if diff < -TREND_THRESHOLD {
        Trend::Down
    } else {
        Trend::Flat
    })
}

/// The clinic an overview is of, with the pain threshold its flags use (read once per overview).
#[derive(Debug, Clone, Copy)]
struct OfClinic {
    id: ClinicId,
    pain_advice_at: u8,
}

async fn overview_row(
    store: &DynStore,
    OfClinic { id: clinic, pain_advice_at }: OfClinic,
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
    // Pain stays flagged until seen, however old: read from the pain reports, not from the month of logs.
    let unseen_pain = store.unseen_pain(clinic, child.id).await?;
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
        flags: child_flags(&logs, program, &expected, today, &unseen_pain, pain_advice_at),
        therapist_ids: program.current_therapists().into_iter().collect(),
        disciplines,
        team: team.0,
        on_my_team: team.1,
        discharged_on: child.discharged_on,
        unread_messages: 0,
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
    let of_clinic = OfClinic { id: clinic, pain_advice_at: state.store.clinic_settings(clinic).await?.pain_advice_at };
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
        let row = overview_row(&state.store, of_clinic, child, &program, disciplines, team_view, now).await?;
        if filter.keeps_flags(&row.flags) {
            if !on_my_team {
                outside.push(row.child_id);
            }
            rows.push(row);
        }
    }
    let shown: Vec<ChildId> = rows.iter().map(|r| r.child_id).collect();
    let unread: HashMap<ChildId, u32> = state.store.unread_by_clinic(clinic, &shown).await?.into_iter().collect();
    for row in &mut rows {
        row.unread_messages = unread.get(&row.child_id).copied().unwrap_or(0);
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
