//! What the server checks and stores for each kind of thing a family records, beyond the checks every kind
//! shares (`push.rs`). A new kind implements [`Accept`] here and gets one line in the push handler.

use super::push::{Accept, FamilyChildren, Refusal};
use crate::auth::DeviceAuth;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::{LogWrite, MessageWrite};
use homeplay_core::assignment::{Assignment, Target};
use homeplay_core::goal::GoalCheckIn;
use homeplay_core::ids::{AssignmentId, ChildId, ExerciseId, GoalId};
use homeplay_core::log::CompletionLog;
use homeplay_core::message::{FamilyMessage, MessageRead, Side, ThreadRead};
use homeplay_core::schedule::exercises_of;
use homeplay_core::sync::RejectReason;
use std::collections::{HashMap, HashSet};

/// A log is about one exercise of one of the child's assignments: each assignment's child and exercises.
pub(super) struct Program(HashMap<AssignmentId, (ChildId, HashSet<ExerciseId>)>);

impl Accept for CompletionLog {
    type Rules = Program;

    async fn rules(state: &AppState, auth: &DeviceAuth, family: &FamilyChildren) -> ApiResult<Program> {
        let assignments: Vec<Assignment> = match &family.assignments {
            Some(read) => read.clone(),
            None => state.store.assignments_of_family(auth.family_id).await?,
        };
        let mut routines = Vec::new();
        for a in &assignments {
            if let Target::Routine { routine_id } = a.target
                && let Some(r) = state.store.routine(auth.clinic_id, routine_id).await?
            {
                routines.push(r);
            }
        }
        Ok(Program(
            assignments
                .iter()
                .map(|a| (a.id, (a.child_id, exercises_of(a, &routines).into_iter().collect())))
                .collect(),
        ))
    }

    fn day(&self) -> Option<chrono::NaiveDate> {
        Some(self.occurrence.date)
    }

    fn check(&self, program: &Program) -> Result<(), Refusal> {
        let Some((child, exercises)) = program.0.get(&self.assignment_id) else {
            return Err(Refusal::new(
                RejectReason::UnknownAssignment,
                "assignment_id",
                "this assignment is not part of the child's program",
            ));
        };
        if *child != self.child_id {
            return Err(Refusal::new(
                RejectReason::UnknownAssignment,
                "assignment_id",
                "this assignment belongs to another child",
            ));
        }
        if !exercises.contains(&self.exercise_id) {
            return Err(Refusal::new(
                RejectReason::UnknownExercise,
                "exercise_id",
                "this exercise is not part of the assignment",
            ));
        }
        Ok(())
    }

    async fn store(state: &AppState, auth: &DeviceAuth, logs: &[Self], now: i64) -> ApiResult<Vec<Option<Refusal>>> {
        let writes = state.store.push_logs(auth.family_id, auth.clinic_id, logs, now).await?;
        Ok(writes
            .into_iter()
            .map(|write| match write {
                LogWrite::Stored | LogWrite::AlreadyCurrent => None,
                LogWrite::ImmutableFieldChanged(field) => Some(Refusal::new(
                    RejectReason::ImmutableField,
                    field,
                    format!("{field} cannot change once a log is recorded; record a new log instead"),
                )),
            })
            .collect())
    }
}

/// A check-in is about one of the child's goals. A goal settled since the family answered still takes it.
pub(super) struct Goals(HashMap<ChildId, HashSet<GoalId>>);

impl Accept for GoalCheckIn {
    type Rules = Goals;

    async fn rules(state: &AppState, auth: &DeviceAuth, children: &FamilyChildren) -> ApiResult<Goals> {
        let mut goals = HashMap::new();
        for child in children.iter() {
            let of_child = state.store.goals_of_child(auth.clinic_id, *child).await?;
            goals.insert(*child, of_child.iter().map(|g| g.id).collect());
        }
        Ok(Goals(goals))
    }

    fn day(&self) -> Option<chrono::NaiveDate> {
        Some(self.week)
    }

    fn check(&self, goals: &Goals) -> Result<(), Refusal> {
        if goals.0.get(&self.child_id).is_some_and(|g| g.contains(&self.goal_id)) {
            Ok(())
        } else {
            Err(Refusal::new(RejectReason::UnknownGoal, "goal_id", "this goal is not the child's"))
        }
    }

    async fn store(
        state: &AppState,
        auth: &DeviceAuth,
        check_ins: &[Self],
        now: i64,
    ) -> ApiResult<Vec<Option<Refusal>>> {
        state.store.put_check_ins(auth.clinic_id, auth.family_id, check_ins, now).await?;
        Ok(check_ins.iter().map(|_| None).collect())
    }
}

/// A message needs nothing beyond the shared checks: it is about a child of the family, made by this device.
impl Accept for FamilyMessage {
    type Rules = ();

    async fn rules(_: &AppState, _: &DeviceAuth, _: &FamilyChildren) -> ApiResult<()> {
        Ok(())
    }

    fn check(&self, _: &()) -> Result<(), Refusal> {
        Ok(())
    }

    async fn store(
        state: &AppState,
        auth: &DeviceAuth,
        messages: &[Self],
        now: i64,
    ) -> ApiResult<Vec<Option<Refusal>>> {
        let writes = state.store.put_family_messages(auth.clinic_id, auth.family_id, messages, now).await?;
        Ok(writes
            .into_iter()
            .map(|w| match w {
                MessageWrite::Stored | MessageWrite::AlreadyStored => None,
                MessageWrite::IdTaken => Some(Refusal::new(
                    RejectReason::ImmutableField,
                    "id",
                    "another message has this id; a message is never changed once sent",
                )),
            })
            .collect())
    }
}

/// A read mark is a position in the thread; the furthest of the family's marks stands. It is not checked
/// against the messages stored: a mark past them hides nothing but the family's own unread count.
impl Accept for MessageRead {
    type Rules = ();

    async fn rules(_: &AppState, _: &DeviceAuth, _: &FamilyChildren) -> ApiResult<()> {
        Ok(())
    }

    fn check(&self, _: &()) -> Result<(), Refusal> {
        Ok(())
    }

    async fn store(state: &AppState, auth: &DeviceAuth, reads: &[Self], _now: i64) -> ApiResult<Vec<Option<Refusal>>> {
        // One transaction for the whole push, as for logs: a mark that does not move (already there, or behind
        // the stored one) is still accepted, so a retry of the same push is answered the same.
        let marks: Vec<ThreadRead> = reads
            .iter()
            .map(|r| ThreadRead {
                child_id: r.child_id,
                side: Side::Family,
                up_to: r.up_to,
                by: r.read_by.clone(),
                at: chrono::DateTime::from_timestamp_millis(i64::try_from(r.hlc.wall_ms).unwrap_or(i64::MAX))
                    .unwrap_or_default(),
            })
            .collect();
        state.store.put_read_marks(auth.clinic_id, auth.family_id, &marks).await?;
        Ok(reads.iter().map(|_| None).collect())
    }
}
