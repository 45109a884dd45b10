//! What the store keeps about therapists' accounts beyond their profile: disabled or not, a temporary password
//! to replace, the second factor (TOTP and recovery codes) and sign-ins waiting for it. A trait of its own
//! beside the other aggregates' ([`super::Store`] requires it), with its SQL in `sql/accounts.rs`.

use super::{Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::ids::{ClinicId, TherapistId};
use serde::{Deserialize, Serialize};

/// Who in the clinic must sign in with a second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TwoFactorPolicy {
    /// Nobody must (anyone may).
    #[default]
    Off,
    /// The clinic's admins must.
    Admins,
    /// Every therapist must.
    Everyone,
}

/// An account's state, read with the therapist.
#[derive(Clone, Default)]
pub struct AccountState {
    pub disabled: bool,
    /// Signed in with a temporary password: nothing but changing it until it is changed.
    pub must_change_password: bool,
    /// The confirmed TOTP secret (base32), when the second factor is on.
    pub totp_secret: Option<String>,
    /// The clinic's policy, for deciding whether this account must use a second factor.
    pub clinic_policy: TwoFactorPolicy,
}

// The TOTP secret signs in as well as a password does: never printed.
impl std::fmt::Debug for AccountState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountState")
            .field("disabled", &self.disabled)
            .field("must_change_password", &self.must_change_password)
            .field("two_factor", &self.totp_secret.is_some())
            .field("clinic_policy", &self.clinic_policy)
            .finish()
    }
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Disables (`Some(when)`) or re-enables (`None`) a therapist of the clinic; a disabled account's sessions
    /// and pending sign-ins are deleted in the same transaction. Returns whether the therapist is the clinic's.
    async fn set_disabled(&self, clinic: ClinicId, id: TherapistId, disabled: Option<Millis>) -> StoreResult<bool>;
    async fn set_must_change_password(&self, id: TherapistId, must: bool) -> StoreResult<()>;
    /// The clinic's therapists with their accounts' state, by email.
    async fn accounts_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<super::TherapistRecord>>;

    async fn two_factor_policy(&self, clinic: ClinicId) -> StoreResult<TwoFactorPolicy>;
    async fn set_two_factor_policy(&self, clinic: ClinicId, policy: TwoFactorPolicy) -> StoreResult<()>;

    /// A TOTP secret being set up (replacing any earlier one not confirmed), or none.
    async fn set_totp_pending(&self, id: TherapistId, secret: Option<&str>) -> StoreResult<()>;
    async fn totp_pending(&self, id: TherapistId) -> StoreResult<Option<String>>;
    /// Turns the second factor on with the pending secret and these recovery codes (hashes), replacing any
    /// earlier codes. Returns false if no secret was pending.
    async fn enable_totp(&self, id: TherapistId, recovery_hashes: &[String]) -> StoreResult<bool>;
    /// Records `step` as used if it is later than the last used one: a code works once.
    async fn take_totp_step(&self, id: TherapistId, step: i64) -> StoreResult<bool>;
    /// Uses an unused recovery code (by hash) once. Returns whether it was there and unused.
    async fn use_recovery_code(&self, id: TherapistId, code_hash: &str, now: Millis) -> StoreResult<bool>;
    /// Recovery codes not yet used.
    async fn recovery_codes_left(&self, id: TherapistId) -> StoreResult<u32>;
    /// Turns the second factor off for a therapist of the clinic (secret, pending secret, recovery codes).
    /// Returns whether the therapist is the clinic's.
    async fn reset_totp(&self, clinic: ClinicId, id: TherapistId) -> StoreResult<bool>;

    async fn insert_login_challenge(&self, token_hash: &str, id: TherapistId, expires: Millis) -> StoreResult<()>;
    /// The therapist a live challenge is for (expired ones are deleted).
    async fn login_challenge(&self, token_hash: &str, now: Millis) -> StoreResult<Option<TherapistId>>;
    async fn delete_login_challenge(&self, token_hash: &str) -> StoreResult<()>;
}
