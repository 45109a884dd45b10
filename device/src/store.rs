//! The device's SQLite database: WAL, fsync on every commit, migrations with a schema version.

use crate::Pairing;
use crate::error::{DeviceError, Result};
use homeplay_core::clinic::FamilyClinicSettings;
use homeplay_core::goal::GoalCheckIn;
use homeplay_core::hlc::Hlc;
use homeplay_core::ids::{ChildId, DeviceId, LogId};
use homeplay_core::log::{CompletionLog, merge};
use homeplay_core::sync::Change;
use homeplay_core::text::Name;
use serde::de::DeserializeOwned;
use sqlx::query::Query;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use std::path::Path;
use std::time::Duration;

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub(crate) struct Db {
    pub(crate) pool: SqlitePool,
}

pub(crate) fn parse<T: DeserializeOwned>(doc: &str) -> Result<T> {
    serde_json::from_str(doc).map_err(DeviceError::from)
}

/// The pairing from its three settings; `None` until all three are there.
pub(crate) fn pairing_of(
    url: Option<String>,
    device: Option<String>,
    clinic: Option<String>,
) -> Result<Option<Pairing>> {
    let (Some(url), Some(device), Some(clinic)) = (url, device, clinic) else {
        return Ok(None);
    };
    let device_id: DeviceId = device.parse().map_err(|_| DeviceError::NotFound("device id"))?;
    Ok(Some(Pairing { server_url: url, device_id, clinic_name: clinic }))
}

/// `sql` with the `logs` columns of `log` bound as ?1–?6: id, child_id, occ_date, hlc_wall, hlc_counter, doc.
pub(crate) fn log_row<'q>(sql: &'q str, log: &CompletionLog) -> Result<Query<'q, Sqlite, SqliteArguments<'q>>> {
    Ok(sqlx::query(sql)
        .bind(log.id.to_string())
        .bind(log.child_id.to_string())
        .bind(log.occurrence.date.to_string())
        .bind(i64::try_from(log.hlc.wall_ms).unwrap_or(i64::MAX))
        .bind(i64::from(log.hlc.counter))
        .bind(serde_json::to_string(log)?))
}

/// Every pulled record of one entity, on the pool or on one connection (the tick's, inside its transaction).
pub(crate) async fn records_in<'e, T: DeserializeOwned>(
    on: impl sqlx::SqliteExecutor<'e>,
    entity: &str,
) -> Result<Vec<T>> {
    let docs: Vec<String> =
        sqlx::query_scalar("SELECT doc FROM records WHERE entity = ?1 ORDER BY id").bind(entity).fetch_all(on).await?;
    docs.iter().map(|d| parse(d)).collect()
}

pub(crate) async fn record_in<'e, T: DeserializeOwned>(
    on: impl sqlx::SqliteExecutor<'e>,
    entity: &str,
    id: &str,
) -> Result<Option<T>> {
    let doc: Option<String> = sqlx::query_scalar("SELECT doc FROM records WHERE entity = ?1 AND id = ?2")
        .bind(entity)
        .bind(id)
        .fetch_optional(on)
        .await?;
    doc.map(|d| parse(&d)).transpose()
}

/// The caregiver chosen on this device, from its setting (a name no longer valid counts as none).
pub(crate) fn caregiver_of(setting: Option<String>) -> Option<Name> {
    setting.and_then(|n| Name::new(n).ok())
}

/// One setting, on the pool or on one connection.
pub(crate) async fn setting_in<'e>(on: impl sqlx::SqliteExecutor<'e>, key: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = ?1").bind(key).fetch_optional(on).await?)
}

/// Sets one setting, on the pool or on one connection (in a transaction with what it belongs to).
pub(crate) async fn put_setting_in<'e>(on: impl sqlx::SqliteExecutor<'e>, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(on)
    .await?;
    Ok(())
}

impl Db {
    /// How every connection to the device's file is made (the pool's and the tick's own).
    pub(crate) fn options(path: &Path) -> SqliteConnectOptions {
        SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk before `record` returns, so a crash or power cut loses no tick.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(15))
            .foreign_keys(true)
    }

    pub async fn open(path: &Path) -> Result<Self> {
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(Self::options(path)).await?;
        let migrated = match Self::refuse_newer(&pool).await {
            Ok(()) => MIGRATOR.run(&pool).await.map_err(DeviceError::from),
            Err(e) => Err(e),
        };
        if let Err(e) = migrated {
            pool.close().await;
            return Err(e);
        }
        Ok(Self { pool })
    }

    /// The newest schema version this build knows.
    pub fn known_version() -> i64 {
        MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// A database a newer app has upgraded is left as it is: migrating it "back" is impossible, and reading
    /// it with this app's queries could misread or damage what the newer app stored.
    async fn refuse_newer(pool: &SqlitePool) -> Result<()> {
        let has_table: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
        )
        .fetch_one(pool)
        .await?;
        if !has_table {
            return Ok(());
        }
        let found: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(pool).await?;
        let known = Self::known_version();
        match found {
            Some(found) if found > known => Err(DeviceError::DatabaseTooNew { found, known }),
            _ => Ok(()),
        }
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
        setting_in(&self.pool, key).await
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        put_setting_in(&self.pool, key, value).await
    }

    /// The clinic's pain-advice threshold and contact text as last pulled; the defaults before the first pull
    /// (or from a server that does not send them).
    pub async fn clinic_settings(&self) -> Result<FamilyClinicSettings> {
        let saved = self.setting("clinic_settings").await?;
        Ok(saved.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default())
    }

    pub async fn save_clinic_settings(&self, clinic: &FamilyClinicSettings) -> Result<()> {
        let json = serde_json::to_string(clinic)?;
        self.set_setting("clinic_settings", &json).await
    }

    pub async fn caregiver(&self) -> Result<Option<Name>> {
        Ok(caregiver_of(self.setting("caregiver").await?))
    }

    pub async fn pairing(&self) -> Result<Option<Pairing>> {
        pairing_of(
            self.setting("server_url").await?,
            self.setting("device_id").await?,
            self.setting("clinic_name").await?,
        )
    }

    pub async fn save_pairing(&self, pairing: &Pairing) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for (k, v) in [
            ("server_url", pairing.server_url.clone()),
            ("device_id", pairing.device_id.to_string()),
            ("clinic_name", pairing.clinic_name.clone()),
        ] {
            put_setting_in(&mut *tx, k, &v).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn forget_everything(&self) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for table in ["settings", "records", "logs", "outbox", "media", "sync_attempts", "messages", "thread_reads"] {
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
        log_row(
            "INSERT INTO logs (id, child_id, occ_date, hlc_wall, hlc_counter, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO UPDATE SET hlc_wall = excluded.hlc_wall, hlc_counter = excluded.hlc_counter,
               doc = excluded.doc",
            log,
        )?
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// A version made on this device: stored and queued for the server, in one durable transaction.
    pub async fn save_local(&self, log: &CompletionLog) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        Self::queue(&mut tx, log).await?;
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

    /// The caregivers' names on the family's logs (every device's), oldest log first; kid mode is no name.
    pub async fn caregiver_names_on_logs(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT name FROM (SELECT json_extract(doc, '$.recorded_by.name') AS name, MIN(id) AS first FROM logs \
             WHERE json_extract(doc, '$.recorded_by.kind') = 'caregiver' GROUP BY name) ORDER BY first",
        )
        .fetch_all(&self.pool)
        .await?)
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

    /// Applies a page of pulled changes and its cursor in one transaction, so a crash repeats at most a page.
    pub async fn apply_page(&self, changes: &[Change], cursor: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        put_setting_in(&mut *tx, "cursor", cursor).await?;
        for change in changes {
            let (entity, id) = change.key();
            match change {
                Change::Log(remote) => {
                    let local: Option<String> = sqlx::query_scalar("SELECT doc FROM logs WHERE id = ?1")
                        .bind(&id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let local: Option<CompletionLog> = local.map(|doc| parse(&doc)).transpose()?;
                    let merged = match &local {
                        Some(local) => {
                            merge(local.clone(), remote.clone()).map_err(|_| DeviceError::NotFound("log"))?
                        }
                        None => remote.clone(),
                    };
                    if local.as_ref() != Some(&merged) {
                        Self::put_log(&mut tx, &merged).await?;
                    }
                    // The server has the merged version when it is the one pulled. Then an older local version
                    // no longer needs sending, nor one with the same stamp: that is either this very version
                    // (its ack was lost) or one that lost the tie on its device id.
                    let server_has_it = merged == *remote;
                    sqlx::query(
                        "DELETE FROM outbox WHERE kind = 'logs' AND id = ?1
                         AND (hlc_wall < ?2 OR (hlc_wall = ?2 AND (hlc_counter < ?3 OR (hlc_counter = ?3 AND ?4))))",
                    )
                    .bind(&id)
                    .bind(i64::try_from(merged.hlc.wall_ms).unwrap_or(i64::MAX))
                    .bind(i64::from(merged.hlc.counter))
                    .bind(server_has_it)
                    .execute(&mut *tx)
                    .await?;
                }
                Change::Message(m) => {
                    Self::put_message(&mut tx, m).await?;
                    // Pulled, so the server has it: a copy still waiting here needs no sending.
                    sqlx::query("DELETE FROM outbox WHERE kind = 'messages' AND id = ?1")
                        .bind(&id)
                        .execute(&mut *tx)
                        .await?;
                }
                Change::ThreadRead(mark) => Self::put_thread_read(&mut tx, mark).await?,
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

    /// A check-in's new version, stored and queued for the server in one transaction. Check-ins live in
    /// `records` (entity `check_in`): the pull never sends that entity, so nothing pulled overwrites them.
    pub async fn save_check_in(&self, c: &GoalCheckIn) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        Self::queue(&mut tx, c).await?;
        sqlx::query(
            "INSERT INTO records (entity, id, doc) VALUES ('check_in', ?1, ?2)
             ON CONFLICT (entity, id) DO UPDATE SET doc = excluded.doc",
        )
        .bind(c.id.to_string())
        .bind(serde_json::to_string(c)?)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn records<T: DeserializeOwned>(&self, entity: &str) -> Result<Vec<T>> {
        records_in(&self.pool, entity).await
    }

    pub async fn record<T: DeserializeOwned>(&self, entity: &str, id: &str) -> Result<Option<T>> {
        record_in(&self.pool, entity, id).await
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::outbox::RejectedItem;
    use homeplay_core::ids::{AssignmentId, ExerciseId};
    use homeplay_core::log::{Occurrence, Outcome, Recorder};
    use homeplay_core::recorded::Accepted;
    use uuid::Uuid;

    async fn db() -> (Db, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("device.db")).await.unwrap();
        (db, dir)
    }

    fn device(n: u128) -> DeviceId {
        DeviceId(Uuid::from_u128(n))
    }

    fn version(id: LogId, wall_ms: u64, counter: u32, device_id: DeviceId, outcome: Outcome) -> CompletionLog {
        CompletionLog {
            id,
            child_id: ChildId(Uuid::from_u128(0xc1)),
            assignment_id: AssignmentId(Uuid::from_u128(0xa1)),
            exercise_id: ExerciseId::builtin("bear-walk"),
            occurrence: Occurrence { date: "2026-03-04".parse().unwrap(), slot: 0 },
            outcome,
            actual_reps: None,
            actual_seconds: None,
            difficulty: None,
            mood: None,
            pain: false,
            pain_score: None,
            note: None,
            recorded_by: Recorder::KidMode,
            device_id,
            hlc: Hlc::new(wall_ms, counter),
            undone: false,
        }
    }

    fn pending_ids(p: &[CompletionLog]) -> Vec<(LogId, Hlc)> {
        p.iter().map(|l| (l.id, l.hlc)).collect()
    }

    fn acks(versions: &[(LogId, Hlc)]) -> Vec<Accepted<LogId>> {
        versions.iter().map(|&(id, hlc)| Accepted { id, hlc }).collect()
    }

    #[tokio::test]
    async fn a_fresh_database_is_at_the_latest_version_and_sound() {
        let (db, _dir) = db().await;
        assert_eq!(db.schema_version().await.unwrap(), 4);
        assert_eq!(Db::known_version(), 4);
        assert!(db.integrity_ok().await.unwrap());
        assert_eq!(db.outbox_counts().await.unwrap(), (0, 0));
        assert!(db.pairing().await.unwrap().is_none());
    }

    #[tokio::test]
    async fn local_versions_keep_one_row_per_log_and_queue_the_newest() {
        let (db, _dir) = db().await;
        let id = LogId::new_v7();
        let first = version(id, 1_000, 0, device(1), Outcome::Done);
        let edit = version(id, 2_000, 0, device(1), Outcome::Partly);
        let undo = CompletionLog { undone: true, hlc: Hlc::new(2_000, 1), ..edit.clone() };
        for v in [&first, &edit, &undo] {
            db.save_local(v).await.unwrap();
        }
        let other = version(LogId::new_v7(), 1_500, 0, device(1), Outcome::Done);
        db.save_local(&other).await.unwrap();

        assert_eq!(db.all_logs().await.unwrap().len(), 2, "one row per log id");
        assert_eq!(db.log(id).await.unwrap(), Some(undo.clone()));
        assert_eq!(db.outbox_counts().await.unwrap(), (2, 0), "one outbox entry per log");
        // Oldest first, each log in its newest version only.
        assert_eq!(
            pending_ids(&db.pending::<CompletionLog>(10).await.unwrap()),
            vec![(other.id, other.hlc), (id, undo.hlc)]
        );
        assert_eq!(pending_ids(&db.pending::<CompletionLog>(1).await.unwrap()), vec![(other.id, other.hlc)]);
        assert_eq!(db.last_hlc().await.unwrap(), Hlc::new(2_000, 1));
        assert_eq!(
            db.logs_of_child(first.child_id, "2026-03-04", "2026-03-04").await.unwrap().len(),
            2,
            "both logs are the child's that day"
        );
        assert!(db.logs_of_child(first.child_id, "2026-03-05", "2026-03-09").await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_ack_removes_only_the_version_it_names() {
        let (db, _dir) = db().await;
        let id = LogId::new_v7();
        let sent = version(id, 1_000, 0, device(1), Outcome::Done);
        db.save_local(&sent).await.unwrap();
        // An edit made while the push was on its way: the ack of the sent version must not drop it.
        let newer = version(id, 1_000, 1, device(1), Outcome::Partly);
        db.save_local(&newer).await.unwrap();
        db.acked::<CompletionLog>(&acks(&[(id, sent.hlc), (LogId::new_v7(), Hlc::new(5, 0))])).await.unwrap();
        assert_eq!(pending_ids(&db.pending::<CompletionLog>(10).await.unwrap()), vec![(id, newer.hlc)]);
        assert_eq!(db.outbox_counts().await.unwrap(), (1, 0));
        // The same wall time with another counter is another version, too.
        db.acked::<CompletionLog>(&acks(&[(id, Hlc::new(1_000, 2))])).await.unwrap();
        assert_eq!(db.outbox_counts().await.unwrap(), (1, 0));
        db.acked::<CompletionLog>(&acks(&[(id, newer.hlc)])).await.unwrap();
        assert_eq!(db.outbox_counts().await.unwrap(), (0, 0));
        assert!(db.pending::<CompletionLog>(10).await.unwrap().is_empty());
        assert_eq!(db.log(id).await.unwrap(), Some(newer), "an ack never removes the log itself");
    }

    #[tokio::test]
    async fn a_rejected_version_is_kept_for_the_family_and_an_edit_queues_it_again() {
        let (db, _dir) = db().await;
        let id = LogId::new_v7();
        db.save_local(&version(id, 1_000, 0, device(1), Outcome::Done)).await.unwrap();
        // A rejection of an older version does not touch the queued one.
        db.refused::<CompletionLog>(id, Hlc::new(999, 0), "unknown_assignment", None, "stale").await.unwrap();
        assert_eq!(db.outbox_counts().await.unwrap(), (1, 0));
        db.refused::<CompletionLog>(
            id,
            Hlc::new(1_000, 0),
            "unknown_assignment",
            Some("assignment_id"),
            "not part of the program",
        )
        .await
        .unwrap();
        assert_eq!(db.outbox_counts().await.unwrap(), (0, 1));
        assert!(db.pending::<CompletionLog>(10).await.unwrap().is_empty(), "a rejection is final: not resent as it is");
        assert_eq!(
            db.rejected().await.unwrap(),
            vec![RejectedItem {
                kind: "logs".into(),
                id: id.to_string(),
                reason: "unknown_assignment".into(),
                field: Some("assignment_id".into()),
                message: "not part of the program".into(),
            }]
        );
        db.save_local(&version(id, 2_000, 0, device(1), Outcome::Partly)).await.unwrap();
        assert_eq!(db.outbox_counts().await.unwrap(), (1, 0));
        assert!(db.rejected().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_pulled_log_merges_by_the_core_rule_and_supersedes_only_older_local_versions() {
        let (db, _dir) = db().await;
        let (me, other) = (device(5), device(9));

        // Remote newer than the queued local version: the remote wins and ours need not be sent.
        let a = LogId::new_v7();
        db.save_local(&version(a, 1_000, 0, me, Outcome::Done)).await.unwrap();
        let a_remote = version(a, 2_000, 0, other, Outcome::Partly);
        // Remote older than the queued local version: ours stays, and stays queued.
        let b = LogId::new_v7();
        let b_local = version(b, 3_000, 0, me, Outcome::Done);
        db.save_local(&b_local).await.unwrap();
        let b_remote = version(b, 2_500, 4, other, Outcome::Partly);
        // Same stamp: the greater device id wins (the tie rule), for the stored row and for the outbox.
        let c = LogId::new_v7();
        let c_local = version(c, 4_000, 0, me, Outcome::Done);
        db.save_local(&c_local).await.unwrap();
        let c_remote = version(c, 4_000, 0, other, Outcome::Partly);
        // Unknown locally: simply stored, nothing queued.
        let d_remote = version(LogId::new_v7(), 500, 0, other, Outcome::Done);
        // Our own queued version, back from the server (the push's answer was lost): no need to send it again.
        let e = LogId::new_v7();
        let e_local = version(e, 6_000, 0, me, Outcome::Done);
        db.save_local(&e_local).await.unwrap();

        let page: Vec<Change> =
            [&a_remote, &b_remote, &c_remote, &d_remote, &e_local].map(|l| Change::Log(l.clone())).into();
        db.apply_page(&page, "v1.0000000000000004").await.unwrap();
        assert_eq!(db.setting("cursor").await.unwrap().as_deref(), Some("v1.0000000000000004"));

        let expect = |local: Option<&CompletionLog>, remote: &CompletionLog| match local {
            Some(l) => merge(l.clone(), remote.clone()).unwrap(),
            None => remote.clone(),
        };
        assert_eq!(db.log(a).await.unwrap().unwrap(), a_remote);
        assert_eq!(db.log(b).await.unwrap().unwrap(), b_local);
        assert_eq!(db.log(c).await.unwrap().unwrap(), expect(Some(&c_local), &c_remote));
        assert_eq!(db.log(c).await.unwrap().unwrap(), c_remote, "device 9 > device 5");
        assert_eq!(db.log(d_remote.id).await.unwrap().unwrap(), d_remote);
        let queued: Vec<LogId> =
            pending_ids(&db.pending::<CompletionLog>(10).await.unwrap()).into_iter().map(|(id, _)| id).collect();
        assert!(!queued.contains(&a), "superseded by a newer remote version");
        assert!(queued.contains(&b), "the newer local edit stays queued");
        assert!(!queued.contains(&c), "superseded by a version with the same stamp that wins the tie");
        assert!(!queued.contains(&d_remote.id));
        assert!(!queued.contains(&e), "the server has this very version");
        assert_eq!(queued, vec![b]);
        assert_eq!(db.log(e).await.unwrap().unwrap(), e_local);
        assert_eq!(db.all_logs().await.unwrap().len(), 5);

        // Applying the page again changes nothing.
        let before = db.all_logs().await.unwrap();
        let counts = db.outbox_counts().await.unwrap();
        db.apply_page(&page, "v1.0000000000000004").await.unwrap();
        assert_eq!(db.all_logs().await.unwrap(), before);
        assert_eq!(db.outbox_counts().await.unwrap(), counts);
    }

    #[tokio::test]
    async fn pulled_versions_in_any_order_end_as_the_merge_of_all() {
        let (db, _dir) = db().await;
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..20 {
            let id = LogId::new_v7();
            let versions: Vec<CompletionLog> = (0..6)
                .map(|_| {
                    let outcome = if rng.bool() { Outcome::Done } else { Outcome::Partly };
                    version(id, rng.u64(1..4), rng.u32(0..2), device(rng.u128(1..4)), outcome)
                })
                .collect();
            let winner = versions.iter().cloned().reduce(|a, b| merge(a, b).unwrap()).unwrap();
            let mut order = versions.clone();
            rng.shuffle(&mut order);
            // Some one at a time, some in one page, with repeats.
            for chunk in order.chunks(rng.usize(1..4)) {
                let page: Vec<Change> = chunk.iter().map(|l| Change::Log(l.clone())).collect();
                db.apply_page(&page, "v1.01").await.unwrap();
            }
            db.apply_page(&[Change::Log(versions[0].clone())], "v1.02").await.unwrap();
            assert_eq!(db.log(id).await.unwrap().unwrap(), winner);
        }
    }

    #[tokio::test]
    async fn records_are_replaced_and_removed_by_id() {
        let (db, _dir) = db().await;
        let child = |name: &str| -> Change {
            serde_json::from_value(serde_json::json!({"type": "child", "data": {
                "id": "01936f4e-0000-7000-8000-0000000c0001",
                "family_id": "01936f4e-0000-7000-8000-00000000f001",
                "display_name": name, "time_zone": "Europe/London"
            }}))
            .unwrap()
        };
        db.apply_page(&[child("Leo"), child("Leo B.")], "v1.02").await.unwrap();
        let children: Vec<homeplay_core::family::Child> = db.records("child").await.unwrap();
        assert_eq!(children.len(), 1);
        assert_eq!(children[0].display_name.as_str(), "Leo B.", "the last version of a record wins");
        let removed: Change = serde_json::from_value(serde_json::json!({"type": "removed", "data": {
            "entity": "child", "id": "01936f4e-0000-7000-8000-0000000c0001"
        }}))
        .unwrap();
        db.apply_page(&[removed], "v1.03").await.unwrap();
        assert!(db.records::<homeplay_core::family::Child>("child").await.unwrap().is_empty());
        assert_eq!(db.setting("cursor").await.unwrap().as_deref(), Some("v1.03"));
    }

    #[tokio::test]
    async fn the_clock_resumes_after_every_stamp_made_or_seen() {
        let (db, _dir) = db().await;
        assert_eq!(db.last_hlc().await.unwrap(), Hlc::default());
        db.save_local(&version(LogId::new_v7(), 1_000, 3, device(1), Outcome::Done)).await.unwrap();
        assert_eq!(db.last_hlc().await.unwrap(), Hlc::new(1_000, 3));
        db.remember_observed(Hlc::new(5_000, 1)).await.unwrap();
        db.remember_observed(Hlc::new(4_000, 9)).await.unwrap();
        assert_eq!(db.last_hlc().await.unwrap(), Hlc::new(5_000, 1), "an older observation never lowers it");
    }

    #[tokio::test]
    async fn a_database_from_a_newer_app_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.db");
        {
            let db = Db::open(&path).await.unwrap();
            db.set_setting("device_id", "kept").await.unwrap();
            sqlx::query(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                 VALUES (99, 'from the future', 1, x'00', 0)",
            )
            .execute(&db.pool)
            .await
            .unwrap();
            db.pool.close().await;
        }
        let err = Db::open(&path).await.unwrap_err();
        assert!(matches!(err, DeviceError::DatabaseTooNew { found: 99, known: 4 }), "{err:?}");
        assert!(err.to_string().contains("newer version"), "{err}");
        // Nothing was changed: the same rows are there, and it still refuses.
        let pool = SqlitePool::connect_with(SqliteConnectOptions::new().filename(&path)).await.unwrap();
        let versions: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version").fetch_all(&pool).await.unwrap();
        assert_eq!(versions, vec![1, 2, 3, 4, 99]);
        let kept: String =
            sqlx::query_scalar("SELECT value FROM settings WHERE key = 'device_id'").fetch_one(&pool).await.unwrap();
        assert_eq!(kept, "kept");
        pool.close().await;
        assert!(matches!(Db::open(&path).await, Err(DeviceError::DatabaseTooNew { .. })));
    }

    #[tokio::test]
    async fn sync_attempts_keep_a_short_history_with_the_latest_last() {
        let (db, _dir) = db().await;
        assert!(db.last_attempt().await.unwrap().is_none());
        for i in 0..80 {
            db.note_attempt(i, if i % 2 == 0 { "ok" } else { "offline" }, &format!("attempt {i}")).await.unwrap();
        }
        assert_eq!(db.last_attempt().await.unwrap(), Some((79, "offline".into(), "attempt 79".into())));
        let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sync_attempts").fetch_one(&db.pool).await.unwrap();
        assert!(kept <= 51, "{kept}");
    }
}
