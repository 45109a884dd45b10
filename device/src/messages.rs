//! A child's thread with the clinic on the device: readable offline, written offline. A caregiver's message
//! is stored and queued in one transaction and shown at once ("waiting to send" until the server has it);
//! reading the thread moves the family's read mark, which is pushed like any recorded thing so the clinic
//! sees it and the family's other devices clear their unread count too.

use crate::Engine;
use crate::error::{DeviceError, Result};
use crate::store::{Db, parse};
use homeplay_core::Validate;
use homeplay_core::family::Child;
use homeplay_core::feedback::Feedback;
use homeplay_core::ids::{ChildId, MessageId, MessageReadId};
use homeplay_core::message::{FamilyMessage, Message, MessageRead, Side, ThreadRead, thread, unread};
use homeplay_core::recorded::Recorded;
use homeplay_core::text::{MessageText, Name};
use serde::Serialize;
use sqlx::{Sqlite, Transaction};
use std::collections::HashSet;

/// One message as the family's screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThreadMessage {
    pub message: Message,
    /// Written here and not on the server yet.
    pub waiting: bool,
}

/// A child's thread: oldest first, with what the family has not read and how far the clinic has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Thread {
    pub child_id: ChildId,
    pub messages: Vec<ThreadMessage>,
    /// The clinic's messages after the family's read mark.
    pub unread: usize,
    /// The clinic's read mark: "Seen by Maya (OT)" under the family's messages up to it.
    pub clinic_read: Option<ThreadRead>,
}

impl Db {
    pub(crate) async fn put_message(tx: &mut Transaction<'_, Sqlite>, m: &Message) -> Result<()> {
        sqlx::query(
            "INSERT INTO messages (id, child_id, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
        )
        .bind(m.id.to_string())
        .bind(m.child_id.to_string())
        .bind(serde_json::to_string(m)?)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Keeps the furthest mark of each side: a pulled mark older than one made here does not undo it.
    pub(crate) async fn put_thread_read(tx: &mut Transaction<'_, Sqlite>, mark: &ThreadRead) -> Result<()> {
        sqlx::query(
            "INSERT INTO thread_reads (child_id, side, up_to, doc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (child_id, side) DO UPDATE SET up_to = excluded.up_to, doc = excluded.doc
             WHERE thread_reads.up_to < excluded.up_to",
        )
        .bind(mark.child_id.to_string())
        .bind(mark.side.name())
        .bind(mark.up_to.to_string())
        .bind(serde_json::to_string(mark)?)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// A caregiver's message: in the thread and in the outbox, or neither.
    pub(crate) async fn save_family_message(&self, m: &FamilyMessage) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        Self::queue(&mut tx, m).await?;
        Self::put_message(&mut tx, &m.to_message()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The family's new read mark: kept here and queued for the server in one transaction.
    pub(crate) async fn save_read_mark(&self, read: &MessageRead, mark: &ThreadRead) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        Self::queue(&mut tx, read).await?;
        Self::put_thread_read(&mut tx, mark).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn messages_of_child(&self, child: ChildId) -> Result<Vec<Message>> {
        let docs: Vec<String> = sqlx::query_scalar("SELECT doc FROM messages WHERE child_id = ?1 ORDER BY id")
            .bind(child.to_string())
            .fetch_all(&self.pool)
            .await?;
        docs.iter().map(|d| parse(d)).collect()
    }

    pub(crate) async fn thread_reads_of_child(&self, child: ChildId) -> Result<Vec<ThreadRead>> {
        let docs: Vec<String> = sqlx::query_scalar("SELECT doc FROM thread_reads WHERE child_id = ?1")
            .bind(child.to_string())
            .fetch_all(&self.pool)
            .await?;
        docs.iter().map(|d| parse(d)).collect()
    }

    /// Ids of the family's messages still waiting in the outbox (refused ones too: they never arrived).
    pub(crate) async fn messages_waiting(&self) -> Result<HashSet<String>> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM outbox WHERE kind = ?1")
            .bind(FamilyMessage::FIELD)
            .fetch_all(&self.pool)
            .await?;
        Ok(ids.into_iter().collect())
    }
}

impl Engine {
    /// The child's thread as it is on this device, with the feedback sent before messages in its place.
    pub async fn thread(&self, child_id: ChildId) -> Result<Thread> {
        let messages = self.db.messages_of_child(child_id).await?;
        let feedback: Vec<Feedback> =
            self.db.records::<Feedback>("feedback").await?.into_iter().filter(|f| f.child_id == child_id).collect();
        let messages = thread(messages, &feedback);
        let marks = self.db.thread_reads_of_child(child_id).await?;
        let mark = |side| marks.iter().find(|m| m.side == side).cloned();
        let family_mark = mark(Side::Family).map(|m| m.up_to);
        let waiting = self.db.messages_waiting().await?;
        Ok(Thread {
            child_id,
            unread: unread(&messages, Side::Family, family_mark),
            clinic_read: mark(Side::Clinic),
            messages: messages
                .into_iter()
                .map(|message| ThreadMessage { waiting: waiting.contains(&message.id.to_string()), message })
                .collect(),
        })
    }

    /// For each child of the family, how many of the clinic's messages nobody here has read yet.
    pub async fn unread_messages(&self) -> Result<Vec<(ChildId, usize)>> {
        let children: Vec<Child> = self.db.records("child").await?;
        let mut counts = Vec::with_capacity(children.len());
        for child in children {
            counts.push((child.id, self.thread(child.id).await?.unread));
        }
        Ok(counts)
    }

    /// A caregiver writes to the clinic: stored at once, sent on the next sync. A text longer than a message
    /// may be is refused (field `text`), never cut.
    pub async fn send_message(&self, child_id: ChildId, text: &str) -> Result<Message> {
        let pairing = self.db.pairing().await?.ok_or(DeviceError::NotPaired)?;
        let text = MessageText::new(text).map_err(|e| e.nested("text"))?;
        let children: Vec<Child> = self.db.records("child").await?;
        if !children.iter().any(|c| c.id == child_id) {
            return Err(DeviceError::NotFound("child"));
        }
        let message = FamilyMessage {
            id: MessageId(self.new_uuid()),
            child_id,
            text,
            written_by: self.db.caregiver().await?.unwrap_or(Name::new("Caregiver")?),
            device_id: pairing.device_id,
            hlc: self.tick_clock(),
        };
        message.validate()?;
        self.db.save_family_message(&message).await?;
        Ok(message.to_message())
    }

    /// The family has read the child's thread as it is now: the read mark moves to its newest message (and
    /// is pushed on the next sync). Nothing happens when the mark is there already.
    pub async fn mark_thread_read(&self, child_id: ChildId) -> Result<()> {
        let thread = self.thread(child_id).await?;
        let Some(newest) = thread.messages.last().map(|m| m.message.id) else { return Ok(()) };
        let marks = self.db.thread_reads_of_child(child_id).await?;
        if marks.iter().any(|m| m.side == Side::Family && m.up_to >= newest) {
            return Ok(());
        }
        let pairing = self.db.pairing().await?.ok_or(DeviceError::NotPaired)?;
        let read_by = self.db.caregiver().await?.unwrap_or(Name::new("Caregiver")?);
        let read = MessageRead {
            id: MessageReadId(self.new_uuid()),
            child_id,
            up_to: newest,
            read_by: read_by.clone(),
            device_id: pairing.device_id,
            hlc: self.tick_clock(),
        };
        let mark = ThreadRead { child_id, side: Side::Family, up_to: newest, by: read_by, at: self.now() };
        self.db.save_read_mark(&read, &mark).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use homeplay_core::ids::{DeviceId, TherapistId};
    use homeplay_core::sync::Change;

    fn clinic_message(child_id: ChildId, text: &str) -> Message {
        Message {
            id: MessageId::new_v7(),
            child_id,
            side: Side::Clinic,
            from: Name::new("Maya (OT)").unwrap(),
            therapist_id: Some(TherapistId::new_v7()),
            device_id: None,
            text: Some(MessageText::new(text).unwrap()),
            sticker: None,
            sent_at: chrono::Utc::now(),
        }
    }

    fn mark(child_id: ChildId, side: Side, up_to: MessageId) -> ThreadRead {
        ThreadRead { child_id, side, up_to, by: Name::new("Dad").unwrap(), at: chrono::Utc::now() }
    }

    /// A family message and its outbox entry are written together; its pulled copy settles the outbox; a
    /// pulled read mark older than the one made here does not move it back.
    #[tokio::test]
    async fn the_thread_is_kept_offline_and_marks_never_move_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("device.db")).await.unwrap();
        let child = ChildId::new_v7();
        let first = clinic_message(child, "Hello");
        let mine = FamilyMessage {
            id: MessageId::new_v7(),
            child_id: child,
            text: MessageText::new("Hi!").unwrap(),
            written_by: Name::new("Mum").unwrap(),
            device_id: DeviceId::new_v7(),
            hlc: homeplay_core::hlc::Hlc::new(1, 0),
        };
        db.apply_page(&[Change::Message(first.clone())], "c1").await.unwrap();
        db.save_family_message(&mine).await.unwrap();
        assert_eq!(db.outbox_counts().await.unwrap(), (1, 0));
        assert_eq!(db.messages_waiting().await.unwrap(), HashSet::from([mine.id.to_string()]));
        assert_eq!(db.messages_of_child(child).await.unwrap(), [first.clone(), mine.to_message()]);
        assert!(db.messages_of_child(ChildId::new_v7()).await.unwrap().is_empty());

        db.apply_page(&[Change::Message(mine.to_message())], "c2").await.unwrap();
        assert_eq!(db.outbox_counts().await.unwrap(), (0, 0), "pulled back, so the server has it");

        let mut tx = db.pool.begin().await.unwrap();
        Db::put_thread_read(&mut tx, &mark(child, Side::Family, mine.id)).await.unwrap();
        tx.commit().await.unwrap();
        db.apply_page(&[Change::ThreadRead(mark(child, Side::Family, first.id))], "c3").await.unwrap();
        let marks = db.thread_reads_of_child(child).await.unwrap();
        assert_eq!(marks.iter().map(|m| m.up_to).collect::<Vec<_>>(), [mine.id]);
    }
}
