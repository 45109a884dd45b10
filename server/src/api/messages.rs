//! A child's message thread as the clinic sees it: read it (with the feedback sent before messages), write
//! to the family (text, a sticker or both), and mark how far the clinic has read. The family's side travels
//! through the sync API (`sync/push.rs`, `sync/recorded.rs`); both sides' messages reach the family by pull.

use crate::access::OpenChild;
use crate::api::feedback::signature;
use crate::api::responses::{BadJsonOrId, JsonBody, NoChild, SessionRead, SessionWrite};
use crate::audit::{self, Actor};
use crate::error::{ApiResult, Failure};
use crate::json::StrictJson;
use crate::state::{AppState, now_ms};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::DateTime;
use homeplay_core::Validate;
use homeplay_core::feedback::Sticker;
use homeplay_core::ids::{ChildId, MessageId};
use homeplay_core::message::{Message, Side, ThreadRead, thread, unread};
use homeplay_core::sync::ApiError;
use homeplay_core::text::MessageText;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A child's thread, oldest first, with how far each side has read it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageThread {
    pub messages: Vec<Message>,
    /// The family's read mark: the family has seen every message up to this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_read: Option<ThreadRead>,
    /// The clinic's read mark (shared by the child's therapists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clinic_read: Option<ThreadRead>,
    /// The family's messages after the clinic's read mark.
    pub unread: u32,
}

/// A message to the family: text, a sticker, or both.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    /// Made by the dashboard once per message it sends: sending the same key again (a double click, a retry
    /// after a lost answer) answers the message already sent instead of sending a second.
    pub client_key: Uuid,
    #[serde(default)]
    pub text: Option<MessageText>,
    #[serde(default)]
    pub sticker: Option<Sticker>,
}

/// The clinic has read the thread up to and including this message.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadInput {
    pub up_to: MessageId,
}

/// Read a child's messages
///
/// The child's thread with the family, oldest first: both sides' messages, and the feedback sent before
/// messages as the therapist's messages it was.
#[utoipa::path(
    get, path = "/children/{id}/messages", tag = "messages", operation_id = "list_messages",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The thread", body = MessageThread),
        SessionRead, crate::api::responses::BadId, NoChild,
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
) -> ApiResult<Json<MessageThread>> {
    let clinic = auth.therapist.clinic_id;
    let messages = state.store.messages_of_child(clinic, child.id).await?;
    let feedback = state.store.feedback_of_child(clinic, child.id).await?;
    let messages = thread(messages, &feedback);
    let marks = state.store.read_marks_of_child(clinic, child.id).await?;
    let mark = |side| marks.iter().find(|m| m.side == side).cloned();
    let (family_read, clinic_read) = (mark(Side::Family), mark(Side::Clinic));
    let unread = unread(&messages, Side::Clinic, clinic_read.as_ref().map(|m| m.up_to));
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "list_messages",
        Some(child.id),
        format!("{} messages", messages.len()),
    )
    .await?;
    Ok(Json(MessageThread { messages, family_read, clinic_read, unread: u32::try_from(unread).unwrap_or(u32::MAX) }))
}

/// Send a message
///
/// Writes to the child's family, signed with the therapist's name and discipline ("Maya (OT)"); it reaches
/// the family's devices on their next pull. Sending the same `client_key` again sends nothing new.
#[utoipa::path(
    post, path = "/children/{id}/messages", tag = "messages", operation_id = "send_message",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [], "csrf" = [])),
    request_body = MessageInput,
    responses(
        (status = 201, description = "Sent", body = Message),
        (status = 200, description = "Already sent with this `client_key`: the message sent then", body = Message),
        (status = 422, description = "The text is too long, or there is neither a text nor a sticker; `field` \
            names it", body = ApiError),
        SessionWrite, JsonBody, BadJsonOrId, NoChild,
    ),
)]
pub async fn send(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
    StrictJson(req): StrictJson<MessageInput>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let now = now_ms();
    let message = Message {
        id: MessageId::new_v7(),
        child_id: child.id,
        side: Side::Clinic,
        from: signature(&auth.therapist)?,
        therapist_id: Some(auth.therapist.id),
        device_id: None,
        text: req.text,
        sticker: req.sticker,
        sent_at: DateTime::from_timestamp_millis(now).unwrap_or_default(),
    };
    message.validate()?;
    let (message, new) = state
        .store
        .put_clinic_message(auth.therapist.clinic_id, child.family_id, &message, req.client_key, now)
        .await?;
    if !new {
        return Ok((StatusCode::OK, Json(message)));
    }
    audit::record(
        &state,
        Actor::Therapist(&auth),
        &ip,
        "send_message",
        Some(child.id),
        format!("message {}", message.id),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// Mark a child's messages read
///
/// The clinic has read the thread up to and including `up_to`, which must be in it. A mark never moves back:
/// marking an older message changes nothing and answers the mark that stands.
#[utoipa::path(
    post, path = "/children/{id}/messages/read", tag = "messages", operation_id = "mark_messages_read",
    params(("id" = ChildId, Path, description = "The child")),
    security(("session" = [], "csrf" = [])),
    request_body = ReadInput,
    responses(
        (status = 200, description = "The clinic's read mark that stands", body = ThreadRead),
        (status = 422, description = "`up_to` is not a message of the child's thread (`field`: `up_to`)",
            body = ApiError),
        SessionWrite, JsonBody, BadJsonOrId, NoChild,
    ),
)]
pub async fn mark_read(
    State(state): State<AppState>,
    OpenChild { auth, ip, child, .. }: OpenChild,
    StrictJson(req): StrictJson<ReadInput>,
) -> ApiResult<Json<ThreadRead>> {
    let clinic = auth.therapist.clinic_id;
    let messages = state.store.messages_of_child(clinic, child.id).await?;
    let feedback = state.store.feedback_of_child(clinic, child.id).await?;
    if !thread(messages, &feedback).iter().any(|m| m.id == req.up_to) {
        return Err(Failure::invalid("up_to", "up_to: not a message of this child's thread"));
    }
    let mark = ThreadRead {
        child_id: child.id,
        side: Side::Clinic,
        up_to: req.up_to,
        by: signature(&auth.therapist)?,
        at: DateTime::from_timestamp_millis(now_ms()).unwrap_or_default(),
    };
    if state.store.put_read_mark(clinic, child.family_id, &mark).await? {
        audit::record(
            &state,
            Actor::Therapist(&auth),
            &ip,
            "read_messages",
            Some(child.id),
            format!("up to {}", mark.up_to),
        )
        .await?;
        return Ok(Json(mark));
    }
    let marks = state.store.read_marks_of_child(clinic, child.id).await?;
    Ok(Json(marks.into_iter().find(|m| m.side == Side::Clinic).unwrap_or(mark)))
}
