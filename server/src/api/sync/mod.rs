//! The device sync API (shared/PROTOCOL.md): info, pair, push, pull and media.

mod language;
mod push;
mod recorded;

pub use push::*;

use crate::api::doc::*;
use crate::api::responses::{BadId, DeviceCall, JsonBody, OutOfBounds, ServerFailed};
use crate::audit::{self, Actor, ClientIp};
use crate::auth::device::admit;
use crate::auth::tokens::{random_bytes, sha256_hex};
use crate::auth::{Caller, DeviceAuth};
use crate::error::{ApiResult, Failure};
use crate::json::IdPath as Path;
use crate::json::{StrictJson, parse_object};
use crate::state::{AppState, now_ms};
use crate::store::Redeemed;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use homeplay_core::clinic::FamilyClinicSettings;
use homeplay_core::family::Child;
use homeplay_core::hlc::Hlc;
use homeplay_core::ids::{DeviceId, ServerEpoch};
use homeplay_core::media::{MediaRef, MediaSource};
use homeplay_core::pairing::DeviceToken;
use homeplay_core::sync::{
    ApiError, Cursor, ErrorCode, PROTOCOL_VERSION, PairRequest, PairResponse, ProtocolRange, PullRequest, PullResponse,
    ServerInfo,
};
use serde::Serialize;
use serde_json::value::RawValue;

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
        epoch: Some(state.store.epoch()),
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
    clinic: FamilyClinicSettings,
    epoch: ServerEpoch,
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
        Ok((after, req.limit.unwrap_or(PullRequest::MAX_LIMIT).clamp(1, PullRequest::MAX_LIMIT), req.language))
    });
    let (after, limit, language) = match asked {
        Ok(asked) => asked,
        Err(failure) => {
            // As for every device call, who is asking is settled before what was asked: a stranger gets 401.
            bearer.authenticate(&state).await?;
            return Err(failure);
        }
    };
    // The token, the feed and the family's children in one round trip: the pull is bound by round trips
    // (bench/README.md).
    let read = state.store.pull_by_token(&bearer.hash, after, limit + 1).await?.ok_or_else(Failure::unauthorized)?;
    let auth = admit(&state, &read.device).await?;
    // Written only when the family chose another language: a poll writes nothing.
    if let Some(l) = language.filter(|l| read.device.device.language != Some(*l)) {
        state.store.set_device_language(auth.device_id, l).await?;
    }
    let language = language.unwrap_or_default();
    let (clinic, mut items, children) = (read.clinic, read.items, read.children);
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let last = items.last().map_or(after, |i| i.seq);
    let changes = items
        .into_iter()
        .map(|i| RawValue::from_string(language::in_language(i.change_json, language)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::from(crate::store::StoreError::Corrupt(e)))?;
    // A page that carries changes hands the family's record to the device: audited once per child of the
    // family (a device sees every child of it), in one write. An empty pull, the poll a device makes every few
    // minutes, reads nothing of a child and writes nothing (its last contact is on the device record).
    if !changes.is_empty() {
        let action = if after == 0 { "pull_all" } else { "pull_changes" };
        let detail = format!("{} changes", changes.len());
        // The last page of a family whose every child is discharged carries the notice (each discharge is a
        // change in the feed): this device has been told, so it is disconnected now, and its next call is
        // answered `device_revoked`. What it recorded before is safe: pushes come before pulls.
        let ended = !more && !children.is_empty() && children.iter().all(Child::is_discharged);
        audit::record_per_child(
            &state,
            Actor::Device(&auth),
            &ip,
            action,
            children.iter().map(|c| (c.id, detail.clone())),
        )
        .await?;
        if ended && state.store.close_device(auth.clinic_id, auth.device_id, now_ms()).await? {
            let closed = children.iter().map(|c| (c.id, format!("device {}", auth.device_id)));
            audit::record_per_child(&state, Actor::Device(&auth), &ip, "device_closed_at_discharge", closed).await?;
        }
    }
    crate::metrics::sync_pulled();
    let reply = PullReply {
        protocol: PROTOCOL_VERSION,
        changes,
        cursor: cursor_of(last)?,
        more,
        server_hlc: Hlc::new(u64::try_from(now_ms()).unwrap_or(0), 0),
        clinic,
        epoch: state.store.epoch(),
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
