//! Upgrade: a device database made by an older version of the app (schema version 1, before `sync_attempts`
//! and `outbox.rejected_field`; version 2, when goal check-ins waited in `records` rather than the one outbox)
//! opens, migrates to the current version with its data intact, and syncs; a database from a newer app is
//! refused with a clear error and left as it was.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeDelta, Utc};
use homeplay_core::log::CompletionLog;
use homeplay_core::pairing::DeviceToken;
use homeplay_device::{DeviceError, FileTokenStore, SyncState, TokenStore};
use homeplay_tests::*;
use serde_json::Value;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool};
use std::path::Path;

/// The file the engine keeps its data in, inside its folder.
const DB_FILE: &str = "homeplay-device.db";

async fn connect(dir: &Path) -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(dir.join(DB_FILE))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    SqlitePool::connect_with(options).await.unwrap()
}

/// An empty database exactly as an older version of the app made it: its migrations only, applied by sqlx
/// from the same files, so `_sqlx_migrations` holds what the old app wrote (version, description, checksum).
async fn old_database(dir: &Path, migrations: &[&str]) -> SqlitePool {
    let sources = tempfile::tempdir().unwrap();
    for file in migrations {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../device/migrations").join(file),
            sources.path().join(file),
        )
        .unwrap();
    }
    let migrator = sqlx::migrate::Migrator::new(sources.path()).await.unwrap();
    assert_eq!(migrator.iter().count(), migrations.len());
    let pool = connect(dir).await;
    migrator.run(&pool).await.unwrap();
    pool
}

/// The migrations of version 1 of the app.
const V1: &[&str] = &["0001_init.sql"];

/// An empty database exactly as version 1 of the app made it.
async fn v1_database(dir: &Path) -> SqlitePool {
    let pool = old_database(dir, V1).await;
    assert_v1_shape(&pool).await;
    pool
}

/// It really is the old shape.
async fn assert_v1_shape(pool: &SqlitePool) {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(tables, ["_sqlx_migrations", "logs", "media", "outbox", "records", "settings"]);
    assert!(!outbox_columns(pool).await.contains(&"rejected_field".to_owned()));
}

async fn outbox_columns(pool: &SqlitePool) -> Vec<String> {
    sqlx::query_scalar("SELECT name FROM pragma_table_info('outbox')").fetch_all(pool).await.unwrap()
}

async fn exec(pool: &SqlitePool, sql: &str, binds: &[&str]) {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.execute(pool).await.unwrap();
}

/// A device paired with `p`'s family under an older app: its database made by `migrations`, holding the
/// pairing and a first pull as the old apps stored them (settings, and every pulled record but logs in
/// `records`).
struct OldDevice {
    device: DeviceClient,
    dir: tempfile::TempDir,
    pool: SqlitePool,
    changes: Vec<Value>,
    records: usize,
}

impl OldDevice {
    async fn pair(server: &TestServer, p: &Program, migrations: &[&str]) -> Self {
        let code = p.maya.pairing_code(&p.child_id).await;
        let device = DeviceClient::pair(server, &code, "Old laptop").await;
        let dir = tempfile::tempdir().unwrap();
        let pool = old_database(dir.path(), migrations).await;
        let (changes, cursor) = device.pull_all(None).await;
        for (k, v) in [
            ("server_url", server.base.as_str()),
            ("device_id", device.device_id.as_str()),
            ("clinic_name", "Riverside"),
            ("caregiver", "Grandma"),
            ("cursor", cursor.as_deref().unwrap()),
        ] {
            exec(&pool, "INSERT INTO settings (key, value) VALUES (?1, ?2)", &[k, v]).await;
        }
        let mut records = 0;
        for change in &changes {
            let kind = change["type"].as_str().unwrap();
            let key = if kind == "media" { &change["data"]["media"] } else { &change["data"]["id"] };
            if kind != "log" && kind != "removed" {
                let doc = change["data"].to_string();
                exec(
                    &pool,
                    "INSERT OR REPLACE INTO records (entity, id, doc) VALUES (?1, ?2, ?3)",
                    &[kind, key.as_str().unwrap(), &doc],
                )
                .await;
                records += 1;
            }
        }
        Self { device, dir, pool, changes, records }
    }

    /// A log of yesterday for `assignment`, queued in the outbox as version 1 stored it.
    async fn log(&self, p: &Program, assignment: &str, wall: u64, rejected: Option<(&str, &str)>) -> CompletionLog {
        let yesterday = (Utc::now() - TimeDelta::days(1)).date_naive().to_string();
        let json = log_json(&p.child_id, assignment, &p.exercise_id, &yesterday, &self.device.device_id, wall);
        v1_log(&self.pool, &json, rejected).await
    }

    /// The current app opens the database, with the device's token where it keeps it: migrated and sound.
    async fn open_migrated(self) -> (homeplay_device::Engine, tempfile::TempDir) {
        self.pool.close().await;
        let token = DeviceToken::parse(&self.device.token).unwrap();
        FileTokenStore::new(self.dir.path().join("device-token")).save(&token).unwrap();
        let engine = homeplay_tests::open_engine(self.dir.path()).await.unwrap();
        assert_eq!(engine.schema_version().await.unwrap(), 4);
        assert!(engine.integrity_ok().await.unwrap());
        (engine, self.dir)
    }
}

/// Writes a log as version 1 stored it, queued in the outbox (rejected with a reason and message if given).
async fn v1_log(pool: &SqlitePool, log: &Value, rejected: Option<(&str, &str)>) -> CompletionLog {
    let parsed: CompletionLog = serde_json::from_value(log.clone()).unwrap();
    sqlx::query(
        "INSERT INTO logs (id, child_id, occ_date, hlc_wall, hlc_counter, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(parsed.id.to_string())
    .bind(parsed.child_id.to_string())
    .bind(parsed.occurrence.date.to_string())
    .bind(i64::try_from(parsed.hlc.wall_ms).unwrap())
    .bind(i64::from(parsed.hlc.counter))
    .bind(log.to_string())
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO outbox (log_id, hlc_wall, hlc_counter, rejected_reason, rejected_message) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(parsed.id.to_string())
    .bind(i64::try_from(parsed.hlc.wall_ms).unwrap())
    .bind(i64::from(parsed.hlc.counter))
    .bind(rejected.map(|r| r.0))
    .bind(rejected.map(|r| r.1))
    .execute(pool)
    .await
    .unwrap();
    parsed
}

/// A device paired under version 1 of the app, with the family's program pulled, one log waiting and one
/// rejected, upgrades to the current version and carries on: its data is intact and the waiting log syncs.
#[tokio::test]
async fn a_version_1_device_database_migrates_and_keeps_working() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let server = TestServer::start(&db);
        let start = (Utc::now() - TimeDelta::days(7)).date_naive();
        let p = program(&db, &server, &start.to_string()).await;

        // Pair and pull as the old app did, storing it all in the version 1 layout.
        let old = OldDevice::pair(&server, &p, V1).await;
        assert_v1_shape(&old.pool).await;
        assert!(old.records >= 3, "{backend:?}: family, child and assignment at least: {:#?}", old.changes);
        let wall = hlc_now() - 60_000;
        let waiting = old.log(&p, &p.assignment_id, wall, None).await;
        let bogus = uuid::Uuid::now_v7().to_string();
        let refused = old
            .log(
                &p,
                &bogus,
                wall + 1,
                Some(("unknown_assignment", "this assignment is not part of the child's program")),
            )
            .await;
        let device_id = old.device.device_id.clone();

        // The new app opens it: migrated, intact.
        let (engine, dir) = old.open_migrated().await;
        assert_eq!(engine.pairing().await.unwrap().unwrap().device_id.to_string(), device_id);
        assert_eq!(engine.caregiver().await.unwrap().unwrap().as_str(), "Grandma");
        assert_eq!(engine.log(waiting.id).await.unwrap(), Some(waiting.clone()), "{backend:?}");
        assert_eq!(engine.log(refused.id).await.unwrap(), Some(refused.clone()));
        assert_eq!(engine.all_logs().await.unwrap().len(), 2);
        let today = engine.today(Utc::now()).await.unwrap();
        assert_eq!(today.len(), 1, "{backend:?}");
        assert_eq!(today[0].groups.len(), 2, "{backend:?}: the program reads as before");
        // The new column and table work: the rejection shows (with no field, which version 1 did not keep).
        match engine.status().await.unwrap() {
            SyncState::NeedsAttention { waiting: 1, rejected, .. } => {
                assert_eq!(rejected.len(), 1, "{backend:?}");
                assert_eq!((rejected[0].kind.as_str(), rejected[0].id.clone()), ("logs", refused.id.to_string()));
                assert_eq!(rejected[0].reason, "unknown_assignment");
                assert_eq!(rejected[0].field, None);
                assert_eq!(rejected[0].message, "this assignment is not part of the child's program");
            }
            other => panic!("{backend:?}: expected needs attention, got {other:?}"),
        }

        // It syncs: the waiting log reaches the clinic, the rejected one stays for the family.
        let report = engine.sync_once().await.unwrap();
        assert_eq!(report.pushed, 1, "{backend:?}");
        let tick = engine.record(homeplay_device::Tick {
            child_id: waiting.child_id,
            assignment_id: waiting.assignment_id,
            exercise_id: waiting.exercise_id,
            occurrence: homeplay_core::log::Occurrence { slot: 1, ..waiting.occurrence },
            outcome: homeplay_core::log::Outcome::Partly,
            details: homeplay_device::Details::default(),
            by: homeplay_device::By::Caregiver,
        });
        let tick = tick.await.unwrap();
        engine.sync_once().await.unwrap();
        let report = p.maya.get(&format!("/api/v1/children/{}/adherence?from={start}", p.child_id)).await;
        let ids: Vec<&str> =
            report["timeline"].as_array().unwrap().iter().map(|e| e["log_id"].as_str().unwrap()).collect();
        assert!(ids.contains(&waiting.id.to_string().as_str()), "{backend:?}: {ids:?}");
        assert!(ids.contains(&tick.id.to_string().as_str()), "{backend:?}: {ids:?}");
        assert!(!ids.contains(&refused.id.to_string().as_str()), "{backend:?}");
        assert!(
            matches!(engine.status().await.unwrap(), SyncState::NeedsAttention { waiting: 0, ref rejected, .. } if rejected.len() == 1),
            "{backend:?}"
        );
        drop(engine);

        // Opening again changes nothing.
        let engine = homeplay_tests::open_engine(dir.path()).await.unwrap();
        assert_eq!(engine.schema_version().await.unwrap(), 4);
        assert_eq!(engine.all_logs().await.unwrap().len(), 3);
        drop(engine);
        let pool = connect(dir.path()).await;
        let versions: Vec<(i64, bool)> =
            sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(versions, vec![(1, true), (2, true), (3, true), (4, true)]);
        assert!(outbox_columns(&pool).await.contains(&"rejected_field".to_owned()));
        pool.close().await;
    }
}

/// A device under version 2 of the app, with a log and a goal check-in waiting and an earlier check-in the
/// clinic refused (version 2 kept check-ins as `records` rows), moves them into the one outbox: the log and
/// the check-in reach the clinic once, the refused answer stays for the family to see, and nothing is lost.
#[tokio::test]
async fn a_version_2_database_moves_waiting_check_ins_into_the_one_outbox() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let server = TestServer::start(&db);
        let start = (Utc::now() - TimeDelta::days(7)).date_naive();
        let p = program(&db, &server, &start.to_string()).await;
        let target = (Utc::now() + TimeDelta::weeks(12)).date_naive().to_string();
        let goal = p
            .maya
            .post(
                &format!("/api/v1/children/{}/goals", p.child_id),
                serde_json::json!({"text": "Puts on socks by himself", "discipline": "ot", "areas": ["self_care"],
                       "baseline": "Needs help", "start_date": start.to_string(), "target_date": target,
                       "scale": {"much_less": "Hand over hand", "less": "Pulls them up", "expected": "With one prompt",
                                 "more": "Alone", "much_more": "Socks and shoes alone"}}),
            )
            .await;
        let goal_id = goal["id"].as_str().unwrap().to_owned();
        let old = OldDevice::pair(&server, &p, &["0001_init.sql", "0002_sync_attempts.sql"]).await;
        let wall = hlc_now() - 60_000;
        let log = old.log(&p, &p.assignment_id, wall, None).await;
        // This week in the child's time zone, as the clinic counts it.
        let progress = p.maya.get(&format!("/api/v1/children/{}/goals/progress", p.child_id)).await;
        let today: chrono::NaiveDate = progress["today"].as_str().unwrap().parse().unwrap();
        let monday = homeplay_core::adherence::week_start(today).to_string();
        let check_in = |goal: &str, wall: u64| {
            serde_json::json!({"id": uuid::Uuid::now_v7(), "goal_id": goal, "child_id": p.child_id, "week": monday,
                   "face": "great", "answered_by": "Grandma", "device_id": old.device.device_id,
                   "hlc": {"wall_ms": wall, "counter": 0}})
        };
        let waiting = check_in(&goal_id, wall + 1);
        let refused = check_in(&uuid::Uuid::now_v7().to_string(), wall + 2);
        for (entity, doc) in [
            ("check_in", &waiting),
            ("check_in_outbox", &waiting),
            ("check_in", &refused),
            ("check_in_rejected", &refused),
        ] {
            exec(
                &old.pool,
                "INSERT INTO records (entity, id, doc) VALUES (?1, ?2, ?3)",
                &[entity, doc["id"].as_str().unwrap(), &doc.to_string()],
            )
            .await;
        }

        // Migrated: both waiting items count as waiting, the refused answer as refused, the answers still show.
        let (engine, dir) = old.open_migrated().await;
        match engine.status().await.unwrap() {
            SyncState::NeedsAttention { waiting: 2, rejected, .. } => {
                assert_eq!(rejected.len(), 1, "{backend:?}: {rejected:?}");
                assert_eq!(rejected[0].kind, "check_ins");
                assert_eq!(rejected[0].id, refused["id"].as_str().unwrap());
            }
            other => panic!("{backend:?}: expected two waiting and one refused, got {other:?}"),
        }
        let goals = engine.goals(p.child_id.parse().unwrap()).await.unwrap();
        assert_eq!(goals[0].this_week, Some(homeplay_core::goal::CheckInFace::Great), "{backend:?}");

        // One push round carries both kinds; syncing again sends nothing twice.
        let report = engine.sync_once().await.unwrap();
        assert_eq!((report.pushed, report.rejected), (2, 0), "{backend:?}");
        assert_eq!(engine.sync_once().await.unwrap().pushed, 0);
        let progress = p.maya.get(&format!("/api/v1/children/{}/goals/progress", p.child_id)).await;
        let row = &progress["goals"][0];
        assert_eq!(
            row["check_ins"],
            serde_json::json!([{"week": monday, "face": "great", "answered_by": "Grandma"}]),
            "{backend:?}: {row}"
        );
        let report = p.maya.get(&format!("/api/v1/children/{}/adherence?from={start}", p.child_id)).await;
        let ids: Vec<&str> =
            report["timeline"].as_array().unwrap().iter().map(|e| e["log_id"].as_str().unwrap()).collect();
        assert_eq!(ids, [log.id.to_string().as_str()], "{backend:?}");
        assert!(matches!(
            engine.status().await.unwrap(),
            SyncState::NeedsAttention { waiting: 0, ref rejected, .. } if rejected.len() == 1
        ));
        drop(engine);
        let pool = connect(dir.path()).await;
        let left: Vec<String> =
            sqlx::query_scalar("SELECT entity FROM records WHERE entity IN ('check_in_outbox', 'check_in_rejected')")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert!(left.is_empty(), "{backend:?}: the old queues are gone: {left:?}");
        pool.close().await;
    }
}

/// The version 1 database of a device that was never paired, offline: it migrates, and the new
/// `sync_attempts` table records what happens from then on.
#[tokio::test]
async fn an_unpaired_version_1_database_migrates_and_records_sync_attempts() {
    let dir = tempfile::tempdir().unwrap();
    let pool = v1_database(dir.path()).await;
    exec(&pool, "INSERT INTO settings (key, value) VALUES ('caregiver', 'Dad')", &[]).await;
    pool.close().await;
    let engine = homeplay_tests::open_engine(dir.path()).await.unwrap();
    assert_eq!(engine.schema_version().await.unwrap(), 4);
    assert_eq!(engine.caregiver().await.unwrap().unwrap().as_str(), "Dad");
    assert_eq!(engine.status().await.unwrap(), SyncState::NotPaired);
    assert!(matches!(engine.sync_once().await, Err(DeviceError::NotPaired)));
    drop(engine);
    let pool = connect(dir.path()).await;
    let attempts: Vec<String> = sqlx::query_scalar("SELECT outcome FROM sync_attempts").fetch_all(&pool).await.unwrap();
    assert_eq!(attempts, ["error"], "the failed attempt was remembered");
    pool.close().await;
}

/// A database a newer app has migrated further is refused with an error that says so, and left untouched.
#[tokio::test]
async fn a_database_from_a_newer_app_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    {
        let engine = homeplay_tests::open_engine(dir.path()).await.unwrap();
        engine.set_caregiver(homeplay_core::text::Name::new("Mum").unwrap()).await.unwrap();
    }
    let pool = connect(dir.path()).await;
    // What a future version 99 would leave: its row, and a table this app has never heard of.
    exec(&pool, "CREATE TABLE from_the_future (x TEXT)", &[]).await;
    exec(
        &pool,
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99, 'from the future', 1, x'0102', 0)",
        &[],
    )
    .await;
    let before: Vec<(i64, String)> =
        sqlx::query_as("SELECT version, description FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;

    let err = homeplay_tests::open_engine(dir.path()).await.unwrap_err();
    assert!(matches!(err, DeviceError::DatabaseTooNew { found: 99, known: 4 }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("newer version") && message.contains("update the app"), "{message}");

    let pool = connect(dir.path()).await;
    let after: Vec<(i64, String)> =
        sqlx::query_as("SELECT version, description FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(after, before);
    let caregiver: String =
        sqlx::query_scalar("SELECT value FROM settings WHERE key = 'caregiver'").fetch_one(&pool).await.unwrap();
    assert_eq!(caregiver, "Mum");
    let ok: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await.unwrap();
    assert_eq!(ok, "ok");
    pool.close().await;
}
