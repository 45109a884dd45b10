//! overview: the clinic overview and a child's page with N children × D days of logs, then the same with 2×
//! the history. The baseline is the first measurement: the ratio says what doubling the history costs.
//! `overview.list_vs_rollup` sets the list against reading the same rows it reads (the children, their
//! assignments and the month of logs its figures are computed from) straight from the database through
//! sqlx, in rounds alternating with the requests: the ratio is what the server adds to the reads.

use super::{Stage, login};
use crate::data::{Fam, Gen, Raw, Row, Shape, days_back, logs_for, today};
use crate::env::Backend;
use crate::{Config, Measurement, median_ms};
use chrono::TimeDelta;
use homeplay_core::ids::ClinicId;
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
    let read = RollupRead { raw: &raw, clinic };
    let (list1, child1, rows1) = measure(&therapist, &stage, &read, &sample, cfg.repeats).await?;
    let logs1 = loaded;
    loaded += load_range(&mut g, days).await?;
    let (list2, child2, rows2) = measure(&therapist, &stage, &read, &sample, cfg.repeats).await?;
    raw.close().await;
    stage.finish().await;

    let b = backend.name();
    let params = json!({"children": families.len(), "days": days, "logs_1x": logs1, "logs_2x": loaded,
        "repeats": cfg.repeats, "baseline": "the same request with half the history", "seed": cfg.seed});
    let list = Measurement::new("overview.list", b, list2, "ms", Some(list1)).params(params.clone());
    let list_met = list.ratio.is_some_and(|r| r < 1.3);
    let child = Measurement::new("overview.child", b, child2, "ms", Some(child1)).params(params);
    let child_met = child.ratio.is_some_and(|r| r < 1.3);
    let rows_params = json!({"children": families.len(), "days": 2 * days, "logs": loaded, "repeats": cfg.repeats,
        "rows_read": rows2.rows, "list_ms_1x": list1, "rollup_ms_1x": rows1.median_ms, "seed": cfg.seed,
        "baseline": "the same rows the list reads (children, assignments, the last 30 days of logs), one sqlx \
            query each on the same database, alternating with the requests"});
    let vs = Measurement::new("overview.list_vs_rollup", b, list2, "ms", Some(rows2.median_ms)).params(rows_params);
    let vs_met = vs.ratio.is_some_and(|r| r <= 3.0);
    Ok(vec![
        list.target("ratio < 1.3", list_met),
        child.target("ratio < 1.3", child_met),
        vs.target("ratio <= 3", vs_met),
    ])
}

/// The baseline of the list: the rows its figures come from, read straight from the database.
struct RollupRead<'a> {
    raw: &'a Raw,
    clinic: ClinicId,
}

struct RollupTiming {
    median_ms: f64,
    rows: usize,
}

impl RollupRead<'_> {
    /// One read of the children, their assignments and the logs of the month up to today (the list's window;
    /// a day either side covers children whose local date is not the bench's), text only: no parsing.
    async fn once(&self) -> anyhow::Result<(Duration, usize)> {
        let from = (today() - TimeDelta::days(30)).to_string();
        let to = (today() + TimeDelta::days(1)).to_string();
        let clinic = self.clinic.to_string();
        const CHILDREN: &str = "SELECT doc FROM children WHERE clinic_id = $1";
        const ASSIGNMENTS: &str = "SELECT doc FROM assignments WHERE clinic_id = $1";
        const LOGS: &str = "SELECT l.doc FROM children c JOIN logs l ON l.child_id = c.id
             WHERE c.clinic_id = $1 AND l.clinic_id = $1 AND l.occ_date >= $2 AND l.occ_date <= $3";
        let t = Instant::now();
        let mut rows = 0;
        match self.raw {
            Raw::Sqlite(pool) => {
                for sql in [CHILDREN, ASSIGNMENTS, LOGS] {
                    let q = sqlx::query_scalar::<_, String>(sql).bind(&clinic);
                    let q = if sql == LOGS { q.bind(&from).bind(&to) } else { q };
                    rows += q.fetch_all(pool).await?.len();
                }
            }
            Raw::Postgres(pool) => {
                for sql in [CHILDREN, ASSIGNMENTS, LOGS] {
                    let q = sqlx::query_scalar::<_, String>(sql).bind(&clinic);
                    let q = if sql == LOGS { q.bind(&from).bind(&to) } else { q };
                    rows += q.fetch_all(pool).await?.len();
                }
            }
        }
        Ok((t.elapsed(), rows))
    }
}

/// The median time of the overview, and of a child's page (default range) over a few children; and of the
/// list's rows read straight from the database, in rounds alternating with the list.
async fn measure(
    therapist: &reqwest::Client,
    stage: &Stage,
    read: &RollupRead<'_>,
    sample: &[&Fam],
    repeats: usize,
) -> anyhow::Result<(f64, f64, RollupTiming)> {
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
        read.once().await?;
    }
    let mut lists = Vec::new();
    let mut reads = Vec::new();
    let mut rows = 0;
    for _ in 0..repeats {
        lists.push(get("/api/v1/overview".into()).await?);
        let (took, n) = read.once().await?;
        reads.push(took);
        rows = n;
    }
    let mut children = Vec::new();
    for f in sample {
        get(format!("/api/v1/children/{}/adherence", f.child)).await?;
        for _ in 0..repeats {
            children.push(get(format!("/api/v1/children/{}/adherence", f.child)).await?);
        }
    }
    let rollup = RollupTiming { median_ms: median_ms(&mut reads), rows };
    Ok((median_ms(&mut lists), median_ms(&mut children), rollup))
}
