//! The background sync tells the screens where it stands without their asking: each state the loop reaches goes
//! out as the whole status the header shows. Against a real engine, the real loop and the real server binary.
#![allow(clippy::unwrap_used)]

use homeplay_app::AppState;
use homeplay_app::api;
use homeplay_app::dto::{AppStatus, DetailsView, PairInput, RecordInput, SyncView};
use homeplay_core::log::Outcome;
use homeplay_tests::{Backend, TestDb, TestServer, open_engine, program};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// The next status the app would send to the window; the loop's first pass starts at once, so this is quick.
async fn next(rx: &mut mpsc::UnboundedReceiver<AppStatus>) -> AppStatus {
    tokio::time::timeout(Duration::from_secs(30), rx.recv()).await.expect("a status from the sync loop").unwrap()
}

#[tokio::test]
async fn each_state_the_sync_loop_reaches_goes_to_the_screens_as_a_whole_status() {
    let db = TestDb::new(Backend::Sqlite);
    let mut server = TestServer::start(&db);
    let start = (chrono::Utc::now() - chrono::TimeDelta::days(2)).date_naive().to_string();
    let p = program(&db, &server, &start).await;
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(open_engine(dir.path()).await.unwrap());
    let code = p.maya.pairing_code(&p.child_id).await;
    let input = PairInput {
        server_url: server.base.clone(),
        code,
        device_name: "Kitchen laptop".into(),
        caregiver: "Mum".into(),
    };
    api::pair(&engine, input).await.unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let state = AppState::new(
        engine.clone(),
        Arc::new(move |s| {
            let _ = tx.send(s);
        }),
    );

    // Started, the loop syncs at once, and the screens hear it with the rest of the header.
    state.start_sync();
    let s = next(&mut rx).await;
    assert!(s.paired);
    assert_eq!(s.caregiver.as_deref(), Some("Mum"));
    assert!(matches!(s.sync, SyncView::Synced { last_sync_ms: Some(_) }), "{:?}", s.sync);
    state.stop_sync().await;
    while let Ok(s) = rx.try_recv() {
        assert!(matches!(s.sync, SyncView::Synced { .. }), "{:?}", s.sync);
    }

    // A tick while the clinic is gone: the loop's next pass finds it offline, and says the tick waits.
    let today = api::today(&engine, chrono::Utc::now()).await.unwrap();
    let key = today[0].groups[0].items[0].key.clone();
    let tick = RecordInput { key, outcome: Outcome::Done, details: DetailsView::default(), by_kid: false };
    api::record(&engine, tick).await.unwrap();
    server.kill();
    state.start_sync();
    let s = next(&mut rx).await;
    assert!(matches!(s.sync, SyncView::Offline { waiting: 1, .. }), "{:?}", s.sync);

    // The clinic back, a fresh loop (as after a restart) sends the tick and says so.
    state.stop_sync().await;
    while rx.try_recv().is_ok() {}
    server.start_again();
    state.start_sync();
    let s = next(&mut rx).await;
    assert!(matches!(s.sync, SyncView::Synced { .. }), "{:?}", s.sync);

    // Stopped, the loop sends nothing more.
    state.stop_sync().await;
    while rx.try_recv().is_ok() {}
    drop(state);
    assert!(rx.recv().await.is_none(), "nothing holds the sink once the app state is gone");
}
