//! homeplay-device: everything a family's device does except drawing the screen. The Tauri app and the tests
//! use the same [`Engine`].
//!
//! Recording is local and durable before it returns (one SQLite transaction, fsynced); the network is only
//! ever touched by [`Engine::sync_once`] and the background loop, so the app feels the same offline.

mod caregivers;
mod client;
mod epoch;
mod error;
mod goals;
mod messages;
mod outbox;
mod prefs;
mod program;
mod reminders;
mod screens;
mod store;
mod suite_hooks;
mod sync;
mod tick_cache;
mod token;

pub use caregivers::KnownCaregiver;
pub use error::{DeviceError, Result};
pub use goals::{ChildGoal, ChildGoals};
pub use messages::{Thread, ThreadMessage};
pub use outbox::RejectedItem;
pub use prefs::{Language, PainScale, Prefs, ReminderPrefs};
pub use program::{ProgramActivity, WeekProgram, week_program};
pub use reminders::{MomentDue, Reminder, SentReminder, due_reminders};
pub use screens::{ChildProgress, TodayChild, TodayGroup, TodayItem};
pub use sync::{SyncLoop, SyncReport, SyncState};
#[cfg(feature = "os-keyring")]
pub use token::KeyringTokenStore;
pub use token::{FileTokenStore, TokenStore};

use chrono::{DateTime, Utc};
use homeplay_core::Validate;
use homeplay_core::hlc::{Hlc, HlcClock};
use homeplay_core::ids::{AssignmentId, ChildId, DeviceId, ExerciseId, LogId};
use homeplay_core::log::{CompletionLog, Difficulty, Mood, Occurrence, Outcome, Recorder};
use homeplay_core::pain::PainScore;
use homeplay_core::text::{Name, Note};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Who is recording: the caregiver chosen on this device, or the child in kid mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Caregiver,
    KidMode,
}

/// What a tick records. Everything but the outcome is optional: never forced on a busy parent.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub child_id: ChildId,
    pub assignment_id: AssignmentId,
    pub exercise_id: ExerciseId,
    pub occurrence: Occurrence,
    pub outcome: Outcome,
    pub details: Details,
    pub by: By,
}

/// The optional follow-up of a tick, also what an edit can change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details {
    pub actual_reps: Option<u16>,
    pub actual_seconds: Option<u32>,
    pub difficulty: Option<Difficulty>,
    pub mood: Option<Mood>,
    /// A plain "yes" from a screen without the scale; with a score, the score decides (above 0 is pain).
    pub pain: bool,
    pub pain_score: Option<PainScore>,
    pub note: Option<Note>,
}

impl Details {
    /// The log's `pain`: kept in step with the score for readers that know only yes or no.
    fn pain(&self) -> bool {
        self.pain_score.map_or(self.pain, PainScore::hurts)
    }
}

/// Who this device belongs to, once paired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairing {
    pub server_url: String,
    pub device_id: DeviceId,
    pub clinic_name: String,
}

/// A family's device: its local database, its token, its clock.
#[derive(Debug)]
pub struct Engine {
    db: store::Db,
    tokens: Box<dyn TokenStore>,
    clock: Mutex<HlcClock>,
    sync_lock: tokio::sync::Mutex<()>,
    /// Held from reading a log to storing its new version, and while a pulled page is applied: a new version is
    /// always stamped after, and stored after, every version it could replace.
    writes: tokio::sync::Mutex<()>,
    dir: PathBuf,
    ticks: tick_cache::TickCache,
    /// Set only by [`Engine::fix_clock`] (tests that must write the same bytes every run): the time every
    /// stamp, date and new id is made from.
    fixed: Mutex<Option<suite_hooks::FixedClock>>,
}

/// Milliseconds since the Unix epoch, from the wall clock.
pub fn wall_ms() -> u64 {
    u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0)
}

impl Engine {
    /// Opens (creating and upgrading as needed) the device's data in `dir`. The token goes to the OS keyring
    /// where there is one (feature `os-keyring`), else to a private file beside the data.
    pub async fn open(dir: &Path) -> Result<Self> {
        let file = FileTokenStore::new(dir.join("device-token"));
        #[cfg(feature = "os-keyring")]
        let tokens: Box<dyn TokenStore> =
            Box::new(token::KeyringTokenStore::new("homeplay", &dir.display().to_string(), file));
        #[cfg(not(feature = "os-keyring"))]
        let tokens: Box<dyn TokenStore> = Box::new(file);
        Self::open_with(dir, tokens).await
    }

    pub async fn open_with(dir: &Path, tokens: Box<dyn TokenStore>) -> Result<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| DeviceError::Token(format!("cannot create {}: {e}", dir.display())))?;
        let file = dir.join("homeplay-device.db");
        let db = store::Db::open(&file).await?;
        let last = db.last_hlc().await?;
        Ok(Self {
            db,
            tokens,
            clock: Mutex::new(HlcClock::resume(last)),
            sync_lock: tokio::sync::Mutex::new(()),
            writes: tokio::sync::Mutex::new(()),
            dir: dir.to_owned(),
            ticks: tick_cache::TickCache::new(file),
            fixed: Mutex::new(None),
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    /// The schema version of the local database.
    pub async fn schema_version(&self) -> Result<i64> {
        self.db.schema_version().await
    }

    /// `PRAGMA integrity_check` on the local database: `true` when it reports "ok".
    pub async fn integrity_ok(&self) -> Result<bool> {
        self.db.integrity_ok().await
    }

    pub async fn pairing(&self) -> Result<Option<Pairing>> {
        self.db.pairing().await
    }

    /// The clinic's pain-advice threshold and contact text for families, as of the last pull.
    pub async fn clinic_settings(&self) -> Result<homeplay_core::clinic::FamilyClinicSettings> {
        self.db.clinic_settings().await
    }

    fn tick_clock(&self) -> Hlc {
        let mut clock = self.clock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        clock.tick(self.wall())
    }

    fn observe_clock(&self, remote: Hlc) {
        let mut clock = self.clock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // A stamp far in the future is ignored for our clock (the server refuses such logs anyway).
        let _ = clock.observe(remote, self.wall());
    }

    async fn recorder(&self, by: By) -> Result<Recorder> {
        Ok(match by {
            By::KidMode => Recorder::KidMode,
            By::Caregiver => Recorder::Caregiver {
                name: self.db.caregiver().await?.unwrap_or(Name::new("Caregiver")?),
                caregiver_id: None,
            },
        })
    }

    /// Records a tick: one local transaction, durable when this returns. No network. What it is checked
    /// against is read once and kept until anything else changes the database (see `tick_cache`).
    pub async fn record(&self, tick: Tick) -> Result<CompletionLog> {
        // The log's id and stamp, made once: a tick checked again after a pull is still one tick.
        let stamp = std::sync::OnceLock::new();
        self.ticks
            .record(tick.assignment_id, |known| {
                let pairing = known.pairing.ok_or(DeviceError::NotPaired)?;
                let assignment = known.assignment.ok_or(DeviceError::NotFound("assignment"))?;
                if assignment.child_id != tick.child_id {
                    return Err(DeviceError::NotFound("assignment for this child"));
                }
                // The server would reject these for good; refuse them now, while the family is still looking.
                if !homeplay_core::schedule::exercises_of(assignment, known.routines).contains(&tick.exercise_id) {
                    return Err(DeviceError::NotFound("exercise in this assignment"));
                }
                if usize::from(tick.occurrence.slot) >= assignment.slots.len() {
                    return Err(DeviceError::NotFound("time of day in this assignment"));
                }
                let recorded_by = match tick.by {
                    By::KidMode => Recorder::KidMode,
                    By::Caregiver => Recorder::Caregiver {
                        name: known.caregiver.cloned().unwrap_or(Name::new("Caregiver")?),
                        caregiver_id: None,
                    },
                };
                let (id, hlc) = *stamp.get_or_init(|| (LogId(self.new_uuid()), self.tick_clock()));
                let log = CompletionLog {
                    id,
                    child_id: tick.child_id,
                    assignment_id: tick.assignment_id,
                    exercise_id: tick.exercise_id,
                    occurrence: tick.occurrence,
                    outcome: tick.outcome,
                    actual_reps: tick.details.actual_reps,
                    actual_seconds: tick.details.actual_seconds,
                    difficulty: tick.details.difficulty,
                    mood: tick.details.mood,
                    pain: tick.details.pain(),
                    pain_score: tick.details.pain_score,
                    note: tick.details.note.clone(),
                    recorded_by,
                    device_id: pairing.device_id,
                    hlc,
                    undone: false,
                };
                log.validate()?;
                Ok(log)
            })
            .await
    }

    /// A new version of a log: another outcome or follow-up, by whoever uses the device now.
    pub async fn edit(&self, id: LogId, outcome: Outcome, details: Details) -> Result<CompletionLog> {
        self.change(id, |log| {
            log.outcome = outcome;
            log.actual_reps = details.actual_reps;
            log.actual_seconds = details.actual_seconds;
            log.difficulty = details.difficulty;
            log.mood = details.mood;
            log.pain = details.pain();
            log.pain_score = details.pain_score;
            log.note = details.note;
            log.undone = false;
        })
        .await
    }

    /// Undo is an edit: the log stays, marked undone, so the undo syncs like any other change.
    pub async fn undo(&self, id: LogId) -> Result<CompletionLog> {
        self.change(id, |log| log.undone = true).await
    }

    async fn change(&self, id: LogId, apply: impl FnOnce(&mut CompletionLog)) -> Result<CompletionLog> {
        let pairing = self.db.pairing().await?.ok_or(DeviceError::NotPaired)?;
        let _writing = self.writes.lock().await;
        let mut log = self.db.log(id).await?.ok_or(DeviceError::NotFound("log"))?;
        apply(&mut log);
        log.recorded_by = match log.recorded_by {
            Recorder::KidMode if self.db.caregiver().await?.is_none() => Recorder::KidMode,
            _ => self.recorder(By::Caregiver).await?,
        };
        log.device_id = pairing.device_id;
        log.hlc = self.tick_clock();
        log.validate()?;
        self.db.save_local(&log).await?;
        Ok(log)
    }

    pub async fn log(&self, id: LogId) -> Result<Option<CompletionLog>> {
        self.db.log(id).await
    }

    /// Every log on this device (all caregivers'), current versions.
    pub async fn all_logs(&self) -> Result<Vec<CompletionLog>> {
        self.db.all_logs().await
    }

    /// The bytes of a picture, video or voice prompt: built-in ones from the app, uploads from the local copy.
    pub async fn media(&self, media: &homeplay_core::media::MediaRef) -> Result<Option<(String, Vec<u8>)>> {
        if let Some(bytes) = homeplay_core::library::builtin_picture(media) {
            return Ok(Some(("image/svg+xml".to_owned(), bytes.to_vec())));
        }
        self.db.media(media.as_str()).await
    }

    /// Forgets the pairing, the token and the family's data on this device. Refused while logs are waiting to
    /// be sent, unless `discard_unsent`: nothing recorded is lost by accident. The device's own preferences
    /// (language, sound, reminder rules) stay, so the next pairing starts in the family's language.
    pub async fn unpair(&self, discard_unsent: bool) -> Result<()> {
        let _guard = self.sync_lock.lock().await;
        let waiting = self.db.outbox_counts().await?.0;
        if waiting > 0 && !discard_unsent {
            return Err(DeviceError::UnsentLogs(waiting));
        }
        let prefs = self.db.setting("prefs").await?;
        self.tokens.delete()?;
        self.db.forget_everything().await?;
        match prefs {
            Some(p) => self.db.set_setting("prefs", &p).await,
            None => Ok(()),
        }
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.fixed_now().unwrap_or_else(Utc::now)
    }

    fn wall(&self) -> u64 {
        self.fixed_now().map_or_else(wall_ms, |t| u64::try_from(t.timestamp_millis()).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use homeplay_core::assignment::SlotTime;
    use homeplay_core::log::NotDoneReason;
    use homeplay_core::recorded::Accepted;
    use homeplay_core::sync::Change;
    use serde_json::json;

    pub(crate) const CHILD: &str = "01936f4e-0000-7000-8000-0000000c0001";
    pub(crate) const SISTER: &str = "01936f4e-0000-7000-8000-0000000c0002";
    pub(crate) const ASSIGNMENT: &str = "01936f4e-0000-7000-8000-0000000a0001";
    const SISTERS_ASSIGNMENT: &str = "01936f4e-0000-7000-8000-0000000a0002";

    pub(crate) fn change(v: serde_json::Value) -> Change {
        serde_json::from_value(v).unwrap()
    }

    pub(crate) fn bear_walk() -> ExerciseId {
        ExerciseId::builtin("bear-walk")
    }

    fn program() -> Vec<Change> {
        let child = |id: &str, name: &str| {
            change(json!({"type": "child", "data": {
                "id": id, "family_id": "01936f4e-0000-7000-8000-00000000f001",
                "display_name": name, "time_zone": "Europe/London"
            }}))
        };
        let assignment = |id: &str, child: &str| {
            change(json!({"type": "assignment", "data": {
                "id": id, "child_id": child,
                "target": {"kind": "exercise", "exercise_id": bear_walk()},
                "assigned_by": "01936f4e-0000-7000-8000-00000000d001",
                "start_date": "2026-01-05",
                "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "slots": [{"kind": "moment", "moment": "after_school"}, {"kind": "moment", "moment": "bedtime"}],
                "status": "active"
            }}))
        };
        vec![
            child(CHILD, "Leo"),
            child(SISTER, "Mia"),
            assignment(ASSIGNMENT, CHILD),
            assignment(SISTERS_ASSIGNMENT, SISTER),
        ]
    }

    /// An engine paired "by hand" with the program above: no server is involved.
    pub(crate) async fn paired(dir: &Path) -> Engine {
        let engine = Engine::open(dir).await.unwrap();
        engine
            .db
            .save_pairing(&Pairing {
                server_url: "http://127.0.0.1:9".into(),
                device_id: DeviceId::new_v7(),
                clinic_name: "Riverside".into(),
            })
            .await
            .unwrap();
        engine.db.apply_page(&program(), "v1.0000000000000004").await.unwrap();
        engine
    }

    pub(crate) fn tick(date: &str, slot: u8) -> Tick {
        Tick {
            child_id: CHILD.parse().unwrap(),
            assignment_id: ASSIGNMENT.parse().unwrap(),
            exercise_id: bear_walk(),
            occurrence: Occurrence { date: date.parse().unwrap(), slot },
            outcome: Outcome::Done,
            details: Details::default(),
            by: By::KidMode,
        }
    }

    async fn queued(engine: &Engine) -> Vec<(LogId, Hlc)> {
        engine.db.pending::<CompletionLog>(500).await.unwrap().into_iter().map(|l| (l.id, l.hlc)).collect()
    }

    #[tokio::test]
    async fn an_unpaired_device_records_nothing_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open(dir.path()).await.unwrap();
        assert_eq!(engine.status().await.unwrap(), SyncState::NotPaired);
        assert!(matches!(engine.record(tick("2026-03-04", 0)).await, Err(DeviceError::NotPaired)));
        assert_eq!(engine.schema_version().await.unwrap(), 4);
        assert!(engine.integrity_ok().await.unwrap());
    }

    #[tokio::test]
    async fn a_pain_score_sets_pain_and_an_out_of_range_one_is_refused_naming_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let engine = paired(dir.path()).await;
        let first = engine.record(tick("2026-03-04", 0)).await.unwrap();
        let score = |v| Some(PainScore::new(v).unwrap());
        // The score decides `pain`, whatever a screen left in the old yes/no.
        let hurts = Details { pain_score: score(8), ..Details::default() };
        let edited = engine.edit(first.id, Outcome::Done, hurts).await.unwrap();
        assert_eq!((edited.pain, edited.pain_score), (true, score(8)));
        let none = Details { pain: true, pain_score: score(0), ..Details::default() };
        let edited = engine.edit(first.id, Outcome::Done, none).await.unwrap();
        assert_eq!((edited.pain, edited.pain_score), (false, score(0)));
        let eleven: PainScore = serde_json::from_value(serde_json::json!(11)).unwrap();
        let wrong = Details { pain_score: Some(eleven), ..Details::default() };
        let err = engine.edit(first.id, Outcome::Done, wrong).await.unwrap_err();
        assert!(err.to_string().contains("pain_score"), "{err}");
    }

    #[tokio::test]
    async fn the_caregivers_are_the_names_chosen_here_then_those_on_the_logs_each_once() {
        let dir = tempfile::tempdir().unwrap();
        let engine = paired(dir.path()).await;
        assert!(engine.caregivers().await.unwrap().is_empty());
        engine.set_caregiver(Name::new("Dad").unwrap()).await.unwrap();
        engine.record(Tick { by: By::Caregiver, ..tick("2026-03-04", 0) }).await.unwrap();
        engine.record(tick("2026-03-04", 1)).await.unwrap();
        // As if Dad had only ever used another device: his name arrives on the family's logs alone.
        engine.db.set_setting("caregivers", "[]").await.unwrap();
        for n in ["Mum", "Grandma", " mum", "dad"] {
            engine.set_caregiver(Name::new(n).unwrap()).await.unwrap();
        }
        let names = |all: Vec<KnownCaregiver>| -> Vec<(String, bool)> {
            all.into_iter().map(|k| (k.name.as_str().to_owned(), k.chosen_here)).collect()
        };
        let all = names(engine.caregivers().await.unwrap());
        let chosen = |n: &str| (n.to_owned(), true);
        assert_eq!(all, [chosen("Mum"), chosen("Grandma"), chosen("dad")], "each name once whatever its case");
        engine.db.set_setting("caregivers", r#"["Mum"]"#).await.unwrap();
        let all = names(engine.caregivers().await.unwrap());
        assert_eq!(all, [chosen("Mum"), ("Dad".to_owned(), false)], "kid mode is nobody's name");
    }

    #[tokio::test]
    async fn record_edit_and_undo_keep_one_row_per_log_and_queue_the_newest_version() {
        let dir = tempfile::tempdir().unwrap();
        let engine = paired(dir.path()).await;
        engine.set_caregiver(Name::new("Mum").unwrap()).await.unwrap();
        let first = engine.record(tick("2026-03-04", 0)).await.unwrap();
        assert_eq!(first.recorded_by, Recorder::KidMode);
        assert_eq!(first.device_id, engine.pairing().await.unwrap().unwrap().device_id);
        assert_eq!(queued(&engine).await, vec![(first.id, first.hlc)]);

        let details = Details { difficulty: Some(Difficulty::Hard), pain: true, ..Details::default() };
        let edited = engine.edit(first.id, Outcome::Partly, details).await.unwrap();
        let undone = engine.undo(first.id).await.unwrap();
        assert!(first.hlc < edited.hlc && edited.hlc < undone.hlc, "each version orders after the one before");
        for v in [&edited, &undone] {
            assert_eq!(v.id, first.id);
            assert_eq!(
                (v.child_id, v.assignment_id, v.exercise_id, v.occurrence),
                (first.child_id, first.assignment_id, first.exercise_id, first.occurrence),
                "an edit never moves a log"
            );
            assert!(matches!(&v.recorded_by, Recorder::Caregiver { name, .. } if name.as_str() == "Mum"));
        }
        assert!(undone.undone && undone.pain && undone.outcome == Outcome::Partly, "undo keeps the rest");

        assert_eq!(engine.all_logs().await.unwrap(), vec![undone.clone()], "one row per log id");
        assert_eq!(engine.log(first.id).await.unwrap(), Some(undone.clone()));
        assert_eq!(queued(&engine).await, vec![(first.id, undone.hlc)], "only the newest version is queued");
        assert_eq!(engine.status().await.unwrap(), SyncState::Waiting { count: 1 });

        // Editing an undone log brings it back.
        let redone =
            engine.edit(first.id, Outcome::NotDone { reason: NotDoneReason::Sick }, Details::default()).await.unwrap();
        assert!(!redone.undone && redone.hlc > undone.hlc);
        assert!(matches!(
            engine.edit(LogId::new_v7(), Outcome::Done, Details::default()).await,
            Err(DeviceError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn a_tick_must_fit_the_childs_program() {
        let dir = tempfile::tempdir().unwrap();
        let engine = paired(dir.path()).await;
        let sisters = Tick { assignment_id: SISTERS_ASSIGNMENT.parse().unwrap(), ..tick("2026-03-04", 0) };
        assert!(matches!(engine.record(sisters).await, Err(DeviceError::NotFound(_))));
        let unknown = Tick { assignment_id: AssignmentId::new_v7(), ..tick("2026-03-04", 0) };
        assert!(matches!(engine.record(unknown).await, Err(DeviceError::NotFound(_))));
        let other_exercise = Tick { exercise_id: ExerciseId::builtin("crab-walk"), ..tick("2026-03-04", 0) };
        assert!(matches!(engine.record(other_exercise).await, Err(DeviceError::NotFound(_))));
        assert!(matches!(engine.record(tick("2026-03-04", 2)).await, Err(DeviceError::NotFound(_))), "two slots");
        assert!(engine.all_logs().await.unwrap().is_empty());
        assert_eq!(engine.db.outbox_counts().await.unwrap(), (0, 0));
        engine.record(tick("2026-03-04", 1)).await.unwrap();
        let mias = Tick { child_id: SISTER.parse().unwrap(), ..tick("2026-03-04", 0) };
        let mias = Tick { assignment_id: SISTERS_ASSIGNMENT.parse().unwrap(), ..mias };
        engine.record(mias).await.unwrap();
        assert_eq!(engine.all_logs().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn reopening_shows_every_recorded_tick_and_resumes_the_clock() {
        let dir = tempfile::tempdir().unwrap();
        let mut recorded = Vec::new();
        let future = Hlc::new(wall_ms() + 3_600_000, 7);
        {
            let engine = paired(dir.path()).await;
            for day in 1..=20u32 {
                recorded.push(engine.record(tick(&format!("2026-03-{day:02}"), 0)).await.unwrap());
            }
            // Another caregiver's device with a clock an hour ahead.
            let mut theirs = recorded[0].clone();
            theirs.id = LogId::new_v7();
            theirs.device_id = DeviceId::new_v7();
            theirs.hlc = future;
            engine.db.apply_page(&[Change::Log(theirs)], "v1.0000000000000005").await.unwrap();
        }
        let engine = Engine::open(dir.path()).await.unwrap();
        assert!(engine.integrity_ok().await.unwrap());
        for log in &recorded {
            assert_eq!(engine.log(log.id).await.unwrap().as_ref(), Some(log));
        }
        assert_eq!(engine.all_logs().await.unwrap().len(), 21);
        let edit = engine.edit(recorded[3].id, Outcome::Partly, Details::default()).await.unwrap();
        assert!(edit.hlc > future, "an edit after a restart still orders after everything seen: {edit:?}");
        assert_eq!(engine.db.outbox_counts().await.unwrap(), (20, 0));
    }

    #[tokio::test]
    async fn status_follows_the_outbox_and_the_last_attempt() {
        let dir = tempfile::tempdir().unwrap();
        let engine = paired(dir.path()).await;
        assert_eq!(engine.status().await.unwrap(), SyncState::Synced { last_sync_ms: None });

        let log = engine.record(tick("2026-03-04", 0)).await.unwrap();
        assert_eq!(engine.status().await.unwrap(), SyncState::Waiting { count: 1 });

        engine.db.note_attempt(1_000, "offline", "cannot reach the clinic server").await.unwrap();
        assert_eq!(engine.status().await.unwrap(), SyncState::Offline { waiting: 1, since_ms: 1_000 });

        engine.db.acked::<CompletionLog>(&[Accepted { id: log.id, hlc: log.hlc }]).await.unwrap();
        engine.db.note_attempt(2_000, "ok", "pushed 1 pulled 0").await.unwrap();
        assert_eq!(engine.status().await.unwrap(), SyncState::Synced { last_sync_ms: Some(2_000) });

        let second = engine.record(tick("2026-03-05", 0)).await.unwrap();
        assert_eq!(engine.status().await.unwrap(), SyncState::Waiting { count: 1 });
        engine
            .db
            .refused::<CompletionLog>(
                second.id,
                second.hlc,
                "unknown_assignment",
                Some("assignment_id"),
                "not in the program",
            )
            .await
            .unwrap();
        let third = engine.record(tick("2026-03-06", 0)).await.unwrap();
        match engine.status().await.unwrap() {
            SyncState::NeedsAttention { waiting, rejected, problem } => {
                assert_eq!(waiting, 1);
                assert_eq!(rejected.len(), 1);
                assert_eq!((rejected[0].kind.as_str(), rejected[0].id.clone()), ("logs", second.id.to_string()));
                assert_eq!(rejected[0].field.as_deref(), Some("assignment_id"));
                assert!(problem.contains('1'), "{problem}");
            }
            other => panic!("expected needs attention, got {other:?}"),
        }

        // An error a person must fix (a revoked device) outranks the rest until a sync works again.
        engine.db.acked::<CompletionLog>(&[Accepted { id: third.id, hlc: third.hlc }]).await.unwrap();
        engine.edit(second.id, Outcome::Partly, Details::default()).await.unwrap();
        engine.db.note_attempt(3_000, "error", "this device was unpaired by the clinic").await.unwrap();
        assert!(matches!(
            engine.status().await.unwrap(),
            SyncState::NeedsAttention { ref problem, waiting: 1, .. } if problem.contains("unpaired")
        ));
        engine.db.note_attempt(4_000, "offline", "timeout").await.unwrap();
        assert_eq!(engine.status().await.unwrap(), SyncState::Offline { waiting: 1, since_ms: 4_000 });
        engine.db.note_attempt(5_000, "ok", "pushed 1").await.unwrap();
        assert_eq!(engine.status().await.unwrap(), SyncState::Waiting { count: 1 });
    }

    #[tokio::test]
    async fn reminders_come_once_then_repeat_once_and_a_restart_does_not_send_them_again() {
        let dir = tempfile::tempdir().unwrap();
        let exercise = homeplay_core::library::starter().unwrap().by_slug("bear-walk").unwrap().clone();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let slots = |due: &[Reminder]| {
            let mut v: Vec<(String, bool)> = due.iter().map(|r| (r.child_name.clone(), r.repeat)).collect();
            v.sort();
            v
        };
        {
            let engine = paired(dir.path()).await;
            engine.db.apply_page(&[Change::Exercise(Box::new(exercise))], "v1.0000000000000005").await.unwrap();
            // London in March is on GMT: after school (15:30) has come, bedtime (19:30) has not.
            assert!(engine.take_due_reminders(at("2026-03-04T15:29:00Z")).await.unwrap().is_empty());
            let due = engine.take_due_reminders(at("2026-03-04T17:00:00Z")).await.unwrap();
            assert_eq!(slots(&due), [("Leo".into(), false), ("Mia".into(), false)]);
            assert!(due.iter().all(|r| r.remaining == 1
                && r.slot == SlotTime::Moment { moment: homeplay_core::assignment::FamilyMoment::AfterSchool }));
            assert!(engine.take_due_reminders(at("2026-03-04T17:01:00Z")).await.unwrap().is_empty());
            engine.record(tick("2026-03-04", 0)).await.unwrap();
        }
        // After a restart: nothing is sent again; Mia's one repeat comes (Leo's after school is logged).
        let engine = Engine::open(dir.path()).await.unwrap();
        assert!(engine.take_due_reminders(at("2026-03-04T17:20:00Z")).await.unwrap().is_empty());
        let due = engine.take_due_reminders(at("2026-03-04T17:31:00Z")).await.unwrap();
        assert_eq!(slots(&due), [("Mia".into(), true)]);
        assert!(engine.take_due_reminders(at("2026-03-04T18:05:00Z")).await.unwrap().is_empty());

        // Switched off: nothing, even when bedtime comes.
        let off = Prefs { reminders: ReminderPrefs { enabled: false, ..ReminderPrefs::default() }, ..Prefs::default() };
        engine.set_prefs(&off).await.unwrap();
        assert!(engine.take_due_reminders(at("2026-03-04T19:31:00Z")).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn unpairing_keeps_unsent_logs_unless_told_to_discard_them() {
        let dir = tempfile::tempdir().unwrap();
        let engine = paired(dir.path()).await;
        engine.record(tick("2026-03-04", 0)).await.unwrap();
        let spanish = Prefs { language: Language::Es, sound: false, ..Prefs::default() };
        engine.set_prefs(&spanish).await.unwrap();
        engine.set_caregiver(Name::new("Mum").unwrap()).await.unwrap();
        assert!(matches!(engine.unpair(false).await, Err(DeviceError::UnsentLogs(1))));
        assert_eq!(engine.all_logs().await.unwrap().len(), 1);
        engine.unpair(true).await.unwrap();
        assert_eq!(engine.status().await.unwrap(), SyncState::NotPaired);
        assert!(engine.all_logs().await.unwrap().is_empty());
        assert_eq!(engine.caregiver().await.unwrap(), None, "the family's names go");
        assert_eq!(engine.prefs().await.unwrap(), spanish, "the device's language and sound stay");
    }
}
