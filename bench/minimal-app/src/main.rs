//! The app benchmark's baseline: the smallest Tauri 2 window. Its page calls `ready` after its first paint,
//! and `ready` follows the family app's protocol: with `HOMEPLAY_READY_FILE` set, it appends
//! `{"ready_ms": <unix ms>, "rss_kib": <VmRSS>}` to that file.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::io::Write;

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tauri::command]
fn ready() -> Result<(), String> {
    let Some(file) = std::env::var_os("HOMEPLAY_READY_FILE").filter(|f| !f.is_empty()) else { return Ok(()) };
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let line = serde_json::json!({ "ready_ms": now_ms, "rss_kib": rss_kib() });
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(file).map_err(|e| e.to_string())?;
    writeln!(f, "{line}").map_err(|e| e.to_string())
}

fn main() -> Result<(), tauri::Error> {
    tauri::Builder::default().invoke_handler(tauri::generate_handler![ready]).run(tauri::generate_context!())
}
