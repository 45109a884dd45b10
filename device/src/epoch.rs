//! The server's epoch (shared/PROTOCOL.md, "Server epoch"). A clinic that restores last night's backup loses
//! what its server accepted since, while the devices removed those items from their outboxes once they were
//! acknowledged. The restore gives the server a new epoch; a device that sees it change puts back in its
//! outbox everything it recorded and still holds, and pulls from the beginning. The server keeps each item
//! once, by its id, so sending again what the restored server already has costs nothing but the bytes.

use crate::error::Result;
use crate::store::{Db, parse, put_setting_in, setting_in};
use homeplay_core::hlc::Hlc;
use homeplay_core::ids::{DeviceId, ServerEpoch};
use homeplay_core::message::{FamilyMessage, Message, Side};
use sqlx::{Sqlite, Transaction};

/// The setting that holds the last epoch a sync answer carried (forgotten with everything on unpairing).
const EPOCH: &str = "server_epoch";

/// What this device re-queues after a restore: the current version of every log, every goal check-in and
/// every message it holds that this device made. The server refuses an item pushed by another device than
/// the one that made it (`device_id`), so each device sends again what it made, and only that. A log whose
/// current version another device made is that device's to send. Read marks are not sent again: the
/// family's next read moves the mark on the restored server.
const REQUEUE: [&str; 2] = [
    "INSERT INTO outbox (kind, id, hlc_wall, hlc_counter, doc)
     SELECT 'logs', id, hlc_wall, hlc_counter, doc FROM logs WHERE json_extract(doc, '$.device_id') = ?1
     ON CONFLICT (kind, id) DO NOTHING",
    "INSERT INTO outbox (kind, id, hlc_wall, hlc_counter, doc)
     SELECT 'check_ins', id, json_extract(doc, '$.hlc.wall_ms'), json_extract(doc, '$.hlc.counter'), doc
     FROM records WHERE entity = 'check_in' AND json_extract(doc, '$.device_id') = ?1
     ON CONFLICT (kind, id) DO NOTHING",
];

impl Db {
    /// Notes the epoch a sync answer carried. The first one is only remembered. Another than the remembered
    /// one means the server was restored: in one transaction, the new epoch is remembered, the pull cursor
    /// forgotten (the next pull starts from the beginning) and what this device made put back in the outbox;
    /// returns `true` then. What already waits in the outbox (a newer edit, a refusal the family sees) stays.
    pub(crate) async fn note_epoch(&self, epoch: ServerEpoch, me: DeviceId) -> Result<bool> {
        let epoch = epoch.to_string();
        let mut tx = self.pool.begin().await?;
        let known = setting_in(&mut *tx, EPOCH).await?;
        if known.as_deref() == Some(epoch.as_str()) {
            return Ok(false);
        }
        put_setting_in(&mut *tx, EPOCH, &epoch).await?;
        let restored = known.is_some();
        if restored {
            sqlx::query("DELETE FROM settings WHERE key = 'cursor'").execute(&mut *tx).await?;
            for requeue in REQUEUE {
                sqlx::query(requeue).bind(me.to_string()).execute(&mut *tx).await?;
            }
            Self::requeue_messages(&mut tx, me).await?;
        }
        tx.commit().await?;
        Ok(restored)
    }

    /// The thread keeps a family message as the [`Message`] everyone reads; the pushed form is rebuilt from it.
    /// Its stamp's wall time is the message's `sent_at` (the counter is not kept): the server recognises a
    /// message sent again by its id, child and device, not by its stamp.
    async fn requeue_messages(tx: &mut Transaction<'_, Sqlite>, me: DeviceId) -> Result<()> {
        let docs: Vec<String> = sqlx::query_scalar(
            "SELECT doc FROM messages WHERE json_extract(doc, '$.side') = 'family'
             AND json_extract(doc, '$.device_id') = ?1",
        )
        .bind(me.to_string())
        .fetch_all(&mut **tx)
        .await?;
        for doc in docs {
            let m: Message = parse(&doc)?;
            let (Some(text), Side::Family) = (m.text, m.side) else { continue };
            let wall = u64::try_from(m.sent_at.timestamp_millis()).unwrap_or(0);
            let family = FamilyMessage {
                id: m.id,
                child_id: m.child_id,
                text,
                written_by: m.from,
                device_id: me,
                hlc: Hlc::new(wall, 0),
            };
            sqlx::query(
                "INSERT INTO outbox (kind, id, hlc_wall, hlc_counter, doc) VALUES ('messages', ?1, ?2, 0, ?3)
                 ON CONFLICT (kind, id) DO NOTHING",
            )
            .bind(family.id.to_string())
            .bind(i64::try_from(wall).unwrap_or(i64::MAX))
            .bind(serde_json::to_string(&family)?)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use homeplay_core::goal::{CheckInFace, GoalCheckIn};
    use homeplay_core::ids::{AssignmentId, ChildId, ExerciseId, GoalCheckInId, GoalId, LogId, MessageId};
    use homeplay_core::log::{CompletionLog, Occurrence, Outcome, Recorder};
    use homeplay_core::recorded::{Accepted, Recorded};
    use homeplay_core::sync::Change;
    use homeplay_core::text::{MessageText, Name};
    use uuid::Uuid;

    fn device(n: u128) -> DeviceId {
        DeviceId(Uuid::from_u128(n))
    }

    fn epoch(n: u128) -> ServerEpoch {
        ServerEpoch(Uuid::from_u128(n))
    }

    fn log(by: DeviceId, wall_ms: u64) -> CompletionLog {
        CompletionLog {
            id: LogId::new_v7(),
            child_id: ChildId(Uuid::from_u128(0xc1)),
            assignment_id: AssignmentId(Uuid::from_u128(0xa1)),
            exercise_id: ExerciseId::builtin("bear-walk"),
            occurrence: Occurrence { date: "2026-03-04".parse().unwrap(), slot: 0 },
            outcome: Outcome::Done,
            actual_reps: None,
            actual_seconds: None,
            difficulty: None,
            mood: None,
            pain: false,
            pain_score: None,
            note: None,
            recorded_by: Recorder::KidMode,
            device_id: by,
            hlc: Hlc::new(wall_ms, 0),
            undone: false,
        }
    }

    fn check_in(by: DeviceId, wall_ms: u64) -> GoalCheckIn {
        GoalCheckIn {
            id: GoalCheckInId::new_v7(),
            goal_id: GoalId::new_v7(),
            child_id: ChildId(Uuid::from_u128(0xc1)),
            week: "2026-03-02".parse().unwrap(),
            face: CheckInFace::Good,
            note: None,
            answered_by: Name::new("Mum").unwrap(),
            device_id: by,
            hlc: Hlc::new(wall_ms, 3),
            undone: false,
        }
    }

    fn message(by: DeviceId, wall_ms: u64) -> FamilyMessage {
        FamilyMessage {
            id: MessageId::new_v7(),
            child_id: ChildId(Uuid::from_u128(0xc1)),
            text: MessageText::new("He did the bear walk twice!").unwrap(),
            written_by: Name::new("Dad").unwrap(),
            device_id: by,
            hlc: Hlc::new(wall_ms, 0),
        }
    }

    async fn queued<T: Recorded>(db: &Db) -> Vec<T> {
        db.pending::<T>(100).await.unwrap()
    }

    async fn ack<T: Recorded>(db: &Db, items: &[&T]) {
        let acks: Vec<Accepted<T::Id>> = items.iter().map(|i| Accepted { id: i.id(), hlc: i.hlc() }).collect();
        db.acked::<T>(&acks).await.unwrap();
    }

    /// A device that has sent everything, with things other devices made pulled in beside its own.
    async fn synced_device(
        me: DeviceId,
        other: DeviceId,
    ) -> (Db, tempfile::TempDir, CompletionLog, GoalCheckIn, FamilyMessage) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("device.db")).await.unwrap();
        let (mine, my_check_in, my_message) = (log(me, 1_000), check_in(me, 2_000), message(me, 1_700_000_000_123));
        db.save_local(&mine).await.unwrap();
        db.save_check_in(&my_check_in).await.unwrap();
        db.save_family_message(&my_message).await.unwrap();
        ack(&db, &[&mine]).await;
        ack(&db, &[&my_check_in]).await;
        ack(&db, &[&my_message]).await;
        let theirs = [
            Change::Log(log(other, 1_500)),
            Change::CheckIn(check_in(other, 2_500)),
            Change::Message(message(other, 1_700_000_000_999).to_message()),
            // Our own message, back from the server.
            Change::Message(my_message.to_message()),
        ];
        db.apply_page(&theirs, "v1.0000000000000009").await.unwrap();
        assert_eq!(db.outbox_counts().await.unwrap(), (0, 0), "everything is on the server");
        (db, dir, mine, my_check_in, my_message)
    }

    #[tokio::test]
    async fn a_new_epoch_requeues_what_this_device_made_and_restarts_the_pull() {
        let (me, other) = (device(5), device(9));
        let (db, _dir, mine, my_check_in, my_message) = synced_device(me, other).await;

        // The first epoch is remembered only; the same one again changes nothing.
        assert!(!db.note_epoch(epoch(1), me).await.unwrap());
        assert!(!db.note_epoch(epoch(1), me).await.unwrap());
        assert_eq!(db.outbox_counts().await.unwrap(), (0, 0));
        assert_eq!(db.setting("cursor").await.unwrap().as_deref(), Some("v1.0000000000000009"));

        // Waiting since: a newer edit of our log, which a restore must not roll back to the version it holds.
        let edited = CompletionLog { outcome: Outcome::Partly, hlc: Hlc::new(3_000, 0), ..mine.clone() };
        db.save_local(&edited).await.unwrap();

        assert!(db.note_epoch(epoch(2), me).await.unwrap(), "the server was restored");
        assert_eq!(db.setting("cursor").await.unwrap(), None, "the next pull starts from the beginning");
        assert_eq!(queued::<CompletionLog>(&db).await, vec![edited], "ours, in its newest version, once");
        assert_eq!(queued::<GoalCheckIn>(&db).await, vec![my_check_in]);
        let messages = queued::<FamilyMessage>(&db).await;
        assert_eq!(messages.len(), 1, "ours only: {messages:?}");
        let resent = &messages[0];
        assert_eq!(
            (resent.id, resent.child_id, &resent.text, &resent.written_by, resent.device_id, resent.hlc.wall_ms),
            (my_message.id, my_message.child_id, &my_message.text, &my_message.written_by, me, my_message.hlc.wall_ms)
        );
        assert_eq!(db.outbox_counts().await.unwrap(), (3, 0), "nothing another device made: the server refuses it");

        // Once everything is acknowledged again, the same epoch changes nothing any more.
        ack(&db, &[&queued::<CompletionLog>(&db).await[0]]).await;
        ack(&db, &[&queued::<GoalCheckIn>(&db).await[0]]).await;
        ack(&db, &[resent]).await;
        db.apply_page(&[], "v1.0000000100000001").await.unwrap();
        assert!(!db.note_epoch(epoch(2), me).await.unwrap());
        assert_eq!(db.outbox_counts().await.unwrap(), (0, 0));
        assert_eq!(db.setting("cursor").await.unwrap().as_deref(), Some("v1.0000000100000001"));
    }

    #[tokio::test]
    async fn a_refusal_the_family_sees_stays_as_it_is() {
        let me = device(5);
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("device.db")).await.unwrap();
        let refused = log(me, 1_000);
        db.save_local(&refused).await.unwrap();
        db.refused::<CompletionLog>(refused.id, refused.hlc, "unknown_assignment", None, "not in the program")
            .await
            .unwrap();
        db.note_epoch(epoch(1), me).await.unwrap();
        assert!(db.note_epoch(epoch(2), me).await.unwrap());
        assert_eq!(db.outbox_counts().await.unwrap(), (0, 1), "still refused, not sent again");
    }
}
