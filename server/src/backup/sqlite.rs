//! SQLite: `VACUUM INTO` reads one snapshot of the database, WAL included, while writers carry on; restoring
//! copies the file into place.

use super::{BackupError, BackupResult, FEED_GAP, new_epoch};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn options(url: &str) -> BackupResult<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str(url)?)
}

/// SQLite quotes a string literal by doubling its single quotes.
fn literal(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "''"))
}

pub(super) async fn backup(url: &str, into: &Path) -> BackupResult<()> {
    // Never create a database where none is: a wrong path is an error, not an empty backup.
    let mut conn = options(url)?.create_if_missing(false).connect().await?;
    sqlx::query(&format!("VACUUM INTO {}", literal(into))).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

fn size(path: &Path) -> BackupResult<u64> {
    match std::fs::metadata(path) {
        Ok(m) => Ok(m.len()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(source) => Err(BackupError::Io { path: path.to_owned(), error: source }),
    }
}

fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

pub(super) async fn restore(url: &str, from: &Path) -> BackupResult<()> {
    let opts = options(url)?;
    let target = opts.get_filename().to_owned();
    let shown = target.display().to_string();
    if size(&target)? > 0 || size(&beside(&target, "-wal"))? > 0 {
        let mut conn = opts.clone().read_only(true).connect().await?;
        let clinics: Option<i64> = sqlx::query_scalar("SELECT COUNT(*) FROM clinics").fetch_one(&mut conn).await.ok();
        conn.close().await?;
        return Err(match clinics {
            Some(n) if n > 0 => BackupError::HoldsClinic(shown),
            _ => BackupError::NotEmpty(shown),
        });
    }
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| BackupError::Io { path: parent.to_owned(), error: source })?;
    }
    // Copied beside the target and checked there, then renamed: a half-copied file never sits where a server
    // would open it.
    let partial = beside(&target, ".restoring");
    let io = |path: &Path| {
        let path = path.to_owned();
        move |error| BackupError::Io { path, error }
    };
    std::fs::copy(from, &partial).map_err(io(&partial))?;
    let checked = check_and_renumber(&partial).await;
    if let Err(e) = checked {
        let _ = std::fs::remove_file(&partial);
        return Err(match e {
            BackupError::Db(db) => BackupError::NotABackup { path: from.to_owned(), reason: db.to_string() },
            other => other,
        });
    }
    for stale in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(beside(&target, stale));
    }
    std::fs::File::open(&partial).and_then(|f| f.sync_all()).map_err(io(&partial))?;
    std::fs::rename(&partial, &target).map_err(io(&target))?;
    Ok(())
}

/// Checks the copy is a sound homeplay database, moves every family's feed past the lost server's cursors and
/// gives it a new epoch (a backup older than epochs gets its first from the migrations, when served).
async fn check_and_renumber(path: &Path) -> BackupResult<()> {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .journal_mode(SqliteJournalMode::Delete)
        .connect()
        .await?;
    let check: String = sqlx::query_scalar("PRAGMA quick_check").fetch_one(&mut conn).await?;
    if check != "ok" {
        return Err(BackupError::NotABackup { path: path.to_owned(), reason: format!("quick_check: {check}") });
    }
    let mut tx = conn.begin().await?;
    sqlx::query("UPDATE families SET feed_seq = feed_seq + $1").bind(FEED_GAP).execute(&mut *tx).await?;
    let has_epoch: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'server_epoch')",
    )
    .fetch_one(&mut *tx)
    .await?;
    if has_epoch {
        sqlx::query("UPDATE server_epoch SET epoch = $1").bind(new_epoch()?).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    conn.close().await?;
    Ok(())
}
