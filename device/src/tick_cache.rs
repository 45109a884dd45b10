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
//!
//! Why a tick is one statement: with the copy in hand, a tick is a single `INSERT … SELECT … WHERE` the data
//! version is still the copy's, and a `TEMP` trigger (this connection's alone: a pulled log is not queued)
//! adds its outbox row in that same statement. SQLite runs a writing statement under the write lock from its
//! first step, so the version it checks is the one it commits beside, as with `BEGIN IMMEDIATE`; and one
//! statement is one autocommit transaction, durable when it returns. Each statement is a round trip to
//! sqlx's SQLite thread: the five a tick took (begin, version, log, outbox row, commit) were most of its cost
//! (issue 16: 2.4× a bare insert). When the version has moved, the tick reads afresh in `BEGIN IMMEDIATE`.

use crate::Pairing;
use crate::error::Result;
use crate::store::{self, Db};
use homeplay_core::assignment::{Assignment, Target};
use homeplay_core::ids::AssignmentId;
use homeplay_core::log::CompletionLog;
use homeplay_core::recorded::Recorded;
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

    fn needs_routines(&self, assignment_id: AssignmentId) -> bool {
        let routine = |a: &Assignment| matches!(a.target, Target::Routine { .. });
        self.routines.is_none() && self.assignments.get(&assignment_id).is_some_and(|a| a.as_ref().is_some_and(routine))
    }

    /// What a tick of this assignment is checked against, and the data version it was read at; `None` while
    /// any of it is still to be read.
    fn known(&self, assignment_id: AssignmentId) -> Option<(i64, Known<'_>)> {
        let version = self.version?;
        let (pairing, caregiver) = self.settings.as_ref()?;
        let assignment = self.assignments.get(&assignment_id)?.as_ref();
        if self.needs_routines(assignment_id) {
            return None;
        }
        let routines = self.routines.as_deref().unwrap_or(&[]);
        Some((version, Known { pairing: pairing.as_ref(), caregiver: caregiver.as_ref(), assignment, routines }))
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
        make: impl Fn(Known<'_>) -> Result<CompletionLog>,
    ) -> Result<CompletionLog> {
        let mut guard = self.state.lock().await;
        if guard.is_none() {
            let mut conn = SqliteConnection::connect_with(&Db::options(&self.file)).await?;
            sqlx::query(&queue_each_tick()).execute(&mut conn).await?;
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
        make: impl Fn(Known<'_>) -> Result<CompletionLog>,
    ) -> Result<CompletionLog> {
        let State { conn, copy } = state;
        // What the copy says, if it holds all this tick needs; a refusal here may be the copy's age, so it too
        // goes the long way, where it is checked against the file.
        if let Some((version, known)) = copy.known(assignment_id)
            && let Ok(log) = make(known)
            && insert_if_unchanged(&mut *conn, &log, version).await?
        {
            return Ok(log);
        }
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
        if let Entry::Vacant(slot) = copy.assignments.entry(assignment_id) {
            slot.insert(store::record_in(&mut *tx, "assignment", &assignment_id.to_string()).await?);
        }
        if copy.needs_routines(assignment_id) {
            copy.routines = Some(store::records_in(&mut *tx, "routine").await?);
        }
        let Some((_, known)) = copy.known(assignment_id) else { unreachable!("everything was read just above") };
        let log = make(known)?;
        if !insert_if_unchanged(&mut tx, &log, version).await? {
            // Cannot happen while the write lock is held since the version was read; if it ever did, the tick
            // must fail loudly rather than be reported stored.
            return Err(sqlx::Error::Protocol("the data version moved under the write lock".into()).into());
        }
        tx.commit().await?;
        Ok(log)
    }
}

/// Every log inserted on the tick's connection is queued for the server in the same statement. A tick's log
/// is new, so its outbox row is too: no older version to replace (unlike `Db::queue`'s upsert).
fn queue_each_tick() -> String {
    format!(
        "CREATE TEMP TRIGGER IF NOT EXISTS tick_queued AFTER INSERT ON main.logs BEGIN
           INSERT INTO outbox (kind, id, hlc_wall, hlc_counter, doc)
           VALUES ('{}', NEW.id, NEW.hlc_wall, NEW.hlc_counter, NEW.doc);
         END",
        CompletionLog::FIELD
    )
}

/// Stores a new log (and, by the trigger, its outbox row) unless another connection has committed since
/// `version` was read; `false` when it has, and then nothing is written.
async fn insert_if_unchanged(conn: &mut SqliteConnection, log: &CompletionLog, version: i64) -> Result<bool> {
    let done = store::log_row(
        "INSERT INTO logs (id, child_id, occ_date, hlc_wall, hlc_counter, doc)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE (SELECT data_version FROM pragma_data_version) = ?7",
        log,
    )?
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use crate::tests::{ASSIGNMENT, CHILD, bear_walk, change, paired, tick};
    use crate::{By, DeviceError, Engine, Tick};
    use homeplay_core::ids::{DeviceId, ExerciseId, LogId};
    use homeplay_core::log::{CompletionLog, Recorder};
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
    async fn each_tick_is_stored_and_queued_as_one_and_a_pulled_log_is_not_queued() {
        let dir = tempfile::tempdir().unwrap();
        let engine = paired(dir.path()).await;
        // The first tick reads what it needs, the second ticks on that copy alone.
        let mut mine = vec![engine.record(tick("2026-03-04", 0)).await.unwrap()];
        mine.push(engine.record(tick("2026-03-04", 1)).await.unwrap());

        // Another caregiver's log arrives by a pull: stored, not queued from here, and the next tick reads its
        // copy afresh (the pull moved the data version).
        let theirs =
            CompletionLog { id: LogId(uuid::Uuid::now_v7()), device_id: DeviceId::new_v7(), ..mine[1].clone() };
        engine.db.apply_page(&[Change::Log(theirs.clone())], "c1").await.unwrap();
        mine.push(engine.record(tick("2026-03-05", 0)).await.unwrap());
        mine.push(engine.record(tick("2026-03-05", 1)).await.unwrap());

        let queued = engine.db.pending::<CompletionLog>(500).await.unwrap();
        assert_eq!(queued, mine, "each tick queued once, as the very version stored");
        for log in &mine {
            assert_eq!(engine.db.log(log.id).await.unwrap().as_ref(), Some(log));
        }
        assert_eq!(engine.db.log(theirs.id).await.unwrap(), Some(theirs));
        assert_eq!(engine.db.outbox_counts().await.unwrap(), (4, 0));
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
