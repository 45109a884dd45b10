//! The week's program for the printable page on the fridge: each activity once, with when and on which days.

use crate::Engine;
use crate::error::Result;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use homeplay_core::adherence::week_start;
use homeplay_core::assignment::{Assignment, SlotTime, Status};
use homeplay_core::exercise::{Dosage, Exercise};
use homeplay_core::family::Child;
use homeplay_core::ids::{AssignmentId, ChildId};
use homeplay_core::routine::Routine;
use homeplay_core::schedule::{MomentTimes, expand};
use homeplay_core::text::{Note, Title};
use homeplay_core::time::DateRange;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct ProgramActivity {
    pub assignment_id: AssignmentId,
    pub exercise: Exercise,
    /// The exercise's dosage with the therapist's overrides for this child.
    pub dosage: Dosage,
    pub note_for_family: Option<Note>,
    pub routine_title: Option<Title>,
    /// The times of day, in the day's order, each with the family's clock time.
    pub times: Vec<(SlotTime, Option<NaiveTime>)>,
    /// Monday to Sunday: whether it is on the program that day.
    pub days: [bool; 7],
}

#[derive(Debug, Clone)]
pub struct WeekProgram {
    pub child: Child,
    /// Monday to Sunday.
    pub dates: [NaiveDate; 7],
    pub activities: Vec<ProgramActivity>,
}

/// The program of the week starting `monday`: every activity expected at least once that week, once, in the
/// order of the day (its earliest time), then as the therapist assigned them.
pub fn week_program(
    child: Child,
    assignments: &[Assignment],
    routines: &[Routine],
    exercises: &HashMap<String, Exercise>,
    moments: &MomentTimes,
    monday: NaiveDate,
) -> WeekProgram {
    let dates: [NaiveDate; 7] = std::array::from_fn(|i| monday + TimeDelta::days(i as i64));
    let mine: Vec<Assignment> =
        assignments.iter().filter(|a| a.child_id == child.id && a.status != Status::Ended).cloned().collect();
    let week = DateRange { first: dates[0], last: dates[6] };
    let mut activities: Vec<(u8, ProgramActivity)> = Vec::new();
    for e in expand(&mine, routines, week) {
        let Some(exercise) = exercises.get(&e.exercise_id.to_string()) else { continue };
        let Some(assignment) = mine.iter().find(|a| a.id == e.assignment_id) else { continue };
        let day = usize::try_from((e.occurrence.date - monday).num_days()).unwrap_or(0).min(6);
        let i = match activities
            .iter()
            .position(|(_, a)| a.assignment_id == e.assignment_id && a.exercise.id == e.exercise_id)
        {
            Some(i) => i,
            None => {
                let routine = match assignment.target {
                    homeplay_core::assignment::Target::Routine { routine_id } => {
                        routines.iter().find(|r| r.id == routine_id)
                    }
                    homeplay_core::assignment::Target::Exercise { .. } => None,
                };
                activities.push((
                    e.position,
                    ProgramActivity {
                        assignment_id: e.assignment_id,
                        dosage: exercise.dosage.with_overrides(&assignment.dosage),
                        exercise: exercise.clone(),
                        note_for_family: assignment.note_for_family.clone(),
                        routine_title: routine.map(|r| r.title.clone()),
                        times: Vec::new(),
                        days: [false; 7],
                    },
                ));
                activities.len() - 1
            }
        };
        let a = &mut activities[i].1;
        a.days[day] = true;
        if !a.times.iter().any(|(s, _)| *s == e.slot_time) {
            a.times.push((e.slot_time, moments.clock_time(&e.slot_time)));
        }
    }
    for (_, a) in &mut activities {
        a.times.sort_by_key(|(_, clock)| (clock.is_none(), *clock));
    }
    // Stable: activities at the same first time keep the therapist's (and the routine's) order.
    activities.sort_by_key(|(position, a)| {
        let first = a.times.first().and_then(|(_, c)| *c);
        (first.is_none(), first, a.assignment_id, *position)
    });
    WeekProgram { child, dates, activities: activities.into_iter().map(|(_, a)| a).collect() }
}

impl Engine {
    /// The program of the week (Monday to Sunday) around `now` in the child's time zone.
    pub async fn week_program(&self, child_id: ChildId, now: DateTime<Utc>) -> Result<Option<WeekProgram>> {
        let (children, assignments, routines, exercises) = self.program().await?;
        let Some(child) = children.into_iter().find(|c| c.id == child_id) else { return Ok(None) };
        let monday = week_start(child.time_zone.local_date(now));
        let moments = self.moment_times().await?;
        Ok(Some(week_program(child, &assignments, &routines, &exercises, &moments, monday)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use homeplay_core::assignment::FamilyMoment;
    use homeplay_core::ids::ExerciseId;
    use homeplay_core::time::hm;
    use serde_json::json;

    const CHILD: &str = "01936f4e-0000-7000-8000-0000000c0001";

    fn child() -> Child {
        serde_json::from_value(json!({
            "id": CHILD, "family_id": "01936f4e-0000-7000-8000-00000000f001",
            "display_name": "Lea", "time_zone": "Europe/London"
        }))
        .unwrap()
    }

    fn assignment(id: u8, exercise: ExerciseId, extra: serde_json::Value) -> Assignment {
        let mut a = json!({
            "id": format!("01936f4e-0000-7000-8000-0000000a000{id}"), "child_id": CHILD,
            "target": {"kind": "exercise", "exercise_id": exercise},
            "assigned_by": "01936f4e-0000-7000-8000-00000000d001",
            "start_date": "2026-03-02",
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "slots": [{"kind": "moment", "moment": "bedtime"}],
            "status": "active"
        });
        for (k, v) in extra.as_object().unwrap() {
            a[k] = v.clone();
        }
        serde_json::from_value(a).unwrap()
    }

    fn bear() -> ExerciseId {
        homeplay_core::library::starter().unwrap().exercises()[0].id
    }

    fn crab() -> ExerciseId {
        homeplay_core::library::starter().unwrap().exercises()[1].id
    }

    fn library() -> HashMap<String, Exercise> {
        homeplay_core::library::starter().unwrap().exercises().iter().map(|e| (e.id.to_string(), e.clone())).collect()
    }

    #[test]
    fn each_activity_once_with_its_times_and_days() {
        let monday: NaiveDate = "2026-03-09".parse().unwrap();
        let assignments = [
            assignment(
                1,
                bear(),
                json!({
                    "slots": [{"kind": "moment", "moment": "bedtime"}, {"kind": "moment", "moment": "after_school"}],
                    "days": ["mon", "wed", "fri"],
                    "dosage": {"reps": 12},
                    "note_for_family": "On the rug"
                }),
            ),
            assignment(2, crab(), json!({"slots": [{"kind": "at", "time": "08:15"}], "end_date": "2026-03-11"})),
            // Ended, starting next week, and paused all week: not on this week's page.
            assignment(3, bear(), json!({"status": "ended"})),
            assignment(4, crab(), json!({"start_date": "2026-03-16"})),
            assignment(5, bear(), json!({"status": "paused", "pauses": [{"from": "2026-03-08"}]})),
        ];
        let mut moments = MomentTimes::default();
        moments.0.insert(FamilyMoment::AfterSchool, hm(16, 0));
        let p = week_program(child(), &assignments, &[], &library(), &moments, monday);

        assert_eq!(p.dates[0], monday);
        assert_eq!(p.dates[6].to_string(), "2026-03-15");
        assert_eq!(p.activities.len(), 2, "{:#?}", p.activities);
        let early = &p.activities[0];
        assert_eq!(early.exercise.id, crab(), "08:15 comes first");
        assert_eq!(early.days, [true, true, true, false, false, false, false], "ends on Wednesday");
        let late = &p.activities[1];
        assert_eq!(late.days, [true, false, true, false, true, false, false]);
        assert_eq!(late.dosage.reps, Some(12));
        assert_eq!(late.note_for_family.as_ref().unwrap().as_str(), "On the rug");
        let times: Vec<_> = late.times.iter().map(|(_, c)| c.unwrap()).collect();
        assert_eq!(times, [hm(16, 0), FamilyMoment::Bedtime.typical_time()], "in the day's order, family times");
    }

    #[test]
    fn another_childs_program_is_not_shown() {
        let other = assignment(1, bear(), json!({"child_id": "01936f4e-0000-7000-8000-0000000c0002"}));
        let p =
            week_program(child(), &[other], &[], &library(), &MomentTimes::default(), "2026-03-09".parse().unwrap());
        assert!(p.activities.is_empty());
    }
}
