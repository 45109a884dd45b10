//! Assignments: what a therapist asks a family to do, on which days and at which moments.

use crate::error::{Checker, Problem, Validate, ValidationError};
use crate::exercise::Dosage;
use crate::ids::{AssignmentId, ChildId, ExerciseId, GoalId, RoutineId, TherapistId};
use crate::text::Note;
use crate::time::Weekdays;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// The moments of a family's day that practice can be tied to, as early-intervention practice recommends.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FamilyMoment {
    WakeUp,
    Breakfast,
    Lunch,
    AfterSchool,
    Dinner,
    Bath,
    Bedtime,
}

impl FamilyMoment {
    pub const ALL: [FamilyMoment; 7] =
        [Self::WakeUp, Self::Breakfast, Self::Lunch, Self::AfterSchool, Self::Dinner, Self::Bath, Self::Bedtime];

    /// A typical clock time, used to order the day and as the default reminder time until a family sets its own.
    pub fn typical_time(self) -> NaiveTime {
        let (h, m) = match self {
            Self::WakeUp => (7, 0),
            Self::Breakfast => (7, 30),
            Self::Lunch => (12, 0),
            Self::AfterSchool => (15, 30),
            Self::Dinner => (18, 0),
            Self::Bath => (19, 0),
            Self::Bedtime => (19, 30),
        };
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
    }
}

/// When in the day one of an assignment's times falls.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SlotTime {
    /// Tied to a family moment ("after bath") rather than a clock.
    Moment { moment: FamilyMoment },
    /// A local clock time in the family's zone.
    At { time: NaiveTime },
    /// Whenever suits the family that day.
    Anytime,
}

impl SlotTime {
    /// Where the slot sorts in the day; `Anytime` sorts last.
    pub fn sort_time(&self) -> Option<NaiveTime> {
        match self {
            Self::Moment { moment } => Some(moment.typical_time()),
            Self::At { time } => Some(*time),
            Self::Anytime => None,
        }
    }
}

/// What is assigned: one exercise, or a routine (each of its exercises is then expected).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Target {
    Exercise { exercise_id: ExerciseId },
    Routine { routine_id: RoutineId },
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Paused,
    Ended,
}

/// A pause from `from` up to, not including, `until` (the day practice resumed). Open while `until` is absent.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pause {
    /// The first day of the pause. From 2000-01-01 to 2100-12-31.
    pub from: NaiveDate,
    /// The day practice resumed, when it has. From 2000-01-01 to 2100-12-31.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

impl Pause {
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.from <= d && self.until.is_none_or(|u| d < u)
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub id: AssignmentId,
    pub child_id: ChildId,
    pub target: Target,
    pub assigned_by: TherapistId,
    /// The first day of practice, as the therapist chose it. From 2000-01-01 to 2100-12-31. Practice is due
    /// only from [`Assignment::due_from`]: a start chosen in the past never makes days before the item was
    /// assigned due.
    pub start_date: NaiveDate,
    /// The family's local date the item was assigned (set by the server): nothing is due before it. Absent for
    /// items assigned before it was kept, which count from `start_date`. From 2000-01-01 to 2100-12-31.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_on: Option<NaiveDate>,
    /// The last day of practice, inclusive. From 2000-01-01 to 2100-12-31.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    pub days: Weekdays,
    /// One to three times a day. A log names its time by index into this list.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 3))]
    pub slots: Vec<SlotTime>,
    /// Replaces parts of the exercise's default dosage.
    #[serde(default, skip_serializing_if = "Dosage::is_empty")]
    pub dosage: Dosage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_for_family: Option<Note>,
    pub status: Status,
    /// Past and current pauses, oldest first; kept so that past adherence stays right after a resume.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pauses: Vec<Pause>,
    /// The child's goals this item serves (each at most once). Absent for items set before goals existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 8))]
    pub goal_ids: Vec<GoalId>,
}

/// A state change that does not fit the assignment's current status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusChangeError {
    #[error("the assignment is {0:?}; only an active assignment can be paused")]
    NotActive(Status),
    #[error("the assignment is {0:?}; only a paused assignment can be resumed")]
    NotPaused(Status),
    #[error("the assignment has already ended")]
    AlreadyEnded,
    #[error("the date is before the assignment's start or its last change")]
    DateTooEarly,
    /// The change would take effect on a day already past, changing its numbers.
    #[error("the change would take effect before today ({today}); a past day's numbers never change")]
    InThePast { today: NaiveDate },
    /// Moving the start would change days already past: practice has been due since `due_from`.
    #[error("practice has been due since {due_from}; a start that changes days already past cannot be set")]
    StartedAlready { due_from: NaiveDate },
}

impl Assignment {
    pub const MAX_SLOTS: usize = 3;
    /// An item serving more goals than this says little about any of them.
    pub const MAX_GOALS: usize = 8;

    /// Whether `other` asks the family for exactly the same practice: the same target on the same dates, days
    /// and times, with the same dosage, note and goals (a second press of "Assign"). Who assigned it, its id
    /// and its history do not matter.
    pub fn same_practice(&self, other: &Assignment) -> bool {
        let goals = |a: &Assignment| a.goal_ids.iter().copied().collect::<std::collections::BTreeSet<_>>();
        self.child_id == other.child_id
            && self.target == other.target
            && self.start_date == other.start_date
            && self.end_date == other.end_date
            && self.days == other.days
            && self.slots == other.slots
            && self.dosage == other.dosage
            && self.note_for_family == other.note_for_family
            && goals(self) == goals(other)
    }

    /// The first day practice can be due: the later of `start_date` and the day the item was assigned, since
    /// nothing is due before the family could have known about it.
    pub fn due_from(&self) -> NaiveDate {
        self.assigned_on.map_or(self.start_date, |on| on.max(self.start_date))
    }

    /// Whether practice is expected on local date `d` (before looking at slots).
    pub fn is_expected_on(&self, d: NaiveDate) -> bool {
        d >= self.due_from()
            && self.end_date.is_none_or(|e| d <= e)
            && self.days.includes_date(d)
            && !self.pauses.iter().any(|p| p.covers(d))
    }

    /// Sets the start to `start`, changed on the family's local date `today`, without changing any day before
    /// `today`: an item not yet due counts from the later of `start` and `today` (a start in the past makes no
    /// past day due); one already due before `today` keeps the day it became due, so its start may move only
    /// where that day stays the same.
    pub fn set_start(&mut self, start: NaiveDate, today: NaiveDate) -> Result<(), StatusChangeError> {
        let due_from = self.due_from();
        if due_from < today {
            let moved = self.assigned_on.map_or(start, |on| on.max(start));
            if moved != due_from {
                return Err(StatusChangeError::StartedAlready { due_from });
            }
        } else {
            self.assigned_on = Some(self.assigned_on.map_or(today, |on| on.max(today)));
        }
        self.start_date = start;
        Ok(())
    }

    fn last_change(&self) -> NaiveDate {
        self.pauses.iter().map(|p| p.until.unwrap_or(p.from)).max().unwrap_or(self.start_date)
    }

    /// Pauses practice from `on` (inclusive), decided on the family's local date `today`: from today on at the
    /// earliest, since a pause reaching back would change past days' numbers.
    pub fn pause(&mut self, on: NaiveDate, today: NaiveDate) -> Result<(), StatusChangeError> {
        if self.status != Status::Active {
            return Err(StatusChangeError::NotActive(self.status));
        }
        if on < today {
            return Err(StatusChangeError::InThePast { today });
        }
        if on < self.last_change() {
            return Err(StatusChangeError::DateTooEarly);
        }
        self.pauses.push(Pause { from: on, until: None });
        self.status = Status::Paused;
        Ok(())
    }

    /// Resumes practice from `on` (inclusive), decided on `today`: from today on at the earliest, since paused
    /// days already past stay paused.
    pub fn resume(&mut self, on: NaiveDate, today: NaiveDate) -> Result<(), StatusChangeError> {
        if self.status != Status::Paused {
            return Err(StatusChangeError::NotPaused(self.status));
        }
        if on < today {
            return Err(StatusChangeError::InThePast { today });
        }
        let open =
            self.pauses.last_mut().filter(|p| p.until.is_none()).ok_or(StatusChangeError::NotPaused(self.status))?;
        if on < open.from {
            return Err(StatusChangeError::DateTooEarly);
        }
        open.until = Some(on);
        self.status = Status::Active;
        Ok(())
    }

    /// Ends the assignment; `last_day` is the last day practice is expected, decided on `today`: yesterday at
    /// the earliest, since days already past that were due stay due.
    pub fn end(&mut self, last_day: NaiveDate, today: NaiveDate) -> Result<(), StatusChangeError> {
        if self.status == Status::Ended {
            return Err(StatusChangeError::AlreadyEnded);
        }
        if last_day.succ_opt().is_some_and(|next| next < today) {
            return Err(StatusChangeError::InThePast { today });
        }
        if last_day < self.start_date {
            return Err(StatusChangeError::DateTooEarly);
        }
        if let Some(open) = self.pauses.last_mut().filter(|p| p.until.is_none()) {
            open.until = Some(last_day.succ_opt().unwrap_or(last_day).max(open.from));
        }
        self.end_date = Some(self.end_date.map_or(last_day, |e| e.min(last_day)));
        self.status = Status::Ended;
        Ok(())
    }
}

impl Validate for Assignment {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.date("start_date", self.start_date);
        if let Some(on) = self.assigned_on {
            c.date("assigned_on", on);
        }
        if let Some(end) = self.end_date {
            c.date("end_date", end);
        }
        for (i, p) in self.pauses.iter().enumerate() {
            c.date(format!("pauses[{i}].from"), p.from);
            if let Some(u) = p.until {
                c.date(format!("pauses[{i}].until"), u);
            }
        }
        if let Some(end) = self.end_date {
            c.ensure(end >= self.start_date, "end_date", || Problem::Invalid {
                reason: "must not be before start_date".into(),
            });
        }
        c.ensure(!self.days.is_empty(), "days", || Problem::Count { min: 1, max: 7 });
        c.count("slots", self.slots.len(), 1, Self::MAX_SLOTS);
        c.unique("slots", &self.slots);
        c.nest("dosage", self.dosage.validate());
        c.count("goal_ids", self.goal_ids.len(), 0, Self::MAX_GOALS);
        c.unique("goal_ids", &self.goal_ids);
        let mut prev_end: Option<NaiveDate> = None;
        for (i, p) in self.pauses.iter().enumerate() {
            let field = format!("pauses[{i}]");
            c.ensure(p.from >= self.start_date, format!("{field}.from"), || Problem::Invalid {
                reason: "must not be before start_date".into(),
            });
            if let Some(u) = p.until {
                c.ensure(u >= p.from, format!("{field}.until"), || Problem::Invalid {
                    reason: "must not be before from".into(),
                });
            } else {
                c.ensure(i + 1 == self.pauses.len(), field.clone(), || Problem::Invalid {
                    reason: "only the last pause may be open".into(),
                });
            }
            if let Some(pe) = prev_end {
                c.ensure(p.from >= pe, format!("{field}.from"), || Problem::Invalid {
                    reason: "pauses must not overlap".into(),
                });
            }
            prev_end = p.until;
        }
        let open_pause = self.pauses.last().is_some_and(|p| p.until.is_none());
        let consistent = match self.status {
            Status::Active => !open_pause,
            Status::Paused => open_pause,
            Status::Ended => self.end_date.is_some() && !open_pause,
        };
        c.ensure(consistent, "status", || Problem::Invalid { reason: "does not match the pauses and end date".into() });
        c.finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// The day the changes of these tests are made: before all of them.
    const T0: NaiveDate = NaiveDate::MIN;

    pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    pub(crate) fn daily(start: NaiveDate) -> Assignment {
        Assignment {
            id: AssignmentId::new_v7(),
            child_id: ChildId::new_v7(),
            target: Target::Exercise { exercise_id: ExerciseId::builtin("bear-walk") },
            assigned_by: TherapistId::new_v7(),
            start_date: start,
            assigned_on: None,
            end_date: None,
            days: Weekdays::EVERY_DAY,
            slots: vec![SlotTime::Moment { moment: FamilyMoment::AfterSchool }],
            dosage: Dosage::default(),
            note_for_family: None,
            status: Status::Active,
            pauses: vec![],
            goal_ids: vec![],
        }
    }

    #[test]
    fn pause_resume_end_keep_history() {
        let mut a = daily(d(2026, 3, 1));
        a.pause(d(2026, 3, 10), T0).unwrap();
        assert!(a.is_expected_on(d(2026, 3, 9)));
        assert!(!a.is_expected_on(d(2026, 3, 10)));
        assert_eq!(a.pause(d(2026, 3, 11), T0), Err(StatusChangeError::NotActive(Status::Paused)));
        a.resume(d(2026, 3, 15), T0).unwrap();
        assert!(!a.is_expected_on(d(2026, 3, 14)));
        assert!(a.is_expected_on(d(2026, 3, 15)));
        a.validate().unwrap();
        a.end(d(2026, 3, 31), T0).unwrap();
        assert!(a.is_expected_on(d(2026, 3, 31)));
        assert!(!a.is_expected_on(d(2026, 4, 1)));
        assert_eq!(a.status, Status::Ended);
        a.validate().unwrap();
        assert_eq!(a.end(d(2026, 4, 2), T0), Err(StatusChangeError::AlreadyEnded));
    }

    #[test]
    fn pause_resume_and_end_never_reach_back_before_today() {
        let today = d(2026, 3, 10);
        let past = Err(StatusChangeError::InThePast { today });
        let mut a = daily(d(2026, 3, 1));
        assert_eq!(a.pause(d(2026, 3, 9), today), past);
        a.pause(today, today).unwrap();
        let later = d(2026, 3, 20);
        assert_eq!(a.resume(d(2026, 3, 19), later), Err(StatusChangeError::InThePast { today: later }));
        a.resume(later, later).unwrap();
        assert_eq!(a.end(d(2026, 3, 20), d(2026, 3, 22)), Err(StatusChangeError::InThePast { today: d(2026, 3, 22) }));
        // Yesterday as the last day: today is not expected, and no past day changes.
        a.end(d(2026, 3, 21), d(2026, 3, 22)).unwrap();
        a.validate().unwrap();
    }

    /// A second "Assign" of the very same practice is the same; any choice that differs makes another item.
    #[test]
    fn the_same_practice_is_every_choice_the_therapist_made_alike() {
        let a = daily(d(2026, 3, 1));
        let again = Assignment { id: AssignmentId::new_v7(), assigned_by: TherapistId::new_v7(), ..a.clone() };
        assert!(a.same_practice(&again));
        let goal = |n: u128| GoalId(uuid::Uuid::from_u128(n));
        let with_goals = |ids: Vec<GoalId>| Assignment { goal_ids: ids, ..a.clone() };
        assert!(
            with_goals(vec![goal(1), goal(2)]).same_practice(&with_goals(vec![goal(2), goal(1)])),
            "goals as a set"
        );
        let differs: Vec<Assignment> = vec![
            Assignment { child_id: ChildId::new_v7(), ..a.clone() },
            Assignment { target: Target::Exercise { exercise_id: ExerciseId::builtin("crab-walk") }, ..a.clone() },
            Assignment { start_date: d(2026, 3, 2), ..a.clone() },
            Assignment { end_date: Some(d(2026, 4, 1)), ..a.clone() },
            Assignment { days: Weekdays::default(), ..a.clone() },
            Assignment { slots: vec![SlotTime::Moment { moment: FamilyMoment::Bedtime }], ..a.clone() },
            Assignment { dosage: Dosage { reps: Some(5), ..Dosage::default() }, ..a.clone() },
            Assignment { note_for_family: Some(Note::new("Slowly").unwrap()), ..a.clone() },
            with_goals(vec![goal(1)]),
        ];
        for other in &differs {
            assert!(!a.same_practice(other), "{other:?}");
        }
    }

    #[test]
    fn ending_while_paused_closes_the_pause() {
        let mut a = daily(d(2026, 3, 1));
        a.pause(d(2026, 3, 10), T0).unwrap();
        a.end(d(2026, 3, 20), T0).unwrap();
        a.validate().unwrap();
        assert!(!a.is_expected_on(d(2026, 3, 12)));
    }

    #[test]
    fn invalid_assignments_name_the_field() {
        let mut a = daily(d(2026, 3, 1));
        a.end_date = Some(d(2026, 2, 1));
        assert_eq!(a.validate().unwrap_err().field(), "end_date");

        let mut a = daily(d(2026, 3, 1));
        a.slots = vec![SlotTime::Anytime; 4];
        assert_eq!(a.validate().unwrap_err().field(), "slots");

        let mut a = daily(d(2026, 3, 1));
        a.days = Weekdays::NONE;
        assert_eq!(a.validate().unwrap_err().field(), "days");

        let mut a = daily(d(2026, 3, 1));
        a.status = Status::Paused;
        assert_eq!(a.validate().unwrap_err().field(), "status");

        let mut a = daily(d(2026, 3, 1));
        let g = GoalId::new_v7();
        a.goal_ids = vec![g, GoalId::new_v7(), g];
        assert_eq!(a.validate().unwrap_err().field(), "goal_ids[2]");
        a.goal_ids = (0..=Assignment::MAX_GOALS).map(|_| GoalId::new_v7()).collect();
        assert_eq!(a.validate().unwrap_err().field(), "goal_ids");
    }

    #[test]
    fn json_shape() {
        let a = daily(d(2026, 3, 1));
        let v = serde_json::to_value(&a).unwrap();
        // Without goals the JSON is as before goals existed, so older devices read it unchanged.
        assert!(v.get("goal_ids").is_none());
        assert_eq!(v["slots"][0], serde_json::json!({"kind": "moment", "moment": "after_school"}));
        assert_eq!(v["days"], serde_json::json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]));
        let back: Assignment = serde_json::from_value(v).unwrap();
        assert_eq!(back, a);

        let mut linked = a.clone();
        linked.goal_ids = vec![GoalId::new_v7()];
        let v = serde_json::to_value(&linked).unwrap();
        assert_eq!(v["goal_ids"][0], serde_json::json!(linked.goal_ids[0]));
        assert_eq!(serde_json::from_value::<Assignment>(v).unwrap(), linked);
    }
}
