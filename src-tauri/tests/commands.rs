//! The commands the family screens call, against a real engine and (for the full flow) the real server binary.
#![allow(clippy::unwrap_used)]

use homeplay_app::api;
use homeplay_app::dto::{DayStatusView, DetailsView, ErrorKind, Language, PairInput, RecordInput, SlotView, SyncView};
use homeplay_core::assignment::FamilyMoment;
use homeplay_core::feedback::Sticker;
use homeplay_core::goal::CheckInFace;
use homeplay_core::log::{NotDoneReason, Outcome};
use homeplay_core::skill::Discipline;
use homeplay_device::Engine;
use homeplay_tests::{Backend, TestDb, TestServer, open_engine, program};
use serde_json::json;

/// An engine whose token stays in a private file: tests never touch the OS keyring.
async fn engine() -> (Engine, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (open_engine(dir.path()).await.unwrap(), dir)
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
    let done = api::record(&engine, tick(0, Outcome::Done)).await.unwrap();
    assert_eq!(done.recorded_by, "Mum");
    let undone = api::undo(&engine, &done.id).await.unwrap();
    assert!(undone.undone);
    let sick = Outcome::NotDone { reason: NotDoneReason::Sick };
    api::record(&engine, tick(1, sick)).await.unwrap();
    let again = api::record(&engine, tick(0, Outcome::Done)).await.unwrap();

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
        homeplay_app::dto::EditInput { log_id: again.id.clone(), outcome: Outcome::Partly, details },
    )
    .await
    .unwrap();
    assert_eq!(edited.outcome, Outcome::Partly);
    let s = api::sync_now(&engine).await.unwrap();
    assert!(matches!(s.sync, SyncView::Offline { waiting: 1, .. }), "{:?}", s.sync);
    server.start_again();
    let s = api::sync_now(&engine).await.unwrap();
    assert!(matches!(s.sync, SyncView::Synced { .. }), "{:?}", s.sync);
}

#[tokio::test]
async fn settings_round_trip_and_a_bad_time_names_its_field() {
    let (engine, dir) = engine().await;
    let mut s = api::settings(&engine).await.unwrap();
    assert!(s.reminders.enabled && s.sound);
    assert_eq!(s.language, Language::En);
    assert_eq!(s.caregiver, None);
    assert_eq!((s.reminders.quiet_start.as_str(), s.reminders.quiet_end.as_str()), ("20:30", "07:00"));
    assert_eq!(s.reminders.repeat_after_minutes, 30);
    let names: Vec<&str> = s.reminders.moments.iter().map(|m| m.moment.as_str()).collect();
    assert_eq!(names, ["wake_up", "breakfast", "lunch", "after_school", "dinner", "bath", "bedtime"]);

    s.caregiver = Some("Abuela".into());
    s.language = Language::Es;
    s.sound = false;
    s.reminders.enabled = false;
    s.reminders.quiet_start = "21:15".into();
    s.reminders.repeat_after_minutes = 0;
    s.reminders.moments[6].time = "20:00".into();
    assert_eq!(api::save_settings(&engine, s.clone()).await.unwrap(), s);

    let mut bad = s.clone();
    bad.reminders.quiet_end = "7pm".into();
    bad.sound = true;
    let e = api::save_settings(&engine, bad).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert!(e.message.starts_with("quiet_end:"), "{}", e.message);
    let mut bad = s.clone();
    bad.reminders.moments[0].time = "25:00".into();
    assert!(api::save_settings(&engine, bad).await.unwrap_err().message.starts_with("wake_up:"));
    let mut bad = s.clone();
    bad.caregiver = Some("  ".into());
    assert!(api::save_settings(&engine, bad).await.unwrap_err().message.starts_with("Your name"));
    let mut bad = s.clone();
    bad.reminders.repeat_after_minutes = 1000;
    assert!(api::save_settings(&engine, bad).await.unwrap_err().message.starts_with("repeat_after_minutes:"));

    // A refused save changed nothing, and what was saved survives a restart.
    drop(engine);
    let engine = open_engine(dir.path()).await.unwrap();
    assert_eq!(api::settings(&engine).await.unwrap(), s);
}

#[tokio::test]
async fn progress_week_program_and_unpair_against_the_real_server() {
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db);
    let start = (chrono::Utc::now() - chrono::TimeDelta::days(2)).date_naive().to_string();
    let p = program(&db, &server, &start).await;
    let (engine, _dir) = engine().await;

    // The demo's unattended pairing, once.
    let code = p.maya.pairing_code(&p.child_id).await;
    assert!(api::auto_pair(&engine, &server.base, &code, "Demo laptop", "Parent").await.unwrap());
    assert!(!api::auto_pair(&engine, &server.base, "USED-CODE", "Demo laptop", "Parent").await.unwrap());
    assert_eq!(api::status(&engine).await.unwrap().caregiver.as_deref(), Some("Parent"));

    let today = api::today(&engine, chrono::Utc::now()).await.unwrap();
    let date = today[0].date.clone();
    p.maya
        .post(
            &format!("/api/v1/children/{}/feedback", p.child_id),
            json!({"date": date, "sticker": "star", "comment": "Great bear walks!"}),
        )
        .await;
    api::sync_now(&engine).await.unwrap();

    // The family's own bedtime shows on the program.
    let mut s = api::settings(&engine).await.unwrap();
    s.reminders.moments[6].time = "20:15".into();
    api::save_settings(&engine, s).await.unwrap();

    let items: Vec<_> = today[0].groups.iter().flat_map(|g| g.items.clone()).collect();
    for (i, by_kid) in [(0, true), (1, false)] {
        let tick =
            RecordInput { key: items[i].key.clone(), outcome: Outcome::Done, details: DetailsView::default(), by_kid };
        api::record(&engine, tick).await.unwrap();
    }

    let progress = api::progress(&engine, &p.child_id, chrono::Utc::now()).await.unwrap();
    assert_eq!(progress.name, "Leo");
    assert_eq!(progress.days.len(), 7);
    for d in &progress.days {
        let expected = match d.date.as_str() {
            x if x < start.as_str() => DayStatusView::NothingScheduled,
            x if x < date.as_str() => DayStatusView::NotLogged,
            x if x == date.as_str() => DayStatusView::Done,
            _ => DayStatusView::Future,
        };
        assert_eq!(d.status, expected, "{d:?}");
    }
    let today_view = progress.days.iter().find(|d| d.date == date).unwrap();
    assert_eq!((today_view.expected, today_view.done), (2, 2));
    assert_eq!(progress.current_streak, 1);
    assert_eq!(progress.best_streak, 1);
    assert_eq!(progress.stickers, 1, "one finished in kid mode");
    assert_eq!(progress.feedback.len(), 1);
    let f = &progress.feedback[0];
    assert_eq!((f.date.as_str(), f.sticker), (date.as_str(), Some(Sticker::Star)));
    assert_eq!(f.comment.as_deref(), Some("Great bear walks!"));
    assert!(!f.from.is_empty());

    let week = api::week_program(&engine, &p.child_id, chrono::Utc::now()).await.unwrap();
    assert_eq!(week.name, "Leo");
    assert_eq!(week.dates.len(), 7);
    assert_eq!(week.activities.len(), 1, "one activity, once, though it comes twice a day");
    let a = &week.activities[0];
    assert_eq!(a.exercise_id, p.exercise_id);
    assert!(!a.kid_title.is_empty() && a.picture.is_some());
    let times: Vec<_> = a.times.iter().map(|t| (t.slot.clone(), t.clock.clone().unwrap())).collect();
    assert!(matches!(&times[0].0, SlotView::Moment { moment } if *moment == FamilyMoment::AfterSchool));
    assert!(matches!(&times[1].0, SlotView::Moment { moment } if *moment == FamilyMoment::Bedtime));
    assert_eq!(times[1].1, "20:15");
    let on: Vec<bool> = week.dates.iter().map(|d| d.as_str() >= start.as_str()).collect();
    assert_eq!(a.days, on);

    assert_eq!(api::progress(&engine, "nope", chrono::Utc::now()).await.unwrap_err().kind, ErrorKind::Invalid);
    let stranger = homeplay_core::ids::ChildId::new_v7().to_string();
    assert_eq!(api::week_program(&engine, &stranger, chrono::Utc::now()).await.unwrap_err().kind, ErrorKind::NotFound);

    // Two ticks wait: unpairing refuses and says how many, and nothing is lost.
    let e = api::unpair(&engine, false).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnsentLogs);
    assert!(e.message.starts_with("2 activities"), "{}", e.message);
    assert!(api::status(&engine).await.unwrap().paired);
    assert_eq!(engine.all_logs().await.unwrap().len(), 2);

    assert!(matches!(api::sync_now(&engine).await.unwrap().sync, SyncView::Synced { .. }));
    let s = api::unpair(&engine, false).await.unwrap();
    assert!(!s.paired);
    assert_eq!(s.sync, SyncView::NotPaired);
    assert!(api::today(&engine, chrono::Utc::now()).await.unwrap().is_empty());
}

#[tokio::test]
async fn unpairing_can_discard_waiting_logs_when_asked() {
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db);
    let start = (chrono::Utc::now() - chrono::TimeDelta::days(1)).date_naive().to_string();
    let p = program(&db, &server, &start).await;
    let (engine, _dir) = engine().await;
    let code = p.maya.pairing_code(&p.child_id).await;
    api::pair(&engine, pair_input(&server.base, &code)).await.unwrap();
    let today = api::today(&engine, chrono::Utc::now()).await.unwrap();
    let key = today[0].groups[0].items[0].key.clone();
    let tick = RecordInput { key, outcome: Outcome::Partly, details: DetailsView::default(), by_kid: false };
    api::record(&engine, tick).await.unwrap();
    let e = api::unpair(&engine, false).await.unwrap_err();
    assert!(e.message.starts_with("1 activity has"), "{}", e.message);
    assert!(!api::unpair(&engine, true).await.unwrap().paired);
}

#[tokio::test]
async fn goals_show_in_plain_words_with_the_exercises_that_serve_them() {
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db);
    let start = chrono::Utc::now().date_naive().to_string();
    let target = (chrono::Utc::now() + chrono::TimeDelta::weeks(12)).date_naive().to_string();
    let p = program(&db, &server, &start).await;
    let goal = p
        .maya
        .post(
            &format!("/api/v1/children/{}/goals", p.child_id),
            json!({"text": "Stands on one foot to pull on his trousers", "discipline": "pt",
                   "areas": ["balance_coordination"], "baseline": "Holds on to stand on one foot",
                   "start_date": start, "target_date": target,
                   "scale": {"much_less": "Holds on", "less": "2 seconds alone", "expected": "5 seconds alone",
                             "more": "10 seconds alone", "much_more": "10 seconds on each foot"}}),
        )
        .await;
    let goal_id = goal["id"].as_str().unwrap().to_owned();
    for slug in ["flamingo-stand", "crab-walk"] {
        let exercise = homeplay_core::ids::ExerciseId::builtin(slug).to_string();
        p.maya
            .post(
                &format!("/api/v1/children/{}/assignments", p.child_id),
                json!({"target": {"kind": "exercise", "exercise_id": exercise}, "start_date": start,
                       "days": ["mon", "wed", "fri"], "slots": [{"kind": "anytime"}], "goal_ids": [goal_id]}),
            )
            .await;
    }
    let (engine, _dir) = engine().await;
    assert!(api::goals(&engine).await.unwrap().is_empty(), "nothing before pairing");
    api::pair(&engine, pair_input(&server.base, &p.maya.pairing_code(&p.child_id).await)).await.unwrap();
    assert!(matches!(api::sync_now(&engine).await.unwrap().sync, SyncView::Synced { .. }));

    let goals = api::goals(&engine).await.unwrap();
    assert_eq!(goals.len(), 1);
    assert_eq!((goals[0].child_id.as_str(), goals[0].name.as_str()), (p.child_id.as_str(), "Leo"));
    assert_eq!(goals[0].goals.len(), 1);
    let g = &goals[0].goals[0];
    assert_eq!((g.goal_id.as_str(), g.text.as_str()), (goal_id.as_str(), "Stands on one foot to pull on his trousers"));
    assert_eq!((g.discipline, g.target_date.as_str()), (Discipline::Pt, target.as_str()));
    let library = homeplay_core::library::starter().unwrap();
    let served: Vec<(&str, Option<&str>)> =
        g.exercises.iter().map(|e| (e.kid_title.as_str(), e.picture.as_deref())).collect();
    let expected: Vec<(&str, Option<&str>)> = ["flamingo-stand", "crab-walk"]
        .iter()
        .map(|slug| {
            let e = library.by_slug(slug).unwrap();
            (e.kid_title.as_str(), e.steps.first().map(|s| s.picture.as_str()))
        })
        .collect();
    assert_eq!(served, expected, "the two linked exercises, not the bear walk");
    // Each picture is one the app can show.
    for e in &g.exercises {
        assert!(api::media(&engine, e.picture.as_deref().unwrap()).await.unwrap().data_url.starts_with("data:image/"));
    }

    // Met at the clinic: gone from the family's list after the next sync.
    p.maya.post(&format!("/api/v1/goals/{goal_id}/status"), json!({"status": "met"})).await;
    api::sync_now(&engine).await.unwrap();
    let goals = api::goals(&engine).await.unwrap();
    assert_eq!(goals.len(), 1);
    assert!(goals[0].goals.is_empty(), "{:?}", goals[0].goals);
}

#[tokio::test]
async fn a_weekly_check_in_answered_offline_reaches_the_clinic_once() {
    let db = TestDb::new(Backend::Sqlite);
    let mut server = TestServer::start(&db);
    let start = chrono::Utc::now().date_naive().to_string();
    let target = (chrono::Utc::now() + chrono::TimeDelta::weeks(12)).date_naive().to_string();
    let p = program(&db, &server, &start).await;
    let goal = p
        .maya
        .post(
            &format!("/api/v1/children/{}/goals", p.child_id),
            json!({"text": "Puts on socks by himself", "discipline": "ot", "areas": ["self_care"],
                   "baseline": "Needs hand-over-hand help", "start_date": start, "target_date": target,
                   "scale": {"much_less": "Hand over hand", "less": "Pulls them up", "expected": "With one prompt",
                             "more": "Alone", "much_more": "Socks and shoes alone"}}),
        )
        .await;
    let goal_id = goal["id"].as_str().unwrap().to_owned();
    let (engine, _dir) = engine().await;
    api::pair(&engine, pair_input(&server.base, &p.maya.pairing_code(&p.child_id).await)).await.unwrap();
    api::sync_now(&engine).await.unwrap();
    assert_eq!(api::goals(&engine).await.unwrap()[0].goals[0].this_week, None, "not answered yet: the app asks");

    // Offline: the answer is kept on the device and waits; a change of mind replaces it.
    server.kill();
    api::check_in(&engine, &goal_id, CheckInFace::SoSo).await.unwrap();
    let goals = api::check_in(&engine, &goal_id, CheckInFace::Great).await.unwrap();
    assert_eq!(goals[0].goals[0].this_week, Some(CheckInFace::Great));
    assert!(matches!(api::sync_now(&engine).await.unwrap().sync, SyncView::Offline { waiting: 1, .. }));
    let e = api::check_in(&engine, "not-a-goal", CheckInFace::Good).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Invalid);

    // Back online: it reaches the clinic, once, however often the device syncs.
    server.start_again();
    for _ in 0..2 {
        assert!(matches!(api::sync_now(&engine).await.unwrap().sync, SyncView::Synced { .. }));
        let progress = p.maya.get(&format!("/api/v1/children/{}/goals/progress", p.child_id)).await;
        let row = &progress["goals"][0];
        let today: chrono::NaiveDate = progress["today"].as_str().unwrap().parse().unwrap();
        let monday = homeplay_core::adherence::week_start(today).to_string();
        assert_eq!(row["check_ins"], json!([{"week": monday, "face": "great", "answered_by": "Mum"}]), "{row}");
    }
    assert_eq!(api::goals(&engine).await.unwrap()[0].goals[0].this_week, Some(CheckInFace::Great));
}

#[tokio::test]
async fn a_typo_in_the_address_is_named_and_the_family_picks_from_its_caregivers() {
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db);
    let start = (chrono::Utc::now() - chrono::TimeDelta::days(2)).date_naive().to_string();
    let p = program(&db, &server, &start).await;
    let (engine, _dir) = engine().await;
    let code = p.maya.pairing_code(&p.child_id).await;

    // The server answers at a wrong path: not "cannot reach", and not "wrong code" either.
    for typo in [format!("{}/homeplay", server.base), format!("{}/api", server.base)] {
        let e = api::pair(&engine, pair_input(&typo, &code)).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotHomeplay, "{typo}: {e:?}");
    }
    api::pair(&engine, pair_input(&server.base, &code)).await.unwrap();
    let names = |all: Vec<homeplay_app::dto::CaregiverView>| -> Vec<(String, bool)> {
        all.into_iter().map(|c| (c.name, c.chosen_here)).collect()
    };
    // The clinic's record of the family has Mum and Dad; only Mum has used this computer.
    let (mum, dad, grandma) = (("Mum".to_owned(), true), ("Dad".to_owned(), false), ("Grandma".to_owned(), true));
    assert_eq!(names(api::caregivers(&engine).await.unwrap()), [mum.clone(), dad.clone()]);
    api::set_caregiver(&engine, "Grandma").await.unwrap();
    api::set_caregiver(&engine, "Mum").await.unwrap();
    assert_eq!(names(api::caregivers(&engine).await.unwrap()), [mum, grandma, dad]);
    assert_eq!(api::set_caregiver(&engine, " ").await.unwrap_err().kind, ErrorKind::Invalid);

    // A day opened from the week: its activities with what was recorded, by whom.
    let today = api::today(&engine, chrono::Utc::now()).await.unwrap();
    let item = today[0].groups[0].items[0].clone();
    api::set_caregiver(&engine, "Grandma").await.unwrap();
    let other = Outcome::NotDone { reason: NotDoneReason::Other };
    let note = DetailsView { note: Some("Stayed at the party late".into()), ..DetailsView::default() };
    api::record(&engine, RecordInput { key: item.key.clone(), outcome: other, details: note, by_kid: false })
        .await
        .unwrap();
    let day = api::day(&engine, &p.child_id, &today[0].date).await.unwrap();
    let log = day.groups[0].items[0].log.clone().unwrap();
    assert_eq!((log.outcome, log.recorded_by.as_str()), (other, "Grandma"));
    assert_eq!(log.details.note.as_deref(), Some("Stayed at the party late"));
    let before = api::day(&engine, &p.child_id, &start).await.unwrap();
    assert!(before.groups.iter().flat_map(|g| &g.items).all(|i| i.log.is_none()));
    assert_eq!(api::day(&engine, &p.child_id, "2030-02-31").await.unwrap_err().kind, ErrorKind::Invalid);
}
