//! Every scenario, tiny, on both databases: it completes and its JSON lines are sane. No timing assertions.

use homeplay_bench::{Backend, Config, SCENARIOS, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_runs_small_and_reports_sane_json() {
    let pg = std::env::var("HOMEPLAY_TEST_POSTGRES_URL")
        .expect("HOMEPLAY_TEST_POSTGRES_URL is not set: run `bash scripts/test.sh`, which starts PostgreSQL");
    let mut cfg = Config::quick(pg);
    cfg.backends = vec![Backend::Sqlite, Backend::Postgres];
    cfg.ingest_devices = 2;
    cfg.ingest_batches = 2;
    cfg.ingest_batch = 20;
    cfg.pull_devices = 5;
    cfg.pull_requests = 3;
    cfg.catchup_days = 3;
    cfg.overview_children = 3;
    cfg.overview_days = 10;
    cfg.repeats = 1;
    cfg.device_ticks = 20;
    cfg.device_long_days = 20;
    for name in SCENARIOS {
        let results = run(name, &cfg).await.unwrap_or_else(|e| panic!("{name}: {e:#}"));
        assert!(!results.is_empty(), "{name}: no results");
        for m in results {
            let line = serde_json::to_string(&m).unwrap();
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            for key in ["scenario", "backend", "value", "unit", "baseline", "ratio", "params"] {
                assert!(v.get(key).is_some(), "{name}: {key} missing in {line}");
            }
            assert!(v["value"].as_f64().is_some_and(|x| x.is_finite() && x >= 0.0), "{line}");
            assert!(v["params"].is_object(), "{line}");
            if v["unit"] == "skipped" {
                // Only the app scenarios may skip (no debug builds of the apps, no Xvfb, no built phone app
                // or chromium), and failover without HAProxy, and each says why.
                assert!(["app", "phone", "failover"].contains(&name), "{line}");
                assert!(v["params"]["note"].as_str().is_some_and(|n| !n.is_empty()), "{line}");
                continue;
            }
            if v["scenario"] == "failover.logs_exactly_once" {
                // Killing an instance must lose or double no log: a correctness check, not a timing one.
                assert_eq!(v["params"]["met"], true, "{line}");
            }
            // Counts whose target is zero (load's errors, lost and duplicated logs) say so with `zero_ok`.
            if v["params"]["zero_ok"] != true {
                assert!(v["value"].as_f64().unwrap() > 0.0, "{line}");
            }
            if let Some(b) = v["baseline"].as_f64() {
                assert!(b > 0.0 && v["ratio"].as_f64().is_some_and(f64::is_finite), "{line}");
            }
            let backends = ["sqlite", "postgres", "device", "app", "phone"];
            assert!(backends.contains(&v["backend"].as_str().unwrap()), "{line}");
        }
    }
}
