//! Pain on a 0–10 scale: what a family records after an activity, and the flag a therapist sees until they
//! mark it seen.
//!
//! Any whole number from 0 to 10 is a score. The family screens offer either the six faces of a
//! Wong-Baker-style row (0, 2, 4, 6, 8, 10: "No hurt" … "Hurts worst") or the eleven numbers, as the family
//! chooses; both record the same scale, so the server and the graphs need not know which one was shown.

use crate::error::{Problem, ValidationError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A pain score from 0 (no hurt) to 10 (hurts worst).
///
/// It reads any small whole number so that an out-of-range score reaches validation and is refused there
/// with the field it came in (`pain_score`), not as an unreadable body; [`PainScore::new`] is the checked
/// way in, and a validated completion log holds only scores from 0 to 10.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PainScore(u8);

impl PainScore {
    pub const MIN: u8 = 0;
    pub const MAX: u8 = 10;
    /// The scores the faces stand for, in order.
    pub const FACES: [u8; 6] = [0, 2, 4, 6, 8, 10];
    /// At or above this score the family is told to stop the activity and tell their therapist, unless the
    /// clinic set its own threshold ([`crate::clinic::ClinicSettings::pain_advice_at`]): 6 is the face "Hurts
    /// even more", where the scale's own guidance stops treating the hurt as mild.
    pub const ADVICE_AT: u8 = 6;

    pub fn new(value: u8) -> Result<Self, ValidationError> {
        let score = Self(value);
        if score.in_range() {
            Ok(score)
        } else {
            Err(ValidationError::single(
                "pain_score",
                Problem::OutOfRange { min: i64::from(Self::MIN), max: i64::from(Self::MAX) },
            ))
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }

    pub(crate) fn in_range(self) -> bool {
        (Self::MIN..=Self::MAX).contains(&self.0)
    }

    /// Whether this score means some hurt at all.
    pub fn hurts(self) -> bool {
        self.0 > 0
    }

    /// Whether the family should stop the activity and tell their therapist, under the clinic's threshold
    /// `advice_at` (1–10).
    pub fn needs_advice(self, advice_at: u8) -> bool {
        self.0 >= advice_at
    }
}

impl From<PainScore> for i64 {
    fn from(s: PainScore) -> Self {
        i64::from(s.0)
    }
}

/// One log that reported pain and that the therapist has not yet marked seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PainReport {
    /// The occurrence's local date.
    pub date: NaiveDate,
    /// `None` for a plain "pain: yes" (a log recorded before the scale, or by a client without it).
    pub score: Option<PainScore>,
}

impl PainReport {
    /// Whether this report raises the therapist's flag under the clinic's threshold `advice_at`: a score at or
    /// above it (the family was told to stop and tell their therapist), or a plain "yes" whose hurt is not
    /// known. A lower score is kept and shown, but is not something to act on before the next visit.
    pub fn flags(&self, advice_at: u8) -> bool {
        self.score.is_none_or(|s| s.needs_advice(advice_at))
    }
}

/// The pain flag from the reports not yet marked seen that reach the clinic's threshold `advice_at` (see
/// [`PainReport::flags`]): how many, the highest score and its date (the latest such report; the latest report
/// of all when none has a score). `None` when none does.
pub fn pain_flag(unseen: &[PainReport], advice_at: u8) -> Option<crate::adherence::Flag> {
    let flagged = || unseen.iter().filter(|r| r.flags(advice_at));
    let worst = flagged().max_by_key(|r| (r.score, r.date))?;
    Some(crate::adherence::Flag::Pain { times: flagged().count() as u32, worst: worst.score, on: worst.date })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adherence::Flag;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2030, 3, day).unwrap()
    }

    #[test]
    fn scores_outside_zero_to_ten_are_refused_naming_the_field() {
        assert_eq!(PainScore::new(10).unwrap().value(), 10);
        assert_eq!(PainScore::new(0).unwrap().value(), 0);
        let e = PainScore::new(11).unwrap_err();
        assert_eq!(e.field(), "pain_score");
        // Odd scores are scores too: the numbers row offers them.
        assert_eq!(PainScore::new(7).unwrap().value(), 7);
    }

    #[test]
    fn advice_starts_at_the_clinics_threshold() {
        let advice =
            |at: u8| -> Vec<u8> { (0..=10).filter(|v| PainScore::new(*v).unwrap().needs_advice(at)).collect() };
        assert_eq!(advice(PainScore::ADVICE_AT), [6, 7, 8, 9, 10]);
        assert_eq!(advice(4), [4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(advice(10), [10]);
        assert!(!PainScore::new(0).unwrap().hurts());
    }

    #[test]
    fn the_flag_counts_only_reports_at_or_above_the_threshold() {
        let s = |v| Some(PainScore::new(v).unwrap());
        let reports = [PainReport { date: d(1), score: s(4) }, PainReport { date: d(2), score: s(2) }];
        assert_eq!(pain_flag(&reports, 6), None, "a 4 and a 2 stay below the default 6");
        assert_eq!(pain_flag(&reports, 4), Some(Flag::Pain { times: 1, worst: s(4), on: d(1) }));
        assert_eq!(pain_flag(&reports, 1), Some(Flag::Pain { times: 2, worst: s(4), on: d(1) }));
        // A plain "yes" does not say how much it hurts: it is flagged whatever the threshold.
        let plain = [PainReport { date: d(3), score: None }];
        assert_eq!(pain_flag(&plain, 10), Some(Flag::Pain { times: 1, worst: None, on: d(3) }));
    }

    #[test]
    fn the_flag_carries_the_highest_score_and_its_date() {
        let s = |v| Some(PainScore::new(v).unwrap());
        assert_eq!(pain_flag(&[], 6), None);
        let reports = [
            PainReport { date: d(1), score: s(8) },
            PainReport { date: d(2), score: None },
            PainReport { date: d(3), score: s(4) },
            PainReport { date: d(4), score: s(8) },
        ];
        assert_eq!(pain_flag(&reports, 6), Some(Flag::Pain { times: 3, worst: s(8), on: d(4) }));
        assert_eq!(pain_flag(&reports, 4), Some(Flag::Pain { times: 4, worst: s(8), on: d(4) }));
        // A plain "yes" without a score still raises the flag.
        let plain = [PainReport { date: d(2), score: None }, PainReport { date: d(5), score: None }];
        assert_eq!(pain_flag(&plain, 6), Some(Flag::Pain { times: 2, worst: None, on: d(5) }));
    }

    #[test]
    fn wire_shape_is_a_bare_number() {
        assert_eq!(serde_json::to_value(PainScore::new(6).unwrap()).unwrap(), serde_json::json!(6));
        // Read as it comes, so that validation can name the field.
        assert_eq!(serde_json::from_value::<PainScore>(serde_json::json!(12)).unwrap().value(), 12);
    }
}
