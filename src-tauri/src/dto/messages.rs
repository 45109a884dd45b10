//! A child's thread with the clinic as the Messages screen draws it.

use homeplay_core::feedback::Sticker;
use homeplay_core::message::Side;
use homeplay_device::{Thread, ThreadMessage};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MessageView {
    pub message_id: String,
    pub side: Side,
    /// "Maya (OT)", "Mum"
    pub from: String,
    pub text: Option<String>,
    pub sticker: Option<Sticker>,
    /// When it was sent, milliseconds since the epoch; the screen shows it in the family's locale.
    #[ts(type = "number")]
    pub sent_at_ms: i64,
    /// Written here and not on the clinic's server yet: "Waiting to send".
    pub waiting: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ThreadView {
    pub child_id: String,
    /// Oldest first.
    pub messages: Vec<MessageView>,
    /// The clinic's messages nobody in the family has read yet.
    pub unread: u32,
    /// The family's messages the clinic has read: every one up to this id ("Seen by Maya (OT)").
    pub seen_up_to: Option<String>,
    /// Who at the clinic read them last.
    pub seen_by: Option<String>,
    /// The most characters a message may have.
    pub max_chars: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct UnreadView {
    pub child_id: String,
    pub unread: u32,
}

fn message_view(m: &ThreadMessage) -> MessageView {
    let msg = &m.message;
    MessageView {
        message_id: msg.id.to_string(),
        side: msg.side,
        from: msg.from.as_str().to_owned(),
        text: msg.text.as_ref().map(|t| t.as_str().to_owned()),
        sticker: msg.sticker,
        sent_at_ms: msg.sent_at.timestamp_millis(),
        waiting: m.waiting,
    }
}

impl From<&Thread> for ThreadView {
    fn from(t: &Thread) -> Self {
        Self {
            child_id: t.child_id.to_string(),
            messages: t.messages.iter().map(message_view).collect(),
            unread: u32::try_from(t.unread).unwrap_or(u32::MAX),
            seen_up_to: t.clinic_read.as_ref().map(|r| r.up_to.to_string()),
            seen_by: t.clinic_read.as_ref().map(|r| r.by.as_str().to_owned()),
            max_chars: u32::try_from(homeplay_core::text::MessageText::MAX_CHARS).unwrap_or(u32::MAX),
        }
    }
}
