//! The end of a home program, seen from a family's device: a tick recorded offline before the discharge still
//! reaches the clinic, the device learns of the discharge at its next pull (the child shows as ended), and
//! then the server disconnects it: the device keeps its records, stops syncing, and says why in words.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeDelta, Utc};
use homeplay_core::log::Outcome;
use homeplay_device::{By, Details, DeviceError, SyncState, Tick};
use homeplay_tests::*;
use serde_json::json;

#[tokio::test]
async fn the_device_learns_the_discharge_then_stops_with_the_reason() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let server = TestServer::start(&db);
        let start = (Utc::now() - TimeDelta::days(3)).date_naive().to_string();
        let p = program(&db, &server, &start).await;
        let (mum, _dir) = paired_engine(&server.base, &p.maya, &p.child_id, "Kitchen laptop", "Mum").await;
        let now = Utc::now();
        let today = mum.today(now).await.unwrap();
        let expected = today[0].groups[0].items[0].expected;

        // Mum ticks while the device has not synced; then the clinic discharges Leo.
        let tick = Tick {
            child_id: p.child_id.parse().unwrap(),
            assignment_id: expected.assignment_id,
            exercise_id: expected.exercise_id,
            occurrence: expected.occurrence,
            outcome: Outcome::Done,
            details: Details::default(),
            by: By::Caregiver,
        };
        let log = mum.record(tick).await.unwrap();
        p.maya.post(&format!("/api/v1/children/{}/discharge", p.child_id), json!({})).await;

        // The next sync sends the tick and brings the notice: Leo's program ended.
        mum.sync_once().await.unwrap();
        let after = mum.today(now).await.unwrap();
        assert!(after[0].child.discharged_on.is_some(), "{backend:?}: {after:?}");
        assert!(after[0].groups.is_empty(), "{backend:?}: no activities once the program ended");
        let logs = p.maya.get(&format!("/api/v1/children/{}/adherence", p.child_id)).await;
        assert!(logs.to_string().contains(&log.id.to_string()), "{backend:?}: the tick reached the clinic");

        // The one after is refused: the device stops, keeps its records, and says why.
        let err = mum.sync_once().await.unwrap_err();
        assert!(matches!(err, DeviceError::Ended(_)), "{backend:?}: {err}");
        match mum.status().await.unwrap() {
            SyncState::Ended { message, waiting: 0 } => assert!(message.contains("ended"), "{message}"),
            other => panic!("{backend:?}: {other:?}"),
        }
        assert_eq!(mum.all_logs().await.unwrap(), [log], "{backend:?}: the records stay on the device");
        // Without asking the server again.
        let again = mum.sync_once().await.unwrap_err();
        assert!(matches!(again, DeviceError::Ended(_)), "{backend:?}: {again}");
    }
}
