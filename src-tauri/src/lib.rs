//! homeplay's family desktop app: a Tauri 2 shell whose commands are thin calls into `homeplay-device`
//! ([`api`]), with the shapes the screens see declared once in [`dto`] and generated for TypeScript.

pub mod api;
pub mod dto;
pub mod logging;
pub mod ready;
pub mod reminders;

use dto::{
    AppSettings, AppStatus, CheckInFaceView, ChildGoalsView, CommandError, EditInput, LogView, MediaView, PairInput,
    ProgressView, RecordInput, TodayChildView, WeekProgramView,
};
use homeplay_device::{Engine, SyncLoop};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::{Manager, State};

/// How often the background loop syncs while things work.
const SYNC_INTERVAL: Duration = Duration::from_secs(60);

/// What the commands share: the engine, and its background sync loop once paired.
#[derive(Debug)]
pub struct AppState {
    engine: Arc<Engine>,
    sync_loop: Mutex<Option<SyncLoop>>,
}

impl AppState {
    async fn stop_sync(&self) {
        let running = self.sync_loop.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(running) = running {
            running.stop().await;
        }
    }

    fn start_sync(&self) {
        let mut slot = self.sync_loop.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(self.engine.start_sync_loop(SYNC_INTERVAL));
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

#[tauri::command]
async fn status(state: State<'_, AppState>) -> Result<AppStatus, CommandError> {
    api::status(&state.engine).await
}

#[tauri::command]
async fn pair(state: State<'_, AppState>, input: PairInput) -> Result<AppStatus, CommandError> {
    let out = api::pair(&state.engine, input).await?;
    state.start_sync();
    Ok(out)
}

#[tauri::command]
async fn set_caregiver(state: State<'_, AppState>, name: String) -> Result<AppStatus, CommandError> {
    api::set_caregiver(&state.engine, &name).await
}

#[tauri::command]
async fn today(state: State<'_, AppState>) -> Result<Vec<TodayChildView>, CommandError> {
    api::today(&state.engine, chrono::Utc::now()).await
}

#[tauri::command]
async fn record(state: State<'_, AppState>, input: RecordInput) -> Result<LogView, CommandError> {
    api::record(&state.engine, input).await
}

#[tauri::command]
async fn undo(state: State<'_, AppState>, log_id: String) -> Result<LogView, CommandError> {
    api::undo(&state.engine, &log_id).await
}

#[tauri::command]
async fn edit(state: State<'_, AppState>, input: EditInput) -> Result<LogView, CommandError> {
    api::edit(&state.engine, input).await
}

#[tauri::command]
async fn sync_now(state: State<'_, AppState>) -> Result<AppStatus, CommandError> {
    api::sync_now(&state.engine).await
}

#[tauri::command]
async fn media(state: State<'_, AppState>, media_ref: String) -> Result<MediaView, CommandError> {
    api::media(&state.engine, &media_ref).await
}

#[tauri::command]
async fn settings(state: State<'_, AppState>) -> Result<AppSettings, CommandError> {
    api::settings(&state.engine).await
}

#[tauri::command]
async fn save_settings(state: State<'_, AppState>, settings: AppSettings) -> Result<AppSettings, CommandError> {
    api::save_settings(&state.engine, settings).await
}

#[tauri::command]
async fn progress(state: State<'_, AppState>, child_id: String) -> Result<ProgressView, CommandError> {
    api::progress(&state.engine, &child_id, chrono::Utc::now()).await
}

#[tauri::command]
async fn week_program(state: State<'_, AppState>, child_id: String) -> Result<WeekProgramView, CommandError> {
    api::week_program(&state.engine, &child_id, chrono::Utc::now()).await
}

#[tauri::command]
async fn goals(state: State<'_, AppState>) -> Result<Vec<ChildGoalsView>, CommandError> {
    api::goals(&state.engine).await
}

#[tauri::command]
async fn check_in(
    state: State<'_, AppState>,
    goal_id: String,
    face: CheckInFaceView,
) -> Result<Vec<ChildGoalsView>, CommandError> {
    api::check_in(&state.engine, &goal_id, face).await
}

#[tauri::command]
async fn unpair(state: State<'_, AppState>, discard_unsent: bool) -> Result<AppStatus, CommandError> {
    // The loop would only find nothing to do; stopping it first keeps it from racing the forgetting.
    state.stop_sync().await;
    match api::unpair(&state.engine, discard_unsent).await {
        Ok(s) => Ok(s),
        Err(e) => {
            state.start_sync();
            Err(e)
        }
    }
}

/// The UI calls this once, after the main screen's first paint.
#[tauri::command]
fn app_ready() {
    if let Some(file) = std::env::var_os("HOMEPLAY_READY_FILE").filter(|f| !f.is_empty())
        && let Err(e) = ready::note_ready(std::path::Path::new(&file), chrono::Utc::now().timestamp_millis())
    {
        tracing::warn!(error = %e, "cannot write the ready file");
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
            // Inside the async runtime: the sync loop is a task on it.
            let state = tauri::async_runtime::block_on(async {
                let engine = Engine::open(&dir).await?;
                auto_pair(&engine).await;
                let state = AppState { engine: Arc::new(engine), sync_loop: Mutex::new(None) };
                if state.engine.pairing().await?.is_some() {
                    state.start_sync();
                }
                Ok::<_, homeplay_device::DeviceError>(state)
            })?;
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
        .invoke_handler(tauri::generate_handler![
            status,
            pair,
            set_caregiver,
            today,
            record,
            undo,
            edit,
            sync_now,
            media,
            settings,
            save_settings,
            progress,
            week_program,
            goals,
            check_in,
            unpair,
            app_ready
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "homeplay stopped");
        eprintln!("homeplay stopped: {e}");
        std::process::exit(1);
    }
}
