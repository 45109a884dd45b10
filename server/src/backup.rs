//! Backups a clinic can restore: `backup --to DIR` while the server serves, `serve --backup-every` on a
//! schedule, and `restore --from FILE` into an empty database.
//!
//! A backup is one file named for when it was taken (`homeplay-20261205T173501.123Z.db` for SQLite, `….dump`
//! for PostgreSQL's custom format), written under a hidden `.partial` name and renamed when complete, so a
//! file with the final name is always a whole backup and the schedule never counts (or deletes) a torn one.

mod postgres;
mod sqlite;

use chrono::{DateTime, NaiveDateTime, Utc};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Added to every family's feed sequence on restore. Devices hold pull cursors from the server that was lost,
/// possibly ahead of the backup; without the jump, changes made after the restore would be numbered at or
/// below those cursors and never reach those devices. No family makes 2^32 changes between two backups.
pub const FEED_GAP: i64 = 1 << 32;

/// A new epoch for a restored database. Devices compare epochs: a new one tells them this server lost what it
/// accepted after the backup, so they send again what they recorded (the server keeps each item once).
fn new_epoch() -> BackupResult<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| BackupError::Random(e.to_string()))?;
    Ok(homeplay_core::ids::ServerEpoch::from_random_bytes(bytes).to_string())
}

const PREFIX: &str = "homeplay-";
const STAMP: &str = "%Y%m%dT%H%M%S%.3fZ";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("cannot write backups to {}: {error}", dir.display())]
    NotWritable { dir: PathBuf, error: std::io::Error },
    #[error("cannot read the backup {}: {error}", path.display())]
    NoSuchBackup { path: PathBuf, error: std::io::Error },
    #[error("{}: {error}", path.display())]
    Io { path: PathBuf, error: std::io::Error },
    #[error("not a database URL this server knows (sqlite://… or postgres://…): {0}")]
    UnknownUrl(String),
    #[error(
        "{tool} was not found on PATH: install the postgresql-client package (Debian: apt install postgresql-client)"
    )]
    ToolMissing { tool: &'static str },
    #[error("{tool} failed ({status}): {stderr}")]
    ToolFailed { tool: &'static str, status: String, stderr: String },
    #[error("the database {0} already holds a clinic: restore only into a new, empty database")]
    HoldsClinic(String),
    #[error("the database {0} is not empty (it has tables): restore only into a new, empty database")]
    NotEmpty(String),
    #[error("{} is not a homeplay backup: {reason}", path.display())]
    NotABackup { path: PathBuf, reason: String },
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

pub type BackupResult<T> = Result<T, BackupError>;

/// Which database a URL names, as backups need to know it.
enum Target {
    Sqlite,
    Postgres,
}

fn target(url: &str) -> BackupResult<Target> {
    if url.starts_with("sqlite:") {
        Ok(Target::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Target::Postgres)
    } else {
        Err(BackupError::UnknownUrl(crate::config::redact_url(url)))
    }
}

fn extension(target: &Target) -> &'static str {
    match target {
        Target::Sqlite => "db",
        Target::Postgres => "dump",
    }
}

/// The name of a backup taken at `at`.
pub fn file_name(at: DateTime<Utc>, ext: &str) -> String {
    format!("{PREFIX}{}.{ext}", at.format(STAMP))
}

/// When the backup named `name` was taken, if it is a name [`file_name`] makes with `ext`.
pub fn taken_at(name: &str, ext: &str) -> Option<NaiveDateTime> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(ext)?.strip_suffix('.')?;
    NaiveDateTime::parse_from_str(stamp, STAMP).ok()
}

/// Backs up the database at `url` into `dir` (made if missing) and returns the file written. Safe while
/// servers write to the database: the copy is one consistent snapshot.
pub async fn backup(url: &str, dir: &Path) -> BackupResult<PathBuf> {
    let target = target(url)?;
    let not_writable = |source| BackupError::NotWritable { dir: dir.to_owned(), error: source };
    std::fs::create_dir_all(dir).map_err(not_writable)?;
    let name = file_name(Utc::now(), extension(&target));
    let partial = dir.join(format!(".{name}.partial"));
    let file = dir.join(&name);
    // Made now, empty, so an unwritable folder is named as such rather than as a database tool's error.
    std::fs::File::create(&partial).map_err(not_writable)?;
    let written = match target {
        Target::Sqlite => sqlite::backup(url, &partial).await,
        Target::Postgres => postgres::backup(url, &partial).await,
    };
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    let io = |source| BackupError::Io { path: file.clone(), error: source };
    std::fs::File::open(&partial).and_then(|f| f.sync_all()).map_err(io)?;
    std::fs::rename(&partial, &file).map_err(io)?;
    // The rename itself must survive a power cut, or the file would vanish while the schedule deletes older ones.
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
    Ok(file)
}

/// Restores the backup `from` into the empty database at `url`. Refuses a database that holds anything.
/// The schema stays the backup's: the next `serve` or `migrate` upgrades it as usual.
pub async fn restore(url: &str, from: &Path) -> BackupResult<()> {
    std::fs::metadata(from).map_err(|source| BackupError::NoSuchBackup { path: from.to_owned(), error: source })?;
    match target(url)? {
        Target::Sqlite => sqlite::restore(url, from).await,
        Target::Postgres => postgres::restore(url, from).await,
    }
}

/// Deletes the oldest backups in `dir` made for the database at `url` beyond the newest `keep`; only files
/// named as [`backup`] names them. Returns the files deleted.
pub fn prune(url: &str, dir: &Path, keep: usize) -> BackupResult<Vec<PathBuf>> {
    let ext = extension(&target(url)?);
    let io = |source| BackupError::Io { path: dir.to_owned(), error: source };
    let mut ours: Vec<(NaiveDateTime, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        if let Some(at) = name.to_str().and_then(|n| taken_at(n, ext))
            && entry.file_type().map_err(io)?.is_file()
        {
            ours.push((at, entry.path()));
        }
    }
    ours.sort();
    let excess = ours.len().saturating_sub(keep);
    let mut deleted = Vec::new();
    for (_, path) in ours.into_iter().take(excess) {
        std::fs::remove_file(&path).map_err(|source| BackupError::Io { path: path.clone(), error: source })?;
        deleted.push(path);
    }
    Ok(deleted)
}

/// What `serve` backs up on its own.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub dir: PathBuf,
    pub every: Duration,
    pub keep: usize,
}

/// Backs up every `schedule.every` (the first one an interval after start, so a server restarting in a loop
/// does not rotate good backups out) and keeps the newest `schedule.keep`. A failed run is logged as an error
/// and the next one tried on time; nothing is deleted after a failure.
pub fn spawn_schedule(url: String, schedule: Schedule) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + schedule.every;
        let mut ticks = tokio::time::interval_at(start, schedule.every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match backup(&url, &schedule.dir).await {
                Ok(file) => {
                    tracing::info!(file = %file.display(), "backup written");
                    match prune(&url, &schedule.dir, schedule.keep) {
                        Ok(deleted) => {
                            for old in deleted {
                                tracing::info!(file = %old.display(), "old backup deleted");
                            }
                        }
                        Err(e) => tracing::error!(error = %e, "could not delete old backups"),
                    }
                }
                Err(e) => tracing::error!(error = %e, "scheduled backup failed"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn names_say_when_and_only_ours_are_recognised() {
        let at = DateTime::parse_from_rfc3339("2026-12-05T17:35:01.123Z").unwrap().with_timezone(&Utc);
        let name = file_name(at, "db");
        assert_eq!(name, "homeplay-20261205T173501.123Z.db");
        assert_eq!(taken_at(&name, "db"), Some(at.naive_utc()));
        assert_eq!(taken_at(&name, "dump"), None);
        for other in ["homeplay.db", "homeplay-manual.db", ".homeplay-20261205T173501.123Z.db.partial", "notes.txt"] {
            assert_eq!(taken_at(other, "db"), None, "{other}");
        }
    }

    #[test]
    fn prune_keeps_the_newest_and_leaves_other_files_alone() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            "homeplay-20261201T000000.000Z.db",
            "homeplay-20261203T000000.000Z.db",
            "homeplay-20261202T000000.000Z.db",
            "homeplay-manual.db",
            "homeplay-20261204T000000.000Z.dump",
        ];
        for n in names {
            std::fs::write(dir.path().join(n), b"x").unwrap();
        }
        let deleted = prune("sqlite://x.db", dir.path(), 2).unwrap();
        assert_eq!(deleted, vec![dir.path().join(names[0])]);
        let mut left: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        left.sort();
        let mut expected = vec![names[1], names[2], names[3], names[4]];
        expected.sort_unstable();
        assert_eq!(left, expected);
    }
}
