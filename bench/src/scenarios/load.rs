//! load: a clinic network's working hour compressed into a bounded run: every paired device a real protocol
//! client (pull every simulated minute, a few pushes, some offline then catching up), therapists browsing the
//! dashboard, against one server. Reports per endpoint p50/p99 and errors (baseline: `/healthz` probed
//! through the same run), server RSS at the start, at minute 2 and at the end, database growth per log
//! (baseline: the log's own JSON), and checks that every log made is stored exactly once, by count and by id.

use super::Stage;
use crate::data::{Gen, Raw};
use crate::env::{Backend, BenchDb};
use crate::load::{LoadPlan, clinic, drive};
use crate::{Config, Measurement, percentile_ms};
use homeplay_core::care_team::{CareTeam, CareTeamMember, TeamRole};
use homeplay_core::skill::Discipline;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub async fn run(cfg: &Config, backend: Backend) -> anyhow::Result<Vec<Measurement>> {
    let mut g = Gen::new(cfg.seed);
    let setup = Instant::now();
    let stage = Stage::new(cfg, backend, &mut g, clinic::shape(cfg.load_devices)).await?;
    let (emails, ids): (Vec<_>, Vec<_>) =
        clinic::therapists(&stage.store, &stage.world, cfg.load_therapists, "load").await?.into_iter().unzip();
    // Caseloads: the bench's first therapist leads every child's care team (and sees the whole clinic); each
    // other therapist is on the team of every `therapists`-th child and browses those.
    let mut caseloads = vec![Vec::new(); ids.len()];
    let now = crate::data::now_ms();
    for (i, f) in stage.world.families.iter().enumerate() {
        let j = i % ids.len();
        caseloads[j].push(f.child);
        if j != 0 {
            caseloads[0].push(f.child);
            let members = vec![
                CareTeamMember { therapist_id: ids[0], discipline: Discipline::Ot, role: TeamRole::Lead },
                CareTeamMember { therapist_id: ids[j], discipline: Discipline::Pt, role: TeamRole::Member },
            ];
            stage.store.put_care_team(stage.world.clinic, &CareTeam { child_id: f.child, members }, now).await?;
        }
    }
    eprintln!(
        "   load: {} families, {} devices, {} therapists set up in {:.1}s",
        stage.world.families.len(),
        stage.world.families.iter().map(|f| f.devices.len()).sum::<usize>(),
        emails.len(),
        setup.elapsed().as_secs_f64()
    );
    let raw = Raw::connect(&stage.db.url, 2).await?;
    let size_before = db_size(&raw, &stage.db).await?;
    let audit_before = audit_rows(&raw).await?;

    let mut plan = LoadPlan::new(cfg.load_seconds as f64, emails, cfg.load_therapists, cfg.seed);
    plan.therapist_children = caseloads;
    let pid = stage.server.pid();
    plan.rss = Some(Arc::new(move || rss_kib(pid)));
    // The baseline: the server's trivial `/healthz`, probed all through the run on the same machine.
    let probe = {
        let (url, every, stop) = (stage.server.url("/healthz"), plan.minute() / 10, plan.seconds);
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let until = Instant::now() + Duration::from_secs_f64(stop);
            let mut times = Vec::new();
            while Instant::now() < until {
                let t = Instant::now();
                if http.get(&url).send().await.is_ok_and(|r| r.status().is_success()) {
                    times.push(t.elapsed());
                }
                tokio::time::sleep(every).await;
            }
            times.sort();
            times
        })
    };
    let outcome = drive(std::slice::from_ref(&stage.server.base), &plan, &stage.world).await?;
    let health = probe.await?;

    // Every log made is stored exactly once: by count and by id.
    let stored = stored_log_ids(&raw, &stage.world.clinic.to_string()).await?;
    let mut seen: HashMap<String, u32> = HashMap::with_capacity(stored.len());
    for id in &stored {
        *seen.entry(id.clone()).or_default() += 1;
    }
    let lost = outcome.made.iter().filter(|id| !seen.contains_key(&id.to_string())).count();
    let duplicated = seen.values().filter(|n| **n > 1).count();
    let made: std::collections::HashSet<String> = outcome.made.iter().map(ToString::to_string).collect();
    let unexpected = seen.keys().filter(|id| !made.contains(*id)).count();
    let size_after = db_size(&raw, &stage.db).await?;
    let audit_added = audit_rows(&raw).await?.saturating_sub(audit_before);
    raw.close().await;
    stage.finish().await;

    let b = backend.name();
    let n = outcome.made.len();
    let hp99 = percentile_ms(&health, 99.0);
    let hp50 = percentile_ms(&health, 50.0);
    let common = json!({"devices": outcome.devices, "offline_devices": outcome.offline_devices,
        "therapists": cfg.load_therapists, "seconds": cfg.load_seconds, "simulated_minutes": plan.minutes,
        "seed": cfg.seed});
    let mut out = Vec::new();
    for (endpoint, e) in &outcome.endpoints {
        let params = json!({"endpoint": endpoint, "requests": e.count(), "errors": e.errors(),
            "retried": e.retried, "failed": e.failed, "p50_ms": e.p50_ms(), "p99_ms": e.p99_ms(),
            "note": format!("{endpoint} ({} req, {} err)", e.count(), e.errors()),
            "baseline": "GET /healthz probed through the same run"});
        if e.latencies.is_empty() {
            continue;
        }
        out.push(Measurement::new("load.p50", b, e.p50_ms(), "ms", Some(hp50)).params(params.clone()));
        out.push(Measurement::new("load.p99", b, e.p99_ms(), "ms", Some(hp99)).params(params));
    }
    let errors = outcome.errors();
    let failure_kinds: Vec<String> =
        outcome.failures.iter().take(20).map(|f| format!("{}: {}", f.endpoint, f.kind)).collect();
    out.push(
        Measurement::new("load.errors", b, errors as f64, "count", None)
            .params(json!({"zero_ok": true, "retried": outcome.endpoints.values().map(|e| e.retried).sum::<u64>(),
                "failed": outcome.failed(), "rejected": outcome.rejected, "requests": outcome.requests(),
                "therapist_max_consecutive_failures": outcome.therapist_max_consecutive_failures,
                "first_failures": failure_kinds}))
            .target("== 0", errors == 0),
    );
    let mut params = common;
    if let Some(p) = params.as_object_mut() {
        p.insert("requests".into(), outcome.requests().into());
        p.insert("wall_s".into(), outcome.wall_secs.into());
        p.insert("warmup_s".into(), outcome.warmup_secs.into());
        p.insert("healthz_probes".into(), health.len().into());
    }
    out.push(
        Measurement::new("load.throughput", b, outcome.requests() as f64 / outcome.wall_secs, "req/s", None)
            .params(params),
    );
    // RSS: at the start, at minute 2, at the end; the target is growth from minute 2 to the end.
    let at = |m: u32| outcome.rss_kib.iter().find(|(k, _)| *k >= m).map(|(_, v)| *v as f64 / 1024.0);
    let end_rss = outcome.rss_kib.last().map(|(_, v)| *v as f64 / 1024.0);
    if let (Some(start), Some(m2), Some(end)) = (at(0), at(2), end_rss) {
        let m = Measurement::new("load.rss", b, end, "MiB", Some(m2)).params(
            json!({"start_mib": start, "minute2_mib": m2, "end_mib": end,
                "growth_pct": (end / m2 - 1.0) * 100.0, "baseline": "RSS at simulated minute 2",
                "samples": outcome.rss_kib.len(),
                // Every tenth sample (simulated minute, MiB): whether growth levels off or keeps on.
                "series_mib": outcome.rss_kib.iter().step_by(10).chain(outcome.rss_kib.last())
                    .map(|(k, v)| (*k, (*v as f64 / 1024.0).round())).collect::<Vec<_>>()}),
        );
        let met = m.ratio.is_some_and(|r| r < 1.10);
        out.push(m.target("ratio < 1.10", met));
    }
    if n > 0 {
        let grew = size_after.saturating_sub(size_before) as f64;
        let json_per_log = outcome.log_json_bytes as f64 / n as f64;
        out.push(
            Measurement::new(
                "load.db_growth",
                b,
                (grew / n as f64).max(f64::MIN_POSITIVE),
                "B/log",
                Some(json_per_log),
            )
            .params(json!({"bytes_before": size_before, "bytes_after": size_after, "logs": n,
                    "audit_rows_added": audit_added,
                    "measured": match backend { Backend::Sqlite => "db file + WAL after a TRUNCATE checkpoint",
                                                Backend::Postgres => "pg_database_size" },
                    "baseline": "the log's own JSON"})),
        );
    }
    let check = json!({"made": n, "stored": stored.len(), "unacked": outcome.unacked.len(),
        "unexpected": unexpected, "zero_ok": true});
    out.push(
        Measurement::new("load.logs", b, n as f64, "logs", None)
            .params(check.clone())
            .target("stored == made", stored.len() == n),
    );
    out.push(
        Measurement::new("load.lost", b, lost as f64, "logs", None).params(check.clone()).target("== 0", lost == 0),
    );
    out.push(
        Measurement::new("load.duplicated", b, (duplicated + unexpected) as f64, "logs", None)
            .params(check)
            .target("== 0", duplicated + unexpected == 0),
    );
    anyhow::ensure!(
        lost == 0 && duplicated == 0 && unexpected == 0 && stored.len() == n,
        "load on {b}: {n} logs made, {} stored: {lost} lost, {duplicated} duplicated, {unexpected} unexpected",
        stored.len()
    );
    Ok(out)
}

/// The server's resident memory, in KiB, from `/proc/<pid>/status`.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The database's size on disk: SQLite's file and WAL after a checkpoint, PostgreSQL's `pg_database_size`.
async fn db_size(raw: &Raw, db: &BenchDb) -> anyhow::Result<u64> {
    match raw {
        Raw::Sqlite(pool) => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await?;
            let dir = db.dir().ok_or_else(|| anyhow::anyhow!("a SQLite database without a folder"))?;
            let mut total = 0;
            for name in ["homeplay.db", "homeplay.db-wal"] {
                total += std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
            }
            Ok(total)
        }
        Raw::Postgres(pool) => {
            let (bytes,): (i64,) =
                sqlx::query_as("SELECT pg_database_size(current_database())").fetch_one(pool).await?;
            Ok(u64::try_from(bytes).unwrap_or(0))
        }
    }
}

/// Audit lines: the therapists' reads of child records write them into the same database during the run,
/// so they are part of the growth a log is charged with.
async fn audit_rows(raw: &Raw) -> anyhow::Result<u64> {
    let n: i64 = match raw {
        Raw::Sqlite(pool) => sqlx::query_scalar("SELECT COUNT(*) FROM audit").fetch_one(pool).await?,
        Raw::Postgres(pool) => sqlx::query_scalar("SELECT COUNT(*) FROM audit").fetch_one(pool).await?,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Every stored log id of the clinic, one per row (so a duplicate would show twice).
async fn stored_log_ids(raw: &Raw, clinic: &str) -> anyhow::Result<Vec<String>> {
    Ok(match raw {
        Raw::Sqlite(pool) => {
            sqlx::query_scalar("SELECT id FROM logs WHERE clinic_id = ?1").bind(clinic).fetch_all(pool).await?
        }
        Raw::Postgres(pool) => {
            sqlx::query_scalar("SELECT id FROM logs WHERE clinic_id = $1").bind(clinic).fetch_all(pool).await?
        }
    })
}
