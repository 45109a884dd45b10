//! Therapy goals set with the family, scored with Goal Attainment Scaling (GAS), and the family's weekly
//! check-in on each goal.
//!
//! A goal's text is for the family ("puts on socks by himself"); its five GAS levels are the therapist's
//! yardstick, with level 0 the expected outcome by the target date. Goals are never deleted: a goal that was
//! met, changed or dropped keeps its history of versions and reviews, so a report can say what was aimed at
//! and when.

use crate::adherence::week_start;
use crate::error::{Checker, Problem, Validate, ValidationError};
use crate::hlc::Hlc;
use crate::ids::{ChildId, DeviceId, GoalCheckInId, GoalId, GoalReviewId, TherapistId};
use crate::skill::{Discipline, SkillArea};
use crate::text::{Name, Note, Title};
use crate::time::TimeZoneName;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A Goal Attainment Scaling score, −2 … +2, sent as that number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i8", into = "i8")]
pub struct GasScore(i8);

impl GasScore {
    pub const MIN: i8 = -2;
    pub const MAX: i8 = 2;
    /// The expected outcome: the goal reached as set.
    pub const EXPECTED: GasScore = GasScore(0);
    pub const ALL: [GasScore; 5] = [GasScore(-2), GasScore(-1), GasScore(0), GasScore(1), GasScore(2)];

    pub fn new(score: i8) -> Result<Self, ValidationError> {
        if (Self::MIN..=Self::MAX).contains(&score) {
            Ok(Self(score))
        } else {
            Err(ValidationError::single("score", Problem::OutOfRange { min: Self::MIN.into(), max: Self::MAX.into() }))
        }
    }

    pub fn value(self) -> i8 {
        self.0
    }

    /// At or past the expected outcome.
    pub fn attained(self) -> bool {
        self.0 >= 0
    }
}

impl TryFrom<i8> for GasScore {
    type Error = ValidationError;
    fn try_from(v: i8) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl From<GasScore> for i8 {
    fn from(s: GasScore) -> i8 {
        s.0
    }
}

/// The therapist's words for each GAS level of one goal.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GasScale {
    /// −2: much less than expected (often where the child is now).
    pub much_less: Note,
    /// −1: somewhat less than expected.
    pub less: Note,
    /// 0: the expected outcome by the target date.
    pub expected: Note,
    /// +1: somewhat more than expected.
    pub more: Note,
    /// +2: much more than expected.
    pub much_more: Note,
}

impl GasScale {
    pub fn describe(&self, score: GasScore) -> &Note {
        match score.0 {
            ..=-2 => &self.much_less,
            -1 => &self.less,
            0 => &self.expected,
            1 => &self.more,
            _ => &self.much_more,
        }
    }
}

impl Validate for GasScale {
    fn validate(&self) -> Result<(), ValidationError> {
        // Two levels with the same words cannot be told apart when scoring.
        let mut c = Checker::new();
        let levels: Vec<(&str, &str)> = [
            ("much_less", &self.much_less),
            ("less", &self.less),
            ("expected", &self.expected),
            ("more", &self.more),
            ("much_more", &self.much_more),
        ]
        .iter()
        .map(|(f, n)| (*f, n.as_str()))
        .collect();
        for (i, (field, text)) in levels.iter().enumerate() {
            if levels[..i].iter().any(|(_, t)| t.eq_ignore_ascii_case(text)) {
                c.fail(*field, Problem::Duplicate { value: (*text).to_owned() });
            }
        }
        c.finish()
    }
}

/// Where a goal stands. Only an active goal is reviewed, linked to new program items and asked about.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    Active,
    /// Reached; kept for the record.
    Met,
    /// Replaced by a rewritten goal (named in `replaced_by`).
    Changed,
    /// No longer worked on.
    Dropped,
}

/// A functional goal for one child.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    pub id: GoalId,
    pub child_id: ChildId,
    /// In plain words, for the family: "Puts on socks by himself".
    pub text: Title,
    pub discipline: Discipline,
    /// One to eight skill areas, each at most once.
    pub areas: Vec<SkillArea>,
    /// Where the child is when the goal is set: "needs hand-over-hand help".
    pub baseline: Note,
    pub scale: GasScale,
    /// From 2000-01-01 to 2100-12-31.
    pub start_date: NaiveDate,
    /// From 2000-01-01 to 2100-12-31.
    pub target_date: NaiveDate,
    pub status: GoalStatus,
    /// For a changed goal: the goal that replaced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<GoalId>,
    pub set_by: TherapistId,
    /// Counts the goal's versions from 1; each change to the goal is kept as a new version.
    pub version: u32,
    pub updated_at: DateTime<Utc>,
}

/// What the family's device receives about a goal: the goal in plain words. The therapist's yardstick (GAS
/// levels, baseline, reviews) stays at the clinic; families see what is being worked on, not a score.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyGoal {
    pub id: GoalId,
    pub child_id: ChildId,
    pub text: Title,
    pub discipline: Discipline,
    pub areas: Vec<SkillArea>,
    pub target_date: NaiveDate,
    /// A goal that is no longer active is still sent, so devices drop it from the list.
    pub status: GoalStatus,
}

impl From<&Goal> for FamilyGoal {
    fn from(g: &Goal) -> Self {
        FamilyGoal {
            id: g.id,
            child_id: g.child_id,
            text: g.text.clone(),
            discipline: g.discipline,
            areas: g.areas.clone(),
            target_date: g.target_date,
            status: g.status,
        }
    }
}

impl Validate for FamilyGoal {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.count("areas", self.areas.len(), 1, SkillArea::ALL.len());
        c.unique("areas", &self.areas);
        c.finish()
    }
}

/// A change that does not fit the goal's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GoalChangeError {
    #[error("the goal is {0:?}; only an active goal can be changed, reviewed or settled")]
    NotActive(GoalStatus),
    #[error("a goal is settled as met, changed or dropped, not as active")]
    StillActive,
}

impl Goal {
    /// The expected outcome, in the therapist's words.
    pub fn expected_outcome(&self) -> &Note {
        &self.scale.expected
    }

    /// Whether the goal can be changed or reviewed: only while it is worked on. A settled goal stays as it
    /// was, so its reviews keep meaning what they meant.
    pub fn check_active(&self) -> Result<(), GoalChangeError> {
        match self.status {
            GoalStatus::Active => Ok(()),
            other => Err(GoalChangeError::NotActive(other)),
        }
    }

    /// The goal's next version, stamped `at`: the caller changes its fields, and the old version is kept.
    pub fn next_version(&self, at: DateTime<Utc>) -> Result<Goal, GoalChangeError> {
        self.check_active()?;
        Ok(Goal { version: self.version + 1, updated_at: at, ..self.clone() })
    }

    /// Settles an active goal as met, changed (naming its replacement) or dropped, as a new version.
    /// Whether `replaced_by` is right is for [`Validate`] and the caller (same child) to say.
    pub fn settle(
        &self,
        status: GoalStatus,
        replaced_by: Option<GoalId>,
        at: DateTime<Utc>,
    ) -> Result<Goal, GoalChangeError> {
        if status == GoalStatus::Active {
            return Err(GoalChangeError::StillActive);
        }
        let mut next = self.next_version(at)?;
        next.status = status;
        next.replaced_by = replaced_by;
        Ok(next)
    }
}

/// The T-score of a child's active goals, each at its latest review (goals never reviewed are left out).
pub fn current_t_score<'a>(goals: &[Goal], reviews: impl IntoIterator<Item = &'a GoalReview>) -> Option<f64> {
    let mut latest: std::collections::BTreeMap<GoalId, &GoalReview> = Default::default();
    for r in reviews {
        let slot = latest.entry(r.goal_id).or_insert(r);
        if (r.date, r.created_at) > (slot.date, slot.created_at) {
            *slot = r;
        }
    }
    let scores: Vec<GasScore> = goals
        .iter()
        .filter(|g| g.status == GoalStatus::Active)
        .filter_map(|g| latest.get(&g.id).map(|r| r.score))
        .collect();
    gas_t_score(&scores)
}

impl Validate for Goal {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.date("start_date", self.start_date);
        c.date("target_date", self.target_date);
        c.count("areas", self.areas.len(), 1, SkillArea::ALL.len());
        c.unique("areas", &self.areas);
        c.nest("scale", self.scale.validate());
        c.ensure(self.target_date > self.start_date, "target_date", || Problem::Invalid {
            reason: "must be after the start date".into(),
        });
        c.ensure(self.version >= 1, "version", || Problem::OutOfRange { min: 1, max: i64::from(u32::MAX) });
        match (self.status, self.replaced_by) {
            (GoalStatus::Changed, None) => c.fail(
                "replaced_by",
                Problem::Invalid { reason: "a changed goal names the goal that replaced it".into() },
            ),
            (GoalStatus::Changed, Some(id)) if id == self.id => {
                c.fail("replaced_by", Problem::Invalid { reason: "a goal cannot replace itself".into() })
            }
            (GoalStatus::Active | GoalStatus::Met | GoalStatus::Dropped, Some(_)) => {
                c.fail("replaced_by", Problem::Invalid { reason: "only a changed goal is replaced".into() })
            }
            _ => {}
        }
        c.finish()
    }
}

/// A therapist's scoring of a goal on a date.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalReview {
    pub id: GoalReviewId,
    pub goal_id: GoalId,
    pub child_id: ChildId,
    pub date: NaiveDate,
    pub score: GasScore,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
    pub therapist_id: TherapistId,
    pub created_at: DateTime<Utc>,
}

/// The faces a family picks from in the weekly check-in: "How did putting on socks go this week?"
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckInFace {
    Hard,
    SoSo,
    Good,
    Great,
}

/// A family's answer to the weekly question about one goal. Made on the device offline and synced like a
/// completion log: keyed by its UUIDv7, the newest version (by HLC) wins, and an undo withdraws it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalCheckIn {
    pub id: GoalCheckInId,
    pub goal_id: GoalId,
    pub child_id: ChildId,
    /// The Monday of the week the answer is about. From 2000-01-01 to 2100-12-31.
    pub week: NaiveDate,
    pub face: CheckInFace,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
    /// The caregiver who answered, as they named themselves on the device.
    pub answered_by: Name,
    pub device_id: DeviceId,
    pub hlc: Hlc,
    #[serde(default)]
    pub undone: bool,
}

impl Validate for GoalCheckIn {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.date("week", self.week);
        c.ensure(self.week.weekday() == chrono::Weekday::Mon, "week", || Problem::Invalid {
            reason: "must be the Monday of the week".into(),
        });
        c.ensure(self.id.as_uuid().get_version_num() == 7, "id", || Problem::Invalid {
            reason: "must be a UUIDv7 made by the device".into(),
        });
        c.finish()
    }
}

/// Of several versions and answers for the same goal and week, the one that stands: the newest that was not
/// withdrawn. Two caregivers may both answer; the later answer is the family's word for the week (the same
/// clock reading on two devices goes to the greater device id, then the greater id, so the order the answers
/// come in does not matter). In goal and week order.
pub fn current_check_ins(check_ins: &[GoalCheckIn]) -> Vec<&GoalCheckIn> {
    let mut newest: std::collections::BTreeMap<GoalCheckInId, &GoalCheckIn> = Default::default();
    for c in check_ins {
        let slot = newest.entry(c.id).or_insert(c);
        if (c.hlc, c.device_id) > (slot.hlc, slot.device_id) {
            *slot = c;
        }
    }
    let mut per_week: std::collections::BTreeMap<(GoalId, NaiveDate), &GoalCheckIn> = Default::default();
    for c in newest.into_values().filter(|c| !c.undone) {
        let slot = per_week.entry((c.goal_id, c.week)).or_insert(c);
        if (c.hlc, c.device_id, c.id) > (slot.hlc, slot.device_id, slot.id) {
            *slot = c;
        }
    }
    per_week.into_values().collect()
}

/// The week a check-in answered now is about: the Monday of the child's local date in the family's zone.
pub fn check_in_week(zone: &TimeZoneName, now: DateTime<Utc>) -> NaiveDate {
    week_start(zone.local_date(now))
}

/// The family's answer about `goal` for `week` among the answers that stand ([`current_check_ins`]), if any:
/// what the goal screen shows as this week's face.
pub fn week_answer<'a>(current: &[&'a GoalCheckIn], goal: GoalId, week: NaiveDate) -> Option<&'a GoalCheckIn> {
    current.iter().find(|c| c.goal_id == goal && c.week == week).copied()
}

/// This device's own answer about `goal` for `week`, withdrawn or not: answering again the same week makes a
/// new version of it (same id) rather than a second answer. A device makes one such answer; should there be
/// several, the newest is the one to carry on.
pub fn own_answer(check_ins: &[GoalCheckIn], goal: GoalId, week: NaiveDate, device: DeviceId) -> Option<&GoalCheckIn> {
    check_ins
        .iter()
        .filter(|c| c.goal_id == goal && c.week == week && c.device_id == device)
        .max_by_key(|c| (c.hlc, c.id))
}

/// Which reviews stand: one per goal and day, the one recorded last (a double-click, or a therapist
/// correcting the day's score, leaves several). The rest are `replaced`, kept as the goal's history. Both come
/// in the order given (the store gives reviews by date).
pub fn current_reviews(reviews: &[GoalReview]) -> CurrentReviews {
    let mut latest: std::collections::HashMap<(GoalId, NaiveDate), &GoalReview> = Default::default();
    for r in reviews {
        let slot = latest.entry((r.goal_id, r.date)).or_insert(r);
        if (r.created_at, r.id) > (slot.created_at, slot.id) {
            *slot = r;
        }
    }
    let (current, replaced) = reviews.iter().cloned().partition(|r| latest[&(r.goal_id, r.date)].id == r.id);
    CurrentReviews { current, replaced }
}

/// The reviews that stand and those later ones on the same day replaced: see [`current_reviews`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CurrentReviews {
    pub current: Vec<GoalReview>,
    pub replaced: Vec<GoalReview>,
}

/// The combined GAS T-score of several goals (Kiresuk & Sherman), with equal weights and the customary
/// inter-goal correlation of 0.3: 50 means every goal at its expected outcome, 10 points per standard
/// deviation. None when there is no score.
pub fn gas_t_score(scores: &[GasScore]) -> Option<f64> {
    const RHO: f64 = 0.3;
    if scores.is_empty() {
        return None;
    }
    let n = scores.len() as f64;
    let sum: f64 = scores.iter().map(|s| f64::from(s.0)).sum();
    // With unit weights: Σw² = n and (Σw)² = n².
    let denominator = ((1.0 - RHO) * n + RHO * n * n).sqrt();
    Some(50.0 + 10.0 * sum / denominator)
}

/// How a goal moves beside the practice that serves it; the dashboard shows these four apart, because "no
/// progress with little practice" calls for a talk about routines, "no progress with lots of practice" for a
/// change of program.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalTrend {
    /// Fewer than two reviews: nothing to compare yet.
    NotEnoughReviews,
    ProgressWithPractice,
    ProgressWithLittlePractice,
    NoProgressWithLittlePractice,
    NoProgressDespitePractice,
}

/// The adherence rate from which practice counts as "regular".
pub const REGULAR_PRACTICE: f64 = 0.6;

/// Classifies a goal's reviews (any order) against the adherence of its linked exercises over the same time
/// (`None` when nothing linked was scheduled, which counts as little practice).
pub fn goal_trend(reviews: &[GoalReview], linked_adherence: Option<f64>) -> GoalTrend {
    let mut dated: Vec<&GoalReview> = reviews.iter().collect();
    dated.sort_by_key(|r| (r.date, r.created_at));
    let (Some(first), Some(last)) = (dated.first(), dated.last()) else { return GoalTrend::NotEnoughReviews };
    if dated.len() < 2 {
        return GoalTrend::NotEnoughReviews;
    }
    let progress = last.score > first.score;
    let practice = linked_adherence.is_some_and(|a| a >= REGULAR_PRACTICE);
    match (progress, practice) {
        (true, true) => GoalTrend::ProgressWithPractice,
        (true, false) => GoalTrend::ProgressWithLittlePractice,
        (false, false) => GoalTrend::NoProgressWithLittlePractice,
        (false, true) => GoalTrend::NoProgressDespitePractice,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::hlc::Hlc;
    use uuid::Uuid;

    fn note(s: &str) -> Note {
        Note::new(s).unwrap()
    }

    fn scale() -> GasScale {
        GasScale {
            much_less: note("Needs hand-over-hand help"),
            less: note("Pulls socks up once started"),
            expected: note("Puts on socks with one verbal prompt"),
            more: note("Puts on socks alone"),
            much_more: note("Puts on socks and shoes alone"),
        }
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn goal() -> Goal {
        Goal {
            id: GoalId::new_v7(),
            child_id: ChildId::new_v7(),
            text: Title::new("Puts on socks by himself").unwrap(),
            discipline: Discipline::Ot,
            areas: vec![SkillArea::SelfCare, SkillArea::FineMotor],
            baseline: note("Needs hand-over-hand help"),
            scale: scale(),
            start_date: date("2026-09-01"),
            target_date: date("2026-12-01"),
            status: GoalStatus::Active,
            replaced_by: None,
            set_by: TherapistId::new_v7(),
            version: 1,
            updated_at: DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
        }
    }

    #[test]
    fn gas_scores_outside_minus_two_to_two_are_refused_by_name() {
        assert!(GasScore::new(-2).is_ok() && GasScore::new(2).is_ok());
        for bad in [-3, 3, i8::MIN, i8::MAX] {
            let e = GasScore::new(bad).unwrap_err();
            assert_eq!(e.field(), "score");
        }
        let parsed: Result<GasScore, _> = serde_json::from_str("3");
        assert!(parsed.is_err());
        assert_eq!(serde_json::to_string(&GasScore::new(-1).unwrap()).unwrap(), "-1");
    }

    #[test]
    fn a_scale_describes_each_level() {
        let s = scale();
        assert_eq!(s.describe(GasScore::new(-2).unwrap()).as_str(), "Needs hand-over-hand help");
        assert_eq!(s.describe(GasScore::EXPECTED).as_str(), "Puts on socks with one verbal prompt");
        assert_eq!(s.describe(GasScore::new(2).unwrap()).as_str(), "Puts on socks and shoes alone");
        assert!(GasScore::EXPECTED.attained() && !GasScore::new(-1).unwrap().attained());
    }

    #[test]
    fn a_scale_with_two_levels_worded_alike_is_refused() {
        let mut s = scale();
        s.more = note("puts on socks with one verbal prompt");
        assert_eq!(s.validate().unwrap_err().field(), "more");
    }

    #[test]
    fn a_valid_goal_passes_and_each_fault_names_its_field() {
        assert!(goal().validate().is_ok());

        let mut g = goal();
        g.areas.clear();
        assert_eq!(g.validate().unwrap_err().field(), "areas");

        let mut g = goal();
        g.areas = vec![SkillArea::SelfCare, SkillArea::SelfCare];
        assert_eq!(g.validate().unwrap_err().field(), "areas[1]");

        let mut g = goal();
        g.target_date = g.start_date;
        assert_eq!(g.validate().unwrap_err().field(), "target_date");

        let mut g = goal();
        g.scale.less = g.scale.much_less.clone();
        assert_eq!(g.validate().unwrap_err().field(), "scale.less");

        let mut g = goal();
        g.status = GoalStatus::Changed;
        assert_eq!(g.validate().unwrap_err().field(), "replaced_by");
        g.replaced_by = Some(g.id);
        assert_eq!(g.validate().unwrap_err().field(), "replaced_by");
        g.replaced_by = Some(GoalId::new_v7());
        assert!(g.validate().is_ok());

        let mut g = goal();
        g.replaced_by = Some(GoalId::new_v7());
        assert_eq!(g.validate().unwrap_err().field(), "replaced_by");
    }

    #[test]
    fn a_goal_round_trips_through_json_and_unknown_fields_are_refused() {
        let g = goal();
        let json = serde_json::to_value(&g).unwrap();
        assert_eq!(json["scale"]["expected"], "Puts on socks with one verbal prompt");
        assert_eq!(serde_json::from_value::<Goal>(json.clone()).unwrap(), g);
        let mut extra = json;
        extra["surprise"] = serde_json::json!(1);
        assert!(serde_json::from_value::<Goal>(extra).is_err());
    }

    #[test]
    fn the_family_receives_a_goal_in_plain_words_as_a_goal_change() {
        use crate::sync::Change;
        let g = goal();
        let change = Change::Goal(FamilyGoal::from(&g));
        let json = serde_json::to_value(&change).unwrap();
        assert_eq!(json["type"], "goal");
        assert_eq!(json["data"]["text"], "Puts on socks by himself");
        assert_eq!(json["data"]["status"], "active");
        for secret in ["scale", "baseline", "set_by", "start_date", "version"] {
            assert!(json["data"].get(secret).is_none(), "{secret} must stay at the clinic: {json}");
        }
        assert_eq!(serde_json::from_value::<Change>(json.clone()).unwrap(), change);
        assert_eq!(change.key(), ("goal", g.id.to_string()));
        // A settled goal is sent with its status, so devices stop showing it.
        let met = g.settle(GoalStatus::Met, None, g.updated_at).unwrap();
        assert_eq!(FamilyGoal::from(&met).status, GoalStatus::Met);
        let mut extra = json["data"].clone();
        extra["scale"] = serde_json::json!({});
        assert!(serde_json::from_value::<FamilyGoal>(extra).is_err());
        let mut no_areas = FamilyGoal::from(&g);
        no_areas.areas.clear();
        assert_eq!(no_areas.validate().unwrap_err().problems[0].field, "areas");
    }

    fn check_in(goal_id: GoalId, week: &str, face: CheckInFace, hlc: u64) -> GoalCheckIn {
        GoalCheckIn {
            id: GoalCheckInId::new_v7(),
            goal_id,
            child_id: ChildId(Uuid::nil()),
            week: date(week),
            face,
            note: None,
            answered_by: Name::new("Ana").unwrap(),
            device_id: DeviceId(Uuid::nil()),
            hlc: Hlc::new(hlc, 0),
            undone: false,
        }
    }

    #[test]
    fn a_check_in_is_about_a_monday_and_made_by_a_device() {
        let g = GoalId::new_v7();
        assert!(check_in(g, "2026-11-23", CheckInFace::Good, 1).validate().is_ok());
        assert_eq!(check_in(g, "2026-11-24", CheckInFace::Good, 1).validate().unwrap_err().field(), "week");
        let mut c = check_in(g, "2026-11-23", CheckInFace::Good, 1);
        c.id = GoalCheckInId(Uuid::from_u128(1));
        assert_eq!(c.validate().unwrap_err().field(), "id");
    }

    #[test]
    fn the_newest_answer_per_goal_and_week_stands_and_an_undo_withdraws_it() {
        let g = GoalId::new_v7();
        let first = check_in(g, "2026-11-23", CheckInFace::Hard, 10);
        let second = check_in(g, "2026-11-23", CheckInFace::Great, 20);
        let other_week = check_in(g, "2026-11-16", CheckInFace::SoSo, 5);
        let all = [second.clone(), first.clone(), other_week.clone()];
        let current = current_check_ins(&all);
        assert_eq!(current.len(), 2);
        assert!(current.iter().any(|c| c.id == second.id));
        assert!(current.iter().any(|c| c.id == other_week.id));

        let mut withdrawn = second.clone();
        withdrawn.undone = true;
        withdrawn.hlc = Hlc::new(30, 0);
        let all = [first.clone(), second, withdrawn];
        let current = current_check_ins(&all);
        assert_eq!(current.iter().map(|c| c.id).collect::<Vec<_>>(), vec![first.id]);
    }

    #[test]
    fn tied_answers_go_to_the_greater_device_whatever_the_order_and_a_device_carries_on_its_own() {
        let g = GoalId::new_v7();
        let mut mum = check_in(g, "2026-11-23", CheckInFace::Good, 10);
        mum.device_id = DeviceId(Uuid::from_u128(1));
        let mut dad = check_in(g, "2026-11-23", CheckInFace::Hard, 10);
        dad.device_id = DeviceId(Uuid::from_u128(2));
        for all in [[mum.clone(), dad.clone()], [dad.clone(), mum.clone()]] {
            assert_eq!(current_check_ins(&all).iter().map(|c| c.id).collect::<Vec<_>>(), vec![dad.id]);
        }
        let week = date("2026-11-23");
        let all = [mum.clone(), dad.clone()];
        let current = current_check_ins(&all);
        assert_eq!(week_answer(&current, g, week).map(|c| c.face), Some(CheckInFace::Hard));
        assert!(week_answer(&current, g, date("2026-11-30")).is_none());
        assert_eq!(own_answer(&all, g, week, mum.device_id).map(|c| c.id), Some(mum.id));
        assert!(own_answer(&all, g, week, DeviceId(Uuid::from_u128(3))).is_none());
        let tz = TimeZoneName::new("Pacific/Kiritimati").unwrap();
        // Sunday 10:00 UTC is Monday 00:00 on Kiritimati: the new week there.
        let sunday = DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(check_in_week(&tz, sunday), date("2026-11-30"));
    }

    #[test]
    fn the_t_score_is_fifty_at_expected_and_moves_with_the_scores() {
        assert_eq!(gas_t_score(&[]), None);
        let at = |v: i8| GasScore::new(v).unwrap();
        assert!((gas_t_score(&[at(0), at(0), at(0)]).unwrap() - 50.0).abs() < 1e-9);
        // One goal: T = 50 + 10x.
        assert!((gas_t_score(&[at(1)]).unwrap() - 60.0).abs() < 1e-9);
        assert!((gas_t_score(&[at(-2)]).unwrap() - 30.0).abs() < 1e-9);
        // Three goals at −1 with ρ = 0.3: 50 + 10·(−3)/√(0.7·3 + 0.3·9) = 50 − 30/√4.8.
        let t = gas_t_score(&[at(-1), at(-1), at(-1)]).unwrap();
        assert!((t - (50.0 - 30.0 / 4.8_f64.sqrt())).abs() < 1e-9);
    }

    fn review(goal: &Goal, day: &str, score: i8) -> GoalReview {
        GoalReview {
            id: GoalReviewId::new_v7(),
            goal_id: goal.id,
            child_id: goal.child_id,
            date: date(day),
            score: GasScore::new(score).unwrap(),
            note: None,
            therapist_id: goal.set_by,
            created_at: DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
        }
    }

    #[test]
    fn only_an_active_goal_changes_and_each_change_is_a_new_version() {
        let g = goal();
        let at = DateTime::from_timestamp(1_790_100_000, 0).unwrap();
        let next = g.next_version(at).unwrap();
        assert_eq!((next.version, next.updated_at, next.id), (2, at, g.id));

        assert_eq!(g.settle(GoalStatus::Active, None, at), Err(GoalChangeError::StillActive));
        let met = g.settle(GoalStatus::Met, None, at).unwrap();
        assert_eq!((met.status, met.version), (GoalStatus::Met, 2));
        assert!(met.validate().is_ok());
        assert_eq!(met.next_version(at), Err(GoalChangeError::NotActive(GoalStatus::Met)));
        assert_eq!(met.settle(GoalStatus::Dropped, None, at), Err(GoalChangeError::NotActive(GoalStatus::Met)));
        assert!(met.check_active().is_err());

        let changed = g.settle(GoalStatus::Changed, None, at).unwrap();
        assert_eq!(changed.validate().unwrap_err().field(), "replaced_by");
        let changed = g.settle(GoalStatus::Changed, Some(GoalId::new_v7()), at).unwrap();
        assert!(changed.validate().is_ok());
    }

    /// A double-click (two reviews, same day, same score) and a correction later that day each leave one
    /// review standing per goal and day: the one recorded last; the others are kept as replaced.
    #[test]
    fn one_review_stands_per_goal_and_day_the_last_recorded() {
        let socks = goal();
        let mut stairs = goal();
        stairs.id = GoalId::new_v7();
        let at = |secs: i64| DateTime::from_timestamp(1_790_000_000 + secs, 0).unwrap();
        let first = review(&socks, "2026-10-20", 0);
        let double_click = GoalReview { id: GoalReviewId::new_v7(), created_at: at(1), ..first.clone() };
        let corrected =
            GoalReview { score: GasScore::new(1).unwrap(), created_at: at(60), ..review(&socks, "2026-10-20", 1) };
        let earlier_day = review(&socks, "2026-10-13", -1);
        let other_goal_same_day = review(&stairs, "2026-10-20", -2);
        let all =
            [earlier_day.clone(), first.clone(), other_goal_same_day.clone(), double_click.clone(), corrected.clone()];
        let CurrentReviews { current, replaced } = current_reviews(&all);
        assert_eq!(current, vec![earlier_day.clone(), other_goal_same_day.clone(), corrected.clone()]);
        assert_eq!(replaced, vec![first.clone(), double_click.clone()]);
        // The order they come in does not change which stands.
        let mut reversed = all.to_vec();
        reversed.reverse();
        let again = current_reviews(&reversed);
        assert_eq!(again.current.len(), 3);
        assert!(again.current.contains(&corrected) && !again.current.contains(&double_click));
        // The same second: the later id (UUIDv7, made later) stands.
        let twin = GoalReview { id: GoalReviewId::new_v7(), ..corrected.clone() };
        assert_eq!(current_reviews(&[twin.clone(), corrected.clone()]).current, vec![twin]);
        assert_eq!(current_reviews(&[]), CurrentReviews::default());
    }

    #[test]
    fn the_current_t_score_takes_each_active_goals_latest_review() {
        let socks = goal();
        let mut stairs = goal();
        stairs.id = GoalId::new_v7();
        let mut dropped = goal();
        dropped.id = GoalId::new_v7();
        dropped.status = GoalStatus::Dropped;
        let never_reviewed = {
            let mut g = goal();
            g.id = GoalId::new_v7();
            g
        };
        let goals = [socks.clone(), stairs.clone(), dropped.clone(), never_reviewed];
        let reviews = [
            review(&socks, "2026-10-20", 1),
            review(&socks, "2026-09-01", -2),
            review(&stairs, "2026-10-01", -1),
            review(&dropped, "2026-10-01", -2),
        ];
        let at = |v: i8| GasScore::new(v).unwrap();
        assert_eq!(current_t_score(&goals, &reviews), gas_t_score(&[at(1), at(-1)]));
        assert_eq!(current_t_score(&goals, &[]), None);
    }

    #[test]
    fn progress_and_practice_are_told_apart() {
        let g = goal();
        let up = [review(&g, "2026-10-20", 0), review(&g, "2026-09-01", -2)];
        let flat = [review(&g, "2026-09-01", -2), review(&g, "2026-10-20", -2)];
        assert_eq!(goal_trend(&[], Some(0.9)), GoalTrend::NotEnoughReviews);
        assert_eq!(goal_trend(&up[..1], Some(0.9)), GoalTrend::NotEnoughReviews);
        assert_eq!(goal_trend(&up, Some(0.9)), GoalTrend::ProgressWithPractice);
        assert_eq!(goal_trend(&up, Some(0.2)), GoalTrend::ProgressWithLittlePractice);
        assert_eq!(goal_trend(&flat, Some(0.2)), GoalTrend::NoProgressWithLittlePractice);
        assert_eq!(goal_trend(&flat, None), GoalTrend::NoProgressWithLittlePractice);
        assert_eq!(goal_trend(&flat, Some(REGULAR_PRACTICE)), GoalTrend::NoProgressDespitePractice);
    }
}
