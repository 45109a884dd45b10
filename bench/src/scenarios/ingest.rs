//! ingest: many devices push completion logs at once, in batches, through HTTP (auth, validation, merge,
//! commit, ack). Baseline: the same number of rows, in batches of the same size, inserted straight into the
//! same tables (logs and the family feed) by the fastest plain method.

use super::{Stage, http};
use crate::data::{Gen, Raw, Row, Shape, days_back, logs_for, today};
use crate::env::Backend;
use crate::{Config, Measurement};
use chrono::TimeDelta;
use homeplay_core::log::CompletionLog;
use homeplay_core::sync::{PROTOCOL_VERSION, PushRequest, PushResponse};
use serde_json::json;
use std::time::Instant;

pub async fn run(cfg: &Config, backend: Backend) -> anyhow::Result<Vec<Measurement>> {
    let mut g = Gen::new(cfg.seed);
    let shape = Shape {
        families: cfg.ingest_devices,
        assignments: 5,
        slots: 2,
        devices_per_family: 1,
        start: today() - TimeDelta::days(800),
    };
    let stage = Stage::new(cfg, backend, &mut g, shape).await?;
    let per_device = cfg.ingest_batches * cfg.ingest_batch;
    // Enough past days for each device's logs (about 9 a day), then cut to size.
    let days = i64::try_from(per_device / 8 + 2).unwrap_or(700).min(790);
    let make = |g: &mut Gen| -> Vec<Vec<CompletionLog>> {
        stage
            .world
            .families
            .iter()
            .map(|f| {
                let mut logs = logs_for(g, f, f.devices[0].id, days_back(days, 0));
                logs.truncate(per_device);
                logs
            })
            .collect()
    };
    let pushed = make(&mut g);
    let total: usize = pushed.iter().map(Vec::len).sum();

    // Through HTTP: every device at once, each pushing its batches one after another.
    let client = http()?;
    let url = stage.server.url("/api/v1/sync/push");
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (fam, logs) in stage.world.families.iter().zip(pushed) {
        let (client, url, token) = (client.clone(), url.clone(), fam.devices[0].token.clone());
        let batch = cfg.ingest_batch;
        tasks.spawn(async move {
            let mut accepted = 0;
            for chunk in logs.chunks(batch) {
                let body = PushRequest { logs: chunk.to_vec(), ..PushRequest::empty(PROTOCOL_VERSION) };
                let resp = client.post(&url).bearer_auth(&token).json(&body).send().await?;
                anyhow::ensure!(resp.status().is_success(), "push: {}", resp.status());
                let reply: PushResponse = resp.json().await?;
                anyhow::ensure!(reply.rejected.is_empty(), "push rejected {:?}", reply.rejected.first());
                accepted += reply.accepted.len();
            }
            Ok(accepted)
        });
    }
    let mut accepted = 0;
    while let Some(r) = tasks.join_next().await {
        accepted += r??;
    }
    let http_secs = started.elapsed().as_secs_f64();
    anyhow::ensure!(accepted == total, "accepted {accepted} of {total}");

    // Baseline: the same number of rows (new ids), same batches, same concurrency, straight into the tables.
    let mut g2 = Gen::new(cfg.seed ^ 0x5eed);
    let plain = make(&mut g2);
    let connections = match backend {
        Backend::Sqlite => 1,
        Backend::Postgres => u32::try_from(cfg.ingest_devices.min(16)).unwrap_or(16),
    };
    let raw = Raw::connect(&stage.db.url, connections).await?;
    let mut batches = Vec::new();
    for (fam, logs) in stage.world.families.iter().zip(plain) {
        let rows: Vec<Row> =
            logs.into_iter().map(|l| Row::new(stage.world.clinic, fam.family, l)).collect::<anyhow::Result<_>>()?;
        batches.push(rows);
    }
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for rows in batches {
        let (raw, batch) = (raw.clone(), cfg.ingest_batch);
        tasks.spawn(async move {
            for (i, chunk) in rows.chunks(batch).enumerate() {
                // Feed numbers far above what the server hands out, so they never collide.
                raw.insert_batch(chunk, Some(1_000_000_000 + (i * batch) as i64)).await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(r) = tasks.join_next().await {
        r??;
    }
    let plain_secs = started.elapsed().as_secs_f64();
    raw.close().await;
    stage.finish().await;

    let value = total as f64 / http_secs;
    let baseline = total as f64 / plain_secs;
    let m = Measurement::new("ingest", backend.name(), value, "logs/s", Some(baseline)).params(json!({
        "devices": cfg.ingest_devices, "batches": cfg.ingest_batches, "batch": cfg.ingest_batch, "logs": total,
        "http_s": http_secs, "plain_s": plain_secs, "plain_connections": connections,
        "plain_method": match backend { Backend::Sqlite => "one transaction per batch, one prepared statement",
                                        Backend::Postgres => "one transaction per batch, INSERT … SELECT FROM UNNEST" },
        "seed": cfg.seed,
    }));
    // Issue 16's targets: PostgreSQL ≥ 0.7 of a raw `UNNEST` insert at equal concurrency; SQLite ≥ 1.
    let (target, floor) = match backend {
        Backend::Sqlite => ("ratio >= 1", 1.0),
        Backend::Postgres => ("ratio >= 0.7", 0.7),
    };
    let met = m.ratio.is_some_and(|r| r >= floor);
    Ok(vec![m.target(target, met)])
}
