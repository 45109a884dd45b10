//! Family devices and pairing (only hashes of codes and tokens are stored).

use super::{Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::family::Device;
use homeplay_core::ids::{ClinicId, DeviceId, FamilyId, TherapistId};
use homeplay_core::language::Language;

#[derive(Debug, Clone)]
pub struct DeviceRecord {
    pub device: Device,
    pub clinic_id: ClinicId,
}

/// What became of a pairing code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    Paired { family_id: FamilyId, clinic_id: ClinicId },
    Unknown,
    Expired,
    AlreadyUsed,
}

#[async_trait]
pub trait DeviceStore: Send + Sync {
    async fn insert_pairing_code(
        &self,
        code_hash: &str,
        clinic: ClinicId,
        family: FamilyId,
        by: TherapistId,
        now: Millis,
        expires: Millis,
    ) -> StoreResult<()>;
    /// The family and expiry of a code of the clinic that can still pair a device (unused, not expired): to
    /// send its link by email.
    async fn live_pairing_code(
        &self,
        code_hash: &str,
        clinic: ClinicId,
        now: Millis,
    ) -> StoreResult<Option<(FamilyId, Millis)>>;
    /// Uses the code, once, and registers the device, in one transaction.
    async fn redeem_pairing_code(
        &self,
        code_hash: &str,
        device_id: DeviceId,
        label: &str,
        token_hash: &str,
        now: Millis,
    ) -> StoreResult<Redeemed>;
    async fn device_by_token(&self, token_hash: &str) -> StoreResult<Option<DeviceRecord>>;
    async fn touch_device(&self, id: DeviceId, now: Millis) -> StoreResult<()>;
    /// Records the language the device shows its family (the pull calls it only when it changed).
    async fn set_device_language(&self, id: DeviceId, language: Language) -> StoreResult<()>;
    async fn devices_of_family(&self, clinic: ClinicId, family: FamilyId) -> StoreResult<Vec<Device>>;
    /// Returns whether a device of this clinic was revoked now.
    async fn revoke_device(&self, clinic: ClinicId, id: DeviceId, now: Millis) -> StoreResult<bool>;
}
