//! A device's push: its logs and goal check-ins, each checked against the family's program and the device's
//! own identity, stored once whatever the retries, and acknowledged or rejected one by one.

use super::*;
use crate::api::doc::*;
use crate::api::responses::DeviceCall;
use crate::audit::{self, Actor, ClientIp};
use crate::auth::DeviceAuth;
use crate::error::{ApiResult, Failure};
use crate::json::{StrictJson, parse};
use crate::state::{AppState, now_ms};
use crate::store::LogWrite;
use axum::Json;
use axum::extract::State;
use homeplay_core::Validate;
use homeplay_core::assignment::Assignment;
use homeplay_core::goal::GoalCheckIn;
use homeplay_core::hlc::{Hlc, HlcClock};
use homeplay_core::ids::{AssignmentId, ChildId, DeviceId, ExerciseId, GoalCheckInId, GoalId, LogId};
use homeplay_core::log::CompletionLog;
use homeplay_core::schedule::exercises_of;
use homeplay_core::sync::{
    Ack, ApiError, CheckInAck, CheckInRejection, ErrorCode, PROTOCOL_VERSION, PushRequest, PushResponse, RejectReason,
    Rejection,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};

/// The push body, read item by item so that one bad log is rejected on its own. Its JSON is a
/// [`PushRequest`], as documented.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushEnvelope {
    protocol: u32,
    logs: Vec<Box<RawValue>>,
    #[serde(default)]
    check_ins: Vec<Box<RawValue>>,
}

fn reject(
    index: usize,
    id: LogId,
    reason: RejectReason,
    field: Option<String>,
    message: impl Into<String>,
) -> Rejection {
    Rejection { index: index as u32, id, reason, field, message: message.into() }
}

/// What a family may log against: its children, and each assignment's child and exercises.
struct FamilyProgram {
    children: HashSet<ChildId>,
    assignments: HashMap<AssignmentId, (ChildId, HashSet<ExerciseId>)>,
}

async fn family_program(state: &AppState, auth: &DeviceAuth) -> ApiResult<FamilyProgram> {
    let children = state.store.children_of_family(auth.family_id).await?.into_iter().map(|c| c.id).collect();
    let assignments: Vec<Assignment> = state.store.assignments_of_family(auth.family_id).await?;
    let mut routines = Vec::new();
    for a in &assignments {
        if let homeplay_core::assignment::Target::Routine { routine_id } = a.target
            && let Some(r) = state.store.routine(auth.clinic_id, routine_id).await?
        {
            routines.push(r);
        }
    }
    let assignments =
        assignments.iter().map(|a| (a.id, (a.child_id, exercises_of(a, &routines).into_iter().collect()))).collect();
    Ok(FamilyProgram { children, assignments })
}

/// A version of a family's record says which device made it: only the device pushing it, as its token says.
fn check_device(device_id: DeviceId, auth: &DeviceAuth) -> Result<(), (RejectReason, Option<String>, String)> {
    if device_id == auth.device_id {
        Ok(())
    } else {
        Err((
            RejectReason::Invalid,
            Some("device_id".into()),
            "device_id: must be the id of the device pushing it".into(),
        ))
    }
}

fn check_log(
    log: &CompletionLog,
    auth: &DeviceAuth,
    program: &FamilyProgram,
    now: i64,
) -> Result<(), (RejectReason, Option<String>, String)> {
    log.validate().map_err(|e| (RejectReason::Invalid, Some(e.field().to_owned()), e.to_string()))?;
    if !program.children.contains(&log.child_id) {
        return Err((
            RejectReason::UnknownChild,
            Some("child_id".into()),
            "this child is not in the device's family".into(),
        ));
    }
    let Some((child, exercises)) = program.assignments.get(&log.assignment_id) else {
        return Err((
            RejectReason::UnknownAssignment,
            Some("assignment_id".into()),
            "this assignment is not part of the child's program".into(),
        ));
    };
    if *child != log.child_id {
        return Err((
            RejectReason::UnknownAssignment,
            Some("assignment_id".into()),
            "this assignment belongs to another child".into(),
        ));
    }
    if !exercises.contains(&log.exercise_id) {
        return Err((
            RejectReason::UnknownExercise,
            Some("exercise_id".into()),
            "this exercise is not part of the assignment".into(),
        ));
    }
    check_device(log.device_id, auth)?;
    let now_ms = u64::try_from(now).unwrap_or(0);
    if HlcClock::default().observe(log.hlc, now_ms).is_err() {
        return Err((
            RejectReason::ClockSkew,
            Some("hlc".into()),
            "the clock stamp is more than a day ahead of the server".into(),
        ));
    }
    Ok(())
}

/// Checks one pushed check-in: valid, about a child of the device's family and one of that child's goals
/// (`goals`), and not stamped too far ahead. A goal settled since the family answered still takes the answer.
fn check_check_in(
    c: &GoalCheckIn,
    auth: &DeviceAuth,
    program: &FamilyProgram,
    goals: &HashMap<ChildId, HashSet<GoalId>>,
    now: i64,
) -> Result<(), (RejectReason, Option<String>, String)> {
    c.validate().map_err(|e| (RejectReason::Invalid, Some(e.field().to_owned()), e.to_string()))?;
    if !program.children.contains(&c.child_id) {
        return Err((
            RejectReason::UnknownChild,
            Some("child_id".into()),
            "this child is not in the device's family".into(),
        ));
    }
    if !goals.get(&c.child_id).is_some_and(|g| g.contains(&c.goal_id)) {
        return Err((RejectReason::UnknownGoal, Some("goal_id".into()), "this goal is not the child's".into()));
    }
    check_device(c.device_id, auth)?;
    if HlcClock::default().observe(c.hlc, u64::try_from(now).unwrap_or(0)).is_err() {
        return Err((
            RejectReason::ClockSkew,
            Some("hlc".into()),
            "the clock stamp is more than a day ahead of the server".into(),
        ));
    }
    Ok(())
}

/// Stores the pushed check-ins that pass [`check_check_in`]; answers the acks and rejections.
async fn push_check_ins(
    state: &AppState,
    auth: &DeviceAuth,
    ip: &ClientIp,
    program: &FamilyProgram,
    raw: &[Box<RawValue>],
    now: i64,
) -> ApiResult<(Vec<CheckInAck>, Vec<CheckInRejection>, u64)> {
    if raw.is_empty() {
        return Ok((Vec::new(), Vec::new(), 0));
    }
    let mut goals: HashMap<ChildId, HashSet<GoalId>> = HashMap::new();
    for child in &program.children {
        let of_child = state.store.goals_of_child(auth.clinic_id, *child).await?;
        goals.insert(*child, of_child.iter().map(|g| g.id).collect());
    }
    let mut rejected = Vec::new();
    let mut good: Vec<GoalCheckIn> = Vec::new();
    for (i, raw) in raw.iter().enumerate() {
        let reject = |id, reason, field, message| CheckInRejection { index: i as u32, id, reason, field, message };
        let c: GoalCheckIn = match parse(raw.get().as_bytes()) {
            Ok(c) => c,
            Err(f) => {
                #[derive(Deserialize)]
                struct IdOnly {
                    id: GoalCheckInId,
                }
                let id = serde_json::from_str::<IdOnly>(raw.get()).map_err(|_| {
                    Failure::invalid(
                        format!("check_ins[{i}].id"),
                        format!("check_ins[{i}]: every check-in needs a readable id"),
                    )
                })?;
                rejected.push(reject(id.id, RejectReason::Invalid, f.body.field, f.body.message));
                continue;
            }
        };
        match check_check_in(&c, auth, program, &goals, now) {
            Ok(()) => good.push(c),
            Err((reason, field, message)) => rejected.push(reject(c.id, reason, field, message)),
        }
    }
    state.store.put_check_ins(auth.clinic_id, &good, now).await?;
    // A family's answer about a goal is the child's data, audited like its logs.
    let mut per_child: HashMap<ChildId, usize> = HashMap::new();
    for c in &good {
        *per_child.entry(c.child_id).or_default() += 1;
    }
    audit::record_per_child(
        state,
        Actor::Device(auth),
        ip,
        "push_check_ins",
        per_child.into_iter().map(|(child, n)| (child, format!("{n} check-ins"))),
    )
    .await?;
    let max_wall = good.iter().map(|c| c.hlc.wall_ms).max().unwrap_or(0);
    Ok((good.iter().map(|c| CheckInAck { id: c.id, hlc: c.hlc }).collect(), rejected, max_wall))
}

/// Push completion logs
///
/// Sends new logs and new versions of logs. Every log is either accepted (stored, or already superseded) or
/// rejected on its own with a reason; the answer comes only after everything accepted is committed.
#[utoipa::path(
    post, path = "/sync/push", tag = "sync", operation_id = "push_logs",
    security(("device" = [])),
    request_body = PushRequest,
    responses(
        (status = 200, description = "Each pushed log is in `accepted` or in `rejected`", body = PushResponse),
        (status = 400, description = "The body is not JSON of the expected shape (`bad_request`), or the app \
            speaks a protocol version this server does not (`protocol_unsupported`, with `supported`)",
            body = ApiError),
        (status = 413, description = "The body is too large, or holds more than 500 logs", body = ApiError),
        (status = 415, description = NOT_JSON, body = ApiError),
        (status = 422, description = "A log has no readable id (`field`: `logs[i].id`); other problems with a \
            log reject only that log", body = ApiError),
        DeviceCall,
    ),
)]
pub async fn push(
    State(state): State<AppState>,
    auth: DeviceAuth,
    ip: ClientIp,
    StrictJson(envelope): StrictJson<PushEnvelope>,
) -> ApiResult<Json<PushResponse>> {
    check_protocol(envelope.protocol)?;
    if envelope.logs.len() > PushRequest::MAX_LOGS {
        return Err(Failure::new(
            ErrorCode::PayloadTooLarge,
            format!("at most {} logs per push; split the batch", PushRequest::MAX_LOGS),
        )
        .with_field("logs"));
    }
    if envelope.check_ins.len() > PushRequest::MAX_CHECK_INS {
        return Err(Failure::new(
            ErrorCode::PayloadTooLarge,
            format!("at most {} check-ins per push; split the batch", PushRequest::MAX_CHECK_INS),
        )
        .with_field("check_ins"));
    }
    let now = now_ms();
    let program = family_program(&state, &auth).await?;
    let mut rejected = Vec::new();
    let mut good: Vec<(usize, CompletionLog)> = Vec::new();
    for (i, raw) in envelope.logs.iter().enumerate() {
        let log: CompletionLog = match parse(raw.get().as_bytes()) {
            Ok(l) => l,
            Err(f) => {
                // Without a readable id the device cannot tell which log failed: reject the whole request.
                #[derive(Deserialize)]
                struct IdOnly {
                    id: LogId,
                }
                let id = serde_json::from_str::<IdOnly>(raw.get()).map_err(|_| {
                    Failure::invalid(format!("logs[{i}].id"), format!("logs[{i}]: every log needs a readable id"))
                })?;
                rejected.push(reject(i, id.id, RejectReason::Invalid, f.body.field, f.body.message));
                continue;
            }
        };
        match check_log(&log, &auth, &program, now) {
            Ok(()) => good.push((i, log)),
            Err((reason, field, message)) => rejected.push(reject(i, log.id, reason, field, message)),
        }
    }
    let logs: Vec<CompletionLog> = good.iter().map(|(_, l)| l.clone()).collect();
    let writes = state.store.push_logs(auth.family_id, auth.clinic_id, &logs, now).await?;
    let mut accepted = Vec::new();
    let mut children: HashMap<ChildId, usize> = HashMap::new();
    for ((i, log), write) in good.iter().zip(writes) {
        match write {
            LogWrite::Stored | LogWrite::AlreadyCurrent => {
                *children.entry(log.child_id).or_default() += 1;
                accepted.push(Ack { id: log.id, hlc: log.hlc });
            }
            LogWrite::ImmutableFieldChanged(field) => rejected.push(reject(
                *i,
                log.id,
                RejectReason::ImmutableField,
                Some(field.to_owned()),
                format!("{field} cannot change once a log is recorded; record a new log instead"),
            )),
        }
    }
    rejected.sort_by_key(|r| r.index);
    audit::record_per_child(
        &state,
        Actor::Device(&auth),
        &ip,
        "push_logs",
        children.into_iter().map(|(child, n)| (child, format!("{n} logs"))),
    )
    .await?;
    let (check_ins_accepted, check_ins_rejected, check_in_wall) =
        push_check_ins(&state, &auth, &ip, &program, &envelope.check_ins, now).await?;
    let max_wall = logs.iter().map(|l| l.hlc.wall_ms).max().unwrap_or(0).max(check_in_wall);
    let server_hlc = Hlc::new(u64::try_from(now).unwrap_or(0).max(max_wall), 0);
    Ok(Json(PushResponse {
        protocol: PROTOCOL_VERSION,
        accepted,
        rejected,
        check_ins_accepted,
        check_ins_rejected,
        server_hlc,
    }))
}
