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
use homeplay_core::adherence::{Flag, Tally, adherence};
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

/// Up to this many children listed (a search, a narrow filter), their logs are read child by child rather
/// than the whole clinic's month at once.
const FEW_CHILDREN: usize = 10;

/// A child the overview lists, with what its row is computed from.
struct Listed {
    child: Child,
    program: Program,
    disciplines: Vec<Discipline>,
    team: (Vec<TeamMemberView>, bool),
    /// The child's local date.
    today: NaiveDate,
}

impl Listed {
    /// The 30 days up to the child's today that the row's figures cover.
    fn month(&self) -> DateRange {
        DateRange::ending(self.today, 30)
    }
}

/// `items` by child, each child's in the order given.
fn by_child<T>(items: Vec<T>, child_of: impl Fn(&T) -> ChildId) -> HashMap<ChildId, Vec<T>> {
    let mut out: HashMap<ChildId, Vec<T>> = HashMap::new();
    for item in items {
        out.entry(child_of(&item)).or_default().push(item);
    }
    out
}

/// `logs` are the child's logs of its month (`listed.month()`), in the order the store reads them; `unseen_pain`
/// its pain reports not yet marked seen.
async fn overview_row(
    store: &DynStore,
    OfClinic { id: clinic, pain_advice_at }: OfClinic,
    listed: Listed,
    mut logs: Vec<CompletionLog>,
    unseen_pain: &[PainReport],
) -> ApiResult<OverviewRow> {
    let Listed { child, program, disciplines, team, today } = listed;
    let month = DateRange::ending(today, 30);
    let week = DateRange::ending(today, 7);
    let week_before = DateRange::ending(today - TimeDelta::days(7), 7);
    let expected = program.expand(month);
    if last_log_date(&logs, today).is_none() {
        // Silent for the whole month: the last log (if any) is older, and the "no logs" flag counts from it.
        // Read child by child, but only for the silent ones, each through the rollup.
        logs.extend(last_logs_before(store, clinic, child.id, &program, month.first, today).await?);
    }
    // One pass over the month; the week, the week before and the sparkline are sums of its days (a day's
    // tally depends on that day's records only), which is what matching each range again would give.
    let days = adherence(&expected, &logs, month, today).days;
    let of = |range: DateRange| {
        let mut total = Tally::default();
        days.iter().filter(|d| range.contains(d.date)).for_each(|d| total.merge(&d.tally));
        total
    };
    let (t30, t7, t7_before) = (of(month), of(week), of(week_before));
    let fortnight = DateRange::ending(today, 14);
    let sparkline = days
        .iter()
        .filter(|d| fortnight.contains(d.date))
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
        flags: child_flags(&logs, &program, &expected, today, unseen_pain, pain_advice_at),
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
    // Who may be listed, from the children and their teams alone; then each kind of record for all of them
    // at once (a few statements for the whole clinic, not a few per child).
    let mut visible = Vec::new();
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
        visible.push((child, team, on_my_team));
    }
    let ids: Vec<ChildId> = visible.iter().map(|(c, ..)| c.id).collect();
    let mut assignments = by_child(state.store.assignments_of_children(clinic, &ids).await?, |a| a.child_id);
    let mut listed = Vec::new();
    for (child, team, on_my_team) in visible {
        let program = Program::of(assignments.remove(&child.id).unwrap_or_default(), &routines);
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
        let team = (members_view(&team, &names), on_my_team);
        let today = child.time_zone.local_date(now);
        listed.push(Listed { child, program, disciplines, team, today });
    }
    let ids: Vec<ChildId> = listed.iter().map(|l| l.child.id).collect();
    // One read of the whole clinic's month of logs, unless a filter left a few children (a search): then
    // theirs only. Children whose local dates differ (time zones) read the union of their months, each row
    // keeping its own.
    let (first, last) = (listed.iter().map(|l| l.month().first).min(), listed.iter().map(|l| l.today).max());
    let logs = match (first, last) {
        _ if listed.len() <= FEW_CHILDREN => {
            let mut logs = Vec::new();
            for l in &listed {
                let (from, to) = (date_param(l.month().first), date_param(l.today));
                logs.extend(state.store.logs_of_child(clinic, l.child.id, &from, &to).await?);
            }
            logs
        }
        (Some(first), Some(last)) => state.store.logs_of_clinic(clinic, &date_param(first), &date_param(last)).await?,
        _ => Vec::new(),
    };
    let mut logs = by_child(logs, |l| l.child_id);
    // Pain stays flagged until seen, however old: read from the pain reports, not from the month of logs.
    let mut pain = by_child(state.store.unseen_pain_of_children(clinic, &ids).await?, |(c, _)| *c);
    let mut rows = Vec::new();
    let mut outside = Vec::new();
    for l in listed {
        let month = l.month();
        let mut child_logs = logs.remove(&l.child.id).unwrap_or_default();
        child_logs.retain(|log| month.contains(log.occurrence.date));
        // The order `logs_of_child` reads them in (a UUID's text sorts as its bytes), so ties resolve as they
        // do on the child's page.
        child_logs.sort_unstable_by_key(|log| (log.occurrence.date, log.id));
        let unseen: Vec<PainReport> =
            pain.remove(&l.child.id).unwrap_or_default().into_iter().map(|(_, p)| p).collect();
        let on_my_team = l.team.1;
        let row = overview_row(&state.store, of_clinic, l, child_logs, &unseen).await?;
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
