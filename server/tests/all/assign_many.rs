//! Several items assigned in one submit (the Library's "Assign selected"): all or none, each refusal named
//! under `items[i]`, and what is assigned reaches the family's device with what it needs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{
    BACKENDS, Backend, DeviceClient, TestDb, TestServer, Therapist, expect_error, make_clinic, method,
};
use homeplay_core::ids::ExerciseId;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn item(slug: &str, reps: Option<u32>) -> Value {
    let mut body = json!({
        "target": {"kind": "exercise", "exercise_id": ExerciseId::builtin(slug).to_string()},
        "start_date": "2030-03-04",
        "days": ["mon", "wed", "fri"],
        "slots": [{"kind": "moment", "moment": "after_school"}],
    });
    if let Some(reps) = reps {
        body["dosage"] = json!({"reps": reps});
    }
    body
}

#[tokio::test]
async fn several_items_are_assigned_in_one_submit_or_none() {
    for backend in BACKENDS {
        all_or_none(backend).await;
    }
}

async fn all_or_none(backend: Backend) {
    let db = TestDb::new(backend);
    let clinic = make_clinic(&db, "Riverside Pediatric Therapy", "maya@riverside.example", true);
    let server = TestServer::start(&db);
    let t = Therapist::login(&server, &clinic.email).await;
    let child = t.add_child("Ada").await;
    let ada = child["child"]["id"].as_str().unwrap().to_owned();
    let batch_path = format!("/api/v1/children/{ada}/assignments/batch");
    let batch = |items: Vec<Value>| t.send(method("POST"), &batch_path, Some(json!({ "items": items })));
    let program_path = format!("/api/v1/children/{ada}/assignments");
    let program = || t.get(&program_path);

    // Refusals name the item and its field, and leave nothing behind.
    expect_error(batch(vec![]).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("items")).await;
    let too_many = (0..21).map(|i| item("bear-walk", Some(i + 1))).collect();
    expect_error(batch(too_many).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("items")).await;
    let bad_reps = vec![item("bear-walk", None), item("flamingo-stand", Some(0))];
    let err =
        expect_error(batch(bad_reps).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("items[1].dosage.reps"))
            .await;
    assert!(err["message"].as_str().unwrap().starts_with("items[1].dosage.reps"), "{backend:?}: {err}");
    let mut unknown = item("bear-walk", None);
    unknown["target"]["exercise_id"] = json!(uuid::Uuid::now_v7());
    let resp = batch(vec![item("flamingo-stand", None), unknown]).await;
    expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("items[1].target.exercise_id")).await;
    let twice = vec![item("bear-walk", Some(5)), item("flamingo-stand", None), item("bear-walk", Some(5))];
    expect_error(batch(twice).await, StatusCode::CONFLICT, "conflict", Some("items[2].target")).await;
    assert_eq!(program().await, json!([]), "{backend:?}: nothing refused was assigned");

    // Three items, each with its own dosage, in one submit: all assigned, in order, active.
    let three = vec![item("bear-walk", Some(5)), item("flamingo-stand", None), item("crab-walk", Some(8))];
    let resp = batch(three).await;
    assert_eq!(resp.status(), StatusCode::CREATED, "{backend:?}");
    let made: Vec<Value> = resp.json().await.unwrap();
    assert_eq!(made.len(), 3, "{backend:?}");
    let slugs: Vec<String> =
        ["bear-walk", "flamingo-stand", "crab-walk"].iter().map(|s| ExerciseId::builtin(s).to_string()).collect();
    for (a, slug) in made.iter().zip(&slugs) {
        assert_eq!(a["target"]["exercise_id"], json!(slug), "{backend:?}");
        assert_eq!(a["status"], "active");
        assert_eq!(a["assigned_by_name"], t.me["therapist"]["name"]);
    }
    assert_eq!(made[0]["dosage"]["reps"], 5);
    assert_eq!(made[2]["dosage"]["reps"], 8);
    assert_eq!(program().await.as_array().unwrap().len(), 3, "{backend:?}");

    // A second press repeats items already in the program: refused as a whole, naming the first.
    let again = vec![item("flamingo-stand", Some(3)), item("crab-walk", Some(8))];
    expect_error(batch(again).await, StatusCode::CONFLICT, "conflict", Some("items[1].target")).await;
    assert_eq!(program().await.as_array().unwrap().len(), 3, "{backend:?}: the refused batch added nothing");

    // The family's device receives every item and each exercise it needs.
    let code = t.pairing_code(&ada).await;
    let device = DeviceClient::pair(&server, &code, "Kitchen laptop").await;
    let (changes, _) = device.pull_all(None).await;
    let of = |kind: &str| -> Vec<Value> {
        changes.iter().filter(|c| c["type"] == kind).map(|c| c["data"]["id"].clone()).collect()
    };
    for a in &made {
        assert!(of("assignment").contains(&a["id"]), "{backend:?}: {} missing", a["id"]);
    }
    for slug in &slugs {
        assert!(of("exercise").contains(&json!(slug)), "{backend:?}: exercise {slug} missing");
    }

    // One audit line for the submit, naming every item.
    let audit = t.get("/api/v1/audit?limit=500").await;
    let line = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "create_assignments")
        .cloned()
        .unwrap_or_else(|| panic!("{backend:?}: no create_assignments line in {audit}"));
    for a in &made {
        assert!(line["detail"].as_str().unwrap_or_default().contains(a["id"].as_str().unwrap()), "{line}");
    }
    drop(server);
}
