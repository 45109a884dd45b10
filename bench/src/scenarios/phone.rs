//! phone: the family web app (`ui/dist/family`, served by the server at `/family/`) in Debian's chromium on an
//! emulated phone with 4× CPU throttling, offline after its first visit (`bench/phone/phone.mjs` drives it):
//! - cold start of the installed app to today's list painted, against a bare page served by the same service
//!   worker (`/family/bare.html`), both to their own "ready" mark after the first paint (target ≤ 1.5×);
//! - a tick durable: from the engine's `record()` call until IndexedDB's strict commit (the engine's own
//!   performance measure), against a bare strict IndexedDB put in the same page, one before each tick (target p99 ≤ 2×); and the same
//!   ticks from the tap until the card shows them (shown only once durable), beside it, for what a parent feels;
//! - the family app's JS + CSS gzipped, beside the dashboard's (budget ≤ 150 KB).

use super::Stage;
use crate::data::{Gen, Shape, today};
use crate::env::{Backend, Server};
use crate::{Config, Measurement};
use anyhow::{Context, bail};
use chrono::TimeDelta;
use serde::Deserialize;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Deserialize)]
struct Readings {
    cold_ms: Vec<f64>,
    bare_ms: Vec<f64>,
    tick_ms: Vec<f64>,
    durable_ms: Vec<f64>,
    put_ms: Vec<f64>,
    family_gz: u64,
    dashboard_gz: u64,
}

pub async fn run(cfg: &Config) -> anyhow::Result<Vec<Measurement>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = root.join("ui/dist");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !cfg.quick {
        // A full run measures the current screens: build both UIs (the phone app is part of `npm run build`).
        let ok = Command::new("npm").args(["run", "build", "--silent"]).current_dir(root.join("ui")).status()?;
        if !ok.success() {
            bail!("npm run build failed in ui/");
        }
    }
    for (what, path) in [
        ("the phone app's build (cd ui && npm run build)", dist.join("family/index.html")),
        ("Debian's chromium (apt-get install chromium)", PathBuf::from(&chromium)),
        ("ui/node_modules (cd ui && npm ci)", root.join("ui/node_modules/playwright-core")),
    ] {
        if !path.exists() {
            return Ok(vec![skipped(&format!("skipped: no {what}"))]);
        }
    }

    // The clinic side: one family, one child, five exercises twice a day, and a pairing code for the phone.
    let mut g = Gen::new(cfg.seed);
    let shape =
        Shape { families: 1, assignments: 5, slots: 2, devices_per_family: 0, start: today() - TimeDelta::days(7) };
    let stage = Stage::new(cfg, Backend::Sqlite, &mut g, shape).await?;
    let code = stage.pairing_code([9, 8, 7, 6, 5]).await?;
    let server = Server::start_with_ui(&stage.db.url, &dist)?;
    // 100 ticks, so that the p99 (nearest rank) is the 99th of them rather than the slowest of 40.
    let (starts, ticks) = if cfg.quick { (1, 3) } else { (cfg.repeats.max(5), 100) };
    let readings = drive(&root, &server.base, &code.display(), &dist, &chromium, starts, ticks);
    drop(server);
    stage.finish().await;
    let r = readings?;

    let params = json!({
        "starts": starts, "ticks": ticks, "cpu_throttling": 4, "viewport": "412x915", "offline": true,
        "baseline": "cold start: /family/bare.html from the same service worker; tick: a strict IndexedDB put in \
                     the same page; size: the dashboard's JS + CSS gzipped",
    });
    let cold = Measurement::new("phone.cold_start", "phone", pct(&r.cold_ms, 50), "ms", Some(pct(&r.bare_ms, 50)));
    let cold_met = cold.ratio.is_some_and(|x| x <= 1.5);
    let durable99 =
        Measurement::new("phone.tick_durable_p99", "phone", pct(&r.durable_ms, 99), "ms", Some(pct(&r.put_ms, 99)));
    let tick_met = durable99.ratio.is_some_and(|x| x <= 2.0);
    let kb = |b: u64| b as f64 / 1024.0;
    let size_met = kb(r.family_gz) <= 150.0;
    Ok(vec![
        cold.params(params.clone()).target("≤ 1.5×", cold_met),
        Measurement::new("phone.tick_durable_p50", "phone", pct(&r.durable_ms, 50), "ms", Some(pct(&r.put_ms, 50)))
            .params(params.clone()),
        durable99.params(params.clone()).target("p99 ≤ 2×", tick_met),
        // From the tap until the card shows the tick (after the commit, and the screen's own work), beside the
        // same bare put: what a parent feels, not a target.
        Measurement::new("phone.tick_shown_p50", "phone", pct(&r.tick_ms, 50), "ms", Some(pct(&r.put_ms, 50)))
            .params(params.clone()),
        Measurement::new("phone.tick_shown_p99", "phone", pct(&r.tick_ms, 99), "ms", Some(pct(&r.put_ms, 99)))
            .params(params.clone()),
        Measurement::new("phone.js_css_gzip", "phone", kb(r.family_gz), "KiB", Some(kb(r.dashboard_gz)))
            .params(params)
            .target("≤ 150 KiB", size_met),
    ])
}

fn drive(
    root: &Path,
    base: &str,
    code: &str,
    dist: &Path,
    chromium: &str,
    starts: usize,
    ticks: usize,
) -> anyhow::Result<Readings> {
    let out = Command::new("node")
        .arg(root.join("bench/phone/phone.mjs"))
        // playwright-core is ui/'s dev dependency.
        .current_dir(root.join("ui"))
        .env("UI", root.join("ui"))
        .env("BASE", base)
        .env("CODE", code)
        .env("DIST", dist)
        .env("CHROMIUM", chromium)
        .env("STARTS", starts.to_string())
        .env("TICKS", ticks.to_string())
        .output()
        .context("node did not start (apt-get install nodejs)")?;
    if !out.status.success() {
        bail!("bench/phone/phone.mjs failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().rev().find(|l| l.starts_with('{')).context("no JSON line from phone.mjs")?;
    Ok(serde_json::from_str(line)?)
}

/// The `p`th percentile (nearest rank).
fn pct(xs: &[f64], p: usize) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = (p * v.len()).div_ceil(100).max(1);
    v.get(rank - 1).copied().unwrap_or(0.0)
}

fn skipped(note: &str) -> Measurement {
    eprintln!("   phone: {note}");
    Measurement::new("phone", "phone", 0.0, "skipped", None).params(json!({ "note": note }))
}
