//! The therapist's library: the built-in starter exercises (read-only) and the clinic's own exercises and
//! routines. An edit to an exercise or routine that families already practise reaches their devices.

mod exercises;
mod favourites;
mod routines;
mod templates;

pub use exercises::*;
pub use favourites::*;
pub use routines::*;
pub use templates::*;

use crate::error::{ApiResult, Failure};
use crate::state::AppState;
use crate::store::FeedEntry;
use homeplay_core::assignment::Assignment;
use homeplay_core::exercise::Exercise;
use homeplay_core::ids::{ClinicId, ExerciseId, FamilyId};
use homeplay_core::media::{MediaRef, MediaSource};
use homeplay_core::sync::{Change, MediaInfo};
use std::collections::{BTreeSet, HashSet};

/// What kind of file a media field must point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaKind {
    Image,
    Audio,
    Video,
}

impl MediaKind {
    fn prefix(self) -> &'static str {
        match self {
            Self::Image => "image/",
            Self::Audio => "audio/",
            Self::Video => "video/",
        }
    }
}

/// Checks that `media` exists for this clinic and is of the right kind; returns the upload's feed record
/// (built-in pictures need none: every app carries them).
async fn check_media(
    state: &AppState,
    clinic: ClinicId,
    media: &MediaRef,
    kind: MediaKind,
    field: &str,
) -> ApiResult<Option<MediaInfo>> {
    match media.source() {
        MediaSource::Builtin(_) => {
            if kind != MediaKind::Image {
                return Err(Failure::invalid(field, format!("{field}: built-in media are pictures; upload the file")));
            }
            if homeplay_core::library::builtin_picture(media).is_none() {
                return Err(Failure::invalid(field, format!("{field}: there is no built-in picture {media}")));
            }
            Ok(None)
        }
        MediaSource::Upload { sha256_hex } => {
            let (content_type, bytes) = state.store.media_info(clinic, sha256_hex).await?.ok_or_else(|| {
                Failure::invalid(
                    field,
                    format!("{field}: no such upload; upload the file first with POST /api/v1/media"),
                )
            })?;
            if !content_type.starts_with(kind.prefix()) {
                return Err(Failure::invalid(
                    field,
                    format!("{field}: expected {}…, the upload is {content_type}", kind.prefix()),
                ));
            }
            Ok(Some(MediaInfo { media: media.clone(), content_type, bytes }))
        }
    }
}

/// Checks every picture, voice prompt and video of an exercise; returns the uploads among them.
async fn exercise_media(state: &AppState, clinic: ClinicId, e: &Exercise) -> ApiResult<Vec<MediaInfo>> {
    let mut infos = Vec::new();
    for (i, step) in e.steps.iter().enumerate() {
        let fields = [
            (Some(&step.picture), MediaKind::Image, "picture"),
            (step.voice_prompt.as_ref(), MediaKind::Audio, "voice_prompt"),
            (step.video.as_ref(), MediaKind::Video, "video"),
        ];
        for (media, kind, name) in fields {
            if let Some(m) = media
                && let Some(info) = check_media(state, clinic, m, kind, &format!("steps[{i}].{name}")).await?
                && !infos.iter().any(|known: &MediaInfo| known.media == info.media)
            {
                infos.push(info);
            }
        }
    }
    Ok(infos)
}

/// An exercise and its uploads, as a family's feed carries them.
fn exercise_entries(exercise: Exercise, media: Vec<MediaInfo>) -> Vec<FeedEntry> {
    let mut entries = vec![FeedEntry::new(Change::Exercise(Box::new(exercise)))];
    entries.extend(media.into_iter().map(|m| FeedEntry::new(Change::Media(m))));
    entries
}

/// The clinic's families that have an assignment (of any status: ended ones keep their history on the
/// device) for which `uses` holds.
async fn families_using(
    state: &AppState,
    clinic: ClinicId,
    uses: impl Fn(&Assignment) -> bool,
) -> ApiResult<Vec<FamilyId>> {
    let families: BTreeSet<FamilyId> =
        state.store.children_of_clinic(clinic).await?.into_iter().map(|c| c.family_id).collect();
    let mut using = Vec::new();
    for family in families {
        if state.store.assignments_of_family(family).await?.iter().any(&uses) {
            using.push(family);
        }
    }
    Ok(using)
}

async fn fan_out(state: &AppState, families: &[FamilyId], entries: &[FeedEntry]) -> ApiResult<()> {
    for family in families {
        state.store.put_feed(*family, entries).await?;
    }
    Ok(())
}

/// Every exercise the clinic can assign now: the built-ins and its own that are not archived.
async fn assignable_exercises(state: &AppState, clinic: ClinicId) -> ApiResult<HashSet<ExerciseId>> {
    let own = state.store.exercises_of_clinic(clinic).await?;
    Ok(exercises::builtin_exercises()?.iter().map(|e| e.id).chain(own.iter().map(|e| e.id)).collect())
}
