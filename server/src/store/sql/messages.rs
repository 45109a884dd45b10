//! SQL of [`MessageStore`]: children's message threads and their read marks.

use super::sync::write_feed;
use super::{This, begin};
use crate::store::codec::{json, parse};
use crate::store::{FeedEntry, MessageStore, MessageWrite, Millis, StoreError, StoreResult};
use async_trait::async_trait;
use homeplay_core::ids::{ChildId, ClinicId, FamilyId};
use homeplay_core::message::{FamilyMessage, Message, Side, ThreadRead};
use homeplay_core::sync::Change;
use sqlx::Row;
use std::collections::HashSet;
use uuid::Uuid;

#[async_trait]
impl MessageStore for This {
    async fn put_clinic_message(
        &self,
        clinic: ClinicId,
        family: FamilyId,
        m: &Message,
        client_key: Uuid,
        now: Millis,
    ) -> StoreResult<(Message, bool)> {
        let mut tx = begin(&self.pool).await?;
        let inserted = sqlx::query(
            "INSERT INTO messages (id, clinic_id, child_id, side, client_key, doc, created_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        )
        .bind(m.id.to_string())
        .bind(clinic.to_string())
        .bind(m.child_id.to_string())
        .bind(m.side.name())
        .bind(client_key.to_string())
        .bind(json(m)?)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            write_feed(&mut tx, family, &[FeedEntry::new(Change::Message(m.clone()))]).await?;
            tx.commit().await?;
            return Ok((m.clone(), true));
        }
        let doc: Option<String> =
            sqlx::query_scalar("SELECT doc FROM messages WHERE child_id = $1 AND client_key = $2 AND clinic_id = $3")
                .bind(m.child_id.to_string())
                .bind(client_key.to_string())
                .bind(clinic.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        tx.commit().await?;
        let doc = doc.ok_or(StoreError::Conflict("message id"))?;
        Ok((parse(&doc)?, false))
    }

    async fn put_family_messages(
        &self,
        clinic: ClinicId,
        family: FamilyId,
        messages: &[FamilyMessage],
        now: Millis,
    ) -> StoreResult<Vec<MessageWrite>> {
        let mut tx = begin(&self.pool).await?;
        let mut writes = Vec::with_capacity(messages.len());
        let mut feed = Vec::new();
        for f in messages {
            let m = f.to_message();
            let inserted = sqlx::query(
                "INSERT INTO messages (id, clinic_id, child_id, side, client_key, doc, created_ms)
                 VALUES ($1, $2, $3, $4, NULL, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(m.id.to_string())
            .bind(clinic.to_string())
            .bind(m.child_id.to_string())
            .bind(m.side.name())
            .bind(json(&m)?)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if inserted {
                feed.push(FeedEntry::new(Change::Message(m)));
                writes.push(MessageWrite::Stored);
                continue;
            }
            // A resend of the same message is answered as stored; any other message with this id is not it.
            let stored: Option<String> = sqlx::query_scalar("SELECT doc FROM messages WHERE id = $1")
                .bind(m.id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
            let same = stored
                .map(|doc| parse::<Message>(&doc))
                .transpose()?
                .is_some_and(|s| s.child_id == m.child_id && s.device_id == m.device_id && s.side == Side::Family);
            writes.push(if same { MessageWrite::AlreadyStored } else { MessageWrite::IdTaken });
        }
        write_feed(&mut tx, family, &feed).await?;
        tx.commit().await?;
        Ok(writes)
    }

    async fn messages_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<Message>> {
        self.docs(
            "SELECT doc FROM messages WHERE child_id = $1 AND clinic_id = $2 ORDER BY id",
            &[child.to_string(), clinic.to_string()],
        )
        .await
    }

    async fn put_read_marks(&self, clinic: ClinicId, family: FamilyId, marks: &[ThreadRead]) -> StoreResult<Vec<bool>> {
        let mut tx = begin(&self.pool).await?;
        let mut moved = Vec::with_capacity(marks.len());
        let mut feed = Vec::new();
        for mark in marks {
            let forward = sqlx::query(
                "INSERT INTO message_reads (child_id, side, clinic_id, up_to, doc) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (child_id, side) DO UPDATE SET up_to = excluded.up_to, doc = excluded.doc
                 WHERE message_reads.clinic_id = excluded.clinic_id AND message_reads.up_to < excluded.up_to",
            )
            .bind(mark.child_id.to_string())
            .bind(mark.side.name())
            .bind(clinic.to_string())
            .bind(mark.up_to.to_string())
            .bind(json(mark)?)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if forward {
                feed.push(FeedEntry::new(Change::ThreadRead(mark.clone())));
            }
            moved.push(forward);
        }
        write_feed(&mut tx, family, &feed).await?;
        tx.commit().await?;
        Ok(moved)
    }

    async fn read_marks_of_child(&self, clinic: ClinicId, child: ChildId) -> StoreResult<Vec<ThreadRead>> {
        self.docs(
            "SELECT doc FROM message_reads WHERE child_id = $1 AND clinic_id = $2 ORDER BY side",
            &[child.to_string(), clinic.to_string()],
        )
        .await
    }

    async fn unread_by_clinic(&self, clinic: ClinicId, children: &[ChildId]) -> StoreResult<Vec<(ChildId, u32)>> {
        let wanted: HashSet<String> = children.iter().map(ToString::to_string).collect();
        let rows = sqlx::query(
            "SELECT m.child_id, COUNT(*) AS unread FROM messages m
             LEFT JOIN message_reads r ON r.child_id = m.child_id AND r.side = 'clinic'
             WHERE m.clinic_id = $1 AND m.side = 'family' AND (r.up_to IS NULL OR m.id > r.up_to)
             GROUP BY m.child_id",
        )
        .bind(clinic.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut unread = Vec::new();
        for r in rows {
            let child: String = r.try_get("child_id")?;
            if !wanted.contains(&child) {
                continue;
            }
            let n: i64 = r.try_get("unread")?;
            let id = child.parse().map_err(|_| StoreError::NotFound("child id"))?;
            unread.push((id, u32::try_from(n).unwrap_or(u32::MAX)));
        }
        Ok(unread)
    }
}
