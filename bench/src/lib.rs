//! homeplay-bench: named scenarios against the real server binary on loopback (and the device engine), each
//! measuring a baseline in the same run on the same data. The figure that matters is the ratio: these
//! machines are shared and noisy. See `bench/README.md`.
#![allow(clippy::print_stderr)]

pub mod data;
pub mod env;
pub mod haproxy;
pub mod load;
pub mod scenarios;

pub use env::Backend;
use serde::Serialize;
use std::time::Duration;

/// The scenarios, in the order `all` runs them.
pub const SCENARIOS: [&str; 9] =
    ["ingest", "pull", "catch-up", "overview", "device", "app", "phone", "load", "failover"];

/// Sizes and knobs; [`Config::quick`] and [`Config::full`] are the two presets, flags override fields.
#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    pub quick: bool,
    pub backends: Vec<Backend>,
    pub postgres_url: String,
    /// ingest: devices pushing at once, batches each, logs per batch.
    pub ingest_devices: usize,
    pub ingest_batches: usize,
    pub ingest_batch: usize,
    /// pull: concurrent devices, requests each, new changes each device finds since its cursor.
    pub pull_devices: usize,
    pub pull_requests: usize,
    pub pull_changes: usize,
    /// catch-up: days offline (5 assignments × 2 a day each).
    pub catchup_days: i64,
    /// overview: children, days of history (then twice that), timed repeats.
    pub overview_children: usize,
    pub overview_days: i64,
    pub repeats: usize,
    /// device: local ticks; long and short history in days.
    pub device_ticks: usize,
    pub device_long_days: i64,
    pub device_short_days: i64,
    /// failover: devices and therapists working through HAProxy, and the run's length in seconds.
    pub failover_devices: usize,
    pub failover_therapists: usize,
    pub failover_secs: u64,
    /// load: simulated devices, therapists browsing, real seconds the simulated hour takes.
    pub load_devices: usize,
    pub load_therapists: usize,
    pub load_seconds: u64,
}

impl Config {
    pub fn full(postgres_url: String) -> Self {
        Self {
            seed: 7,
            quick: false,
            backends: vec![Backend::Sqlite, Backend::Postgres],
            postgres_url,
            ingest_devices: 50,
            ingest_batches: 10,
            ingest_batch: 200,
            pull_devices: 200,
            pull_requests: 25,
            pull_changes: 3,
            catchup_days: 90,
            overview_children: 1000,
            overview_days: 365,
            repeats: 5,
            device_ticks: 10_000,
            device_long_days: 365,
            device_short_days: 7,
            failover_devices: 400,
            failover_therapists: 10,
            failover_secs: 60,
            load_devices: 2000,
            load_therapists: 20,
            load_seconds: 600,
        }
    }

    pub fn quick(postgres_url: String) -> Self {
        Self {
            quick: true,
            ingest_devices: 4,
            ingest_batches: 3,
            ingest_batch: 50,
            pull_devices: 20,
            pull_requests: 5,
            catchup_days: 9,
            overview_children: 8,
            overview_days: 30,
            repeats: 2,
            device_ticks: 100,
            device_long_days: 60,
            failover_devices: 8,
            failover_therapists: 2,
            failover_secs: 6,
            load_devices: 20,
            load_therapists: 2,
            load_seconds: 10,
            ..Self::full(postgres_url)
        }
    }
}

/// One result line: `{"scenario","backend","value","unit","baseline","ratio","params"}`.
#[derive(Debug, Clone, Serialize)]
pub struct Measurement {
    pub scenario: String,
    pub backend: String,
    pub value: f64,
    pub unit: String,
    pub baseline: Option<f64>,
    pub ratio: Option<f64>,
    pub params: serde_json::Value,
}

impl Measurement {
    pub fn new(scenario: &str, backend: &str, value: f64, unit: &str, baseline: Option<f64>) -> Self {
        let ratio = baseline.filter(|b| *b != 0.0).map(|b| value / b);
        Self {
            scenario: scenario.to_owned(),
            backend: backend.to_owned(),
            value,
            unit: unit.to_owned(),
            baseline,
            ratio,
            params: serde_json::json!({}),
        }
    }

    pub fn params(mut self, params: serde_json::Value) -> Self {
        self.params = params;
        self
    }

    /// Records the target and whether this run met it, in `params`.
    pub fn target(mut self, target: &str, met: bool) -> Self {
        if let Some(p) = self.params.as_object_mut() {
            p.insert("target".into(), target.into());
            p.insert("met".into(), met.into());
        }
        self
    }
}

/// Runs one named scenario on the configured backends.
pub async fn run(name: &str, cfg: &Config) -> anyhow::Result<Vec<Measurement>> {
    let mut out = Vec::new();
    match name {
        "device" => out.extend(scenarios::device::run(cfg).await?),
        "app" => out.extend(scenarios::app::run(cfg).await?),
        "phone" => out.extend(scenarios::phone::run(cfg).await?),
        // Two instances on one PostgreSQL: the scenario is about the instances, not the database.
        "failover" => out.extend(scenarios::failover::run(cfg).await?),
        _ => {
            for &backend in &cfg.backends {
                eprintln!("== {name} on {}", backend.name());
                let m = match name {
                    "ingest" => scenarios::ingest::run(cfg, backend).await?,
                    "pull" => scenarios::pull::run(cfg, backend).await?,
                    "catch-up" => scenarios::catchup::run(cfg, backend).await?,
                    "overview" => scenarios::overview::run(cfg, backend).await?,
                    "load" => scenarios::load::run(cfg, backend).await?,
                    other => anyhow::bail!("no scenario {other}; try one of {}", SCENARIOS.join(", ")),
                };
                out.extend(m);
            }
        }
    }
    Ok(out)
}

/// The `p`th percentile (0–100) of durations, in milliseconds (nearest rank).
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

/// The median of durations, in milliseconds.
pub fn median_ms(values: &mut [Duration]) -> f64 {
    values.sort();
    percentile_ms(values, 50.0)
}

/// A plain-text table of measurements.
pub fn table(ms: &[Measurement]) -> String {
    let mut out = format!(
        "{:<26} {:<9} {:>12} {:<8} {:>12} {:>8}  {}\n",
        "scenario", "backend", "value", "unit", "baseline", "ratio", "target"
    );
    for m in ms {
        let target = match (m.params.get("target"), m.params.get("met")) {
            (Some(t), Some(met)) => {
                format!("{} {}", t.as_str().unwrap_or(""), if met.as_bool() == Some(true) { "met" } else { "MISSED" })
            }
            _ => m.params.get("note").and_then(|n| n.as_str()).unwrap_or("").to_owned(),
        };
        out.push_str(&format!(
            "{:<26} {:<9} {:>12} {:<8} {:>12} {:>8}  {}\n",
            m.scenario,
            m.backend,
            fmt_num(m.value),
            m.unit,
            m.baseline.map_or("-".into(), fmt_num),
            m.ratio.map_or("-".into(), |r| format!("{r:.2}")),
            target
        ));
    }
    out
}

fn fmt_num(v: f64) -> String {
    if v.abs() >= 100.0 { format!("{v:.0}") } else { format!("{v:.2}") }
}
