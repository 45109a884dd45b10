//! The commands the family screens call, against a real engine and (for the full flow) the real server binary.
#![allow(clippy::unwrap_used)]

use homeplay_app::api;
use homeplay_app::dto::{DetailsView, ErrorKind, OutcomeView, PairInput, ReasonView, RecordInput, SyncView};
use homeplay_device::Engine;
use homeplay_tests::{Backend, TestDb, TestServer, program};

async fn engine() -> (Engine, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (Engine::open(dir.path()).await.unwrap(), dir)
}

fn pair_input(url: &str, code: &str) -> PairInput {
    PairInput {
        server_url: url.into(),
        code: code.into(),
        device_name: "Kitchen laptop".into(),
        caregiver: "Mum".into(),
    }
}

#[tokio::test]
async fn a_new_device_is_unpaired_and_says_so() {
    let (engine, _dir) = engine().await;
    let s = api::status(&engine).await.unwrap();
    assert!(!s.paired);
    assert_eq!(s.sync, SyncView::NotPaired);
    assert!(api::today(&engine, chrono::Utc::now()).await.unwrap().is_empty());
}

#[tokio::test]
async fn pairing_names_each_mistake() {
    let (engine, _dir) = engine().await;
    let mut bad = pair_input("http://127.0.0.1:9", "ABCD-EFGH");
    bad.caregiver = "  ".into();
    let e = api::pair(&engine, bad).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert!(e.message.starts_with("Your name"), "{}", e.message);

    let e = api::pair(&engine, pair_input("http://127.0.0.1:9", "")).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Invalid);

    // Nothing listens on the discard port.
    let e = api::pair(&engine, pair_input("http://127.0.0.1:9", "ABCD-EFGH")).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Offline, "{e:?}");
    assert!(!api::status(&engine).await.unwrap().paired);
}

#[tokio::test]
async fn built_in_pictures_come_as_data_urls() {
    let (engine, _dir) = engine().await;
    let library = homeplay_core::library::starter().unwrap();
    let picture = library.exercises()[0].steps[0].picture.as_str().to_owned();
    let m = api::media(&engine, &picture).await.unwrap();
    assert!(m.data_url.starts_with("data:image/svg+xml;base64,"), "{}", &m.data_url[..40]);
    assert_eq!(api::media(&engine, "nonsense").await.unwrap_err().kind, ErrorKind::Invalid);
}

#[tokio::test]
async fn pair_tick_undo_and_sync_against_the_real_server() {
    let db = TestDb::new(Backend::Sqlite);
    let mut server = TestServer::start(&db);
    let start = (chrono::Utc::now() - chrono::TimeDelta::days(2)).date_naive().to_string();
    let p = program(&db, &server, &start).await;
    let (engine, _dir) = engine().await;

    // A wrong code is named as such.
    let e = api::pair(&engine, pair_input(&server.base, "WRONG-CODE")).await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::CodeWrong | ErrorKind::Invalid), "{e:?}");

    let code = p.maya.pairing_code(&p.child_id).await;
    let s = api::pair(&engine, pair_input(&server.base, &code)).await.unwrap();
    assert!(s.paired);
    assert_eq!(s.caregiver.as_deref(), Some("Mum"));

    let today = api::today(&engine, chrono::Utc::now()).await.unwrap();
    assert_eq!(today.len(), 1);
    let items: Vec<_> = today[0].groups.iter().flat_map(|g| g.items.clone()).collect();
    assert_eq!(items.len(), 2, "after school and bedtime");
    assert!(!items[0].steps.is_empty());

    let details = DetailsView::default();
    let tick =
        |i: usize, outcome| RecordInput { key: items[i].key.clone(), outcome, details: details.clone(), by_kid: false };
    let done = api::record(&engine, tick(0, OutcomeView::Done)).await.unwrap();
    assert_eq!(done.recorded_by, "Mum");
    let undone = api::undo(&engine, &done.id).await.unwrap();
    assert!(undone.undone);
    let sick = OutcomeView::NotDone { reason: ReasonView::Sick };
    api::record(&engine, tick(1, sick)).await.unwrap();
    let again = api::record(&engine, tick(0, OutcomeView::Done)).await.unwrap();

    let today = api::today(&engine, chrono::Utc::now()).await.unwrap();
    let logged: Vec<_> = today[0].groups.iter().flat_map(|g| g.items.iter()).filter_map(|i| i.log.clone()).collect();
    assert_eq!(logged.len(), 2);
    assert!(logged.iter().any(|l| l.id == again.id));
    assert!(matches!(api::status(&engine).await.unwrap().sync, SyncView::Waiting { .. }));

    let s = api::sync_now(&engine).await.unwrap();
    assert!(matches!(s.sync, SyncView::Synced { .. }), "{:?}", s.sync);

    // Offline: the tick is kept and the line says so.
    server.kill();
    let edited = api::edit(
        &engine,
        homeplay_app::dto::EditInput { log_id: again.id.clone(), outcome: OutcomeView::Partly, details },
    )
    .await
    .unwrap();
    assert_eq!(edited.outcome, OutcomeView::Partly);
    let s = api::sync_now(&engine).await.unwrap();
    assert!(matches!(s.sync, SyncView::Offline { waiting: 1, .. }), "{:?}", s.sync);
    server.start_again();
    let s = api::sync_now(&engine).await.unwrap();
    assert!(matches!(s.sync, SyncView::Synced { .. }), "{:?}", s.sync);
}
