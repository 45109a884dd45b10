//! A device's push: everything its family recorded (logs, goal check-ins, messages and read marks), each item checked against the
//! family and the device's own identity, stored once whatever the retries, and acknowledged or refused one
//! by one. One loop serves every kind; what differs per kind is in [`Accept`] (see `recorded.rs`).

use super::*;
use crate::api::doc::*;
use crate::api::responses::DeviceCall;
use crate::audit::{self, Actor, ClientIp};
use crate::auth::DeviceAuth;
use crate::error::{ApiResult, Failure};
use crate::json::{StrictJson, parse};
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use homeplay_core::assignment::Assignment;
use homeplay_core::goal::GoalCheckIn;
use homeplay_core::hlc::{Hlc, HlcClock};
use homeplay_core::ids::ChildId;
use homeplay_core::log::CompletionLog;
use homeplay_core::message::{FamilyMessage, MessageRead};
use homeplay_core::recorded::{Accepted, Answers, Recorded, Refused};
use homeplay_core::sync::{ApiError, ErrorCode, PROTOCOL_VERSION, PushRequest, PushResponse, RejectReason};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};
use std::future::Future;

/// The push body, read item by item so that one bad item is refused on its own. Its JSON is a
/// [`PushRequest`], as documented: one array per kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushEnvelope {
    protocol: u32,
    logs: Vec<Box<RawValue>>,
    #[serde(default)]
    check_ins: Vec<Box<RawValue>>,
    #[serde(default)]
    messages: Vec<Box<RawValue>>,
    #[serde(default)]
    message_reads: Vec<Box<RawValue>>,
}

/// Why an item is refused: the reason, the field at fault and words for the family.
pub(super) struct Refusal {
    pub reason: RejectReason,
    pub field: Option<String>,
    pub message: String,
}

impl Refusal {
    pub fn new(reason: RejectReason, field: &str, message: impl Into<String>) -> Self {
        Self { reason, field: Some(field.to_owned()), message: message.into() }
    }

    fn of<Id>(self, index: usize, id: Id) -> Refused<Id> {
        Refused {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            id,
            reason: self.reason,
            field: self.field,
            message: self.message,
        }
    }
}

/// What one kind of recorded item needs from the server beyond the checks every kind shares.
pub(super) trait Accept: Recorded {
    /// What the kind's own check reads, loaded once per push that carries this kind.
    type Rules: Send + Sync;
    /// `children` are the family's, loaded once per push.
    fn rules(
        state: &AppState,
        auth: &DeviceAuth,
        family: &FamilyChildren,
    ) -> impl Future<Output = ApiResult<Self::Rules>> + Send;
    /// The kind's own check: after "valid" and "a child of the family", before "this device" and "the clock".
    fn check(&self, rules: &Self::Rules) -> Result<(), Refusal>;
    /// The day it is about, in the family's local dates, if it has one: a discharged child's items are taken
    /// up to the discharge day. Without one, the day its version was made (UTC) stands for it.
    fn day(&self) -> Option<NaiveDate> {
        None
    }
    /// Stores the items that passed, in one transaction; answers, for each, `None` when it is safe on the
    /// server (stored now or before, or superseded) or why it was refused after all.
    fn store(
        state: &AppState,
        auth: &DeviceAuth,
        items: &[Self],
        now: i64,
    ) -> impl Future<Output = ApiResult<Vec<Option<Refusal>>>> + Send;
}

/// The family's children, loaded once per push, with the discharge date of each discharged one. It reads as
/// the set of the children's ids where that is all a kind's rules need.
pub(super) struct FamilyChildren {
    ids: HashSet<ChildId>,
    discharged: HashMap<ChildId, NaiveDate>,
    /// The family's assignments, read with the children when the push carries logs (one round trip for
    /// both: a push's time is in its round trips, bench/README.md).
    pub assignments: Option<Vec<Assignment>>,
}

impl FamilyChildren {
    async fn load(state: &AppState, auth: &DeviceAuth, with_assignments: bool) -> ApiResult<Self> {
        let (children, assignments) = if with_assignments {
            let (children, assignments) = state.store.family_for_push(auth.family_id).await?;
            (children, Some(assignments))
        } else {
            (state.store.children_of_family(auth.family_id).await?, None)
        };
        Ok(Self {
            ids: children.iter().map(|c| c.id).collect(),
            discharged: children.iter().filter_map(|c| Some((c.id, c.discharged_on?))).collect(),
            assignments,
        })
    }
}

impl std::ops::Deref for FamilyChildren {
    type Target = HashSet<ChildId>;
    fn deref(&self) -> &HashSet<ChildId> {
        &self.ids
    }
}

/// The checks every kind shares, in order: valid, about a child of the device's family, not after the child's
/// discharge, the kind's own rules, made by the device pushing it (as its token says), and not stamped too far
/// ahead of the server.
fn check<T: Accept>(
    item: &T,
    auth: &DeviceAuth,
    children: &FamilyChildren,
    rules: &T::Rules,
    now: i64,
) -> Result<(), Refusal> {
    item.validate().map_err(|e| Refusal::new(RejectReason::Invalid, e.field(), e.to_string()))?;
    if !children.contains(&item.child_id()) {
        return Err(Refusal::new(RejectReason::UnknownChild, "child_id", "this child is not in the device's family"));
    }
    if let Some(ended) = children.discharged.get(&item.child_id()) {
        // What the family recorded before the program ended is the clinic's record: kept, whenever it arrives.
        let day = item.day().or_else(|| {
            let wall = i64::try_from(item.hlc().wall_ms).ok()?;
            chrono::DateTime::from_timestamp_millis(wall).map(|t| t.date_naive())
        });
        if day.is_none_or(|d| d > *ended) {
            return Err(Refusal::new(
                RejectReason::Discharged,
                "child_id",
                format!("the child's home program ended on {ended}; this is about a later day"),
            ));
        }
    }
    item.check(rules)?;
    if item.device_id() != auth.device_id {
        return Err(Refusal::new(
            RejectReason::Invalid,
            "device_id",
            "device_id: must be the id of the device pushing it",
        ));
    }
    if HlcClock::default().observe(item.hlc(), u64::try_from(now).unwrap_or(0)).is_err() {
        return Err(Refusal::new(
            RejectReason::ClockSkew,
            "hlc",
            "the clock stamp is more than a day ahead of the server",
        ));
    }
    Ok(())
}

fn too_many<T: Recorded>(raw: &[Box<RawValue>]) -> ApiResult<()> {
    if raw.len() > T::MAX_PER_PUSH {
        return Err(Failure::new(
            ErrorCode::PayloadTooLarge,
            format!("at most {} {}s per push; split the batch", T::MAX_PER_PUSH, T::NOUN),
        )
        .with_field(T::FIELD));
    }
    Ok(())
}

/// One kind's pushed items: parsed one by one, checked, the good ones stored and audited per child, and
/// every item answered in the response. Returns the newest wall clock among the stored ones.
async fn accept<T: Accept>(
    state: &AppState,
    auth: &DeviceAuth,
    ip: &ClientIp,
    children: &FamilyChildren,
    raw: &[Box<RawValue>],
    now: i64,
    response: &mut PushResponse,
) -> ApiResult<u64> {
    if raw.is_empty() {
        return Ok(0);
    }
    let rules = T::rules(state, auth, children).await?;
    let mut refused = Vec::new();
    let mut good: Vec<(usize, T)> = Vec::new();
    for (i, raw) in raw.iter().enumerate() {
        let item: T = match parse(raw.get().as_bytes()) {
            Ok(item) => item,
            Err(f) => {
                // Without a readable id the device cannot tell which item failed: refuse the whole request.
                #[derive(Deserialize)]
                struct IdOnly<Id> {
                    id: Id,
                }
                let field = T::FIELD;
                let only: IdOnly<T::Id> = serde_json::from_str(raw.get()).map_err(|_| {
                    Failure::invalid(
                        format!("{field}[{i}].id"),
                        format!("{field}[{i}]: every {} needs a readable id", T::NOUN),
                    )
                })?;
                let why = Refusal { reason: RejectReason::Invalid, field: f.body.field, message: f.body.message };
                refused.push(why.of(i, only.id));
                continue;
            }
        };
        match check(&item, auth, children, &rules, now) {
            Ok(()) => good.push((i, item)),
            Err(why) => refused.push(why.of(i, item.id())),
        }
    }
    let items: Vec<T> = good.iter().map(|(_, item)| item.clone()).collect();
    let writes = T::store(state, auth, &items, now).await?;
    let mut accepted = Vec::new();
    let mut per_child: HashMap<ChildId, usize> = HashMap::new();
    for ((i, item), write) in good.iter().zip(writes) {
        match write {
            None => {
                *per_child.entry(item.child_id()).or_default() += 1;
                accepted.push(Accepted { id: item.id(), hlc: item.hlc() });
            }
            Some(why) => refused.push(why.of(*i, item.id())),
        }
    }
    refused.sort_by_key(|r| r.index);
    crate::metrics::sync_items(T::FIELD, accepted.len(), refused.iter().map(|r| &r.reason));
    // What a family records is the child's data: audited per child, like every read and change of it.
    audit::record_per_child(
        state,
        Actor::Device(auth),
        ip,
        &format!("push_{}", T::FIELD),
        per_child.into_iter().map(|(child, n)| (child, format!("{n} {}s", T::NOUN))),
    )
    .await?;
    T::answer(response, Answers { accepted, refused });
    Ok(items.iter().map(|item| item.hlc().wall_ms).max().unwrap_or(0))
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
    too_many::<CompletionLog>(&envelope.logs)?;
    too_many::<GoalCheckIn>(&envelope.check_ins)?;
    too_many::<FamilyMessage>(&envelope.messages)?;
    too_many::<MessageRead>(&envelope.message_reads)?;
    let now = now_ms();
    let children = FamilyChildren::load(&state, &auth, !envelope.logs.is_empty()).await?;
    let mut response = PushResponse::empty(PROTOCOL_VERSION, Hlc::default());
    let mut max_wall =
        accept::<CompletionLog>(&state, &auth, &ip, &children, &envelope.logs, now, &mut response).await?;
    max_wall = max_wall
        .max(accept::<GoalCheckIn>(&state, &auth, &ip, &children, &envelope.check_ins, now, &mut response).await?);
    max_wall = max_wall
        .max(accept::<FamilyMessage>(&state, &auth, &ip, &children, &envelope.messages, now, &mut response).await?);
    max_wall = max_wall
        .max(accept::<MessageRead>(&state, &auth, &ip, &children, &envelope.message_reads, now, &mut response).await?);
    response.server_hlc = Hlc::new(u64::try_from(now).unwrap_or(0).max(max_wall), 0);
    crate::metrics::sync_pushed();
    response.epoch = Some(state.store.epoch());
    Ok(Json(response))
}
