//! Program templates: a clinic's saved exercises with their own dosage, listed, changed and removed in the
//! library, refused with the item and field at fault, and the clinic's alone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{BACKENDS, Backend, TestDb, TestServer, Therapist, expect_error, make_clinic, method};
use homeplay_core::ids::ExerciseId;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn builtin(slug: &str) -> String {
    ExerciseId::builtin(slug).to_string()
}

fn balance_week() -> Value {
    json!({"title": "Balance week", "items": [
        {"exercise_id": builtin("flamingo-stand"), "dosage": {"hold_seconds": 15, "sets": 2}},
        {"exercise_id": builtin("tandem-walk-tape-line"), "dosage": {}, "note_for_family": "Barefoot is best"},
        {"exercise_id": builtin("hopscotch"), "dosage": {"reps": 4}},
    ]})
}

#[tokio::test]
async fn templates_keep_each_exercises_dosage_and_stay_in_the_clinic() {
    for backend in BACKENDS {
        templates(backend).await;
    }
}

async fn templates(backend: Backend) {
    let db = TestDb::new(backend);
    let clinic = make_clinic(&db, "Riverside Pediatric Therapy", "maya@riverside.example", true);
    let server = TestServer::start(&db);
    let maya = Therapist::login(&server, &clinic.email).await;
    let path = "/api/v1/library/program-templates";
    let create = |body: Value| maya.send(method("POST"), path, Some(body));

    // Refusals name the item and its field, and save nothing.
    let mut body = balance_week();
    body["items"][1]["dosage"] = json!({"reps": 0});
    expect_error(create(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("items[1].dosage.reps")).await;
    let mut body = balance_week();
    body["items"][2]["exercise_id"] = json!(builtin("flamingo-stand"));
    expect_error(create(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("items[2].exercise_id")).await;
    let mut body = balance_week();
    body["items"][0]["exercise_id"] = json!(uuid::Uuid::now_v7());
    expect_error(create(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("items[0].exercise_id")).await;
    expect_error(
        create(json!({"title": "Empty", "items": []})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("items"),
    )
    .await;
    assert_eq!(maya.get(path).await, json!([]), "{backend:?}: nothing refused was saved");

    // Saved with every item's own dosage and note, in order.
    let resp = create(balance_week()).await;
    assert_eq!(resp.status(), StatusCode::CREATED, "{backend:?}");
    let saved: Value = resp.json().await.unwrap();
    assert_eq!(saved["items"], balance_week()["items"], "{backend:?}");
    assert_eq!(saved["updated_by"], maya.me["therapist"]["id"]);
    assert_eq!(maya.get(path).await, json!([saved]), "{backend:?}");
    let id = saved["id"].as_str().unwrap().to_owned();

    // Changed: the title and one dosage.
    let mut body = balance_week();
    body["title"] = json!("Balance fortnight");
    body["items"][2]["dosage"] = json!({"reps": 6});
    let resp = maya.send(method("PUT"), &format!("{path}/{id}"), Some(body)).await;
    assert_eq!(resp.status(), StatusCode::OK, "{backend:?}");
    let listed = maya.get(path).await;
    assert_eq!(listed[0]["title"], "Balance fortnight");
    assert_eq!(listed[0]["items"][2]["dosage"]["reps"], 6);
    let resp = maya.send(method("PUT"), &format!("{path}/{}", uuid::Uuid::now_v7()), Some(balance_week())).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;

    // Another clinic neither sees nor changes it.
    make_clinic(&db, "Hillside Therapy", "ana@hillside.example", true);
    let ana = Therapist::login(&server, "ana@hillside.example").await;
    assert_eq!(ana.get(path).await, json!([]), "{backend:?}");
    let resp = ana.send(method("PUT"), &format!("{path}/{id}"), Some(balance_week())).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    expect_error(
        ana.send(method("DELETE"), &format!("{path}/{id}"), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;

    // Removed from the library: gone from the list; a second removal finds nothing.
    assert_eq!(maya.send(method("DELETE"), &format!("{path}/{id}"), None).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(maya.get(path).await, json!([]), "{backend:?}");
    expect_error(
        maya.send(method("DELETE"), &format!("{path}/{id}"), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    )
    .await;

    let audit = maya.get("/api/v1/audit?limit=500").await;
    let actions: Vec<&str> = audit["entries"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    for action in ["create_program_template", "update_program_template", "archive_program_template"] {
        assert!(actions.contains(&action), "{backend:?}: {action} in {actions:?}");
    }
}
