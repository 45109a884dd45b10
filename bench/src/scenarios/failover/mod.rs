//! failover: two server instances behind HAProxy (health-checked on `/readyz`) on one PostgreSQL, under the
//! load scenario's driver (`crate::load`: protocol devices and therapists browsing) pointed at the balancer.
//! A third of the way into the simulated hour, instance A is SIGKILLed, and started again on its port a few
//! seconds later. Measured: failed attempts per second (the blip), the time from the kill until failures stop,
//! the devices' retried attempts against their final failures, the longest run of failed requests any
//! therapist saw (the target: never two in a row), and at the end, by SQL, every log made present exactly once
//! in `logs` and in the family feed. Then the throughput of one instance against two, behind the same HAProxy,
//! in alternating rounds.

pub mod saturate;

use crate::data::{Gen, make_world};
use crate::env::{Backend, BenchDb, Server};
use crate::haproxy::{self, Haproxy};
use crate::load::{LoadOutcome, LoadPlan, clinic, drive};
use crate::{Config, Measurement};
use homeplay_core::care_team::{CareTeam, CareTeamMember, TeamRole};
use homeplay_core::skill::Discipline;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The simulated minute A is killed at (of 60), and how long it stays down in real time.
const KILL_MINUTE: u32 = 20;

pub async fn run(cfg: &Config) -> anyhow::Result<Vec<Measurement>> {
    let bin = match haproxy::binary() {
        Ok(b) => b,
        Err(why) => {
            let m = Measurement::new("failover", "postgres", 0.0, "skipped", None).params(json!({ "note": why }));
            return Ok(vec![m]);
        }
    };
    let mut g = Gen::new(cfg.seed);
    let db = BenchDb::new(Backend::Postgres, &cfg.postgres_url).await?;
    let result = stage_and_run(cfg, &mut g, &bin, &db).await;
    db.drop_db().await;
    result
}

/// When things happened, in seconds since the load's measured window opened (its failures' clock).
#[derive(Debug, Default, Clone, Copy)]
struct Timeline {
    killed: f64,
    /// From the kill until HAProxy marked A DOWN.
    detected: f64,
    restarted: f64,
    /// From the restart until HAProxy marked A UP again.
    rejoined: f64,
}

async fn stage_and_run(
    cfg: &Config,
    g: &mut Gen,
    bin: &std::path::Path,
    db: &BenchDb,
) -> anyhow::Result<Vec<Measurement>> {
    // The schema is migrated once, here, before either instance starts.
    let store = homeplay_server::store::open(&db.url).await?;
    let world = make_world(&store, g, clinic::shape(cfg.failover_devices)).await?;
    let (emails, ids): (Vec<_>, Vec<_>) =
        clinic::therapists(&store, &world, cfg.failover_therapists, "failover").await?.into_iter().unzip();
    let members: Vec<CareTeamMember> = ids
        .iter()
        .enumerate()
        .map(|(i, &therapist_id)| match i {
            0 => CareTeamMember { therapist_id, discipline: Discipline::Ot, role: TeamRole::Lead },
            _ => CareTeamMember { therapist_id, discipline: Discipline::Pt, role: TeamRole::Member },
        })
        .collect();
    // Every therapist is on every child's team, so each may open any child's page.
    for f in &world.families {
        let team = CareTeam { child_id: f.child, members: members.clone() };
        store.put_care_team(world.clinic, &team, crate::data::now_ms()).await?;
    }
    drop(store);

    let inst_a = Server::start(&db.url)?;
    let inst_b = Server::start(&db.url)?;
    let a_addr = inst_a.addr();
    let proxy = Arc::new(Haproxy::start(bin, &[("a", a_addr.clone()), ("b", inst_b.addr())]).await?);
    let base = proxy.base.clone();

    let mut plan = LoadPlan::new(cfg.failover_secs as f64, emails, cfg.failover_therapists, cfg.seed);
    // A few real seconds down, whatever the run's length: long enough for HAProxy to notice and for the
    // devices' retries to run out of backoff, short enough to leave most of the hour after the restart.
    let down_minutes = ((if cfg.quick { 1.0 } else { 4.0 }) / plan.minute().as_secs_f64()).ceil().max(1.0) as u32;
    let restart_minute = (KILL_MINUTE + down_minutes).min(plan.minutes.saturating_sub(5));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    plan.on_minute = Some(Arc::new(move |m| {
        let _ = tx.send((m, Instant::now()));
    }));

    // The failure, on the driver's clock: SIGKILL A at KILL_MINUTE, start it again on its port at
    // `restart_minute`, and note when HAProxy saw each.
    let orchestrate = async {
        let mut t = Timeline::default();
        let (mut window, mut a) = (None, Some(inst_a));
        while let Some((m, at)) = rx.recv().await {
            let opened = *window.get_or_insert(at);
            if m == KILL_MINUTE {
                let victim = a.take().ok_or_else(|| anyhow::anyhow!("no instance A to kill"))?;
                t.killed = opened.elapsed().as_secs_f64();
                tokio::task::spawn_blocking(move || victim.kill()).await??;
                t.detected = proxy.wait_status("a", "DOWN", Duration::from_secs(30)).await?.as_secs_f64();
            } else if m == restart_minute {
                t.restarted = opened.elapsed().as_secs_f64();
                let (url, addr) = (db.url.clone(), a_addr.clone());
                a = Some(tokio::task::spawn_blocking(move || Server::spawn_at(&url, &addr, &[])).await??);
                t.rejoined = proxy.wait_status("a", "UP", Duration::from_secs(60)).await?.as_secs_f64();
                return anyhow::Ok((t, a));
            }
        }
        anyhow::bail!("the load ended before instance A was restarted")
    };
    let (outcome, orchestrated) = tokio::join!(drive(std::slice::from_ref(&base), &plan, &world), orchestrate);
    let (outcome, (timeline, inst_a)) = (outcome?, orchestrated?);
    let haproxy_after = proxy.stats().await?;

    let mut out = account(cfg, &plan, db, &outcome, timeline, &haproxy_after, restart_minute).await?;

    // One instance against two: the same saturating pulls through the same HAProxy, B in and out of rotation
    // by the admin socket, in alternating rounds (two first in even rounds) so the shared machine's other work
    // weighs on both alike.
    let (clients, round, rounds) =
        if cfg.quick { (8, Duration::from_millis(500), 2) } else { (64, Duration::from_secs(4), 6) };
    let http = super::http()?;
    let tokens: Vec<String> = world.families.iter().flat_map(|f| f.devices.iter().map(|d| d.token.clone())).collect();
    let sat = saturate::with_cursors(&http, &base, tokens).await?;
    saturate::saturate(&http, &base, &sat, clients, round / 2).await;
    let (mut one, mut two, mut failed) = (Vec::new(), Vec::new(), 0);
    for r in 0..rounds {
        for both in if r % 2 == 0 { [true, false] } else { [false, true] } {
            proxy.set_enabled("b", both).await?;
            proxy.wait_status("b", if both { "UP" } else { "MAINT" }, Duration::from_secs(30)).await?;
            let (rps, f) = saturate::saturate(&http, &base, &sat, clients, round).await;
            failed += f;
            if both { two.push(rps) } else { one.push(rps) }
        }
    }
    proxy.set_enabled("b", true).await?;
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    let (two_med, one_med) = (median(&mut two), median(&mut one));
    out.push(Measurement::new("failover.throughput_2_vs_1", "postgres", two_med, "req/s", Some(one_med)).params(
        json!({
            "clients": clients, "round_s": round.as_secs_f64(), "rounds": rounds, "two": two, "one": one,
            "failed": failed, "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
            "request": "POST /api/v1/sync/pull from the device's cursor (nothing new), back to back",
            "baseline": "the same with B out of rotation (HAProxy `disable server`), rounds alternating",
            "seed": cfg.seed,
        }),
    ));
    drop(proxy);
    drop(inst_a);
    drop(inst_b);
    Ok(out)
}

/// The run's figures: exactly once by SQL, the blip, the recovery, retries, therapists' failures in a row.
async fn account(
    cfg: &Config,
    plan: &LoadPlan,
    db: &BenchDb,
    outcome: &LoadOutcome,
    t: Timeline,
    haproxy_after: &[haproxy::ServerStat],
    restart_minute: u32,
) -> anyhow::Result<Vec<Measurement>> {
    // Exactly once: every log a device made and had acknowledged is in `logs` once and in the family feed once
    // (both keyed so that a second copy cannot exist: the check is that none is missing and nothing is there
    // that no device made); an unacknowledged one may be there or not, but once at most.
    let made: HashSet<String> = outcome.made.iter().map(ToString::to_string).collect();
    let unacked: HashSet<String> = outcome.unacked.iter().map(ToString::to_string).collect();
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect(&db.url).await?;
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT id, count(*) FROM logs GROUP BY id").fetch_all(&pool).await?;
    let feed: Vec<(String, i64)> =
        sqlx::query_as("SELECT entity_id, count(*) FROM feed WHERE entity = 'log' GROUP BY entity_id")
            .fetch_all(&pool)
            .await?;
    pool.close().await;
    let in_db: HashMap<String, i64> = rows.into_iter().collect();
    let in_feed: HashMap<String, i64> = feed.into_iter().collect();
    let acked: Vec<&String> = made.iter().filter(|id| !unacked.contains(*id)).collect();
    let lost = acked.iter().filter(|id| !in_db.contains_key(**id)).count();
    let missing_in_feed = acked.iter().filter(|id| !in_feed.contains_key(**id)).count();
    let duplicated = in_db.values().filter(|n| **n > 1).count() + in_feed.values().filter(|n| **n > 1).count();
    let unexpected = in_db.keys().filter(|id| !made.contains(*id)).count();
    let once = acked.iter().filter(|id| in_db.get(**id) == Some(&1) && in_feed.get(**id) == Some(&1)).count();

    // The blip: failed attempts per second of the window, and the last one after the kill.
    let secs = outcome.wall_secs.ceil() as usize + 1;
    let mut per_sec = vec![0u64; secs];
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    for f in &outcome.failures {
        if let Some(n) = per_sec.get_mut(f.at_secs as usize) {
            *n += 1;
        }
        // `transport: error sending request…`, `http 502: …`: the kind up to its first detail.
        let kind: String = f.kind.split([':', '(']).take(2).collect::<Vec<_>>().join(":");
        *kinds.entry(format!("{} {}", f.endpoint, kind.trim())).or_default() += 1;
    }
    let after_kill: Vec<f64> = outcome.failures.iter().map(|f| f.at_secs).filter(|s| *s >= t.killed).collect();
    let recovery_ms = after_kill
        .iter()
        .copied()
        .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))))
        .map_or(0.0, |last| (last - t.killed) * 1000.0);
    let blip_ms = match (after_kill.iter().copied().reduce(f64::min), after_kill.iter().copied().reduce(f64::max)) {
        (Some(first), Some(last)) => (last - first) * 1000.0,
        _ => 0.0,
    };
    let device = |e: &str| e.contains("/sync/");
    let device_retried: u64 = outcome.endpoints.iter().filter(|(e, _)| device(e)).map(|(_, s)| s.retried).sum();
    let device_failed: u64 = outcome.endpoints.iter().filter(|(e, _)| device(e)).map(|(_, s)| s.failed).sum();
    let therapist_errors: u64 = outcome.endpoints.iter().filter(|(e, _)| !device(e)).map(|(_, s)| s.errors()).sum();
    let endpoints: serde_json::Map<String, serde_json::Value> = outcome
        .endpoints
        .iter()
        .map(|(e, s)| {
            let v = json!({"requests": s.count(), "p50_ms": s.p50_ms(), "p99_ms": s.p99_ms(),
                           "retried": s.retried, "failed": s.failed});
            (e.clone(), v)
        })
        .collect();
    let ha: Vec<_> = haproxy_after
        .iter()
        .map(|s| {
            json!({"server": s.name, "status": s.status, "sessions": s.sessions, "retries": s.retries,
                   "redispatches": s.redispatches, "response_errors": s.response_errors,
                   "connect_errors": s.connect_errors})
        })
        .collect();
    let r1 = |x: f64| (x * 10.0).round() / 10.0;
    let params = json!({
        "devices": outcome.devices, "offline_devices": outcome.offline_devices, "therapists": plan.therapists,
        "seconds": plan.seconds, "simulated_minutes": plan.minutes, "kill_minute": KILL_MINUTE,
        "restart_minute": restart_minute, "killed_at_s": r1(t.killed), "restarted_at_s": r1(t.restarted),
        "requests": outcome.requests(), "errors": outcome.errors(), "failed": outcome.failed(),
        "errors_per_second": per_sec, "error_kinds": kinds, "endpoints": endpoints, "haproxy": ha,
        "retry_policy": "HAProxy: retry-on conn-failure empty-response, retries 2, option redispatch 1; devices: \
                         the load driver's (transport errors, 5xx, 429 retried with doubling backoff and jitter, \
                         8 attempts); therapists: none (a failed request is what they see)",
        "seed": cfg.seed, "zero_ok": true,
    });
    let with = |extra: serde_json::Value| {
        let mut p = params.clone();
        if let (Some(p), Some(e)) = (p.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        p
    };
    let b = "postgres";
    let exactly = lost == 0 && duplicated == 0 && missing_in_feed == 0 && unexpected == 0 && once == acked.len();
    Ok(vec![
        Measurement::new("failover.logs_exactly_once", b, once as f64, "logs", Some(acked.len() as f64))
            .params(with(json!({"made": made.len(), "acked": acked.len(), "unacked": unacked.len(), "lost": lost,
                                "duplicated": duplicated, "missing_in_feed": missing_in_feed,
                                "unexpected": unexpected, "rejected": outcome.rejected})))
            .target("0 lost, 0 duplicated", exactly && !acked.is_empty()),
        Measurement::new("failover.errors", b, outcome.errors() as f64, "attempts", Some(outcome.requests() as f64))
            .params(with(json!({"blip_ms": r1(blip_ms), "what": "failed attempts, retried or final, against requests"}))),
        Measurement::new("failover.recovery", b, r1(recovery_ms), "ms", None)
            .params(with(json!({"what": "from the SIGKILL to the last failed attempt (0: none failed)"}))),
        Measurement::new("failover.device_final_failures", b, device_failed as f64, "requests", None)
            .params(with(json!({"retried_attempts": device_retried, "unacked_logs": unacked.len()})))
            .target("0 (devices recover by retry)", device_failed == 0 && unacked.is_empty()),
        Measurement::new("failover.therapist_failures_in_a_row", b, f64::from(outcome.therapist_max_consecutive_failures), "requests", None)
            .params(with(json!({"therapist_errors": therapist_errors, "what": "the longest run of failed requests any therapist saw"})))
            .target("< 2", outcome.therapist_max_consecutive_failures < 2),
        Measurement::new("failover.detect_down", b, r1(t.detected * 1000.0), "ms", None)
            .params(with(json!({"what": "from the SIGKILL until HAProxy marks A DOWN (two failed /readyz checks)"}))),
        Measurement::new("failover.rejoin", b, r1(t.rejoined * 1000.0), "ms", None)
            .params(with(json!({"what": "from the restart (process start, database opened, listening) until HAProxy marks A UP"}))),
    ])
}
