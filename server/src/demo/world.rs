//! The demo's building kit: a seeded generator, and the clinic-side steps (a household with its devices, a
//! child with a team, assignments, logs as a device would push them, goals, reviews, feedback) that each
//! child's story is told with.

use super::HISTORY_DAYS;
use crate::auth::tokens::{random_secret, sha256_hex};
use crate::program::feed_for_assignment;
use crate::store::{DynStore, Millis, Redeemed};
use anyhow::{Context, bail};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};
use homeplay_core::Validate;
use homeplay_core::assignment::{Assignment, FamilyMoment, SlotTime, Status, Target};
use homeplay_core::care_team::{CareTeam, CareTeamMember, TeamRole};
use homeplay_core::clinic::Therapist;
use homeplay_core::exercise::Dosage;
use homeplay_core::family::{Caregiver, Child, Family};
use homeplay_core::feedback::{Feedback, Sticker};
use homeplay_core::goal::{GasScale, GasScore, Goal, GoalReview, GoalStatus};
use homeplay_core::hlc::HlcClock;
use homeplay_core::ids::{
    AssignmentId, CaregiverId, ChildId, ClinicId, DeviceId, ExerciseId, FamilyId, FeedbackId, GoalId, GoalReviewId,
    LogId,
};
use homeplay_core::language::Language;
use homeplay_core::library;
use homeplay_core::log::{CompletionLog, Difficulty, Mood, Occurrence, Outcome, Recorder};
use homeplay_core::routine::Routine;
use homeplay_core::schedule::{Expected, MomentTimes, expand};
use homeplay_core::skill::{Discipline, SkillArea};
use homeplay_core::text::{Name, Note, Title};
use homeplay_core::time::{DateRange, TimeZoneName, Weekdays};
use std::collections::HashMap;

/// A small linear congruential generator: enough for believable, repeatable variety, with no dependency.
#[derive(Debug)]
pub(super) struct Lcg(pub(super) u64);

impl Lcg {
    /// A number from 0 to 99.
    pub(super) fn roll(&mut self) -> u32 {
        // Knuth's MMIX constants; the high bits are the well-mixed ones.
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % 100) as u32
    }
}

/// The most recent `weekday` at least `days_back` days before `today`.
pub(super) fn weekday_back(today: NaiveDate, weekday: Weekday, days_back: i64) -> NaiveDate {
    let d = today - TimeDelta::days(days_back);
    let back = (d.weekday().num_days_from_monday() + 7 - weekday.num_days_from_monday()) % 7;
    d - TimeDelta::days(i64::from(back))
}

pub(super) fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

pub(super) fn builtin(title: &str) -> anyhow::Result<ExerciseId> {
    let lib = library::starter().map_err(|e| anyhow::anyhow!("the starter library does not load: {e}"))?;
    lib.exercises()
        .iter()
        .find(|e| e.title.as_str() == title)
        .map(|e| e.id)
        .with_context(|| format!("the starter library has no \"{title}\""))
}

pub(super) fn note(text: &str) -> anyhow::Result<Option<Note>> {
    Ok(Some(Note::new(text)?))
}

/// Who recorded a log, and on whose device.
#[derive(Debug, Clone, Copy)]
pub(super) enum Who {
    Caregiver(&'static str),
    /// The child finishing an activity in kid mode, on this caregiver's device.
    Kid(&'static str),
}

impl Who {
    pub(super) fn device_owner(self) -> &'static str {
        match self {
            Who::Caregiver(name) | Who::Kid(name) => name,
        }
    }
}

/// One record of one expected item, before it gets its id and clock stamp.
#[derive(Debug)]
pub(super) struct Draft {
    pub(super) expected: Expected,
    pub(super) outcome: Outcome,
    pub(super) difficulty: Option<Difficulty>,
    pub(super) mood: Option<Mood>,
    pub(super) pain: bool,
    pub(super) note: Option<Note>,
    pub(super) actual_seconds: Option<u32>,
    pub(super) who: Who,
}

impl Draft {
    pub(super) fn new(expected: &Expected, outcome: Outcome, who: Who) -> Self {
        Self {
            expected: *expected,
            outcome,
            difficulty: None,
            mood: None,
            pain: false,
            note: None,
            actual_seconds: None,
            who,
        }
    }
}

/// A family with its caregivers and their devices.
#[derive(Debug)]
pub(super) struct Household {
    pub(super) family: Family,
    pub(super) caregivers: HashMap<&'static str, CaregiverId>,
    pub(super) devices: HashMap<&'static str, DeviceId>,
    pub(super) clocks: HashMap<DeviceId, HlcClock>,
}

#[derive(Debug)]
pub(super) struct Demo<'a> {
    pub(super) store: &'a DynStore,
    pub(super) clinic: ClinicId,
    pub(super) tz: TimeZoneName,
    pub(super) now: DateTime<Utc>,
    pub(super) today: NaiveDate,
    pub(super) first_day: NaiveDate,
}

impl<'a> Demo<'a> {
    pub(super) fn new(store: &'a DynStore, clinic: ClinicId, tz: TimeZoneName, now: DateTime<Utc>) -> Self {
        let today = tz.local_date(now);
        let first_day = today - TimeDelta::days(HISTORY_DAYS - 1);
        Self { store, clinic, tz, now, today, first_day }
    }

    pub(super) fn now_ms(&self) -> Millis {
        self.now.timestamp_millis()
    }

    /// The instant of a local time on a local date, in milliseconds (capped at now: nothing from the future).
    pub(super) fn at(&self, date: NaiveDate, h: u32, m: u32) -> Millis {
        let t = NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        self.tz.instant_of(date.and_time(t)).timestamp_millis().min(self.now_ms())
    }

    pub(super) async fn household(
        &self,
        label: &str,
        people: &[(&'static str, &'static str)],
        paired_by: &Therapist,
    ) -> anyhow::Result<Household> {
        let since = self.at(self.first_day, 9, 0);
        let family = Family { id: FamilyId::new_v7(), clinic_id: self.clinic, label: Name::new(label)? };
        self.store.insert_family(&family, since).await?;
        let mut house =
            Household { family, caregivers: HashMap::new(), devices: HashMap::new(), clocks: HashMap::new() };
        let mut by_label: HashMap<&str, DeviceId> = HashMap::new();
        for (name, device_label) in people {
            let caregiver = Caregiver { id: CaregiverId::new_v7(), family_id: house.family.id, name: Name::new(name)? };
            self.store.put_caregiver(&caregiver).await?;
            house.caregivers.insert(name, caregiver.id);
            let device = match by_label.get(device_label) {
                Some(d) => *d,
                None => {
                    let d = self.pair_device(house.family.id, paired_by, device_label, since).await?;
                    // As its first pull would have said; a household may change one device's after.
                    self.store.set_device_language(d, Language::En).await?;
                    by_label.insert(device_label, d);
                    d
                }
            };
            house.devices.insert(name, device);
        }
        Ok(house)
    }

    /// Pairs a device the way an app would, through a single-use code. Nobody holds the device's token: the
    /// demo devices exist so that logs name a real device; pair a real app with a new code to sync.
    pub(super) async fn pair_device(
        &self,
        family: FamilyId,
        by: &Therapist,
        label: &str,
        at: Millis,
    ) -> anyhow::Result<DeviceId> {
        let code_hash = sha256_hex(random_secret());
        self.store.insert_pairing_code(&code_hash, self.clinic, family, by.id, at, at + 15 * 60_000).await?;
        let id = DeviceId::new_v7();
        match self.store.redeem_pairing_code(&code_hash, id, label, &sha256_hex(random_secret()), at).await? {
            Redeemed::Paired { .. } => Ok(id),
            other => bail!("pairing the demo device \"{label}\" failed: {other:?}"),
        }
    }

    /// A child of the household, with its care team.
    pub(super) async fn child(
        &self,
        house: &Household,
        name: &str,
        age: u8,
        team: &[(&Therapist, TeamRole)],
    ) -> anyhow::Result<Child> {
        let child = Child {
            id: ChildId::new_v7(),
            family_id: house.family.id,
            display_name: Name::new(name)?,
            time_zone: self.tz,
            age_years: Some(age),
            discharged_on: None,
        };
        child.validate()?;
        let at = self.at(self.first_day, 9, 5);
        self.store.put_child(self.clinic, &child, at).await?;
        let members = team
            .iter()
            .map(|(t, role)| CareTeamMember { therapist_id: t.id, discipline: t.discipline, role: *role })
            .collect();
        let team = CareTeam { child_id: child.id, members };
        team.validate()?;
        self.store.put_care_team(self.clinic, &team, at).await?;
        Ok(child)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn assign(
        &self,
        house: &Household,
        child: &Child,
        target: Target,
        by: &Therapist,
        start: NaiveDate,
        days: Weekdays,
        moment: Option<FamilyMoment>,
        note_for_family: Option<&str>,
    ) -> anyhow::Result<Assignment> {
        let assignment = Assignment {
            id: AssignmentId::new_v7(),
            child_id: child.id,
            target,
            assigned_by: by.id,
            start_date: start,
            assigned_on: Some(start),
            end_date: None,
            days,
            slots: vec![moment.map_or(SlotTime::Anytime, |moment| SlotTime::Moment { moment })],
            dosage: Dosage::default(),
            note_for_family: note_for_family.map(Note::new).transpose()?,
            status: Status::Active,
            pauses: vec![],
            goal_ids: vec![],
        };
        assignment.validate()?;
        let feed = feed_for_assignment(self.store, self.clinic, &assignment).await?;
        let when = self.at(start, 10, 0);
        self.store.put_assignment(self.clinic, house.family.id, &assignment, by.id, "create", &feed, when).await?;
        Ok(assignment)
    }

    /// The child's practice from the first day up to yesterday, one session (an assignment's items at one
    /// time of one day) at a time. Today's practice is still to come.
    pub(super) fn sessions(
        &self,
        assignments: &[Assignment],
        routines: &[Routine],
    ) -> anyhow::Result<Vec<Vec<Expected>>> {
        let yesterday = self.today - TimeDelta::days(1);
        let expected = expand(assignments, routines, DateRange::new(self.first_day, yesterday)?);
        Ok(expected
            .chunk_by(|a, b| (a.occurrence, a.assignment_id) == (b.occurrence, b.assignment_id))
            .map(<[Expected]>::to_vec)
            .collect())
    }

    /// Turns drafts into logs as the family's devices would have made them: in the order they were recorded,
    /// each device's clock stamps increasing.
    pub(super) fn logs(
        &self,
        child: &Child,
        house: &mut Household,
        drafts: Vec<Draft>,
    ) -> anyhow::Result<Vec<CompletionLog>> {
        let moments = MomentTimes::default();
        let mut timed: Vec<(Millis, Draft)> = drafts
            .into_iter()
            .map(|d| {
                let e = &d.expected;
                // A few minutes after the practice's time; "anytime" practice happens late in the afternoon.
                let base = e
                    .due_at(&self.tz, &moments)
                    .map_or_else(|| self.at(e.occurrence.date, 17, 0), |t| t.timestamp_millis());
                let minutes = 10 + 4 * i64::from(e.position);
                ((base + minutes * 60_000).min(self.now_ms()), d)
            })
            .collect();
        timed.sort_by_key(|(at, _)| *at);
        let mut out = Vec::with_capacity(timed.len());
        for (at, d) in timed {
            let owner = d.who.device_owner();
            let device = *house.devices.get(owner).with_context(|| format!("{owner} has no device"))?;
            let hlc = house.clocks.entry(device).or_default().tick(u64::try_from(at).unwrap_or(0));
            let recorded_by = match d.who {
                Who::Kid(_) => Recorder::KidMode,
                Who::Caregiver(name) => {
                    Recorder::Caregiver { name: Name::new(name)?, caregiver_id: house.caregivers.get(name).copied() }
                }
            };
            let log = CompletionLog {
                id: LogId::new_v7(),
                child_id: child.id,
                assignment_id: d.expected.assignment_id,
                exercise_id: d.expected.exercise_id,
                occurrence: Occurrence { date: d.expected.occurrence.date, slot: d.expected.occurrence.slot },
                outcome: d.outcome,
                actual_reps: None,
                actual_seconds: d.actual_seconds,
                difficulty: d.difficulty,
                mood: d.mood,
                pain: d.pain,
                pain_score: None,
                note: d.note,
                recorded_by,
                device_id: device,
                hlc,
                undone: false,
            };
            log.validate()?;
            out.push(log);
        }
        Ok(out)
    }

    /// A goal set with the family on `start`, aimed at twelve weeks on; `levels` are the GAS levels from −2 to
    /// +2 in the therapist's words, the first being where the child starts.
    pub(super) async fn goal(
        &self,
        child: &Child,
        by: &Therapist,
        text: &str,
        areas: &[SkillArea],
        levels: [&str; 5],
        start: NaiveDate,
    ) -> anyhow::Result<Goal> {
        let [much_less, less, expected, more, much_more] = levels.map(Note::new);
        let goal = Goal {
            id: GoalId::new_v7(),
            child_id: child.id,
            text: Title::new(text)?,
            discipline: by.discipline,
            areas: areas.to_vec(),
            baseline: Note::new(levels[0])?,
            scale: GasScale {
                much_less: much_less?,
                less: less?,
                expected: expected?,
                more: more?,
                much_more: much_more?,
            },
            start_date: start,
            target_date: start + TimeDelta::weeks(12),
            status: GoalStatus::Active,
            replaced_by: None,
            set_by: by.id,
            version: 1,
            updated_at: DateTime::from_timestamp_millis(self.at(start, 9, 45)).unwrap_or(self.now),
        };
        goal.validate()?;
        self.store.put_goal(self.clinic, &goal, by.id, self.at(start, 9, 45)).await?;
        Ok(goal)
    }

    /// The therapist's GAS scoring of a goal at a session on `date`.
    pub(super) async fn review(
        &self,
        goal: &Goal,
        by: &Therapist,
        date: NaiveDate,
        score: i8,
        note_text: Option<&str>,
    ) -> anyhow::Result<()> {
        let at = self.at(date.min(self.today), 16, 0);
        let review = GoalReview {
            id: GoalReviewId::new_v7(),
            goal_id: goal.id,
            child_id: goal.child_id,
            date: date.min(self.today),
            score: GasScore::new(score)?,
            note: note_text.map(Note::new).transpose()?,
            therapist_id: by.id,
            created_at: DateTime::from_timestamp_millis(at).unwrap_or(self.now),
        };
        self.store.insert_goal_review(self.clinic, &review, at).await?;
        Ok(())
    }

    /// Links program items to the goals they serve, as the therapist did when setting the goals.
    pub(super) async fn link(
        &self,
        house: &Household,
        by: &Therapist,
        items: &mut [&mut Assignment],
        goals: &[&Goal],
    ) -> anyhow::Result<()> {
        for a in items.iter_mut() {
            a.goal_ids = goals.iter().map(|g| g.id).collect();
            a.validate()?;
            let when = self.at(a.start_date, 10, 5);
            self.store.put_assignment(self.clinic, house.family.id, a, by.id, "update", &[], when).await?;
        }
        Ok(())
    }

    pub(super) async fn push(&self, house: &Household, logs: &[CompletionLog]) -> anyhow::Result<()> {
        self.store.push_logs(house.family.id, self.clinic, logs, self.now_ms()).await?;
        Ok(())
    }

    pub(super) async fn feedback(
        &self,
        house: &Household,
        child: &Child,
        from: &Therapist,
        date: NaiveDate,
        sticker: Sticker,
        comment: &str,
    ) -> anyhow::Result<()> {
        let suffix = match from.discipline {
            Discipline::Ot => "OT",
            Discipline::Pt => "PT",
        };
        let feedback = Feedback {
            id: FeedbackId::new_v7(),
            child_id: child.id,
            date,
            therapist_id: from.id,
            from: Name::new(format!("{} ({suffix})", from.name))?,
            sticker: Some(sticker),
            comment: note(comment)?,
            created_at: self.now,
        };
        feedback.validate()?;
        self.store.put_feedback(self.clinic, house.family.id, &feedback, self.now_ms()).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_back_finds_the_most_recent_one() {
        let wed = NaiveDate::from_ymd_opt(2026, 3, 18).unwrap_or_default();
        assert_eq!(weekday_back(wed, Weekday::Sat, 1), NaiveDate::from_ymd_opt(2026, 3, 14).unwrap_or_default());
        assert_eq!(weekday_back(wed, Weekday::Tue, 1), NaiveDate::from_ymd_opt(2026, 3, 17).unwrap_or_default());
        assert_eq!(weekday_back(wed, Weekday::Wed, 1), NaiveDate::from_ymd_opt(2026, 3, 11).unwrap_or_default());
        assert_eq!(weekday_back(wed, Weekday::Thu, 8), NaiveDate::from_ymd_opt(2026, 3, 5).unwrap_or_default());
    }

    #[test]
    fn the_generator_is_repeatable_and_spread() {
        let (mut a, mut b) = (Lcg(5), Lcg(5));
        let rolls: Vec<u32> = (0..1000).map(|_| a.roll()).collect();
        assert!(rolls.iter().all(|r| *r < 100));
        assert_eq!(rolls, (0..1000).map(|_| b.roll()).collect::<Vec<_>>());
        let low = rolls.iter().filter(|r| **r < 50).count();
        assert!((400..600).contains(&low), "{low}");
    }
}
