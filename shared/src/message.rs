//! Two-way messages between a child's therapists and family: one thread per child.
//!
//! A caregiver writes on a device, offline if need be: a [`FamilyMessage`] is a recorded kind, pushed through
//! the one outbox like a log. A therapist writes in the dashboard; the server makes the [`Message`]. Every
//! message, whichever side wrote it, reaches the family's devices by pull as the same [`Message`], so several
//! caregivers on several devices see one thread. Messages are never edited: an id names one text for good.
//!
//! Ids are UUIDv7, so they sort in the order messages were written; the thread is in id order, and "read"
//! is a position in it. Each side has one mark per child ([`ThreadRead`]): everything up to and including
//! `up_to` is read. A device pushes its family's marks as a tiny recorded kind ([`MessageRead`]); a therapist
//! marks in the dashboard; the server keeps the furthest mark of each side and sends both to the family.
//!
//! Feedback from before messages (a sticker or comment on one day) is part of the thread: [`Message::from`]
//! a [`Feedback`] reads it as a therapist's message sent when the feedback was.

use crate::error::{Checker, Problem, Validate, ValidationError};
use crate::feedback::{Feedback, Sticker};
use crate::hlc::Hlc;
use crate::ids::{ChildId, DeviceId, MessageId, MessageReadId, TherapistId};
use crate::text::{MessageText, Name};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who wrote a message, or whose read mark this is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// A caregiver, on a device.
    Family,
    /// A therapist, in the dashboard.
    Clinic,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Self::Family => "family",
            Self::Clinic => "clinic",
        }
    }
}

/// One message in a child's thread, as both sides see it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub id: MessageId,
    pub child_id: ChildId,
    pub side: Side,
    /// Shown as the author: "Maya (OT)" for a therapist, the caregiver's name ("Mum") for the family.
    pub from: Name,
    /// The therapist who wrote it (`side`: `clinic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub therapist_id: Option<TherapistId>,
    /// The device it was written on (`side`: `family`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<DeviceId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<MessageText>,
    /// Therapists only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticker: Option<Sticker>,
    pub sent_at: DateTime<Utc>,
}

impl Validate for Message {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.ensure(self.text.is_some() || self.sticker.is_some(), "text", || Problem::Invalid {
            reason: "give a text, a sticker or both".into(),
        });
        match self.side {
            Side::Family => {
                c.ensure(self.sticker.is_none(), "sticker", || Problem::Invalid {
                    reason: "only therapists send stickers".into(),
                });
                c.ensure(self.device_id.is_some(), "device_id", || Problem::Empty);
            }
            Side::Clinic => c.ensure(self.therapist_id.is_some(), "therapist_id", || Problem::Empty),
        }
        c.finish()
    }
}

impl From<&Feedback> for Message {
    /// Feedback on a day, read as the therapist's message it now is (same id, so it is never shown twice).
    fn from(f: &Feedback) -> Self {
        Message {
            id: MessageId(f.id.as_uuid()),
            child_id: f.child_id,
            side: Side::Clinic,
            from: f.from.clone(),
            therapist_id: Some(f.therapist_id),
            device_id: None,
            // A note is at most 500 characters, a message 1000: the comment always fits.
            text: f.comment.as_ref().and_then(|n| MessageText::new(n.as_str()).ok()),
            sticker: f.sticker,
            sent_at: f.created_at,
        }
    }
}

/// A message a caregiver wrote on a device: recorded offline, pushed in `messages`, never edited (pushing
/// the same id again changes nothing).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyMessage {
    /// A UUIDv7 the device makes.
    pub id: MessageId,
    pub child_id: ChildId,
    pub text: MessageText,
    /// The caregiver who wrote it, as they named themselves on the device.
    pub written_by: Name,
    pub device_id: DeviceId,
    pub hlc: Hlc,
}

impl Validate for FamilyMessage {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.ensure(self.id.as_uuid().get_version_num() == 7, "id", || Problem::Invalid {
            reason: "must be a UUIDv7 made by the device".into(),
        });
        c.finish()
    }
}

impl FamilyMessage {
    /// As it stands in the thread: sent when it was stamped.
    pub fn to_message(&self) -> Message {
        Message {
            id: self.id,
            child_id: self.child_id,
            side: Side::Family,
            from: self.written_by.clone(),
            therapist_id: None,
            device_id: Some(self.device_id),
            text: Some(self.text.clone()),
            sticker: None,
            sent_at: DateTime::from_timestamp_millis(i64::try_from(self.hlc.wall_ms).unwrap_or(i64::MAX))
                .unwrap_or_default(),
        }
    }
}

/// A caregiver read the child's thread up to and including `up_to`: pushed in `message_reads`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageRead {
    /// A UUIDv7 the device makes, a new one for each mark.
    pub id: MessageReadId,
    pub child_id: ChildId,
    /// The newest message read.
    pub up_to: MessageId,
    pub read_by: Name,
    pub device_id: DeviceId,
    pub hlc: Hlc,
}

impl Validate for MessageRead {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.ensure(self.id.as_uuid().get_version_num() == 7, "id", || Problem::Invalid {
            reason: "must be a UUIDv7 made by the device".into(),
        });
        c.finish()
    }
}

/// How far one side has read a child's thread: every message up to and including `up_to` (by id).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreadRead {
    pub child_id: ChildId,
    pub side: Side,
    pub up_to: MessageId,
    /// Who read it last: "Maya (OT)", "Mum".
    pub by: Name,
    pub at: DateTime<Utc>,
}

impl ThreadRead {
    /// Its key in a family's feed and a device's store: one mark per child and side.
    pub fn key(&self) -> String {
        format!("{}.{}", self.child_id, self.side.name())
    }

    /// Of a stored mark and a new one, the one that stands: the further; a mark never moves back.
    pub fn furthest(stored: Option<ThreadRead>, new: ThreadRead) -> ThreadRead {
        match stored {
            Some(s) if s.up_to >= new.up_to => s,
            _ => new,
        }
    }
}

/// How many messages of the other side `reader` has not read: those after its mark.
pub fn unread(messages: &[Message], reader: Side, mark: Option<MessageId>) -> usize {
    messages.iter().filter(|m| m.side != reader && mark.is_none_or(|up_to| m.id > up_to)).count()
}

/// A child's thread in order, oldest first, each message once: messages and feedback together.
pub fn thread(mut messages: Vec<Message>, feedback: &[Feedback]) -> Vec<Message> {
    messages.extend(feedback.iter().map(Message::from));
    messages.sort_by_key(|m| m.id);
    messages.dedup_by_key(|m| m.id);
    messages
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::ids::FeedbackId;
    use uuid::Uuid;

    fn family(text: &str) -> FamilyMessage {
        FamilyMessage {
            id: MessageId::new_v7(),
            child_id: ChildId(Uuid::nil()),
            text: MessageText::new(text).unwrap(),
            written_by: Name::new("Mum").unwrap(),
            device_id: DeviceId(Uuid::nil()),
            hlc: Hlc::new(1_900_000_000_000, 0),
        }
    }

    #[test]
    fn a_long_text_is_refused_not_cut() {
        assert!(MessageText::new("é".repeat(MessageText::MAX_CHARS)).is_ok());
        let err = serde_json::from_value::<FamilyMessage>(serde_json::json!({
            "id": MessageId::new_v7(), "child_id": Uuid::nil(), "text": "a".repeat(1001), "written_by": "Mum",
            "device_id": Uuid::nil(), "hlc": {"wall_ms": 1, "counter": 0}
        }))
        .unwrap_err();
        assert!(err.to_string().contains("1000"), "{err}");
    }

    #[test]
    fn a_family_message_is_made_by_the_device_and_stands_as_the_caregivers() {
        let m = family("Socks went on!");
        assert!(m.validate().is_ok());
        let shown = m.to_message();
        assert_eq!((shown.side, shown.from.as_str(), shown.device_id), (Side::Family, "Mum", Some(m.device_id)));
        assert_eq!(shown.sent_at.timestamp_millis(), 1_900_000_000_000);
        assert!(shown.validate().is_ok());
        let mut not_v7 = m;
        not_v7.id = MessageId(Uuid::from_u128(1));
        assert_eq!(not_v7.validate().unwrap_err().field(), "id");
    }

    #[test]
    fn only_a_therapist_sends_stickers_and_a_message_says_something() {
        let mut m = family("Hi").to_message();
        m.sticker = Some(Sticker::Star);
        assert_eq!(m.validate().unwrap_err().field(), "sticker");
        m.text = None;
        m.sticker = None;
        assert_eq!(m.validate().unwrap_err().field(), "text");
    }

    #[test]
    fn feedback_joins_the_thread_in_order_once() {
        let early = family("First");
        let f = Feedback {
            id: FeedbackId::new_v7(),
            child_id: ChildId(Uuid::nil()),
            date: "2030-03-04".parse().unwrap(),
            therapist_id: TherapistId(Uuid::nil()),
            from: Name::new("Maya (OT)").unwrap(),
            sticker: Some(Sticker::Star),
            comment: Some(crate::text::Note::new("Super pegs!").unwrap()),
            created_at: DateTime::from_timestamp_millis(1_900_000_000_000).unwrap(),
        };
        let late = family("Thanks");
        let all = thread(vec![late.to_message(), early.to_message(), late.to_message()], std::slice::from_ref(&f));
        let texts: Vec<_> = all.iter().map(|m| m.text.as_ref().map(|t| t.as_str().to_owned())).collect();
        assert_eq!(texts, [Some("First".into()), Some("Super pegs!".into()), Some("Thanks".into())]);
        assert_eq!((all[1].side, all[1].sticker), (Side::Clinic, Some(Sticker::Star)));
        assert!(all[1].validate().is_ok());
    }

    #[test]
    fn unread_counts_the_other_sides_messages_after_the_mark_and_marks_never_move_back() {
        let a = family("a").to_message();
        let mut b = family("b").to_message();
        b.side = Side::Clinic;
        let c = family("c").to_message();
        let all = [a.clone(), b.clone(), c.clone()];
        assert_eq!(unread(&all, Side::Clinic, None), 2);
        assert_eq!(unread(&all, Side::Clinic, Some(a.id)), 1);
        assert_eq!(unread(&all, Side::Family, Some(a.id)), 1);
        assert_eq!(unread(&all, Side::Family, Some(c.id)), 0);
        let mark = |up_to| ThreadRead {
            child_id: a.child_id,
            side: Side::Family,
            up_to,
            by: Name::new("Mum").unwrap(),
            at: DateTime::default(),
        };
        assert_eq!(ThreadRead::furthest(Some(mark(c.id)), mark(a.id)).up_to, c.id);
        assert_eq!(ThreadRead::furthest(Some(mark(a.id)), mark(c.id)).up_to, c.id);
        assert_eq!(ThreadRead::furthest(None, mark(a.id)).up_to, a.id);
    }
}
