//! `homeplay-bench [SCENARIO|all] [--json] [--quick] [--backend sqlite|postgres|both] [--seed N] [sizes…]`
#![allow(clippy::print_stdout, clippy::print_stderr)]

use clap::Parser;
use homeplay_bench::{Backend, Config, SCENARIOS, run, table};

#[derive(Debug, Parser)]
#[command(about = "homeplay's benchmarks: each scenario against a baseline measured in the same run")]
struct Args {
    /// ingest, pull, catch-up, overview, device, app, phone, load, failover, or all.
    #[arg(default_value = "all")]
    scenario: String,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
    /// Small sizes: a smoke run.
    #[arg(long)]
    quick: bool,
    #[arg(long, default_value = "both", value_parser = ["sqlite", "postgres", "both"])]
    backend: String,
    #[arg(long)]
    seed: Option<u64>,
    /// A PostgreSQL server where the bench may create and drop databases.
    #[arg(long, env = "HOMEPLAY_BENCH_POSTGRES_URL")]
    postgres_url: Option<String>,
    #[arg(long)]
    ingest_devices: Option<usize>,
    #[arg(long)]
    ingest_batches: Option<usize>,
    #[arg(long)]
    ingest_batch: Option<usize>,
    #[arg(long)]
    pull_devices: Option<usize>,
    #[arg(long)]
    pull_requests: Option<usize>,
    #[arg(long)]
    catchup_days: Option<i64>,
    #[arg(long)]
    overview_children: Option<usize>,
    #[arg(long)]
    overview_days: Option<i64>,
    #[arg(long)]
    repeats: Option<usize>,
    #[arg(long)]
    device_ticks: Option<usize>,
    #[arg(long)]
    device_long_days: Option<i64>,
    #[arg(long)]
    failover_devices: Option<usize>,
    #[arg(long)]
    failover_therapists: Option<usize>,
    #[arg(long)]
    failover_secs: Option<u64>,
    #[arg(long)]
    load_devices: Option<usize>,
    #[arg(long)]
    load_therapists: Option<usize>,
    #[arg(long)]
    load_seconds: Option<u64>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let pg = a
        .postgres_url
        .or_else(|| std::env::var("HOMEPLAY_TEST_POSTGRES_URL").ok())
        .unwrap_or_else(|| "postgres://postgres:postgres@127.0.0.1:5432/postgres".into());
    let mut cfg = if a.quick { Config::quick(pg) } else { Config::full(pg) };
    cfg.backends = match a.backend.as_str() {
        "sqlite" => vec![Backend::Sqlite],
        "postgres" => vec![Backend::Postgres],
        _ => vec![Backend::Sqlite, Backend::Postgres],
    };
    macro_rules! set {
        ($($f:ident),*) => { $(if let Some(v) = a.$f { cfg.$f = v; })* };
    }
    set!(seed, ingest_devices, ingest_batches, ingest_batch, pull_devices, pull_requests, catchup_days);
    set!(overview_children, overview_days, repeats, device_ticks, device_long_days);
    set!(failover_devices, failover_therapists, failover_secs);
    set!(load_devices, load_therapists, load_seconds);
    let names: Vec<&str> = if a.scenario == "all" { SCENARIOS.to_vec() } else { vec![a.scenario.as_str()] };
    let mut all = Vec::new();
    for name in names {
        let results = run(name, &cfg).await?;
        if a.json {
            for m in &results {
                println!("{}", serde_json::to_string(m)?);
            }
        } else {
            eprint!("{}", table(&results));
        }
        all.extend(results);
    }
    if !a.json {
        println!("{}", table(&all));
    }
    Ok(())
}
