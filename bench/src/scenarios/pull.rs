//! pull: many devices at once, each pulling an incremental change set (steady state: a few changes since its
//! cursor). Baseline: the server's trivial `/healthz` under the same load, same clients, same concurrency.

use super::{Stage, http};
use crate::data::{Gen, Shape, days_back, logs_for, now_ms, today};
use crate::env::Backend;
use crate::{Config, Measurement, percentile_ms};
use chrono::TimeDelta;
use homeplay_core::sync::{PROTOCOL_VERSION, PullRequest};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub async fn run(cfg: &Config, backend: Backend) -> anyhow::Result<Vec<Measurement>> {
    let mut g = Gen::new(cfg.seed);
    let shape = Shape {
        families: cfg.pull_devices,
        assignments: 5,
        slots: 2,
        devices_per_family: 1,
        start: today() - TimeDelta::days(60),
    };
    let stage = Stage::new(cfg, backend, &mut g, shape).await?;
    let clinic = stage.world.clinic;
    // Two weeks of history per family, pushed through the store so it is in the feed.
    for f in &stage.world.families {
        let logs = logs_for(&mut g, f, f.devices[0].id, days_back(14, 1));
        stage.store.push_logs(f.family, clinic, &logs, now_ms()).await?;
    }
    // Each device catches up once, over HTTP, and keeps its cursor.
    let client = http()?;
    let pull_url = stage.server.url("/api/v1/sync/pull");
    let mut cursors = Vec::new();
    for f in &stage.world.families {
        let mut cursor: Option<String> = None;
        loop {
            let body = PullRequest {
                protocol: PROTOCOL_VERSION,
                cursor: cursor.clone().map(homeplay_core::sync::Cursor::new).transpose()?,
                limit: None,
                language: None,
            };
            let page: Value =
                client.post(&pull_url).bearer_auth(&f.devices[0].token).json(&body).send().await?.json().await?;
            cursor = page["cursor"].as_str().map(str::to_owned);
            if page["more"] != json!(true) {
                break;
            }
        }
        cursors.push(cursor.unwrap_or_default());
    }
    // A few changes since: yesterday's practice, logged by another caregiver.
    for f in &stage.world.families {
        let mut logs = logs_for(&mut g, f, f.devices[0].id, days_back(1, 0));
        logs.truncate(cfg.pull_changes);
        stage.store.push_logs(f.family, clinic, &logs, now_ms()).await?;
    }

    let devices: Arc<Vec<(String, String)>> =
        Arc::new(stage.world.families.iter().zip(cursors).map(|(f, c)| (f.devices[0].token.clone(), c)).collect());
    let health_url = stage.server.url("/healthz");
    // Warm up both paths (connections, caches), then measure the baseline and the pull in alternating rounds
    // (baseline first in even rounds, pull first in odd ones), so that whatever else the shared machine is
    // doing meanwhile weighs on both alike.
    load(&client, &devices, &health_url, &pull_url, 1, false).await?;
    load(&client, &devices, &health_url, &pull_url, 1, true).await?;
    let rounds = cfg.pull_requests.clamp(1, 6);
    let (mut health, mut health_secs, mut pulls, mut pull_secs) = (Vec::new(), 0.0, Vec::new(), 0.0);
    for round in 0..rounds {
        let each = cfg.pull_requests / rounds + usize::from(round < cfg.pull_requests % rounds);
        for pull in if round % 2 == 0 { [false, true] } else { [true, false] } {
            let (times, secs) = load(&client, &devices, &health_url, &pull_url, each, pull).await?;
            if pull {
                pulls.extend(times);
                pull_secs += secs;
            } else {
                health.extend(times);
                health_secs += secs;
            }
        }
    }
    health.sort();
    pulls.sort();
    stage.finish().await;

    let n = health.len();
    let params = json!({
        "devices": cfg.pull_devices, "requests_each": cfg.pull_requests, "changes_each": cfg.pull_changes,
        "requests": n, "rounds": rounds, "seed": cfg.seed,
        "baseline": "GET /healthz, same clients and concurrency, in rounds alternating with the pulls",
    });
    let b = backend.name();
    let p99 = Measurement::new("pull.p99", b, percentile_ms(&pulls, 99.0), "ms", Some(percentile_ms(&health, 99.0)))
        .params(params.clone());
    let met = p99.ratio.is_some_and(|r| r <= 3.0);
    Ok(vec![
        p99.target("ratio <= 3", met),
        Measurement::new("pull.p50", b, percentile_ms(&pulls, 50.0), "ms", Some(percentile_ms(&health, 50.0)))
            .params(params.clone()),
        Measurement::new("pull.throughput", b, n as f64 / pull_secs, "req/s", Some(n as f64 / health_secs))
            .params(params),
    ])
}

/// Every device at once, each sending `each` requests one after another; returns the sorted latencies and
/// the wall time.
async fn load(
    client: &reqwest::Client,
    devices: &Arc<Vec<(String, String)>>,
    health_url: &str,
    pull_url: &str,
    each: usize,
    pull: bool,
) -> anyhow::Result<(Vec<Duration>, f64)> {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..devices.len() {
        let (client, devices) = (client.clone(), devices.clone());
        let (health_url, pull_url) = (health_url.to_owned(), pull_url.to_owned());
        tasks.spawn(async move {
            let (token, cursor) = &devices[i];
            let body = json!({"protocol": PROTOCOL_VERSION, "cursor": cursor});
            let mut times = Vec::with_capacity(each);
            for _ in 0..each {
                let t = Instant::now();
                let resp = if pull {
                    client.post(&pull_url).bearer_auth(token).json(&body).send().await?
                } else {
                    client.get(&health_url).send().await?
                };
                anyhow::ensure!(resp.status().is_success(), "{}", resp.status());
                let bytes = resp.bytes().await?;
                times.push(t.elapsed());
                anyhow::ensure!(!bytes.is_empty(), "empty answer");
            }
            Ok(times)
        });
    }
    let mut all = Vec::new();
    while let Some(r) = tasks.join_next().await {
        all.extend(r??);
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort();
    Ok((all, secs))
}
