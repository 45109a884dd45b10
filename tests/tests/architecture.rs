//! The house rules of ARCHITECTURE.md, checked on the workspace's dependency graph and sources, so a change that
//! breaks one fails here instead of in a review: the core does no IO, the device never imports the server, and
//! the desktop app reaches the server (and any database) only through the device.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Crates that do IO or talk to the network, a database, a window or the operating system.
const IO_CRATES: &[&str] = &[
    "tokio",
    "async-std",
    "sqlx",
    "reqwest",
    "hyper",
    "axum",
    "tower",
    "tower-http",
    "tauri",
    "keyring",
    "rusqlite",
    "tracing-appender",
    "mio",
    "socket2",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A workspace package's name and its direct dependencies: (name, kind), kind `None` for a normal one.
type Package = (String, Vec<(String, Option<String>)>);

/// Each workspace package's direct dependencies as Cargo sees them.
fn dependencies() -> Vec<Package> {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline", "--locked"])
        .current_dir(workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| (d["name"].as_str().unwrap().to_owned(), d["kind"].as_str().map(str::to_owned)))
                .collect();
            (p["name"].as_str().unwrap().to_owned(), deps)
        })
        .collect()
}

/// The normal (not dev, not build) dependencies of one package.
fn normal_deps(all: &[Package], package: &str) -> BTreeSet<String> {
    let (_, deps) = all.iter().find(|(name, _)| name == package).unwrap_or_else(|| panic!("no package {package}"));
    deps.iter().filter(|(_, kind)| kind.is_none()).map(|(name, _)| name.clone()).collect()
}

#[test]
fn the_core_depends_on_no_io_crate() {
    let all = dependencies();
    let core = normal_deps(&all, "homeplay-core");
    let io: Vec<_> = core.iter().filter(|d| IO_CRATES.contains(&d.as_str())).collect();
    assert!(io.is_empty(), "homeplay-core must stay pure, but depends on {io:?}");
    assert!(
        !core.iter().any(|d| d.starts_with("homeplay-")),
        "homeplay-core depends on no other crate of ours: {core:?}"
    );
}

#[test]
fn the_core_sources_use_no_io() {
    let mut offenders = Vec::new();
    let mut dirs = vec![workspace_root().join("shared/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for needle in [
                    "std::fs",
                    "std::net",
                    "std::process",
                    "std::env",
                    "std::thread",
                    "SystemTime::now",
                    "Utc::now",
                    "Local::now",
                ] {
                    if text.contains(needle) {
                        offenders.push(format!("{} uses {needle}", path.display()));
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "homeplay-core does no IO (time and randomness come in as arguments): {offenders:#?}"
    );
}

#[test]
fn the_device_never_imports_the_server() {
    let all = dependencies();
    let device = normal_deps(&all, "homeplay-device");
    assert!(!device.contains("homeplay-server"), "homeplay-device talks to the server only over HTTP");
    assert!(device.contains("homeplay-core"));
}

#[test]
fn the_app_reaches_the_server_only_through_the_device() {
    let all = dependencies();
    let app = normal_deps(&all, "homeplay-app");
    for forbidden in ["homeplay-server", "reqwest", "sqlx", "hyper"] {
        assert!(
            !app.contains(forbidden),
            "homeplay-app must not depend on {forbidden}: HTTP and storage are the device's"
        );
    }
    assert!(app.contains("homeplay-device"));
}

#[test]
fn the_server_does_not_build_on_the_family_side() {
    let all = dependencies();
    let server = normal_deps(&all, "homeplay-server");
    for forbidden in ["homeplay-device", "homeplay-app", "tauri"] {
        assert!(!server.contains(forbidden), "homeplay-server must not depend on {forbidden}");
    }
}
