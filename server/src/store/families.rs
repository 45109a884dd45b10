//! Families, their children and caregivers. Each write also goes to the family's feed, for its devices.

use super::{Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::family::{Caregiver, Child, Family};
use homeplay_core::ids::{ChildId, ClinicId, FamilyId};

#[async_trait]
pub trait FamilyStore: Send + Sync {
    async fn insert_family(&self, family: &Family, now: Millis) -> StoreResult<()>;
    async fn family(&self, clinic: ClinicId, id: FamilyId) -> StoreResult<Option<Family>>;
    async fn put_child(&self, clinic: ClinicId, child: &Child, now: Millis) -> StoreResult<()>;
    async fn child(&self, clinic: ClinicId, id: ChildId) -> StoreResult<Option<Child>>;
    async fn children_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Child>>;
    async fn children_of_family(&self, family: FamilyId) -> StoreResult<Vec<Child>>;
    async fn put_caregiver(&self, caregiver: &Caregiver) -> StoreResult<()>;
    async fn caregivers_of_family(&self, family: FamilyId) -> StoreResult<Vec<Caregiver>>;
}
