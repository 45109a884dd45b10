//! catch-up: one device offline for 90 days with 5 assignments × 2 a day syncs everything (pushes its 900
//! logs, pulls the family's state). Bytes are counted at a TCP proxy between device and server, headers
//! included. Baseline: the logs' own JSON, uncompressed. Two clients: the device engine as it is, and a
//! protocol client that also gzips its request bodies (the protocol allows `Content-Encoding: gzip`).

use super::{Stage, http};
use crate::data::{Gen, Shape, log, now_ms, today};
use crate::env::{Backend, CountingProxy};
use crate::{Config, Measurement};
use chrono::TimeDelta;
use flate2::Compression;
use flate2::write::GzEncoder;
use homeplay_core::log::{CompletionLog, Occurrence, Outcome};
use homeplay_core::pairing::PairingCode;
use homeplay_core::sync::{PROTOCOL_VERSION, PullRequest, PushRequest};
use homeplay_device::{By, Details, Engine, Tick};
use homeplay_server::auth::tokens::sha256_hex;
use serde_json::{Value, json};
use std::io::Write;
use std::time::Instant;

pub async fn run(cfg: &Config, backend: Backend) -> anyhow::Result<Vec<Measurement>> {
    let mut g = Gen::new(cfg.seed);
    let days = cfg.catchup_days;
    let shape = Shape {
        families: 2,
        assignments: 5,
        slots: 2,
        devices_per_family: 0,
        start: today() - TimeDelta::days(days + 7),
    };
    let stage = Stage::new(cfg, backend, &mut g, shape).await?;
    let proxy = CountingProxy::start(stage.server.addr()).await?;
    let dates: Vec<_> = (0..days).rev().map(|d| today() - TimeDelta::days(d + 1)).collect();
    let b = backend.name();

    // 1. The device engine: paired and synced before going offline, then 90 days of ticks recorded locally.
    let fam = stage.world.families[0].clone();
    let dir = tempfile::tempdir()?;
    let engine = Engine::open(dir.path()).await?;
    let code = PairingCode::from_random_bytes([1, 2, 3, 4, 5]);
    let now = now_ms();
    stage
        .store
        .insert_pairing_code(
            &sha256_hex(code.as_str()),
            stage.world.clinic,
            fam.family,
            stage.world.therapist,
            now,
            now + 900_000,
        )
        .await?;
    engine.pair(&proxy.base, code.as_str(), "Kitchen laptop").await?;
    engine.set_caregiver(homeplay_core::text::Name::new("Mum")?).await?;
    engine.sync_once().await?;
    for date in &dates {
        for (a, e) in &fam.assignments {
            for slot in 0..fam.slots {
                engine
                    .record(Tick {
                        child_id: fam.child,
                        assignment_id: *a,
                        exercise_id: *e,
                        occurrence: Occurrence { date: *date, slot },
                        outcome: Outcome::Done,
                        details: Details::default(),
                        by: By::Caregiver,
                    })
                    .await?;
            }
        }
    }
    let logs = engine.all_logs().await?;
    let n = logs.len();
    let plain_per_log = json_bytes(&logs)? as f64 / n as f64;
    proxy.reset();
    let started = Instant::now();
    let report = engine.sync_once().await?;
    let engine_secs = started.elapsed().as_secs_f64();
    let (up, down) = proxy.counts();
    anyhow::ensure!(report.pushed as usize == n, "pushed {} of {n}", report.pushed);
    let engine_per_log = (up + down) as f64 / n as f64;

    // 2. A protocol client that gzips its pushes too, for another family with the same program and history.
    let fam2 = stage.world.families[1].clone();
    let dev = crate::data::pair_device(
        &stage.store,
        &mut g,
        stage.world.clinic,
        fam2.family,
        stage.world.therapist,
        "Laptop",
        now_ms(),
    )
    .await?;
    let mut logs2 = Vec::new();
    for date in &dates {
        for (a, e) in &fam2.assignments {
            for slot in 0..fam2.slots {
                let mut l = log(&mut g, fam2.child, *a, *e, dev.id, *date, slot);
                l.outcome = Outcome::Done;
                logs2.push(l);
            }
        }
    }
    let client = http()?;
    proxy.reset();
    let started = Instant::now();
    for chunk in logs2.chunks(PushRequest::MAX_LOGS) {
        let body = serde_json::to_vec(&PushRequest { logs: chunk.to_vec(), ..PushRequest::empty(PROTOCOL_VERSION) })?;
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(&body)?;
        let resp = client
            .post(format!("{}/api/v1/sync/push", proxy.base))
            .bearer_auth(&dev.token)
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            .body(gz.finish()?)
            .send()
            .await?;
        anyhow::ensure!(resp.status().is_success(), "gzip push: {}", resp.status());
    }
    let mut cursor = None;
    let mut pulled = 0;
    loop {
        let body = PullRequest { protocol: PROTOCOL_VERSION, cursor: cursor.clone(), limit: None, language: None };
        let page: Value = client
            .post(format!("{}/api/v1/sync/pull", proxy.base))
            .bearer_auth(&dev.token)
            .json(&body)
            .send()
            .await?
            .json()
            .await?;
        pulled += page["changes"].as_array().map_or(0, Vec::len);
        cursor = page["cursor"].as_str().map(homeplay_core::sync::Cursor::new).transpose()?;
        if page["more"] != json!(true) {
            break;
        }
    }
    let gzip_secs = started.elapsed().as_secs_f64();
    let (up2, down2) = proxy.counts();
    let n2 = logs2.len();
    let gzip_per_log = (up2 + down2) as f64 / n2 as f64;
    let plain2_per_log = json_bytes(&logs2)? as f64 / n2 as f64;
    drop(engine);
    stage.finish().await;

    let params = json!({"days": days, "assignments": 5, "per_day": 2, "logs": n, "bytes_up": up, "bytes_down": down,
        "pulled": report.pulled, "seconds": engine_secs, "baseline": "the logs' JSON, uncompressed", "seed": cfg.seed});
    let engine_m =
        Measurement::new("catch_up.bytes_per_log", b, engine_per_log, "B/log", Some(plain_per_log)).params(params);
    let gzip_params = json!({"days": days, "logs": n2, "bytes_up": up2, "bytes_down": down2, "pulled": pulled,
        "seconds": gzip_secs, "client": "protocol client, gzip request and response bodies", "seed": cfg.seed});
    let gzip_m = Measurement::new("catch_up_gzip.bytes_per_log", b, gzip_per_log, "B/log", Some(plain2_per_log))
        .params(gzip_params);
    Ok(vec![
        engine_m.clone().target("< 100 B/log", engine_per_log < 100.0),
        Measurement::new("catch_up.time", b, engine_secs * 1000.0, "ms", None)
            .params(json!({"logs": n, "client": "device engine sync_once: push, then pull until caught up"})),
        gzip_m.target("< 100 B/log", gzip_per_log < 100.0),
        Measurement::new("catch_up_gzip.time", b, gzip_secs * 1000.0, "ms", None).params(json!({"logs": n2})),
    ])
}

fn json_bytes(logs: &[CompletionLog]) -> anyhow::Result<usize> {
    let mut total = 0;
    for l in logs {
        total += serde_json::to_vec(l)?.len();
    }
    Ok(total)
}
