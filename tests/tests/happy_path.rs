//! Happy path: two caregivers' devices pair with one family, record while the server is down, and after it
//! comes back every device and the server hold the same logs, once each; the therapist sees them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeDelta, Utc};
use homeplay_core::log::{Difficulty, NotDoneReason, Outcome};
use homeplay_core::text::Note;
use homeplay_device::{By, Details, SyncState, Tick};
use homeplay_tests::*;

#[tokio::test]
async fn two_devices_record_offline_and_converge() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let mut server = TestServer::start(&db);
        let start = (Utc::now() - TimeDelta::days(14)).date_naive().to_string();
        let p = program(&db, &server, &start).await;
        let (mum, _d1) = paired_engine(&server.base, &p.maya, &p.child_id, "Kitchen laptop", "Mum").await;
        let (dad, _d2) = paired_engine(&server.base, &p.maya, &p.child_id, "Dad's laptop", "Dad").await;

        // Both devices show Leo's day: after school and bedtime, with the exercise and its picture.
        let now = Utc::now();
        let today = mum.today(now).await.unwrap();
        assert_eq!(today.len(), 1, "{backend:?}");
        assert_eq!(today[0].child.display_name.as_str(), "Leo");
        assert_eq!(today[0].groups.len(), 2, "{backend:?}: {:?}", today[0].groups);
        let item = &today[0].groups[0].items[0];
        assert_eq!(item.exercise.title.as_str(), "Bear walk");
        assert!(mum.media(&item.exercise.steps[0].picture).await.unwrap().is_some(), "pictures work offline");
        assert_eq!(dad.today(now).await.unwrap()[0].groups.len(), 2);
        assert!(matches!(mum.status().await.unwrap(), SyncState::Synced { .. }), "{backend:?}");

        // The server goes away. Recording still works, instantly and durably.
        server.kill();
        let after_school = today[0].groups[0].items[0].expected;
        let bedtime = today[0].groups[1].items[0].expected;
        let tick = |e: homeplay_core::schedule::Expected, outcome: Outcome, details: Details, by: By| Tick {
            child_id: p.child_id.parse().unwrap(),
            assignment_id: e.assignment_id,
            exercise_id: e.exercise_id,
            occurrence: e.occurrence,
            outcome,
            details,
            by,
        };
        let mums = mum.record(tick(after_school, Outcome::Done, Details::default(), By::KidMode)).await.unwrap();
        let hard = Details {
            difficulty: Some(Difficulty::Hard),
            note: Some(Note::new("hard — got frustrated").unwrap()),
            ..Details::default()
        };
        let dads = dad.record(tick(bedtime, Outcome::Partly, hard, By::Caregiver)).await.unwrap();
        let mut yesterday = bedtime;
        yesterday.occurrence.date = yesterday.occurrence.date.pred_opt().unwrap();
        let sick = dad
            .record(tick(
                yesterday,
                Outcome::NotDone { reason: NotDoneReason::Sick },
                Details::default(),
                By::Caregiver,
            ))
            .await
            .unwrap();
        let oops = dad.record(tick(after_school, Outcome::Done, Details::default(), By::Caregiver)).await.unwrap();
        dad.undo(oops.id).await.unwrap();
        assert!(mum.sync_once().await.unwrap_err().is_transient(), "{backend:?}");
        assert!(matches!(mum.status().await.unwrap(), SyncState::Offline { waiting: 1, .. }), "{backend:?}");

        // Back online: each device syncs (twice, so each sees the other's), and all agree.
        server.start_again();
        for engine in [&mum, &dad, &mum] {
            engine.sync_once().await.unwrap();
        }
        let on_mum = mum.all_logs().await.unwrap();
        let on_dad = dad.all_logs().await.unwrap();
        assert_eq!(on_mum, on_dad, "{backend:?}");
        assert_eq!(on_mum.len(), 4, "{backend:?}: {on_mum:#?}");
        assert!(on_mum.iter().any(|l| l.id == oops.id && l.undone), "the undo travelled as an edit");
        assert!(on_mum.contains(&mums) && on_mum.contains(&dads) && on_mum.contains(&sick), "{backend:?}");
        assert!(matches!(dad.status().await.unwrap(), SyncState::Synced { .. }), "{backend:?}");

        // The today list shows both caregivers' ticks, with who recorded them.
        let today = mum.today(now).await.unwrap();
        let after_school_log = today[0].groups[0].items[0].log.clone().unwrap();
        assert_eq!(after_school_log.id, mums.id, "Dad's undone tick no longer counts");
        assert_eq!(today[0].groups[1].items[0].log.as_ref().unwrap().recorded_by, dads.recorded_by);

        // The therapist sees each log once, and "sick" apart from silence.
        let report = p.maya.get(&format!("/api/v1/children/{}/adherence?from={start}", p.child_id)).await;
        let timeline = report["timeline"].as_array().or(report["logs"].as_array()).unwrap();
        assert_eq!(timeline.len(), 4, "{backend:?}: {timeline:#?}");
        let text = report.to_string();
        assert!(text.contains("\"sick\""), "{backend:?}");
        let progress = mum.progress(p.child_id.parse().unwrap(), now).await.unwrap().unwrap();
        assert_eq!(progress.stickers, 1, "{backend:?}: one activity finished in kid mode");
    }
}
