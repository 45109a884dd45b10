//! Who practises a clinic routine: the children whose assignments an edit of the routine reaches.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn routine_uses_list_the_children_an_edit_reaches() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let elsewhere = make_clinic(&db, "Hillside", "ola@hillside.example", true);
        let server = TestServer::start(&db);
        let maya = Therapist::login(&server, &clinic.email).await;
        let ola = Therapist::login(&server, &elsewhere.email).await;
        let bear_walk = homeplay_core::ids::ExerciseId::builtin("bear-walk").to_string();
        let routine = |title: &str| {
            let body = json!({"title": title, "kid_title": "Go!", "items": [bear_walk]});
            let maya = &maya;
            async move { maya.post("/api/v1/library/routines", body).await["routine"]["id"].as_str().unwrap().to_owned() }
        };
        let bears = routine("Bears").await;
        let unused = routine("Nobody's").await;
        let leo = maya.add_child("Leo").await["child"]["id"].as_str().unwrap().to_owned();
        let ada = maya.add_child("Ada").await["child"]["id"].as_str().unwrap().to_owned();
        let assign = |child: String, target: Value| {
            let maya = &maya;
            async move {
                let body = json!({"target": target, "start_date": "2026-03-02", "days": ["mon"], "slots": [{"kind": "anytime"}]});
                maya.post(&format!("/api/v1/children/{child}/assignments"), body).await["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
        };
        let leo_bears = assign(leo.clone(), json!({"kind": "routine", "routine_id": bears})).await;
        let ada_bears = assign(ada.clone(), json!({"kind": "routine", "routine_id": bears})).await;
        let ended = assign(ada.clone(), json!({"kind": "routine", "routine_id": bears})).await;
        assign(leo.clone(), json!({"kind": "exercise", "exercise_id": bear_walk})).await;
        maya.post(&format!("/api/v1/assignments/{ended}/end"), json!({"on": "2030-03-09"})).await;
        maya.post(&format!("/api/v1/assignments/{leo_bears}/pause"), json!({"on": "2030-03-09"})).await;

        let uses = maya.get("/api/v1/library/routine-uses").await;
        assert_eq!(
            uses,
            json!([
                {"routine_id": bears, "assignment_id": ada_bears, "child_id": ada, "child_name": "Ada", "status": "active"},
                {"routine_id": bears, "assignment_id": leo_bears, "child_id": leo, "child_name": "Leo", "status": "paused"},
            ]),
            "{backend:?}: ended assignments, exercises and unused routines ({unused}) are left out"
        );
        assert_eq!(ola.get("/api/v1/library/routine-uses").await, json!([]), "{backend:?}: another clinic sees none");
    }
}
