//! Taking a clinic exercise or routine out of the library: it leaves the list, stays readable by id, and the
//! programs already using it keep working. Built-in exercises cannot be removed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn archived_items_leave_the_library_but_not_the_programs_using_them() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let server = TestServer::start(&db);
        let maya = Therapist::login(&server, &clinic.email).await;
        let bear_walk = homeplay_core::ids::ExerciseId::builtin("bear-walk").to_string();
        let copy = maya.post(&format!("/api/v1/library/exercises/{bear_walk}/clone"), json!({})).await;
        let copy_id = copy["id"].as_str().unwrap().to_owned();
        let routine = maya
            .post("/api/v1/library/routines", json!({"title": "Bears", "kid_title": "Bears!", "items": [copy_id]}))
            .await["routine"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let leo = maya.add_child("Leo").await["child"]["id"].as_str().unwrap().to_owned();
        maya.post(
            &format!("/api/v1/children/{leo}/assignments"),
            json!({"target": {"kind": "routine", "routine_id": routine}, "start_date": "2026-03-02",
                   "days": ["mon"], "slots": [{"kind": "anytime"}]}),
        )
        .await;

        let resp = maya.send(method("DELETE"), &format!("/api/v1/library/exercises/{copy_id}"), None).await;
        assert_eq!(resp.status(), StatusCode::NO_CONTENT, "{backend:?}");
        let resp = maya.send(method("DELETE"), &format!("/api/v1/library/routines/{routine}"), None).await;
        assert_eq!(resp.status(), StatusCode::NO_CONTENT, "{backend:?}");
        let list = maya.get("/api/v1/library/exercises").await.to_string();
        assert!(!list.contains(&copy_id), "{backend:?}: still listed");
        assert!(!maya.get("/api/v1/library/routines").await.to_string().contains(&routine), "{backend:?}");
        maya.get(&format!("/api/v1/library/exercises/{copy_id}")).await;
        maya.get(&format!("/api/v1/library/routines/{routine}")).await;
        let program = maya.get(&format!("/api/v1/children/{leo}/assignments")).await;
        assert_eq!(program.as_array().unwrap().len(), 1, "{backend:?}");

        let again = maya.send(method("DELETE"), &format!("/api/v1/library/routines/{routine}"), None).await;
        expect_error(again, StatusCode::NOT_FOUND, "not_found", None).await;
        let builtin = maya.send(method("DELETE"), &format!("/api/v1/library/exercises/{bear_walk}"), None).await;
        expect_error(builtin, StatusCode::FORBIDDEN, "forbidden", None).await;
        assert!(maya.get("/api/v1/library/exercises").await.to_string().contains(&bear_walk));
    }
}
