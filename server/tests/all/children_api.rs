//! Enrolling a child from the dashboard: a new child with a new family (its creator leads its care team), a
//! sibling, a change, and the child's record number in the clinic's own records (EHR), on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn new_child(name: &str, number: Option<&str>) -> Value {
    let mut body = json!({"display_name": name, "time_zone": "America/Chicago", "caregivers": ["Mum"]});
    if let Some(n) = number {
        body["record_number"] = json!(n);
    }
    body
}

#[tokio::test]
async fn a_new_child_carries_its_record_number_and_its_creator_leads_its_team() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        add_therapist(&db, &clinic.id, "ari@riverside.example", false);
        let server = TestServer::start(&db);
        let ari = Therapist::login(&server, "ari@riverside.example").await;
        let ari_id = ari.me["therapist"]["id"].as_str().unwrap().to_owned();

        // Trimmed, kept, and shown with the child.
        let leo = ari.post("/api/v1/children", new_child("Leo", Some("  MRN-0042 "))).await;
        assert_eq!(leo["record_number"], "MRN-0042", "{backend:?}: {leo}");
        assert_eq!(leo["caregivers"][0]["name"], "Mum", "{backend:?}");
        let id = leo["child"]["id"].as_str().unwrap().to_owned();
        assert_eq!(ari.get(&format!("/api/v1/children/{id}")).await["record_number"], "MRN-0042");
        let team = ari.get(&format!("/api/v1/children/{id}/care-team")).await;
        let members = team["members"].as_array().unwrap();
        assert_eq!(members.len(), 1, "{backend:?}: {team}");
        assert_eq!((&members[0]["therapist_id"], &members[0]["role"]), (&json!(ari_id), &json!("lead")));

        // The number is the clinic's, not the family's: it is not in the child as devices get it.
        assert!(leo["child"].get("record_number").is_none(), "{backend:?}: {leo}");

        // Another child with the same number: 409 naming the field, and no second child nor family.
        let before = ari.get("/api/v1/children").await.as_array().unwrap().len();
        let resp = ari.send(Method::POST, "/api/v1/children", Some(new_child("Sam", Some("MRN-0042")))).await;
        expect_error(resp, StatusCode::CONFLICT, "conflict", Some("record_number")).await;
        assert_eq!(ari.get("/api/v1/children").await.as_array().unwrap().len(), before, "{backend:?}");

        // Too long, or with a control character: 422 naming the field. Blank: none.
        for bad in ["x".repeat(41), "MRN\n42".to_owned()] {
            let resp = ari.send(Method::POST, "/api/v1/children", Some(new_child("Sam", Some(&bad)))).await;
            expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("record_number")).await;
        }
        let sam = ari.post("/api/v1/children", new_child("Sam", Some("   "))).await;
        assert!(sam["record_number"].is_null(), "{backend:?}: {sam}");
        let sam_id = sam["child"]["id"].as_str().unwrap().to_owned();

        // A change: keeping one's own number is fine, taking another's is a 409, leaving it out clears it.
        let change = |name: &str, number: Option<&str>| {
            let mut body = json!({"display_name": name, "time_zone": "Europe/Paris", "age_years": 6});
            if let Some(n) = number {
                body["record_number"] = json!(n);
            }
            body
        };
        let leo = ari.put(&format!("/api/v1/children/{id}"), change("Leo B", Some("MRN-0042"))).await;
        assert_eq!((&leo["child"]["display_name"], &leo["record_number"]), (&json!("Leo B"), &json!("MRN-0042")));
        assert_eq!((&leo["child"]["time_zone"], &leo["child"]["age_years"]), (&json!("Europe/Paris"), &json!(6)));
        let sam_path = format!("/api/v1/children/{sam_id}");
        let resp = ari.send(Method::PUT, &sam_path, Some(change("Sam", Some("MRN-0042")))).await;
        expect_error(resp, StatusCode::CONFLICT, "conflict", Some("record_number")).await;
        let leo = ari.put(&format!("/api/v1/children/{id}"), change("Leo B", None)).await;
        assert!(leo["record_number"].is_null(), "{backend:?}: {leo}");
        let sam = ari.put(&format!("/api/v1/children/{sam_id}"), change("Sam", Some("MRN-0042"))).await;
        assert_eq!(sam["record_number"], "MRN-0042", "{backend:?}");

        // Numbers are unique per clinic only.
        let other = make_clinic(&db, "Hillside", "noor@hillside.example", true);
        assert_ne!(other.id, clinic.id);
        let noor = Therapist::login(&server, "noor@hillside.example").await;
        let theirs = noor.post("/api/v1/children", new_child("Mia", Some("MRN-0042"))).await;
        assert_eq!(theirs["record_number"], "MRN-0042", "{backend:?}");
    }
}

#[tokio::test]
async fn a_sibling_joins_the_family_with_its_own_record_number() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let server = TestServer::start(&db);
        let maya = Therapist::login(&server, "maya@riverside.example").await;
        let leo = maya.post("/api/v1/children", new_child("Leo", Some("MRN-1"))).await;
        let family = leo["child"]["family_id"].as_str().unwrap();
        let sibling = |number: &str| json!({"display_name": "Sam", "time_zone": "America/Chicago", "family_id": family, "record_number": number});
        let resp = maya.send(Method::POST, "/api/v1/children", Some(sibling("MRN-1"))).await;
        expect_error(resp, StatusCode::CONFLICT, "conflict", Some("record_number")).await;
        let sam = maya.post("/api/v1/children", sibling("MRN-2")).await;
        assert_eq!((&sam["child"]["family_id"], &sam["record_number"]), (&json!(family), &json!("MRN-2")));
        assert_eq!(sam["caregivers"], leo["caregivers"], "{backend:?}: the family's caregivers");
    }
}

/// `homeplay-server create-child …`: its exit status, stdout and stderr.
fn create_child(db: &TestDb, args: &[&str]) -> (bool, String, String) {
    cli_outcome(db, &[&["create-child"], args].concat())
}

#[tokio::test]
async fn the_command_line_enrols_a_child_and_a_sibling_as_the_therapist() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let maya = "maya@riverside.example";
        let (ok, leo, stderr) = create_child(
            &db,
            &["--therapist", maya, "--name", "Leo", "--age", "5", "--record-number", "MRN-7"]
                .into_iter()
                .chain(["--caregiver", "Mum", "--caregiver", "Dad"])
                .collect::<Vec<_>>(),
        );
        assert!(ok, "{backend:?}: {stderr}");
        let leo = leo.trim().to_owned();
        let (ok, sam, stderr) = create_child(&db, &["--therapist", maya, "--name", "Sam", "--sibling-of", "leo"]);
        assert!(ok, "{backend:?}: {stderr}");
        let sam = sam.trim().to_owned();

        // Each flag named when it is wrong; nothing more is added.
        for (args, flag) in [
            (vec!["--name", "Mia", "--record-number", "MRN-7"], "--record-number"),
            (vec!["--name", "Mia", "--age", "30"], "--age"),
            (vec!["--name", "Mia", "--time-zone", "Mars/Olympus"], "--time-zone"),
            (vec!["--name", "Mia", "--sibling-of", "Zed"], "--sibling-of"),
            (vec!["--name", ""], "--name"),
        ] {
            let args: Vec<&str> = ["--therapist", maya].into_iter().chain(args).collect();
            let (ok, stdout, stderr) = create_child(&db, &args);
            assert!(!ok && stdout.is_empty() && stderr.contains(flag), "{backend:?} {args:?}: {stdout} {stderr}");
        }
        let (ok, _, stderr) = create_child(&db, &["--therapist", "nobody@x.example", "--name", "Mia"]);
        assert!(!ok && stderr.contains("--therapist"), "{stderr}");

        let server = TestServer::start(&db);
        let maya = Therapist::login(&server, maya).await;
        let leo = maya.get(&format!("/api/v1/children/{leo}")).await;
        assert_eq!(leo["record_number"], "MRN-7", "{backend:?}: {leo}");
        assert_eq!(leo["child"]["time_zone"], "Europe/London", "{backend:?}: the clinic's zone");
        assert_eq!(leo["caregivers"].as_array().unwrap().len(), 2, "{backend:?}");
        let sam = maya.get(&format!("/api/v1/children/{sam}")).await;
        assert_eq!(sam["child"]["family_id"], leo["child"]["family_id"], "{backend:?}");
        assert_eq!(maya.get("/api/v1/children").await.as_array().unwrap().len(), 2, "{backend:?}");
        let team = maya.get(&format!("/api/v1/children/{}/care-team", leo["child"]["id"].as_str().unwrap())).await;
        assert_eq!(team["members"][0]["therapist_id"], maya.me["therapist"]["id"], "{backend:?}: {team}");
        let audit = maya.get("/api/v1/audit?limit=500").await;
        let made = audit["entries"].as_array().unwrap().iter().filter(|e| e["action"] == "create_child").count();
        assert_eq!(made, 2, "{backend:?}: audited as the therapist");
    }
}

#[tokio::test]
async fn a_child_says_whether_the_caller_may_add_a_sibling_without_auditing_a_look() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (_server, maya, ari) = maya_and_ari(&db).await;
        let leo = maya.post("/api/v1/children", new_child("Leo", None)).await;
        assert_eq!(leo["may_add_sibling"], true, "{backend:?}: the only child is hers");
        let (leo, family) = (leo["child"]["id"].as_str().unwrap(), leo["child"]["family_id"].as_str().unwrap());
        let sibling = json!({"display_name": "Sam", "time_zone": "Europe/London", "family_id": family});
        let sam = maya.post("/api/v1/children", sibling).await["child"]["id"].as_str().unwrap().to_owned();
        // Sam's team is Ari's alone: Maya may no longer open Sam, nor Ari Leo; neither may add to the family.
        let ari_id = ari.me["therapist"]["id"].as_str().unwrap();
        maya.put(
            &format!("/api/v1/children/{sam}/care-team"),
            json!({"members": [{"therapist_id": ari_id, "role": "lead"}]}),
        )
        .await;
        assert_eq!(maya.get(&format!("/api/v1/children/{leo}")).await["may_add_sibling"], false, "{backend:?}");
        assert_eq!(ari.get(&format!("/api/v1/children/{sam}")).await["may_add_sibling"], false, "{backend:?}");
        // Saying so is no attempt: no refusal is audited for the sibling.
        let audit = maya.get("/api/v1/audit?limit=500").await;
        let denied = audit["entries"].as_array().unwrap().iter().filter(|e| e["action"] == "access_denied").count();
        assert_eq!(denied, 0, "{backend:?}: {audit:#}");
        // Under a clinic-wide policy, Maya may open both again.
        maya.put("/api/v1/clinic/policy", json!({"outside_team_policy": "clinic_wide"})).await;
        assert_eq!(maya.get(&format!("/api/v1/children/{leo}")).await["may_add_sibling"], true, "{backend:?}");
    }
}
