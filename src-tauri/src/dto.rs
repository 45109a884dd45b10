//! What crosses the bridge to the family screens: plain, flat shapes, declared once here; the TypeScript side is
//! generated from them (`ui/family/bindings/`, see [`crate::bindings`]). Where a screen shows a domain value
//! as it is (an outcome, a mood, a moment of the day), the core's own type crosses, with its serde form.
//!
//! These only copy fields out of `homeplay-device`'s answers; the decisions stay there.

use homeplay_core::assignment::{FamilyMoment, SlotTime};
use homeplay_core::clinic::FamilyClinicSettings;
use homeplay_core::exercise::Dosage;
use homeplay_core::log::{CompletionLog, Difficulty, Mood, Outcome, Recorder};
use homeplay_core::pain::PainScore;
use homeplay_device::{DeviceError, SyncState, TodayChild, TodayItem};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

mod goals;
mod messages;
mod settings;
mod week;

pub use goals::{ChildGoalsView, GoalExerciseView, GoalView};
pub use messages::{MessageView, ThreadView, UnreadView};
pub use settings::{AppSettings, Language, MomentTimeView, ReminderSettings, parse_time};
pub use week::{
    DayStatusView, DayView, FeedbackView, ProgramActivityView, ProgramTimeView, ProgressView, WeekProgramView,
};

/// The app's state for the header: paired or not, who is using it, how sync stands.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AppStatus {
    pub paired: bool,
    pub clinic_name: Option<String>,
    pub server_url: Option<String>,
    pub caregiver: Option<String>,
    pub sync: SyncView,
    /// The clinic's pain-advice threshold and contact text, as of the last pull (the defaults before it).
    pub clinic: FamilyClinicSettings,
}

/// One of the family's caregivers, for "Who is doing this?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaregiverView {
    pub name: String,
    /// Chosen on this device before: the app asks who is doing a tick only once two people have used it.
    pub chosen_here: bool,
}

/// Sync, honestly: synced / N waiting / offline / needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncView {
    NotPaired,
    Synced {
        #[ts(type = "number | null")]
        last_sync_ms: Option<i64>,
    },
    Waiting {
        #[ts(type = "number")]
        count: u64,
    },
    Offline {
        #[ts(type = "number")]
        waiting: u64,
        #[ts(type = "number")]
        since_ms: i64,
    },
    NeedsAttention {
        problem: String,
        #[ts(type = "number")]
        waiting: u64,
        /// What the clinic refused, one line each.
        rejected: Vec<String>,
    },
    /// The clinic ended the home program and disconnected this device: no more syncing; `message` is the
    /// clinic's, for the family.
    Ended {
        message: String,
        #[ts(type = "number")]
        waiting: u64,
    },
}

impl From<SyncState> for SyncView {
    fn from(s: SyncState) -> Self {
        match s {
            SyncState::NotPaired => Self::NotPaired,
            SyncState::Synced { last_sync_ms } => Self::Synced { last_sync_ms },
            SyncState::Waiting { count } => Self::Waiting { count },
            SyncState::Offline { waiting, since_ms } => Self::Offline { waiting, since_ms },
            SyncState::NeedsAttention { problem, waiting, rejected } => {
                Self::NeedsAttention { problem, waiting, rejected: rejected.into_iter().map(|r| r.message).collect() }
            }
            SyncState::Ended { message, waiting } => Self::Ended { message, waiting },
        }
    }
}

/// First run: where the clinic is, the code the therapist gave, and names for this device and its user.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PairInput {
    pub server_url: String,
    pub code: String,
    pub device_name: String,
    pub caregiver: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TodayChildView {
    pub child_id: String,
    pub name: String,
    /// The child's local date, `YYYY-MM-DD`.
    pub date: String,
    pub groups: Vec<TodayGroupView>,
    /// Set when the clinic discharged the child: the last day of the home program, `YYYY-MM-DD`. The screen
    /// then says the program ended instead of listing activities.
    pub ended_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SlotView {
    Moment {
        moment: FamilyMoment,
    },
    /// A clock time, `HH:MM`.
    At {
        time: String,
    },
    Anytime,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TodayGroupView {
    pub slot: SlotView,
    /// The family's clock time for it, `HH:MM`.
    pub clock: Option<String>,
    pub items: Vec<TodayItemView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct StepView {
    /// A media reference for the `media` command.
    pub picture: String,
    pub caption: String,
    /// The therapist's recorded voice reading the step: a media reference for the `media` command.
    pub voice_prompt: Option<String>,
    /// A short demonstration video: a media reference for the `media` command.
    pub video: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DosageView {
    pub reps: Option<u16>,
    pub sets: Option<u16>,
    pub hold_seconds: Option<u16>,
    pub duration_seconds: Option<u16>,
}

impl From<&Dosage> for DosageView {
    fn from(d: &Dosage) -> Self {
        Self { reps: d.reps, sets: d.sets, hold_seconds: d.hold_seconds, duration_seconds: d.duration_seconds }
    }
}

/// Where a tick belongs: the same activity at the same time of day on the same date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SlotKey {
    pub child_id: String,
    pub assignment_id: String,
    pub exercise_id: String,
    /// `YYYY-MM-DD`
    pub date: String,
    pub slot: u8,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TodayItemView {
    pub key: SlotKey,
    pub title: String,
    pub kid_title: String,
    pub steps: Vec<StepView>,
    pub dosage: DosageView,
    pub note: Option<String>,
    pub routine_title: Option<String>,
    pub then_reward: Option<String>,
    pub log: Option<LogView>,
}

/// The optional follow-up: never forced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DetailsView {
    pub actual_reps: Option<u16>,
    pub actual_seconds: Option<u32>,
    pub difficulty: Option<Difficulty>,
    pub mood: Option<Mood>,
    /// A plain "yes"; with a score, the score decides.
    pub pain: bool,
    /// 0–10; the faces stand for 0, 2, 4, 6, 8 and 10.
    pub pain_score: Option<PainScore>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct LogView {
    pub id: String,
    pub outcome: Outcome,
    pub details: DetailsView,
    /// "Mum", or "Kid mode".
    pub recorded_by: String,
    pub by_kid: bool,
    pub undone: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RecordInput {
    pub key: SlotKey,
    pub outcome: Outcome,
    pub details: DetailsView,
    /// Recorded by kid mode rather than the caregiver.
    pub by_kid: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct EditInput {
    pub log_id: String,
    pub outcome: Outcome,
    pub details: DetailsView,
}

/// A picture as a `data:` URL, ready for `<img src>`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MediaView {
    pub data_url: String,
}

/// Every failure, in words a parent can act on, with a kind the screens can branch on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A value typed in is not acceptable (see the message).
    Invalid,
    NotPaired,
    AlreadyPaired,
    /// The server cannot be reached.
    Offline,
    /// The pairing code is wrong.
    CodeWrong,
    /// The pairing code has expired or was already used.
    CodeExpired,
    /// The address answered, but not as a homeplay server (a typo in its path, another website).
    NotHomeplay,
    /// The server speaks another protocol version: one of the two needs updating.
    WrongVersion,
    /// Too many attempts: wait a little.
    RateLimited,
    /// The device was revoked or the server refused it.
    Refused,
    NotFound,
    UnsentLogs,
    /// Anything else: a local problem with the app's data.
    Internal,
}

impl CommandError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Invalid, message: message.into() }
    }
}

impl From<DeviceError> for CommandError {
    fn from(e: DeviceError) -> Self {
        use homeplay_core::sync::ErrorCode;
        let kind = match &e {
            DeviceError::Invalid(_) => ErrorKind::Invalid,
            DeviceError::NotPaired => ErrorKind::NotPaired,
            DeviceError::AlreadyPaired => ErrorKind::AlreadyPaired,
            DeviceError::Offline(_) => ErrorKind::Offline,
            DeviceError::NotHomeplay(_) => ErrorKind::NotHomeplay,
            DeviceError::NotFound(_) => ErrorKind::NotFound,
            DeviceError::UnsentLogs(_) => ErrorKind::UnsentLogs,
            DeviceError::Server(api) => match api.error {
                ErrorCode::NotFound | ErrorCode::Unauthorized => ErrorKind::CodeWrong,
                ErrorCode::Gone => ErrorKind::CodeExpired,
                ErrorCode::ProtocolUnsupported => ErrorKind::WrongVersion,
                ErrorCode::RateLimited => ErrorKind::RateLimited,
                ErrorCode::Invalid | ErrorCode::BadRequest => ErrorKind::Invalid,
                ErrorCode::Internal | ErrorCode::Unavailable => ErrorKind::Offline,
                _ => ErrorKind::Refused,
            },
            DeviceError::Protocol(_) => ErrorKind::WrongVersion,
            DeviceError::Ended(_) => ErrorKind::Refused,
            _ => ErrorKind::Internal,
        };
        Self { kind, message: e.to_string() }
    }
}

impl From<&CompletionLog> for LogView {
    fn from(l: &CompletionLog) -> Self {
        let (recorded_by, by_kid) = match &l.recorded_by {
            Recorder::Caregiver { name, .. } => (name.as_str().to_owned(), false),
            Recorder::KidMode => ("Kid mode".to_owned(), true),
        };
        Self {
            id: l.id.to_string(),
            outcome: l.outcome,
            details: DetailsView {
                actual_reps: l.actual_reps,
                actual_seconds: l.actual_seconds,
                difficulty: l.difficulty,
                mood: l.mood,
                pain: l.pain,
                pain_score: l.pain_score,
                note: l.note.as_ref().map(|n| n.as_str().to_owned()),
            },
            recorded_by,
            by_kid,
            undone: l.undone,
        }
    }
}

pub(crate) fn slot_view(s: &SlotTime) -> SlotView {
    match s {
        SlotTime::Moment { moment } => SlotView::Moment { moment: *moment },
        SlotTime::At { time } => SlotView::At { time: time.format("%H:%M").to_string() },
        SlotTime::Anytime => SlotView::Anytime,
    }
}

fn item_view(child_id: &str, i: &TodayItem) -> TodayItemView {
    TodayItemView {
        key: SlotKey {
            child_id: child_id.to_owned(),
            assignment_id: i.expected.assignment_id.to_string(),
            exercise_id: i.expected.exercise_id.to_string(),
            date: i.expected.occurrence.date.to_string(),
            slot: i.expected.occurrence.slot,
        },
        title: i.exercise.title.as_str().to_owned(),
        kid_title: i.exercise.kid_title.as_str().to_owned(),
        steps: i
            .exercise
            .steps
            .iter()
            .map(|s| StepView {
                picture: s.picture.as_str().to_owned(),
                caption: s.caption.as_str().to_owned(),
                voice_prompt: s.voice_prompt.as_ref().map(|m| m.as_str().to_owned()),
                video: s.video.as_ref().map(|m| m.as_str().to_owned()),
            })
            .collect(),
        dosage: (&i.dosage).into(),
        note: i.note_for_family.as_ref().map(|n| n.as_str().to_owned()),
        routine_title: i.routine_title.as_ref().map(|t| t.as_str().to_owned()),
        then_reward: i.then_reward.as_ref().map(|r| r.label.as_str().to_owned()),
        log: i.log.as_ref().map(LogView::from),
    }
}

impl From<&TodayChild> for TodayChildView {
    fn from(c: &TodayChild) -> Self {
        let child_id = c.child.id.to_string();
        Self {
            name: c.child.display_name.as_str().to_owned(),
            date: c.date.to_string(),
            ended_on: c.child.discharged_on.map(|d| d.to_string()),
            groups: c
                .groups
                .iter()
                .map(|g| TodayGroupView {
                    slot: slot_view(&g.slot_time),
                    clock: g.clock.map(|t| t.format("%H:%M").to_string()),
                    items: g.items.iter().map(|i| item_view(&child_id, i)).collect(),
                })
                .collect(),
            child_id,
        }
    }
}
