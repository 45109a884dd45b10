//! Prometheus metrics from the real server binary: off by default, only on their own listener, guarded by a
//! token when one is set, refused beyond loopback without one, and counting what the server does. Each server
//! is a process of its own, so its counters see only this test's requests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use reqwest::StatusCode;
use serde_json::json;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ON_LOOPBACK: (&str, &str) = ("HOMEPLAY_METRICS_BIND", "127.0.0.1:0");
const TOKEN: &str = "scrape-me-0123456789abcdef";

/// The value of one sample (`name` with exactly `labels`) in Prometheus text; a counter never touched is 0.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    let wanted: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((series, value)) = line.rsplit_once(' ') else { continue };
        let (metric, set) = match series.split_once('{') {
            Some((m, rest)) => (m, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        let mut have: Vec<&str> = if set.is_empty() { Vec::new() } else { set.split(',').collect() };
        have.sort_unstable();
        let mut want: Vec<&str> = wanted.iter().map(String::as_str).collect();
        want.sort_unstable();
        if metric == name && have == want {
            return value.parse().unwrap();
        }
    }
    0.0
}

async fn scrape(server: &TestServer) -> String {
    let url = server.metrics.as_deref().expect("the server has a metrics listener");
    let resp = client().get(url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    resp.text().await.unwrap()
}

#[tokio::test]
async fn counters_move_with_requests_pushes_pulls_and_refusals() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let server = TestServer::start_with(&db, &[ON_LOOPBACK]);
        let program = program(&db, &server, "2026-03-02").await;
        let code = program.maya.pairing_code(&program.child_id).await;
        let device = DeviceClient::pair(&server, &code, "Kitchen laptop").await;
        let before = scrape(&server).await;

        // A wrong password five times, then the account is locked from this address: a rate-limit refusal.
        let http = client();
        let mut statuses = Vec::new();
        for _ in 0..6 {
            let resp = http
                .post(server.url("/api/v1/auth/login"))
                .json(&json!({"email": program.clinic.email, "password": "not the password"}))
                .send()
                .await
                .unwrap();
            statuses.push(resp.status().as_u16());
        }
        assert_eq!(statuses, [401, 401, 401, 401, 401, 429], "{backend:?}");
        let good = log_json(
            &program.child_id,
            &program.assignment_id,
            &program.exercise_id,
            "2026-03-04",
            &device.device_id,
            hlc_now(),
        );
        let stranger = uuid::Uuid::now_v7().to_string();
        let bad = log_json(
            &stranger,
            &program.assignment_id,
            &program.exercise_id,
            "2026-03-04",
            &device.device_id,
            hlc_now(),
        );
        let reply = device.push(vec![good, bad]).await;
        assert_eq!(reply["accepted"].as_array().unwrap().len(), 1, "{backend:?}: {reply}");
        assert_eq!(reply["rejected"][0]["reason"], "unknown_child", "{backend:?}: {reply}");
        device.pull_all(None).await;

        let after = scrape(&server).await;
        let moved = |name: &str, labels: &[(&str, &str)]| sample(&after, name, labels) - sample(&before, name, labels);
        let login = [("method", "POST"), ("route", "/api/v1/auth/login")];
        let login_401 = [login[0], login[1], ("status", "401")];
        let login_429 = [login[0], login[1], ("status", "429")];
        assert_eq!(moved("homeplay_http_requests_total", &login_401), 5.0, "{backend:?}\n{after}");
        assert_eq!(moved("homeplay_http_requests_total", &login_429), 1.0, "{backend:?}\n{after}");
        assert_eq!(moved("homeplay_http_request_duration_seconds_count", &login), 6.0, "{backend:?}");
        assert_eq!(moved("homeplay_rate_limited_total", &[("limit", "login:account-ip")]), 1.0, "{backend:?}");
        assert_eq!(moved("homeplay_sync_pushes_total", &[]), 1.0, "{backend:?}");
        assert!(moved("homeplay_sync_pulls_total", &[]) >= 1.0, "{backend:?}");
        assert_eq!(moved("homeplay_sync_items_accepted_total", &[("kind", "logs")]), 1.0, "{backend:?}");
        let unknown_child = [("kind", "logs"), ("reason", "unknown_child")];
        assert_eq!(moved("homeplay_sync_items_rejected_total", &unknown_child), 1.0, "{backend:?}\n{after}");
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(sample(&after, "homeplay_build_info", &[("version", version)]), 1.0, "{backend:?}");
        assert!(sample(&after, "homeplay_db_pool_max_connections", &[]) >= 1.0, "{backend:?}");
        assert!(sample(&after, "homeplay_db_pool_connections", &[]) >= 1.0, "{backend:?}");

        // Routes are templates: no child's id, device's id, email or token is in any label.
        assert!(after.contains("route=\"/api/v1/children/{id}/pairing-codes\""), "{backend:?}\n{after}");
        for secret in [&program.child_id, &device.device_id, &device.token, &program.clinic.email, &stranger] {
            assert!(!after.contains(secret.as_str()), "{backend:?}: {secret} in the metrics");
        }
    }
}

#[tokio::test]
async fn metrics_are_off_by_default_and_never_on_the_api_port() {
    let db = TestDb::new(Backend::Sqlite);
    let off = TestServer::start(&db);
    assert!(off.metrics.is_none(), "a metrics listener without being asked for one");
    let resp = client().get(off.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    let on = TestServer::start_with(&db, &[ON_LOOPBACK]);
    assert!(on.metrics.as_deref().is_some_and(|m| m != on.url("/metrics")));
    let resp = client().get(on.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND, "the API's port serves no metrics");
    assert!(!resp.text().await.unwrap().contains("homeplay_"));
    assert!(scrape(&on).await.contains("homeplay_build_info"));
}

#[tokio::test]
async fn a_token_from_the_config_file_guards_the_metrics() {
    let db = TestDb::new(Backend::Sqlite);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, format!("metrics_bind = \"127.0.0.1:0\"\nmetrics_token = \"{TOKEN}\"\n")).unwrap();
    let server = TestServer::start_with(&db, &[("HOMEPLAY_CONFIG", config.to_str().unwrap())]);
    let url = server.metrics.clone().expect("the file turned metrics on");
    let http = client();
    let resp = http.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(resp.headers()["www-authenticate"], "Bearer");
    assert!(!resp.text().await.unwrap().contains("homeplay_"));
    for wrong in [&TOKEN[..TOKEN.len() - 1], "scrape-me-0123456789abcdeF", ""] {
        let resp = http.get(&url).bearer_auth(wrong).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{wrong:?}");
    }
    let resp = http.get(&url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.unwrap().contains("homeplay_build_info"));
}

/// Runs `serve` with `args`, which must refuse to start: its exit status and stderr. A server that starts
/// after all is killed, and the test fails, rather than hanging.
fn refused_serve(db: &TestDb, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(binary());
    cmd.args(["--database", &db.url, "serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve {args:?} started instead of refusing");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!status.success(), "serve {args:?} succeeded: {stderr}");
    stderr
}

#[tokio::test]
async fn metrics_beyond_loopback_need_a_token() {
    let db = TestDb::new(Backend::Sqlite);
    let open = refused_serve(&db, &["--metrics-bind", "0.0.0.0:0"], &[]);
    assert!(open.contains("metrics_token"), "{open}");
    let alone = refused_serve(&db, &[], &[("HOMEPLAY_METRICS_TOKEN", TOKEN)]);
    assert!(alone.contains("metrics_bind"), "{alone}");
    let short = refused_serve(&db, &["--metrics-bind", "127.0.0.1:0", "--metrics-token", "short"], &[]);
    assert!(short.contains("at least 16"), "{short}");
    // With a token, the same bind is allowed.
    let guarded = TestServer::start_bound(
        &db,
        "127.0.0.1:0",
        &[("HOMEPLAY_METRICS_BIND", "0.0.0.0:0"), ("HOMEPLAY_METRICS_TOKEN", TOKEN)],
    );
    assert!(guarded.metrics.is_some());
}
