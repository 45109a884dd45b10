//! overview: the clinic overview and a child's page with N children × D days of logs, then the same with 2×
//! the history. The baseline is the first measurement: the ratio says what doubling the history costs.

use super::{Stage, login};
use crate::data::{Fam, Gen, Raw, Row, Shape, days_back, logs_for, today};
use crate::env::Backend;
use crate::{Config, Measurement, median_ms};
use chrono::TimeDelta;
use homeplay_core::ids::DeviceId;
use serde_json::json;
use std::time::{Duration, Instant};

pub async fn run(cfg: &Config, backend: Backend) -> anyhow::Result<Vec<Measurement>> {
    let mut g = Gen::new(cfg.seed);
    let days = cfg.overview_days;
    let shape = Shape {
        families: cfg.overview_children,
        assignments: 3,
        slots: 2,
        devices_per_family: 0,
        start: today() - TimeDelta::days(2 * days + 1),
    };
    let setup = Instant::now();
    let stage = Stage::new(cfg, backend, &mut g, shape).await?;
    let raw = Raw::connect(&stage.db.url, 2).await?;
    let device = DeviceId(g.uuid_v7(crate::data::now_ms()));
    let clinic = stage.world.clinic;
    let families = stage.world.families.clone();
    let mut loaded = 0;
    // Generated and loaded a slice of children at a time, so a million logs never sit in memory at once.
    let load_range = async |g: &mut Gen, skip: i64| -> anyhow::Result<usize> {
        let mut n = 0;
        for chunk in families.chunks(50) {
            let mut rows = Vec::new();
            for f in chunk {
                for l in logs_for(g, f, device, days_back(days, skip)) {
                    rows.push(Row::new(clinic, f.family, l)?);
                }
            }
            n += rows.len();
            raw.load(&rows).await?;
        }
        raw.settle().await?;
        Ok(n)
    };
    loaded += load_range(&mut g, 0).await?;
    let setup_secs = setup.elapsed().as_secs_f64();
    eprintln!("   overview: {} children, {loaded} logs loaded in {setup_secs:.1}s", families.len());
    let therapist = login(&stage.server, &stage.world.email).await?;
    let sample: Vec<&Fam> = families.iter().take(5).collect();
    let (list1, child1) = measure(&therapist, &stage, &sample, cfg.repeats).await?;
    let logs1 = loaded;
    loaded += load_range(&mut g, days).await?;
    let (list2, child2) = measure(&therapist, &stage, &sample, cfg.repeats).await?;
    raw.close().await;
    stage.finish().await;

    let b = backend.name();
    let params = json!({"children": families.len(), "days": days, "logs_1x": logs1, "logs_2x": loaded,
        "repeats": cfg.repeats, "baseline": "the same request with half the history", "seed": cfg.seed});
    let list = Measurement::new("overview.list", b, list2, "ms", Some(list1)).params(params.clone());
    let list_met = list.ratio.is_some_and(|r| r < 1.3);
    let child = Measurement::new("overview.child", b, child2, "ms", Some(child1)).params(params);
    let child_met = child.ratio.is_some_and(|r| r < 1.3);
    Ok(vec![list.target("ratio < 1.3", list_met), child.target("ratio < 1.3", child_met)])
}

/// The median time of the overview, and of a child's page (default range) over a few children.
async fn measure(
    therapist: &reqwest::Client,
    stage: &Stage,
    sample: &[&Fam],
    repeats: usize,
) -> anyhow::Result<(f64, f64)> {
    let get = async |path: String| -> anyhow::Result<Duration> {
        let t = Instant::now();
        let resp = therapist.get(stage.server.url(&path)).send().await?;
        anyhow::ensure!(resp.status().is_success(), "{path}: {}", resp.status());
        let body = resp.bytes().await?;
        anyhow::ensure!(!body.is_empty(), "{path}: empty");
        Ok(t.elapsed())
    };
    // Warm up: caches, connections, the first query plans.
    for _ in 0..2 {
        get("/api/v1/overview".into()).await?;
    }
    let mut lists = Vec::new();
    for _ in 0..repeats {
        lists.push(get("/api/v1/overview".into()).await?);
    }
    let mut children = Vec::new();
    for f in sample {
        get(format!("/api/v1/children/{}/adherence", f.child)).await?;
        for _ in 0..repeats {
            children.push(get(format!("/api/v1/children/{}/adherence", f.child)).await?);
        }
    }
    Ok((median_ms(&mut lists), median_ms(&mut children)))
}
