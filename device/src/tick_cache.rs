//! What a tick reads before it writes — the pairing, the caregiver chosen here, the assignment and the
//! routines — kept in memory beside a connection of the tick's own, so that a tick costs its write and one
//! version check instead of six reads (issue 16: a tick was 5× a bare insert, most of it those reads).
//!
//! Why the copy is never stale: SQLite changes a connection's `PRAGMA data_version` whenever *another*
//! connection commits to the file — this engine's pool (a pull applying records, an unpair, a setting saved)
//! or another engine or process on the same file (the test harness opens a second engine on the app's
//! folder). Only this connection's own commits leave it as it is, and those are ticks: a log and its outbox
//! row, nothing the copy holds. The check runs after `BEGIN IMMEDIATE`, which takes the write lock: no other
//! writer can commit between the check and the tick's own commit, so a tick is validated against exactly the
//! data it is stored beside. (Reading on the pool and then writing, as before, could not promise that.)

use crate::Pairing;
use crate::error::Result;
use crate::store::{self, Db};
use homeplay_core::assignment::{Assignment, Target};
use homeplay_core::ids::AssignmentId;
use homeplay_core::log::CompletionLog;
use homeplay_core::routine::Routine;
use homeplay_core::text::Name;
use sqlx::{Connection, SqliteConnection};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::PathBuf;

/// What a tick is checked against and stamped with, as of its own transaction.
pub(crate) struct Known<'a> {
    pub pairing: Option<&'a Pairing>,
    pub caregiver: Option<&'a Name>,
    pub assignment: Option<&'a Assignment>,
    /// Loaded only when the assignment is a routine's (the only case that needs them).
    pub routines: &'a [Routine],
}

/// The tick's connection (opened at the first tick, not while the app starts) and its copy of what it reads.
pub(crate) struct TickCache {
    file: PathBuf,
    state: tokio::sync::Mutex<Option<State>>,
}

impl std::fmt::Debug for TickCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TickCache").field("file", &self.file).finish_non_exhaustive()
    }
}

struct State {
    conn: SqliteConnection,
    copy: Snapshot,
}

#[derive(Default)]
struct Snapshot {
    /// `PRAGMA data_version` when the copy below was read; `None` before the first read.
    version: Option<i64>,
    settings: Option<(Option<Pairing>, Option<Name>)>,
    assignments: HashMap<AssignmentId, Option<Assignment>>,
    routines: Option<Vec<Routine>>,
}

impl Snapshot {
    fn forget(&mut self) {
        self.settings = None;
        self.assignments.clear();
        self.routines = None;
    }
}

impl TickCache {
    pub fn new(file: PathBuf) -> Self {
        Self { file, state: tokio::sync::Mutex::new(None) }
    }

    /// Stores the log `make` builds from what is known now, with its outbox row, in one durable transaction.
    /// `make` refuses (an error) what the program does not allow; then nothing is written.
    pub async fn record(
        &self,
        assignment_id: AssignmentId,
        make: impl FnOnce(Known<'_>) -> Result<CompletionLog>,
    ) -> Result<CompletionLog> {
        let mut guard = self.state.lock().await;
        if guard.is_none() {
            let conn = SqliteConnection::connect_with(&Db::options(&self.file)).await?;
            *guard = Some(State { conn, copy: Snapshot::default() });
        }
        let Some(state) = guard.as_mut() else { unreachable!("set just above") };
        let result = Self::record_on(state, assignment_id, make).await;
        if result.is_err() {
            // A refusal or a broken connection alike: start again from the file next time.
            *guard = None;
        }
        result
    }

    async fn record_on(
        state: &mut State,
        assignment_id: AssignmentId,
        make: impl FnOnce(Known<'_>) -> Result<CompletionLog>,
    ) -> Result<CompletionLog> {
        let State { conn, copy } = state;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let version: i64 = sqlx::query_scalar("PRAGMA data_version").fetch_one(&mut *tx).await?;
        if copy.version != Some(version) {
            copy.forget();
            copy.version = Some(version);
        }
        if copy.settings.is_none() {
            let url = store::setting_in(&mut *tx, "server_url").await?;
            let device = store::setting_in(&mut *tx, "device_id").await?;
            let clinic = store::setting_in(&mut *tx, "clinic_name").await?;
            let caregiver = store::caregiver_of(store::setting_in(&mut *tx, "caregiver").await?);
            copy.settings = Some((store::pairing_of(url, device, clinic)?, caregiver));
        }
        let assignment = match copy.assignments.entry(assignment_id) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => {
                slot.insert(store::record_in(&mut *tx, "assignment", &assignment_id.to_string()).await?)
            }
        };
        let assignment: Option<&Assignment> = assignment.as_ref();
        let needs_routines = assignment.is_some_and(|a| matches!(a.target, Target::Routine { .. }));
        if needs_routines && copy.routines.is_none() {
            copy.routines = Some(store::records_in(&mut *tx, "routine").await?);
        }
        let (pairing, caregiver) = copy.settings.as_ref().map_or((None, None), |(p, c)| (p.as_ref(), c.as_ref()));
        let log = make(Known { pairing, caregiver, assignment, routines: copy.routines.as_deref().unwrap_or(&[]) })?;
        Db::save_local_in(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(log)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use crate::tests::{ASSIGNMENT, CHILD, bear_walk, change, paired, tick};
    use crate::{By, DeviceError, Engine, Tick};
    use homeplay_core::ids::ExerciseId;
    use homeplay_core::log::Recorder;
    use homeplay_core::sync::Change;
    use homeplay_core::text::Name;
    use serde_json::json;

    const ROUTINE: &str = "01936f4e-0000-7000-8000-0000000d0001";

    fn crab_walk() -> ExerciseId {
        ExerciseId::builtin("crab-walk")
    }

    /// Leo's assignment as the clinic changes it: its target and how many times a day.
    fn assignment(target: serde_json::Value, slots: usize) -> Change {
        let all = [json!({"kind": "moment", "moment": "after_school"}), json!({"kind": "moment", "moment": "bedtime"})];
        change(json!({"type": "assignment", "data": {
            "id": ASSIGNMENT, "child_id": CHILD, "target": target,
            "assigned_by": "01936f4e-0000-7000-8000-00000000d001", "start_date": "2026-01-05",
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "slots": all[..slots], "status": "active"
        }}))
    }

    fn routine(items: &[ExerciseId]) -> Change {
        change(json!({"type": "routine", "data": {
            "id": ROUTINE, "clinic_id": "01936f4e-0000-7000-8000-00000000c001",
            "title": "Morning moves", "kid_title": "Wake up, body!", "items": items
        }}))
    }

    fn refused(r: crate::Result<homeplay_core::log::CompletionLog>) -> bool {
        matches!(r, Err(DeviceError::NotFound(_)))
    }

    fn caregiver(t: Tick) -> Tick {
        Tick { by: By::Caregiver, ..t }
    }

    fn name_of(log: &homeplay_core::log::CompletionLog) -> &str {
        match &log.recorded_by {
            Recorder::Caregiver { name, .. } => name.as_str(),
            Recorder::KidMode => "kid mode",
        }
    }

    #[tokio::test]
    async fn what_a_pull_or_a_setting_changes_is_seen_by_the_very_next_tick() {
        let dir = tempfile::tempdir().unwrap();
        let engine = paired(dir.path()).await;
        engine.record(tick("2026-03-04", 1)).await.unwrap();

        // Down to one time a day: the second slot is gone at once.
        let bear = json!({"kind": "exercise", "exercise_id": bear_walk()});
        engine.db.apply_page(&[assignment(bear, 1)], "c1").await.unwrap();
        assert!(refused(engine.record(tick("2026-03-05", 1)).await), "a slot the assignment no longer has");
        engine.record(tick("2026-03-05", 0)).await.unwrap();

        // A routine, then an exercise taken out of it.
        let target = json!({"kind": "routine", "routine_id": ROUTINE});
        engine.db.apply_page(&[routine(&[bear_walk(), crab_walk()]), assignment(target, 2)], "c2").await.unwrap();
        let crab = || Tick { exercise_id: crab_walk(), ..tick("2026-03-06", 0) };
        engine.record(crab()).await.unwrap();
        engine.db.apply_page(&[routine(&[bear_walk()])], "c3").await.unwrap();
        assert!(refused(engine.record(crab()).await), "an exercise the routine no longer has");
        engine.record(tick("2026-03-06", 1)).await.unwrap();

        // The caregiver chosen here names the very next tick.
        engine.set_caregiver(Name::new("Dad").unwrap()).await.unwrap();
        assert_eq!(name_of(&engine.record(caregiver(tick("2026-03-07", 0))).await.unwrap()), "Dad");
        engine.set_caregiver(Name::new("Mum").unwrap()).await.unwrap();
        assert_eq!(name_of(&engine.record(caregiver(tick("2026-03-07", 1))).await.unwrap()), "Mum");

        // Removed by the clinic, then the device unpaired: nothing more is recorded.
        let removed = change(json!({"type": "removed", "data": {"entity": "assignment", "id": ASSIGNMENT}}));
        engine.db.apply_page(&[removed], "c4").await.unwrap();
        assert!(refused(engine.record(tick("2026-03-08", 0)).await), "a removed assignment");
        let before = engine.all_logs().await.unwrap().len();
        assert_eq!(before, 6);
        engine.unpair(true).await.unwrap();
        assert!(matches!(engine.record(tick("2026-03-08", 0)).await, Err(DeviceError::NotPaired)));
        assert!(engine.all_logs().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn two_engines_on_one_folder_tick_against_each_others_changes_and_lose_no_tick() {
        let dir = tempfile::tempdir().unwrap();
        let app = paired(dir.path()).await;
        let other = Engine::open(dir.path()).await.unwrap();
        app.record(tick("2026-03-04", 1)).await.unwrap();
        other.record(tick("2026-03-04", 0)).await.unwrap();

        // A pull applied by the other engine reaches this one's next tick, and the other way round.
        let bear = json!({"kind": "exercise", "exercise_id": bear_walk()});
        other.db.apply_page(&[assignment(bear.clone(), 1)], "c1").await.unwrap();
        assert!(refused(app.record(tick("2026-03-05", 1)).await));
        app.db.apply_page(&[assignment(bear, 2)], "c2").await.unwrap();
        other.record(tick("2026-03-05", 1)).await.unwrap();

        // Both ticking at once: every tick is stored once, and queued once.
        let (mut mine, mut theirs) = (Vec::new(), Vec::new());
        for day in 10..30 {
            let date = format!("2026-03-{day}");
            let (a, b) = tokio::join!(app.record(tick(&date, 0)), other.record(tick(&date, 1)));
            mine.push(a.unwrap().id);
            theirs.push(b.unwrap().id);
        }
        let mut stored: Vec<_> = app.all_logs().await.unwrap().into_iter().map(|l| l.id).collect();
        assert_eq!(stored.len(), 3 + 40);
        stored.sort();
        stored.dedup();
        assert_eq!(stored.len(), 43, "each log once");
        assert!(mine.iter().chain(&theirs).all(|id| stored.contains(id)));
        assert_eq!(other.db.outbox_counts().await.unwrap(), (43, 0));

        // Unpaired by the other engine: this one records nothing more.
        other.unpair(true).await.unwrap();
        assert!(matches!(app.record(tick("2026-03-31", 0)).await, Err(DeviceError::NotPaired)));
        assert!(app.all_logs().await.unwrap().is_empty());
    }
}
