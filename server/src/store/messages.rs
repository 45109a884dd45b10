//! What the store keeps of children's message threads: the messages of both sides and each side's read
//! mark, with their SQL in `sql/messages.rs`. Every write that the family should see goes into its feed in
//! the same transaction.

use super::{Millis, StoreResult};
use async_trait::async_trait;
use homeplay_core::ids::{ChildId, ClinicId, FamilyId};
use homeplay_core::message::{FamilyMessage, Message, ThreadRead};
use uuid::Uuid;

/// What the store did with one message a device pushed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageWrite {
    /// New: stored and put in the family's feed.
    Stored,
    /// This very message (same id, child and device) was stored before: nothing to do.
    AlreadyStored,
    /// The id is taken by another message.
    IdTaken,
}

#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Stores a therapist's message unless one with the same `client_key` was stored for the child: answers
    /// the message that stands and whether it is new. A new one goes into the family's feed.
    async fn put_clinic_message(
        &self,
        clinic: ClinicId,
        family: FamilyId,
        message: &Message,
        client_key: Uuid,
        now: Millis,
    ) -> StoreResult<(Message, bool)>;
    /// Stores messages a device pushed, in one transaction, each new one into the family's feed. The caller
    /// has checked that each child is the family's. The result is in the order of `messages`.
    async fn put_family_messages(
        &self,
        clinic: ClinicId,
        family: FamilyId,
        messages: &[FamilyMessage],
        now: Millis,
    ) -> StoreResult<Vec<MessageWrite>>;
    /// The child's messages, oldest first (by id).
    async fn messages_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<Message>>;
    /// Moves a side's read mark of the child's thread forward (never back), in the family's feed too.
    /// Answers whether it moved.
    async fn put_read_mark(&self, clinic: ClinicId, family: FamilyId, mark: &ThreadRead) -> StoreResult<bool> {
        Ok(self.put_read_marks(clinic, family, std::slice::from_ref(mark)).await?.first().copied().unwrap_or(false))
    }
    /// Moves read marks forward as [`Self::put_read_mark`] does, in order, in one transaction with one write to
    /// the family's feed: a device's push of many marks costs one commit, not one each. Answers, in the order of
    /// `marks`, whether each moved.
    async fn put_read_marks(&self, clinic: ClinicId, family: FamilyId, marks: &[ThreadRead]) -> StoreResult<Vec<bool>>;
    /// Both sides' read marks of the child's thread, where there are any.
    async fn read_marks_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<ThreadRead>>;
    /// For each of these children with any, how many family messages the clinic has not read.
    async fn unread_by_clinic(&self, clinic: ClinicId, children: &[ChildId]) -> StoreResult<Vec<(ChildId, u32)>>;
}
