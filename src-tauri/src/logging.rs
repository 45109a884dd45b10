//! Logs go to stderr and to a file in the OS app-log folder, one per day, the last week kept. What is logged
//! never names the family: no names, notes, codes or tokens (commands log error kinds, not messages).

use std::path::Path;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, fmt};

/// Days of logs kept.
const KEEP_FILES: usize = 7;

/// Starts logging (`RUST_LOG` filters, `info` by default). Without a usable folder, logs go to stderr only.
pub fn init(log_dir: Option<&Path>) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let file = log_dir.and_then(|dir| {
        RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix("homeplay")
            .filename_suffix("log")
            .max_log_files(KEEP_FILES)
            .build(dir)
            .map_err(|e| eprintln!("homeplay: cannot log to {}: {e}", dir.display()))
            .ok()
    });
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(file.map(|f| fmt::layer().with_ansi(false).with_writer(f)))
        .try_init();
}
