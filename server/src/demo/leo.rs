//! Leo's story: the demo's fullest record.

use super::world::*;
use chrono::{TimeDelta, Weekday};
use homeplay_core::Validate;
use homeplay_core::assignment::{FamilyMoment, Target};
use homeplay_core::care_team::TeamRole;
use homeplay_core::clinic::Therapist;
use homeplay_core::feedback::Sticker;
use homeplay_core::ids::RoutineId;
use homeplay_core::language::Language;
use homeplay_core::log::{Difficulty, Mood, NotDoneReason, Outcome};
use homeplay_core::routine::{Reward, Routine};
use homeplay_core::skill::SkillArea;
use homeplay_core::text::{KidText, Title};
use homeplay_core::time::{DateRange, Weekdays};

impl Demo<'_> {
    /// Leo (5): Maya's after-school hand routine on school days, and Sam's balance work every morning. Two
    /// homes and three laptops; a weekend at Grandma's with a sick day; buttons are hard.
    pub(super) async fn leo(&self, maya: &Therapist, sam: &Therapist) -> anyhow::Result<usize> {
        let people = [("Mum", "Kitchen laptop"), ("Dad", "Dad's laptop"), ("Grandma", "Grandma's laptop")];
        let mut house = self.household("Leo's family", &people, maya).await?;
        // Grandma reads Spanish: her laptop shows the program in it, and the child's page says so.
        self.store.set_device_language(house.devices["Grandma"], Language::Es).await?;
        let child = self.child(&house, "Leo", 5, &[(maya, TeamRole::Lead), (sam, TeamRole::Member)]).await?;
        let (playdough, crocodile, buttons) =
            (builtin("Playdough snakes")?, builtin("Clothespin crocodile")?, builtin("Button the teddy's coat")?);
        let (flamingo, bear) = (builtin("Flamingo stand")?, builtin("Bear walk")?);
        let routine = Routine {
            id: RoutineId::new_v7(),
            clinic_id: self.clinic,
            title: Title::new("After-school hand warm-up")?,
            kid_title: KidText::new("Hand party!")?,
            items: vec![playdough, crocodile, buttons],
            then_reward: Some(Reward { label: KidText::new("Bubbles!")?, picture: None }),
        };
        routine.validate()?;
        self.store.put_routine(self.clinic, &routine, self.at(self.first_day, 9, 30)).await?;
        let mut hands = self
            .assign(
                &house,
                &child,
                Target::Routine { routine_id: routine.id },
                maya,
                self.first_day,
                Weekdays::SCHOOL_DAYS,
                Some(FamilyMoment::AfterSchool),
                Some("Let him choose the playdough colour."),
            )
            .await?;
        // Sam joined two days later, as in the stories.
        let pt_start = self.first_day + TimeDelta::days(2);
        let balance_note = Some("Count the seconds out loud together: he loves beating his record.");
        let mut flamingo_a = self
            .assign(
                &house,
                &child,
                Target::Exercise { exercise_id: flamingo },
                sam,
                pt_start,
                Weekdays::EVERY_DAY,
                Some(FamilyMoment::Breakfast),
                balance_note,
            )
            .await?;
        let mut bear_a = self
            .assign(
                &house,
                &child,
                Target::Exercise { exercise_id: bear },
                sam,
                pt_start,
                Weekdays::EVERY_DAY,
                Some(FamilyMoment::Breakfast),
                None,
            )
            .await?;
        let routines = [routine];
        let buttons_goal = self
            .goal(
                &child,
                maya,
                "Does up his coat buttons by himself",
                &[SkillArea::FineMotor, SkillArea::SelfCare],
                [
                    "Needs hand-over-hand help with every button",
                    "Pushes a big button through once it is started for him",
                    "Does up three big coat buttons with one reminder",
                    "Does up all his coat buttons without reminders",
                    "Does up the small buttons on his shirt too",
                ],
                self.first_day,
            )
            .await?;
        self.link(&house, maya, &mut [&mut hands], &[&buttons_goal]).await?;
        let balance_goal = self
            .goal(
                &child,
                sam,
                "Stands on one foot to pull on his trousers",
                &[SkillArea::BalanceCoordination, SkillArea::GrossMotor],
                [
                    "Stands on one foot for 2 seconds, holding on",
                    "Stands on one foot for 5 seconds without holding on",
                    "Stands on one foot for 10 seconds without holding on",
                    "Stands on each foot for 10 seconds",
                    "Pulls his trousers on standing, without sitting down",
                ],
                pt_start,
            )
            .await?;
        self.link(&house, sam, &mut [&mut flamingo_a, &mut bear_a], &[&balance_goal]).await?;
        self.review(&buttons_goal, maya, self.first_day, -2, Some("Set with Mum at the first session.")).await?;
        self.review(&buttons_goal, maya, self.first_day + TimeDelta::days(9), -1, Some("Big buttons go through now."))
            .await?;
        self.review(
            &buttons_goal,
            maya,
            self.today - TimeDelta::days(2),
            -1,
            Some("Still hard after school: tired hands?"),
        )
        .await?;
        self.review(&balance_goal, sam, pt_start, -2, None).await?;
        self.review(&balance_goal, sam, pt_start + TimeDelta::days(12), 0, Some("Beat his record: 11 seconds!"))
            .await?;

        let today = self.today;
        let sick = weekday_back(today, Weekday::Sat, 1);
        let silent = weekday_back(today, Weekday::Thu, 8);
        let frustrated = weekday_back(today, Weekday::Wed, 1);
        let sore = [10, 11].map(|k| today - TimeDelta::days(k)).into_iter().find(|d| *d != silent);
        let mut rng = Lcg(5);
        let mut drafts = Vec::new();
        for session in self.sessions(&[hands, flamingo_a, bear_a], &routines)? {
            let Some(first) = session.first() else { continue };
            let date = first.occurrence.date;
            if date == silent {
                // Nobody logged anything: silence, not "not done".
                continue;
            }
            if date == sick {
                for e in &session {
                    let mut d =
                        Draft::new(e, Outcome::NotDone { reason: NotDoneReason::Sick }, Who::Caregiver("Grandma"));
                    if e.exercise_id == flamingo {
                        d.note = note("Leo had a temperature, so he stayed in bed today.")?;
                    }
                    drafts.push(d);
                }
                continue;
            }
            let morning = first.exercise_id == flamingo || first.exercise_id == bear;
            if morning {
                let who = Who::Caregiver(if is_weekend(date) { "Grandma" } else { "Dad" });
                if rng.roll() < 10 && Some(date) != sore {
                    continue;
                }
                for e in &session {
                    let r = rng.roll();
                    let outcome = match r {
                        0..78 => Outcome::Done,
                        78..90 => Outcome::Partly,
                        _ => Outcome::NotDone { reason: NotDoneReason::NoTime },
                    };
                    let mut d = Draft::new(e, outcome, who);
                    if e.exercise_id == flamingo && !matches!(outcome, Outcome::NotDone { .. }) {
                        d.actual_seconds = Some(5 + rng.roll() % 11);
                    }
                    if matches!(outcome, Outcome::NotDone { .. }) && !is_weekend(date) {
                        d.note = note("Running late for school.")?;
                    }
                    if Some(date) == sore && e.exercise_id == bear {
                        d.outcome = Outcome::Partly;
                        d.pain = true;
                        d.note = note("Said his wrists hurt a bit, so we stopped after three steps.")?;
                    }
                    drafts.push(d);
                }
                continue;
            }
            if date == frustrated {
                for e in &session {
                    let mut d = Draft::new(e, Outcome::Done, Who::Caregiver("Mum"));
                    if e.exercise_id == buttons {
                        d.outcome = Outcome::Partly;
                        d.difficulty = Some(Difficulty::Hard);
                        d.mood = Some(Mood::Frustrated);
                        d.note = note("hard — got frustrated on buttons")?;
                    }
                    drafts.push(d);
                }
                continue;
            }
            if rng.roll() < 8 {
                continue;
            }
            let who = match rng.roll() {
                0..45 => Who::Kid("Mum"),
                45..80 => Who::Caregiver("Mum"),
                _ => Who::Caregiver("Dad"),
            };
            for e in &session {
                if let Who::Kid(_) = who {
                    // Kid mode logs an activity when the child finishes it, with the face the child picked.
                    let mut d = Draft::new(e, Outcome::Done, who);
                    d.mood = Some(if rng.roll() < 80 { Mood::Happy } else { Mood::Okay });
                    drafts.push(d);
                    continue;
                }
                let r = rng.roll();
                let d = if e.exercise_id == buttons {
                    let mut d = Draft::new(
                        e,
                        match r {
                            0..55 => Outcome::Done,
                            55..88 => Outcome::Partly,
                            _ => Outcome::NotDone { reason: NotDoneReason::Refused },
                        },
                        who,
                    );
                    d.difficulty = Some(if rng.roll() < 45 { Difficulty::Hard } else { Difficulty::JustRight });
                    d
                } else if e.exercise_id == crocodile {
                    Draft::new(
                        e,
                        match r {
                            0..85 => Outcome::Done,
                            85..95 => Outcome::Partly,
                            _ => Outcome::NotDone { reason: NotDoneReason::Refused },
                        },
                        who,
                    )
                } else {
                    let mut d = Draft::new(e, if r < 90 { Outcome::Done } else { Outcome::Partly }, who);
                    d.difficulty = (rng.roll() < 30).then_some(Difficulty::Easy);
                    if r < 6 {
                        d.note = note("He made a whole snake family and named them.")?;
                    }
                    d
                };
                drafts.push(d);
            }
        }
        // The story's Friday review shows a "hard" flag on buttons: make sure the last fortnight has three.
        let fortnight = DateRange::ending(today - TimeDelta::days(1), 13);
        let hard = |d: &Draft| d.difficulty == Some(Difficulty::Hard) && fortnight.contains(d.expected.occurrence.date);
        let mut missing = 3usize.saturating_sub(drafts.iter().filter(|d| hard(d)).count());
        for d in drafts.iter_mut().rev() {
            if missing == 0 {
                break;
            }
            if d.expected.exercise_id == buttons && fortnight.contains(d.expected.occurrence.date) && !hard(d) {
                d.difficulty = Some(Difficulty::Hard);
                missing -= 1;
            }
        }
        let logs = self.logs(&child, &mut house, drafts)?;
        self.push(&house, &logs).await?;
        self.feedback(&house, &child, maya, frustrated, Sticker::HighFive, "super buttons!").await?;
        Ok(logs.len())
    }
}
