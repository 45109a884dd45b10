//! Adherence maths: matching logs to expected practice, and the summaries therapists read.
//!
//! "Not logged" is kept apart from "not done" throughout: caregivers often skip logging bad days, so a day
//! with no record is silence, while "not done — sick" is information.

use crate::assignment::Assignment;
use crate::ids::{AssignmentId, ExerciseId};
use crate::log::{CompletionLog, Difficulty, NotDoneReason, Occurrence, Outcome};
use crate::pain::{PainReport, PainScore, pain_flag};
use crate::schedule::Expected;
use crate::time::DateRange;
use chrono::{Datelike, NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What became of one expected occurrence.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OccurrenceStatus {
    Done,
    Partly,
    NotDone {
        reason: NotDoneReason,
    },
    /// The day is over and nobody recorded anything.
    NotLogged,
    /// Today or later, nothing recorded yet: not a miss.
    Pending,
}

/// Counts of expected occurrences by what became of them. `extra` counts logs that match nothing expected
/// (practice on an unscheduled day): shown, but not part of the rate.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tally {
    pub expected: u32,
    pub done: u32,
    pub partly: u32,
    pub not_done: u32,
    pub not_logged: u32,
    pub pending: u32,
    pub extra: u32,
}

impl Tally {
    fn add(&mut self, status: OccurrenceStatus) {
        self.expected += 1;
        match status {
            OccurrenceStatus::Done => self.done += 1,
            OccurrenceStatus::Partly => self.partly += 1,
            OccurrenceStatus::NotDone { .. } => self.not_done += 1,
            OccurrenceStatus::NotLogged => self.not_logged += 1,
            OccurrenceStatus::Pending => self.pending += 1,
        }
    }

    /// Occurrences whose day has come and gone (or was logged early).
    pub fn due(&self) -> u32 {
        self.expected - self.pending
    }

    /// Adherence: done counts fully, partly counts half, out of what was due. `None` when nothing was due.
    pub fn rate(&self) -> Option<f64> {
        let due = self.due();
        (due > 0).then(|| (f64::from(self.done) + 0.5 * f64::from(self.partly)) / f64::from(due))
    }

    /// The share of due occurrences with any record at all, done or not.
    pub fn logged_rate(&self) -> Option<f64> {
        let due = self.due();
        (due > 0).then(|| f64::from(due - self.not_logged) / f64::from(due))
    }

    /// Adds another range's counts: a range's tally is the sum of its days' (each day's stands on its own).
    pub fn merge(&mut self, o: &Tally) {
        self.expected += o.expected;
        self.done += o.done;
        self.partly += o.partly;
        self.not_done += o.not_done;
        self.not_logged += o.not_logged;
        self.pending += o.pending;
        self.extra += o.extra;
    }
}

/// A day as the heatmap shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayStatus {
    NothingScheduled,
    /// Everything expected was done.
    Done,
    /// Some of it was done or partly done.
    Partly,
    /// Nothing was done and at least one item was marked not done, with a reason.
    NotDone,
    /// Nothing was recorded.
    NotLogged,
    /// Today or later with nothing recorded yet.
    Pending,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaySummary {
    pub date: NaiveDate,
    pub status: DayStatus,
    pub tally: Tally,
    /// The reasons given for what was not done that day, if any.
    pub reasons: Vec<NotDoneReason>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adherence {
    pub range: DateRange,
    pub total: Tally,
    pub days: Vec<DaySummary>,
    /// Keyed by the Monday that starts each week.
    pub weeks: BTreeMap<NaiveDate, Tally>,
    pub exercises: BTreeMap<ExerciseId, Tally>,
}

type Key = (AssignmentId, ExerciseId, Occurrence);

/// Ranks outcomes when two caregivers logged the same occurrence: the best news wins, once.
fn rank(o: &Outcome) -> u8 {
    match o {
        Outcome::Done => 2,
        Outcome::Partly => 1,
        Outcome::NotDone { .. } => 0,
    }
}

/// Matches `logs` (current versions; undone ones are ignored) to `expected`, over the dates of `range`.
/// `today` is the family's local date: occurrences from today on with no record are pending, not missed.
pub fn adherence(expected: &[Expected], logs: &[CompletionLog], range: DateRange, today: NaiveDate) -> Adherence {
    let mut best: HashMap<Key, &CompletionLog> = HashMap::new();
    for log in logs.iter().filter(|l| l.counts() && range.contains(l.occurrence.date)) {
        let key = (log.assignment_id, log.exercise_id, log.occurrence);
        best.entry(key)
            .and_modify(|cur| {
                if rank(&log.outcome) > rank(&cur.outcome) {
                    *cur = log;
                }
            })
            .or_insert(log);
    }

    let mut by_day: BTreeMap<NaiveDate, (Tally, Vec<NotDoneReason>)> = BTreeMap::new();
    let mut exercises: BTreeMap<ExerciseId, Tally> = BTreeMap::new();
    let mut matched: BTreeSet<Key> = BTreeSet::new();
    for e in expected.iter().filter(|e| range.contains(e.occurrence.date)) {
        let key = (e.assignment_id, e.exercise_id, e.occurrence);
        let status = match best.get(&key) {
            Some(log) => {
                matched.insert(key);
                match log.outcome {
                    Outcome::Done => OccurrenceStatus::Done,
                    Outcome::Partly => OccurrenceStatus::Partly,
                    Outcome::NotDone { reason } => OccurrenceStatus::NotDone { reason },
                }
            }
            None if e.occurrence.date >= today => OccurrenceStatus::Pending,
            None => OccurrenceStatus::NotLogged,
        };
        let day = by_day.entry(e.occurrence.date).or_default();
        day.0.add(status);
        if let OccurrenceStatus::NotDone { reason } = status
            && !day.1.contains(&reason)
        {
            day.1.push(reason);
        }
        exercises.entry(e.exercise_id).or_default().add(status);
    }
    for (key, _) in best.iter().filter(|(k, _)| !matched.contains(*k)) {
        by_day.entry(key.2.date).or_default().0.extra += 1;
        exercises.entry(key.1).or_default().extra += 1;
    }

    let mut total = Tally::default();
    let mut weeks: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    let days = range
        .days()
        .map(|date| {
            let (tally, reasons) = by_day.remove(&date).unwrap_or_default();
            total.merge(&tally);
            weeks.entry(week_start(date)).or_default().merge(&tally);
            DaySummary { date, status: day_status(&tally), tally, reasons }
        })
        .collect();
    Adherence { range, total, days, weeks, exercises }
}

fn day_status(t: &Tally) -> DayStatus {
    if t.expected == 0 {
        DayStatus::NothingScheduled
    } else if t.done == t.expected {
        DayStatus::Done
    } else if t.done + t.partly > 0 {
        DayStatus::Partly
    } else if t.not_done > 0 {
        DayStatus::NotDone
    } else if t.pending > 0 {
        DayStatus::Pending
    } else {
        DayStatus::NotLogged
    }
}

/// The Monday of `date`'s week.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    // Checked: the week of chrono's first day starts before it (dates a client sends are bounded, but this
    // must not panic on any date).
    date.checked_sub_signed(TimeDelta::days(i64::from(date.weekday().num_days_from_monday()))).unwrap_or(date)
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Streaks {
    /// Practice days in a row up to today (a still-open today does not break it).
    pub current: u32,
    pub longest: u32,
}

/// Streaks of days with some practice (done or partly). Days with nothing scheduled neither break nor extend
/// a streak: a family is not punished for the therapist's rest days.
pub fn streaks(days: &[DaySummary]) -> Streaks {
    let mut run = 0;
    let mut longest = 0;
    for day in days {
        match day.status {
            DayStatus::Done | DayStatus::Partly => {
                run += 1;
                longest = longest.max(run);
            }
            DayStatus::NothingScheduled | DayStatus::Pending => {}
            DayStatus::NotDone | DayStatus::NotLogged => run = 0,
        }
    }
    Streaks { current: run, longest }
}

/// Remote therapeutic monitoring (RTM) billing thresholds for data days in a 30-day period.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RtmLevel {
    /// Fewer than 2 data days: nothing to bill.
    Below,
    /// 2–15 data days.
    Short,
    /// 16 or more data days.
    Full,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RtmPeriod {
    pub range: DateRange,
    pub data_days: u32,
    pub level: RtmLevel,
    /// Data days still needed to reach the 16-day threshold (0 once met).
    pub days_to_full: u32,
}

impl RtmPeriod {
    pub const DAYS: i64 = 30;
    pub const FULL_THRESHOLD: u32 = 16;
    pub const SHORT_THRESHOLD: u32 = 2;
}

/// Where remote monitoring starts, the anchor of the 30-day periods: the program's real start, the first day
/// any of its items counted from ([`Assignment::due_from`], the later of its start and the day it was assigned).
/// An item added later counts from the day it is added at the earliest, so it never moves a period that has
/// begun. Items that were never due (ended before they counted) do not start monitoring. `None` while nothing
/// was assigned.
pub fn monitoring_start(assignments: &[Assignment]) -> Option<NaiveDate> {
    assignments.iter().filter(|a| a.end_date.is_none_or(|e| e >= a.due_from())).map(Assignment::due_from).min()
}

/// RTM data days: distinct local dates with any counting log, in consecutive 30-day periods from
/// `monitoring_start` up to the period holding `through`.
pub fn rtm_periods(logs: &[CompletionLog], monitoring_start: NaiveDate, through: NaiveDate) -> Vec<RtmPeriod> {
    rtm_periods_from_days(logs.iter().filter(|l| l.counts()).map(|l| l.occurrence.date), monitoring_start, through)
}

/// The same from the data days themselves (any order, repeats allowed), for callers that keep a per-day rollup
/// instead of reading every log.
pub fn rtm_periods_from_days(
    days: impl IntoIterator<Item = NaiveDate>,
    monitoring_start: NaiveDate,
    through: NaiveDate,
) -> Vec<RtmPeriod> {
    let dates: BTreeSet<NaiveDate> = days.into_iter().collect();
    let mut out = Vec::new();
    let mut first = monitoring_start;
    while first <= through {
        let Some(last) = first.checked_add_signed(TimeDelta::days(RtmPeriod::DAYS - 1)) else { break };
        let range = DateRange { first, last };
        let data_days = dates.range(range.first..=range.last).count() as u32;
        let level = match data_days {
            n if n >= RtmPeriod::FULL_THRESHOLD => RtmLevel::Full,
            n if n >= RtmPeriod::SHORT_THRESHOLD => RtmLevel::Short,
            _ => RtmLevel::Below,
        };
        out.push(RtmPeriod {
            range,
            data_days,
            level,
            days_to_full: RtmPeriod::FULL_THRESHOLD.saturating_sub(data_days),
        });
        let Some(next) = range.last.succ_opt() else { break };
        first = next;
    }
    out
}

/// Something a therapist should look at first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Flag {
    /// Nothing logged for this many days (or ever, while practice was expected).
    NoLogs { days: u32 },
    /// Pain reported and not yet marked seen by a therapist: it stays however old it is, and a report after
    /// the mark raises it again. `worst` is the highest score among them (`null` when every one was a plain
    /// "yes"), reported for the date `on`.
    Pain {
        times: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        worst: Option<PainScore>,
        on: NaiveDate,
    },
    /// "Hard" reported 3 or more times in the last 14 days.
    OftenHard { times: u32 },
    /// "Not done: refused" 3 or more times in the last 14 days.
    OftenRefused { times: u32 },
}

impl Flag {
    pub const NO_LOGS_DAYS: u32 = 4;
    pub const REPEAT_THRESHOLD: u32 = 3;
}

/// The flags for one child, most urgent first. `first_expected` is the first date practice was expected;
/// `unseen_pain` the pain reports no therapist has marked seen (the logs in hand are only recent ones, and pain
/// stays flagged however old it is), flagged from the clinic's threshold `pain_advice_at` on.
pub fn flags(
    logs: &[CompletionLog],
    first_expected: Option<NaiveDate>,
    today: NaiveDate,
    unseen_pain: &[PainReport],
    pain_advice_at: u8,
) -> Vec<Flag> {
    let counting = || logs.iter().filter(|l| l.counts() && l.occurrence.date <= today);
    let within = |days: i64| move |l: &&CompletionLog| (today - l.occurrence.date).num_days() < days;
    let mut out = Vec::new();
    let last_log = counting().map(|l| l.occurrence.date).max();
    let silent_since = last_log.map(|d| d.succ_opt().unwrap_or(d)).or(first_expected);
    if let Some(since) = silent_since {
        let days = (today - since).num_days().max(0) as u32;
        if days >= Flag::NO_LOGS_DAYS {
            out.push(Flag::NoLogs { days });
        }
    }
    out.extend(pain_flag(unseen_pain, pain_advice_at));
    let hard = counting().filter(within(14)).filter(|l| l.difficulty == Some(Difficulty::Hard)).count() as u32;
    if hard >= Flag::REPEAT_THRESHOLD {
        out.push(Flag::OftenHard { times: hard });
    }
    let refused = counting()
        .filter(within(14))
        .filter(|l| l.outcome == Outcome::NotDone { reason: NotDoneReason::Refused })
        .count() as u32;
    if refused >= Flag::REPEAT_THRESHOLD {
        out.push(Flag::OftenRefused { times: refused });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::tests::{d, daily};
    use crate::log::tests::log;
    use crate::schedule::expand;

    fn logged(e: &Expected, outcome: Outcome) -> CompletionLog {
        let mut l = log(e.occurrence.date, outcome);
        l.assignment_id = e.assignment_id;
        l.exercise_id = e.exercise_id;
        l.occurrence = e.occurrence;
        l
    }

    /// Leo's week from the stories: done Mon–Wed, nothing Thursday, "not done — sick" Friday, today Saturday.
    #[test]
    fn not_logged_and_not_done_stay_apart() {
        let a = daily(d(2026, 3, 2));
        let week = DateRange::new(d(2026, 3, 2), d(2026, 3, 8)).unwrap();
        let exp = expand(&[a], &[], week);
        let mut logs: Vec<_> = exp[..3].iter().map(|e| logged(e, Outcome::Done)).collect();
        logs.push(logged(&exp[4], Outcome::NotDone { reason: NotDoneReason::Sick }));
        let r = adherence(&exp, &logs, week, d(2026, 3, 7));
        let statuses: Vec<_> = r.days.iter().map(|d| d.status).collect();
        use DayStatus::*;
        assert_eq!(statuses, [Done, Done, Done, NotLogged, NotDone, Pending, Pending]);
        assert_eq!(r.days[4].reasons, [NotDoneReason::Sick]);
        assert_eq!(
            r.total,
            Tally { expected: 7, done: 3, partly: 0, not_done: 1, not_logged: 1, pending: 2, extra: 0 }
        );
        assert_eq!(r.total.rate(), Some(3.0 / 5.0));
        assert_eq!(r.total.logged_rate(), Some(4.0 / 5.0));
        assert_eq!(r.weeks[&d(2026, 3, 2)], r.total);
    }

    #[test]
    fn two_caregivers_logging_one_occurrence_count_once_with_the_best_outcome() {
        let a = daily(d(2026, 3, 2));
        let day = DateRange::new(d(2026, 3, 2), d(2026, 3, 2)).unwrap();
        let exp = expand(&[a], &[], day);
        let logs = vec![logged(&exp[0], Outcome::Partly), logged(&exp[0], Outcome::Done)];
        let r = adherence(&exp, &logs, day, d(2026, 3, 3));
        assert_eq!((r.total.expected, r.total.done, r.total.partly), (1, 1, 0));
    }

    #[test]
    fn undone_logs_do_not_count_and_extras_are_kept_apart() {
        let a = daily(d(2026, 3, 2));
        let range = DateRange::new(d(2026, 3, 2), d(2026, 3, 3)).unwrap();
        let exp = expand(std::slice::from_ref(&a), &[], range);
        let mut undone = logged(&exp[0], Outcome::Done);
        undone.undone = true;
        let mut extra = logged(&exp[1], Outcome::Done);
        extra.occurrence.slot = 2;
        let r = adherence(&exp, &[undone, extra], range, d(2026, 3, 9));
        assert_eq!(r.total.not_logged, 2);
        assert_eq!(r.total.extra, 1);
        assert_eq!(r.total.rate(), Some(0.0));
    }

    #[test]
    fn partly_counts_half() {
        let t = Tally { expected: 4, done: 2, partly: 1, not_done: 1, ..Tally::default() };
        assert_eq!(t.rate(), Some(2.5 / 4.0));
        assert_eq!(Tally::default().rate(), None);
    }

    #[test]
    fn streaks_skip_rest_days_and_break_on_misses() {
        let day = |status| DaySummary { date: d(2026, 1, 1), status, tally: Tally::default(), reasons: vec![] };
        use DayStatus::*;
        let days: Vec<_> = [Done, Done, NotLogged, Done, NothingScheduled, Partly, Done, Pending].map(day).into();
        assert_eq!(streaks(&days), Streaks { current: 3, longest: 3 });
        let days: Vec<_> = [Done, Done, Done, Done, NotDone].map(day).into();
        assert_eq!(streaks(&days), Streaks { current: 0, longest: 4 });
    }

    #[test]
    fn rtm_counts_distinct_days_per_thirty_day_period() {
        let start = d(2026, 3, 1);
        // 18 data days in the first period (two logs on one of them), 1 in the second.
        let mut logs: Vec<_> = (0..18).map(|i| log(start + TimeDelta::days(i), Outcome::Done)).collect();
        logs.push(log(start, Outcome::Partly));
        logs.push(log(start + TimeDelta::days(31), Outcome::NotDone { reason: NotDoneReason::Sick }));
        let mut undone = log(start + TimeDelta::days(40), Outcome::Done);
        undone.undone = true;
        logs.push(undone);
        let p = rtm_periods(&logs, start, d(2026, 4, 15));
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].data_days, p[0].level, p[0].days_to_full), (18, RtmLevel::Full, 0));
        assert_eq!(p[0].range.last, d(2026, 3, 30));
        assert_eq!((p[1].data_days, p[1].level, p[1].days_to_full), (1, RtmLevel::Below, 15));
        let two: Vec<_> = (0..2).map(|i| log(start + TimeDelta::days(i), Outcome::Done)).collect();
        assert_eq!(rtm_periods(&two, start, start)[0].level, RtmLevel::Short);
        let fifteen: Vec<_> = (0..15).map(|i| log(start + TimeDelta::days(i), Outcome::Done)).collect();
        assert_eq!(rtm_periods(&fifteen, start, start)[0].level, RtmLevel::Short);
    }

    #[test]
    fn flags_sort_silence_pain_hard_and_refusals() {
        let today = d(2026, 3, 20);
        assert_eq!(flags(&[], Some(d(2026, 3, 10)), today, &[], 6), [Flag::NoLogs { days: 10 }]);
        assert!(flags(&[], Some(d(2026, 3, 18)), today, &[], 6).is_empty());
        let mut logs: Vec<_> = (0..3).map(|i| log(today - TimeDelta::days(i), Outcome::Done)).collect();
        logs[0].pain = true;
        for l in &mut logs {
            l.difficulty = Some(Difficulty::Hard);
        }
        logs.extend(
            (0..3).map(|i| log(today - TimeDelta::days(i), Outcome::NotDone { reason: NotDoneReason::Refused })),
        );
        assert_eq!(
            flags(&logs, Some(d(2026, 3, 1)), today, &[PainReport { date: today, score: None }], 6),
            [
                Flag::Pain { times: 1, worst: None, on: today },
                Flag::OftenHard { times: 3 },
                Flag::OftenRefused { times: 3 }
            ]
        );
        // Five silent days after the last log (one from yesterday, without pain).
        assert_eq!(flags(&logs[1..2], None, today + TimeDelta::days(5), &[], 6), [Flag::NoLogs { days: 5 }]);
        // Pain reported a month ago and never marked seen is still flagged, after the silence.
        let old = PainReport { date: today - TimeDelta::days(30), score: Some(PainScore::new(8).unwrap()) };
        assert_eq!(
            flags(&logs[1..2], None, today + TimeDelta::days(5), &[old], 6),
            [Flag::NoLogs { days: 5 }, Flag::Pain { times: 1, worst: old.score, on: old.date }]
        );
    }
}

/// Issue #14: a change made today (adding an item, moving its start into the past, pausing it) never changes a
/// past day's numbers nor moves an RTM period.
#[cfg(test)]
mod history_tests {
    use super::*;
    use crate::assignment::StatusChangeError;
    use crate::assignment::tests::{d, daily};
    use crate::log::tests::log;
    use crate::schedule::expand;
    use proptest::prelude::*;

    /// What the numbers of the days before `today` are, as a therapist reads them.
    fn past(assignments: &[Assignment], logs: &[CompletionLog], today: NaiveDate) -> Vec<DaySummary> {
        let range = DateRange::new(today - TimeDelta::days(150), today - TimeDelta::days(1)).unwrap();
        adherence(&expand(assignments, &[], range), logs, range, today).days
    }

    fn periods(assignments: &[Assignment], logs: &[CompletionLog], today: NaiveDate) -> Vec<RtmPeriod> {
        monitoring_start(assignments).map_or_else(Vec::new, |start| rtm_periods(logs, start, today))
    }

    /// A log of the occurrence `e` (done).
    fn done(e: &Expected) -> CompletionLog {
        let mut l = log(e.occurrence.date, Outcome::Done);
        l.assignment_id = e.assignment_id;
        l.exercise_id = e.exercise_id;
        l.occurrence = e.occurrence;
        l
    }

    /// The report: twelve weeks of good practice (every day but every twentieth), then an item assigned today
    /// with a start three weeks back. Before the fix its three past weeks were "not logged".
    #[test]
    fn an_item_assigned_with_a_past_start_is_due_only_from_today() {
        let today = d(2026, 6, 1);
        let start = today - TimeDelta::weeks(12);
        let mut first = daily(start);
        first.assigned_on = Some(start);
        let twelve_weeks = DateRange::new(start, today - TimeDelta::days(1)).unwrap();
        let logs: Vec<_> = expand(std::slice::from_ref(&first), &[], twelve_weeks)
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 20 != 0)
            .map(|(_, e)| done(e))
            .collect();
        let rate = |program: &[Assignment]| {
            adherence(&expand(program, &[], twelve_weeks), &logs, twelve_weeks, today).total.rate().unwrap()
        };
        let before = rate(std::slice::from_ref(&first));
        assert!(before > 0.94, "{before}");

        let mut added = daily(today - TimeDelta::weeks(3));
        added.assigned_on = Some(today);
        assert_eq!(added.due_from(), today);
        let program = [first.clone(), added.clone()];
        assert_eq!(rate(&program), before);
        assert_eq!(past(&program, &logs, today), past(std::slice::from_ref(&first), &logs, today));
        assert_eq!(monitoring_start(&program), Some(start));
        assert_eq!(periods(&program, &logs, today), periods(std::slice::from_ref(&first), &logs, today));
        // From today on the new item is expected like any other.
        let next_week = DateRange::new(today, today + TimeDelta::days(6)).unwrap();
        assert_eq!(expand(std::slice::from_ref(&added), &[], next_week).len(), 7);
        // An item from before assigned days were kept counts from its start, as it always did.
        added.assigned_on = None;
        assert_eq!(added.due_from(), today - TimeDelta::weeks(3));
    }

    #[test]
    fn a_start_moves_only_where_no_past_day_changes() {
        let today = d(2026, 6, 1);
        // Not due yet: the start may move, and a start in the past counts from today.
        let mut later = daily(today + TimeDelta::days(10));
        later.assigned_on = Some(today - TimeDelta::days(5));
        later.set_start(today - TimeDelta::days(20), today).unwrap();
        assert_eq!((later.start_date, later.due_from()), (today - TimeDelta::days(20), today));
        // Due since before today: the day it became due stays.
        let mut running = daily(today - TimeDelta::days(10));
        running.assigned_on = Some(today - TimeDelta::days(10));
        for start in [today - TimeDelta::days(3), today + TimeDelta::days(3)] {
            let mut a = running.clone();
            assert_eq!(
                a.set_start(start, today),
                Err(StatusChangeError::StartedAlready { due_from: today - TimeDelta::days(10) })
            );
            assert_eq!(a, running);
        }
        running.set_start(today - TimeDelta::days(10), today).unwrap();
        // Before the day it was assigned, a start changes nothing that was due.
        running.set_start(today - TimeDelta::days(30), today).unwrap();
        assert_eq!(running.due_from(), today - TimeDelta::days(10));
        // An item assigned after its start may move its start anywhere before the day it was assigned.
        let mut backdated = daily(today - TimeDelta::days(30));
        backdated.assigned_on = Some(today - TimeDelta::days(10));
        backdated.set_start(today - TimeDelta::days(40), today).unwrap();
        assert_eq!(backdated.due_from(), today - TimeDelta::days(10));
    }

    /// Found by the property below in CI: an item that became due today is not due "before today", so a
    /// therapist may still move its start (a same-day slip); monitoring then starts on the new day, and no past
    /// day or period changes.
    #[test]
    fn an_item_due_from_today_may_still_move_its_start() {
        let today = d(2026, 6, 1);
        let mut a = daily(today);
        a.assigned_on = Some(today - TimeDelta::days(36));
        let before = [a.clone()];
        a.set_start(today + TimeDelta::days(1), today).unwrap();
        assert_eq!(monitoring_start(&before), Some(today));
        assert_eq!(monitoring_start(std::slice::from_ref(&a)), Some(today + TimeDelta::days(1)));
        assert_eq!(past(std::slice::from_ref(&a), &[], today), past(&before, &[], today));
        // Started yesterday but assigned today, then ended with yesterday as its last day: it never counted at
        // all, so there is no monitoring, and still no past change.
        let mut backdated = daily(today - TimeDelta::days(1));
        backdated.assigned_on = Some(today);
        let mut ended = backdated.clone();
        ended.end(today - TimeDelta::days(1), today).unwrap();
        assert_eq!(monitoring_start(std::slice::from_ref(&backdated)), Some(today));
        assert_eq!(monitoring_start(std::slice::from_ref(&ended)), None);
        assert_eq!(past(std::slice::from_ref(&ended), &[], today), past(&[backdated], &[], today));
    }

    #[test]
    fn monitoring_starts_at_the_first_day_anything_counted() {
        let today = d(2026, 6, 1);
        assert_eq!(monitoring_start(&[]), None);
        let mut a = daily(today - TimeDelta::days(40));
        a.assigned_on = Some(today - TimeDelta::days(35));
        let mut never_due = daily(today - TimeDelta::days(90));
        never_due.end_date = Some(today - TimeDelta::days(60));
        never_due.status = crate::assignment::Status::Ended;
        never_due.assigned_on = Some(today - TimeDelta::days(1));
        assert_eq!(monitoring_start(&[a, never_due]), Some(today - TimeDelta::days(35)));
    }

    /// One change a therapist makes today.
    #[derive(Debug, Clone)]
    enum Change {
        /// A new item with this start (days from today), assigned today.
        Add {
            start: i64,
        },
        /// A new start (days from today) for the n-th item.
        MoveStart {
            item: usize,
            start: i64,
        },
        /// The n-th item paused, resumed or ended (its last day) on a day (days from today).
        Pause {
            item: usize,
            on: i64,
        },
        Resume {
            item: usize,
            on: i64,
        },
        End {
            item: usize,
            last: i64,
        },
    }

    fn arb_change() -> impl Strategy<Value = Change> {
        prop_oneof![
            (-120i64..30).prop_map(|start| Change::Add { start }),
            (0usize..3, -120i64..30).prop_map(|(item, start)| Change::MoveStart { item, start }),
            (0usize..3, -60i64..30).prop_map(|(item, on)| Change::Pause { item, on }),
            (0usize..3, -60i64..30).prop_map(|(item, on)| Change::Resume { item, on }),
            (0usize..3, -60i64..30).prop_map(|(item, last)| Change::End { item, last }),
        ]
    }

    prop_compose! {
        /// One to three items, each assigned on or before today (from up to 100 days back), with a start up to
        /// 40 days either side of the day it was assigned, and a log on some of what was due.
        fn arb_program()(items in prop::collection::vec((0i64..100, -40i64..40, 1u8..128, prop::option::of(1i64..60)), 1..=3),
                         logged in prop::collection::vec(any::<bool>(), 400))
                         -> (Vec<Assignment>, Vec<CompletionLog>) {
            let today = d(2026, 6, 1);
            let program: Vec<Assignment> = items.into_iter().map(|(ago, offset, days, paused)| {
                let on = today - TimeDelta::days(ago);
                let mut a = daily(on + TimeDelta::days(offset));
                a.assigned_on = Some(on);
                a.days = crate::time::Weekdays::from_days(
                    (0..7).filter(|i| days & (1 << i) != 0).map(|i| chrono::Weekday::try_from(i as u8).unwrap()));
                // Some items were paused on a past day (and still are), when that day was today.
                if let Some(ago) = paused {
                    let on = today - TimeDelta::days(ago);
                    let _ = a.pause(on, on);
                }
                a
            }).collect();
            let range = DateRange::new(today - TimeDelta::days(150), today - TimeDelta::days(1)).unwrap();
            let logs = expand(&program, &[], range).iter().zip(logged.iter().cycle())
                .filter(|(_, l)| **l).map(|(e, _)| done(e)).collect();
            (program, logs)
        }
    }

    proptest! {
        #[test]
        fn a_change_made_today_keeps_every_past_day_and_rtm_period((program, logs) in arb_program(),
                                                                   change in arb_change()) {
            let today = d(2026, 6, 1);
            let mut changed = program.clone();
            match change {
                Change::Add { start } => {
                    let mut a = daily(today + TimeDelta::days(start));
                    a.assigned_on = Some(today);
                    changed.push(a);
                }
                Change::MoveStart { item, start } => {
                    let n = changed.len();
                    // A refused move changes nothing; an accepted one must keep the past as it was.
                    let _ = changed[item % n].set_start(today + TimeDelta::days(start), today);
                }
                Change::Pause { item, on } => {
                    let n = changed.len();
                    let _ = changed[item % n].pause(today + TimeDelta::days(on), today);
                }
                Change::Resume { item, on } => {
                    let n = changed.len();
                    let _ = changed[item % n].resume(today + TimeDelta::days(on), today);
                }
                Change::End { item, last } => {
                    let n = changed.len();
                    let _ = changed[item % n].end(today + TimeDelta::days(last), today);
                }
            }
            prop_assert_eq!(past(&changed, &logs, today), past(&program, &logs, today));
            // Today is not past yet (a pause may start today, a start may move, an item may end yesterday), so
            // only a monitoring start before today is fixed; a later one stays later, or goes with its item.
            let (before, after) = (monitoring_start(&program), monitoring_start(&changed));
            if before.is_some_and(|s| s < today) {
                prop_assert_eq!(after, before);
                prop_assert_eq!(periods(&changed, &logs, today), periods(&program, &logs, today));
            } else {
                prop_assert!(after.is_none_or(|s| s >= today), "{:?} -> {:?}", before, after);
            }
        }
    }
}

#[cfg(test)]
mod date_bound_tests {
    use super::*;

    /// Finding 5 of the security review: `?to=-262143-01-01` reached `week_start` and panicked (a 500).
    #[test]
    fn week_start_and_rtm_never_panic_at_the_ends_of_time() {
        assert_eq!(week_start(NaiveDate::MIN), NaiveDate::MIN);
        assert_eq!(week_start(NaiveDate::MAX).weekday(), chrono::Weekday::Mon);
        let near_end = NaiveDate::MAX - TimeDelta::days(3);
        assert!(rtm_periods_from_days([], near_end, NaiveDate::MAX).is_empty());
        assert!(crate::time::DateRange::new(NaiveDate::MIN, NaiveDate::MIN).is_err());
        assert!(!crate::time::date_in_bounds(NaiveDate::from_ymd_opt(1999, 12, 31).unwrap()));
        assert!(crate::time::date_in_bounds(NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()));
    }
}
