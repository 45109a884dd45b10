//! Chaos: four family devices (and a fifth that joins half-way) tick, edit, undo and double-tap over four
//! simulated weeks, through a proxy that drops, cuts, delays and duplicates their requests, while the server
//! is killed (`kill -9`) and restarted and the devices' apps are restarted. At the end, with the faults off,
//! every device syncs until its outbox is empty; then every recorded tick must exist exactly once on the
//! server (its feed, and the therapist's timeline) and on every device, with the same version everywhere: the
//! merge of every version any device made. Nothing lost, nothing doubled.
//!
//! The seed is printed first; `HOMEPLAY_CHAOS_SEED=<seed>` replays the same sequence of operations (what
//! each meets on the network still depends on timing). `HOMEPLAY_CHAOS_OPS=<n>` runs longer (default 1000
//! operations per backend, about 20 s each).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use chrono::{NaiveDate, TimeDelta, Utc};
use homeplay_core::ids::{ChildId, LogId};
use homeplay_core::log::{CompletionLog, Difficulty, Mood, NotDoneReason, Outcome, merge};
use homeplay_core::schedule::Expected;
use homeplay_core::text::Note;
use homeplay_device::{By, Details, DeviceError, Engine, SyncLoop, SyncReport, SyncState, Tick};
use homeplay_tests::proxy::FaultProxy;
use homeplay_tests::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Simulated days: the assignment starts this many days before today, and the run walks through them.
const DAYS: i64 = 28;
/// The share of requests that meet a fault while the chaos runs.
const FAULT_RATE: f64 = 0.4;
const DEFAULT_OPS: usize = 1000;
/// Final convergence: sync rounds over every device, with the faults off.
const MAX_ROUNDS: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_on_sqlite() {
    chaos(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_on_postgres() {
    chaos(Backend::Postgres).await;
}

fn env_number(name: &str) -> Option<u64> {
    let raw = std::env::var(name).ok()?;
    Some(raw.trim().parse().unwrap_or_else(|_| panic!("{name}={raw:?} is not a number")))
}

async fn chaos(backend: Backend) {
    let seed = env_number("HOMEPLAY_CHAOS_SEED").unwrap_or_else(|| fastrand::u64(..));
    let ops = env_number("HOMEPLAY_CHAOS_OPS").map_or(DEFAULT_OPS, |n| usize::try_from(n).unwrap());
    eprintln!("chaos seed: {seed} ({backend:?}, {ops} operations)");
    let rerun = format!(
        "rerun with: HOMEPLAY_CHAOS_SEED={seed} HOMEPLAY_CHAOS_OPS={ops} cargo test -p homeplay-tests --test chaos \
         chaos_on_{}",
        format!("{backend:?}").to_lowercase()
    );
    // Every wait inside is bounded; this bounds the whole, so a hang fails loudly with the seed too.
    let budget = Duration::from_secs(300) + Duration::from_secs(2) * u32::try_from(ops).unwrap_or(u32::MAX);
    let mut run = Run::new(seed, backend, rerun);
    match tokio::time::timeout(budget, run.go(ops)).await {
        Ok(()) => {}
        Err(_) => run.fail(&format!("the run did not finish within {budget:?}")),
    }
}

/// One family device under test.
struct Device {
    label: &'static str,
    engine: Arc<Engine>,
    dir: tempfile::TempDir,
    by: By,
    /// An explicit `sync_once` running in the background.
    syncing: Option<tokio::task::JoinHandle<Result<SyncReport, DeviceError>>>,
    /// The app's own background loop (one device runs it instead of explicit syncs).
    background: Option<SyncLoop>,
    /// Whether the device has shown the program once: from then on, a day without activities is a bug.
    ready: bool,
}

struct Run {
    seed: u64,
    backend: Backend,
    rerun: String,
    rng: fastrand::Rng,
    /// The current operation's own choices, seeded from `rng`.
    op_rng: fastrand::Rng,
    started: Instant,
    /// What the driver did, by kind.
    counts: BTreeMap<&'static str, u64>,
    /// Every version of every log any device made, in the order they were made.
    versions: HashMap<LogId, Vec<CompletionLog>>,
    /// Every id `record` returned.
    recorded: BTreeSet<LogId>,
    /// Sync failures that are not "try again later": each one is a finding.
    sync_errors: Vec<String>,
    summary: String,
}

impl Run {
    fn new(seed: u64, backend: Backend, rerun: String) -> Self {
        Self {
            seed,
            backend,
            rerun,
            rng: fastrand::Rng::with_seed(seed),
            op_rng: fastrand::Rng::with_seed(seed),
            started: Instant::now(),
            counts: BTreeMap::new(),
            versions: HashMap::new(),
            recorded: BTreeSet::new(),
            sync_errors: Vec::new(),
            summary: String::new(),
        }
    }

    fn count(&mut self, what: &'static str) {
        *self.counts.entry(what).or_default() += 1;
    }

    fn fail(&self, problem: &str) -> ! {
        let summary = if self.summary.is_empty() {
            format!("operations so far: {:?}", self.counts)
        } else {
            self.summary.clone()
        };
        panic!("CHAOS FAILED on {:?} (seed {}): {problem}\n{summary}\n{}", self.backend, self.seed, self.rerun);
    }

    fn made(&mut self, log: &CompletionLog) {
        self.versions.entry(log.id).or_default().push(log.clone());
    }

    async fn go(&mut self, ops: usize) {
        let db = TestDb::new(self.backend);
        let mut server = TestServer::start(&db);
        let today = Utc::now().date_naive();
        let first = today - TimeDelta::days(DAYS - 1);
        let p = program(&db, &server, &first.to_string()).await;
        let child_id: ChildId = p.child_id.parse().unwrap();
        // The proxy draws from its own stream, derived from the seed.
        let proxy = FaultProxy::start(server.port(), self.seed ^ 0x9e37_79b9_7f4a_7c15).await;

        // Pairing goes through the proxy (faults off), so the devices keep the proxy's address.
        let mut devices = Vec::new();
        for (label, caregiver, by) in [
            ("Kitchen laptop", "Mum", By::Caregiver),
            ("Dad's laptop", "Dad", By::Caregiver),
            ("Grandma's laptop", "Grandma", By::Caregiver),
            ("Kid tablet", "Nanny", By::KidMode),
        ] {
            let (engine, dir) = paired_engine(&proxy.url(), &p.maya, &p.child_id, label, caregiver).await;
            devices.push(Device {
                label,
                engine: Arc::new(engine),
                dir,
                by,
                syncing: None,
                background: None,
                ready: true,
            });
        }
        let looping = devices.len() - 1;
        devices[looping].background = Some(devices[looping].engine.start_sync_loop(Duration::from_millis(300)));

        proxy.set_fault_rate(FAULT_RATE);
        // The server is down until this operation (a kill, then a start some operations later).
        let mut down_until: Option<usize> = None;
        let forced_restart = ops / 2;
        for op in 0..ops {
            if down_until.is_some_and(|until| op >= until) {
                tokio::task::block_in_place(|| server.start_again());
                down_until = None;
            }
            if op == ops / 2 {
                // A caregiver in a second home joins mid-run: pairing itself is spared, but its first pull of
                // everything so far meets the faults (and may fail, to be finished by a later sync).
                if down_until.take().is_some() {
                    tokio::task::block_in_place(|| server.start_again());
                }
                let (engine, dir) =
                    paired_engine(&proxy.url(), &p.maya, &p.child_id, "Second home laptop", "Stepmum").await;
                let ready = !engine.today(Utc::now()).await.unwrap().is_empty();
                devices.push(Device {
                    label: "Second home laptop",
                    engine: Arc::new(engine),
                    dir,
                    by: By::Caregiver,
                    syncing: None,
                    background: None,
                    ready,
                });
                self.count(if ready { "late_join" } else { "late_join_first_pull_failed" });
            }
            let offset = i64::try_from(op).unwrap() * DAYS / i64::try_from(ops.max(1)).unwrap();
            let day = first + TimeDelta::days(offset);
            // Three draws per operation, whatever happens: the sequence of operations is a function of the
            // seed alone (what each one meets on the network still depends on timing).
            let d = self.rng.usize(..devices.len());
            self.op_rng = fastrand::Rng::with_seed(self.rng.u64(..));
            let roll = self.rng.u32(..100);
            let roll = if op == forced_restart && !self.counts.contains_key("server_kill") { 96 } else { roll };
            match roll {
                0..40 => self.record(&mut devices[d], child_id, first, day, op).await,
                40..56 => self.edit(&devices[d], op).await,
                56..62 => self.undo(&devices[d]).await,
                62..66 => self.double_tap(&devices[d], op).await,
                66..95 => self.sync(&mut devices[d]).await,
                95..98 if down_until.is_none() => {
                    self.count("server_kill");
                    if self.op_rng.bool() {
                        tokio::task::block_in_place(|| server.restart());
                    } else {
                        tokio::task::block_in_place(|| server.kill());
                        down_until = Some(op + 1 + self.op_rng.usize(..10));
                        self.count("server_down_a_while");
                    }
                }
                95..98 => self.sync(&mut devices[d]).await,
                _ => self.restart_device(&mut devices, d).await,
            }
            self.reap(&mut devices, false).await;
        }

        // Calm: faults off, the server up, every background sync finished, the loop stopped.
        proxy.set_fault_rate(0.0);
        if down_until.is_some() {
            tokio::task::block_in_place(|| server.start_again());
        }
        self.reap(&mut devices, true).await;
        for dev in &mut devices {
            if let Some(l) = dev.background.take() {
                l.stop().await;
            }
        }
        if !proxy.wait_idle(Duration::from_secs(60)).await {
            self.fail("the proxy still had connections a minute after the faults stopped");
        }
        let chaos_secs = self.started.elapsed().as_secs_f64();

        // Converge: sync every device until every outbox is empty and the last sync worked everywhere, then
        // once more so that each device pulls what the others pushed last.
        let mut rounds = 0;
        let mut settled = false;
        while rounds < MAX_ROUNDS && !settled {
            rounds += 1;
            for dev in &devices {
                match dev.engine.sync_once().await {
                    Ok(_) => {}
                    // Not settled, so another round follows.
                    Err(e) if e.is_transient() => self.count("final_sync_retried"),
                    Err(e) => self.sync_errors.push(format!("{} (final round {rounds}): {e}", dev.label)),
                }
            }
            settled = true;
            for dev in &devices {
                settled &= matches!(dev.engine.status().await.unwrap(), SyncState::Synced { .. });
            }
        }
        for dev in &devices {
            dev.engine.sync_once().await.unwrap_or_else(|e| self.fail(&format!("{}: last sync: {e}", dev.label)));
        }

        // An auditor pairs straight with the server and pulls the whole feed from the start.
        let (auditor, _auditor_dir) = paired_engine(&server.base, &p.maya, &p.child_id, "Auditor", "Auditor").await;
        let maya = Therapist::login(&server, &p.clinic.email).await;
        let report = maya.get(&format!("/api/v1/children/{}/adherence?from={first}&to={today}", p.child_id)).await;

        // The summary comes first, so that a failure shows what the run did.
        let faults = proxy.counts();
        let n_versions: usize = self.versions.values().map(Vec::len).sum();
        let mut summary = format!(
            "chaos summary ({:?}, seed {}): {ops} operations in {chaos_secs:.1} s, converged in {rounds} rounds, \
             {:.1} s in all; {} logs, {n_versions} versions; ops:",
            self.backend,
            self.seed,
            self.started.elapsed().as_secs_f64(),
            self.recorded.len()
        );
        for (k, v) in &self.counts {
            let _ = write!(summary, " {k}={v}");
        }
        summary.push_str("; proxy:");
        for (k, v) in &faults {
            let _ = write!(summary, " {k}={v}");
        }
        eprintln!("{summary}");
        self.summary = summary;

        // The checks.
        let mut problems = Vec::new();
        if !settled {
            problems.push(format!("devices still had logs waiting (or failing) after {MAX_ROUNDS} calm sync rounds"));
        }
        problems.extend(self.sync_errors.iter().map(|e| format!("sync failed for good: {e}")));
        if self.recorded.is_empty() {
            problems.push("the run recorded nothing".into());
        }
        if !self.counts.contains_key("server_kill") {
            problems.push("the server was never killed".into());
        }
        let expected: BTreeMap<LogId, CompletionLog> = self
            .versions
            .iter()
            .map(|(id, vs)| (*id, vs.iter().cloned().reduce(|a, b| merge(a, b).unwrap()).unwrap()))
            .collect();
        if expected.keys().copied().collect::<BTreeSet<_>>() != self.recorded {
            problems.push("edits were made to logs that `record` never returned (copies made on a device?)".into());
        }
        for dev in devices.iter().map(|d| (d.label, &*d.engine)).chain([("Auditor (the server's feed)", &auditor)]) {
            let (label, engine) = dev;
            let logs = engine.all_logs().await.unwrap();
            problems.extend(compare(label, &logs, &expected));
            match engine.status().await.unwrap() {
                SyncState::Synced { .. } => {}
                other => problems.push(format!("{label}: ends {other:?}")),
            }
        }
        problems.extend(compare_timeline(&report, &expected));

        if !problems.is_empty() {
            let shown: Vec<_> = problems.iter().take(40).cloned().collect();
            self.fail(&format!(
                "{} problems:\n  - {}{}",
                problems.len(),
                shown.join("\n  - "),
                if problems.len() > shown.len() { "\n  - …" } else { "" }
            ));
        }
        eprintln!("chaos passed ({:?}, seed {})", self.backend, self.seed);
        drop(devices);
    }

    fn pick_outcome(&mut self) -> Outcome {
        match self.op_rng.u8(..10) {
            0..6 => Outcome::Done,
            6..8 => Outcome::Partly,
            _ => Outcome::NotDone {
                reason: [NotDoneReason::Sick, NotDoneReason::Refused, NotDoneReason::NoTime, NotDoneReason::Other]
                    [self.op_rng.usize(..4)],
            },
        }
    }

    fn pick_details(&mut self, op: usize) -> Details {
        let rng = &mut self.op_rng;
        Details {
            actual_reps: rng.bool().then(|| rng.u16(0..=30)),
            actual_seconds: (rng.u8(..4) == 0).then(|| rng.u32(0..=600)),
            difficulty: (rng.u8(..3) > 0)
                .then(|| [Difficulty::Easy, Difficulty::JustRight, Difficulty::Hard][rng.usize(..3)]),
            mood: (rng.u8(..3) > 0)
                .then(|| [Mood::Happy, Mood::Okay, Mood::Tired, Mood::Frustrated, Mood::Upset][rng.usize(..5)]),
            pain: rng.u8(..10) == 0,
            pain_score: None,
            note: (rng.u8(..3) == 0).then(|| Note::new(format!("op {op}: «{}» — ça va ✓", rng.u32(..))).unwrap()),
        }
    }

    /// A tick on one of the day's activities (or of the two days before: families log late).
    async fn record(&mut self, dev: &mut Device, child_id: ChildId, first: NaiveDate, day: NaiveDate, op: usize) {
        let date = (day - TimeDelta::days(self.op_rng.i64(0..=2))).max(first);
        let noon = date.and_hms_opt(12, 0, 0).unwrap().and_utc();
        let today = dev.engine.today(noon).await.unwrap_or_else(|e| self.fail(&format!("{}: today: {e}", dev.label)));
        let items: Vec<Expected> = today
            .iter()
            .filter(|c| c.child.id == child_id)
            .flat_map(|c| c.groups.iter().flat_map(|g| g.items.iter().map(|i| i.expected)))
            .collect();
        if items.is_empty() {
            if !dev.ready {
                // Paired, but the first pull has not gone through yet.
                self.count("record_before_first_pull");
                return;
            }
            self.fail(&format!("{}: no activities on {date}: {today:?}", dev.label));
        }
        dev.ready = true;
        let expected = items[self.op_rng.usize(..items.len())];
        let outcome = self.pick_outcome();
        let details = self.pick_details(op);
        let tick = Tick {
            child_id,
            assignment_id: expected.assignment_id,
            exercise_id: expected.exercise_id,
            occurrence: expected.occurrence,
            outcome,
            details,
            by: dev.by,
        };
        let log = dev.engine.record(tick).await.unwrap_or_else(|e| self.fail(&format!("{}: record: {e}", dev.label)));
        self.recorded.insert(log.id);
        self.made(&log);
        self.count("record");
    }

    /// A random log this device knows (its own or pulled), if any.
    async fn known(&mut self, dev: &Device) -> Option<LogId> {
        let logs = dev.engine.all_logs().await.unwrap_or_else(|e| self.fail(&format!("{}: all_logs: {e}", dev.label)));
        (!logs.is_empty()).then(|| logs[self.op_rng.usize(..logs.len())].id)
    }

    async fn edit(&mut self, dev: &Device, op: usize) {
        let Some(id) = self.known(dev).await else {
            self.count("edit_nothing_known");
            return;
        };
        let outcome = self.pick_outcome();
        let details = self.pick_details(op);
        let log = dev
            .engine
            .edit(id, outcome, details)
            .await
            .unwrap_or_else(|e| self.fail(&format!("{}: edit {id}: {e}", dev.label)));
        self.made(&log);
        self.count("edit");
    }

    async fn undo(&mut self, dev: &Device) {
        let Some(id) = self.known(dev).await else {
            self.count("undo_nothing_known");
            return;
        };
        let log = dev.engine.undo(id).await.unwrap_or_else(|e| self.fail(&format!("{}: undo {id}: {e}", dev.label)));
        self.made(&log);
        self.count("undo");
    }

    /// Three changes of one log at once on one device, as quick taps (undo, edit, edit again) can make them:
    /// the last stamp must win everywhere, whatever order the writes land in.
    async fn double_tap(&mut self, dev: &Device, op: usize) {
        let Some(id) = self.known(dev).await else {
            self.count("double_tap_nothing_known");
            return;
        };
        let (o1, d1, o2, d2) = (self.pick_outcome(), self.pick_details(op), self.pick_outcome(), self.pick_details(op));
        let (a, b, c) = tokio::join!(dev.engine.undo(id), dev.engine.edit(id, o1, d1), dev.engine.edit(id, o2, d2));
        for log in [a, b, c] {
            let log = log.unwrap_or_else(|e| self.fail(&format!("{}: double tap on {id}: {e}", dev.label)));
            self.made(&log);
        }
        self.count("double_tap");
    }

    /// Starts a sync in the background (records go on meanwhile); the looping device is nudged instead.
    async fn sync(&mut self, dev: &mut Device) {
        if let Some(l) = &dev.background {
            l.sync_now();
            self.count("sync_nudge");
            return;
        }
        if let Some(running) = dev.syncing.take() {
            self.finish(dev.label, running).await;
        }
        let engine = dev.engine.clone();
        dev.syncing = Some(tokio::spawn(async move { engine.sync_once().await }));
        self.count("sync");
    }

    async fn finish(&mut self, label: &str, running: tokio::task::JoinHandle<Result<SyncReport, DeviceError>>) {
        match running.await {
            Ok(Ok(_)) => self.count("sync_ok"),
            Ok(Err(e)) if e.is_transient() => self.count("sync_failed_transient"),
            Ok(Err(e)) => {
                self.count("sync_failed_for_good");
                self.sync_errors.push(format!("{label}: {e}"));
            }
            Err(e) => self.fail(&format!("{label}: the sync task panicked: {e}")),
        }
    }

    /// Collects finished background syncs (all of them, waiting, when `wait`).
    async fn reap(&mut self, devices: &mut [Device], wait: bool) {
        for dev in devices {
            if dev.syncing.as_ref().is_some_and(|h| wait || h.is_finished()) {
                let running = dev.syncing.take().unwrap();
                self.finish(dev.label, running).await;
            }
        }
    }

    /// The app quits and starts again: the engine is dropped, then opened from its folder.
    async fn restart_device(&mut self, devices: &mut Vec<Device>, d: usize) {
        if devices[d].background.is_some() {
            self.sync(&mut devices[d]).await;
            return;
        }
        if let Some(running) = devices[d].syncing.take() {
            self.finish(devices[d].label, running).await;
        }
        let Device { label, engine, dir, by, ready, .. } = devices.remove(d);
        if Arc::into_inner(engine).is_none() {
            self.fail(&format!("{label}: the engine is still in use"));
        }
        let engine = homeplay_tests::open_engine(dir.path())
            .await
            .unwrap_or_else(|e| self.fail(&format!("{label}: reopening its data: {e}")));
        if !engine.integrity_ok().await.unwrap() {
            self.fail(&format!("{label}: the local database is damaged after a restart"));
        }
        devices.insert(d, Device { label, engine: Arc::new(engine), dir, by, syncing: None, background: None, ready });
        self.count("device_restart");
    }
}

/// Differences between what a replica holds and what it should hold.
fn compare(label: &str, logs: &[CompletionLog], expected: &BTreeMap<LogId, CompletionLog>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = BTreeMap::<LogId, &CompletionLog>::new();
    for log in logs {
        if seen.insert(log.id, log).is_some() {
            problems.push(format!("{label}: log {} appears twice", log.id));
        }
    }
    let missing: Vec<_> = expected.keys().filter(|id| !seen.contains_key(id)).collect();
    if !missing.is_empty() {
        problems.push(format!(
            "{label}: LOST {} of {} logs, e.g. {:?}",
            missing.len(),
            expected.len(),
            &missing[..missing.len().min(5)]
        ));
    }
    let extra: Vec<_> = seen.keys().filter(|id| !expected.contains_key(id)).collect();
    if !extra.is_empty() {
        problems.push(format!(
            "{label}: {} logs nobody recorded (duplicates?), e.g. {:?}",
            extra.len(),
            &extra[..extra.len().min(5)]
        ));
    }
    let mut wrong = 0;
    for (id, want) in expected {
        if let Some(got) = seen.get(id)
            && *got != want
        {
            wrong += 1;
            if wrong <= 3 {
                problems.push(format!(
                    "{label}: log {id} is not the merge of every version made; got ≠ want: {}",
                    differences(got, want)
                ));
            }
        }
    }
    if wrong > 3 {
        problems.push(format!("{label}: {wrong} logs hold the wrong version in all"));
    }
    problems
}

/// The fields in which two versions of a log differ, as `field: got ≠ want`.
fn differences(got: &CompletionLog, want: &CompletionLog) -> String {
    let (g, w) = (serde_json::to_value(got).unwrap(), serde_json::to_value(want).unwrap());
    let null = serde_json::Value::Null;
    let keys: BTreeSet<&String> = g.as_object().unwrap().keys().chain(w.as_object().unwrap().keys()).collect();
    keys.into_iter()
        .filter(|k| g.get(*k) != w.get(*k))
        .map(|k| format!("{k}: {} ≠ {}", g.get(k).unwrap_or(&null), w.get(k).unwrap_or(&null)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The therapist's timeline: each log once, as its merged version.
fn compare_timeline(report: &serde_json::Value, expected: &BTreeMap<LogId, CompletionLog>) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(timeline) = report["timeline"].as_array() else {
        return vec![format!("the adherence report has no timeline: {report}")];
    };
    let mut seen = BTreeSet::new();
    let (mut twice, mut unknown, mut wrong) = (Vec::new(), Vec::new(), Vec::new());
    for entry in timeline {
        let id: LogId = serde_json::from_value(entry["log_id"].clone()).unwrap();
        if !seen.insert(id) {
            twice.push(id);
        }
        let Some(want) = expected.get(&id) else {
            unknown.push(id);
            continue;
        };
        let want_json = serde_json::to_value(want).unwrap();
        for field in ["outcome", "undone", "device_id", "recorded_by", "pain", "note"] {
            let want_field = want_json.get(field).cloned().unwrap_or_default();
            if entry[field] != want_field {
                wrong.push(format!("{id} {field}: {} ≠ {want_field}", entry[field]));
            }
        }
    }
    if !twice.is_empty() {
        problems.push(format!(
            "therapist's timeline: {} logs appear twice, e.g. {:?}",
            twice.len(),
            &twice[..twice.len().min(5)]
        ));
    }
    if !unknown.is_empty() {
        problems.push(format!(
            "therapist's timeline: {} logs nobody recorded (duplicates?), e.g. {:?}",
            unknown.len(),
            &unknown[..unknown.len().min(5)]
        ));
    }
    if !wrong.is_empty() {
        problems.push(format!(
            "therapist's timeline: {} fields differ from the merge, e.g. {}",
            wrong.len(),
            wrong[..wrong.len().min(3)].join("; ")
        ));
    }
    let missing = expected.keys().filter(|id| !seen.contains(id)).count();
    if missing > 0 {
        problems.push(format!("therapist's timeline: LOST {missing} of {} logs", expected.len()));
    }
    problems
}
