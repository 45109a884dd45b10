//! device: ticks recorded one by one on a device (p50/p99 per tick) against a bare SQLite insert of the same
//! log's JSON into the same file with the same durability; and opening a device and building today's list
//! with a year of history against the same with a week. The server (SQLite) only pairs the devices.

use super::Stage;
use crate::data::{Fam, Gen, Shape, log, now_ms, today};
use crate::env::Backend;
use crate::{Config, Measurement, median_ms, percentile_ms};
use chrono::{TimeDelta, Utc};
use homeplay_core::log::{Occurrence, Outcome};
use homeplay_core::pairing::PairingCode;
use homeplay_device::{By, Details, Engine, Tick};
use homeplay_server::auth::tokens::sha256_hex;
use serde_json::json;
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqliteSynchronous};
use std::path::Path;
use std::time::{Duration, Instant};

pub async fn run(cfg: &Config) -> anyhow::Result<Vec<Measurement>> {
    eprintln!("== device");
    let mut g = Gen::new(cfg.seed);
    let shape = Shape {
        families: 3,
        assignments: 5,
        slots: 2,
        devices_per_family: 0,
        start: today() - TimeDelta::days(cfg.device_long_days + 1),
    };
    let stage = Stage::new(cfg, Backend::Sqlite, &mut g, shape).await?;
    let fams = stage.world.families.clone();
    let mut dirs = Vec::new();
    for (i, f) in fams.iter().enumerate() {
        let dir = tempfile::tempdir()?;
        let engine = Engine::open(dir.path()).await?;
        let code = PairingCode::from_random_bytes([9, 8, 7, 6, u8::try_from(i).unwrap_or(0)]);
        let now = now_ms();
        stage
            .store
            .insert_pairing_code(
                &sha256_hex(code.as_str()),
                stage.world.clinic,
                f.family,
                stage.world.therapist,
                now,
                now + 900_000,
            )
            .await?;
        engine.pair(&stage.server.base, code.as_str(), "Laptop").await?;
        engine.set_caregiver(homeplay_core::text::Name::new("Mum")?).await?;
        engine.sync_once().await?;
        dirs.push((dir, engine));
    }
    stage.finish().await;

    // 1. Ticks, one by one, interleaved in blocks with the bare insert so that noise hits both alike.
    let (dir, engine) = &dirs[0];
    let fam = &fams[0];
    let file = dir.path().join("homeplay-device.db");
    let mut bare = connect(&file).await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS bench_bare (id TEXT PRIMARY KEY, doc TEXT NOT NULL)")
        .execute(&mut bare)
        .await?;
    let occurrences = occurrences(fam);
    let bare_device = homeplay_core::ids::DeviceId(g.uuid_v7(now_ms()));
    let (mut ticks, mut inserts) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < cfg.device_ticks {
        let block = (cfg.device_ticks - i).min(100);
        for k in i..i + block {
            let (a, e, occurrence) = occurrences[k % occurrences.len()];
            let t = Instant::now();
            engine
                .record(Tick {
                    child_id: fam.child,
                    assignment_id: a,
                    exercise_id: e,
                    occurrence,
                    outcome: Outcome::Done,
                    details: Details::default(),
                    by: By::Caregiver,
                })
                .await?;
            ticks.push(t.elapsed());
        }
        for k in i..i + block {
            let (a, e, occurrence) = occurrences[k % occurrences.len()];
            let l = log(&mut g, fam.child, a, e, bare_device, occurrence.date, occurrence.slot);
            let t = Instant::now();
            sqlx::query("INSERT INTO bench_bare (id, doc) VALUES (?1, ?2)")
                .bind(l.id.to_string())
                .bind(serde_json::to_string(&l)?)
                .execute(&mut bare)
                .await?;
            inserts.push(t.elapsed());
        }
        i += block;
    }
    bare.close().await?;
    ticks.sort();
    inserts.sort();
    let params = json!({"ticks": cfg.device_ticks, "baseline": "bare INSERT of the log's JSON, one per transaction, same file, WAL, synchronous=FULL", "seed": cfg.seed});
    let p50 = Measurement::new(
        "device.tick.p50",
        "device",
        percentile_ms(&ticks, 50.0),
        "ms",
        Some(percentile_ms(&inserts, 50.0)),
    )
    .params(params.clone());
    let p50_met = p50.ratio.is_some_and(|r| r <= 2.0);
    let mut out = vec![
        p50.target("ratio <= 2", p50_met),
        Measurement::new(
            "device.tick.p99",
            "device",
            percentile_ms(&ticks, 99.0),
            "ms",
            Some(percentile_ms(&inserts, 99.0)),
        )
        .params(params),
    ];

    // 2. Today's list: a device holding a year of history against one holding a week.
    let mut history = Vec::new();
    for (k, days) in [(1, cfg.device_long_days), (2, cfg.device_short_days)] {
        let (dir, engine) = &dirs[k];
        let device = engine.pairing().await?.map(|p| p.device_id).ok_or_else(|| anyhow::anyhow!("not paired"))?;
        let logs = crate::data::logs_for(&mut g, &fams[k], device, crate::data::days_back(days, 0));
        let mut conn = connect(&dir.path().join("homeplay-device.db")).await?;
        let mut tx = conn.begin().await?;
        for l in &logs {
            sqlx::query(
                "INSERT INTO logs (id, child_id, occ_date, hlc_wall, hlc_counter, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .bind(l.id.to_string())
            .bind(l.child_id.to_string())
            .bind(l.occurrence.date.to_string())
            .bind(i64::try_from(l.hlc.wall_ms).unwrap_or(0))
            .bind(i64::from(l.hlc.counter))
            .bind(serde_json::to_string(l)?)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        conn.close().await?;
        history.push(logs.len());
    }
    // Closed before timing: each measurement opens the device from its files, as the app starts.
    let (temp_dirs, engines): (Vec<tempfile::TempDir>, Vec<Engine>) = dirs.into_iter().unzip();
    drop(engines);
    let (mut long, mut short) = (Vec::new(), Vec::new());
    for _ in 0..cfg.repeats.max(3) {
        long.push(open_and_list(temp_dirs[1].path()).await?);
        short.push(open_and_list(temp_dirs[2].path()).await?);
    }
    out.push(
        Measurement::new("device.today", "device", median_ms(&mut long), "ms", Some(median_ms(&mut short))).params(json!({
            "long_days": cfg.device_long_days, "short_days": cfg.device_short_days, "long_logs": history[0],
            "short_logs": history[1], "measured": "Engine::open + today(now)", "baseline": "the same with the short history",
            "seed": cfg.seed,
        })),
    );
    drop(temp_dirs);
    Ok(out)
}

/// Every (assignment, exercise, occurrence) of the family's program, newest day first, for a year back.
fn occurrences(fam: &Fam) -> Vec<(homeplay_core::ids::AssignmentId, homeplay_core::ids::ExerciseId, Occurrence)> {
    let mut out = Vec::new();
    for d in 1..=365 {
        let date = today() - TimeDelta::days(d);
        for (a, e) in &fam.assignments {
            for slot in 0..fam.slots {
                out.push((*a, *e, Occurrence { date, slot }));
            }
        }
    }
    out
}

async fn connect(file: &Path) -> anyhow::Result<SqliteConnection> {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(15));
    Ok(SqliteConnection::connect_with(&options).await?)
}

async fn open_and_list(dir: &Path) -> anyhow::Result<Duration> {
    let t = Instant::now();
    let engine = Engine::open(dir).await?;
    let today = engine.today(Utc::now()).await?;
    let elapsed = t.elapsed();
    anyhow::ensure!(today.iter().map(|c| c.groups.len()).sum::<usize>() > 0, "today's list is empty");
    drop(engine);
    Ok(elapsed)
}
