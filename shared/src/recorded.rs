//! What a family records on a device and pushes to the clinic: completion logs, goal check-ins, messages to
//! the clinic and how far the family has read them.
//!
//! Each kind is a versioned record: keyed by a UUIDv7 the device makes, stamped with an [`Hlc`] (the newest
//! version wins), made by one device about one child. The device keeps every unsent version of every kind in
//! one outbox and sends them in one push round; the server accepts or refuses each item in one loop. A new
//! kind (a pain score, a message from the family) is a type with one `recorded!` line below and its arrays
//! in [`PushRequest`] and [`PushResponse`]; nothing else in the pipeline is written again.

use crate::error::Validate;
use crate::goal::GoalCheckIn;
use crate::hlc::Hlc;
use crate::ids::{ChildId, DeviceId, GoalCheckInId, LogId};
use crate::ids::{MessageId, MessageReadId};
use crate::log::CompletionLog;
use crate::message::{FamilyMessage, MessageRead};
use crate::sync::{
    Ack, CheckInAck, CheckInRejection, MessageAck, MessageReadAck, MessageReadRejection, MessageRejection, PushRequest,
    PushResponse, RejectReason, Rejection,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::hash::Hash;
use std::str::FromStr;

/// A kind of thing a family records and the device pushes.
pub trait Recorded: Clone + Serialize + DeserializeOwned + Validate + Send + Sync + 'static {
    type Id: Copy + Eq + Hash + fmt::Display + fmt::Debug + FromStr + Serialize + DeserializeOwned + Send + Sync;
    /// The name of its array in a push request (`logs`), which is also its kind in the device's outbox.
    const FIELD: &'static str;
    /// What one of them is called in messages: "log".
    const NOUN: &'static str;
    /// At most this many in one push.
    const MAX_PER_PUSH: usize;

    fn id(&self) -> Self::Id;
    /// When this version was made; the newest version wins.
    fn hlc(&self) -> Hlc;
    /// The child it is about.
    fn child_id(&self) -> ChildId;
    /// The device that made this version.
    fn device_id(&self) -> DeviceId;

    /// Its array in a push request.
    fn batch(request: &mut PushRequest) -> &mut Vec<Self>;
    /// Puts the server's answers about this kind into the response.
    fn answer(response: &mut PushResponse, answers: Answers<Self::Id>);
    /// Reads the server's answers about this kind from a response.
    fn answers(response: &PushResponse) -> Answers<Self::Id>;
}

/// The server's answer about the pushed items of one kind: each is in `accepted` or in `refused`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers<Id> {
    pub accepted: Vec<Accepted<Id>>,
    pub refused: Vec<Refused<Id>>,
}

/// This version of an item is safe on the server (stored now, stored before, or superseded by a newer one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted<Id> {
    pub id: Id,
    pub hlc: Hlc,
}

/// A pushed item the server will not store; retrying the same version cannot succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused<Id> {
    /// Position in the pushed array.
    pub index: u32,
    pub id: Id,
    pub reason: RejectReason,
    /// The field at fault, when there is one.
    pub field: Option<String>,
    pub message: String,
}

/// One kind's impl, from where it travels: `request` is its array in [`PushRequest`] (whose name is also its
/// [`Recorded::FIELD`]), `accepted` and `rejected` its arrays in [`PushResponse`] with their wire types.
macro_rules! recorded {
    ($type:ty, $id:ty, noun: $noun:literal, max: $max:expr, request: $batch:ident,
     accepted: $accepted:ident as $ack:ident, rejected: $rejected:ident as $rejection:ident) => {
        impl Recorded for $type {
            type Id = $id;
            const FIELD: &'static str = stringify!($batch);
            const NOUN: &'static str = $noun;
            const MAX_PER_PUSH: usize = $max;

            fn id(&self) -> $id {
                self.id
            }
            fn hlc(&self) -> Hlc {
                self.hlc
            }
            fn child_id(&self) -> ChildId {
                self.child_id
            }
            fn device_id(&self) -> DeviceId {
                self.device_id
            }
            fn batch(request: &mut PushRequest) -> &mut Vec<Self> {
                &mut request.$batch
            }
            fn answer(response: &mut PushResponse, answers: Answers<$id>) {
                response.$accepted = answers.accepted.into_iter().map(|a| $ack { id: a.id, hlc: a.hlc }).collect();
                response.$rejected = answers
                    .refused
                    .into_iter()
                    .map(|r| $rejection {
                        index: r.index,
                        id: r.id,
                        reason: r.reason,
                        field: r.field,
                        message: r.message,
                    })
                    .collect();
            }
            fn answers(response: &PushResponse) -> Answers<$id> {
                Answers {
                    accepted: response.$accepted.iter().map(|a| Accepted { id: a.id, hlc: a.hlc }).collect(),
                    refused: response
                        .$rejected
                        .iter()
                        .map(|r| Refused {
                            index: r.index,
                            id: r.id,
                            reason: r.reason,
                            field: r.field.clone(),
                            message: r.message.clone(),
                        })
                        .collect(),
                }
            }
        }
    };
}

recorded!(CompletionLog, LogId, noun: "log", max: PushRequest::MAX_LOGS, request: logs,
    accepted: accepted as Ack, rejected: rejected as Rejection);
recorded!(GoalCheckIn, GoalCheckInId, noun: "check-in", max: PushRequest::MAX_CHECK_INS, request: check_ins,
    accepted: check_ins_accepted as CheckInAck, rejected: check_ins_rejected as CheckInRejection);
recorded!(FamilyMessage, MessageId, noun: "message", max: PushRequest::MAX_MESSAGES, request: messages,
    accepted: messages_accepted as MessageAck, rejected: messages_rejected as MessageRejection);
recorded!(MessageRead, MessageReadId, noun: "read mark", max: PushRequest::MAX_MESSAGE_READS, request: message_reads,
    accepted: message_reads_accepted as MessageReadAck, rejected: message_reads_rejected as MessageReadRejection);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::PROTOCOL_VERSION;

    fn empty_response() -> PushResponse {
        PushResponse::empty(PROTOCOL_VERSION, Hlc::new(1, 0))
    }

    fn round_trip<T: Recorded>(id: T::Id) -> PushResponse {
        let mut response = empty_response();
        let accepted = vec![Accepted { id, hlc: Hlc::new(5, 1) }];
        let refused = vec![Refused {
            index: 3,
            id,
            reason: RejectReason::ClockSkew,
            field: Some("hlc".into()),
            message: "ahead".into(),
        }];
        let answers = Answers { accepted, refused };
        T::answer(&mut response, answers.clone());
        assert_eq!(T::answers(&response), answers, "{}", T::FIELD);
        response
    }

    /// Each kind's answers land in its own arrays of the response and read back the same.
    #[test]
    fn answers_go_to_each_kinds_own_arrays_and_back() {
        let logs = round_trip::<CompletionLog>(LogId::new_v7());
        assert_eq!((logs.accepted.len(), logs.rejected.len()), (1, 1));
        assert!(logs.check_ins_accepted.is_empty() && logs.check_ins_rejected.is_empty());
        let check_ins = round_trip::<GoalCheckIn>(GoalCheckInId::new_v7());
        assert_eq!((check_ins.check_ins_accepted.len(), check_ins.check_ins_rejected.len()), (1, 1));
        assert!(check_ins.accepted.is_empty() && check_ins.rejected.is_empty());
        let messages = round_trip::<FamilyMessage>(MessageId::new_v7());
        assert_eq!((messages.messages_accepted.len(), messages.messages_rejected.len()), (1, 1));
        assert!(messages.check_ins_accepted.is_empty() && messages.accepted.is_empty());
        let reads = round_trip::<MessageRead>(MessageReadId::new_v7());
        assert_eq!((reads.message_reads_accepted.len(), reads.message_reads_rejected.len()), (1, 1));
        assert!(reads.messages_accepted.is_empty() && reads.messages_rejected.is_empty());
    }

    /// The field names are the wire's: the server reports a too-long array and an unreadable id by them.
    #[test]
    fn each_kind_is_named_by_its_array_in_the_push_request() {
        let request = serde_json::to_value(PushRequest::empty(PROTOCOL_VERSION)).unwrap_or_default();
        assert!(request.get(CompletionLog::FIELD).is_some(), "{request}");
        let mut request = PushRequest::empty(PROTOCOL_VERSION);
        GoalCheckIn::batch(&mut request)
            .push(serde_json::from_value(check_in_json()).unwrap_or_else(|e| panic!("{e}")));
        let json = serde_json::to_value(&request).unwrap_or_default();
        assert_eq!(json[GoalCheckIn::FIELD].as_array().map(Vec::len), Some(1), "{json}");
    }

    fn check_in_json() -> serde_json::Value {
        serde_json::json!({
            "id": GoalCheckInId::new_v7(), "goal_id": uuid::Uuid::nil(), "child_id": uuid::Uuid::nil(),
            "week": "2026-11-30", "face": "good", "answered_by": "Mum",
            "device_id": uuid::Uuid::nil(), "hlc": {"wall_ms": 1, "counter": 0}
        })
    }
}
