//! A child's lifecycle through the real server binary, on SQLite and PostgreSQL: discharge ends the program
//! and makes the record read-only (409 `discharged` on every kind of change, reads as before), the family's
//! devices are told at their next pull and then refused (`device_revoked`), logs of days up to the discharge
//! still arrive, re-admission opens the record again, and erasure (an admin's, after retention) removes the
//! child and leaves an audit tombstone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{
    BACKENDS, DeviceClient, Program, TestDb, TestServer, Therapist, add_therapist, expect_error, expect_ok, hlc_now,
    log_json, method, program,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A server whose clinic keeps discharged records `days` days.
fn server_keeping(db: &TestDb, days: i64) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("homeplay.toml");
    std::fs::write(&config, format!("[limits]\nretention_days = {days}\n")).unwrap();
    let server = TestServer::start_with(db, &[("HOMEPLAY_CONFIG", config.to_str().unwrap())]);
    (server, dir)
}

fn days_ago(n: i64) -> String {
    (chrono::Utc::now().date_naive() - chrono::TimeDelta::days(n)).to_string()
}

async fn discharge(t: &Therapist, child: &str, body: Value) -> reqwest::Response {
    t.send(method("POST"), &format!("/api/v1/children/{child}/discharge"), Some(body)).await
}

#[tokio::test]
async fn discharge_ends_the_program_and_the_record_is_read_only_until_readmitted() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (server, _config) = server_keeping(&db, 2557);
        let Program { maya, child_id, assignment_id, .. } = program(&db, &server, &days_ago(3)).await;
        let child = format!("/api/v1/children/{child_id}");

        // Bad dates are refused by field, and nothing changes.
        let tomorrow = (chrono::Utc::now().date_naive() + chrono::TimeDelta::days(2)).to_string();
        expect_error(
            discharge(&maya, &child_id, json!({"on": tomorrow})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("on"),
        )
        .await;
        expect_error(
            discharge(&maya, &child_id, json!({"on": days_ago(5)})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("on"),
        )
        .await;
        expect_error(
            discharge(&maya, &child_id, json!({"reason": ""})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("reason"),
        )
        .await;
        assert!(maya.get(&child).await.get("discharge").is_none());

        let done = expect_ok(discharge(&maya, &child_id, json!({"reason": "Goals met"})).await).await;
        let on = done["child"]["discharged_on"].as_str().unwrap().to_owned();
        assert_eq!(done["discharge"]["on"], on.as_str());
        assert_eq!(done["discharge"]["reason"], "Goals met");
        assert!(done["discharge"]["by_name"].as_str().is_some_and(|n| !n.is_empty()), "{done}");
        assert_eq!(done["discharge"]["may_erase"], false, "seven years to go");

        // Every assignment ended on the discharge day.
        let items = maya.get(&format!("{child}/assignments")).await;
        for a in items.as_array().unwrap() {
            assert_eq!(a["status"], "ended", "{a}");
            assert_eq!(a["end_date"], on.as_str(), "{a}");
        }

        // Every change to the record is refused with one typed answer, whoever reaches it and however.
        let members = maya.get(&format!("{child}/care-team")).await["members"].clone();
        let team: Vec<Value> = members
            .as_array()
            .unwrap()
            .iter()
            .map(|m| json!({"therapist_id": m["therapist_id"], "role": m["role"]}))
            .collect();
        let writes: Vec<(&str, String, Value)> = vec![
            ("PUT", child.clone(), json!({"display_name": "Leo", "time_zone": "Europe/London"})),
            ("POST", format!("{child}/assignments"), json!({})),
            ("POST", format!("/api/v1/assignments/{assignment_id}/pause"), json!({"on": on})),
            ("POST", format!("{child}/goals"), json!({})),
            ("POST", format!("{child}/feedback"), json!({})),
            ("PUT", format!("{child}/care-team"), json!({"members": team})),
            ("POST", format!("{child}/pairing-codes"), json!({})),
            ("POST", format!("{child}/discharge"), json!({})),
        ];
        for (m, path, body) in writes {
            let resp = maya.send(method(m), &path, Some(body)).await;
            let err = expect_error(resp, StatusCode::CONFLICT, "discharged", Some("child")).await;
            assert!(err["message"].as_str().unwrap().contains(&on), "{m} {path}: {err}");
        }

        // Reads work as before; the team reads as not to be changed now.
        assert_eq!(maya.get(&format!("{child}/care-team")).await["can_manage"], false);
        maya.get(&child).await;
        maya.get(&format!("{child}/assignments")).await;
        maya.get(&format!("{child}/goals")).await;

        // Re-admitted: the record can change again and the program is empty until something is assigned.
        let back = maya.post(&format!("{child}/readmit"), json!({})).await;
        assert!(back["child"].get("discharged_on").is_none(), "{back}");
        assert!(back.get("discharge").is_none(), "{back}");
        expect_error(
            maya.send(method("POST"), &format!("{child}/readmit"), None).await,
            StatusCode::CONFLICT,
            "conflict",
            Some("child"),
        )
        .await;
        maya.put(&child, json!({"display_name": "Leo B", "time_zone": "Europe/London"})).await;
        let items = maya.get(&format!("{child}/assignments")).await;
        assert!(items.as_array().unwrap().iter().all(|a| a["status"] == "ended"));

        // The audit log keeps the history.
        let audit = maya.get("/api/v1/audit?limit=200").await;
        let actions: Vec<&str> =
            audit["entries"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
        assert!(actions.contains(&"discharge_child") && actions.contains(&"readmit_child"), "{actions:?}");
    }
}

#[tokio::test]
async fn who_may_discharge_readmit_and_erase_and_when() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (server, _config) = server_keeping(&db, 0);
        let Program { maya, child_id, clinic, .. } = program(&db, &server, &days_ago(1)).await;
        add_therapist(&db, &clinic.id, "sam@riverside.example", false);
        let sam = Therapist::login(&server, "sam@riverside.example").await;
        let child = format!("/api/v1/children/{child_id}");
        // Sam is on the team but not a lead: he may open the record, not end it, and never erase it.
        let members = json!({"members": [
            {"therapist_id": maya.me["therapist"]["id"], "role": "lead"},
            {"therapist_id": sam.me["therapist"]["id"], "role": "member"},
        ]});
        maya.put(&format!("{child}/care-team"), members).await;
        expect_error(discharge(&sam, &child_id, json!({})).await, StatusCode::FORBIDDEN, "forbidden", None).await;

        // An active child is not erased.
        expect_error(maya.send(method("DELETE"), &child, None).await, StatusCode::CONFLICT, "conflict", Some("child"))
            .await;

        let done = expect_ok(discharge(&maya, &child_id, json!({})).await).await;
        assert_eq!(done["discharge"]["may_erase"], true, "retention 0: {done}");
        let readmit = format!("{child}/readmit");
        expect_error(sam.send(method("POST"), &readmit, None).await, StatusCode::FORBIDDEN, "forbidden", None).await;
        expect_error(sam.send(method("DELETE"), &child, None).await, StatusCode::FORBIDDEN, "forbidden", None).await;
        maya.get(&child).await;
        expect_ok(maya.send(method("DELETE"), &child, None).await).await;
        expect_error(maya.send(method("GET"), &child, None).await, StatusCode::NOT_FOUND, "not_found", None).await;
    }
}

#[tokio::test]
async fn the_record_is_kept_for_the_retention_period() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (server, _config) = server_keeping(&db, 30);
        let Program { maya, child_id, .. } = program(&db, &server, &days_ago(1)).await;
        let child = format!("/api/v1/children/{child_id}");
        let done = expect_ok(discharge(&maya, &child_id, json!({})).await).await;
        let keep = done["discharge"]["keep_until"].as_str().unwrap().to_owned();
        let on: chrono::NaiveDate = done["child"]["discharged_on"].as_str().unwrap().parse().unwrap();
        assert_eq!(keep, (on + chrono::TimeDelta::days(30)).to_string());
        assert_eq!(done["discharge"]["may_erase"], false);
        let err = expect_error(
            maya.send(method("DELETE"), &child, None).await,
            StatusCode::CONFLICT,
            "retention",
            Some("child"),
        )
        .await;
        assert!(err["message"].as_str().unwrap().contains(&keep), "{err}");
        maya.get(&child).await;
    }
}

#[tokio::test]
async fn the_family_device_is_told_then_refused_and_earlier_logs_still_arrive() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (server, _config) = server_keeping(&db, 0);
        let Program { maya, child_id, assignment_id, exercise_id, .. } = program(&db, &server, &days_ago(3)).await;
        let kitchen = DeviceClient::pair(&server, &maya.pairing_code(&child_id).await, "Kitchen laptop").await;
        let (_, cursor) = kitchen.pull_all(None).await;

        let done = expect_ok(discharge(&maya, &child_id, json!({})).await).await;
        let on: chrono::NaiveDate = done["child"]["discharged_on"].as_str().unwrap().parse().unwrap();

        // Logs recorded offline before the end still arrive; one for a later day is refused with its reason.
        let dev = kitchen.device_id.clone();
        let before = log_json(
            &child_id,
            &assignment_id,
            &exercise_id,
            &(on - chrono::TimeDelta::days(1)).to_string(),
            &dev,
            hlc_now(),
        );
        let that_day = log_json(&child_id, &assignment_id, &exercise_id, &on.to_string(), &dev, hlc_now());
        let after = log_json(
            &child_id,
            &assignment_id,
            &exercise_id,
            &(on + chrono::TimeDelta::days(1)).to_string(),
            &dev,
            hlc_now(),
        );
        let answer = kitchen.push(vec![before.clone(), that_day.clone(), after.clone()]).await;
        let accepted: Vec<&Value> = answer["accepted"].as_array().unwrap().iter().map(|a| &a["id"]).collect();
        assert!(accepted.contains(&&before["id"]) && accepted.contains(&&that_day["id"]), "{answer}");
        let rejected = answer["rejected"].as_array().unwrap();
        assert_eq!(rejected.len(), 1, "{answer}");
        assert_eq!(rejected[0]["id"], after["id"]);
        assert_eq!(rejected[0]["reason"], "discharged");

        // The next pull tells the device: the child's change carries the discharge date.
        let (changes, _) = kitchen.pull_all(cursor.clone()).await;
        let notice = changes.iter().find(|c| c["type"] == "child" && c["data"]["id"] == child_id.as_str());
        assert_eq!(notice.unwrap()["data"]["discharged_on"], on.to_string(), "{changes:?}");

        // Then the device is disconnected, with a reason it can show.
        for path in ["/api/v1/sync/pull", "/api/v1/sync/push"] {
            let resp = kitchen.post(path, json!({"protocol": 1, "logs": []})).await;
            let err = expect_error(resp, StatusCode::UNAUTHORIZED, "device_revoked", None).await;
            assert!(err["message"].as_str().unwrap().contains("ended"), "{err}");
        }
        let devices = maya.get(&format!("/api/v1/children/{child_id}/devices")).await;
        assert!(devices[0]["revoked_at"].is_string(), "{devices}");

        // The clinic has the logs of the days up to the end.
        let logs: i64 = count(&db, "SELECT COUNT(*) FROM logs WHERE child_id = $1", &child_id).await;
        assert_eq!(logs, 2);
    }
}

#[tokio::test]
async fn a_family_with_a_child_still_in_care_keeps_its_devices() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (server, _config) = server_keeping(&db, 0);
        let Program { maya, child_id, .. } = program(&db, &server, &days_ago(1)).await;
        let family = maya.get(&format!("/api/v1/children/{child_id}")).await["family"]["id"].clone();
        let sib = maya
            .post("/api/v1/children", json!({"display_name": "Mia", "time_zone": "Europe/London", "family_id": family}))
            .await;
        let sib = sib["child"]["id"].as_str().unwrap().to_owned();
        let device = DeviceClient::pair(&server, &maya.pairing_code(&sib).await, "Kitchen laptop").await;
        expect_ok(discharge(&maya, &child_id, json!({})).await).await;
        let (changes, cursor) = device.pull_all(None).await;
        assert!(changes.iter().any(|c| c["type"] == "child" && c["data"]["discharged_on"].is_string()));
        device.pull_all(cursor.clone()).await;

        // Erasing Leo leaves Mia's family and devices, which are told to forget him.
        expect_ok(maya.send(method("DELETE"), &format!("/api/v1/children/{child_id}"), None).await).await;
        let (changes, _) = device.pull_all(cursor).await;
        assert!(changes.iter().any(|c| c["type"] == "removed" && c["data"]["id"] == child_id.as_str()), "{changes:?}");
        maya.get(&format!("/api/v1/children/{sib}")).await;
    }
}

async fn count(db: &TestDb, sql: &str, id: &str) -> i64 {
    use sqlx::Connection;
    if db.url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query_scalar(sql).bind(id).fetch_one(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
        sqlx::query_scalar(sql).bind(id).fetch_one(&mut c).await.unwrap()
    }
}
