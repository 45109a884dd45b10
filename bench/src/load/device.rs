//! A simulated family device: a real protocol client on its own schedule. Each simulated minute (with jitter)
//! it records what the family did now and then, pushes its outbox, then pulls until caught up; some devices
//! go offline for a stretch, queueing what they record, and catch up when they come back.

use super::stats::Recorder;
use super::{LoadPlan, send};
use crate::data::{Fam, Gen, World, log, today};
use chrono::TimeDelta;
use homeplay_core::ids::{DeviceId, LogId};
use homeplay_core::log::CompletionLog;
use homeplay_core::sync::{Cursor, PROTOCOL_VERSION, PullRequest, PushRequest, PushResponse};
use tokio::time::Instant;

pub(crate) const PULL: &str = "POST /api/v1/sync/pull";
pub(crate) const PUSH: &str = "POST /api/v1/sync/push";

/// One device of the world, and what the plan makes of it.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub base: String,
    pub token: String,
    pub id: DeviceId,
    pub fam: Fam,
    /// Simulated minutes `[from, to)` the device is offline.
    pub offline: Option<(u32, u32)>,
    pub seed: u64,
}

pub(crate) fn specs(bases: &[String], plan: &LoadPlan, world: &World) -> Vec<Spec> {
    let mut rng = fastrand::Rng::with_seed(plan.seed ^ 0x10ad);
    let mut out = Vec::new();
    for fam in &world.families {
        for dev in &fam.devices {
            let index = out.len();
            let offline = (rng.f64() < plan.offline_share).then(|| {
                let (lo, hi) = plan.offline_minutes;
                let len = rng.u32(lo.min(hi)..=hi.max(lo)).min(plan.minutes.saturating_sub(1));
                let from = rng.u32(0..=plan.minutes.saturating_sub(len + 1));
                (from, from + len)
            });
            out.push(Spec {
                base: bases[index % bases.len()].clone(),
                token: dev.token.clone(),
                id: dev.id,
                fam: Fam { devices: Vec::new(), ..fam.clone() },
                offline,
                seed: plan.seed.wrapping_add(index as u64 * 7919),
            });
        }
    }
    out
}

/// Just what the client needs from a pull page.
#[derive(serde::Deserialize)]
struct Page {
    cursor: String,
    more: bool,
}

/// Pulls pages from `cursor` until the server says there is no more; returns the new cursor.
pub(crate) async fn pull_all(
    http: &reqwest::Client,
    d: &Spec,
    mut cursor: Option<String>,
    rec: &Recorder,
    plan: &LoadPlan,
) -> Result<Option<String>, ()> {
    let mut rng = fastrand::Rng::with_seed(d.seed ^ 0x9);
    let url = format!("{}/api/v1/sync/pull", d.base);
    loop {
        let body = PullRequest {
            protocol: PROTOCOL_VERSION,
            cursor: cursor.clone().map(Cursor::new).transpose().map_err(|_| ())?,
            limit: None,
            language: None,
        };
        let answer =
            send(rec, plan, &mut rng, PULL, plan.max_attempts, || http.post(&url).bearer_auth(&d.token).json(&body))
                .await?;
        let Ok(page) = serde_json::from_slice::<Page>(&answer) else {
            rec.failed(PULL, "unreadable pull answer".into(), true);
            return Err(());
        };
        cursor = Some(page.cursor);
        if !page.more {
            return Ok(cursor);
        }
    }
}

/// What one device did over the run.
#[derive(Debug, Default)]
pub(crate) struct DeviceRun {
    pub made: Vec<LogId>,
    pub unacked: Vec<LogId>,
    pub rejected: u64,
    pub json_bytes: u64,
}

pub(crate) async fn run(
    http: reqwest::Client,
    d: Spec,
    mut cursor: Option<String>,
    rec: std::sync::Arc<Recorder>,
    plan: LoadPlan,
    start: Instant,
    end: Instant,
) -> DeviceRun {
    let mut rng = fastrand::Rng::with_seed(d.seed);
    let mut g = Gen::new(d.seed ^ 0x1095);
    let minute = plan.minute();
    let phase = rng.f64();
    let mut outbox: Vec<CompletionLog> = Vec::new();
    let mut out = DeviceRun::default();
    let today = today();
    for m in 0..plan.minutes {
        let jitter = (rng.f64() - 0.5) * 0.2;
        let at = start + minute.mul_f64((f64::from(m) + phase + jitter).max(0.0));
        if at >= end {
            break;
        }
        tokio::time::sleep_until(at).await;
        if rng.f64() < plan.record_chance {
            for _ in 0..rng.usize(1..=plan.max_logs.max(1)) {
                let (a, e) = d.fam.assignments[rng.usize(0..d.fam.assignments.len())];
                let date = today - TimeDelta::days(rng.i64(0..7));
                let l = log(&mut g, d.fam.child, a, e, d.id, date, rng.u8(0..d.fam.slots.max(1)));
                out.json_bytes += serde_json::to_vec(&l).map_or(0, |v| v.len() as u64);
                out.made.push(l.id);
                outbox.push(l);
            }
        }
        if d.offline.is_some_and(|(from, to)| (from..to).contains(&m)) {
            continue;
        }
        sync(&http, &d, &mut cursor, &mut outbox, &mut out, &rec, &plan, &mut rng).await;
    }
    // The hour is over: whoever is still offline comes back, so every log made has had its chance.
    if !outbox.is_empty() {
        sync(&http, &d, &mut cursor, &mut outbox, &mut out, &rec, &plan, &mut rng).await;
    }
    out.unacked = outbox.iter().map(|l| l.id).collect();
    out
}

/// One sync as the protocol's clients do it: push the outbox (oldest first, 500 at a time), then pull until
/// caught up. A push that fails for good leaves its logs queued for the next sync.
#[allow(clippy::too_many_arguments)]
async fn sync(
    http: &reqwest::Client,
    d: &Spec,
    cursor: &mut Option<String>,
    outbox: &mut Vec<CompletionLog>,
    out: &mut DeviceRun,
    rec: &Recorder,
    plan: &LoadPlan,
    rng: &mut fastrand::Rng,
) {
    let url = format!("{}/api/v1/sync/push", d.base);
    let mut sent = 0;
    while sent < outbox.len() {
        let batch: Vec<CompletionLog> = outbox[sent..].iter().take(PushRequest::MAX_LOGS).cloned().collect();
        let body = PushRequest { logs: batch, ..PushRequest::empty(PROTOCOL_VERSION) };
        let Ok(answer) =
            send(rec, plan, rng, PUSH, plan.max_attempts, || http.post(&url).bearer_auth(&d.token).json(&body)).await
        else {
            return;
        };
        let reply: PushResponse = match serde_json::from_slice(&answer) {
            Ok(r) => r,
            Err(e) => {
                rec.failed(PUSH, format!("unreadable push answer: {e}"), true);
                return;
            }
        };
        for r in &reply.rejected {
            rec.failed(PUSH, format!("rejected: {:?} {}", r.reason, r.message), true);
        }
        out.rejected += reply.rejected.len() as u64;
        let done: std::collections::HashSet<LogId> =
            reply.accepted.iter().map(|a| a.id).chain(reply.rejected.iter().map(|r| r.id)).collect();
        let before = outbox.len();
        outbox.retain(|l| !done.contains(&l.id));
        // Whatever the answer left out stays queued; move past it so one batch is not resent forever.
        sent += body.logs.len() - (before - outbox.len());
    }
    if let Ok(c) = pull_all(http, d, cursor.clone(), rec, plan).await {
        *cursor = c;
    }
}
