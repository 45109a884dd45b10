//! A child's program as the family's devices need it: an assignment travels with the exercises and routine
//! it names, and with the uploaded media they show, so a device can work offline from the first sync.

use crate::store::{DynStore, FeedEntry, StoreResult};
use homeplay_core::assignment::{Assignment, Target};
use homeplay_core::exercise::Exercise;
use homeplay_core::ids::{ClinicId, ExerciseId};
use homeplay_core::media::{MediaRef, MediaSource};
use homeplay_core::routine::Routine;
use homeplay_core::sync::{Change, MediaInfo};

/// An exercise of the built-in library or of the clinic's own.
pub async fn find_exercise(store: &DynStore, clinic: ClinicId, id: ExerciseId) -> StoreResult<Option<Exercise>> {
    if let Ok(lib) = homeplay_core::library::starter()
        && let Some(e) = lib.get(id)
    {
        return Ok(Some(e.clone()));
    }
    store.exercise(clinic, id).await
}

/// The uploaded media an exercise or reward shows.
fn media_of_exercise(e: &Exercise) -> impl Iterator<Item = &MediaRef> {
    e.steps.iter().flat_map(|s| [Some(&s.picture), s.voice_prompt.as_ref(), s.video.as_ref()]).flatten()
}

/// The feed entries that must travel with `assignment`: its exercises, its routine, and their uploaded media.
/// Fails with `NotFound` if the assignment names an exercise or routine the clinic does not have.
pub async fn feed_for_assignment(
    store: &DynStore,
    clinic: ClinicId,
    assignment: &Assignment,
) -> StoreResult<Vec<FeedEntry>> {
    let mut entries = Vec::new();
    let exercise_ids: Vec<ExerciseId> = match assignment.target {
        Target::Exercise { exercise_id } => vec![exercise_id],
        Target::Routine { routine_id } => {
            let routine: Routine =
                store.routine(clinic, routine_id).await?.ok_or(crate::store::StoreError::NotFound("routine"))?;
            let items = routine.items.clone();
            let reward_media = routine.then_reward.as_ref().and_then(|r| r.picture.clone());
            entries.push(FeedEntry::new(Change::Routine(routine)));
            if let Some(m) = reward_media {
                entries.extend(media_entry(store, clinic, &m).await?);
            }
            items
        }
    };
    for id in exercise_ids {
        let exercise = find_exercise(store, clinic, id).await?.ok_or(crate::store::StoreError::NotFound("exercise"))?;
        let media: Vec<MediaRef> = media_of_exercise(&exercise).cloned().collect();
        entries.push(FeedEntry::new(Change::Exercise(Box::new(exercise))));
        for m in media {
            entries.extend(media_entry(store, clinic, &m).await?);
        }
    }
    Ok(entries)
}

async fn media_entry(store: &DynStore, clinic: ClinicId, media: &MediaRef) -> StoreResult<Option<FeedEntry>> {
    let MediaSource::Upload { sha256_hex } = media.source() else {
        // Built-in pictures ship with every app.
        return Ok(None);
    };
    let (content_type, bytes) =
        store.media_info(clinic, sha256_hex).await?.ok_or(crate::store::StoreError::NotFound("media"))?;
    Ok(Some(FeedEntry::new(Change::Media(MediaInfo { media: media.clone(), content_type, bytes }))))
}
