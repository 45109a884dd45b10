//! Several instances started together on one new database: each migrates or waits for the one that does, all
//! of them succeed, every migration is applied exactly once, and the schema works. Real processes of the real
//! binary, on a new SQLite file and on a new PostgreSQL database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use std::process::{Command, Stdio};

/// How many instances start at once: more than two, so that some always overlap however the machine
/// schedules their start.
const INSTANCES: usize = 4;

/// Starts `INSTANCES` `migrate` processes on `db` before waiting for any: each one's success and stderr.
fn migrate_together(db: &TestDb) -> Vec<(bool, String)> {
    let children: Vec<_> = (0..INSTANCES)
        .map(|_| {
            Command::new(binary())
                .args(["--database", &db.url, "migrate"])
                .env("RUST_LOG", "warn")
                .env("RUST_BACKTRACE", "0")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
        })
        .collect()
}

/// The migration versions in the repository for `backend`.
fn versions_on_disk(backend: Backend) -> Vec<i64> {
    let folder = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(folder);
    let mut versions: Vec<i64> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sql"))
        .map(|name| name.split('_').next().unwrap().parse().unwrap())
        .collect();
    versions.sort_unstable();
    versions
}

/// Each applied version with how many times it is recorded, and whether every one succeeded.
async fn applied(db: &TestDb) -> (Vec<(i64, i64)>, bool) {
    const BY_VERSION: &str = "SELECT version, COUNT(*) FROM _sqlx_migrations GROUP BY version ORDER BY version";
    const ALL_SUCCEEDED: &str = "SELECT COUNT(*) FROM _sqlx_migrations WHERE NOT success";
    match db.backend {
        Backend::Sqlite => {
            use sqlx::Connection;
            let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            let rows: Vec<(i64, i64)> = sqlx::query_as(BY_VERSION).fetch_all(&mut conn).await.unwrap();
            let failed: i64 = sqlx::query_scalar(ALL_SUCCEEDED).fetch_one(&mut conn).await.unwrap();
            (rows, failed == 0)
        }
        Backend::Postgres => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            let rows: Vec<(i64, i64)> = sqlx::query_as(BY_VERSION).fetch_all(&mut conn).await.unwrap();
            let failed: i64 = sqlx::query_scalar(ALL_SUCCEEDED).fetch_one(&mut conn).await.unwrap();
            (rows, failed == 0)
        }
    }
}

#[tokio::test]
async fn instances_started_together_migrate_once() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        for (i, (ok, stderr)) in migrate_together(&db).into_iter().enumerate() {
            assert!(ok, "{backend:?}: instance {i} failed to migrate: {stderr}");
        }
        let (rows, succeeded) = applied(&db).await;
        let once: Vec<(i64, i64)> = versions_on_disk(backend).into_iter().map(|v| (v, 1)).collect();
        assert_eq!(rows, once, "{backend:?}: every migration recorded exactly once");
        assert!(succeeded, "{backend:?}: a migration is recorded as failed");

        // The schema works: two servers on it, a clinic made through the CLI, and a sign-in on each.
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let one = TestServer::start(&db);
        let two = TestServer::start(&db);
        for server in [&one, &two] {
            let maya = Therapist::login(server, &clinic.email).await;
            let leo = maya.add_child("Leo").await;
            assert!(leo["child"]["id"].is_string(), "{backend:?}: {leo}");
        }
    }
}
