//! app: the family app (`src-tauri/`, homeplay-app) beside a minimal Tauri 2 window (`bench/minimal-app`)
//! built in the same run: release binary and `.deb` size, memory once today's list is on screen, and the time
//! from process start to first paint. Both run under `xvfb-run -a` + `dbus-run-session` and report their first
//! paint the same way: a JSON line `{"ready_ms", "rss_kib"}` appended to `HOMEPLAY_READY_FILE`.
//!
//! The family app is paired to a bench server with a program (it pairs itself on its first start from
//! `HOMEPLAY_PAIR_URL` / `HOMEPLAY_PAIR_CODE`), so the measured starts show a today's list with items, read
//! from the device's own data as on any later morning.

use super::Stage;
use crate::data::{Gen, Shape, today};
use crate::env::Backend;
use crate::{Config, Measurement};
use anyhow::{Context, bail};
use chrono::TimeDelta;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const REAL: &str = "homeplay-app";
const MINIMAL: &str = "homeplay-minimal-app";

pub async fn run(cfg: &Config) -> anyhow::Result<Vec<Measurement>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let profile = if cfg.quick { "debug" } else { "release" };
    // Where cargo puts them: `CARGO_TARGET_DIR` when set (release builds shared between worktrees), else target/.
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let bins = target.join(profile);
    if cfg.quick {
        // A smoke run builds nothing: it uses the debug builds `cargo test --workspace` leaves behind.
        let missing: Vec<&str> = [REAL, MINIMAL].into_iter().filter(|b| !bins.join(b).exists()).collect();
        if !missing.is_empty() {
            return Ok(vec![skipped(&format!(
                "skipped: --quick builds nothing, and there is no debug build of {} (cargo build -p {})",
                missing.join(", "),
                missing.join(" -p ")
            ))]);
        }
    } else {
        build_release(&root)?;
    }
    for tool in ["xvfb-run", "dbus-run-session", "xauth"] {
        if !on_path(tool) {
            return Ok(vec![skipped(&format!("skipped: {tool} is not installed (apt-get install xvfb xauth dbus)"))]);
        }
    }
    let (real_bin, minimal_bin) = (bins.join(REAL), bins.join(MINIMAL));

    // The clinic side: one family, one child, five exercises twice a day, and a pairing code for the app.
    let mut g = Gen::new(cfg.seed);
    let shape =
        Shape { families: 1, assignments: 5, slots: 2, devices_per_family: 0, start: today() - TimeDelta::days(7) };
    let stage = Stage::new(cfg, Backend::Sqlite, &mut g, shape).await?;
    let code = stage.pairing_code([1, 2, 3, 4, 5]).await?;

    let work = tempfile::tempdir()?;
    let data = work.path().join("family-data");
    // The first start pairs and syncs; it is not measured.
    let mut items = 0;
    for _ in 0..3 {
        let pair = [("HOMEPLAY_PAIR_URL", stage.server.base.clone()), ("HOMEPLAY_PAIR_CODE", code.display())];
        let run = launch(&real_bin, work.path(), &data, &pair, cfg.quick)?;
        // The program arrives with the first sync, after the first paint: wait for it to be on the device.
        let deadline = Instant::now() + Duration::from_secs(60);
        while items == 0 && Instant::now() < deadline {
            items = today_items(&data).await.unwrap_or(0);
            if items == 0 {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
        run.stop();
        if items > 0 {
            break;
        }
    }
    if items == 0 {
        stage.finish().await;
        bail!("the family app never showed a today's list with items (pairing or sync failed; see [app] lines)");
    }

    let runs = if cfg.quick { 1 } else { cfg.repeats.max(3) };
    let (mut real, mut minimal) = (Vec::new(), Vec::new());
    for i in 0..runs {
        // Alternate which goes first, so that the machine's other work weighs on both alike.
        for which_real in if i % 2 == 0 { [true, false] } else { [false, true] } {
            let (bin, out) = if which_real { (&real_bin, &mut real) } else { (&minimal_bin, &mut minimal) };
            let run = launch(bin, work.path(), &data, &[], cfg.quick)?;
            out.push(run.reading);
            run.stop();
        }
    }
    // `STRACE=dir` / `PERF=dir`: one more start of each under strace (when WebKit's processes start, the files and
    // sockets each opens, the ready line) or under `perf record` (where the CPU goes, by process and library).
    // Not measured: the tools slow what they watch.
    for (var, tool) in [
        ("STRACE", "strace -f -ttt --seccomp-bpf -e trace=execve,openat,connect -o"),
        ("PERF", "perf record -q -F 1999 -o"),
    ] {
        let Some(dir) = std::env::var_os(var).map(PathBuf::from) else { continue };
        std::fs::create_dir_all(&dir)?;
        for bin in [&real_bin, &minimal_bin] {
            let name = bin.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let out = dir.join(format!("{name}.{}", var.to_lowercase()));
            let wrap = format!("{tool} {}", out.display());
            launch(bin, work.path(), &data, &[("HOMEPLAY_BENCH_WRAP", wrap)], cfg.quick)?.stop();
            eprintln!("   app: a start of {name} under {var}: {}", out.display());
        }
    }
    stage.finish().await;

    let median = |v: &[Reading], f: fn(&Reading) -> f64| {
        let mut xs: Vec<f64> = v.iter().map(f).collect();
        xs.sort_by(f64::total_cmp);
        xs[xs.len() / 2]
    };
    let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    let params = json!({
        "profile": profile, "runs": runs, "today_items": items, "seed": cfg.seed,
        "baseline": "bench/minimal-app: a Tauri 2 window whose page calls one command after its first paint",
        "memory": "rss: the app process's VmRSS at first paint (its own report); pss_tree: the PSS of the app and \
                   the WebKit processes it started, summed, at the same moment",
    });
    let mut out = vec![
        Measurement::new(
            "app.binary_size",
            "app",
            mib(std::fs::metadata(&real_bin)?.len()),
            "MiB",
            Some(mib(std::fs::metadata(&minimal_bin)?.len())),
        )
        .params(params.clone()),
    ];
    let deb_dir = target.join("release/bundle/deb");
    match (find_deb(&deb_dir, "homeplay_"), find_deb(&deb_dir, "homeplay-minimal_")) {
        (Some(deb), minimal_deb) => {
            let mut p = params.clone();
            if minimal_deb.is_none() {
                p["note"] =
                    "no .deb of the minimal window: it is bundled only by a full run with ui/'s Tauri CLI".into();
            }
            let m = Measurement::new(
                "app.deb_size",
                "app",
                mib(std::fs::metadata(&deb)?.len()),
                "MiB",
                minimal_deb.map(|d| std::fs::metadata(d).map_or(0.0, |m| mib(m.len()))),
            )
            .params(p);
            let met = m.ratio.is_some_and(|r| r <= 2.0);
            out.push(if m.ratio.is_some() { m.target("ratio <= 2", met) } else { m });
        }
        (None, _) => out.push(Measurement::new("app.deb_size", "app", 0.0, "skipped", None).params(json!({
            "note": "not measured: no target/release/bundle/deb/homeplay_*.deb (the full run bundles it with ui/'s \
                     Tauri CLI, after npm ci in ui/)"
        }))),
    }
    for (name, unit, f) in [
        ("app.first_paint", "ms", (|r: &Reading| r.paint_ms) as fn(&Reading) -> f64),
        ("app.rss", "MiB", |r: &Reading| r.rss_kib / 1024.0),
        ("app.pss_tree", "MiB", |r: &Reading| r.pss_tree_kib / 1024.0),
    ] {
        let m = Measurement::new(name, "app", median(&real, f), unit, Some(median(&minimal, f))).params(params.clone());
        // Issue 16's target for the first paint; memory has none.
        let met = m.ratio.is_some_and(|r| r <= 1.3);
        out.push(if name == "app.first_paint" { m.target("ratio <= 1.3", met) } else { m });
    }
    Ok(out)
}

fn skipped(note: &str) -> Measurement {
    eprintln!("   app: {note}");
    Measurement::new("app", "app", 0.0, "skipped", None).params(json!({ "note": note }))
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

/// Builds both in release, in the same run and the same profile, so that neither size is stale: with the Tauri
/// bundler (which also makes their `.deb`s) when `ui/` has it, the family app after its screens are built into
/// `src-tauri/dist`; else with cargo, and no `.deb` is measured.
fn build_release(root: &Path) -> anyhow::Result<()> {
    let tauri = root.join("ui/node_modules/.bin/tauri");
    let vite = root.join("ui/node_modules/.bin/vite");
    let bundle = |dir: PathBuf| -> anyhow::Result<bool> {
        eprintln!("   app: bundling {} in release (slow when it is not current)", dir.display());
        Ok(Command::new(&tauri)
            .current_dir(dir)
            .args(["build", "--ci", "--bundles", "deb", "--", "--locked"])
            .status()?
            .success())
    };
    if !(if tauri.exists() { bundle(root.join("bench/minimal-app"))? } else { cargo_release(root, MINIMAL)? }) {
        bail!("building {MINIMAL} in release failed");
    }
    let ok = if tauri.exists() && vite.exists() {
        let screens = Command::new(&vite)
            .current_dir(root.join("ui"))
            .args(["build", "--config", "family/vite.config.ts"])
            .status()?
            .success();
        screens && bundle(root.join("src-tauri"))?
    } else {
        cargo_release(root, REAL)?
    };
    if !ok {
        bail!("building {REAL} in release failed");
    }
    Ok(())
}

fn cargo_release(root: &Path, package: &str) -> anyhow::Result<bool> {
    eprintln!("   app: building {package} in release (slow when it is not current)");
    Ok(Command::new(option_env!("CARGO").unwrap_or("cargo"))
        .current_dir(root)
        .args(["build", "--release", "--locked", "-p", package, "--features", "tauri/custom-protocol"])
        .status()?
        .success())
}

fn find_deb(dir: &Path, prefix: &str) -> Option<PathBuf> {
    let mut debs: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "deb")
                && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    debs.sort();
    debs.pop()
}

/// What one start measured.
#[derive(Debug, Clone, Copy)]
struct Reading {
    paint_ms: f64,
    rss_kib: f64,
    pss_tree_kib: f64,
}

/// A running app under its own X display and session bus, in a process group of its own.
#[derive(Debug)]
struct Running {
    child: Child,
    reading: Reading,
}

impl Running {
    /// Stops the whole group (xvfb-run, Xvfb, the bus, the app, WebKit's processes) and waits for it.
    fn stop(mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).stderr(Stdio::null()).status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.wait();
    }
}

/// Starts `bin` and waits for its first-paint line; measures it and its process tree at that moment.
fn launch(bin: &Path, work: &Path, data: &Path, extra_env: &[(&str, String)], quick: bool) -> anyhow::Result<Running> {
    use std::os::unix::process::CommandExt;
    let ready = work.join("ready.jsonl");
    let start = work.join("start");
    let pid_file = work.join("pid");
    for f in [&ready, &start, &pid_file] {
        let _ = std::fs::remove_file(f);
    }
    // The shell notes its pid and the time, then becomes the app: the app's own start, to the millisecond.
    let mut cmd = Command::new("xvfb-run");
    cmd.args(["-a", "-s", "-screen 0 1280x800x24 -nolisten tcp", "dbus-run-session", "--", "sh", "-c"])
        .arg(
            r#"echo $$ > "$HOMEPLAY_BENCH_PID"; date +%s%3N > "$HOMEPLAY_BENCH_START"
               exec $HOMEPLAY_BENCH_WRAP "$0""#,
        )
        .arg(bin)
        .env("HOMEPLAY_DATA_DIR", data)
        .env("HOMEPLAY_READY_FILE", &ready)
        .env("HOMEPLAY_BENCH_PID", &pid_file)
        .env("HOMEPLAY_BENCH_START", &start)
        .env("RUST_LOG", "warn")
        .envs(extra_env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd.spawn().context("starting xvfb-run")?;
    // The session bus and WebKit talk a lot on stderr: kept, and shown only if the start fails.
    let said = std::sync::Arc::new(std::sync::Mutex::new(std::collections::VecDeque::<String>::new()));
    if let Some(stderr) = child.stderr.take() {
        let said = said.clone();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut said) = said.lock() {
                    if said.len() == 30 {
                        said.pop_front();
                    }
                    said.push_back(line);
                }
            }
        });
    }
    let last_words = || said.lock().map(|s| s.iter().cloned().collect::<Vec<_>>().join("\n")).unwrap_or_default();
    let limit = Duration::from_secs(if quick { 120 } else { 180 });
    let started = Instant::now();
    let line = loop {
        if let Some(line) = std::fs::read_to_string(&ready).ok().and_then(|t| t.lines().next().map(str::to_owned)) {
            break line;
        }
        if let Ok(Some(status)) = child.try_wait() {
            bail!("{} exited ({status}) before its first paint; it said:\n{}", bin.display(), last_words());
        }
        if started.elapsed() > limit {
            Running { child, reading: Reading { paint_ms: 0.0, rss_kib: 0.0, pss_tree_kib: 0.0 } }.stop();
            bail!(
                "{} did not report its first paint within {}s; it said:\n{}",
                bin.display(),
                limit.as_secs(),
                last_words()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let pid: u32 = std::fs::read_to_string(&pid_file)?.trim().parse().context("the app's pid")?;
    let pss_tree_kib =
        tree(pid).iter().filter_map(|p| kib_field(&format!("/proc/{p}/smaps_rollup"), "Pss:")).sum::<u64>();
    let v: serde_json::Value = serde_json::from_str(&line).context("the ready line")?;
    let start_ms: i64 = std::fs::read_to_string(&start)?.trim().parse().context("the start time")?;
    let ready_ms = v["ready_ms"].as_i64().context("ready_ms")?;
    let reading = Reading {
        paint_ms: (ready_ms - start_ms) as f64,
        rss_kib: v["rss_kib"].as_f64().unwrap_or(0.0),
        pss_tree_kib: pss_tree_kib as f64,
    };
    Ok(Running { child, reading })
}

/// `pid` and every process descended from it.
fn tree(pid: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|p| {
            let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
            // The fields after the command (which may hold spaces) start after its last ')'.
            let ppid = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()?;
            Some((p, ppid))
        })
        .collect();
    let mut out = vec![pid];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(parents.iter().filter(|(_, pp)| *pp == parent).map(|(p, _)| *p));
        i += 1;
    }
    out
}

/// A `kB` field of a `/proc` file (`Pss:`, `VmRSS:` …).
fn kib_field(path: &str, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().find(|l| l.starts_with(field))?.split_whitespace().nth(1)?.parse().ok()
}

/// How many items today's list shows, read from the device's data as the app reads it.
async fn today_items(data: &Path) -> anyhow::Result<usize> {
    if !data.join("homeplay-device.db").exists() {
        return Ok(0);
    }
    let engine = homeplay_device::Engine::open(data).await?;
    let today = engine.today(chrono::Utc::now()).await?;
    Ok(today.iter().flat_map(|c| &c.groups).map(|g| g.items.len()).sum())
}
