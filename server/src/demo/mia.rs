//! Mia's story.

use super::world::*;
use chrono::{TimeDelta, Weekday};
use homeplay_core::Validate;
use homeplay_core::assignment::{FamilyMoment, Target};
use homeplay_core::care_team::TeamRole;
use homeplay_core::clinic::Therapist;
use homeplay_core::feedback::Sticker;
use homeplay_core::log::{Difficulty, Mood, NotDoneReason, Outcome, Recorder};
use homeplay_core::skill::SkillArea;
use homeplay_core::time::Weekdays;

impl Demo<'_> {
    /// Mia (7): a steady family, two programs, mostly done — and one tick undone by Dad, who logged the beads
    /// twice.
    pub(super) async fn mia(&self, maya: &Therapist, sam: &Therapist) -> anyhow::Result<usize> {
        let people = [("Mum", "Family laptop"), ("Dad", "Family laptop")];
        let mut house = self.household("Mia's family", &people, maya).await?;
        let child = self.child(&house, "Mia", 7, &[(maya, TeamRole::Lead), (sam, TeamRole::Member)]).await?;
        let (beads, zip, hop) = (builtin("Bead threading")?, builtin("Zip-up practice")?, builtin("Hopscotch")?);
        let start = self.first_day;
        let ex = |exercise_id| Target::Exercise { exercise_id };
        let mut a_beads = self
            .assign(
                &house,
                &child,
                ex(beads),
                maya,
                start,
                Weekdays::SCHOOL_DAYS,
                Some(FamilyMoment::AfterSchool),
                None,
            )
            .await?;
        let mut a_zip = self
            .assign(
                &house,
                &child,
                ex(zip),
                maya,
                start,
                Weekdays::SCHOOL_DAYS,
                Some(FamilyMoment::Breakfast),
                Some("Let her try the zip on her own coat before helping."),
            )
            .await?;
        let hop_days = Weekdays::from_days([Weekday::Mon, Weekday::Wed, Weekday::Fri, Weekday::Sat]);
        let mut a_hop = self.assign(&house, &child, ex(hop), sam, start, hop_days, None, None).await?;
        let zip_goal = self
            .goal(
                &child,
                maya,
                "Zips up her coat by herself",
                &[SkillArea::SelfCare, SkillArea::FineMotor],
                [
                    "Needs the zip started and pulled up for her",
                    "Pulls the zip up once it is started for her",
                    "Starts the zip with one try of help, then pulls it up",
                    "Starts and zips her coat alone",
                    "Zips her coat and her school bag alone",
                ],
                start,
            )
            .await?;
        self.link(&house, maya, &mut [&mut a_zip, &mut a_beads], &[&zip_goal]).await?;
        let hop_goal = self
            .goal(
                &child,
                sam,
                "Hops across the hopscotch board",
                &[SkillArea::GrossMotor, SkillArea::BalanceCoordination],
                [
                    "Hops twice on one foot, then puts the other down",
                    "Hops four squares on one foot",
                    "Hops the whole board on one foot, landing on two",
                    "Hops the board there and back",
                    "Hops the board and picks up the stone on one foot",
                ],
                start,
            )
            .await?;
        self.link(&house, sam, &mut [&mut a_hop], &[&hop_goal]).await?;
        self.review(&zip_goal, maya, start, -1, Some("Pulls it up once it is started.")).await?;
        self.review(&zip_goal, maya, start + TimeDelta::days(10), 0, None).await?;
        self.review(&zip_goal, maya, self.today - TimeDelta::days(1), 1, Some("Zipped her own coat for school!"))
            .await?;
        self.review(&hop_goal, sam, start + TimeDelta::days(3), -1, None).await?;
        self.review(&hop_goal, sam, self.today - TimeDelta::days(4), 0, Some("The whole board, landing on two feet."))
            .await?;

        let mut rng = Lcg(7);
        let mut drafts = Vec::new();
        let proud = weekday_back(self.today, Weekday::Tue, 1);
        for session in self.sessions(&[a_beads, a_zip, a_hop], &[])? {
            if rng.roll() < 3 {
                continue;
            }
            let who = match rng.roll() {
                0..50 => Who::Caregiver("Mum"),
                50..80 => Who::Kid("Mum"),
                _ => Who::Caregiver("Dad"),
            };
            for e in &session {
                let outcome = match rng.roll() {
                    0..90 => Outcome::Done,
                    90..97 => Outcome::Partly,
                    _ => Outcome::NotDone { reason: NotDoneReason::NoTime },
                };
                let mut d = Draft::new(e, outcome, who);
                if rng.roll() < 25 {
                    d.mood = Some(Mood::Happy);
                }
                if e.exercise_id == zip && matches!(who, Who::Caregiver(_)) {
                    d.difficulty = Some(if rng.roll() < 40 { Difficulty::Easy } else { Difficulty::JustRight });
                    if e.occurrence.date == proud {
                        d.outcome = Outcome::Done;
                        d.note = note("Zipped her own coat for school!")?;
                    }
                }
                drafts.push(d);
            }
        }
        // Dad's duplicate: the most recent beads session, logged again on his side and then undone.
        let duplicate = drafts
            .iter()
            .rev()
            .find(|d| d.expected.exercise_id == beads && d.outcome == Outcome::Done)
            .map(|d| Draft::new(&d.expected, Outcome::Done, Who::Caregiver("Dad")));
        drafts.extend(duplicate);
        let logs = self.logs(&child, &mut house, drafts)?;
        self.push(&house, &logs).await?;
        let count = logs.len();
        if let Some(dup) = logs.iter().rev().find(|l| {
            l.exercise_id == beads
                && matches!(&l.recorded_by, Recorder::Caregiver { name, .. } if name.as_str() == "Dad")
        }) {
            let mut undone = dup.clone();
            undone.undone = true;
            let clock = house.clocks.entry(dup.device_id).or_default();
            undone.hlc = clock.tick(dup.hlc.wall_ms + 60_000);
            undone.validate()?;
            self.push(&house, std::slice::from_ref(&undone)).await?;
        }
        let saturday = weekday_back(self.today, Weekday::Sat, 1);
        self.feedback(&house, &child, sam, saturday, Sticker::Star, "Great hopping this week! Next: land on two feet.")
            .await?;
        Ok(count)
    }
}
