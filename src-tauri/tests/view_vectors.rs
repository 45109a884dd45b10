//! Vectors for the phone web app's views (`ui/phone/engine/views.ts`): real device engines built from chosen
//! cases (pulled pages through the device's own page-apply path, local actions through its public API, all at
//! fixed instants), each written with its tables as the web engine's `Snapshot` and what every family-screen
//! command of this app answers for them (`api::*`, i.e. homeplay-device and the DTO conversions). The
//! TypeScript views must give the same answers for the same snapshot (`ui/phone/engine/views.test.ts`).
//!
//! `UPDATE_VECTORS=1 cargo test -p homeplay-app --test view_vectors` rewrites `ui/phone/engine/vectors/views.json`;
//! otherwise this test fails when the committed file is not what the app answers now, so neither side can
//! drift without the other noticing.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use homeplay_app::api;
use homeplay_app::dto::{DetailsView, EditInput, LogView, RecordInput, SlotKey};
use homeplay_core::exercise::Exercise;
use homeplay_core::goal::CheckInFace;
use homeplay_core::log::{NotDoneReason, Outcome};
use homeplay_core::sync::Change;
use homeplay_device::{Engine, Pairing, Prefs};
use homeplay_tests::open_engine;
use serde_json::{Value, json};
use std::path::PathBuf;

const FAMILY: &str = "0000f000-0000-7000-8000-00000000f001";
const LEO: &str = "0000c000-0000-7000-8000-00000000c001";
const MIA: &str = "0000c000-0000-7000-8000-00000000c002";
const THERAPIST: &str = "0000d000-0000-7000-8000-00000000d001";
const DAD_DEVICE: &str = "0000e000-0000-7000-8000-00000000e002";
const THIS_DEVICE: &str = "0000e000-0000-7000-8000-00000000e001";
const ROUTINE: &str = "0000b000-0000-7000-8000-00000000b001";
const BEAR_ITEM: &str = "0000a000-0000-7000-8000-00000000a001";
const MORNING: &str = "0000a000-0000-7000-8000-00000000a002";
const CRAB_PAUSED: &str = "0000a000-0000-7000-8000-00000000a003";
const FLAMINGO_ENDED: &str = "0000a000-0000-7000-8000-00000000a004";
const MIAS_BEAR: &str = "0000a000-0000-7000-8000-00000000a005";
const SOCKS: &str = "00006000-0000-7000-8000-0000000060a1";
const STAIRS: &str = "00006000-0000-7000-8000-0000000060a2";
const ZIP: &str = "00006000-0000-7000-8000-0000000060a3";
const MIAS_GOAL: &str = "00006000-0000-7000-8000-0000000060a4";

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn ms(s: &str) -> u64 {
    u64::try_from(at(s).timestamp_millis()).unwrap()
}

/// A UUIDv7 made at `when` (so it sorts among the ids the engine makes at its fixed times), told apart by `n`.
fn v7(when: &str, n: u64) -> String {
    let t = ms(when);
    format!("{:08x}-{:04x}-7000-8000-{n:012x}", t >> 16, t & 0xffff)
}

fn change(v: Value) -> Change {
    serde_json::from_value(v).unwrap()
}

fn exercise(slug: &str) -> Exercise {
    homeplay_core::library::starter().unwrap().by_slug(slug).unwrap().clone()
}

fn child(id: &str, name: &str, zone: &str) -> Change {
    change(json!({"type": "child", "data": {"id": id, "family_id": FAMILY, "display_name": name, "time_zone": zone}}))
}

fn assignment(id: &str, child: &str, target: Value, extra: Value) -> Change {
    let mut a = json!({
        "id": id, "child_id": child, "target": target, "assigned_by": THERAPIST,
        "start_date": "2030-01-07", "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "slots": [{"kind": "anytime"}], "status": "active"
    });
    for (k, v) in extra.as_object().unwrap() {
        a[k] = v.clone();
    }
    change(json!({"type": "assignment", "data": a}))
}

fn of(e: &Exercise) -> Value {
    json!({"kind": "exercise", "exercise_id": e.id})
}

fn goal(id: &str, child: &str, text: &str, status: &str) -> Change {
    change(json!({"type": "goal", "data": {
        "id": id, "child_id": child, "text": text, "discipline": "ot", "areas": ["self_care"],
        "target_date": "2030-06-01", "status": status
    }}))
}

fn log(
    id: &str,
    child: &str,
    assignment: &str,
    exercise: &Exercise,
    (date, slot): (&str, u8),
    by: Value,
    hlc: &str,
) -> Change {
    change(json!({"type": "log", "data": {
        "id": id, "child_id": child, "assignment_id": assignment, "exercise_id": exercise.id,
        "occurrence": {"date": date, "slot": slot}, "outcome": {"status": "done"}, "pain": false,
        "recorded_by": by, "device_id": DAD_DEVICE, "hlc": {"wall_ms": ms(hlc), "counter": 0}
    }}))
}

fn clinic_message(id: &str, child: &str, text: &str, sent_at: &str) -> Change {
    change(json!({"type": "message", "data": {
        "id": id, "child_id": child, "side": "clinic", "from": "Maya (OT)", "therapist_id": THERAPIST,
        "text": text, "sent_at": sent_at
    }}))
}

fn key(child: &str, assignment: &str, exercise: &Exercise, date: &str, slot: u8) -> SlotKey {
    SlotKey {
        child_id: child.into(),
        assignment_id: assignment.into(),
        exercise_id: exercise.id.to_string(),
        date: date.into(),
        slot,
    }
}

fn input(key: SlotKey, outcome: Outcome, details: DetailsView, by_kid: bool) -> RecordInput {
    RecordInput { key, outcome, details, by_kid }
}

async fn paired(dir: &std::path::Path, when: &str) -> Engine {
    let engine = open_engine(dir).await.unwrap();
    engine.fix_clock(at(when));
    engine
        .seed_pairing(&Pairing {
            server_url: "https://clinic.example".into(),
            device_id: THIS_DEVICE.parse().unwrap(),
            clinic_name: "Riverside Therapy".into(),
        })
        .await
        .unwrap();
    engine
}

/// Everything the family screens ask of `engine` at `now`, with the tables they are answered from.
async fn case(
    name: &str,
    engine: &Engine,
    now: &str,
    days: &[(&str, &str)],
    last_attempt: Option<(i64, &str, &str)>,
) -> Value {
    let now_t = at(now);
    engine.fix_clock(now_t);
    if let Some((at_ms, outcome, detail)) = last_attempt {
        engine.note_sync_attempt(at_ms, outcome, detail).await.unwrap();
    }
    let children: Vec<String> = api::unread_messages(engine).await.unwrap().into_iter().map(|u| u.child_id).collect();
    let (mut progress, mut week_program, mut threads) = (Vec::new(), Vec::new(), Vec::new());
    for c in &children {
        progress.push(serde_json::to_value(api::progress(engine, c, now_t).await.unwrap()).unwrap());
        week_program.push(serde_json::to_value(api::week_program(engine, c, now_t).await.unwrap()).unwrap());
        threads.push(serde_json::to_value(api::messages(engine, c).await.unwrap()).unwrap());
    }
    let mut day_views = Vec::new();
    for (c, date) in days {
        day_views.push(json!({"child_id": c, "date": date, "view": api::day(engine, c, date).await.unwrap()}));
    }
    let log_views: Vec<LogView> = engine.all_logs().await.unwrap().iter().map(LogView::from).collect();
    json!({
        "name": name,
        "now": now,
        "last_attempt": last_attempt.map(|(at_ms, outcome, detail)| json!({"at_ms": at_ms, "outcome": outcome, "detail": detail})),
        "snapshot": engine.tables_json().await.unwrap(),
        "expected": {
            "today": api::today(engine, now_t).await.unwrap(),
            "days": day_views,
            "progress": progress,
            "week_program": week_program,
            "goals": api::goals(engine).await.unwrap(),
            "threads": threads,
            "unread": api::unread_messages(engine).await.unwrap(),
            "caregivers": api::caregivers(engine).await.unwrap(),
            "settings": api::settings(engine).await.unwrap(),
            "status": api::status(engine).await.unwrap(),
            "logs": log_views,
        }
    })
}

/// Two children in two zones, a program with every kind of item, two caregivers' logs, goals, a thread.
async fn a_family_week() -> Value {
    let dir = tempfile::tempdir().unwrap();
    let engine = paired(dir.path(), "2030-03-01T08:00:00Z").await;
    let (bear, crab, flamingo) = (exercise("bear-walk"), exercise("crab-walk"), exercise("flamingo-stand"));
    let dad = json!({"kind": "caregiver", "name": "Dad"});
    let kid = json!({"kind": "kid_mode"});
    let page = vec![
        child(LEO, "Leo", "Europe/London"),
        // UTC+14: already Thursday when it is Wednesday evening in London.
        child(MIA, "Mia", "Pacific/Kiritimati"),
        change(
            json!({"type": "caregiver", "data": {"id": "0000ca00-0000-7000-8000-000000000001", "family_id": FAMILY, "name": "Grandma"}}),
        ),
        change(
            json!({"type": "caregiver", "data": {"id": "0000ca00-0000-7000-8000-000000000002", "family_id": FAMILY, "name": "mum"}}),
        ),
        Change::Exercise(Box::new(bear.clone())),
        Change::Exercise(Box::new(crab.clone())),
        Change::Exercise(Box::new(flamingo.clone())),
        change(json!({"type": "routine", "data": {
            "id": ROUTINE, "clinic_id": "0000c1c0-0000-7000-8000-000000000001", "title": "Morning moves",
            "kid_title": "Wake up, body!", "items": [flamingo.id, bear.id], "then_reward": {"label": "Cartoon time"}
        }})),
        assignment(
            BEAR_ITEM,
            LEO,
            of(&bear),
            json!({
                "slots": [{"kind": "moment", "moment": "after_school"}, {"kind": "moment", "moment": "bedtime"}],
                "dosage": {"reps": 12}, "note_for_family": "On the rug", "goal_ids": [SOCKS]
            }),
        ),
        assignment(
            MORNING,
            LEO,
            json!({"kind": "routine", "routine_id": ROUTINE}),
            json!({
                "slots": [{"kind": "at", "time": "07:45:00"}], "goal_ids": [SOCKS, STAIRS]
            }),
        ),
        assignment(
            CRAB_PAUSED,
            LEO,
            of(&crab),
            json!({"status": "paused", "pauses": [{"from": "2030-03-05"}], "goal_ids": [STAIRS]}),
        ),
        assignment(
            FLAMINGO_ENDED,
            LEO,
            of(&flamingo),
            json!({
                "status": "ended", "slots": [{"kind": "moment", "moment": "bath"}]
            }),
        ),
        assignment(
            MIAS_BEAR,
            MIA,
            of(&bear),
            json!({
                "days": ["mon", "tue", "wed", "thu", "fri"], "slots": [{"kind": "moment", "moment": "breakfast"}],
                "goal_ids": [MIAS_GOAL]
            }),
        ),
        goal(SOCKS, LEO, "Puts on socks by himself", "active"),
        goal(STAIRS, LEO, "Climbs the stairs holding the rail", "active"),
        goal(ZIP, LEO, "Zips his coat", "met"),
        goal(MIAS_GOAL, MIA, "Brushes her teeth", "active"),
        change(json!({"type": "feedback", "data": {
            "id": v7("2030-03-05T09:00:00Z", 1), "child_id": LEO, "date": "2030-03-04", "therapist_id": THERAPIST,
            "from": "Maya (OT)", "sticker": "star", "comment": "Great bear walks!", "created_at": "2030-03-05T09:00:00Z"
        }})),
        change(json!({"type": "feedback", "data": {
            "id": v7("2030-03-03T09:00:00Z", 2), "child_id": LEO, "date": "2030-03-02", "therapist_id": THERAPIST,
            "from": "Maya (OT)", "sticker": "rocket", "created_at": "2030-03-03T09:00:00Z"
        }})),
        // Dad's phone: Monday's bear walk after school, and a partly done one Tuesday night.
        log(
            &v7("2030-03-04T17:00:00Z", 3),
            LEO,
            BEAR_ITEM,
            &bear,
            ("2030-03-04", 0),
            dad.clone(),
            "2030-03-04T17:00:00Z",
        ),
        clinic_message(&v7("2030-03-04T10:00:00Z", 4), LEO, "How did the weekend go?", "2030-03-04T10:00:00Z"),
        change(json!({"type": "message", "data": {
            "id": v7("2030-03-04T12:00:00Z", 5), "child_id": LEO, "side": "family", "from": "Dad",
            "device_id": DAD_DEVICE, "text": "Busy but fun!", "sent_at": "2030-03-04T12:00:00Z"
        }})),
        change(json!({"type": "thread_read", "data": {
            "child_id": LEO, "side": "clinic", "up_to": v7("2030-03-04T12:00:00Z", 5), "by": "Maya (OT)",
            "at": "2030-03-04T13:00:00Z"
        }})),
        clinic_message(&v7("2030-03-05T10:00:00Z", 6), MIA, "Hi Mia!", "2030-03-05T10:00:00Z"),
    ];
    engine.apply_pulled(&page, "v1.0000000000000010").await.unwrap();

    let mut moments = engine.moment_times().await.unwrap();
    moments.0.insert(homeplay_core::assignment::FamilyMoment::AfterSchool, homeplay_core::time::hm(16, 0));
    moments.0.insert(homeplay_core::assignment::FamilyMoment::Breakfast, homeplay_core::time::hm(6, 50));
    engine.set_moment_times(&moments).await.unwrap();
    engine.set_caregiver(homeplay_core::text::Name::new("Mum").unwrap()).await.unwrap();
    engine.set_caregiver(homeplay_core::text::Name::new("Auntie Jo").unwrap()).await.unwrap();
    engine.set_caregiver(homeplay_core::text::Name::new("Mum").unwrap()).await.unwrap();

    // Last week's answer about the stairs; this week only the socks are answered.
    engine.fix_clock(at("2030-02-28T19:00:00Z"));
    api::check_in(&engine, STAIRS, CheckInFace::Good).await.unwrap();

    // Monday 4 March: kid mode does the morning routine; Mum also ticks the after-school bear walk Dad had.
    engine.fix_clock(at("2030-03-04T07:50:00Z"));
    for e in [&flamingo, &bear] {
        api::record(&engine, input(key(LEO, MORNING, e, "2030-03-04", 0), Outcome::Done, DetailsView::default(), true))
            .await
            .unwrap();
    }
    engine.fix_clock(at("2030-03-04T18:00:00Z"));
    api::record(
        &engine,
        input(key(LEO, BEAR_ITEM, &bear, "2030-03-04", 0), Outcome::Partly, DetailsView::default(), false),
    )
    .await
    .unwrap();
    api::record(
        &engine,
        input(key(LEO, FLAMINGO_ENDED, &flamingo, "2030-03-04", 0), Outcome::Done, DetailsView::default(), false),
    )
    .await
    .unwrap();
    // The log a refused push left: an occurrence the clinic says is not on the program.
    let refused = api::record(
        &engine,
        input(key(LEO, BEAR_ITEM, &bear, "2030-03-03", 1), Outcome::Done, DetailsView::default(), false),
    )
    .await
    .unwrap();
    let refused = engine.log(refused.id.parse().unwrap()).await.unwrap().unwrap();
    engine
        .refuse_log(
            refused.id,
            refused.hlc,
            "not_due",
            Some("occurrence"),
            "Sunday's bedtime walk was not on the program",
        )
        .await
        .unwrap();

    // Tuesday: not done (no time) for the routine's bear walk; bedtime partly, then edited to done with some pain.
    engine.fix_clock(at("2030-03-05T07:55:00Z"));
    let no_time = Outcome::NotDone { reason: NotDoneReason::NoTime };
    api::record(&engine, input(key(LEO, MORNING, &bear, "2030-03-05", 0), no_time, DetailsView::default(), false))
        .await
        .unwrap();
    // Kid mode stopped halfway after school: a kid-mode log, but no sticker.
    engine.fix_clock(at("2030-03-05T16:20:00Z"));
    api::record(
        &engine,
        input(key(LEO, BEAR_ITEM, &bear, "2030-03-05", 0), Outcome::Partly, DetailsView::default(), true),
    )
    .await
    .unwrap();
    engine.fix_clock(at("2030-03-05T19:40:00Z"));
    let bedtime = api::record(
        &engine,
        input(key(LEO, BEAR_ITEM, &bear, "2030-03-05", 1), Outcome::Partly, DetailsView::default(), false),
    )
    .await
    .unwrap();
    engine.fix_clock(at("2030-03-05T19:45:00Z"));
    let sore = DetailsView {
        actual_reps: Some(8),
        difficulty: Some(homeplay_core::log::Difficulty::Hard),
        mood: Some(homeplay_core::log::Mood::Tired),
        pain_score: Some(serde_json::from_value(json!(4)).unwrap()),
        note: Some("Knees sore".into()),
        ..DetailsView::default()
    };
    api::edit(&engine, EditInput { log_id: bedtime.id, outcome: Outcome::Done, details: sore }).await.unwrap();
    engine.fix_clock(at("2030-03-05T12:00:00Z"));
    api::mark_messages_read(&engine, LEO).await.unwrap();

    // Wednesday: the routine's flamingo ticked then undone. The bath flamingo has ended: gone from today's list,
    // still on the day when opened from the week.
    engine.fix_clock(at("2030-03-06T07:50:00Z"));
    let oops = api::record(
        &engine,
        input(key(LEO, MORNING, &flamingo, "2030-03-06", 0), Outcome::Done, DetailsView::default(), false),
    )
    .await
    .unwrap();
    api::undo(&engine, &oops.id).await.unwrap();
    engine.fix_clock(at("2030-03-06T16:10:00Z"));
    api::record(
        &engine,
        input(key(LEO, BEAR_ITEM, &bear, "2030-03-06", 0), Outcome::Done, DetailsView::default(), true),
    )
    .await
    .unwrap();
    api::check_in(&engine, SOCKS, CheckInFace::Great).await.unwrap();
    // Mia's Thursday breakfast (Kiritimati), by Grandma on Dad's phone, pulled; and a later clinic message.
    let later = vec![
        log(
            &v7("2030-03-06T17:00:00Z", 7),
            MIA,
            MIAS_BEAR,
            &bear,
            ("2030-03-07", 0),
            json!({"kind": "caregiver", "name": "Grandma"}),
            "2030-03-06T17:00:00Z",
        ),
        // Dad ticks Leo's after-school bear walk later than the kid-mode tick here: his stands.
        log(&v7("2030-03-06T17:30:00Z", 8), LEO, BEAR_ITEM, &bear, ("2030-03-06", 0), dad, "2030-03-06T17:30:00Z"),
        clinic_message(&v7("2030-03-06T09:00:00Z", 9), LEO, "Keep going!", "2030-03-06T09:00:00Z"),
        log(&v7("2030-03-05T06:00:00Z", 10), MIA, MIAS_BEAR, &bear, ("2030-03-05", 0), kid, "2030-03-05T06:00:00Z"),
    ];
    engine.apply_pulled(&later, "v1.0000000000000020").await.unwrap();
    engine.fix_clock(at("2030-03-06T20:00:00Z"));
    api::send_message(&engine, LEO, "Knees were sore last night").await.unwrap();

    let days =
        [(LEO, "2030-03-04"), (LEO, "2030-03-05"), (LEO, "2030-03-06"), (MIA, "2030-03-07"), (MIA, "2030-03-09")];
    case(
        "a family's week: two zones, every kind of item, two caregivers",
        &engine,
        "2030-03-06T23:30:00Z",
        &days,
        Some((ms("2030-03-06T20:05:00Z") as i64, "ok", "pushed 3 pulled 4")),
    )
    .await
}

/// A quiet device: everything sent, the last sync offline, a New York family across the clocks going forward.
async fn offline_across_the_clock_change() -> Value {
    let dir = tempfile::tempdir().unwrap();
    let engine = paired(dir.path(), "2030-03-08T12:00:00Z").await;
    let crab = exercise("crab-walk");
    let flamingo = exercise("flamingo-stand");
    let page = vec![
        child(LEO, "Leo", "America/New_York"),
        // Discharged: the screens say the program ended instead of listing it.
        change(json!({"type": "child", "data": {
            "id": MIA, "family_id": FAMILY, "display_name": "Mia", "time_zone": "America/New_York",
            "discharged_on": "2030-03-08"
        }})),
        Change::Exercise(Box::new(crab.clone())),
        // Its exercise has not arrived yet: left out until it does, never half-drawn.
        assignment(FLAMINGO_ENDED, LEO, of(&flamingo), json!({"goal_ids": [SOCKS]})),
        goal(SOCKS, LEO, "Puts on socks by himself", "active"),
        assignment(
            CRAB_PAUSED,
            LEO,
            of(&crab),
            json!({
                "slots": [{"kind": "at", "time": "02:30:00"}, {"kind": "moment", "moment": "dinner"}, {"kind": "anytime"}],
                "days": ["sat", "sun", "mon"]
            }),
        ),
        change(json!({"type": "thread_read", "data": {
            "child_id": LEO, "side": "family", "up_to": v7("2030-03-01T12:00:00Z", 1), "by": "Dad", "at": "2030-03-01T13:00:00Z"
        }})),
        clinic_message(&v7("2030-03-01T10:00:00Z", 2), LEO, "Read already", "2030-03-01T10:00:00Z"),
        clinic_message(&v7("2030-03-07T10:00:00Z", 3), LEO, "Not read yet", "2030-03-07T10:00:00Z"),
    ];
    engine.apply_pulled(&page, "v1.0000000000000003").await.unwrap();
    let prefs = Prefs {
        language: homeplay_device::Language::Es,
        sound: false,
        pain_scale: homeplay_device::PainScale::Numbers,
        ..Prefs::default()
    };
    engine.set_prefs(&prefs).await.unwrap();
    // Sunday 10 March 2030, 07:30 in New York (EDT since 02:00).
    case(
        "offline in New York across the clocks going forward",
        &engine,
        "2030-03-10T11:30:00Z",
        &[(LEO, "2030-03-09")],
        Some((ms("2030-03-10T11:00:00Z") as i64, "offline", "cannot reach the clinic server")),
    )
    .await
}

/// A device that was never paired: empty answers, the device's own preferences still there.
async fn not_paired() -> Value {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_engine(dir.path()).await.unwrap();
    case("not paired", &engine, "2030-01-01T00:00:00Z", &[], None).await
}

#[tokio::test]
async fn the_committed_view_vectors_are_what_the_app_answers() {
    let vectors = json!({
        "about": "Written by `cargo test -p homeplay-app --test view_vectors` (UPDATE_VECTORS=1 to rewrite); read by ui/phone/engine/views.test.ts.",
        "cases": [a_family_week().await, offline_across_the_clock_change().await, not_paired().await],
    });
    let text = serde_json::to_string_pretty(&vectors).unwrap() + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/phone/engine/vectors/views.json");
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} is not what the app answers now: run `UPDATE_VECTORS=1 cargo test -p homeplay-app --test view_vectors` and commit it",
        path.display()
    );
}
