//! Crash: a device process records ticks and is killed with SIGKILL at random moments. Reopening shows every
//! tick whose `record` returned (and every edit whose call returned), the database passes
//! `PRAGMA integrity_check`, and after a sync the clinic has every one of them, exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeDelta, Utc};
use homeplay_core::hlc::Hlc;
use homeplay_core::ids::LogId;
use homeplay_device::SyncState;
use homeplay_tests::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{ChildStdout, Command};

const ROUNDS: usize = 8;
/// How long one line from the writer may take: generous, for a loaded machine.
const LINE_TIMEOUT: Duration = Duration::from_secs(60);

/// What the writer said it did: ids whose record returned, and the newest stamp of each edit that returned.
#[derive(Debug, Default)]
struct Said {
    acked: BTreeSet<LogId>,
    edited: BTreeMap<LogId, Hlc>,
    lines: usize,
}

impl Said {
    fn take(&mut self, line: &str) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["acked", id] => {
                assert!(self.acked.insert(id.parse().unwrap()), "a log id was made twice: {line}");
            }
            ["edited", id, wall, counter] => {
                let hlc = Hlc::new(wall.parse().unwrap(), counter.parse().unwrap());
                let newest = self.edited.entry(id.parse().unwrap()).or_default();
                assert!(hlc > *newest, "an edit's stamp did not grow: {line}");
                *newest = hlc;
            }
            _ => panic!("the writer printed something unexpected: {line:?}"),
        }
        self.lines += 1;
    }
}

async fn next_line(lines: &mut Lines<BufReader<ChildStdout>>) -> Option<String> {
    tokio::time::timeout(LINE_TIMEOUT, lines.next_line())
        .await
        .expect("the writer printed nothing for a minute")
        .expect("reading the writer's output")
}

/// Runs the writer on `dir` until it has printed `kill_after` lines, kills it with SIGKILL, and collects
/// every line it printed before it died.
async fn run_and_kill(dir: &Path, kill_after: usize, said: &mut Said) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crash_writer"))
        .arg(dir)
        .arg("100000")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..kill_after {
        let line = next_line(&mut lines).await.expect("the writer stopped before it was killed");
        said.take(&line);
    }
    // SIGKILL, wherever it is now: mid-record, mid-commit, between calls.
    child.start_kill().unwrap();
    let status = tokio::time::timeout(LINE_TIMEOUT, child.wait()).await.unwrap().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "the writer ended on its own: {status}");
    }
    #[cfg(not(unix))]
    let _ = status;
    // Lines printed before the kill count too: their calls had returned.
    while let Some(line) = next_line(&mut lines).await {
        said.take(&line);
    }
}

/// Reopens the device's data in this process and checks that everything the writer reported is there.
async fn check_reopened(dir: &Path, said: &Said, round: &str) {
    let engine = homeplay_tests::open_engine(dir).await.unwrap_or_else(|e| panic!("{round}: reopening failed: {e}"));
    assert!(engine.integrity_ok().await.unwrap(), "{round}: integrity_check failed");
    assert_eq!(engine.schema_version().await.unwrap(), 4);
    for id in &said.acked {
        assert!(engine.log(*id).await.unwrap().is_some(), "{round}: acknowledged log {id} is missing");
    }
    for (id, hlc) in &said.edited {
        let log = engine.log(*id).await.unwrap().unwrap_or_else(|| panic!("{round}: edited log {id} is gone"));
        assert!(log.hlc >= *hlc, "{round}: the edit of {id} at {hlc:?} was lost (now {:?})", log.hlc);
    }
    let stored = engine.all_logs().await.unwrap();
    assert!(stored.len() >= said.acked.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_device_keeps_every_acknowledged_tick() {
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db);
    let start = (Utc::now() - TimeDelta::days(14)).date_naive().to_string();
    let p = program(&db, &server, &start).await;
    let (engine, dir) = paired_engine(&server.base, &p.maya, &p.child_id, "Kitchen laptop", "Mum").await;
    assert!(!engine.today(Utc::now()).await.unwrap().is_empty(), "the program arrived");
    drop(engine);

    let mut said = Said::default();
    for round in 0..ROUNDS {
        // The first round dies right after its first line, possibly still opening the database.
        let kill_after = if round == 0 { 1 } else { fastrand::usize(1..=40) };
        run_and_kill(dir.path(), kill_after, &mut said).await;
        check_reopened(dir.path(), &said, &format!("round {round}, killed after {kill_after} lines")).await;
    }
    assert!(said.acked.len() >= ROUNDS, "the writer recorded too little to mean anything: {said:?}");
    eprintln!("{} ticks and {} edits reported across {ROUNDS} kills", said.acked.len(), said.edited.len());

    // Back to the network: everything reaches the clinic, exactly once, in the version the device holds.
    let engine = homeplay_tests::open_engine(dir.path()).await.unwrap();
    engine.sync_once().await.unwrap();
    assert!(matches!(engine.status().await.unwrap(), SyncState::Synced { .. }), "{:?}", engine.status().await);
    let on_device = engine.all_logs().await.unwrap();
    let report = p.maya.get(&format!("/api/v1/children/{}/adherence?from={start}", p.child_id)).await;
    let timeline = report["timeline"].as_array().unwrap();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for entry in timeline {
        *seen.entry(entry["log_id"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    for id in &said.acked {
        assert_eq!(
            seen.get(&id.to_string()),
            Some(&1),
            "log {id} reached the clinic {:?} times",
            seen.get(&id.to_string())
        );
    }
    assert_eq!(timeline.len(), on_device.len(), "the clinic holds exactly the device's logs");
    for log in &on_device {
        let entry = timeline.iter().find(|e| e["log_id"] == log.id.to_string()).unwrap();
        assert_eq!(entry["undone"], log.undone, "{}", log.id);
        assert_eq!(entry["outcome"], serde_json::to_value(log.outcome).unwrap(), "{}", log.id);
    }

    // And a second device of the family ends with the same logs.
    let (other, _dir2) = paired_engine(&server.base, &p.maya, &p.child_id, "Dad's laptop", "Dad").await;
    assert_eq!(other.all_logs().await.unwrap(), on_device);
}
