//! The clinic's own library of exercises and routines (built-in exercises come from homeplay-core).

use super::{Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::exercise::Exercise;
use homeplay_core::ids::{ChildId, ClinicId, ExerciseId, ProgramTemplateId, RoutineId, TherapistId};
use homeplay_core::routine::Routine;
use homeplay_core::template::ProgramTemplate;
use std::collections::{HashMap, HashSet};

/// What can be taken out of a clinic's library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archivable {
    Exercise,
    Routine,
    ProgramTemplate,
}

#[async_trait]
pub trait LibraryStore: Send + Sync {
    async fn put_exercise(&self, clinic: ClinicId, exercise: &Exercise, now: Millis) -> StoreResult<()>;
    async fn exercise(&self, clinic: ClinicId, id: ExerciseId) -> StoreResult<Option<Exercise>>;
    async fn exercises_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Exercise>>;
    async fn put_routine(&self, clinic: ClinicId, routine: &Routine, now: Millis) -> StoreResult<()>;
    async fn routine(&self, clinic: ClinicId, id: RoutineId) -> StoreResult<Option<Routine>>;
    /// Takes a clinic exercise or routine out of the library (`entity` is `exercises` or `routines`). It stays
    /// readable by id, so programs that use it keep working. Returns whether it was in the library.
    async fn archive(&self, clinic: ClinicId, entity: Archivable, id: uuid::Uuid, now: Millis) -> StoreResult<bool>;
    async fn routines_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Routine>>;
    /// A new routine made for one child: not a clinic template, and reached only through its child. Later
    /// changes go through [`LibraryStore::put_routine`], which keeps the owner.
    async fn put_child_routine(
        &self,
        clinic: ClinicId,
        routine: &Routine,
        child: ChildId,
        now: Millis,
    ) -> StoreResult<()>;
    /// The clinic's routines made for one child (archived ones too), with their child; the rest are templates.
    async fn routine_owners(&self, clinic: ClinicId) -> StoreResult<HashMap<RoutineId, ChildId>>;
    /// The child a routine of the clinic was made for; `None` for a template or a routine that is not the
    /// clinic's. One routine's owner, without reading every routine of the clinic.
    async fn routine_owner(&self, clinic: ClinicId, id: RoutineId) -> StoreResult<Option<ChildId>>;
    /// The routines made for this child (archived ones too), oldest first (by id), in one query.
    async fn routines_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<Routine>>;
    /// Which of `ids` are the clinic's own exercises still in its library (not archived): a handful of ids
    /// (favourites, recent ones) checked without reading the whole library.
    async fn clinic_exercises_among(&self, clinic: ClinicId, ids: &[ExerciseId]) -> StoreResult<HashSet<ExerciseId>>;

    /// A therapist's favourite exercises, the latest marked first.
    async fn favourites(&self, therapist: TherapistId) -> StoreResult<Vec<ExerciseId>>;
    /// Marks (`on`) or unmarks an exercise as one of the therapist's favourites; marking twice is harmless.
    async fn set_favourite(
        &self,
        therapist: TherapistId,
        exercise: ExerciseId,
        on: bool,
        now: Millis,
    ) -> StoreResult<()>;
    /// The exercises a therapist assigned most recently in the clinic (directly, not through a routine),
    /// newest first, each once, at most `limit`.
    async fn recent_exercises(
        &self,
        clinic: ClinicId,
        therapist: TherapistId,
        limit: usize,
    ) -> StoreResult<Vec<ExerciseId>>;

    /// Saves a program template of the clinic (new or changed); one of another clinic's ids is a conflict.
    async fn put_program_template(&self, clinic: ClinicId, template: &ProgramTemplate, now: Millis) -> StoreResult<()>;
    /// A template of the clinic, archived or not.
    async fn program_template(&self, clinic: ClinicId, id: ProgramTemplateId) -> StoreResult<Option<ProgramTemplate>>;
    /// The clinic's templates in the library (not archived), oldest first.
    async fn program_templates_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<ProgramTemplate>>;
}
