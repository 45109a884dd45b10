//! The app's commands, declared once: the list below both registers them with Tauri ([`handler`]) and describes
//! them to the screens ([`signatures`], generated into the `Commands` map of the bindings). A command renamed,
//! added, or given another argument here is then a type error in the screens, not a failure when a parent taps.
//!
//! Each body is a thin call into [`crate::api`]; the state of the window's session is `AppState`.

use crate::AppState;
use crate::api;
use crate::dto::{
    AppSettings, AppStatus, CaregiverView, ChildGoalsView, CommandError, EditInput, LogView, MediaView, PairInput,
    ProgressView, RecordInput, ThreadView, TodayChildView, UnreadView, WeekProgramView,
};
use homeplay_core::goal::CheckInFace;
use tauri::State;

/// One command as the screens call it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub name: &'static str,
    /// Each argument's name as the bridge takes it (camelCase) and its TypeScript type.
    pub args: Vec<(String, String)>,
    /// The TypeScript type of the answer; a failure is always a `CommandError`.
    pub result: String,
}

/// Tauri matches a JavaScript argument to a Rust parameter by the parameter's name in camelCase.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Declares the commands from one list: `async fn name(state, arg: Type, …) -> Answer { body }`, where `state`
/// names the app's state and the body answers `Result<Answer, CommandError>`.
macro_rules! commands {
    ($(
        $(#[$meta:meta])*
        async fn $name:ident($state:ident $(, $arg:ident: $ty:ty)* $(,)?) -> $out:ty $body:block
    )*) => {
        $(
            $(#[$meta])*
            #[tauri::command]
            async fn $name($state: State<'_, AppState>, $($arg: $ty),*) -> Result<$out, CommandError> $body
        )*

        /// Tauri's handler for every command of the list.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// Every command of the list, in its order.
        pub fn signatures(cfg: &ts_rs::Config) -> Vec<Signature> {
            vec![$(Signature {
                name: stringify!($name),
                args: vec![$((camel_case(stringify!($arg)), <$ty as ts_rs::TS>::name(cfg))),*],
                result: <$out as ts_rs::TS>::name(cfg),
            }),*]
        }

        /// Visits every type the commands take and answer, failures included.
        pub fn visit_types(v: &mut impl ts_rs::TypeVisitor) {
            $($(v.visit::<$ty>();)* v.visit::<$out>();)*
            v.visit::<CommandError>();
        }
    };
}

commands! {
    async fn status(state) -> AppStatus {
        api::status(&state.engine).await
    }

    async fn pair(state, input: PairInput) -> AppStatus {
        let out = api::pair(&state.engine, input).await?;
        state.start_sync();
        Ok(out)
    }

    async fn set_caregiver(state, name: String) -> AppStatus {
        api::set_caregiver(&state.engine, &name).await
    }

    /// The family's caregivers this device knows, for "Who is doing this?".
    async fn caregivers(state) -> Vec<CaregiverView> {
        api::caregivers(&state.engine).await
    }

    async fn today(state) -> Vec<TodayChildView> {
        api::today(&state.engine, chrono::Utc::now()).await
    }

    async fn record(state, input: RecordInput) -> LogView {
        api::record(&state.engine, input).await
    }

    async fn undo(state, log_id: String) -> LogView {
        api::undo(&state.engine, &log_id).await
    }

    async fn edit(state, input: EditInput) -> LogView {
        api::edit(&state.engine, input).await
    }

    async fn sync_now(state) -> AppStatus {
        api::sync_now(&state.engine).await
    }

    async fn media(state, media_ref: String) -> MediaView {
        api::media(&state.engine, &media_ref).await
    }

    async fn settings(state) -> AppSettings {
        api::settings(&state.engine).await
    }

    async fn save_settings(state, settings: AppSettings) -> AppSettings {
        api::save_settings(&state.engine, settings).await
    }

    async fn progress(state, child_id: String) -> ProgressView {
        api::progress(&state.engine, &child_id, chrono::Utc::now()).await
    }

    /// One child's activities and what was recorded on `date` (`YYYY-MM-DD`), for a day opened on the week.
    async fn day(state, child_id: String, date: String) -> TodayChildView {
        api::day(&state.engine, &child_id, &date).await
    }

    async fn week_program(state, child_id: String) -> WeekProgramView {
        api::week_program(&state.engine, &child_id, chrono::Utc::now()).await
    }

    async fn goals(state) -> Vec<ChildGoalsView> {
        api::goals(&state.engine).await
    }

    async fn check_in(state, goal_id: String, face: CheckInFace) -> Vec<ChildGoalsView> {
        api::check_in(&state.engine, &goal_id, face).await
    }

    async fn messages(state, child_id: String) -> ThreadView {
        api::messages(&state.engine, &child_id).await
    }

    async fn send_message(state, child_id: String, text: String) -> ThreadView {
        api::send_message(&state.engine, &child_id, &text).await
    }

    async fn mark_messages_read(state, child_id: String) -> ThreadView {
        api::mark_messages_read(&state.engine, &child_id).await
    }

    async fn unread_messages(state) -> Vec<UnreadView> {
        api::unread_messages(&state.engine).await
    }

    async fn unpair(state, discard_unsent: bool) -> AppStatus {
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

    /// The UI calls this once, after the main screen's first paint: the background sync starts then.
    async fn app_ready(state) -> () {
        state.start_sync_if_paired().await;
        if let Some(file) = std::env::var_os("HOMEPLAY_READY_FILE").filter(|f| !f.is_empty())
            && let Err(e) = crate::ready::note_ready(std::path::Path::new(&file), chrono::Utc::now().timestamp_millis())
        {
            tracing::warn!(error = %e, "cannot write the ready file");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_named_as_the_bridge_takes_them() {
        assert_eq!(camel_case("discard_unsent"), "discardUnsent");
        assert_eq!(camel_case("input"), "input");
        let sigs = signatures(&ts_rs::Config::default());
        let check_in = sigs.iter().find(|s| s.name == "check_in").map(|s| s.args.clone());
        assert_eq!(check_in, Some(vec![("goalId".into(), "string".into()), ("face".into(), "CheckInFace".into())]));
        let mut names: Vec<_> = sigs.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), sigs.len(), "a command declared twice");
    }
}
