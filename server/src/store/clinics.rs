//! Clinics and their therapists' profiles and passwords (the rest of an account is [`super::AccountStore`]'s).

use super::{AccountState, Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::clinic::{Clinic, ClinicSettings, Therapist};
use homeplay_core::ids::{ClinicId, TherapistId};

#[derive(Debug, Clone)]
pub struct TherapistRecord {
    pub therapist: Therapist,
    pub password_hash: String,
    pub account: AccountState,
}

#[async_trait]
pub trait ClinicStore: Send + Sync {
    async fn insert_clinic(&self, clinic: &Clinic, now: Millis) -> StoreResult<()>;
    async fn clinic(&self, id: ClinicId) -> StoreResult<Option<Clinic>>;
    async fn insert_therapist(&self, therapist: &Therapist, password_hash: &str, now: Millis) -> StoreResult<()>;
    async fn therapist_by_email(&self, email: &str) -> StoreResult<Option<TherapistRecord>>;
    async fn therapist(&self, id: TherapistId) -> StoreResult<Option<TherapistRecord>>;
    async fn therapists_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Therapist>>;
    /// Sets a new password; it is the therapist's own, so no longer a temporary one.
    async fn set_password(&self, id: TherapistId, password_hash: &str) -> StoreResult<()>;
    /// The clinic's settings (the defaults until an admin changes them); `NotFound` for no such clinic.
    async fn clinic_settings(&self, clinic: ClinicId) -> StoreResult<ClinicSettings>;
    /// Replaces the clinic's settings, already validated; `NotFound` for no such clinic.
    async fn set_clinic_settings(&self, clinic: ClinicId, settings: &ClinicSettings) -> StoreResult<()>;
}
