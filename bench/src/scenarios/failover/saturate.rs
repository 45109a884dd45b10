//! Saturating pulls for the 1-vs-2-instances throughput: many clients at once, each pulling from its device's
//! cursor back to back (the steady state of the sync path: nothing new since the last pull).

use homeplay_core::sync::PROTOCOL_VERSION;
use serde_json::json;
use std::time::{Duration, Instant};

/// `clients` at once for `secs`; returns the successful requests per second and the failed requests.
pub async fn saturate(
    http: &reqwest::Client,
    base: &str,
    devices: &[(String, Option<String>)],
    clients: usize,
    secs: Duration,
) -> (f64, u64) {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..clients.max(1) {
        let Some((token, cursor)) = devices.get(c % devices.len().max(1)).cloned() else { break };
        let (http, url) = (http.clone(), format!("{base}/api/v1/sync/pull"));
        tasks.spawn(async move {
            let body = json!({"protocol": PROTOCOL_VERSION, "cursor": cursor});
            let (mut ok, mut failed) = (0u64, 0u64);
            while started.elapsed() < secs {
                let answer = http.post(&url).bearer_auth(&token).json(&body).send().await;
                let fine = match answer {
                    Ok(resp) => resp.status().is_success() && resp.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if fine {
                    ok += 1;
                } else {
                    failed += 1;
                }
            }
            (ok, failed)
        });
    }
    let (mut ok, mut failed) = (0, 0);
    while let Some(Ok((o, f))) = tasks.join_next().await {
        ok += o;
        failed += f;
    }
    (ok as f64 / started.elapsed().as_secs_f64(), failed)
}

/// Each device's cursor after catching up, so the saturating pulls find nothing new.
pub async fn with_cursors(
    http: &reqwest::Client,
    base: &str,
    tokens: Vec<String>,
) -> anyhow::Result<Vec<(String, Option<String>)>> {
    let mut out = Vec::new();
    for token in tokens {
        let mut cursor: Option<String> = None;
        loop {
            let body = json!({"protocol": PROTOCOL_VERSION, "cursor": cursor});
            let resp = http.post(format!("{base}/api/v1/sync/pull")).bearer_auth(&token).json(&body).send().await?;
            anyhow::ensure!(resp.status().is_success(), "pull: {}", resp.status());
            let page: serde_json::Value = resp.json().await?;
            cursor = page["cursor"].as_str().map(str::to_owned);
            if page["more"] != json!(true) {
                break;
            }
        }
        out.push((token, cursor));
    }
    Ok(out)
}
