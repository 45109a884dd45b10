//! A simulated therapist: signs in, then browses what the dashboard's pages load (the overview, a child's
//! page, a child's printable report, an export), with think time between pages. The requests of one page go
//! out together, as the pages' `Promise.all` sends them. A therapist does not retry: a failed page is what
//! they would see, so failures count, and the longest run of failures in a row is reported.

use super::stats::Recorder;
use super::{LoadPlan, send};
use crate::data::{PASSWORD, today};
use chrono::{Datelike, TimeDelta};
use homeplay_core::ids::ChildId;
use std::sync::Arc;
use tokio::time::Instant;

/// One page: the route templates it loads, and their concrete paths for `child`.
fn page(kind: u32, child: ChildId) -> Vec<(&'static str, String)> {
    let c = |suffix: &str| format!("/api/v1/children/{child}{suffix}");
    let today = today();
    match kind {
        // The overview.
        0 => vec![
            ("GET /api/v1/overview", "/api/v1/overview".into()),
            ("GET /api/v1/therapists", "/api/v1/therapists".into()),
        ],
        // A child's page.
        1 => vec![
            ("GET /api/v1/children/{id}/adherence", c("/adherence")),
            ("GET /api/v1/children/{id}/assignments", c("/assignments")),
            ("GET /api/v1/children/{id}/devices", c("/devices")),
            ("GET /api/v1/library/exercises", "/api/v1/library/exercises".into()),
            ("GET /api/v1/library/routines", "/api/v1/library/routines".into()),
            ("GET /api/v1/children/{id}/routines", c("/routines")),
        ],
        // The printable report over 12 weeks from a Monday.
        2 => {
            let from = today - TimeDelta::days(7 * 11 + i64::from(today.weekday().num_days_from_monday()));
            vec![
                ("GET /api/v1/children/{id}/adherence?from&to", c(&format!("/adherence?from={from}&to={today}"))),
                ("GET /api/v1/children/{id}/assignments", c("/assignments")),
                ("GET /api/v1/library/exercises", "/api/v1/library/exercises".into()),
                ("GET /api/v1/library/routines", "/api/v1/library/routines".into()),
                ("GET /api/v1/children/{id}/routines", c("/routines")),
                ("GET /api/v1/children/{id}/goals", c("/goals")),
                ("GET /api/v1/children/{id}/goals/progress", c("/goals/progress")),
            ]
        }
        // An export (CSV and goals CSV) over 26 weeks: what the export buttons read.
        _ => {
            let from = today - TimeDelta::days(7 * 25 + i64::from(today.weekday().num_days_from_monday()));
            vec![
                ("GET /api/v1/children/{id}/adherence?from&to", c(&format!("/adherence?from={from}&to={today}"))),
                ("GET /api/v1/children/{id}/assignments", c("/assignments")),
                ("GET /api/v1/children/{id}/goals", c("/goals")),
                ("GET /api/v1/children/{id}/goals/progress", c("/goals/progress")),
            ]
        }
    }
}

/// Browses until `end`; returns the longest run of failed requests in a row.
pub(crate) async fn run(
    base: String,
    email: String,
    children: Vec<ChildId>,
    rec: Arc<Recorder>,
    plan: LoadPlan,
    index: usize,
    end: Instant,
) -> anyhow::Result<u32> {
    let mut rng = fastrand::Rng::with_seed(plan.seed ^ 0x7e4a ^ index as u64);
    let http = reqwest::Client::builder().cookie_store(true).timeout(plan.timeout).build()?;
    let (mut streak, mut worst) = (0u32, 0u32);
    let login = format!("{base}/api/v1/auth/login");
    let body = serde_json::json!({"email": email, "password": PASSWORD});
    if send(&rec, &plan, &mut rng, "POST /api/v1/auth/login", plan.max_attempts, || http.post(&login).json(&body))
        .await
        .is_err()
    {
        return Ok(1);
    }
    // Therapists arrive over the first simulated minute, not all at once.
    tokio::time::sleep(plan.minute().mul_f64(rng.f64())).await;
    while Instant::now() < end && !children.is_empty() {
        // Most visits are to a child's page; the overview is where a visit starts.
        let kind = match rng.u32(0..100) {
            0..25 => 0,
            25..65 => 1,
            65..85 => 2,
            _ => 3,
        };
        let child = children[rng.usize(0..children.len())];
        let mut requests = tokio::task::JoinSet::new();
        for (endpoint, path) in page(kind, child) {
            let (http, rec, plan, url) = (http.clone(), rec.clone(), plan.clone(), format!("{base}{path}"));
            let seed = rng.u64(..);
            requests.spawn(async move {
                let mut rng = fastrand::Rng::with_seed(seed);
                send(&rec, &plan, &mut rng, endpoint, 1, || http.get(&url)).await.is_ok()
            });
        }
        while let Some(ok) = requests.join_next().await {
            if ok? {
                streak = 0;
            } else {
                streak += 1;
                worst = worst.max(streak);
            }
        }
        let (lo, hi) = plan.think_minutes;
        let think = plan.minute().mul_f64(lo + rng.f64() * (hi - lo).max(0.0));
        tokio::time::sleep_until((Instant::now() + think).min(end)).await;
    }
    Ok(worst)
}
