//! The commands, as plain async functions over an [`Engine`] so they are tested without a window. Each one
//! parses what the screens sent, calls `homeplay-device`, and shapes the answer: no decisions of its own.

use crate::dto::{
    AppSettings, AppStatus, CaregiverView, ChildGoalsView, CommandError, DetailsView, EditInput, ErrorKind, LogView,
    MediaView, PairInput, ProgressView, RecordInput, SlotKey, ThreadView, TodayChildView, UnreadView, WeekProgramView,
};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use homeplay_core::goal::CheckInFace;
use homeplay_core::ids::{AssignmentId, ChildId, ExerciseId, GoalId, LogId};
use homeplay_core::log::Occurrence;
use homeplay_core::media::MediaRef;
use homeplay_core::text::{Name, Note};
use homeplay_device::{By, Details, Engine, SyncState, Tick};
use std::str::FromStr;

pub type CmdResult<T> = Result<T, CommandError>;

fn parse_id<T: FromStr>(what: &str, s: &str) -> CmdResult<T> {
    T::from_str(s.trim()).map_err(|_| CommandError::invalid(format!("{what}: not a valid id")))
}

fn name(field: &str, s: &str) -> CmdResult<Name> {
    Name::new(s).map_err(|e| CommandError::invalid(format!("{field}: {e}")))
}

pub async fn status(engine: &Engine) -> CmdResult<AppStatus> {
    let sync = engine.status().await?;
    status_with(engine, sync).await
}

/// The status around a sync state already known (the sync loop's latest), so that it is not worked out twice.
pub async fn status_with(engine: &Engine, sync: SyncState) -> CmdResult<AppStatus> {
    let pairing = engine.pairing().await?;
    Ok(AppStatus {
        paired: pairing.is_some(),
        clinic_name: pairing.as_ref().map(|p| p.clinic_name.clone()),
        server_url: pairing.map(|p| p.server_url),
        caregiver: engine.caregiver().await?.map(|n| n.as_str().to_owned()),
        sync: sync.into(),
        clinic: engine.clinic_settings().await?,
    })
}

pub async fn pair(engine: &Engine, input: PairInput) -> CmdResult<AppStatus> {
    // Check what the person typed before touching the network, so each mistake is named.
    let caregiver = name("Your name", &input.caregiver)?;
    name("Device name", &input.device_name)?;
    if input.code.trim().is_empty() {
        return Err(CommandError::invalid("Pairing code: type the code your therapist gave you"));
    }
    if input.server_url.trim().is_empty() {
        return Err(CommandError::invalid("Clinic address: type the address your therapist gave you"));
    }
    engine.pair(input.server_url.trim(), input.code.trim(), input.device_name.trim()).await?;
    engine.set_caregiver(caregiver).await?;
    status(engine).await
}

pub async fn set_caregiver(engine: &Engine, caregiver: &str) -> CmdResult<AppStatus> {
    engine.set_caregiver(name("Your name", caregiver)?).await?;
    status(engine).await
}

pub async fn caregivers(engine: &Engine) -> CmdResult<Vec<CaregiverView>> {
    Ok(engine
        .caregivers()
        .await?
        .into_iter()
        .map(|k| CaregiverView { name: k.name.as_str().to_owned(), chosen_here: k.chosen_here })
        .collect())
}

pub async fn day(engine: &Engine, child_id: &str, date: &str) -> CmdResult<TodayChildView> {
    let id = parse_id::<ChildId>("child", child_id)?;
    let date = date.trim().parse().map_err(|_| CommandError::invalid("date: expected YYYY-MM-DD"))?;
    let day = engine.day(id, date).await?.ok_or(homeplay_device::DeviceError::NotFound("child"))?;
    Ok(TodayChildView::from(&day))
}

pub async fn today(engine: &Engine, now: DateTime<Utc>) -> CmdResult<Vec<TodayChildView>> {
    Ok(engine.today(now).await?.iter().map(TodayChildView::from).collect())
}

fn details(d: DetailsView) -> CmdResult<Details> {
    let note = match d.note.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => Some(Note::new(n).map_err(|e| CommandError::invalid(format!("Note: {e}")))?),
    };
    Ok(Details {
        actual_reps: d.actual_reps,
        actual_seconds: d.actual_seconds,
        difficulty: d.difficulty,
        mood: d.mood,
        pain: d.pain,
        pain_score: d.pain_score,
        note,
    })
}

fn occurrence(key: &SlotKey) -> CmdResult<Occurrence> {
    let date = key.date.parse().map_err(|_| CommandError::invalid("date: expected YYYY-MM-DD"))?;
    Ok(Occurrence { date, slot: key.slot })
}

pub async fn record(engine: &Engine, input: RecordInput) -> CmdResult<LogView> {
    let tick = Tick {
        child_id: parse_id::<ChildId>("child", &input.key.child_id)?,
        assignment_id: parse_id::<AssignmentId>("assignment", &input.key.assignment_id)?,
        exercise_id: parse_id::<ExerciseId>("exercise", &input.key.exercise_id)?,
        occurrence: occurrence(&input.key)?,
        outcome: input.outcome,
        details: details(input.details)?,
        by: if input.by_kid { By::KidMode } else { By::Caregiver },
    };
    Ok(LogView::from(&engine.record(tick).await?))
}

pub async fn undo(engine: &Engine, log_id: &str) -> CmdResult<LogView> {
    Ok(LogView::from(&engine.undo(parse_id::<LogId>("log", log_id)?).await?))
}

pub async fn edit(engine: &Engine, input: EditInput) -> CmdResult<LogView> {
    let id = parse_id::<LogId>("log", &input.log_id)?;
    Ok(LogView::from(&engine.edit(id, input.outcome, details(input.details)?).await?))
}

/// Syncs now and answers the resulting state. A failure is not an error for the screen: the state says it
/// (offline, needs attention), and the logs wait safely.
pub async fn sync_now(engine: &Engine) -> CmdResult<AppStatus> {
    if let Err(e) = engine.sync_once().await {
        tracing::info!(error = %e, "sync did not complete");
    }
    status(engine).await
}

pub async fn media(engine: &Engine, media_ref: &str) -> CmdResult<MediaView> {
    let media = MediaRef::new(media_ref).map_err(|e| CommandError::invalid(format!("picture: {e}")))?;
    let (content_type, bytes) = engine.media(&media).await?.ok_or(homeplay_device::DeviceError::NotFound("picture"))?;
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    Ok(MediaView { data_url: format!("data:{content_type};base64,{data}") })
}

pub async fn settings(engine: &Engine) -> CmdResult<AppSettings> {
    let caregiver = engine.caregiver().await?.map(|n| n.as_str().to_owned());
    Ok(AppSettings::from_parts(caregiver, &engine.prefs().await?, &engine.moment_times().await?))
}

/// Checks every field before saving any, so a mistake leaves the settings as they were.
pub async fn save_settings(engine: &Engine, input: AppSettings) -> CmdResult<AppSettings> {
    let (prefs, moments) = input.to_parts()?;
    let caregiver = input.caregiver.as_deref().map(|c| name("Your name", c)).transpose()?;
    engine.set_moment_times(&moments).await?;
    engine.set_prefs(&prefs).await?;
    if let Some(c) = caregiver {
        engine.set_caregiver(c).await?;
    }
    settings(engine).await
}

pub async fn progress(engine: &Engine, child_id: &str, now: DateTime<Utc>) -> CmdResult<ProgressView> {
    let id = parse_id::<ChildId>("child", child_id)?;
    let p = engine.progress(id, now).await?.ok_or(homeplay_device::DeviceError::NotFound("child"))?;
    Ok(ProgressView::new(&p, p.child.time_zone.local_date(now)))
}

pub async fn week_program(engine: &Engine, child_id: &str, now: DateTime<Utc>) -> CmdResult<WeekProgramView> {
    let id = parse_id::<ChildId>("child", child_id)?;
    let p = engine.week_program(id, now).await?.ok_or(homeplay_device::DeviceError::NotFound("child"))?;
    Ok(WeekProgramView::from(&p))
}

/// Each child's active goals in plain words, with the exercises that serve each.
pub async fn goals(engine: &Engine) -> CmdResult<Vec<ChildGoalsView>> {
    Ok(engine.family_goals().await?.iter().map(ChildGoalsView::from).collect())
}

/// The family's answer to this week's question about a goal, kept on the device until it syncs; answers the
/// goals again, with the answer in place.
pub async fn check_in(engine: &Engine, goal_id: &str, face: CheckInFace) -> CmdResult<Vec<ChildGoalsView>> {
    engine.check_in(parse_id::<GoalId>("goal", goal_id)?, face).await?;
    goals(engine).await
}

/// Forgets this device's pairing and data. While logs wait to be sent it refuses (kind `unsent_logs`) unless
/// the family chose to discard them.
pub async fn unpair(engine: &Engine, discard_unsent: bool) -> CmdResult<AppStatus> {
    engine.unpair(discard_unsent).await.map_err(|e| match e {
        homeplay_device::DeviceError::UnsentLogs(n) => CommandError {
            kind: ErrorKind::UnsentLogs,
            message: format!(
                "{n} {} not reached the clinic yet. Sync first, or unpair anyway and lose {}.",
                if n == 1 { "activity has" } else { "activities have" },
                if n == 1 { "it" } else { "them" }
            ),
        },
        other => other.into(),
    })?;
    status(engine).await
}

/// The demo's unattended first run: pairs with `url` and `code` when the device is not paired yet. Answers
/// whether it paired; a failure is for the caller to log (the pairing screen then shows as usual).
pub async fn auto_pair(engine: &Engine, url: &str, code: &str, device: &str, caregiver: &str) -> CmdResult<bool> {
    if engine.pairing().await?.is_some() {
        return Ok(false);
    }
    let input = PairInput {
        server_url: url.to_owned(),
        code: code.to_owned(),
        device_name: device.to_owned(),
        caregiver: caregiver.to_owned(),
    };
    pair(engine, input).await?;
    Ok(true)
}

/// A child's thread with the clinic, as it is on this device.
pub async fn messages(engine: &Engine, child_id: &str) -> CmdResult<ThreadView> {
    let thread = engine.thread(parse_id::<ChildId>("child", child_id)?).await?;
    Ok(ThreadView::from(&thread))
}

/// A caregiver writes to the clinic (sent on the next sync); answers the thread with it in place.
pub async fn send_message(engine: &Engine, child_id: &str, text: &str) -> CmdResult<ThreadView> {
    let child = parse_id::<ChildId>("child", child_id)?;
    engine.send_message(child, text).await?;
    Ok(ThreadView::from(&engine.thread(child).await?))
}

/// The family has read the child's thread as it is now.
pub async fn mark_messages_read(engine: &Engine, child_id: &str) -> CmdResult<ThreadView> {
    let child = parse_id::<ChildId>("child", child_id)?;
    engine.mark_thread_read(child).await?;
    Ok(ThreadView::from(&engine.thread(child).await?))
}

/// For each child, the clinic's messages nobody in the family has read: the badge in the navigation.
pub async fn unread_messages(engine: &Engine) -> CmdResult<Vec<UnreadView>> {
    Ok(engine
        .unread_messages()
        .await?
        .into_iter()
        .map(|(child, n)| UnreadView { child_id: child.to_string(), unread: u32::try_from(n).unwrap_or(u32::MAX) })
        .collect())
}
