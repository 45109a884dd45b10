//! Backups that restore: devices push while `backup` runs; the backup, restored into a fresh database under a
//! fresh server, holds every log acknowledged before the backup started, exactly once; the devices then sync
//! on against the restored server, send again what it lost (they see its new epoch), and it ends with every
//! log any device recorded, each once. And `serve --backup-every` (or `backup --keep`) keeps only the
//! newest backups it made. On SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeDelta, Utc};
use homeplay_core::ids::LogId;
use homeplay_core::log::Outcome;
use homeplay_device::{By, Details, Engine, Pairing, SyncState, Tick};
use homeplay_tests::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

const PATIENCE: Duration = Duration::from_secs(120);

/// Records a tick on an item of the device's program, on one of the last few days.
async fn tick(engine: &Engine) -> LogId {
    let today = engine.today(Utc::now()).await.unwrap();
    let child = today.first().expect("the device knows its child");
    let items: Vec<_> = child.groups.iter().flat_map(|g| g.items.iter().map(|i| i.expected)).collect();
    let mut e = items[fastrand::usize(..items.len())];
    e.occurrence.date -= TimeDelta::days(fastrand::i64(0..5));
    let log = engine
        .record(Tick {
            child_id: child.child.id,
            assignment_id: e.assignment_id,
            exercise_id: e.exercise_id,
            occurrence: e.occurrence,
            outcome: Outcome::Done,
            details: Details::default(),
            by: By::Caregiver,
        })
        .await
        .unwrap();
    log.id
}

/// What one device's writer saw: logs the server acknowledged before the backup started, after it started,
/// and after it had finished.
#[derive(Debug, Default)]
struct Acked {
    before: BTreeSet<LogId>,
    during_or_after: BTreeSet<LogId>,
    after_finish: BTreeSet<LogId>,
}

/// Records ticks and pushes them, over and over, until `stop`. Everything recorded before a successful sync is
/// acknowledged by then (one writer per device, and the server refuses nothing here); it counts as
/// acknowledged before the backup only if `started` was still false after the sync returned.
async fn write_until(
    engine: Arc<Engine>,
    started: Arc<AtomicBool>,
    finished: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    syncs_after_finish: Arc<AtomicUsize>,
    acked_count: Arc<AtomicUsize>,
) -> Acked {
    let mut acked = Acked::default();
    let mut waiting = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        for _ in 0..fastrand::usize(1..=3) {
            waiting.push(tick(&engine).await);
        }
        let was_finished = finished.load(Ordering::SeqCst);
        engine.sync_once().await.unwrap();
        let state = engine.status().await.unwrap();
        assert!(matches!(state, SyncState::Synced { .. }), "the server acknowledged everything sent: {state:?}");
        let into = if !started.load(Ordering::SeqCst) { &mut acked.before } else { &mut acked.during_or_after };
        into.extend(waiting.iter().copied());
        acked_count.fetch_add(waiting.len(), Ordering::SeqCst);
        if was_finished {
            acked.after_finish.extend(waiting.iter().copied());
            syncs_after_finish.fetch_add(1, Ordering::SeqCst);
        }
        waiting.clear();
    }
    acked
}

/// How many times each log id is in the clinic's record of the child, as the therapist's report shows it.
async fn clinic_logs(maya: &Therapist, child_id: &str, from: &str) -> BTreeMap<String, usize> {
    let report = maya.get(&format!("/api/v1/children/{child_id}/adherence?from={from}")).await;
    let mut seen = BTreeMap::new();
    for entry in report["timeline"].as_array().expect("the report has a timeline") {
        *seen.entry(entry["log_id"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    seen
}

async fn backup_while_devices_push_then_restore(backend: Backend) {
    let db = TestDb::new(backend);
    let mut server = TestServer::start(&db);
    let start = (Utc::now() - TimeDelta::days(7)).date_naive().to_string();
    let p = program(&db, &server, &start).await;
    let mut engines = Vec::new();
    let mut dirs = Vec::new();
    for (label, who) in [("Kitchen tablet", "Mum"), ("Dad's phone", "Dad")] {
        let (engine, dir) = paired_engine(&server.base, &p.maya, &p.child_id, label, who).await;
        engines.push(Arc::new(engine));
        dirs.push(dir);
    }

    let (started, finished, stop) = (Arc::default(), Arc::<AtomicBool>::default(), Arc::<AtomicBool>::default());
    let (syncs_after_finish, acked_count) = (Arc::<AtomicUsize>::default(), Arc::<AtomicUsize>::default());
    let writers: Vec<_> = engines
        .iter()
        .map(|e| {
            tokio::spawn(write_until(
                e.clone(),
                Arc::clone(&started),
                finished.clone(),
                stop.clone(),
                syncs_after_finish.clone(),
                acked_count.clone(),
            ))
        })
        .collect();
    // Some history first, so the backup has something to get wrong.
    wait_until(PATIENCE, || async { acked_count.load(Ordering::SeqCst) >= 40 }).await;

    let backups = tempfile::tempdir().unwrap();
    started.store(true, Ordering::SeqCst);
    let out = tokio::process::Command::new(binary())
        .args(["--database", &db.url, "backup", "--to"])
        .arg(backups.path())
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "backup failed: {}", String::from_utf8_lossy(&out.stderr));
    finished.store(true, Ordering::SeqCst);
    let file = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let name = std::path::Path::new(&file).file_name().unwrap().to_str().unwrap().to_owned();
    assert!(std::path::Path::new(&file).starts_with(backups.path()), "it printed the file it wrote: {file}");
    let ext = if backend == Backend::Sqlite { ".db" } else { ".dump" };
    assert!(name.starts_with("homeplay-20") && name.ends_with(ext), "the name says when: {name}");

    // Devices go on pushing after the backup: the restored server lacks this until the devices send it again.
    wait_until(PATIENCE, || async { syncs_after_finish.load(Ordering::SeqCst) >= 4 }).await;
    stop.store(true, Ordering::SeqCst);
    let mut acked = Acked::default();
    for w in writers {
        let a = w.await.unwrap();
        acked.before.extend(a.before);
        acked.during_or_after.extend(a.during_or_after);
        acked.after_finish.extend(a.after_finish);
    }
    assert!(acked.before.len() >= 40, "too little before the backup: {}", acked.before.len());
    assert!(!acked.after_finish.is_empty(), "nothing pushed after the backup");
    eprintln!(
        "{backend:?}: {} logs acknowledged before the backup started, {} after (of which {} after it finished)",
        acked.before.len(),
        acked.during_or_after.len(),
        acked.after_finish.len()
    );

    // The clinic's machine is lost. A fresh database, the backup restored into it, a fresh server.
    server.kill();
    let fresh = TestDb::new(backend);
    let (ok, stdout, stderr) = cli_outcome(&fresh, &["restore", "--from", &file]);
    assert!(ok, "restore failed: {stderr}");
    assert!(stdout.contains("restored"), "{stdout}");
    let restored = TestServer::start(&fresh);
    let maya = Therapist::login(&restored, &p.clinic.email).await;
    let seen = clinic_logs(&maya, &p.child_id, &start).await;
    for id in &acked.before {
        assert_eq!(seen.get(&id.to_string()), Some(&1), "log {id}, acknowledged before the backup started");
    }
    assert!(seen.values().all(|n| *n == 1), "a log is in the restored record twice: {seen:?}");
    // Nothing is in the backup that the devices did not record.
    let recorded: BTreeSet<String> =
        acked.before.iter().chain(&acked.during_or_after).map(ToString::to_string).collect();
    assert!(seen.keys().all(|id| recorded.contains(id)), "the backup holds a log no device recorded");

    // A restore is refused where a clinic already is.
    let (ok, _, stderr) = cli_outcome(&fresh, &["restore", "--from", &file]);
    assert!(!ok && stderr.contains("already holds a clinic"), "a second restore was not refused: {stderr}");

    // The devices sync on against the restored server (same address for them: a clinic restores on a new
    // machine under the old name), and record more. The restored server's new epoch tells each device to send
    // again what it recorded: what the lost server had acknowledged after the backup comes back.
    let mut after_restore = BTreeSet::new();
    for e in &engines {
        let pairing = e.pairing().await.unwrap().unwrap();
        e.seed_pairing(&Pairing { server_url: restored.base.clone(), ..pairing }).await.unwrap();
        // Each device sends again only what it made: nothing the server refuses, which the family would see.
        let report = e.sync_once().await.unwrap();
        assert_eq!(report.rejected, 0, "{report:?}");
        let state = e.status().await.unwrap();
        assert!(matches!(state, SyncState::Synced { .. }), "right after the restore: {state:?}");
        for _ in 0..3 {
            after_restore.insert(tick(e).await);
        }
        e.sync_once().await.unwrap();
    }
    for e in &engines {
        e.sync_once().await.unwrap();
        let state = e.status().await.unwrap();
        assert!(matches!(state, SyncState::Synced { .. }), "nothing sent again was refused: {state:?}");
    }

    // Every log any device recorded, before the backup, after it and after the restore, is on the restored
    // server exactly once, by id; and nothing else is.
    let recorded: BTreeSet<String> =
        acked.before.iter().chain(&acked.during_or_after).chain(&after_restore).map(ToString::to_string).collect();
    let mut held = BTreeSet::new();
    for e in &engines {
        held.extend(e.all_logs().await.unwrap().into_iter().map(|l| l.id.to_string()));
    }
    assert_eq!(held, recorded, "the devices hold what they recorded, and each what the other did");
    let seen = clinic_logs(&maya, &p.child_id, &start).await;
    assert!(seen.values().all(|n| *n == 1), "syncing on duplicated a log: {seen:?}");
    let on_server: BTreeSet<String> = seen.keys().cloned().collect();
    let lost: Vec<_> = recorded.difference(&on_server).collect();
    assert!(lost.is_empty(), "{} recorded logs are not on the restored server: {lost:?}", lost.len());
    assert_eq!(on_server, recorded);
    // Each device has what the other recorded after the restore: the pull cursors they held from the lost
    // server do not hide the restored server's new changes from them.
    for e in &engines {
        let held: BTreeSet<LogId> = e.all_logs().await.unwrap().into_iter().map(|l| l.id).collect();
        let missing: Vec<_> = after_restore.difference(&held).collect();
        assert!(missing.is_empty(), "a device never received logs recorded after the restore: {missing:?}");
    }
    eprintln!(
        "{backend:?}: {} logs on the restored server, {} of them sent again after the restore",
        on_server.len(),
        acked.during_or_after.iter().filter(|id| !acked.before.contains(id)).count()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backup_taken_while_devices_push_restores_every_acknowledged_log() {
    backup_while_devices_push_then_restore(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backup_taken_while_devices_push_restores_every_acknowledged_log() {
    backup_while_devices_push_then_restore(Backend::Postgres).await;
}

/// The backup file names `serve` makes: `homeplay-<UTC time>.db` or `.dump`.
fn scheduled(dir: &std::path::Path, ext: &str) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter(|n| n.starts_with("homeplay-20") && n.ends_with(ext))
        .collect()
}

async fn scheduled_backups_keep_the_newest(backend: Backend) {
    let db = TestDb::new(backend);
    let backups = tempfile::tempdir().unwrap();
    // Files the schedule did not make stay, whatever their names.
    let foreign = ["homeplay-manual.db", "homeplay-manual.dump", "notes.txt"];
    for name in foreign {
        std::fs::write(backups.path().join(name), b"mine").unwrap();
    }
    let dir = backups.path().display().to_string();
    let env = [("HOMEPLAY_BACKUP_EVERY", "1s"), ("HOMEPLAY_BACKUP_KEEP", "2"), ("HOMEPLAY_BACKUP_TO", dir.as_str())];
    let _server = TestServer::start_with(&db, &env);
    let ext = if backend == Backend::Sqlite { ".db" } else { ".dump" };
    let mut made = BTreeSet::new();
    // Each file lives at least two intervals, and this looks every 20 ms: it sees every one made.
    wait_until(PATIENCE, || {
        let now = scheduled(backups.path(), ext);
        made.extend(now.iter().cloned());
        let enough = made.len() >= 3 && now.len() == 2;
        async move { enough }
    })
    .await;
    let left = scheduled(backups.path(), ext);
    let newest: BTreeSet<String> = made.iter().rev().take(2).cloned().collect();
    assert_eq!(left, newest, "the two newest of {made:?} remain");
    for name in foreign {
        assert_eq!(std::fs::read(backups.path().join(name)).unwrap(), b"mine", "{name} was touched");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_scheduled_backups_keep_the_newest() {
    scheduled_backups_keep_the_newest(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_scheduled_backups_keep_the_newest() {
    scheduled_backups_keep_the_newest(Backend::Postgres).await;
}

/// `backup --keep N` (what the packaged nightly timer runs) deletes the oldest of this database's backups beyond
/// the newest N, as the schedule does, and leaves other files alone; without `--keep` nothing is deleted.
#[test]
fn backup_with_keep_deletes_the_oldest_beyond_the_newest() {
    let db = TestDb::new(Backend::Sqlite);
    make_clinic(&db, "Riverside", "maya@riverside.example", true);
    let backups = tempfile::tempdir().unwrap();
    let foreign = ["homeplay-manual.db", "notes.txt"];
    for name in foreign {
        std::fs::write(backups.path().join(name), b"mine").unwrap();
    }
    let dir = backups.path().to_str().unwrap();
    let mut made = Vec::new();
    for _ in 0..3 {
        let file = run_cli(&db, &["backup", "--to", dir], &[]);
        made.push(std::path::Path::new(file.trim()).file_name().unwrap().to_str().unwrap().to_owned());
        // Backups are named to the millisecond.
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(scheduled(backups.path(), ".db").len(), 3, "without --keep nothing is deleted");
    let file = run_cli(&db, &["backup", "--to", dir, "--keep", "2"], &[]);
    made.push(std::path::Path::new(file.trim()).file_name().unwrap().to_str().unwrap().to_owned());
    let newest: BTreeSet<String> = made[2..].iter().cloned().collect();
    assert_eq!(scheduled(backups.path(), ".db"), newest, "the two newest of {made:?} remain");
    for name in foreign {
        assert_eq!(std::fs::read(backups.path().join(name)).unwrap(), b"mine", "{name} was touched");
    }
    let (ok, _, stderr) = cli_outcome(&db, &["backup", "--to", dir, "--keep", "0"]);
    assert!(!ok && stderr.contains("--keep"), "{stderr}");
}

#[test]
fn a_backup_into_a_folder_that_cannot_be_written_says_so() {
    let db = TestDb::new(Backend::Sqlite);
    make_clinic(&db, "Riverside", "maya@riverside.example", true);
    let file = tempfile::NamedTempFile::new().unwrap();
    // A folder inside a file: unwritable even for root, who ignores permissions.
    let dir = file.path().join("backups");
    let (ok, stdout, stderr) = cli_outcome(&db, &["backup", "--to", dir.to_str().unwrap()]);
    assert!(!ok && stdout.is_empty(), "{stdout}");
    assert!(stderr.contains(&format!("cannot write backups to {}", dir.display())), "{stderr}");
}

/// A backup from an older version: a database with only the first of today's migrations, restored and served,
/// is upgraded by the server's usual migrations.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_from_an_older_version_is_upgraded_once_served() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("server/migrations/sqlite");
    let mut all: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    all.sort();
    let old = tempfile::tempdir().unwrap();
    std::fs::copy(&all[0], old.path().join(all[0].file_name().unwrap())).unwrap();
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("homeplay-20250101T000000.000Z.db");
    {
        use sqlx::ConnectOptions;
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&file).create_if_missing(true);
        let mut conn = options.connect().await.unwrap();
        sqlx::migrate::Migrator::new(old.path()).await.unwrap().run(&mut conn).await.unwrap();
    }

    let db = TestDb::new(Backend::Sqlite);
    let (ok, _, stderr) = cli_outcome(&db, &["restore", "--from", file.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    let server = TestServer::start(&db);
    let p = program(&db, &server, &Utc::now().date_naive().to_string()).await;
    assert!(!p.assignment_id.is_empty());
    let applied: i64 = {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&mut conn).await.unwrap()
    };
    assert_eq!(applied, i64::try_from(all.len()).unwrap(), "every migration ran on the restored database");
}
