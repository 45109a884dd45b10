//! What a push of logs changes, decided without the database: which version of each log is kept (the core's
//! merge rule, once the stored log's identity is checked), and by how much each of the child's days changes
//! in the per-day rollup. `push_logs` reads the stored versions, asks this, and writes the answer.

use super::LogWrite;
use chrono::NaiveDate;
use homeplay_core::ids::{ChildId, LogId};
use homeplay_core::log::{CompletionLog, DifferentLogs, merge};
use homeplay_core::pain::PainScore;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The pushed logs' fate and the writes that follow from it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PushPlan {
    /// One per pushed log, in the order pushed.
    pub outcomes: Vec<LogWrite>,
    /// The versions to store (each log once, in the order first pushed): new logs and winning versions.
    pub writes: Vec<CompletionLog>,
    /// Change in the number of logs that count, per child and date; no zero entries.
    pub day_deltas: Vec<(ChildId, NaiveDate, i64)>,
    /// What the written versions change in the pain reports (`pain_reports`), one entry per log at most.
    pub pain: Vec<PainChange>,
}

/// A change to the logs that report pain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PainChange {
    /// The log now reports pain with this score: new, or its score changed (which counts as a new report,
    /// raising a flag already marked seen). An edit that leaves the pain as it was changes nothing.
    Report { log: LogId, child: ChildId, date: NaiveDate, score: Option<PainScore> },
    /// The log no longer reports pain (answered "no" on a second look, or undone).
    Withdraw(LogId),
}

/// Plans a push against `stored` (the family's stored versions of the pushed ids) and `foreign` (pushed ids
/// stored for another family: never touched, whatever the push claims). A log pushed twice in one batch is
/// merged with the version the batch already holds.
pub(super) fn plan_push(
    stored: &HashMap<LogId, CompletionLog>,
    foreign: &HashSet<LogId>,
    pushed: &[CompletionLog],
) -> Result<PushPlan, DifferentLogs> {
    let mut current: HashMap<LogId, CompletionLog> = HashMap::new();
    let mut order: Vec<LogId> = Vec::new();
    let mut outcomes = Vec::with_capacity(pushed.len());
    for log in pushed {
        if foreign.contains(&log.id) {
            outcomes.push(LogWrite::ImmutableFieldChanged("id"));
            continue;
        }
        let Some(held) = current.get(&log.id).or_else(|| stored.get(&log.id)) else {
            order.push(log.id);
            current.insert(log.id, log.clone());
            outcomes.push(LogWrite::Stored);
            continue;
        };
        if let Some(field) = immutable_change(held, log) {
            outcomes.push(LogWrite::ImmutableFieldChanged(field));
            continue;
        }
        let merged = merge(held.clone(), log.clone())?;
        if merged == *held {
            outcomes.push(LogWrite::AlreadyCurrent);
        } else {
            if !current.contains_key(&log.id) {
                order.push(log.id);
            }
            current.insert(log.id, merged);
            outcomes.push(LogWrite::Stored);
        }
    }
    // Only what differs from the stored version is written (and moves the rollup).
    let writes: Vec<CompletionLog> =
        order.into_iter().filter_map(|id| current.remove(&id)).filter(|log| stored.get(&log.id) != Some(log)).collect();
    let day_deltas = day_deltas(stored, &writes);
    let pain = pain_changes(stored, &writes);
    Ok(PushPlan { outcomes, writes, day_deltas, pain })
}

/// Which field of a stored log a new version may not change, if any.
fn immutable_change(stored: &CompletionLog, new: &CompletionLog) -> Option<&'static str> {
    if stored.child_id != new.child_id {
        Some("child_id")
    } else if stored.assignment_id != new.assignment_id {
        Some("assignment_id")
    } else if stored.exercise_id != new.exercise_id {
        Some("exercise_id")
    } else if stored.occurrence != new.occurrence {
        Some("occurrence")
    } else {
        None
    }
}

/// How writing `writes` over `stored` changes the number of logs that count on each of a child's days: +1 for
/// a new log that counts or one undone no more, -1 for one undone. The child and date of a stored log never
/// change (see [`immutable_change`]), so each write moves one day.
fn day_deltas(stored: &HashMap<LogId, CompletionLog>, writes: &[CompletionLog]) -> Vec<(ChildId, NaiveDate, i64)> {
    let mut days: BTreeMap<(ChildId, NaiveDate), i64> = BTreeMap::new();
    for log in writes {
        let before = stored.get(&log.id).map_or(0, |s| i64::from(s.counts()));
        let delta = i64::from(log.counts()) - before;
        if delta != 0 {
            *days.entry((log.child_id, log.occurrence.date)).or_default() += delta;
        }
    }
    days.into_iter().filter(|(_, delta)| *delta != 0).map(|((child, date), delta)| (child, date, delta)).collect()
}

/// The pain a version reports, if it counts and reports any: `Some(score)` (itself optional).
fn reported_pain(log: &CompletionLog) -> Option<Option<PainScore>> {
    (log.counts() && log.reports_pain()).then_some(log.pain_score)
}

fn pain_changes(stored: &HashMap<LogId, CompletionLog>, writes: &[CompletionLog]) -> Vec<PainChange> {
    writes
        .iter()
        .filter_map(|log| {
            let before = stored.get(&log.id).and_then(reported_pain);
            match (before, reported_pain(log)) {
                (b, Some(score)) if b != Some(score) => {
                    Some(PainChange::Report { log: log.id, child: log.child_id, date: log.occurrence.date, score })
                }
                (Some(_), None) => Some(PainChange::Withdraw(log.id)),
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use homeplay_core::ids::{AssignmentId, DeviceId, ExerciseId};
    use uuid::Uuid;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    /// Version `wall` of log `n` (of child 1, on day 1, done in kid mode), counting unless `undone`.
    fn log(n: u128, wall: u64, undone: bool) -> CompletionLog {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::from_u128(n), "child_id": child(), "assignment_id": Uuid::from_u128(2),
            "exercise_id": ExerciseId::builtin("bear-walk"), "occurrence": {"date": day(1), "slot": 0},
            "outcome": {"status": "done"}, "recorded_by": {"kind": "kid_mode"}, "device_id": Uuid::from_u128(3),
            "hlc": {"wall_ms": wall, "counter": 0}, "undone": undone,
        }))
        .unwrap()
    }

    fn child() -> ChildId {
        ChildId(Uuid::from_u128(1))
    }

    struct Case {
        name: &'static str,
        stored: Vec<CompletionLog>,
        foreign: Vec<u128>,
        pushed: Vec<CompletionLog>,
        outcomes: Vec<LogWrite>,
        /// (log, version) of each write, in order.
        writes: Vec<(u128, u64)>,
        deltas: Vec<(NaiveDate, i64)>,
    }

    fn with(mut l: CompletionLog, change: impl FnOnce(&mut CompletionLog)) -> CompletionLog {
        change(&mut l);
        l
    }

    #[test]
    fn each_pushed_log_is_stored_kept_or_refused_and_the_rollup_follows() {
        use LogWrite::{AlreadyCurrent, ImmutableFieldChanged as Refused, Stored};
        let cases = vec![
            Case {
                name: "a new log is stored and counts on its day",
                stored: vec![],
                foreign: vec![],
                pushed: vec![log(10, 5, false)],
                outcomes: vec![Stored],
                writes: vec![(10, 5)],
                deltas: vec![(day(1), 1)],
            },
            Case {
                name: "a new undone log is stored and counts nowhere",
                stored: vec![],
                foreign: vec![],
                pushed: vec![log(10, 5, true)],
                outcomes: vec![Stored],
                writes: vec![(10, 5)],
                deltas: vec![],
            },
            Case {
                name: "a newer version replaces the stored one; its day's count is unchanged",
                stored: vec![log(10, 5, false)],
                foreign: vec![],
                pushed: vec![log(10, 6, false)],
                outcomes: vec![Stored],
                writes: vec![(10, 6)],
                deltas: vec![],
            },
            Case {
                name: "an undo takes the log off its day",
                stored: vec![log(10, 5, false)],
                foreign: vec![],
                pushed: vec![log(10, 6, true)],
                outcomes: vec![Stored],
                writes: vec![(10, 6)],
                deltas: vec![(day(1), -1)],
            },
            Case {
                name: "an undo undone puts it back",
                stored: vec![log(10, 5, true)],
                foreign: vec![],
                pushed: vec![log(10, 6, false)],
                outcomes: vec![Stored],
                writes: vec![(10, 6)],
                deltas: vec![(day(1), 1)],
            },
            Case {
                name: "an older or the same version changes nothing",
                stored: vec![log(10, 5, false)],
                foreign: vec![],
                pushed: vec![log(10, 4, true), log(10, 5, false)],
                outcomes: vec![AlreadyCurrent, AlreadyCurrent],
                writes: vec![],
                deltas: vec![],
            },
            Case {
                name: "another family's log is never touched",
                stored: vec![],
                foreign: vec![10],
                pushed: vec![log(10, 9, false)],
                outcomes: vec![Refused("id")],
                writes: vec![],
                deltas: vec![],
            },
            Case {
                name: "a stored log keeps its child, assignment, exercise and occurrence",
                stored: vec![log(10, 5, false)],
                foreign: vec![],
                pushed: vec![
                    with(log(10, 6, false), |l| l.child_id = ChildId(Uuid::from_u128(9))),
                    with(log(10, 6, false), |l| l.assignment_id = AssignmentId(Uuid::from_u128(9))),
                    with(log(10, 6, false), |l| l.exercise_id = ExerciseId::builtin("frog-jump")),
                    with(log(10, 6, false), |l| l.occurrence.slot = 1),
                    with(log(10, 6, false), |l| l.occurrence.date = day(2)),
                ],
                outcomes: vec![
                    Refused("child_id"),
                    Refused("assignment_id"),
                    Refused("exercise_id"),
                    Refused("occurrence"),
                    Refused("occurrence"),
                ],
                writes: vec![],
                deltas: vec![],
            },
            Case {
                name: "a log pushed twice in one batch is written once, at its newest",
                stored: vec![],
                foreign: vec![],
                pushed: vec![log(10, 5, false), log(10, 7, true), log(10, 6, false)],
                outcomes: vec![Stored, Stored, AlreadyCurrent],
                writes: vec![(10, 7)],
                deltas: vec![],
            },
            Case {
                name: "a version in the batch is checked against the batch's, not only the stored one",
                stored: vec![log(10, 5, false)],
                foreign: vec![],
                pushed: vec![log(10, 6, false), with(log(10, 7, false), |l| l.occurrence.slot = 2)],
                outcomes: vec![Stored, Refused("occurrence")],
                writes: vec![(10, 6)],
                deltas: vec![],
            },
            Case {
                name: "several logs: writes in the order pushed, one delta per day",
                stored: vec![log(11, 5, false)],
                foreign: vec![],
                pushed: vec![
                    with(log(12, 5, false), |l| l.occurrence.date = day(2)),
                    log(11, 6, true),
                    log(10, 5, false),
                    log(13, 5, false),
                ],
                outcomes: vec![Stored, Stored, Stored, Stored],
                writes: vec![(12, 5), (11, 6), (10, 5), (13, 5)],
                deltas: vec![(day(1), 1), (day(2), 1)],
            },
            Case {
                name: "an undo and a new log on one day cancel out",
                stored: vec![log(11, 5, false)],
                foreign: vec![],
                pushed: vec![log(11, 6, true), log(10, 5, false)],
                outcomes: vec![Stored, Stored],
                writes: vec![(11, 6), (10, 5)],
                deltas: vec![],
            },
        ];
        for case in cases {
            let stored: HashMap<LogId, CompletionLog> = case.stored.into_iter().map(|l| (l.id, l)).collect();
            let foreign: HashSet<LogId> = case.foreign.iter().map(|n| LogId(Uuid::from_u128(*n))).collect();
            let plan = plan_push(&stored, &foreign, &case.pushed).unwrap();
            assert_eq!(plan.outcomes, case.outcomes, "{}", case.name);
            let writes: Vec<(u128, u64)> = plan.writes.iter().map(|l| (l.id.0.as_u128(), l.hlc.wall_ms)).collect();
            assert_eq!(writes, case.writes, "{}", case.name);
            let deltas: Vec<(NaiveDate, i64)> = case.deltas;
            let expected: Vec<(ChildId, NaiveDate, i64)> = deltas.into_iter().map(|(d, n)| (child(), d, n)).collect();
            assert_eq!(plan.day_deltas, expected, "{}", case.name);
        }
    }

    #[test]
    fn a_tie_on_the_clock_goes_to_the_greater_device_as_in_the_core_merge() {
        // Same clock: the greater device id wins, as on every device.
        let stored = log(10, 5, false);
        let other = with(log(10, 5, true), |l| l.device_id = DeviceId(Uuid::from_u128(4)));
        let pushed = std::slice::from_ref(&other);
        let plan = plan_push(&HashMap::from([(stored.id, stored.clone())]), &HashSet::new(), pushed).unwrap();
        assert_eq!(plan.outcomes, vec![LogWrite::Stored]);
        assert_eq!(plan.writes, vec![merge(stored, other.clone()).unwrap()]);
        assert_eq!(plan.writes, vec![other]);
        assert_eq!(plan.day_deltas, vec![(child(), day(1), -1)]);
    }

    #[test]
    fn pain_is_reported_once_raised_again_by_a_new_score_and_withdrawn_by_no_or_undo() {
        let score = |v| Some(PainScore::new(v).unwrap());
        let plain = log(10, 1, false);
        let hurts = with(log(10, 2, false), |l| l.pain_score = score(6));
        let plan = plan_push(&HashMap::new(), &HashSet::new(), std::slice::from_ref(&hurts)).unwrap();
        let report = |s| PainChange::Report { log: hurts.id, child: child(), date: day(1), score: s };
        assert_eq!(plan.pain, vec![report(score(6))]);
        let stored = HashMap::from([(hurts.id, hurts.clone())]);
        // A later version that only adds a note leaves the report as it was (and its time, so it stays seen).
        let noted = with(hurts.clone(), |l| {
            l.hlc.wall_ms = 3;
            l.note = homeplay_core::text::Note::new("after lunch").ok();
        });
        assert_eq!(plan_push(&stored, &HashSet::new(), &[noted]).unwrap().pain, vec![]);
        let worse = with(hurts.clone(), |l| {
            l.hlc.wall_ms = 3;
            l.pain_score = score(8);
        });
        assert_eq!(plan_push(&stored, &HashSet::new(), &[worse]).unwrap().pain, vec![report(score(8))]);
        let none = with(hurts.clone(), |l| {
            l.hlc.wall_ms = 3;
            l.pain_score = score(0);
        });
        assert_eq!(plan_push(&stored, &HashSet::new(), &[none]).unwrap().pain, vec![PainChange::Withdraw(hurts.id)]);
        let undone = with(hurts.clone(), |l| {
            l.hlc.wall_ms = 3;
            l.undone = true;
        });
        assert_eq!(plan_push(&stored, &HashSet::new(), &[undone]).unwrap().pain, vec![PainChange::Withdraw(hurts.id)]);
        // A log without pain reports none; a plain "yes" is a report without a score.
        assert_eq!(plan_push(&HashMap::new(), &HashSet::new(), std::slice::from_ref(&plain)).unwrap().pain, vec![]);
        let yes = with(plain, |l| l.pain = true);
        assert_eq!(plan_push(&HashMap::new(), &HashSet::new(), &[yes]).unwrap().pain, vec![report(None)]);
    }
}
