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
    /// [`put_child`](Self::put_child) that also sets (`Some`) or clears (`None`) the child's record number in
    /// the clinic's own records, in the same transaction: a number another child of the clinic has is a
    /// `Conflict` and nothing is written. The number stays on the server (it is not in the family's feed).
    async fn put_child_with_record_number(
        &self,
        clinic: ClinicId,
        child: &Child,
        record_number: Option<&str>,
        now: Millis,
    ) -> StoreResult<()>;
    /// The child of the clinic with this record number, if any.
    async fn child_by_record_number(&self, clinic: ClinicId, number: &str) -> StoreResult<Option<ChildId>>;
    /// The child's record number in the clinic's own records, if set.
    async fn child_record_number(&self, clinic: ClinicId, id: ChildId) -> StoreResult<Option<String>>;
    async fn child(&self, clinic: ClinicId, id: ChildId) -> StoreResult<Option<Child>>;
    async fn children_of_clinic(&self, clinic: ClinicId) -> StoreResult<Vec<Child>>;
    async fn children_of_family(&self, family: FamilyId) -> StoreResult<Vec<Child>>;
    async fn put_caregiver(&self, caregiver: &Caregiver) -> StoreResult<()>;
    async fn caregivers_of_family(&self, family: FamilyId) -> StoreResult<Vec<Caregiver>>;
}
