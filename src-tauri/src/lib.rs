//! homeplay's family desktop app: a Tauri 2 shell whose commands, listed once in [`commands`], are thin calls into
//! `homeplay-device` ([`api`]), with the shapes the screens see declared once in [`dto`] (or in homeplay-core) and
//! generated for TypeScript ([`bindings`]); the sync loop's states reach the screens as events ([`sync_events`]).

pub mod api;
pub mod bindings;
pub mod commands;
pub mod dto;
pub mod logging;
pub mod ready;
pub mod reminders;
pub mod sync_events;

use homeplay_device::{Engine, SyncLoop};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use sync_events::StatusSink;
use tauri::{Emitter, Manager};

/// How often the background loop syncs while things work.
const SYNC_INTERVAL: Duration = Duration::from_secs(60);

/// The first sync waits for the first screen to be painted (`app_ready`): its request and the page it applies
/// would compete with the window for this machine's cores. Should the screen never say so, it starts anyway.
const FIRST_SYNC_AT_LATEST: Duration = Duration::from_secs(10);

/// What the commands share: the engine, and its background sync loop once paired, whose states go to `on_status`.
pub struct AppState {
    engine: Arc<Engine>,
    /// The loop, and the task passing its states on.
    sync_loop: Mutex<Option<(SyncLoop, tokio::task::JoinHandle<()>)>>,
    on_status: StatusSink,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("engine", &self.engine).finish_non_exhaustive()
    }
}

impl AppState {
    pub fn new(engine: Arc<Engine>, on_status: StatusSink) -> Self {
        Self { engine, sync_loop: Mutex::new(None), on_status }
    }

    pub async fn stop_sync(&self) {
        let running = self.sync_loop.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some((running, forwarding)) = running {
            running.stop().await;
            // It ends with the loop; waiting for it keeps a status read before the stop from arriving after
            // whatever the caller does next (an unpair).
            let _ = forwarding.await;
        }
    }

    /// Starts the loop if the device is paired (the first screen's paint, or [`FIRST_SYNC_AT_LATEST`] after the
    /// start, whichever comes first).
    pub async fn start_sync_if_paired(&self) {
        match self.engine.pairing().await {
            Ok(Some(_)) => self.start_sync(),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "cannot read the pairing to start syncing"),
        }
    }

    /// Starts the loop unless it runs; each state it reaches goes to `on_status` until it stops.
    pub fn start_sync(&self) {
        let mut slot = self.sync_loop.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.is_none() {
            let running = self.engine.start_sync_loop(SYNC_INTERVAL);
            let forwarding =
                tokio::spawn(sync_events::forward(self.engine.clone(), running.state(), self.on_status.clone()));
            *slot = Some((running, forwarding));
        }
    }
}

/// Where the family's data lives: `HOMEPLAY_DATA_DIR` (tests), else the OS app-data folder.
pub fn data_dir(app_data: Option<PathBuf>) -> Result<PathBuf, String> {
    match std::env::var_os("HOMEPLAY_DATA_DIR") {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => app_data.ok_or_else(|| "no app-data folder on this system; set HOMEPLAY_DATA_DIR".to_owned()),
    }
}

/// Pairs unattended for the demo when `HOMEPLAY_PAIR_URL` and `HOMEPLAY_PAIR_CODE` are set.
async fn auto_pair(engine: &Engine) {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let (Some(url), Some(code)) = (var("HOMEPLAY_PAIR_URL"), var("HOMEPLAY_PAIR_CODE")) else { return };
    let device = var("HOMEPLAY_DEVICE_NAME").unwrap_or_else(|| "Demo laptop".to_owned());
    let caregiver = var("HOMEPLAY_CAREGIVER").unwrap_or_else(|| "Parent".to_owned());
    match api::auto_pair(engine, &url, &code, &device, &caregiver).await {
        Ok(true) => tracing::info!("paired from the environment"),
        Ok(false) => {}
        // The kind only: the message may carry the address, and the code must not reach the log.
        Err(e) => tracing::warn!(kind = ?e.kind, "pairing from the environment failed"),
    }
}

/// Runs the app until its window closes.
pub fn run() {
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            // A second launch brings the running window forward instead of opening the data twice.
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .on_window_event(|window, event| {
            // The plugin writes its file only when the whole app exits cleanly; writing it as the window goes
            // keeps the size and place even if the process is then stopped (logout, a kill).
            if let tauri::WindowEvent::Destroyed = event {
                use tauri_plugin_window_state::{AppHandleExt, StateFlags};
                if let Err(e) = window.app_handle().save_window_state(StateFlags::all()) {
                    tracing::warn!(error = %e, "cannot save the window's size and place");
                }
            }
        })
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            logging::init(app.path().app_log_dir().ok().as_deref());
            let dir = data_dir(app.path().app_data_dir().ok())?;
            let emitter = app.handle().clone();
            let on_status: StatusSink = Arc::new(move |status| {
                if let Err(e) = emitter.emit(sync_events::SYNC_STATE, status) {
                    tracing::warn!(error = %e, "cannot send the sync state to the screens");
                }
            });
            // Inside the async runtime: the sync loop is a task on it.
            let state = tauri::async_runtime::block_on(async {
                let engine = Engine::open(&dir).await?;
                auto_pair(&engine).await;
                Ok::<_, homeplay_device::DeviceError>(AppState::new(Arc::new(engine), on_status))
            })?;
            let later = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(FIRST_SYNC_AT_LATEST).await;
                if let Some(state) = later.try_state::<AppState>() {
                    state.start_sync_if_paired().await;
                }
            });
            tracing::info!(dir = %dir.display(), "homeplay data folder");
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(reminders::run(state.engine.clone(), move |title, body| {
                use tauri_plugin_notification::NotificationExt;
                if let Err(e) = handle.notification().builder().title(title).body(body).show() {
                    tracing::warn!(error = %e, "cannot show a reminder");
                }
            }));
            app.manage(state);
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "homeplay stopped");
        eprintln!("homeplay stopped: {e}");
        std::process::exit(1);
    }
}
