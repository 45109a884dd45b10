//! Schedule expansion: which practice a family is expected to do on each local date.
//!
//! Everything here works in the family's local dates, so a daylight-saving change can neither add nor drop
//! a day's practice. Only when a clock instant is needed (reminders) is a local time turned into UTC, through
//! [`TimeZoneName::instant_of`], which settles the skipped and repeated hours.

use crate::assignment::{Assignment, FamilyMoment, SlotTime, Target};
use crate::ids::{AssignmentId, ExerciseId};
use crate::log::Occurrence;
use crate::routine::Routine;
use crate::time::{DateRange, TimeZoneName};
use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One piece of practice expected on one date: an exercise, at one of its assignment's times.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Expected {
    pub assignment_id: AssignmentId,
    pub exercise_id: ExerciseId,
    pub occurrence: Occurrence,
    pub slot_time: SlotTime,
    /// Position in the routine (0 for a single exercise), to keep a routine's order.
    pub position: u8,
}

/// The clock time a family gives each moment of its day; unset moments use [`FamilyMoment::typical_time`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MomentTimes(pub BTreeMap<FamilyMoment, NaiveTime>);

impl MomentTimes {
    pub fn time_of(&self, moment: FamilyMoment) -> NaiveTime {
        self.0.get(&moment).copied().unwrap_or_else(|| moment.typical_time())
    }

    /// The local clock time of a slot, if it has one.
    pub fn clock_time(&self, slot: &SlotTime) -> Option<NaiveTime> {
        match slot {
            SlotTime::Moment { moment } => Some(self.time_of(*moment)),
            SlotTime::At { time } => Some(*time),
            SlotTime::Anytime => None,
        }
    }
}

impl Expected {
    /// When this practice is due, as an instant; `None` for "anytime".
    pub fn due_at(&self, tz: &TimeZoneName, moments: &MomentTimes) -> Option<DateTime<Utc>> {
        moments.clock_time(&self.slot_time).map(|t| tz.instant_of(self.occurrence.date.and_time(t)))
    }
}

/// The exercises an assignment stands for, in order. A routine that is not known (not yet synced) stands for
/// nothing until it arrives.
pub fn exercises_of(assignment: &Assignment, routines: &[Routine]) -> Vec<ExerciseId> {
    match assignment.target {
        Target::Exercise { exercise_id } => vec![exercise_id],
        Target::Routine { routine_id } => {
            routines.iter().find(|r| r.id == routine_id).map(|r| r.items.clone()).unwrap_or_default()
        }
    }
}

/// Everything expected from `assignments` on the dates of `range`, ordered by date, then time of day
/// ("anytime" last), then assignment and routine position.
pub fn expand(assignments: &[Assignment], routines: &[Routine], range: DateRange) -> Vec<Expected> {
    let mut out = Vec::new();
    for a in assignments {
        let exercises = exercises_of(a, routines);
        let first = range.first.max(a.due_from());
        let last = a.end_date.map_or(range.last, |e| e.min(range.last));
        if first > last {
            continue;
        }
        for date in first.iter_days().take_while(|d| *d <= last) {
            if !a.is_expected_on(date) {
                continue;
            }
            for (slot, slot_time) in a.slots.iter().enumerate() {
                for (position, exercise_id) in exercises.iter().enumerate() {
                    out.push(Expected {
                        assignment_id: a.id,
                        exercise_id: *exercise_id,
                        occurrence: Occurrence { date, slot: slot as u8 },
                        slot_time: *slot_time,
                        position: position as u8,
                    });
                }
            }
        }
    }
    out.sort_by_key(|e| {
        (
            e.occurrence.date,
            e.slot_time.sort_time().is_none(),
            e.slot_time.sort_time(),
            e.assignment_id,
            e.occurrence.slot,
            e.position,
        )
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::FamilyMoment;
    use crate::assignment::tests::{d, daily};
    use crate::ids::{ClinicId, RoutineId};
    use crate::text::{KidText, Title};
    use crate::time::{Weekdays, hm};
    use chrono::{Datelike, NaiveDate, TimeDelta, TimeZone, Weekday};
    use proptest::prelude::*;

    #[test]
    fn routine_expands_to_each_item_in_order() {
        let routine = Routine {
            id: RoutineId::new_v7(),
            clinic_id: ClinicId::new_v7(),
            title: Title::new("Warm-up").unwrap(),
            kid_title: KidText::new("Warm up!").unwrap(),
            items: vec![ExerciseId::builtin("a"), ExerciseId::builtin("b"), ExerciseId::builtin("c")],
            then_reward: None,
        };
        let mut a = daily(d(2026, 3, 2));
        a.target = Target::Routine { routine_id: routine.id };
        a.days = Weekdays::SCHOOL_DAYS;
        let week = DateRange::new(d(2026, 3, 2), d(2026, 3, 8)).unwrap();
        let got = expand(&[a.clone()], std::slice::from_ref(&routine), week);
        assert_eq!(got.len(), 5 * 3);
        assert_eq!(got[..3].iter().map(|e| e.exercise_id).collect::<Vec<_>>(), routine.items);
        assert!(got.iter().all(|e| !matches!(e.occurrence.date.weekday(), Weekday::Sat | Weekday::Sun)));
        // An unknown routine expands to nothing rather than to a wrong guess.
        assert!(expand(&[a], &[], week).is_empty());
    }

    #[test]
    fn day_is_ordered_by_time_with_anytime_last() {
        let mut a = daily(d(2026, 3, 2));
        a.slots = vec![
            SlotTime::Anytime,
            SlotTime::Moment { moment: FamilyMoment::Bedtime },
            SlotTime::At { time: hm(7, 15) },
        ];
        let day = DateRange::new(d(2026, 3, 2), d(2026, 3, 2)).unwrap();
        let slots: Vec<u8> = expand(&[a], &[], day).iter().map(|e| e.occurrence.slot).collect();
        assert_eq!(slots, [2, 1, 0]);
    }

    #[test]
    fn spring_forward_gap_resolves_to_the_jump() {
        let tz = TimeZoneName::new("Europe/Berlin").unwrap();
        // 2026-03-29: clocks jump from 02:00 to 03:00 local.
        let gap = tz.instant_of(d(2026, 3, 29).and_time(hm(2, 30)));
        let jump = tz.instant_of(d(2026, 3, 29).and_time(hm(3, 0)));
        assert_eq!(gap, jump);
        assert_eq!(jump.to_rfc3339(), "2026-03-29T01:00:00+00:00");
    }

    #[test]
    fn fall_back_fold_resolves_to_the_first() {
        let tz = TimeZoneName::new("America/New_York").unwrap();
        // 2026-11-01: 01:30 happens twice; the first is still EDT (UTC-4).
        let t = tz.instant_of(d(2026, 11, 1).and_time(hm(1, 30)));
        assert_eq!(t.to_rfc3339(), "2026-11-01T05:30:00+00:00");
    }

    #[test]
    fn due_at_uses_the_familys_moment_times() {
        let tz = TimeZoneName::new("Europe/London").unwrap();
        let mut a = daily(d(2026, 7, 1));
        a.slots = vec![SlotTime::Moment { moment: FamilyMoment::Bath }];
        let e = expand(&[a], &[], DateRange::new(d(2026, 7, 1), d(2026, 7, 1)).unwrap())[0];
        let mut moments = MomentTimes::default();
        assert_eq!(e.due_at(&tz, &moments).unwrap().to_rfc3339(), "2026-07-01T18:00:00+00:00");
        moments.0.insert(FamilyMoment::Bath, hm(18, 15));
        assert_eq!(e.due_at(&tz, &moments).unwrap().to_rfc3339(), "2026-07-01T17:15:00+00:00");
    }

    fn arb_date() -> impl Strategy<Value = NaiveDate> {
        (0i64..3000).prop_map(|n| d(2024, 1, 1) + TimeDelta::days(n))
    }

    prop_compose! {
        fn arb_assignment()(start in arb_date(), len in prop::option::of(0i64..400), days in 1u8..128,
                            slots in 1usize..=3, pauses in prop::collection::vec((0i64..200, 0i64..60), 0..3),
                            open_pause in any::<bool>(), assigned in prop::option::of(-60i64..60)) -> Assignment {
            let mut a = daily(start);
            a.assigned_on = assigned.map(|n| start + TimeDelta::days(n));
            a.days = Weekdays::from_days((0..7).filter(|i| days & (1 << i) != 0).map(|i| Weekday::try_from(i as u8).unwrap()));
            a.slots = [SlotTime::Anytime, SlotTime::At { time: hm(8, 0) }, SlotTime::Moment { moment: FamilyMoment::Bath }][..slots].to_vec();
            let mut cursor = start;
            for (gap, length) in pauses {
                let from = cursor + TimeDelta::days(gap);
                let _ = a.pause(from, from);
                let _ = a.resume(from + TimeDelta::days(length), from);
                cursor = from + TimeDelta::days(length);
            }
            if open_pause {
                let _ = a.pause(cursor + TimeDelta::days(3), cursor);
            }
            if let Some(len) = len {
                let _ = a.end(start + TimeDelta::days(len), start);
            }
            a
        }
    }

    fn arb_range() -> impl Strategy<Value = DateRange> {
        (arb_date(), 0i64..120).prop_map(|(first, len)| DateRange::new(first, first + TimeDelta::days(len)).unwrap())
    }

    /// Zones with daylight saving on both hemispheres, half-hour shifts and midnight changes.
    const ZONES: &[&str] = &[
        "Europe/London",
        "Europe/Berlin",
        "America/New_York",
        "America/Santiago",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "Asia/Tehran",
        "America/Havana",
        "Pacific/Auckland",
        "Asia/Kolkata",
        "UTC",
    ];

    proptest! {
        #[test]
        fn generated_assignments_are_valid(a in arb_assignment()) {
            prop_assert!(crate::error::Validate::validate(&a).is_ok(), "{:?}", a);
        }

        #[test]
        fn every_occurrence_is_expected_and_none_is_missing(a in arb_assignment(), range in arb_range()) {
            let got = expand(std::slice::from_ref(&a), &[], range);
            // Independent count: every day of the range that the rules allow, times the number of slots.
            let want = range.days().filter(|day| {
                *day >= a.start_date
                    && a.assigned_on.is_none_or(|on| *day >= on)
                    && a.end_date.is_none_or(|e| *day <= e)
                    && a.days.contains(day.weekday())
                    && !a.pauses.iter().any(|p| p.from <= *day && p.until.is_none_or(|u| *day < u))
            }).count() * a.slots.len();
            prop_assert_eq!(got.len(), want);
            for e in &got {
                prop_assert!(range.contains(e.occurrence.date));
                prop_assert!(a.is_expected_on(e.occurrence.date));
            }
            let mut keys: Vec<_> = got.iter().map(|e| e.occurrence).collect();
            keys.dedup();
            prop_assert_eq!(keys.len(), got.len(), "no occurrence twice");
        }

        #[test]
        fn splitting_a_range_changes_nothing(a in arb_assignment(), range in arb_range(), cut in 0i64..120) {
            let cut = (range.first + TimeDelta::days(cut)).min(range.last);
            let whole = expand(std::slice::from_ref(&a), &[], range);
            let mut parts = expand(std::slice::from_ref(&a), &[], DateRange::new(range.first, cut).unwrap());
            if cut < range.last {
                parts.extend(expand(std::slice::from_ref(&a), &[], DateRange::new(cut + TimeDelta::days(1), range.last).unwrap()));
            }
            prop_assert_eq!(whole, parts);
        }

        #[test]
        fn local_times_map_to_one_ordered_instant(zone in prop::sample::select(ZONES), date in arb_date(),
                                                   m1 in 0u32..1440, m2 in 0u32..1440) {
            let tz = TimeZoneName::new(zone).unwrap();
            let (lo, hi) = (m1.min(m2), m1.max(m2));
            let t_lo = tz.instant_of(date.and_time(hm(lo / 60, lo % 60)));
            let t_hi = tz.instant_of(date.and_time(hm(hi / 60, hi % 60)));
            prop_assert!(t_lo <= t_hi, "later local time must not come first: {zone} {date} {lo} {hi}");
            // Local times that exist round-trip exactly.
            let local = date.and_time(hm(lo / 60, lo % 60));
            let back = t_lo.with_timezone(&tz.tz()).naive_local();
            if tz.tz().from_local_datetime(&local).earliest().is_some() {
                prop_assert_eq!(back, local);
            } else {
                prop_assert!(back > local, "{zone} {local} -> {back}");
            }
            prop_assert!(back - local <= TimeDelta::hours(2));
            // Every family date is a real local date: the start of each day maps back to that date.
            prop_assert_eq!(tz.local_date(tz.instant_of(date.and_time(NaiveTime::MIN))), date);
        }

        #[test]
        fn same_time_next_day_is_about_a_day_later(zone in prop::sample::select(ZONES), date in arb_date(), m in 0u32..1440) {
            let tz = TimeZoneName::new(zone).unwrap();
            let t = hm(m / 60, m % 60);
            let a = tz.instant_of(date.and_time(t));
            let b = tz.instant_of((date + TimeDelta::days(1)).and_time(t));
            let gap = b - a;
            prop_assert!(gap >= TimeDelta::hours(22) && gap <= TimeDelta::hours(26), "{zone} {date} {t}: {gap}");
        }
    }
}
