//! Which record stands for a practice occurrence. A device keeps the current version of every log (the merge
//! rule over all the versions it has seen), and two caregivers may each have logged the same occurrence on
//! their own devices: the screens show one of them, and the stickers count it once.

use crate::ids::{AssignmentId, ExerciseId, LogId};
use crate::log::{CompletionLog, Occurrence, Outcome, Recorder, merge};
use std::collections::BTreeMap;

/// One due practice: an exercise of an assignment (a routine has several) at one occurrence.
pub type PracticeKey = (AssignmentId, ExerciseId, Occurrence);

/// The current version of each log among `versions` (several versions of each, in any order, repeats
/// allowed), in id order: the merge rule folded over them, so every order gives the same answer.
pub fn current_versions(versions: &[CompletionLog]) -> Vec<CompletionLog> {
    let mut current: BTreeMap<LogId, CompletionLog> = BTreeMap::new();
    for v in versions {
        let next = match current.remove(&v.id) {
            // Same id, so merge cannot refuse.
            Some(held) => merge(held, v.clone()).unwrap_or_else(|_| v.clone()),
            None => v.clone(),
        };
        current.insert(v.id, next);
    }
    current.into_values().collect()
}

/// The log that stands for each practice occurrence among current versions of logs: the latest counting one
/// (an undone log stands for nothing), by clock, then device id, then log id, so that the answer does not
/// depend on the order the logs come in.
pub fn standing_logs(logs: &[CompletionLog]) -> BTreeMap<PracticeKey, CompletionLog> {
    let mut out: BTreeMap<PracticeKey, CompletionLog> = BTreeMap::new();
    for log in logs.iter().filter(|l| l.counts()) {
        let key = (log.assignment_id, log.exercise_id, log.occurrence);
        match out.get(&key) {
            Some(held) if (held.hlc, held.device_id, held.id) >= (log.hlc, log.device_id, log.id) => {}
            _ => {
                out.insert(key, log.clone());
            }
        }
    }
    out
}

/// Stickers a child earned: practice finished ("done") in kid mode, among the logs that stand (so a
/// caregiver's later record of the same occurrence replaces the child's sticker, and two ticks of one
/// occurrence earn one).
pub fn stickers<'a>(standing: impl IntoIterator<Item = &'a CompletionLog>) -> u32 {
    let earned = standing.into_iter().filter(|l| l.recorded_by == Recorder::KidMode && l.outcome == Outcome::Done);
    u32::try_from(earned.count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::hlc::Hlc;
    use crate::ids::{ChildId, DeviceId};
    use crate::text::Name;
    use uuid::Uuid;

    fn log(id: u128, device: u128, wall: u64, outcome: Outcome, undone: bool) -> CompletionLog {
        CompletionLog {
            id: LogId(Uuid::from_u128(id)),
            child_id: ChildId(Uuid::nil()),
            assignment_id: AssignmentId(Uuid::from_u128(1)),
            exercise_id: ExerciseId(Uuid::from_u128(2)),
            occurrence: Occurrence { date: "2030-03-04".parse().unwrap(), slot: 0 },
            outcome,
            actual_reps: None,
            actual_seconds: None,
            difficulty: None,
            mood: None,
            pain: false,
            pain_score: None,
            note: None,
            recorded_by: Recorder::Caregiver { name: Name::new("Mum").unwrap(), caregiver_id: None },
            device_id: DeviceId(Uuid::from_u128(device)),
            hlc: Hlc::new(wall, 0),
            undone,
        }
    }

    #[test]
    fn the_current_version_does_not_depend_on_the_order_versions_arrive_in() {
        let tick = log(7, 1, 10, Outcome::Done, false);
        let undo = log(7, 1, 20, Outcome::Done, true);
        let redo = log(7, 2, 30, Outcome::Partly, false);
        let other = log(8, 2, 5, Outcome::Done, false);
        let want = vec![redo.clone(), other.clone()];
        assert_eq!(current_versions(&[tick.clone(), undo.clone(), redo.clone(), other.clone()]), want);
        assert_eq!(current_versions(&[redo.clone(), other.clone(), undo.clone(), tick.clone(), redo]), want);
    }

    #[test]
    fn the_latest_counting_log_stands_and_ties_go_to_the_greater_device() {
        let mum = log(7, 1, 10, Outcome::Done, false);
        let dad = log(8, 2, 10, Outcome::Partly, false);
        let grandma_undone = log(9, 3, 30, Outcome::Done, true);
        for order in [[&mum, &dad, &grandma_undone], [&grandma_undone, &dad, &mum]] {
            let logs: Vec<CompletionLog> = order.into_iter().cloned().collect();
            let standing = standing_logs(&logs);
            assert_eq!(standing.values().map(|l| l.id).collect::<Vec<_>>(), vec![dad.id]);
        }
        assert!(standing_logs(&[grandma_undone]).is_empty());
    }

    #[test]
    fn a_sticker_is_a_kid_mode_done_that_stands() {
        let kid = CompletionLog { recorded_by: Recorder::KidMode, ..log(7, 1, 10, Outcome::Done, false) };
        let later_partly = log(8, 2, 20, Outcome::Partly, false);
        assert_eq!(stickers(standing_logs(std::slice::from_ref(&kid)).values()), 1);
        assert_eq!(stickers(standing_logs(&[kid.clone(), later_partly]).values()), 0);
        let kid_partly = CompletionLog { outcome: Outcome::Partly, ..kid };
        assert_eq!(stickers(standing_logs(&[kid_partly]).values()), 0);
    }
}
