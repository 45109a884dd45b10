//! Pain on the 0–10 scale: a score rides a log through push and pull, an out-of-range score is refused naming
//! `pain_score`, and the pain flag stays on the overview and the child's page until a therapist marks it seen
//! (audited), when a later report raises it again. Each test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The child's pain flag on the overview and on the child's page (the two must agree).
async fn pain_flag(maya: &Therapist, child: &str) -> Option<Value> {
    let overview = maya.get("/api/v1/overview").await;
    let row = overview["children"].as_array().unwrap().iter().find(|c| c["child_id"] == child).unwrap().clone();
    let on_overview = row["flags"].as_array().unwrap().iter().find(|f| f["kind"] == "pain").cloned();
    let page = maya.get(&format!("/api/v1/children/{child}/adherence")).await;
    let on_page = page["flags"].as_array().unwrap().iter().find(|f| f["kind"] == "pain").cloned();
    assert_eq!(on_overview, on_page, "the overview and the child's page show the same pain flag");
    on_page
}

#[tokio::test]
async fn a_pain_score_is_flagged_until_seen_and_raised_again_by_a_later_report() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let server = TestServer::start(&db);
        let p = program(&db, &server, "2030-03-02").await;
        let device = DeviceClient::pair(&server, &p.maya.pairing_code(&p.child_id).await, "Kitchen laptop").await;
        let other = DeviceClient::pair(&server, &p.maya.pairing_code(&p.child_id).await, "Dad's laptop").await;
        let log =
            |date: &str| log_json(&p.child_id, &p.assignment_id, &p.exercise_id, date, &device.device_id, hlc_now());

        // Nothing reported: no flag. A score of 0 ("No hurt") is no pain either.
        let mut none = log("2030-03-02");
        none["pain_score"] = json!(0);
        assert_eq!(device.push(vec![none]).await["accepted"].as_array().unwrap().len(), 1);
        assert_eq!(pain_flag(&p.maya, &p.child_id).await, None, "{backend:?}");

        // Out of range, or "yes" with "no hurt": refused, naming the field.
        let mut eleven = log("2030-03-03");
        eleven["pain_score"] = json!(11);
        let mut contradicts = log("2030-03-03");
        contradicts["pain"] = json!(true);
        contradicts["pain_score"] = json!(0);
        let reply = device.push(vec![eleven, contradicts]).await;
        let rejected = reply["rejected"].as_array().unwrap();
        assert_eq!(rejected.len(), 2, "{backend:?}: {reply}");
        for r in rejected {
            assert_eq!((r["reason"].as_str(), r["field"].as_str()), (Some("invalid"), Some("pain_score")), "{r}");
        }

        // An 8 and, older, a plain "yes" from a client without the scale: flagged with the highest score.
        let mut eight = log("2030-03-04");
        eight["pain"] = json!(true);
        eight["pain_score"] = json!(8);
        let mut yes = log("2030-03-03");
        yes["pain"] = json!(true);
        let reply = device.push(vec![eight.clone(), yes]).await;
        assert_eq!(reply["accepted"].as_array().unwrap().len(), 2, "{backend:?}: {reply}");
        let flag = pain_flag(&p.maya, &p.child_id).await.expect("flagged");
        assert_eq!(
            (flag["times"].as_u64(), flag["worst"].as_u64(), flag["on"].as_str()),
            (Some(2), Some(8), Some("2030-03-04"))
        );

        // The score round-trips: the family's other device pulls the log as recorded, and the page shows it.
        let (changes, _) = other.pull_all(None).await;
        let pulled: Vec<&Value> = changes
            .iter()
            .filter(|c| c["type"] == "log")
            .map(|c| &c["data"])
            .filter(|l| l["id"] == eight["id"])
            .collect();
        assert_eq!(pulled, [&eight], "{backend:?}");
        let page =
            p.maya.get(&format!("/api/v1/children/{}/adherence?from=2030-03-01&to=2030-03-10", p.child_id)).await;
        let entry = page["timeline"].as_array().unwrap().iter().find(|e| e["log_id"] == eight["id"]).unwrap().clone();
        assert_eq!((entry["pain"].as_bool(), entry["pain_score"].as_u64()), (Some(true), Some(8)), "{entry}");

        // Marked seen: the flag goes, and the mark is audited as a change to the child's data.
        let seen = p.maya.post(&format!("/api/v1/children/{}/pain/seen", p.child_id), json!({})).await;
        assert_eq!(seen["marked"], 2, "{backend:?}: {seen}");
        assert_eq!(seen["seen_by"], p.maya.me["therapist"]["id"]);
        assert_eq!(pain_flag(&p.maya, &p.child_id).await, None, "{backend:?}");
        let audit = p.maya.get("/api/v1/audit").await;
        let entry = audit["entries"].as_array().unwrap().iter().find(|e| e["action"] == "mark_pain_seen").cloned();
        let entry = entry.expect("audited");
        assert_eq!(
            (entry["child_id"].as_str(), entry["actor_id"].as_str()),
            (Some(p.child_id.as_str()), p.maya.me["therapist"]["id"].as_str())
        );

        // An edit that only adds a note is not a new report; a changed score is.
        let mut noted = eight.clone();
        noted["hlc"]["wall_ms"] = json!(hlc_now() + 1);
        noted["note"] = json!("sore knee after the stairs");
        device.push(vec![noted.clone()]).await;
        assert_eq!(pain_flag(&p.maya, &p.child_id).await, None, "{backend:?}: a note alone does not raise it");
        let mut later = log("2030-03-05");
        later["pain"] = json!(true);
        later["pain_score"] = json!(6);
        device.push(vec![later]).await;
        let flag = pain_flag(&p.maya, &p.child_id).await.expect("raised again");
        assert_eq!((flag["times"].as_u64(), flag["worst"].as_u64()), (Some(1), Some(6)), "{backend:?}: {flag}");

        // Undoing the report withdraws it.
        let mut undone = noted;
        undone["hlc"]["wall_ms"] = json!(hlc_now() + 2);
        undone["pain_score"] = json!(10);
        device.push(vec![undone.clone()]).await;
        assert_eq!(pain_flag(&p.maya, &p.child_id).await.unwrap()["worst"], 10);
        undone["hlc"]["wall_ms"] = json!(hlc_now() + 3);
        undone["undone"] = json!(true);
        device.push(vec![undone]).await;
        assert_eq!(pain_flag(&p.maya, &p.child_id).await.unwrap()["worst"], 6, "{backend:?}");
    }
}

#[tokio::test]
async fn only_the_childs_care_team_marks_pain_seen() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (server, maya, ari) = maya_and_ari(&db).await;
        let other_clinic = make_clinic(&db, "Hillside", "hana@hillside.example", true);
        let hana = Therapist::login(&server, &other_clinic.email).await;
        let leo = maya.add_child("Leo").await;
        let leo = leo["child"]["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/children/{leo}/pain/seen");
        // Off the team, or of another clinic: the child is not there to mark.
        for outsider in [&ari, &hana] {
            let resp = outsider.send(Method::POST, &path, Some(json!({}))).await;
            expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
        }
        let resp = maya.send(Method::POST, "/api/v1/children/not-an-id/pain/seen", Some(json!({}))).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{backend:?}");
        assert_eq!(maya.post(&path, json!({})).await["marked"], 0, "{backend:?}: nothing to see is no error");
    }
}
