//! The sync protocol between a family's device and the clinic server, version 1. `shared/PROTOCOL.md`
//! documents it for client authors; its JSON examples are checked against these types by a test.

use crate::assignment::Assignment;
use crate::clinic::FamilyClinicSettings;
use crate::error::{Problem, ValidationError};
use crate::exercise::Exercise;
use crate::family::{Caregiver, Child, Family};
use crate::feedback::Feedback;
use crate::goal::{FamilyGoal, GoalCheckIn};
use crate::hlc::Hlc;
use crate::ids::{ClinicId, DeviceId, FamilyId, GoalCheckInId, LogId, MessageId, MessageReadId, ServerEpoch};
use crate::language::Language;
use crate::log::CompletionLog;
use crate::media::MediaRef;
use crate::message::{FamilyMessage, Message, MessageRead, ThreadRead};
use crate::pairing::{DeviceToken, PairingCode};
use crate::routine::Routine;
use crate::text::Name;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;
/// The oldest protocol version this build still accepts.
pub const MIN_PROTOCOL_VERSION: u32 = 1;

/// What a server says about itself before any pairing: `GET /api/v1/sync/info`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerInfo {
    pub service: String,
    pub server_version: String,
    pub protocol_min: u32,
    pub protocol_max: u32,
    pub server_time_ms: u64,
}

/// `POST /api/v1/sync/pair`: trade a pairing code for a device token.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairRequest {
    /// The protocol version: exactly one this server accepts (`protocol_min` to `protocol_max` of `GET /api/v1/sync/info`).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))]
    pub protocol: u32,
    pub code: PairingCode,
    /// What the family calls this device: "Kitchen laptop".
    pub device_label: Name,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairResponse {
    /// The protocol version: exactly one this server accepts (`protocol_min` to `protocol_max` of `GET /api/v1/sync/info`).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))]
    pub protocol: u32,
    pub device_id: DeviceId,
    pub family_id: FamilyId,
    pub clinic_id: ClinicId,
    pub clinic_name: Name,
    /// Shown once; the server stores only its hash.
    pub token: DeviceToken,
    /// The server database's epoch (see [`ServerEpoch`]): a device remembers the last one it saw, and when a
    /// sync answer carries another, the server was restored from a backup: start pulling from the beginning
    /// and push again everything this device recorded (shared/PROTOCOL.md, "Server epoch"). Absent from
    /// servers older than epochs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<ServerEpoch>,
}

/// `POST /api/v1/sync/push`: new logs and new versions of logs, at most [`PushRequest::MAX_LOGS`] at a time.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    /// The protocol version: exactly one this server accepts (`protocol_min` to `protocol_max` of `GET /api/v1/sync/info`).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))]
    pub protocol: u32,
    /// At most 500 per push (`PushRequest::MAX_LOGS`).
    #[cfg_attr(feature = "openapi", schema(max_items = 500))]
    pub logs: Vec<CompletionLog>,
    /// The family's weekly answers about goals, new or changed, at most [`PushRequest::MAX_CHECK_INS`].
    /// Absent from older clients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub check_ins: Vec<GoalCheckIn>,
    /// Messages caregivers wrote to the clinic, at most [`PushRequest::MAX_MESSAGES`]. Absent from older
    /// clients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub messages: Vec<FamilyMessage>,
    /// How far caregivers have read their children's threads, at most [`PushRequest::MAX_MESSAGE_READS`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub message_reads: Vec<MessageRead>,
}

impl PushRequest {
    pub const MAX_LOGS: usize = 500;
    pub const MAX_CHECK_INS: usize = 100;
    pub const MAX_MESSAGES: usize = 100;
    pub const MAX_MESSAGE_READS: usize = 100;

    /// A request with nothing in it yet.
    pub fn empty(protocol: u32) -> Self {
        Self { protocol, logs: Vec::new(), check_ins: Vec::new(), messages: Vec::new(), message_reads: Vec::new() }
    }
}

/// The server's answer, sent only after everything accepted is committed. Every pushed log appears in
/// exactly one of `accepted` or `rejected`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushResponse {
    /// The protocol version: exactly one this server accepts (`protocol_min` to `protocol_max` of `GET /api/v1/sync/info`).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))]
    pub protocol: u32,
    pub accepted: Vec<Ack>,
    pub rejected: Vec<Rejection>,
    /// Like `accepted` and `rejected`, for the pushed `check_ins`; absent when none were pushed, so older
    /// clients never see them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub check_ins_accepted: Vec<CheckInAck>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub check_ins_rejected: Vec<CheckInRejection>,
    /// Like `accepted` and `rejected`, for the pushed `messages`; absent when none were pushed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages_accepted: Vec<MessageAck>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages_rejected: Vec<MessageRejection>,
    /// Like `accepted` and `rejected`, for the pushed `message_reads`; absent when none were pushed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub message_reads_accepted: Vec<MessageReadAck>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub message_reads_rejected: Vec<MessageReadRejection>,
    /// The server's clock after the push; devices observe it to keep their clocks ordered after the server's.
    pub server_hlc: Hlc,
    /// The server database's epoch (see [`ServerEpoch`]): a device remembers the last one it saw, and when a
    /// sync answer carries another, the server was restored from a backup: start pulling from the beginning
    /// and push again everything this device recorded (shared/PROTOCOL.md, "Server epoch"). Absent from
    /// servers older than epochs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<ServerEpoch>,
}

/// This version of the log is safe on the server (stored now, stored before, or superseded by a newer
/// version that the device will receive on its next pull). The device may drop it from its outbox.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ack {
    pub id: LogId,
    pub hlc: Hlc,
}

/// This version of the check-in is safe on the server (stored now, before, or superseded by a newer one).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInAck {
    pub id: GoalCheckInId,
    pub hlc: Hlc,
}

/// A pushed check-in the server will not store; retrying it cannot succeed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInRejection {
    /// Position in the pushed `check_ins` array.
    pub index: u32,
    pub id: GoalCheckInId,
    pub reason: RejectReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

impl PushResponse {
    /// An answer about nothing yet.
    pub fn empty(protocol: u32, server_hlc: Hlc) -> Self {
        Self {
            protocol,
            accepted: Vec::new(),
            rejected: Vec::new(),
            check_ins_accepted: Vec::new(),
            check_ins_rejected: Vec::new(),
            messages_accepted: Vec::new(),
            messages_rejected: Vec::new(),
            message_reads_accepted: Vec::new(),
            message_reads_rejected: Vec::new(),
            server_hlc,
            epoch: None,
        }
    }
}

/// This message is safe on the server (stored now or before).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageAck {
    pub id: MessageId,
    pub hlc: Hlc,
}

/// A pushed message the server will not store; retrying it cannot succeed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageRejection {
    /// Position in the pushed `messages` array.
    pub index: u32,
    pub id: MessageId,
    pub reason: RejectReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

/// This read mark is safe on the server (stored, or a further mark already was).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageReadAck {
    pub id: MessageReadId,
    pub hlc: Hlc,
}

/// A pushed read mark the server will not store; retrying it cannot succeed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageReadRejection {
    /// Position in the pushed `message_reads` array.
    pub index: u32,
    pub id: MessageReadId,
    pub reason: RejectReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

/// One pushed item the server will not store. Retrying the same item cannot succeed: keep it and show it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    /// Position in the pushed `logs` array.
    pub index: u32,
    pub id: LogId,
    pub reason: RejectReason,
    /// The field at fault, when there is one: `note`, `occurrence.slot`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// A field is out of bounds or malformed.
    Invalid,
    /// The child is not in this device's family (or does not exist).
    UnknownChild,
    /// The assignment does not exist or is not the child's.
    UnknownAssignment,
    /// The exercise is not part of the assignment.
    UnknownExercise,
    /// An edit tried to move a log to another child, assignment, exercise or occurrence.
    ImmutableField,
    /// The clock stamp is too far ahead of the server's clock.
    ClockSkew,
    /// The goal does not exist or is not the child's.
    UnknownGoal,
    /// The child was discharged before the day this is about: the program had ended.
    Discharged,
}

/// `POST /api/v1/sync/pull`: everything that changed for this device's family since `cursor`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullRequest {
    /// The protocol version: exactly one this server accepts (`protocol_min` to `protocol_max` of `GET /api/v1/sync/info`).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))]
    pub protocol: u32,
    /// Absent on the first pull: start from the beginning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<Cursor>,
    /// At most this many changes; the server may send fewer. Default and maximum: [`PullRequest::MAX_LIMIT`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub limit: Option<u32>,
    /// The language the device shows its family: built-in exercises come in it, and the clinic sees it on the
    /// child's page. Absent: English. A device whose family chooses another language pulls again from the
    /// beginning (no cursor) in the new one, as exercises already pulled are not sent again by themselves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

impl PullRequest {
    pub const MAX_LIMIT: u32 = 1000;
}

/// A page of changes. Store `changes` and `cursor` in one transaction; pull again while `more` is true.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullResponse {
    /// The protocol version: exactly one this server accepts (`protocol_min` to `protocol_max` of `GET /api/v1/sync/info`).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))]
    pub protocol: u32,
    pub changes: Vec<Change>,
    pub cursor: Cursor,
    pub more: bool,
    pub server_hlc: Hlc,
    /// The clinic's pain-advice threshold and contact text for families, as they are now: on every page, so
    /// a change reaches the device on its next pull. Absent from servers older than the clinic settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinic: Option<FamilyClinicSettings>,
    /// The server database's epoch (see [`ServerEpoch`]): a device remembers the last one it saw, and when a
    /// sync answer carries another, the server was restored from a backup: start pulling from the beginning
    /// and push again everything this device recorded (shared/PROTOCOL.md, "Server epoch"). Absent from
    /// servers older than epochs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<ServerEpoch>,
}

/// A position in the server's change feed. Opaque to clients: store it and send it back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cursor(String);

impl Cursor {
    pub const MAX_LEN: usize = 256;

    pub fn new(s: impl Into<String>) -> Result<Self, ValidationError> {
        let s = s.into();
        if s.is_empty() || s.len() > Self::MAX_LEN || !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ValidationError::single(
                "cursor",
                Problem::Invalid { reason: "not a cursor this server issued".into() },
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Cursor {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl From<Cursor> for String {
    fn from(c: Cursor) -> String {
        c.0
    }
}

/// One changed record: the whole current record, never a diff, so applying a change twice is harmless.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Change {
    Family(Family),
    Child(Child),
    Caregiver(Caregiver),
    Exercise(Box<Exercise>),
    Routine(Routine),
    Assignment(Assignment),
    Log(CompletionLog),
    Feedback(Feedback),
    /// A goal of a child, in plain words ([`FamilyGoal`]); a met, changed or dropped goal comes with that status.
    Goal(FamilyGoal),
    /// A picture, video or voice prompt the program uses; fetch it with `GET /api/v1/media/{media}`.
    Media(MediaInfo),
    /// A message in a child's thread, from either side (feedback sent before messages stays `feedback`).
    Message(Message),
    /// How far one side has read a child's thread; the furthest mark of each side, one per child and side.
    ThreadRead(ThreadRead),
    /// A family's answer to the weekly question about a goal, as the clinic holds it: every device of the
    /// family knows the week is answered, including one paired after the answer.
    CheckIn(GoalCheckIn),
    /// A record the family no longer has access to (for example a child moved to another family).
    Removed(Removed),
}

impl Change {
    /// The record a change is about, as `(entity, id)`: a replica keeps one row per key.
    pub fn key(&self) -> (&'static str, String) {
        match self {
            Change::Family(f) => ("family", f.id.to_string()),
            Change::Child(c) => ("child", c.id.to_string()),
            Change::Caregiver(c) => ("caregiver", c.id.to_string()),
            Change::Exercise(e) => ("exercise", e.id.to_string()),
            Change::Routine(r) => ("routine", r.id.to_string()),
            Change::Assignment(a) => ("assignment", a.id.to_string()),
            Change::Log(l) => ("log", l.id.to_string()),
            Change::Feedback(f) => ("feedback", f.id.to_string()),
            Change::Goal(g) => ("goal", g.id.to_string()),
            Change::Media(m) => ("media", m.media.to_string()),
            Change::Message(m) => ("message", m.id.to_string()),
            Change::ThreadRead(r) => ("thread_read", r.key()),
            Change::CheckIn(c) => ("check_in", c.id.to_string()),
            Change::Removed(r) => (r.entity.name(), r.id.to_string()),
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaInfo {
    pub media: MediaRef,
    pub content_type: String,
    pub bytes: u64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Removed {
    pub entity: Entity,
    pub id: Uuid,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Child,
    Caregiver,
    Exercise,
    Routine,
    Assignment,
    Feedback,
}

impl Entity {
    pub fn name(self) -> &'static str {
        match self {
            Self::Child => "child",
            Self::Caregiver => "caregiver",
            Self::Exercise => "exercise",
            Self::Routine => "routine",
            Self::Assignment => "assignment",
            Self::Feedback => "feedback",
        }
    }
}

/// The body of every error response, from every endpoint.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiError {
    pub error: ErrorCode,
    pub message: String,
    /// The request field at fault, when there is one: `device_label`, `logs[3].note`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// With `protocol_unsupported`: the versions this server accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported: Option<ProtocolRange>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolRange {
    pub min: u32,
    pub max: u32,
}

impl ProtocolRange {
    pub const CURRENT: ProtocolRange = ProtocolRange { min: MIN_PROTOCOL_VERSION, max: PROTOCOL_VERSION };

    pub fn accepts(&self, version: u32) -> bool {
        (self.min..=self.max).contains(&version)
    }
}

/// Machine-readable error codes, each with one HTTP status.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not JSON of the expected shape.
    BadRequest,
    /// 422: the shape is right but a value is not (see `field`).
    Invalid,
    /// 400: the client speaks a protocol version this server does not (see `supported`).
    ProtocolUnsupported,
    /// 401: missing, unknown, expired or revoked credentials.
    Unauthorized,
    /// 403: authenticated, but not allowed to do this.
    Forbidden,
    /// 404: no such thing, or not yours (the two are not told apart).
    NotFound,
    /// 405: the endpoint exists but does not take this method.
    MethodNotAllowed,
    /// 409: conflicts with the current state.
    Conflict,
    /// 410: a pairing code that has expired or was already used.
    Gone,
    /// 413: the body is too large.
    PayloadTooLarge,
    /// 415: the content type is not accepted.
    UnsupportedMediaType,
    /// 429: too many attempts; retry after the `Retry-After` header.
    RateLimited,
    /// 500: the server failed; the details are in its log, not here. Safe to retry.
    Internal,
    /// 503: the server is not ready (starting, or its database is unreachable). Safe to retry.
    Unavailable,
    /// 409: the child was discharged: the record is read-only until the child is re-admitted.
    Discharged,
    /// 409: the child's record is kept for the clinic's retention period and may not be erased yet.
    Retention,
    /// 401: the clinic ended the family's home program and disconnected this device (`message` says so in
    /// words for the family). Pairing again needs a new code.
    DeviceRevoked,
}

impl ErrorCode {
    pub fn http_status(self) -> u16 {
        match self {
            Self::BadRequest | Self::ProtocolUnsupported => 400,
            Self::Unauthorized | Self::DeviceRevoked => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::Conflict | Self::Discharged | Self::Retention => 409,
            Self::Gone => 410,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::Invalid => 422,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::Unavailable => 503,
        }
    }

    /// Whether sending the same request again later may succeed.
    pub fn is_retryable(self) -> bool {
        matches!(self, Self::Internal | Self::Unavailable | Self::RateLimited)
    }
}

impl From<ValidationError> for ApiError {
    fn from(e: ValidationError) -> Self {
        ApiError {
            error: ErrorCode::Invalid,
            message: e.to_string(),
            field: e.problems.first().map(|p| p.field.clone()),
            supported: None,
        }
    }
}
