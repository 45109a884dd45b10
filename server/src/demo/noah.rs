//! Noah's story.

use super::world::*;
use chrono::TimeDelta;
use homeplay_core::assignment::{FamilyMoment, Target};
use homeplay_core::care_team::TeamRole;
use homeplay_core::clinic::Therapist;
use homeplay_core::log::{Mood, NotDoneReason, Outcome};
use homeplay_core::skill::SkillArea;
use homeplay_core::time::Weekdays;

impl Demo<'_> {
    /// Noah (4): practised with Dad and Grandma, then nothing logged for the last five days — the overview
    /// puts him first so Maya calls the family.
    pub(super) async fn noah(&self, maya: &Therapist, sam: &Therapist) -> anyhow::Result<usize> {
        let people = [("Dad", "Living-room PC"), ("Grandma", "Living-room PC")];
        let mut house = self.household("Noah's family", &people, sam).await?;
        let child = self.child(&house, "Noah", 4, &[(sam, TeamRole::Lead), (maya, TeamRole::Member)]).await?;
        let (stones, sit_stand, stickers) =
            (builtin("Pillow stepping stones")?, builtin("Pop-up sit-to-stand")?, builtin("Sticker peeling")?);
        let start = self.first_day;
        let ex = |exercise_id| Target::Exercise { exercise_id };
        let dinner = Some(FamilyMoment::Dinner);
        let mut a_stones =
            self.assign(&house, &child, ex(stones), sam, start, Weekdays::EVERY_DAY, dinner, None).await?;
        let mut a_sit =
            self.assign(&house, &child, ex(sit_stand), sam, start, Weekdays::EVERY_DAY, dinner, None).await?;
        let a_stickers = self
            .assign(&house, &child, ex(stickers), maya, start, Weekdays::EVERY_DAY, Some(FamilyMoment::Bath), None)
            .await?;

        let path_goal = self
            .goal(
                &child,
                sam,
                "Walks the pillow path without stepping off",
                &[SkillArea::BalanceCoordination, SkillArea::GrossMotor],
                [
                    "Steps off at every pillow, holding a hand",
                    "Crosses three pillows holding a hand",
                    "Crosses the whole path holding a hand",
                    "Crosses the whole path alone",
                    "Crosses the path alone carrying a toy",
                ],
                start,
            )
            .await?;
        self.link(&house, sam, &mut [&mut a_stones, &mut a_sit], &[&path_goal]).await?;
        self.review(&path_goal, sam, start, -2, None).await?;
        self.review(&path_goal, sam, start + TimeDelta::days(14), -2, Some("Wants to jump instead of step.")).await?;

        let mut rng = Lcg(4);
        let mut drafts = Vec::new();
        let last_logged = self.today - TimeDelta::days(6);
        let mut said_jump = false;
        for session in self.sessions(&[a_stones, a_sit, a_stickers], &[])? {
            let Some(date) = session.first().map(|e| e.occurrence.date) else { continue };
            if date > last_logged || (date < last_logged && rng.roll() < 20) {
                continue;
            }
            let who = Who::Caregiver(if rng.roll() < 60 { "Dad" } else { "Grandma" });
            for e in &session {
                let outcome = match rng.roll() {
                    0..60 => Outcome::Done,
                    60..80 => Outcome::Partly,
                    80..90 => Outcome::NotDone { reason: NotDoneReason::Refused },
                    _ => Outcome::NotDone { reason: NotDoneReason::NoTime },
                };
                let mut d = Draft::new(e, outcome, who);
                d.mood = match rng.roll() {
                    0..15 => Some(Mood::Tired),
                    15..22 => Some(Mood::Upset),
                    _ => None,
                };
                if e.exercise_id == stones
                    && outcome == (Outcome::NotDone { reason: NotDoneReason::Refused })
                    && !said_jump
                {
                    d.note = note("Wanted to jump instead of step.")?;
                    said_jump = true;
                }
                drafts.push(d);
            }
        }
        let logs = self.logs(&child, &mut house, drafts)?;
        self.push(&house, &logs).await?;
        Ok(logs.len())
    }
}
