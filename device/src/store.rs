//! The device's SQLite database: WAL, fsync on every commit, migrations with a schema version.

use crate::Pairing;
use crate::error::{DeviceError, Result};
use homeplay_core::assignment::Assignment;
use homeplay_core::hlc::Hlc;
use homeplay_core::ids::{AssignmentId, ChildId, DeviceId, LogId};
use homeplay_core::log::{CompletionLog, merge};
use homeplay_core::sync::Change;
use homeplay_core::text::Name;
use serde::de::DeserializeOwned;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, Sqlite, Transaction};
use std::path::Path;
use std::time::Duration;

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub(crate) struct Db {
    pool: SqlitePool,
}

fn parse<T: DeserializeOwned>(doc: &str) -> Result<T> {
    serde_json::from_str(doc).map_err(DeviceError::from)
}

/// An outbox entry ready to push: the log's current version.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub log: CompletionLog,
}

/// A log the server refused, kept for the family to see.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RejectedLog {
    pub log_id: LogId,
    pub reason: String,
    pub field: Option<String>,
    pub message: String,
}

impl Db {
    pub async fn open(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk before `record` returns, so a crash or power cut loses no tick.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(15))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    pub async fn schema_version(&self) -> Result<i64> {
        let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(v.unwrap_or(0))
    }

    pub async fn integrity_ok(&self) -> Result<bool> {
        let result: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&self.pool).await?;
        Ok(result == "ok")
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = ?1").bind(key).fetch_optional(&self.pool).await?)
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn caregiver(&self) -> Result<Option<Name>> {
        Ok(self.setting("caregiver").await?.and_then(|n| Name::new(n).ok()))
    }

    pub async fn pairing(&self) -> Result<Option<Pairing>> {
        let (Some(url), Some(device), Some(clinic)) =
            (self.setting("server_url").await?, self.setting("device_id").await?, self.setting("clinic_name").await?)
        else {
            return Ok(None);
        };
        let device_id: DeviceId = device.parse().map_err(|_| DeviceError::NotFound("device id"))?;
        Ok(Some(Pairing { server_url: url, device_id, clinic_name: clinic }))
    }

    pub async fn save_pairing(&self, pairing: &Pairing) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for (k, v) in [
            ("server_url", pairing.server_url.clone()),
            ("device_id", pairing.device_id.to_string()),
            ("clinic_name", pairing.clinic_name.clone()),
        ] {
            sqlx::query("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(k)
                .bind(v)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn forget_everything(&self) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for table in ["settings", "records", "logs", "outbox", "media", "sync_attempts"] {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The greatest clock stamp this device has made or seen, to resume its clock after a restart.
    pub async fn last_hlc(&self) -> Result<Hlc> {
        let row =
            sqlx::query("SELECT hlc_wall, hlc_counter FROM logs ORDER BY hlc_wall DESC, hlc_counter DESC LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
        let from_logs = match row {
            Some(r) => Hlc::new(
                u64::try_from(r.try_get::<i64, _>(0)?).unwrap_or(0),
                u32::try_from(r.try_get::<i64, _>(1)?).unwrap_or(0),
            ),
            None => Hlc::default(),
        };
        let observed: Option<Hlc> = self.setting("observed_hlc").await?.and_then(|s| serde_json::from_str(&s).ok());
        Ok(from_logs.max(observed.unwrap_or_default()))
    }

    pub async fn remember_observed(&self, hlc: Hlc) -> Result<()> {
        let current: Option<Hlc> = self.setting("observed_hlc").await?.and_then(|s| serde_json::from_str(&s).ok());
        if current.is_none_or(|c| hlc > c) {
            self.set_setting("observed_hlc", &serde_json::to_string(&hlc)?).await?;
        }
        Ok(())
    }

    async fn put_log(tx: &mut Transaction<'_, Sqlite>, log: &CompletionLog) -> Result<()> {
        sqlx::query(
            "INSERT INTO logs (id, child_id, occ_date, hlc_wall, hlc_counter, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO UPDATE SET hlc_wall = excluded.hlc_wall, hlc_counter = excluded.hlc_counter,
               doc = excluded.doc",
        )
        .bind(log.id.to_string())
        .bind(log.child_id.to_string())
        .bind(log.occurrence.date.to_string())
        .bind(i64::try_from(log.hlc.wall_ms).unwrap_or(i64::MAX))
        .bind(i64::from(log.hlc.counter))
        .bind(serde_json::to_string(log)?)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// A version made on this device: stored and queued for the server, in one durable transaction.
    pub async fn save_local(&self, log: &CompletionLog) -> Result<()> {
        // BEGIN IMMEDIATE semantics: the first statement writes, so the write lock is taken up front.
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO outbox (log_id, hlc_wall, hlc_counter) VALUES (?1, ?2, ?3)
             ON CONFLICT (log_id) DO UPDATE SET hlc_wall = excluded.hlc_wall, hlc_counter = excluded.hlc_counter,
               rejected_reason = NULL, rejected_message = NULL, rejected_field = NULL",
        )
        .bind(log.id.to_string())
        .bind(i64::try_from(log.hlc.wall_ms).unwrap_or(i64::MAX))
        .bind(i64::from(log.hlc.counter))
        .execute(&mut *tx)
        .await?;
        Self::put_log(&mut tx, log).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn log(&self, id: LogId) -> Result<Option<CompletionLog>> {
        let doc: Option<String> = sqlx::query_scalar("SELECT doc FROM logs WHERE id = ?1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        doc.map(|d| parse(&d)).transpose()
    }

    pub async fn all_logs(&self) -> Result<Vec<CompletionLog>> {
        let docs: Vec<String> =
            sqlx::query_scalar("SELECT doc FROM logs ORDER BY occ_date, id").fetch_all(&self.pool).await?;
        docs.iter().map(|d| parse(d)).collect()
    }

    pub async fn logs_of_child(&self, child: ChildId, from: &str, to: &str) -> Result<Vec<CompletionLog>> {
        let docs: Vec<String> =
            sqlx::query_scalar("SELECT doc FROM logs WHERE child_id = ?1 AND occ_date >= ?2 AND occ_date <= ?3")
                .bind(child.to_string())
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
        docs.iter().map(|d| parse(d)).collect()
    }

    /// `(waiting, rejected)` counts of the outbox.
    pub async fn outbox_counts(&self) -> Result<(u64, u64)> {
        let row = sqlx::query(
            "SELECT COUNT(*) FILTER (WHERE rejected_reason IS NULL), COUNT(*) FILTER (WHERE rejected_reason IS NOT NULL)
             FROM outbox",
        )
        .fetch_one(&self.pool)
        .await?;
        let waiting: i64 = row.try_get(0)?;
        let rejected: i64 = row.try_get(1)?;
        Ok((u64::try_from(waiting).unwrap_or(0), u64::try_from(rejected).unwrap_or(0)))
    }

    pub async fn rejected(&self) -> Result<Vec<RejectedLog>> {
        let rows = sqlx::query(
            "SELECT log_id, rejected_reason, rejected_field, rejected_message FROM outbox
             WHERE rejected_reason IS NOT NULL ORDER BY hlc_wall, hlc_counter",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get(0)?;
                Ok(RejectedLog {
                    log_id: id.parse().map_err(|_| DeviceError::NotFound("log id"))?,
                    reason: r.try_get(1)?,
                    field: r.try_get(2)?,
                    message: r.try_get::<Option<String>, _>(3)?.unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Up to `limit` waiting versions, oldest first.
    pub async fn pending(&self, limit: u32) -> Result<Vec<Pending>> {
        let docs: Vec<String> = sqlx::query_scalar(
            "SELECT l.doc FROM outbox o JOIN logs l ON l.id = o.log_id
             WHERE o.rejected_reason IS NULL ORDER BY o.hlc_wall, o.hlc_counter LIMIT ?1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        docs.iter().map(|d| Ok(Pending { log: parse(d)? })).collect()
    }

    /// The server has this version (or a newer one): drop it from the outbox, unless a newer local edit
    /// replaced it in the meantime.
    pub async fn acked(&self, acks: &[(LogId, Hlc)]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for (id, hlc) in acks {
            sqlx::query("DELETE FROM outbox WHERE log_id = ?1 AND hlc_wall = ?2 AND hlc_counter = ?3")
                .bind(id.to_string())
                .bind(i64::try_from(hlc.wall_ms).unwrap_or(i64::MAX))
                .bind(i64::from(hlc.counter))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn reject(&self, id: LogId, reason: &str, field: Option<&str>, message: &str) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET rejected_reason = ?2, rejected_field = ?3, rejected_message = ?4 WHERE log_id = ?1",
        )
        .bind(id.to_string())
        .bind(reason)
        .bind(field)
        .bind(message)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Applies a page of pulled changes and its cursor in one transaction, so a crash repeats at most a page.
    pub async fn apply_page(&self, changes: &[Change], cursor: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO settings (key, value) VALUES ('cursor', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(cursor)
            .execute(&mut *tx)
            .await?;
        for change in changes {
            let (entity, id) = change.key();
            match change {
                Change::Log(remote) => {
                    let local: Option<String> = sqlx::query_scalar("SELECT doc FROM logs WHERE id = ?1")
                        .bind(&id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let merged = match local {
                        Some(doc) => {
                            let local: CompletionLog = parse(&doc)?;
                            merge(local, remote.clone()).map_err(|_| DeviceError::NotFound("log"))?
                        }
                        None => remote.clone(),
                    };
                    Self::put_log(&mut tx, &merged).await?;
                    // A newer version from elsewhere supersedes ours: ours no longer needs sending.
                    sqlx::query("DELETE FROM outbox WHERE log_id = ?1 AND (hlc_wall < ?2 OR (hlc_wall = ?2 AND hlc_counter < ?3))")
                        .bind(&id)
                        .bind(i64::try_from(merged.hlc.wall_ms).unwrap_or(i64::MAX))
                        .bind(i64::from(merged.hlc.counter))
                        .execute(&mut *tx)
                        .await?;
                }
                Change::Removed(_) => {
                    sqlx::query("DELETE FROM records WHERE entity = ?1 AND id = ?2")
                        .bind(entity)
                        .bind(&id)
                        .execute(&mut *tx)
                        .await?;
                }
                other => {
                    let data = serde_json::to_value(other)?;
                    sqlx::query(
                        "INSERT INTO records (entity, id, doc) VALUES (?1, ?2, ?3)
                         ON CONFLICT (entity, id) DO UPDATE SET doc = excluded.doc",
                    )
                    .bind(entity)
                    .bind(&id)
                    .bind(serde_json::to_string(&data["data"])?)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn records<T: DeserializeOwned>(&self, entity: &str) -> Result<Vec<T>> {
        let docs: Vec<String> = sqlx::query_scalar("SELECT doc FROM records WHERE entity = ?1 ORDER BY id")
            .bind(entity)
            .fetch_all(&self.pool)
            .await?;
        docs.iter().map(|d| parse(d)).collect()
    }

    pub async fn record<T: DeserializeOwned>(&self, entity: &str, id: &str) -> Result<Option<T>> {
        let doc: Option<String> = sqlx::query_scalar("SELECT doc FROM records WHERE entity = ?1 AND id = ?2")
            .bind(entity)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        doc.map(|d| parse(&d)).transpose()
    }

    pub async fn assignment(&self, id: AssignmentId) -> Result<Option<Assignment>> {
        self.record("assignment", &id.to_string()).await
    }

    /// Media the program lists that are not downloaded yet.
    pub async fn missing_media(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT r.id FROM records r LEFT JOIN media m ON m.media = r.id WHERE r.entity = 'media' AND m.media IS NULL",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn put_media(&self, media: &str, content_type: &str, data: &[u8]) -> Result<()> {
        sqlx::query("INSERT INTO media (media, content_type, data) VALUES (?1, ?2, ?3) ON CONFLICT (media) DO NOTHING")
            .bind(media)
            .bind(content_type)
            .bind(data)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn media(&self, media: &str) -> Result<Option<(String, Vec<u8>)>> {
        let row = sqlx::query("SELECT content_type, data FROM media WHERE media = ?1")
            .bind(media)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
    }

    pub async fn note_attempt(&self, at_ms: i64, outcome: &str, detail: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO sync_attempts (at_ms, outcome, detail) VALUES (?1, ?2, ?3)")
            .bind(at_ms)
            .bind(outcome)
            .bind(detail)
            .execute(&mut *tx)
            .await?;
        // Keep a short history only.
        sqlx::query("DELETE FROM sync_attempts WHERE id <= (SELECT MAX(id) - 50 FROM sync_attempts)")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The last sync attempt: `(at_ms, outcome, detail)`.
    pub async fn last_attempt(&self) -> Result<Option<(i64, String, String)>> {
        let row = sqlx::query("SELECT at_ms, outcome, detail FROM sync_attempts ORDER BY id DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).transpose()
    }
}
