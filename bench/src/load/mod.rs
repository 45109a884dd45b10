//! The load driver: a clinic network's working hour, compressed. Simulated family devices speak the real sync
//! protocol over HTTP (pull every simulated minute, push a few logs now and then, some go offline for a stretch
//! and then catch up) while therapists browse the dashboard's pages. Callable as a library so that other
//! scenarios (failover) can run the same load against any address, e.g. a load balancer.

pub mod clinic;
mod device;
pub mod stats;
mod therapist;

pub use stats::{EndpointStats, FailureEvent};

use crate::data::World;
use homeplay_core::ids::{ChildId, LogId};
use stats::Recorder;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Reads the resident memory of the server(s) under load, in KiB (`None` when it cannot be read).
pub type RssProbe = Arc<dyn Fn() -> Option<u64> + Send + Sync>;

/// Called at the start of every simulated minute (0, 1, …) of the measured window: a failover run kills and
/// restarts an instance from here.
pub type MinuteHook = Arc<dyn Fn(u32) + Send + Sync>;

/// How the hour goes. [`LoadPlan::new`] gives the shape; fields can be changed after.
#[derive(Clone)]
pub struct LoadPlan {
    /// Real seconds the whole simulated hour takes.
    pub seconds: f64,
    /// Simulated minutes in the run (an hour).
    pub minutes: u32,
    pub seed: u64,
    /// Therapists browsing at once, each signed in with one of these e-mails (round robin; [`crate::data::PASSWORD`]).
    pub therapist_emails: Vec<String>,
    pub therapists: usize,
    /// The children therapist `j` browses: `therapist_children[j % len]` (their caseload); empty: every child.
    pub therapist_children: Vec<Vec<ChildId>>,
    /// Chance, each simulated minute, that a device's family records something (then 1 to `max_logs` logs).
    pub record_chance: f64,
    pub max_logs: usize,
    /// Share of devices that go offline for a stretch of `offline_minutes` (simulated), then catch up.
    pub offline_share: f64,
    pub offline_minutes: (u32, u32),
    /// A therapist's think time between two pages, in simulated minutes.
    pub think_minutes: (f64, f64),
    /// Attempts per device request before it counts as failed for good (transport errors, 5xx, 429).
    pub max_attempts: u32,
    /// First backoff; doubled per attempt, capped at 2 s, with jitter.
    pub backoff: Duration,
    /// Timeout of one request.
    pub timeout: Duration,
    /// Devices doing their first pull at once before the measured window opens.
    pub warmup_concurrency: usize,
    pub rss: Option<RssProbe>,
    pub on_minute: Option<MinuteHook>,
}

impl std::fmt::Debug for LoadPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadPlan")
            .field("seconds", &self.seconds)
            .field("minutes", &self.minutes)
            .field("therapists", &self.therapists)
            .field("record_chance", &self.record_chance)
            .field("offline_share", &self.offline_share)
            .finish_non_exhaustive()
    }
}

impl LoadPlan {
    pub fn new(seconds: f64, therapist_emails: Vec<String>, therapists: usize, seed: u64) -> Self {
        Self {
            seconds,
            minutes: 60,
            seed,
            therapist_emails,
            therapists,
            therapist_children: Vec::new(),
            record_chance: 0.1,
            max_logs: 4,
            offline_share: 0.1,
            offline_minutes: (10, 25),
            think_minutes: (0.3, 1.0),
            max_attempts: 8,
            backoff: Duration::from_millis(50),
            timeout: Duration::from_secs(30),
            warmup_concurrency: 32,
            rss: None,
            on_minute: None,
        }
    }

    /// One simulated minute in real time.
    pub fn minute(&self) -> Duration {
        Duration::from_secs_f64(self.seconds / f64::from(self.minutes.max(1)))
    }
}

/// What a run did and saw.
#[derive(Debug, Clone, Default)]
pub struct LoadOutcome {
    /// Per route template (`POST /api/v1/sync/pull`, `GET /api/v1/children/{id}/adherence`, …).
    pub endpoints: BTreeMap<String, EndpointStats>,
    /// Every failed attempt, in time order.
    pub failures: Vec<FailureEvent>,
    /// Every log the devices made (all pushed by the end, unless `unacked` says otherwise).
    pub made: Vec<LogId>,
    /// Logs no push acknowledged by the end (each device flushes its outbox once the hour is over).
    pub unacked: Vec<LogId>,
    /// Logs the server rejected (a rejection is final; none is expected).
    pub rejected: u64,
    /// The made logs' JSON, summed: the baseline for database growth per log.
    pub log_json_bytes: u64,
    /// Server RSS in KiB at the start of each simulated minute, and once more at the end.
    pub rss_kib: Vec<(u32, u64)>,
    pub devices: usize,
    pub offline_devices: usize,
    /// The longest run of failed requests in a row any therapist saw.
    pub therapist_max_consecutive_failures: u32,
    /// The measured window, in real seconds (the hour, plus the final flush).
    pub wall_secs: f64,
    /// The unmeasured first pulls before the window opened.
    pub warmup_secs: f64,
}

impl LoadOutcome {
    pub fn requests(&self) -> usize {
        self.endpoints.values().map(EndpointStats::count).sum()
    }

    /// Every failed attempt, retried or final.
    pub fn errors(&self) -> u64 {
        self.endpoints.values().map(EndpointStats::errors).sum()
    }

    /// Requests that failed for good.
    pub fn failed(&self) -> u64 {
        self.endpoints.values().map(|e| e.failed).sum()
    }
}

/// Runs the hour against `bases` (device `i` and therapist `j` use `bases[i % n]`, `bases[j % n]`), with every
/// paired device of `world` as a simulated client. Fails only when the driver itself cannot run; request
/// failures are counted in the outcome.
pub async fn drive(bases: &[String], plan: &LoadPlan, world: &World) -> anyhow::Result<LoadOutcome> {
    anyhow::ensure!(!bases.is_empty(), "no server address to load");
    let http = reqwest::Client::builder().timeout(plan.timeout).pool_max_idle_per_host(4096).build()?;
    let devices = device::specs(bases, plan, world);
    let offline_devices = devices.iter().filter(|d| d.offline.is_some()).count();

    // Every device has synced before the hour starts (pairing and first sync are not what is measured).
    let warm = Instant::now();
    let warm_rec = Arc::new(Recorder::new());
    let mut cursors = Vec::with_capacity(devices.len());
    for chunk in devices.chunks(plan.warmup_concurrency.max(1)) {
        let mut set = tokio::task::JoinSet::new();
        for (k, d) in chunk.iter().enumerate() {
            let (http, d, rec, plan) = (http.clone(), d.clone(), warm_rec.clone(), plan.clone());
            set.spawn(async move { (k, device::pull_all(&http, &d, None, &rec, &plan).await) });
        }
        let mut got = vec![None; chunk.len()];
        while let Some(r) = set.join_next().await {
            let (k, cursor) = r?;
            got[k] = Some(cursor.map_err(|()| anyhow::anyhow!("a device's first pull failed"))?);
        }
        cursors.extend(got.into_iter().flatten());
    }
    let warmup_secs = warm.elapsed().as_secs_f64();

    let rec = Arc::new(Recorder::new());
    let start = tokio::time::Instant::now();
    let end = start + Duration::from_secs_f64(plan.seconds);
    let rss = Arc::new(std::sync::Mutex::new(Vec::new()));
    let ticker = {
        let (plan, rss) = (plan.clone(), rss.clone());
        tokio::spawn(async move {
            for m in 0..plan.minutes {
                tokio::time::sleep_until(start + plan.minute() * m).await;
                if let Some(hook) = &plan.on_minute {
                    hook(m);
                }
                if let Some(kib) = plan.rss.as_ref().and_then(|p| p()) {
                    rss.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((m, kib));
                }
            }
        })
    };
    let mut device_tasks = tokio::task::JoinSet::new();
    for (d, cursor) in devices.into_iter().zip(cursors) {
        let (http, rec, plan) = (http.clone(), rec.clone(), plan.clone());
        device_tasks.spawn(device::run(http, d, cursor, rec, plan, start, end));
    }
    let mut therapist_tasks = tokio::task::JoinSet::new();
    for j in 0..plan.therapists {
        let base = bases[j % bases.len()].clone();
        let email = plan
            .therapist_emails
            .get(j % plan.therapist_emails.len().max(1))
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("therapists wanted but no e-mail to sign in with"))?;
        let (rec, plan) = (rec.clone(), plan.clone());
        let children: Vec<ChildId> = match plan.therapist_children.get(j % plan.therapist_children.len().max(1)) {
            Some(caseload) => caseload.clone(),
            None => world.families.iter().map(|f| f.child).collect(),
        };
        therapist_tasks.spawn(therapist::run(base, email, children, rec, plan, j, end));
    }
    let mut out = LoadOutcome { devices: device_tasks.len(), offline_devices, warmup_secs, ..LoadOutcome::default() };
    while let Some(r) = device_tasks.join_next().await {
        let d = r?;
        out.made.extend(d.made);
        out.unacked.extend(d.unacked);
        out.rejected += d.rejected;
        out.log_json_bytes += d.json_bytes;
    }
    while let Some(r) = therapist_tasks.join_next().await {
        out.therapist_max_consecutive_failures = out.therapist_max_consecutive_failures.max(r??);
    }
    ticker.abort();
    out.wall_secs = start.elapsed().as_secs_f64();
    let mut samples = std::mem::take(&mut *rss.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    if let Some(kib) = plan.rss.as_ref().and_then(|p| p()) {
        samples.push((plan.minutes, kib));
    }
    out.rss_kib = samples;
    (out.endpoints, out.failures) = rec.take();
    Ok(out)
}

/// Why an attempt failed, and whether another attempt may succeed.
enum Attempt {
    Retry(String),
    Final(String),
}

/// Sends a request (rebuilt for each attempt) until it succeeds or may not be retried, as the protocol's
/// clients do: network errors, timeouts, 5xx and 429 are retried with exponential backoff and jitter.
/// Returns the body of the successful answer.
pub(crate) async fn send(
    rec: &Recorder,
    plan: &LoadPlan,
    rng: &mut fastrand::Rng,
    endpoint: &str,
    attempts: u32,
    make: impl Fn() -> reqwest::RequestBuilder,
) -> Result<Vec<u8>, ()> {
    let started = Instant::now();
    let mut backoff = plan.backoff;
    for attempt in 1..=attempts.max(1) {
        let outcome = match make().send().await {
            Ok(resp) => {
                let status = resp.status();
                if status.is_success() {
                    match resp.bytes().await {
                        Ok(body) => {
                            rec.ok(endpoint, started.elapsed());
                            return Ok(body.to_vec());
                        }
                        Err(e) => Attempt::Retry(format!("transport: {e}")),
                    }
                } else {
                    let body = resp.text().await.unwrap_or_default();
                    let kind = format!("http {}: {}", status.as_u16(), body.chars().take(200).collect::<String>());
                    if status.is_server_error() || status.as_u16() == 429 {
                        Attempt::Retry(kind)
                    } else {
                        Attempt::Final(kind)
                    }
                }
            }
            Err(e) => Attempt::Retry(format!("transport: {e}")),
        };
        match outcome {
            Attempt::Retry(kind) if attempt < attempts => {
                rec.failed(endpoint, kind, false);
                let jitter = backoff.mul_f64(rng.f64() * 0.5);
                tokio::time::sleep(backoff + jitter).await;
                backoff = (backoff * 2).min(Duration::from_secs(2));
            }
            Attempt::Retry(kind) | Attempt::Final(kind) => {
                rec.failed(endpoint, kind, true);
                return Err(());
            }
        }
    }
    Err(())
}
