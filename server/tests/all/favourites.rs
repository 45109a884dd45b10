//! A therapist's shortcuts into the library: favourites marked by hand, the exercises they assigned most
//! recently, and a search that finds exercises by skill area, equipment and technique.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{
    BACKENDS, Backend, TestDb, TestServer, Therapist, add_therapist, expect_error, make_clinic, method,
};
use homeplay_core::ids::ExerciseId;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn builtin(slug: &str) -> String {
    ExerciseId::builtin(slug).to_string()
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|id| id.as_str().unwrap().to_owned()).collect()
}

async fn assign(t: &Therapist, child: &str, exercise: &str) {
    let body = json!({
        "target": {"kind": "exercise", "exercise_id": exercise},
        "start_date": "2030-03-04", "days": ["mon"], "slots": [{"kind": "anytime"}],
    });
    let resp = t.send(method("POST"), &format!("/api/v1/children/{child}/assignments"), Some(body)).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
}

async fn favourite(t: &Therapist, verb: &str, id: &str) -> reqwest::Response {
    t.send(method(verb), &format!("/api/v1/library/favourites/{id}"), None).await
}

#[tokio::test]
async fn favourites_and_recent_exercises_are_each_therapists_own() {
    for backend in BACKENDS {
        favourites_and_recent(backend).await;
    }
}

async fn favourites_and_recent(backend: Backend) {
    let db = TestDb::new(backend);
    let clinic = make_clinic(&db, "Riverside Pediatric Therapy", "maya@riverside.example", true);
    add_therapist(&db, &clinic.id, "sam@riverside.example", false);
    let server = TestServer::start(&db);
    let maya = Therapist::login(&server, &clinic.email).await;
    let sam = Therapist::login(&server, "sam@riverside.example").await;

    assert_eq!(maya.get("/api/v1/library/mine").await, json!({"favourites": [], "recent": []}), "{backend:?}");
    for slug in ["bear-walk", "crab-walk", "bear-walk"] {
        assert_eq!(favourite(&maya, "PUT", &builtin(slug)).await.status(), StatusCode::NO_CONTENT, "{backend:?}");
    }
    let mine = maya.get("/api/v1/library/mine").await;
    let mut favs = ids(&mine["favourites"]);
    favs.sort();
    let mut want = vec![builtin("bear-walk"), builtin("crab-walk")];
    want.sort();
    assert_eq!(favs, want, "{backend:?}: marked twice is still one favourite");
    assert_eq!(sam.get("/api/v1/library/mine").await["favourites"], json!([]), "{backend:?}: Sam's are his own");

    // Unknown exercises are refused; unmarking is idempotent.
    let resp = favourite(&maya, "PUT", &uuid::Uuid::now_v7().to_string()).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    assert_eq!(favourite(&maya, "DELETE", &builtin("crab-walk")).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(favourite(&maya, "DELETE", &builtin("crab-walk")).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(ids(&maya.get("/api/v1/library/mine").await["favourites"]), vec![builtin("bear-walk")], "{backend:?}");

    // Recent: what Maya assigned herself, newest first, each once.
    let child = maya.add_child("Ada").await["child"]["id"].as_str().unwrap().to_owned();
    assign(&maya, &child, &builtin("hopscotch")).await;
    assign(&maya, &child, &builtin("flamingo-stand")).await;
    let recent = ids(&maya.get("/api/v1/library/mine").await["recent"]);
    assert_eq!(recent, vec![builtin("flamingo-stand"), builtin("hopscotch")], "{backend:?}");
    assert_eq!(sam.get("/api/v1/library/mine").await["recent"], json!([]), "{backend:?}: not Sam's");

    // A clinic exercise that leaves the library leaves the shortcuts too.
    let copy = maya.post(&format!("/api/v1/library/exercises/{}/clone", builtin("bear-walk")), json!({})).await;
    let copy_id = copy["id"].as_str().unwrap().to_owned();
    assert_eq!(favourite(&maya, "PUT", &copy_id).await.status(), StatusCode::NO_CONTENT);
    assert!(ids(&maya.get("/api/v1/library/mine").await["favourites"]).contains(&copy_id));
    let resp = maya.send(method("DELETE"), &format!("/api/v1/library/exercises/{copy_id}"), None).await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(!ids(&maya.get("/api/v1/library/mine").await["favourites"]).contains(&copy_id), "{backend:?}");

    // Another clinic's exercise cannot be marked.
    make_clinic(&db, "Hillside Therapy", "ana@hillside.example", true);
    let ana = Therapist::login(&server, "ana@hillside.example").await;
    expect_error(favourite(&ana, "PUT", &copy_id).await, StatusCode::NOT_FOUND, "not_found", None).await;
}

#[tokio::test]
async fn the_library_search_finds_skill_areas_equipment_and_technique() {
    let db = TestDb::new(Backend::Sqlite);
    let clinic = make_clinic(&db, "Riverside Pediatric Therapy", "maya@riverside.example", true);
    let server = TestServer::start(&db);
    let maya = Therapist::login(&server, &clinic.email).await;
    let titles = |q: &'static str| {
        let maya = &maya;
        async move {
            let found = maya.get(&format!("/api/v1/library/exercises?q={q}")).await;
            found.as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
        }
    };
    // None of these words is in the exercise's titles or instructions.
    let area = titles("coordination").await;
    assert!(area.iter().any(|t| t == "Flamingo stand"), "a skill area by name: {area:?}");
    let equipment = titles("poker%20chips").await;
    assert!(equipment.iter().any(|t| t == "Piggy bank coin posting"), "equipment: {equipment:?}");
    let technique = titles("on%20a%20cushion").await;
    assert!(technique.iter().any(|t| t == "Flamingo stand"), "technique (a harder version): {technique:?}");
    assert_eq!(titles("zzzz-nothing").await, Vec::<String>::new());
}
