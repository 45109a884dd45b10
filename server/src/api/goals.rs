//! A child's therapy goals: setting them with the family, changing them (each change a new version, nothing
//! deleted), settling them as met, changed or dropped, scoring reviews with GAS, and each goal's progress
//! beside the practice of the program items linked to it. All under the care-team rule, all audited as
//! reads and changes of the child's data.

use crate::access::OpenChild;
use crate::access::open_child;
use crate::api::adherence::RawQuery;
use crate::api::doc::*;
use crate::api::responses::{BadId, BadJsonOrId, JsonBody, NoChild, OutOfBounds, SessionRead, SessionWrite};
use crate::api::team::therapist_names;
use crate::audit::{self, Actor, ClientIp};
use crate::auth::TherapistAuth;
use crate::error::{ApiResult, Failure};
use crate::json::IdPath as Path;
use crate::json::StrictJson;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use homeplay_core::Validate;
use homeplay_core::adherence::adherence;
use homeplay_core::assignment::{Assignment, Target};
use homeplay_core::family::Child;
use homeplay_core::goal::{
    CheckInFace, CurrentReviews, GasScale, GasScore, Goal, GoalChangeError, GoalReview, GoalStatus, GoalTrend,
    current_check_ins, current_reviews, current_t_score, goal_trend,
};
use homeplay_core::ids::{AssignmentId, ChildId, GoalId, GoalReviewId, TherapistId};
use homeplay_core::schedule::expand;
use homeplay_core::skill::{Discipline, SkillArea};
use homeplay_core::sync::{ApiError, ErrorCode};
use homeplay_core::text::{Name, Note, Title};
use homeplay_core::time::DateRange;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The longest stretch of practice a goal's progress looks back over, as a child's page does.
const MAX_PROGRESS_DAYS: i64 = crate::api::adherence::MAX_RANGE_DAYS;

/// A new goal, set with the family.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGoal {
    /// In plain words, for the family: "Puts on socks by himself".
    pub text: Title,
    pub discipline: Discipline,
    /// One to eight skill areas, each at most once.
    pub areas: Vec<SkillArea>,
    /// Where the child is now: "needs hand-over-hand help".
    pub baseline: Note,
    /// The five GAS levels in the therapist's words; `expected` is the outcome aimed at by the target date.
    pub scale: GasScale,
    /// By default the child's today.
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    pub target_date: NaiveDate,
}

/// What a change of a goal may touch; the rest (discipline, start, status) stays.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalUpdate {
    pub text: Title,
    pub areas: Vec<SkillArea>,
    pub baseline: Note,
    pub scale: GasScale,
    pub target_date: NaiveDate,
}

/// Settling a goal.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalStatusChange {
    /// `met`, `changed` or `dropped`.
    pub status: GoalStatus,
    /// For `changed`: the goal of the same child that replaces this one.
    #[serde(default)]
    pub replaced_by: Option<GoalId>,
}

/// A therapist's scoring of a goal.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// Not before the goal's start, not after the child's today.
    pub date: NaiveDate,
    pub score: GasScore,
    #[serde(default)]
    pub note: Option<Note>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GoalSummary {
    /// The goal's current version.
    pub goal: Goal,
    pub set_by_name: Option<Name>,
    pub latest_review: Option<GoalReview>,
    /// The program items that serve the goal, of every status.
    pub assignment_ids: Vec<AssignmentId>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GoalList {
    /// Oldest goal first.
    pub goals: Vec<GoalSummary>,
    /// The GAS T-score of the active goals at their latest reviews (50: every goal as expected); `null`
    /// when no active goal has a review.
    pub t_score: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GoalVersion {
    pub at: DateTime<Utc>,
    pub therapist_id: TherapistId,
    pub therapist_name: Option<Name>,
    /// The goal as this version wrote it.
    pub goal: Goal,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GoalHistory {
    /// Every version, the first first.
    pub versions: Vec<GoalVersion>,
    /// The reviews that stand, by date: one per day.
    pub reviews: Vec<GoalReview>,
    /// Reviews replaced by a later one of the same day (a double-click, or a corrected score), by date.
    pub replaced_reviews: Vec<GoalReview>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewPoint {
    pub date: NaiveDate,
    pub score: GasScore,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PracticeWeek {
    /// The Monday that starts the week.
    pub week_start: NaiveDate,
    /// Adherence of the linked items (done, half for partly, over what was due); `null` when nothing was due.
    pub rate: Option<f64>,
    pub logged_rate: Option<f64>,
}

/// The family's answer to the weekly question about a goal ("How did it go this week?").
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckInPoint {
    /// The Monday of the week the answer is about.
    pub week: NaiveDate,
    pub face: CheckInFace,
    /// The caregiver who answered, as they named themselves on the device.
    pub answered_by: Name,
    /// What the family added in words, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GoalProgressRow {
    pub goal_id: GoalId,
    pub text: Title,
    pub discipline: Discipline,
    pub status: GoalStatus,
    pub start_date: NaiveDate,
    pub target_date: NaiveDate,
    /// The reviews, by date.
    pub reviews: Vec<ReviewPoint>,
    /// The family's weekly answers, one per week (the latest answer stands), by week; absent when there are
    /// none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub check_ins: Vec<CheckInPoint>,
    /// The practice of the linked items, week by week, from the goal's start (at most 400 days back) to today.
    pub weeks: Vec<PracticeWeek>,
    /// Over the same days; `null` when nothing linked was due.
    pub adherence: Option<f64>,
    pub linked_assignment_ids: Vec<AssignmentId>,
    /// Progress over the reviews beside the practice: "no progress with little practice" and "no progress
    /// despite practice" call for different conversations.
    pub trend: GoalTrend,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GoalProgress {
    /// The child's local date the figures run to.
    pub today: NaiveDate,
    pub goals: Vec<GoalProgressRow>,
}

fn not_active(e: GoalChangeError) -> Failure {
    Failure::new(ErrorCode::Conflict, e.to_string()).with_field("status")
}

/// The goal, if it is of a child the caller may open; else 404.
async fn own_goal(state: &AppState, auth: &TherapistAuth, ip: &ClientIp, id: GoalId) -> ApiResult<(Goal, Child)> {
    let goal = state.store.goal(auth.therapist.clinic_id, id).await?.ok_or(Failure::not_found("goal"))?;
    let opened = open_child(state, auth, ip, goal.child_id)
        .await
        .map_err(|f| if f.body.error == ErrorCode::NotFound { Failure::not_found("goal") } else { f })?;
    Ok((goal, opened.child))
}

fn millis_to_time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

async fn audit_goal(state: &AppState, auth: &TherapistAuth, ip: &ClientIp, action: &str, goal: &Goal) -> ApiResult<()> {
    let detail = format!("goal {} version {}", goal.id, goal.version);
    audit::record(state, Actor::Therapist(auth), ip, action, Some(goal.child_id), detail).await
}

/// List a child's goals
///
/// Each goal's current version with its latest review and the program items serving it, and the T-score of
/// the active goals.
#[utoipa::path(
    get, path = "/children/{id}/goals", tag = "goals", operation_id = "list_goals",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The child's goals", body = GoalList),
        SessionRead, BadId, NoChild,
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
) -> ApiResult<Json<GoalList>> {
    let clinic = auth.therapist.clinic_id;
    let goals = state.store.goals_of_child(clinic, child.id).await?;
    let reviews = current_reviews(&state.store.reviews_of_child(clinic, child.id).await?).current;
    let assignments = state.store.assignments_of_child(clinic, child.id).await?;
    let names = therapist_names(&state, &auth).await?;
    let t_score = current_t_score(&goals, &reviews);
    let summaries = goals
        .into_iter()
        .map(|goal| {
            // Reviews come by date, so the last of the goal's is the latest.
            let latest_review = reviews.iter().rfind(|r| r.goal_id == goal.id).cloned();
            let assignment_ids = assignments.iter().filter(|a| a.goal_ids.contains(&goal.id)).map(|a| a.id).collect();
            GoalSummary { set_by_name: names.get(&goal.set_by).cloned(), goal, latest_review, assignment_ids }
        })
        .collect::<Vec<_>>();
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "list_goals",
        Some(child.id),
        format!("{} goals", summaries.len()),
    )
    .await?;
    Ok(Json(GoalList { goals: summaries, t_score }))
}

/// Set a goal
///
/// Sets a new goal for the child, active from its start date.
#[utoipa::path(
    post, path = "/children/{id}/goals", tag = "goals", operation_id = "create_goal",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [], "csrf" = [])),
    request_body = NewGoal,
    responses(
        (status = 201, description = "Set, active, version 1", body = Goal),
        (status = 422, description = "A value is out of bounds, two GAS levels read the same, or the target date \
            is not after the start; `field` names it", body = ApiError),
        SessionWrite, JsonBody, BadJsonOrId, NoChild,
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
    StrictJson(req): StrictJson<NewGoal>,
) -> ApiResult<(StatusCode, Json<Goal>)> {
    let now = now_ms();
    let goal = Goal {
        id: GoalId::new_v7(),
        child_id: child.id,
        text: req.text,
        discipline: req.discipline,
        areas: req.areas,
        baseline: req.baseline,
        scale: req.scale,
        start_date: req.start_date.unwrap_or_else(|| child.time_zone.local_date(Utc::now())),
        target_date: req.target_date,
        status: GoalStatus::Active,
        replaced_by: None,
        set_by: auth.therapist.id,
        version: 1,
        updated_at: millis_to_time(now),
    };
    goal.validate()?;
    state.store.put_goal(auth.therapist.clinic_id, &goal, auth.therapist.id, now).await?;
    audit_goal(&state, &auth, &ip, "create_goal", &goal).await?;
    Ok((StatusCode::CREATED, Json(goal)))
}

/// Change a goal
///
/// Rewrites an active goal's text, areas, baseline, GAS levels or target date, as a new version; the earlier
/// versions are kept.
#[utoipa::path(
    put, path = "/goals/{id}", tag = "goals", operation_id = "update_goal",
    params(("id" = GoalId, Path, description = "The goal")),
    security(("session" = [], "csrf" = [])),
    request_body = GoalUpdate,
    responses(
        (status = 200, description = "The goal's new version", body = Goal),
        (status = 404, description = "No such goal, or of a child the caller may not open", body = ApiError),
        (status = 409, description = "The goal is no longer active (`field`: `status`), or someone changed it \
            meanwhile", body = ApiError),
        SessionWrite, JsonBody, BadJsonOrId, OutOfBounds,
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<GoalId>,
    StrictJson(req): StrictJson<GoalUpdate>,
) -> ApiResult<Json<Goal>> {
    let (goal, _) = own_goal(&state, &auth, &ip, id).await?;
    let now = now_ms();
    let mut next = goal.next_version(millis_to_time(now)).map_err(not_active)?;
    next.text = req.text;
    next.areas = req.areas;
    next.baseline = req.baseline;
    next.scale = req.scale;
    next.target_date = req.target_date;
    next.validate()?;
    state.store.put_goal(auth.therapist.clinic_id, &next, auth.therapist.id, now).await?;
    audit_goal(&state, &auth, &ip, "update_goal", &next).await?;
    Ok(Json(next))
}

/// Settle a goal
///
/// Marks an active goal as met, changed (naming the goal of the same child that replaces it) or dropped, as
/// a new version. Its versions and reviews are kept.
#[utoipa::path(
    post, path = "/goals/{id}/status", tag = "goals", operation_id = "settle_goal",
    params(("id" = GoalId, Path, description = "The goal")),
    security(("session" = [], "csrf" = [])),
    request_body = GoalStatusChange,
    responses(
        (status = 200, description = "The goal's new version", body = Goal),
        (status = 404, description = "No such goal, or of a child the caller may not open", body = ApiError),
        (status = 409, description = "The goal is no longer active (`field`: `status`), or someone changed it \
            meanwhile", body = ApiError),
        (status = 422, description = "`status` is `active`, or `replaced_by` is missing, this goal, or not a \
            goal of the same child; `field` names it", body = ApiError),
        SessionWrite, JsonBody, BadJsonOrId,
    ),
)]
pub async fn settle(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<GoalId>,
    StrictJson(req): StrictJson<GoalStatusChange>,
) -> ApiResult<Json<Goal>> {
    let (goal, child) = own_goal(&state, &auth, &ip, id).await?;
    let now = now_ms();
    let next = match goal.settle(req.status, req.replaced_by, millis_to_time(now)) {
        Ok(next) => next,
        Err(GoalChangeError::StillActive) => {
            return Err(Failure::invalid("status", "status: settle a goal as met, changed or dropped"));
        }
        Err(e) => return Err(not_active(e)),
    };
    next.validate()?;
    if let Some(other) = next.replaced_by {
        let same_child =
            state.store.goal(auth.therapist.clinic_id, other).await?.is_some_and(|g| g.child_id == child.id);
        if !same_child {
            return Err(Failure::invalid("replaced_by", "replaced_by: not a goal of the same child"));
        }
    }
    state.store.put_goal(auth.therapist.clinic_id, &next, auth.therapist.id, now).await?;
    audit_goal(&state, &auth, &ip, "settle_goal", &next).await?;
    Ok(Json(next))
}

/// A goal's history
///
/// Every version of the goal and every review.
#[utoipa::path(
    get, path = "/goals/{id}/history", tag = "goals", operation_id = "goal_history",
    params(("id" = GoalId, Path, description = "The goal")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The versions and reviews", body = GoalHistory),
        (status = 404, description = "No such goal, or of a child the caller may not open", body = ApiError),
        SessionRead, BadId,
    ),
)]
pub async fn history(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<GoalId>,
) -> ApiResult<Json<GoalHistory>> {
    let clinic = auth.therapist.clinic_id;
    let (goal, child) = own_goal(&state, &auth, &ip, id).await?;
    let names = therapist_names(&state, &auth).await?;
    let versions: Vec<GoalVersion> = state
        .store
        .goal_versions(clinic, id)
        .await?
        .into_iter()
        .map(|v| GoalVersion {
            at: millis_to_time(v.at_ms),
            therapist_id: v.therapist_id,
            therapist_name: names.get(&v.therapist_id).cloned(),
            goal: v.goal,
        })
        .collect();
    let of_goal: Vec<GoalReview> =
        state.store.reviews_of_child(clinic, child.id).await?.into_iter().filter(|r| r.goal_id == id).collect();
    let CurrentReviews { current: reviews, replaced: replaced_reviews } = current_reviews(&of_goal);
    let detail = format!("goal {}; {} versions, {} reviews", goal.id, versions.len(), of_goal.len());
    audit::record(&state, Actor::Therapist(&auth), &ip, "read_goal_history", Some(child.id), detail).await?;
    Ok(Json(GoalHistory { versions, reviews, replaced_reviews }))
}

/// Review a goal
///
/// Records a GAS score (−2 … +2) for an active goal on a date, with an optional note. One review stands per
/// goal and day: a second one that day (a double-click, a corrected score) replaces the first, which the
/// goal's history keeps.
#[utoipa::path(
    post, path = "/goals/{id}/reviews", tag = "goals", operation_id = "create_goal_review",
    params(("id" = GoalId, Path, description = "The goal")),
    security(("session" = [], "csrf" = [])),
    request_body = ReviewInput,
    responses(
        (status = 201, description = "Recorded", body = GoalReview),
        (status = 404, description = "No such goal, or of a child the caller may not open", body = ApiError),
        (status = 409, description = "The goal is no longer active (`field`: `status`)", body = ApiError),
        (status = 422, description = "The score is outside −2 … +2 (`score`), or the date is before the goal's \
            start or after the child's today (`date`)", body = ApiError),
        SessionWrite, JsonBody, BadJsonOrId,
    ),
)]
pub async fn review(
    State(state): State<AppState>,
    auth: TherapistAuth,
    ip: ClientIp,
    Path(id): Path<GoalId>,
    StrictJson(req): StrictJson<ReviewInput>,
) -> ApiResult<(StatusCode, Json<GoalReview>)> {
    let (goal, child) = own_goal(&state, &auth, &ip, id).await?;
    goal.check_active().map_err(not_active)?;
    let today = child.time_zone.local_date(Utc::now());
    if req.date < goal.start_date || req.date > today {
        return Err(Failure::invalid(
            "date",
            format!("date: must be from the goal's start ({}) to today ({today})", goal.start_date),
        ));
    }
    let now = now_ms();
    let review = GoalReview {
        id: GoalReviewId::new_v7(),
        goal_id: goal.id,
        child_id: child.id,
        date: req.date,
        score: req.score,
        note: req.note,
        therapist_id: auth.therapist.id,
        created_at: millis_to_time(now),
    };
    state.store.insert_goal_review(auth.therapist.clinic_id, &review, now).await?;
    let detail = format!("goal {}; review {}", goal.id, review.id);
    audit::record(&state, Actor::Therapist(&auth), &ip, "create_goal_review", Some(child.id), detail).await?;
    Ok((StatusCode::CREATED, Json(review)))
}

/// A child's goal progress
///
/// For each goal: its reviews, and week by week the adherence of the program items linked to it, with the
/// trend that reads the two together.
#[utoipa::path(
    get, path = "/children/{id}/goals/progress", tag = "goals", operation_id = "goal_progress",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [])),
    responses(
        (status = 200, description = "Each goal's reviews beside its practice", body = GoalProgress),
        (status = 400, description = BAD_QUERY_OR_ID, body = ApiError),
        SessionRead, NoChild,
    ),
)]
pub async fn progress(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
    query: RawQuery,
) -> ApiResult<Json<GoalProgress>> {
    crate::api::adherence::query_params(query, &[])?;
    let clinic = auth.therapist.clinic_id;
    let store = &state.store;
    let today = child.time_zone.local_date(Utc::now());
    let earliest = today - TimeDelta::days(MAX_PROGRESS_DAYS - 1);
    let goals = store.goals_of_child(clinic, child.id).await?;
    let reviews = current_reviews(&store.reviews_of_child(clinic, child.id).await?).current;
    let check_ins = store.check_ins_of_child(clinic, child.id).await?;
    let check_ins = current_check_ins(&check_ins);
    let assignments = store.assignments_of_child(clinic, child.id).await?;
    let wanted: BTreeSet<_> = assignments
        .iter()
        .filter(|a| !a.goal_ids.is_empty())
        .filter_map(|a| match a.target {
            Target::Routine { routine_id } => Some(routine_id),
            Target::Exercise { .. } => None,
        })
        .collect();
    let routines: Vec<_> =
        store.routines_of_clinic(clinic).await?.into_iter().filter(|r| wanted.contains(&r.id)).collect();
    // One read of the logs covers every goal's span.
    let first = goals.iter().map(|g| g.start_date.max(earliest)).min().unwrap_or(today).min(today);
    let logs = store.logs_of_child(clinic, child.id, &first.to_string(), &today.to_string()).await?;

    let mut rows = Vec::with_capacity(goals.len());
    for goal in goals {
        let linked: Vec<Assignment> = assignments.iter().filter(|a| a.goal_ids.contains(&goal.id)).cloned().collect();
        let linked_ids: BTreeSet<AssignmentId> = linked.iter().map(|a| a.id).collect();
        let goal_reviews: Vec<GoalReview> = reviews.iter().filter(|r| r.goal_id == goal.id).cloned().collect();
        let start = goal.start_date.max(earliest).min(today);
        let (weeks, rate) = match DateRange::new(start, today) {
            Ok(range) if !linked.is_empty() => {
                let expected = expand(&linked, &routines, range);
                let own: Vec<_> = logs.iter().filter(|l| linked_ids.contains(&l.assignment_id)).cloned().collect();
                let report = adherence(&expected, &own, range, today);
                let weeks = report
                    .weeks
                    .iter()
                    .map(|(w, t)| PracticeWeek { week_start: *w, rate: t.rate(), logged_rate: t.logged_rate() })
                    .collect();
                (weeks, report.total.rate())
            }
            _ => (Vec::new(), None),
        };
        rows.push(GoalProgressRow {
            goal_id: goal.id,
            text: goal.text,
            discipline: goal.discipline,
            status: goal.status,
            start_date: goal.start_date,
            target_date: goal.target_date,
            trend: goal_trend(&goal_reviews, rate),
            reviews: goal_reviews.iter().map(|r| ReviewPoint { date: r.date, score: r.score }).collect(),
            check_ins: check_ins
                .iter()
                .filter(|c| c.goal_id == goal.id)
                .map(|c| CheckInPoint {
                    week: c.week,
                    face: c.face,
                    answered_by: c.answered_by.clone(),
                    note: c.note.clone(),
                })
                .collect(),
            weeks,
            adherence: rate,
            linked_assignment_ids: linked_ids.into_iter().collect(),
        });
    }
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "read_goal_progress",
        Some(child.id),
        format!("{} goals", rows.len()),
    )
    .await?;
    Ok(Json(GoalProgress { today, goals: rows }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_settled_goal_is_a_conflict_on_its_status() {
        let f = not_active(GoalChangeError::NotActive(GoalStatus::Met));
        assert_eq!(f.body.error, ErrorCode::Conflict);
        assert_eq!(f.body.field.as_deref(), Some("status"));
    }
}
