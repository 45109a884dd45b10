//! homeplay-device: everything a family's device does except drawing the screen. The Tauri app and the tests
//! use the same [`Engine`].
//!
//! Recording is local and durable before it returns (one SQLite transaction, fsynced); the network is only
//! ever touched by [`Engine::sync_once`] and the background loop, so the app feels the same offline.

mod client;
mod error;
mod screens;
mod store;
mod sync;
mod token;

pub use error::{DeviceError, Result};
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
    pub pain: bool,
    pub note: Option<Note>,
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
    dir: PathBuf,
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
        let db = store::Db::open(&dir.join("homeplay-device.db")).await?;
        let last = db.last_hlc().await?;
        Ok(Self {
            db,
            tokens,
            clock: Mutex::new(HlcClock::resume(last)),
            sync_lock: tokio::sync::Mutex::new(()),
            dir: dir.to_owned(),
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

    /// Who is using this device now ("Mum"), shown on every log they record.
    pub async fn caregiver(&self) -> Result<Option<Name>> {
        self.db.caregiver().await
    }

    pub async fn set_caregiver(&self, name: Name) -> Result<()> {
        self.db.set_setting("caregiver", name.as_str()).await
    }

    fn tick_clock(&self) -> Hlc {
        let mut clock = self.clock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        clock.tick(wall_ms())
    }

    fn observe_clock(&self, remote: Hlc) {
        let mut clock = self.clock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // A stamp far in the future is ignored for our clock (the server refuses such logs anyway).
        let _ = clock.observe(remote, wall_ms());
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

    /// Records a tick: one local transaction, durable when this returns. No network.
    pub async fn record(&self, tick: Tick) -> Result<CompletionLog> {
        let pairing = self.db.pairing().await?.ok_or(DeviceError::NotPaired)?;
        let assignment = self.db.assignment(tick.assignment_id).await?.ok_or(DeviceError::NotFound("assignment"))?;
        if assignment.child_id != tick.child_id {
            return Err(DeviceError::NotFound("assignment for this child"));
        }
        let log = CompletionLog {
            id: LogId::new_v7(),
            child_id: tick.child_id,
            assignment_id: tick.assignment_id,
            exercise_id: tick.exercise_id,
            occurrence: tick.occurrence,
            outcome: tick.outcome,
            actual_reps: tick.details.actual_reps,
            actual_seconds: tick.details.actual_seconds,
            difficulty: tick.details.difficulty,
            mood: tick.details.mood,
            pain: tick.details.pain,
            note: tick.details.note,
            recorded_by: self.recorder(tick.by).await?,
            device_id: pairing.device_id,
            hlc: self.tick_clock(),
            undone: false,
        };
        log.validate()?;
        self.db.save_local(&log).await?;
        Ok(log)
    }

    /// A new version of a log: another outcome or follow-up, by whoever uses the device now.
    pub async fn edit(&self, id: LogId, outcome: Outcome, details: Details) -> Result<CompletionLog> {
        self.change(id, |log| {
            log.outcome = outcome;
            log.actual_reps = details.actual_reps;
            log.actual_seconds = details.actual_seconds;
            log.difficulty = details.difficulty;
            log.mood = details.mood;
            log.pain = details.pain;
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
    /// be sent, unless `discard_unsent`: nothing recorded is lost by accident.
    pub async fn unpair(&self, discard_unsent: bool) -> Result<()> {
        let _guard = self.sync_lock.lock().await;
        let waiting = self.db.outbox_counts().await?.0;
        if waiting > 0 && !discard_unsent {
            return Err(DeviceError::UnsentLogs(waiting));
        }
        self.tokens.delete()?;
        self.db.forget_everything().await
    }

    pub(crate) fn now() -> DateTime<Utc> {
        Utc::now()
    }
}
