//! The device sync API (shared/PROTOCOL.md): info, pair, push, pull and media.

use crate::api::doc::*;
use crate::api::responses::{BadId, DeviceCall, JsonBody, OutOfBounds, ServerFailed};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::device::admit;
use crate::auth::tokens::{random_bytes, sha256_hex};
use crate::auth::{Caller, DeviceAuth};
use crate::error::{ApiResult, Failure};
use crate::json::IdPath as Path;
use crate::json::{StrictJson, parse, parse_object};
use crate::state::{AppState, now_ms};
use crate::store::{LogWrite, Redeemed};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use homeplay_core::Validate;
use homeplay_core::assignment::Assignment;
use homeplay_core::goal::GoalCheckIn;
use homeplay_core::hlc::{Hlc, HlcClock};
use homeplay_core::ids::{AssignmentId, ChildId, DeviceId, ExerciseId, GoalCheckInId, GoalId, LogId};
use homeplay_core::log::CompletionLog;
use homeplay_core::media::{MediaRef, MediaSource};
use homeplay_core::pairing::DeviceToken;
use homeplay_core::schedule::exercises_of;
use homeplay_core::sync::{
    Ack, ApiError, CheckInAck, CheckInRejection, Cursor, ErrorCode, PROTOCOL_VERSION, PairRequest, PairResponse,
    ProtocolRange, PullRequest, PullResponse, PushRequest, PushResponse, RejectReason, Rejection, ServerInfo,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};

pub fn check_protocol(version: u32) -> ApiResult<()> {
    if ProtocolRange::CURRENT.accepts(version) { Ok(()) } else { Err(Failure::protocol_unsupported(version)) }
}

/// The server's name, version, protocol range and clock
///
/// Who this server is and which protocol versions it speaks; needs no credentials.
#[utoipa::path(
    get, path = "/sync/info", tag = "sync", operation_id = "server_info",
    security(()),
    responses((status = 200, description = "About this server", body = ServerInfo)),
)]
pub async fn info() -> Json<ServerInfo> {
    Json(ServerInfo {
        service: "homeplay".into(),
        server_version: env!("CARGO_PKG_VERSION").into(),
        protocol_min: ProtocolRange::CURRENT.min,
        protocol_max: ProtocolRange::CURRENT.max,
        server_time_ms: u64::try_from(now_ms()).unwrap_or(0),
    })
}

/// Pair a device with a family
///
/// Trades a single-use pairing code (from a therapist) for the device's bearer token, shown only this once.
/// Attempts are rate-limited per address, whether the code parses or not.
#[utoipa::path(
    post, path = "/sync/pair", tag = "sync", operation_id = "pair_device",
    security(()),
    request_body = PairRequest,
    responses(
        (status = 200, description = "Paired: keep the token, it is not shown again", body = PairResponse),
        (status = 400, description = "The body is not JSON of the expected shape (`bad_request`), or the app \
            speaks a protocol version this server does not (`protocol_unsupported`, with `supported`)",
            body = ApiError),
        (status = 404, description = "No such pairing code (`field`: `code`)", body = ApiError),
        (status = 410, description = "The pairing code has expired or was already used (`field`: `code`)",
            body = ApiError),
        (status = 429, description = RATE_LIMITED, body = ApiError,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        ServerFailed, OutOfBounds,
    ),
)]
pub async fn pair(
    State(state): State<AppState>,
    ip: ClientIp,
    body: axum::body::Bytes,
) -> ApiResult<Json<PairResponse>> {
    // Limit before parsing, so that guessing codes costs the same whether they parse or not.
    let key = crate::auth::rate::key("pair:ip", ip.0.as_deref().unwrap_or("unknown"));
    crate::auth::rate::attempt(&state, &key, state.limits.pair_per_ip).await?;
    let req: PairRequest = parse_object(&body)?;
    check_protocol(req.protocol)?;
    let token = DeviceToken::from_random_bytes(random_bytes::<32>());
    let device_id = DeviceId::new_v7();
    let outcome = state
        .store
        .redeem_pairing_code(
            &sha256_hex(req.code.as_str()),
            device_id,
            req.device_label.as_str(),
            &sha256_hex(token.expose()),
            now_ms(),
        )
        .await?;
    let (family_id, clinic_id) = match outcome {
        Redeemed::Paired { family_id, clinic_id } => (family_id, clinic_id),
        Redeemed::Unknown => return Err(Failure::not_found("pairing code").with_field("code")),
        Redeemed::Expired => {
            return Err(
                Failure::new(ErrorCode::Gone, "this pairing code has expired; ask for a new one").with_field("code")
            );
        }
        Redeemed::AlreadyUsed => {
            return Err(Failure::new(ErrorCode::Gone, "this pairing code was already used; ask for a new one")
                .with_field("code"));
        }
    };
    let clinic = state.store.clinic(clinic_id).await?.ok_or(Failure::not_found("clinic"))?;
    let auth = DeviceAuth { device_id, family_id, clinic_id };
    let children = state.store.children_of_family(family_id).await?;
    audit::record_per_child(
        &state,
        Actor::Device(&auth),
        &ip,
        "pair_device",
        children.into_iter().map(|c| (c.id, format!("family {family_id}"))),
    )
    .await?;
    Ok(Json(PairResponse {
        protocol: PROTOCOL_VERSION,
        device_id,
        family_id,
        clinic_id,
        clinic_name: clinic.name,
        token,
    }))
}

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

/// Cursors are `v1.` and the feed sequence number in hex. Clients must treat them as opaque.
fn cursor_seq(cursor: Option<&Cursor>) -> ApiResult<i64> {
    let Some(c) = cursor else { return Ok(0) };
    c.as_str()
        .strip_prefix("v1.")
        .and_then(|hex| i64::from_str_radix(hex, 16).ok())
        .filter(|seq| *seq >= 0)
        .ok_or_else(|| Failure::invalid("cursor", "cursor: not a cursor this server issued"))
}

fn cursor_of(seq: i64) -> ApiResult<Cursor> {
    Cursor::new(format!("v1.{seq:016x}")).map_err(Failure::from)
}

/// A page of changes, with the changes as the feed stored them. Its JSON is a [`PullResponse`], as
/// documented.
#[derive(Debug, Serialize)]
pub struct PullReply {
    protocol: u32,
    changes: Vec<Box<RawValue>>,
    cursor: Cursor,
    more: bool,
    server_hlc: Hlc,
}

/// Pull changes
///
/// Everything that changed for the device's family since `cursor`, a page at a time: store the changes and
/// the cursor together, and pull again while `more` is true.
#[utoipa::path(
    post, path = "/sync/pull", tag = "sync", operation_id = "pull_changes",
    security(("device" = [])),
    request_body = PullRequest,
    responses(
        (status = 200, description = "A page of changes", body = PullResponse),
        (status = 400, description = "The body is not JSON of the expected shape (`bad_request`), or the app \
            speaks a protocol version this server does not (`protocol_unsupported`, with `supported`)",
            body = ApiError),
        (status = 422, description = "Not a cursor this server issued (`field`: `cursor`), or another value is \
            out of bounds", body = ApiError),
        DeviceCall, JsonBody,
    ),
)]
pub async fn pull(
    State(state): State<AppState>,
    bearer: DeviceBearer,
    ip: ClientIp,
    body: Result<StrictJson<PullRequest>, Failure>,
) -> ApiResult<Response> {
    let asked = body.and_then(|StrictJson(req)| {
        check_protocol(req.protocol)?;
        let after = cursor_seq(req.cursor.as_ref())?;
        Ok((after, req.limit.unwrap_or(PullRequest::MAX_LIMIT).clamp(1, PullRequest::MAX_LIMIT)))
    });
    let (after, limit) = match asked {
        Ok(asked) => asked,
        Err(failure) => {
            // As for every device call, who is asking is settled before what was asked: a stranger gets 401.
            bearer.authenticate(&state).await?;
            return Err(failure);
        }
    };
    // The pull every device makes every few minutes: the token and the feed in one round trip (profiled:
    // a pull was bound by round trips to the database, and the token lookup was one of two).
    let (record, mut items) =
        state.store.pull_by_token(&bearer.hash, after, limit + 1).await?.ok_or_else(Failure::unauthorized)?;
    let auth = admit(&state, &record).await?;
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let last = items.last().map_or(after, |i| i.seq);
    let changes = items
        .into_iter()
        .map(|i| RawValue::from_string(i.change_json))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::from(crate::store::StoreError::Corrupt(e)))?;
    // A page that carries changes hands the family's record to the device: audited once per child of the
    // family (a device sees every child of it), in one write. An empty pull, the poll a device makes every few
    // minutes, reads nothing of a child and writes nothing (its last contact is on the device record).
    if !changes.is_empty() {
        let action = if after == 0 { "pull_all" } else { "pull_changes" };
        let detail = format!("{} changes", changes.len());
        let children = state.store.children_of_family(auth.family_id).await?;
        audit::record_per_child(
            &state,
            Actor::Device(&auth),
            &ip,
            action,
            children.into_iter().map(|c| (c.id, detail.clone())),
        )
        .await?;
    }
    let reply = PullReply {
        protocol: PROTOCOL_VERSION,
        changes,
        cursor: cursor_of(last)?,
        more,
        server_hlc: Hlc::new(u64::try_from(now_ms()).unwrap_or(0), 0),
    };
    Ok(Json(reply).into_response())
}

/// A device's bearer token, hashed as the store keeps it, before it is checked against the store: the pull
/// checks it in the same query that reads the feed. Refused (401) at once if it is missing or malformed.
pub struct DeviceBearer {
    hash: String,
}

impl std::fmt::Debug for DeviceBearer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The hash finds the device in the database: as good as the token there, so never printed.
        f.write_str("DeviceBearer(…)")
    }
}

impl FromRequestParts<AppState> for DeviceBearer {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        let value =
            parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).ok_or_else(Failure::unauthorized)?;
        let token = value.strip_prefix("Bearer ").ok_or_else(Failure::unauthorized)?;
        let token = DeviceToken::parse(token.trim()).map_err(|_| Failure::unauthorized())?;
        Ok(Self { hash: sha256_hex(token.expose()) })
    }
}

impl DeviceBearer {
    /// The device, checked on its own, as [`DeviceAuth`] checks it.
    async fn authenticate(&self, state: &AppState) -> ApiResult<DeviceAuth> {
        let record = state.store.device_by_token(&self.hash).await?.ok_or_else(Failure::unauthorized)?;
        admit(state, &record).await
    }
}

/// Fetch a picture, voice prompt or video
///
/// An uploaded file, for a device whose family's program uses it, or for any therapist of the clinic that
/// uploaded it. Built-in pictures are served too (the dashboard shows them). Immutable: the name is the hash.
#[utoipa::path(
    get, path = "/media/{media}", tag = "media", operation_id = "get_media",
    params(("media" = MediaRef, Path, description = "`builtin:<name>` or `sha256:<hex>`, as the program names it")),
    security(("device" = []), ("session" = [])),
    responses(
        (status = 200, description = "The file, with its content type; cacheable for a year by the caller alone",
            content(("image/*"), ("audio/*"), ("video/*")),
            headers(("Cache-Control" = String, description = "`private, max-age=31536000, immutable`"))),
        (status = 401, description = "Neither a valid device token nor a session", body = ApiError),
        (status = 404, description = "No such file, or not one the caller may see", body = ApiError),
        (status = 422, description = "Not a media reference (`field`: `media`)", body = ApiError),
        ServerFailed, BadId,
    ),
)]
pub async fn media(State(state): State<AppState>, caller: Caller, Path(media): Path<String>) -> ApiResult<Response> {
    let media = MediaRef::new(&media).map_err(|e| Failure::validation("media", e))?;
    let sha256_hex = match media.source() {
        MediaSource::Builtin(_) => {
            let bytes = homeplay_core::library::builtin_picture(&media).ok_or(Failure::not_found("media"))?;
            return Ok(media_response("image/svg+xml".into(), bytes.to_vec()));
        }
        MediaSource::Upload { sha256_hex } => sha256_hex,
    };
    let clinic = match &caller {
        Caller::Device(d) => {
            if !state.store.family_has_media(d.family_id, media.as_str()).await? {
                return Err(Failure::not_found("media"));
            }
            d.clinic_id
        }
        Caller::Therapist(t) => t.therapist.clinic_id,
    };
    let record = state.store.media(clinic, sha256_hex).await?.ok_or(Failure::not_found("media"))?;
    Ok(media_response(record.content_type, record.data))
}

/// Media bytes with the headers every media response carries: immutable caching by the caller's own browser or
/// app only (the name is the hash; a shared cache must not keep what took credentials to fetch), and no
/// content sniffing.
pub fn media_response(content_type: String, data: Vec<u8>) -> Response {
    let mut response = data.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=31536000, immutable"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}
