//! The benchmark's signal that the main screen has painted: one JSON line per start, appended to the file
//! named by `HOMEPLAY_READY_FILE`, with the time and the process's resident memory.

use std::io::Write;
use std::path::Path;

/// Resident memory in KiB, from `/proc/self/status` (`VmRSS`); `None` where there is no such file.
pub fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Appends `{"ready_ms": …, "rss_kib": …}` to `file`.
pub fn note_ready(file: &Path, now_ms: i64) -> std::io::Result<()> {
    let line = serde_json::json!({ "ready_ms": now_ms, "rss_kib": rss_kib() });
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(file)?;
    writeln!(f, "{line}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn each_start_appends_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ready.jsonl");
        note_ready(&file, 1_000).unwrap();
        note_ready(&file, 2_000).unwrap();
        let lines: Vec<serde_json::Value> =
            std::fs::read_to_string(&file).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["ready_ms"], 2_000);
        if cfg!(target_os = "linux") {
            assert!(lines[0]["rss_kib"].as_u64().unwrap() > 0);
        }
    }
}
