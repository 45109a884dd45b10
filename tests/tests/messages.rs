//! Messages end to end: a caregiver writes while the server is down; after it comes back the therapist reads
//! the message exactly once, replies, and the reply reaches the family's second device, which marks it read
//! so the therapist sees "seen" and the first device's unread count clears. Real server binary, real device
//! engines, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeDelta, Utc};
use homeplay_core::message::Side;
use homeplay_device::SyncState;
use homeplay_tests::*;
use serde_json::json;

#[tokio::test]
async fn a_message_written_offline_arrives_once_and_the_reply_reaches_every_device() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let mut server = TestServer::start(&db);
        let start = (Utc::now() - TimeDelta::days(7)).date_naive().to_string();
        let p = program(&db, &server, &start).await;
        let child: homeplay_core::ids::ChildId = p.child_id.parse().unwrap();
        let (mum, _d1) = paired_engine(&server.base, &p.maya, &p.child_id, "Kitchen laptop", "Mum").await;
        let (dad, _d2) = paired_engine(&server.base, &p.maya, &p.child_id, "Dad's laptop", "Dad").await;

        // Offline: the message is in the thread at once, waiting to send.
        server.kill();
        let too_long = mum.send_message(child, &"a".repeat(1001)).await.unwrap_err();
        assert!(too_long.to_string().contains("text"), "{too_long}");
        let sent = mum.send_message(child, "Leo did the bear walk all by himself!").await.unwrap();
        let thread = mum.thread(child).await.unwrap();
        assert_eq!(thread.messages.len(), 1, "{backend:?}");
        assert!(thread.messages[0].waiting, "{backend:?}");
        assert!(mum.sync_once().await.unwrap_err().is_transient(), "{backend:?}");
        assert!(matches!(mum.status().await.unwrap(), SyncState::Offline { waiting: 1, .. }), "{backend:?}");

        // Back online: two syncs (a retry after a lost answer is the same message), one message on the server.
        server.start_again();
        mum.sync_once().await.unwrap();
        mum.sync_once().await.unwrap();
        assert!(!mum.thread(child).await.unwrap().messages[0].waiting, "{backend:?}");
        let path = format!("/api/v1/children/{}/messages", p.child_id);
        let on_server = p.maya.get(&path).await;
        let messages = on_server["messages"].as_array().unwrap();
        assert_eq!(messages.len(), 1, "{backend:?}: exactly once: {messages:?}");
        assert_eq!((messages[0]["id"].clone(), messages[0]["from"].clone()), (json!(sent.id), json!("Mum")));
        assert_eq!(on_server["unread"], 1, "{backend:?}");

        // The therapist reads and replies; the second device gets both, unread, then reads them.
        p.maya.post(&format!("{path}/read"), json!({"up_to": sent.id})).await;
        let reply = p
            .maya
            .post(
                &path,
                json!({"client_key": uuid::Uuid::now_v7(), "text": "Wonderful! Keep going.", "sticker": "trophy"}),
            )
            .await;
        dad.sync_once().await.unwrap();
        let on_dad = dad.thread(child).await.unwrap();
        let ids: Vec<_> = on_dad.messages.iter().map(|m| json!(m.message.id)).collect();
        assert_eq!(ids, [json!(sent.id), reply["id"].clone()], "{backend:?}");
        assert_eq!(on_dad.unread, 1, "{backend:?}");
        let seen = on_dad.clinic_read.as_ref().unwrap();
        assert_eq!((seen.side, seen.up_to, seen.by.as_str()), (Side::Clinic, sent.id, "Maya (OT)"));
        assert_eq!(dad.unread_messages().await.unwrap(), [(child, 1)]);
        dad.mark_thread_read(child).await.unwrap();
        assert_eq!(dad.thread(child).await.unwrap().unread, 0);
        dad.sync_once().await.unwrap();

        // The clinic sees the family read it; the kitchen laptop's unread count clears too.
        let on_server = p.maya.get(&path).await;
        assert_eq!(
            (on_server["family_read"]["up_to"].clone(), on_server["family_read"]["by"].clone()),
            (reply["id"].clone(), json!("Dad"))
        );
        mum.sync_once().await.unwrap();
        let on_mum = mum.thread(child).await.unwrap();
        assert_eq!((on_mum.messages.len(), on_mum.unread), (2, 0), "{backend:?}");
    }
}
