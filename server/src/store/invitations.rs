//! Invitations of therapists: first-sign-in links that set the account's password, once, before they expire.
//! Only the token's hash is stored. A trait of its own beside the other aggregates' ([`super::Store`] requires
//! it), with its SQL in `sql/invitations.rs`.

use super::{Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::ids::{ClinicId, TherapistId};

/// What a first-sign-in token is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationState {
    /// It works: for this therapist of this clinic.
    Live {
        therapist_id: TherapistId,
        clinic_id: ClinicId,
    },
    /// No such token (never made, or replaced by a newer invitation).
    Unknown,
    Expired,
    Used,
}

#[async_trait]
pub trait InvitationStore: Send + Sync {
    /// A new invitation of the therapist, replacing any unused one (its link stops working).
    async fn insert_invitation(
        &self,
        token_hash: &str,
        therapist: TherapistId,
        clinic: ClinicId,
        now: Millis,
        expires: Millis,
    ) -> StoreResult<()>;
    async fn invitation(&self, token_hash: &str, now: Millis) -> StoreResult<InvitationState>;
    /// Uses a live invitation, once: sets the therapist's password, clears the temporary-password mark and ends
    /// the account's sessions, in one transaction. False when the token is not live (any longer).
    async fn accept_invitation(&self, token_hash: &str, password_hash: &str, now: Millis) -> StoreResult<bool>;
}
