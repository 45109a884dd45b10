//! Completion logs: what a family recorded about one expected occurrence. A log is never deleted; every edit,
//! undo included, is a new version of the whole record that wins by its clock stamp.

use crate::error::{Checker, Problem, Validate, ValidationError};
use crate::hlc::Hlc;
use crate::ids::{AssignmentId, CaregiverId, ChildId, DeviceId, ExerciseId, LogId};
use crate::pain::PainScore;
use crate::text::{Name, Note};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// One expected time of practice: a local date in the family's zone and the index of the assignment's slot.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Occurrence {
    /// The family's local date. From 2000-01-01 to 2100-12-31.
    pub date: NaiveDate,
    pub slot: u8,
}

/// Why something was not done. Recorded so the therapist sees a reason, not silence.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotDoneReason {
    Sick,
    Refused,
    NoTime,
    Other,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields, try_from = "OutcomeWire")]
pub enum Outcome {
    Done,
    Partly,
    NotDone { reason: NotDoneReason },
}

/// An outcome as it arrives. serde's internally tagged unit variants ignore extra keys, so `{"status": "done",
/// "reason": "sick"}` would lose its reason without a word: read both keys, then insist on the shape.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeWire {
    status: OutcomeStatus,
    #[serde(default)]
    reason: Option<NotDoneReason>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum OutcomeStatus {
    Done,
    Partly,
    NotDone,
}

impl TryFrom<OutcomeWire> for Outcome {
    type Error = String;

    fn try_from(w: OutcomeWire) -> Result<Self, Self::Error> {
        match (w.status, w.reason) {
            (OutcomeStatus::Done, None) => Ok(Self::Done),
            (OutcomeStatus::Partly, None) => Ok(Self::Partly),
            (OutcomeStatus::NotDone, Some(reason)) => Ok(Self::NotDone { reason }),
            (OutcomeStatus::NotDone, None) => Err("missing field `reason`: a not_done outcome needs one".into()),
            (_, Some(_)) => Err("reason: only a not_done outcome has a reason".into()),
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    Easy,
    JustRight,
    Hard,
}

/// How the child seemed, picked from faces.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mood {
    Happy,
    Okay,
    Tired,
    Frustrated,
    Upset,
}

/// Who recorded this version of the log.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Recorder {
    Caregiver {
        name: Name,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caregiver_id: Option<CaregiverId>,
    },
    /// The child, finishing an activity in kid mode.
    KidMode,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompletionLog {
    /// Made by the device that first recorded it; a UUIDv7. Every version of the log keeps it.
    pub id: LogId,
    pub child_id: ChildId,
    pub assignment_id: AssignmentId,
    pub exercise_id: ExerciseId,
    pub occurrence: Occurrence,
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_reps: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<Difficulty>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mood: Option<Mood>,
    /// The child showed pain or discomfort. Kept beside `pain_score` for logs recorded before the scale and
    /// for readers that only know yes or no: a client that records a score sets it to `score > 0`. A log
    /// reports pain when this is true or its score is above 0 ([`CompletionLog::reports_pain`]).
    #[serde(default)]
    pub pain: bool,
    /// How much it hurt, 0–10, when the family answered on the scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pain_score: Option<PainScore>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
    pub recorded_by: Recorder,
    /// The device that made this version.
    pub device_id: DeviceId,
    /// When this version was made; the newest version wins.
    pub hlc: Hlc,
    /// Undo: the log stays, marked as withdrawn, so that the undo itself syncs and merges like any edit.
    #[serde(default)]
    pub undone: bool,
}

impl CompletionLog {
    pub const MAX_ACTUAL_REPS: i64 = 1000;
    pub const MAX_ACTUAL_SECONDS: i64 = 4 * 60 * 60;

    /// Whether this version tells of pain: the old "yes" or a score above 0 (a "yes" without a score still
    /// raises the therapist's flag).
    pub fn reports_pain(&self) -> bool {
        self.pain || self.pain_score.is_some_and(PainScore::hurts)
    }

    /// Whether this log counts: an undone log is kept but does not count as a record of practice.
    pub fn counts(&self) -> bool {
        !self.undone
    }

    /// Orders two versions of the same log: the later clock wins, ties go to the greater device id, and
    /// (for two versions that claim the same clock and device, which a correct device never makes) the
    /// content decides, so that the order is total and every replica picks the same winner.
    pub fn version_cmp(&self, other: &CompletionLog) -> Ordering {
        (self.hlc, self.device_id).cmp(&(other.hlc, other.device_id)).then_with(|| {
            let a = serde_json::to_string(self).unwrap_or_default();
            let b = serde_json::to_string(other).unwrap_or_default();
            a.cmp(&b)
        })
    }
}

/// Two logs with different ids cannot be merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot merge log {0} with log {1}")]
pub struct DifferentLogs(pub LogId, pub LogId);

/// The merge rule for concurrent versions of one log: last writer wins by (HLC, device id). It is
/// commutative, associative and idempotent, so replicas agree whatever order versions arrive in.
pub fn merge(a: CompletionLog, b: CompletionLog) -> Result<CompletionLog, DifferentLogs> {
    if a.id != b.id {
        return Err(DifferentLogs(a.id, b.id));
    }
    Ok(if a.version_cmp(&b) == Ordering::Less { b } else { a })
}

impl Validate for CompletionLog {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.ensure(self.id.is_v7(), "id", || Problem::Invalid { reason: "must be a UUIDv7".into() });
        c.date("occurrence.date", self.occurrence.date);
        c.range("occurrence.slot", Some(self.occurrence.slot), 0, 2);
        c.range("actual_reps", self.actual_reps, 0, Self::MAX_ACTUAL_REPS);
        c.range("actual_seconds", self.actual_seconds, 0, Self::MAX_ACTUAL_SECONDS);
        c.range("pain_score", self.pain_score, i64::from(PainScore::MIN), i64::from(PainScore::MAX));
        c.ensure(!(self.pain && self.pain_score.is_some_and(|s| !s.hurts())), "pain_score", || Problem::Invalid {
            reason: "0 means no hurt, but pain is true".into(),
        });
        c.finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use uuid::Uuid;

    pub(crate) fn log(date: NaiveDate, outcome: Outcome) -> CompletionLog {
        CompletionLog {
            id: LogId::new_v7(),
            child_id: ChildId(Uuid::nil()),
            assignment_id: AssignmentId(Uuid::nil()),
            exercise_id: ExerciseId::builtin("bear-walk"),
            occurrence: Occurrence { date, slot: 0 },
            outcome,
            actual_reps: None,
            actual_seconds: None,
            difficulty: None,
            mood: None,
            pain: false,
            pain_score: None,
            note: None,
            recorded_by: Recorder::Caregiver { name: Name::new("Mum").unwrap(), caregiver_id: None },
            device_id: DeviceId(Uuid::nil()),
            hlc: Hlc::new(1, 0),
            undone: false,
        }
    }

    #[test]
    fn later_edit_wins_in_either_order() {
        let a = log(NaiveDate::MIN, Outcome::Done);
        let mut b = a.clone();
        b.outcome = Outcome::Partly;
        b.hlc = Hlc::new(2, 0);
        assert_eq!(merge(a.clone(), b.clone()).unwrap(), b);
        assert_eq!(merge(b.clone(), a).unwrap(), b);
    }

    #[test]
    fn clock_tie_goes_to_greater_device() {
        let a = log(NaiveDate::MIN, Outcome::Done);
        let mut b = a.clone();
        b.device_id = DeviceId(Uuid::max());
        b.outcome = Outcome::NotDone { reason: NotDoneReason::Sick };
        assert_eq!(merge(a.clone(), b.clone()).unwrap(), b);
        assert_eq!(merge(b.clone(), a).unwrap(), b);
    }

    #[test]
    fn different_logs_do_not_merge() {
        let a = log(NaiveDate::MIN, Outcome::Done);
        let b = log(NaiveDate::MIN, Outcome::Done);
        assert!(merge(a, b).is_err());
    }

    #[test]
    fn validation_names_fields() {
        let mut l = log(NaiveDate::MIN, Outcome::Done);
        l.id = LogId(Uuid::new_v5(&Uuid::nil(), b"not time-ordered"));
        l.occurrence.slot = 3;
        l.actual_seconds = Some(5 * 60 * 60);
        let fields: Vec<_> = l.validate().unwrap_err().problems.into_iter().map(|p| p.field).collect();
        // Finding 5 of the security review: a date out of 2000–2100 is refused like any other bad value.
        assert_eq!(fields, ["id", "occurrence.date", "occurrence.slot", "actual_seconds"]);
    }

    #[test]
    fn pain_score_is_checked_and_relates_to_pain() {
        let mut l = log(NaiveDate::MIN, Outcome::Done);
        l.occurrence.date = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        assert!(!l.reports_pain());
        l.pain = true;
        assert!(l.reports_pain(), "a yes without a score, as logs before the scale");
        l.pain = false;
        l.pain_score = Some(PainScore::new(4).unwrap());
        assert!(l.reports_pain(), "a score above 0 is pain even where pain was left false");
        l.pain_score = Some(PainScore::new(0).unwrap());
        assert!(!l.reports_pain());
        l.validate().unwrap();
        l.pain = true;
        assert_eq!(l.validate().unwrap_err().field(), "pain_score", "pain with a score of 0 contradicts itself");
        let mut json = serde_json::to_value(&l).unwrap();
        json["pain"] = false.into();
        json["pain_score"] = 11.into();
        let read: CompletionLog = serde_json::from_value(json).unwrap();
        let e = read.validate().unwrap_err();
        assert_eq!(e.field(), "pain_score");
        // Logs recorded before the scale read as they were.
        let mut old = serde_json::to_value(log(NaiveDate::MIN, Outcome::Done)).unwrap();
        old.as_object_mut().unwrap().remove("pain_score");
        assert_eq!(serde_json::from_value::<CompletionLog>(old).unwrap().pain_score, None);
    }

    #[test]
    fn outcome_json_shape() {
        let v = serde_json::to_value(Outcome::NotDone { reason: NotDoneReason::NoTime }).unwrap();
        assert_eq!(v, serde_json::json!({"status": "not_done", "reason": "no_time"}));
        assert!(serde_json::from_value::<Outcome>(serde_json::json!({"status": "not_done"})).is_err());
        assert!(serde_json::from_value::<Outcome>(serde_json::json!({"status": "done", "reason": "sick"})).is_err());
        assert!(serde_json::from_value::<Outcome>(serde_json::json!({"status": "partly", "reason": "sick"})).is_err());
        assert!(serde_json::from_value::<Outcome>(serde_json::json!({"status": "done", "extra": 1})).is_err());
        assert_eq!(serde_json::from_value::<Outcome>(serde_json::json!({"status": "done"})).unwrap(), Outcome::Done);
        assert_eq!(
            serde_json::from_value::<Outcome>(serde_json::json!({"reason": "sick", "status": "not_done"})).unwrap(),
            Outcome::NotDone { reason: NotDoneReason::Sick }
        );
    }

    mod merge_laws {
        use super::*;
        use proptest::prelude::*;

        /// Versions of one log as several devices might make them: few clocks and devices, so ties happen.
        fn version(base: CompletionLog) -> impl Strategy<Value = CompletionLog> {
            (0u64..4, 0u32..3, 0u128..3, 0u8..4, any::<bool>(), prop::option::of("[a-z ]{1,12}")).prop_map(
                move |(wall, counter, device, outcome, undone, note)| {
                    let mut v = base.clone();
                    v.hlc = Hlc::new(wall, counter);
                    v.device_id = DeviceId(Uuid::from_u128(device));
                    v.outcome = match outcome {
                        0 => Outcome::Done,
                        1 => Outcome::Partly,
                        2 => Outcome::NotDone { reason: NotDoneReason::Sick },
                        _ => Outcome::NotDone { reason: NotDoneReason::Refused },
                    };
                    v.undone = undone;
                    v.note = note.and_then(|n| Note::new(n).ok());
                    v
                },
            )
        }

        fn versions() -> impl Strategy<Value = Vec<CompletionLog>> {
            let base = log(NaiveDate::MIN, Outcome::Done);
            prop::collection::vec(version(base), 1..8)
        }

        fn m(a: &CompletionLog, b: &CompletionLog) -> CompletionLog {
            merge(a.clone(), b.clone()).unwrap()
        }

        proptest! {
            #[test]
            fn commutative(v in versions(), i in 0usize..8, j in 0usize..8) {
                let (a, b) = (&v[i % v.len()], &v[j % v.len()]);
                prop_assert_eq!(m(a, b), m(b, a));
            }

            #[test]
            fn associative(v in versions(), i in 0usize..8, j in 0usize..8, k in 0usize..8) {
                let (a, b, c) = (&v[i % v.len()], &v[j % v.len()], &v[k % v.len()]);
                prop_assert_eq!(m(&m(a, b), c), m(a, &m(b, c)));
            }

            #[test]
            fn idempotent(v in versions(), i in 0usize..8) {
                let a = &v[i % v.len()];
                prop_assert_eq!(&m(a, a), a);
            }

            /// Replicas that receive the same versions in any order, with repeats, end with the same log.
            #[test]
            fn order_and_duplicates_do_not_matter(v in versions(), seed in any::<u64>()) {
                let fold = |items: &[CompletionLog]| items.iter().skip(1).fold(items[0].clone(), |acc, x| m(&acc, x));
                let forward = fold(&v);
                let mut shuffled = v.clone();
                shuffled.extend(v.iter().cloned());
                // A cheap deterministic shuffle from the seed.
                let n = shuffled.len();
                for i in 0..n {
                    let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % n as u64) as usize;
                    shuffled.swap(i, j);
                }
                prop_assert_eq!(fold(&shuffled), forward);
            }
        }
    }
}
