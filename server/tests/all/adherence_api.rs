//! The therapists' read side over HTTP, on the demo clinic (`homeplay-server demo`): the overview, a child's
//! adherence page, tenancy, and the admins' audit log. Each test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use chrono::{NaiveDate, TimeDelta};
use reqwest::{Method, StatusCode};
use serde_json::Value;

const MAYA: &str = "maya@demo.homeplay";
const SAM: &str = "sam@demo.homeplay";
const DEMO_PASSWORD: &str = "homeplay-demo";

/// A fresh database with the demo clinic in it, and the server on it.
fn demo(backend: Backend) -> (TestDb, TestServer) {
    let db = TestDb::new(backend);
    let out = run_cli(&db, &["demo"], &[]);
    assert!(out.contains(MAYA) && out.contains(DEMO_PASSWORD), "demo should print the login: {out}");
    assert!(out.contains("Created"), "{out}");
    // A second run changes nothing and still succeeds.
    let again = run_cli(&db, &["demo"], &[]);
    assert!(again.contains("already") && again.contains(MAYA), "{again}");
    let server = TestServer::start(&db);
    (db, server)
}

fn date(v: &Value) -> NaiveDate {
    v.as_str().unwrap().parse().unwrap()
}

fn child_named<'a>(overview: &'a Value, name: &str) -> &'a Value {
    overview["children"].as_array().unwrap().iter().find(|c| c["display_name"] == name).unwrap()
}

fn has_flag(row: &Value, kind: &str) -> bool {
    row["flags"].as_array().unwrap().iter().any(|f| f["kind"] == kind)
}

#[tokio::test]
async fn overview_puts_the_silent_child_first_and_keeps_not_logged_apart_from_sick() {
    for backend in BACKENDS {
        let (_db, server) = demo(backend);
        let maya = Therapist::login_with(&server, MAYA, DEMO_PASSWORD).await;

        let overview = maya.get("/api/v1/overview").await;
        let children = overview["children"].as_array().unwrap();
        let names: Vec<&str> = children.iter().map(|c| c["display_name"].as_str().unwrap()).collect();
        assert_eq!(names.len(), 3, "{names:?}");
        let noah = &children[0];
        assert_eq!(noah["display_name"], "Noah", "the silent child sorts first: {names:?}");
        let silence = noah["flags"][0].clone();
        assert_eq!(silence["kind"], "no_logs", "{silence}");
        assert!(silence["days"].as_u64().unwrap() >= 5, "{silence}");
        let today = date(&noah["today"]);
        assert_eq!(date(&noah["last_log_date"]), today - TimeDelta::days(6));
        // Leo's "hard" buttons are a flag; Mia is doing well and has none, so she sorts last.
        let leo = child_named(&overview, "Leo");
        assert!(has_flag(leo, "often_hard"), "{leo}");
        assert_eq!(names[2], "Mia");
        assert!(child_named(&overview, "Mia")["flags"].as_array().unwrap().is_empty());
        for c in children {
            assert_eq!(c["sparkline"].as_array().unwrap().len(), 14, "{c}");
            for key in ["rate_7d", "rate_30d", "logged_rate_7d", "logged_rate_30d"] {
                let r = c[key].as_f64().unwrap_or_else(|| panic!("{key} of {c}"));
                assert!((0.0..=1.0).contains(&r), "{key} = {r}");
            }
            assert!(["up", "down", "flat"].contains(&c["trend"].as_str().unwrap()), "{c}");
        }
        // Filters: by flag, by name, by discipline.
        let flagged = maya.get("/api/v1/overview?flag=no_logs").await;
        let flagged: Vec<&str> =
            flagged["children"].as_array().unwrap().iter().map(|c| c["display_name"].as_str().unwrap()).collect();
        assert_eq!(flagged, ["Noah"]);
        let by_name = maya.get("/api/v1/overview?q=LE&therapist=&discipline=").await;
        assert_eq!(by_name["children"].as_array().unwrap().len(), 1);
        assert_eq!(by_name["children"][0]["display_name"], "Leo");
        let pt = maya.get("/api/v1/overview?discipline=pt").await;
        assert_eq!(pt["children"].as_array().unwrap().len(), 3, "Sam works with every demo child");
        expect_error(
            maya.send(Method::GET, "/api/v1/overview?flag=loud", None).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("flag"),
        )
        .await;
        expect_error(
            maya.send(Method::GET, "/api/v1/overview?therapist=nobody", None).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("therapist"),
        )
        .await;

        // Leo's page, over the default twelve weeks.
        let leo_id = leo["child_id"].as_str().unwrap();
        let page = maya.get(&format!("/api/v1/children/{leo_id}/adherence")).await;
        assert_eq!(page["child"]["display_name"], "Leo");
        assert_eq!(date(&page["range"]["last"]), date(&page["today"]));
        let days = page["days"].as_array().unwrap();
        assert!(days.len() >= 78, "twelve weeks from a Monday: {}", days.len());
        let sick: Vec<&Value> = days.iter().filter(|d| d["status"] == "not_done").collect();
        assert!(
            sick.iter().any(|d| d["reasons"].as_array().unwrap().iter().any(|r| r == "sick")),
            "a day marked not done — sick: {sick:?}"
        );
        let sick_day = sick.iter().find(|d| d["reasons"][0] == "sick").unwrap();
        assert_eq!(sick_day["tally"]["not_logged"], 0, "{sick_day}");
        let silent: Vec<&Value> = days.iter().filter(|d| d["status"] == "not_logged").collect();
        assert!(!silent.is_empty(), "a day nobody logged");
        assert!(silent.iter().all(|d| d["reasons"].as_array().unwrap().is_empty() && d["tally"]["not_done"] == 0));
        assert!(silent.iter().all(|d| d["date"] != sick_day["date"]));
        assert_eq!(days.last().unwrap()["status"], "pending", "today is still to come");
        assert!(days.iter().any(|d| d["status"] == "nothing_scheduled"), "days before the program started");

        let exercises = page["exercises"].as_array().unwrap();
        let titles: Vec<&str> = exercises.iter().map(|e| e["title"].as_str().unwrap()).collect();
        for t in ["Playdough snakes", "Clothespin crocodile", "Button the teddy's coat", "Flamingo stand", "Bear walk"]
        {
            assert!(titles.contains(&t), "{t} in {titles:?}");
        }
        let buttons = exercises.iter().find(|e| e["title"] == "Button the teddy's coat").unwrap();
        assert!(buttons["tally"]["partly"].as_u64().unwrap() >= 1, "{buttons}");
        let total = &page["total"];
        let sum: u64 =
            ["done", "partly", "not_done", "not_logged", "pending"].iter().map(|k| total[*k].as_u64().unwrap()).sum();
        assert_eq!(sum, total["expected"].as_u64().unwrap());
        assert!(!page["weeks"].as_array().unwrap().is_empty());

        let periods = page["rtm"]["periods"].as_array().unwrap();
        assert_eq!(periods.len(), 1, "three weeks fit in one 30-day period");
        let data_days = periods[0]["data_days"].as_u64().unwrap();
        assert!((14..=20).contains(&data_days), "{data_days} data days");
        assert_eq!(periods[0]["level"], if data_days >= 16 { "full" } else { "short" });
        assert!(page["flags"].as_array().unwrap().iter().any(|f| f["kind"] == "often_hard"));

        let timeline = page["timeline"].as_array().unwrap();
        assert!(timeline.len() > 40, "{} logs", timeline.len());
        let dates: Vec<NaiveDate> = timeline.iter().map(|t| date(&t["date"])).collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
        let frustrated = timeline.iter().find(|t| t["note"] == "hard — got frustrated on buttons").unwrap();
        assert_eq!(frustrated["exercise_title"], "Button the teddy's coat");
        assert_eq!(frustrated["outcome"]["status"], "partly");
        assert_eq!(frustrated["difficulty"], "hard");
        assert_eq!(frustrated["recorded_by"]["name"], "Mum");
        assert!(timeline.iter().any(|t| t["recorded_by"]["kind"] == "kid_mode"));
        assert!(
            timeline.iter().any(|t| t["recorded_by"]["name"] == "Grandma" && t["device_label"] == "Grandma's laptop")
        );
        let sick_log = timeline.iter().find(|t| t["outcome"]["reason"] == "sick").unwrap();
        assert_eq!(sick_log["date"], sick_day["date"]);
        let feedback = page["feedback"].as_array().unwrap();
        assert!(feedback.iter().any(|f| f["comment"] == "super buttons!" && f["from"] == "Maya (OT)"), "{feedback:?}");

        // Mia's undone duplicate is shown in the timeline, and not counted.
        let mia_id = child_named(&overview, "Mia")["child_id"].as_str().unwrap().to_owned();
        let mia = maya.get(&format!("/api/v1/children/{mia_id}/adherence")).await;
        let undone: Vec<&Value> = mia["timeline"].as_array().unwrap().iter().filter(|t| t["undone"] == true).collect();
        assert_eq!(undone.len(), 1, "{undone:?}");
        let same: Vec<&Value> = mia["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["date"] == undone[0]["date"] && t["exercise_id"] == undone[0]["exercise_id"])
            .collect();
        assert_eq!(same.len(), 2, "Mum's log and Dad's withdrawn duplicate: {same:?}");
        assert_eq!(undone[0]["recorded_by"]["name"], "Dad");

        // A range of its own, and bad ranges named by field.
        let first = today - TimeDelta::days(3);
        let short = maya.get(&format!("/api/v1/children/{leo_id}/adherence?from={first}&to={today}")).await;
        assert_eq!(short["days"].as_array().unwrap().len(), 4);
        assert!(short["timeline"].as_array().unwrap().iter().all(|t| date(&t["date"]) >= first));
        for (q, status, code, field) in [
            ("from=2026-02-30", StatusCode::UNPROCESSABLE_ENTITY, "invalid", "from"),
            ("from=yesterday", StatusCode::UNPROCESSABLE_ENTITY, "invalid", "from"),
            ("to=2026-1-5x", StatusCode::UNPROCESSABLE_ENTITY, "invalid", "to"),
            ("from=2026-03-10&to=2026-03-01", StatusCode::UNPROCESSABLE_ENTITY, "invalid", "to"),
            ("from=2024-01-01&to=2026-01-01", StatusCode::UNPROCESSABLE_ENTITY, "invalid", "from"),
            ("form=2026-03-01", StatusCode::BAD_REQUEST, "bad_request", "form"),
        ] {
            let resp = maya.send(Method::GET, &format!("/api/v1/children/{leo_id}/adherence?{q}"), None).await;
            expect_error(resp, status, code, Some(field)).await;
        }
    }
}

#[tokio::test]
async fn other_clinics_see_nothing_and_only_admins_read_the_audit_log() {
    for backend in BACKENDS {
        let (db, server) = demo(backend);
        let maya = Therapist::login_with(&server, MAYA, DEMO_PASSWORD).await;
        let sam = Therapist::login_with(&server, SAM, DEMO_PASSWORD).await;
        let overview = maya.get("/api/v1/overview").await;
        let leo = child_named(&overview, "Leo")["child_id"].as_str().unwrap().to_owned();

        // Another clinic on the same server: Leo does not exist for it.
        make_clinic(&db, "Hillside Therapy", "ana@hillside.example", true);
        let ana = Therapist::login(&server, "ana@hillside.example").await;
        let empty = ana.get("/api/v1/overview").await;
        assert_eq!(empty["children"].as_array().unwrap().len(), 0, "{empty}");
        let path = format!("/api/v1/children/{leo}/adherence");
        expect_error(ana.send(Method::GET, &path, None).await, StatusCode::NOT_FOUND, "not_found", None).await;
        let theirs = ana.get("/api/v1/audit").await;
        assert!(
            theirs["entries"].as_array().unwrap().iter().all(|e| e["actor_id"] == ana.me["therapist"]["id"]),
            "another clinic's audit log holds only its own entries: {theirs}"
        );

        // Sam reads Leo's page; he is not an admin, so the audit log is closed to him.
        sam.get(&path).await;
        expect_error(sam.send(Method::GET, "/api/v1/audit", None).await, StatusCode::FORBIDDEN, "forbidden", None)
            .await;
        assert!(sam.me["therapist"]["role"] == "therapist");
        // The dashboard learns the server's idle limit (the default 30 minutes) to warn before it.
        assert_eq!(sam.me["session_idle_ms"].as_i64(), Some(30 * 60_000));

        // Maya, the admin, sees who read what — newest first.
        maya.get(&path).await;
        let log = maya.get("/api/v1/audit?limit=500").await;
        let entries = log["entries"].as_array().unwrap();
        let reads: Vec<&Value> = entries.iter().filter(|e| e["action"] == "read_adherence").collect();
        assert_eq!(reads.len(), 2, "{reads:?}");
        assert!(reads.iter().all(|e| e["child_id"] == leo.as_str() && e["child_name"] == "Leo"));
        assert_eq!(reads[0]["actor_id"], maya.me["therapist"]["id"], "Maya's read is the newest");
        assert_eq!(reads[1]["actor_name"], "Sam");
        assert!(entries.iter().any(|e| e["action"] == "read_overview"));
        assert!(entries.iter().all(|e| e["actor_id"] != ana.me["therapist"]["id"]), "no other clinic's entries");
        let ids: Vec<i64> = entries.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
        assert!(log["next_before"].is_null(), "everything fit in one page");

        // Paging: two at a time, each page older than the last, nothing skipped.
        let mut seen = Vec::new();
        let mut before: Option<i64> = None;
        loop {
            let q = before.map_or_else(|| "limit=2".to_owned(), |b| format!("limit=2&before={b}"));
            let page = maya.get(&format!("/api/v1/audit?{q}")).await;
            let got = page["entries"].as_array().unwrap();
            assert!(got.len() <= 2);
            seen.extend(got.iter().map(|e| e["id"].as_i64().unwrap()));
            match page["next_before"].as_i64() {
                Some(b) => before = Some(b),
                None => break,
            }
        }
        // The pages were read after the big read above (which logged itself and the paging reads as they came).
        assert!(seen.windows(2).all(|w| w[0] > w[1]), "{seen:?}");
        for id in &ids {
            assert!(seen.contains(id), "entry {id} missing from the pages {seen:?}");
        }
        let bad = maya.send(Method::GET, "/api/v1/audit?limit=0", None).await;
        expect_error(bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("limit")).await;
        let bad = maya.send(Method::GET, "/api/v1/audit?before=-3", None).await;
        expect_error(bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("before")).await;
    }
}

#[tokio::test]
async fn the_demo_children_have_care_teams_and_goals_with_reviews_beside_practice() {
    for backend in BACKENDS {
        let (_db, server) = demo(backend);
        let maya = Therapist::login_with(&server, MAYA, DEMO_PASSWORD).await;
        let sam = Therapist::login_with(&server, SAM, DEMO_PASSWORD).await;

        let overview = maya.get("/api/v1/overview?team=mine").await;
        let leo = child_named(&overview, "Leo");
        let team: Vec<(&str, &str, &str)> = leo["team"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["name"].as_str().unwrap(), m["discipline"].as_str().unwrap(), m["role"].as_str().unwrap()))
            .collect();
        assert_eq!(team, [("Maya", "ot", "lead"), ("Sam", "pt", "member")], "{backend:?}");
        assert_eq!(sam.get("/api/v1/overview?team=mine").await["children"].as_array().unwrap().len(), 3);
        let leo_id = leo["child_id"].as_str().unwrap();

        let goals = maya.get(&format!("/api/v1/children/{leo_id}/goals")).await;
        let goals = goals["goals"].as_array().unwrap().clone();
        assert_eq!(goals.len(), 2, "{backend:?}");
        for g in &goals {
            assert!(!g["assignment_ids"].as_array().unwrap().is_empty(), "{g}");
            assert!(g["latest_review"]["score"].is_i64(), "{g}");
        }
        // Every program item says who set it and which goal it serves.
        for a in sam.get(&format!("/api/v1/children/{leo_id}/assignments")).await.as_array().unwrap() {
            assert!(["Maya", "Sam"].contains(&a["assigned_by_name"].as_str().unwrap()), "{a}");
            assert_eq!(a["goal_ids"].as_array().unwrap().len(), 1, "{a}");
        }
        let progress = sam.get(&format!("/api/v1/children/{leo_id}/goals/progress")).await;
        for row in progress["goals"].as_array().unwrap() {
            assert!(row["reviews"].as_array().unwrap().len() >= 2, "{row}");
            assert!(
                row["weeks"].as_array().unwrap().iter().any(|w| w["rate"].as_f64().is_some_and(|r| r > 0.0)),
                "{row}"
            );
            assert_ne!(row["trend"], "not_enough_reviews", "{row}");
        }
    }
}

/// Issue #14: an item assigned with a start weeks in the past made its past weeks "not logged" (a child's
/// 12-week adherence fell from 95 % to 77 %) and moved the RTM period. Nothing is due before it was assigned.
#[tokio::test]
async fn an_item_assigned_with_a_past_start_changes_no_past_day_nor_the_rtm_period() {
    for backend in BACKENDS {
        let (_db, server) = demo(backend);
        let maya = Therapist::login_with(&server, MAYA, DEMO_PASSWORD).await;
        let overview = maya.get("/api/v1/overview").await;
        let mia_row = child_named(&overview, "Mia");
        let mia = mia_row["child_id"].as_str().unwrap().to_owned();
        let today = date(&mia_row["today"]);
        let page = format!("/api/v1/children/{mia}/adherence");
        let before = maya.get(&page).await;
        assert!(before["rate"].as_f64().is_some(), "Mia has practised: {}", before["rate"]);
        let periods = before["rtm"]["periods"].as_array().unwrap().len();
        assert!(periods >= 1, "{}", before["rtm"]);

        // A new item, backdated five weeks: before the period's start would be far enough to move it too.
        let start = date(&before["rtm"]["monitoring_start"]) - TimeDelta::weeks(5);
        let body = serde_json::json!({
            "target": {"kind": "exercise", "exercise_id": homeplay_core::ids::ExerciseId::builtin("bear-walk")},
            "start_date": start, "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "slots": [{"kind": "anytime"}],
        });
        let created = maya.post(&format!("/api/v1/children/{mia}/assignments"), body.clone()).await;
        assert_eq!(date(&created["start_date"]), start, "the chosen start is kept as chosen");

        let after = maya.get(&page).await;
        let past = |p: &Value| -> Vec<Value> {
            p["days"].as_array().unwrap().iter().filter(|d| date(&d["date"]) < today).cloned().collect()
        };
        assert_eq!(past(&after), past(&before), "{backend:?}: no past day changes");
        assert_eq!(after["rate"], before["rate"], "{backend:?}: the 12-week adherence stays");
        assert_eq!(after["logged_rate"], before["logged_rate"]);
        assert_eq!(after["rtm"], before["rtm"], "{backend:?}: the RTM periods stay where they were");
        assert_eq!(date(&created["assigned_on"]), today);
        // Today the new item is expected (still pending).
        let today_after = after["days"].as_array().unwrap().last().unwrap().clone();
        let today_before = before["days"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(
            today_after["tally"]["expected"].as_u64().unwrap(),
            today_before["tally"]["expected"].as_u64().unwrap() + 1,
            "{today_after}"
        );
        // The overview's figures for Mia stay as they were.
        let overview_after = maya.get("/api/v1/overview").await;
        let mia_after = child_named(&overview_after, "Mia");
        for field in ["rate_7d", "rate_30d", "logged_rate_7d", "logged_rate_30d", "flags"] {
            assert_eq!(mia_after[field], mia_row[field], "{backend:?}: {field}");
        }

        // An item due for weeks: an earlier start changes nothing that was due; a later one would drop past
        // days, so it is refused, naming the field.
        let program = maya.get(&format!("/api/v1/children/{mia}/assignments")).await;
        let running = program
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["status"] == "active" && date(&a["start_date"]) < today - TimeDelta::days(7))
            .unwrap()
            .clone();
        let running_path = format!("/api/v1/assignments/{}", running["id"].as_str().unwrap());
        let mut edit = serde_json::json!({
            "target": running["target"], "days": running["days"], "slots": running["slots"],
            "start_date": date(&running["start_date"]) - TimeDelta::days(14),
        });
        maya.put(&running_path, edit.clone()).await;
        assert_eq!(past(&maya.get(&page).await), past(&before), "{backend:?}");
        edit["start_date"] = serde_json::json!(date(&running["start_date"]) + TimeDelta::days(3));
        let resp = maya.send(Method::PUT, &running_path, Some(edit)).await;
        expect_error(resp, StatusCode::CONFLICT, "conflict", Some("start_date")).await;
        // The new item, not due yet before today, may still move its start: it still counts from today.
        let mut edit = body;
        edit["start_date"] = serde_json::json!(start - TimeDelta::days(7));
        let moved = maya.put(&format!("/api/v1/assignments/{}", created["id"].as_str().unwrap()), edit).await;
        assert_eq!(date(&moved["assigned_on"]), today);
        assert_eq!(past(&maya.get(&page).await), past(&before), "{backend:?}");

        // A pause reaching back would un-miss past days: refused, naming the date; from today it changes none.
        let yesterday = today - TimeDelta::days(1);
        let resp =
            maya.send(Method::POST, &format!("{running_path}/pause"), Some(serde_json::json!({"on": yesterday}))).await;
        expect_error(resp, StatusCode::CONFLICT, "conflict", Some("on")).await;
        let paused = maya.post(&format!("{running_path}/pause"), serde_json::json!({"on": today})).await;
        assert_eq!(paused["status"], "paused");
        let after_pause = maya.get(&page).await;
        assert_eq!(past(&after_pause), past(&before), "{backend:?}: a pause changes no past day");
        assert_eq!(after_pause["rtm"], before["rtm"]);
    }
}
