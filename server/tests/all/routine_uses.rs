//! Who practises a clinic routine: the children whose assignments an edit of the routine reaches.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use reqwest::StatusCode;
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
        // Ended, then the very same practice assigned again (allowed once the first has ended).
        let ended = assign(ada.clone(), json!({"kind": "routine", "routine_id": bears})).await;
        maya.post(&format!("/api/v1/assignments/{ended}/end"), json!({"on": "2030-03-09"})).await;
        let ada_bears = assign(ada.clone(), json!({"kind": "routine", "routine_id": bears})).await;
        assign(leo.clone(), json!({"kind": "exercise", "exercise_id": bear_walk})).await;
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

/// A routine built for one child stays the child's: not listed with the clinic's templates, read, changed and
/// removed only by someone who may open the child, and assigned to no other child. A template stays shared.
#[tokio::test]
async fn a_routine_made_for_a_child_stays_the_childs() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (_server, maya, ari) = maya_and_ari(&db).await;
        let leo = maya.add_child("Leo").await["child"]["id"].as_str().unwrap().to_owned();
        let ada = maya.add_child("Ada").await["child"]["id"].as_str().unwrap().to_owned();
        let bear_walk = homeplay_core::ids::ExerciseId::builtin("bear-walk").to_string();
        let body = |title: &str, child: Option<&str>| {
            let mut body = json!({"title": title, "kid_title": "Go!", "items": [bear_walk]});
            if let Some(child) = child {
                body["child_id"] = json!(child);
            }
            body
        };
        let leos = maya.post("/api/v1/library/routines", body("Leo's bears", Some(&leo))).await["routine"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let template = maya.post("/api/v1/library/routines", body("Bears", None)).await["routine"]["id"]
            .as_str()
            .unwrap()
            .to_owned();

        // Listed: the template only, for everyone in the clinic.
        for t in [&maya, &ari] {
            let titles: Vec<Value> = t
                .get("/api/v1/library/routines")
                .await
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["routine"]["title"].clone())
                .collect();
            assert_eq!(titles, [json!("Bears")], "{backend:?}");
        }
        // Leo's team reaches his routine; Ari, off his team under team_only, finds nothing there.
        let path = format!("/api/v1/library/routines/{leos}");
        assert_eq!(maya.get(&path).await["routine"]["title"], "Leo's bears");
        expect_error(ari.send(method("GET"), &path, None).await, StatusCode::NOT_FOUND, "not_found", None).await;
        let edit = body("Ari's bears", None);
        expect_error(ari.send(method("PUT"), &path, Some(edit)).await, StatusCode::NOT_FOUND, "not_found", None).await;
        expect_error(ari.send(method("DELETE"), &path, None).await, StatusCode::NOT_FOUND, "not_found", None).await;
        let resp = ari.send(method("POST"), "/api/v1/library/routines", Some(body("Sneaky", Some(&leo)))).await;
        expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
        // Its child never changes; an edit by the team keeps it Leo's.
        let resp = maya.send(method("PUT"), &path, Some(body("Ada's now", Some(&ada)))).await;
        expect_error(resp, StatusCode::CONFLICT, "conflict", Some("child_id")).await;
        maya.put(&path, body("Leo's bear walk", None)).await;
        assert_eq!(maya.get("/api/v1/library/routines").await.as_array().unwrap().len(), 1, "{backend:?}");

        // Leo's page lists it as his; Ada's does not, nor does Ari reach Leo's list.
        let own = |list: Value| list.as_array().unwrap().iter().map(|r| r["routine"]["id"].clone()).collect::<Vec<_>>();
        assert_eq!(own(maya.get(&format!("/api/v1/children/{leo}/routines")).await), [json!(leos)], "{backend:?}");
        assert_eq!(own(maya.get(&format!("/api/v1/children/{ada}/routines")).await), Vec::<Value>::new());
        let resp = ari.send(method("GET"), &format!("/api/v1/children/{leo}/routines"), None).await;
        expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;

        // Assigned to Leo, never to Ada; the template to anyone.
        let assign = |child: String, routine: String| {
            let maya = &maya;
            async move {
                let body = json!({"target": {"kind": "routine", "routine_id": routine}, "start_date": "2026-03-02",
                                  "days": ["mon"], "slots": [{"kind": "anytime"}]});
                maya.send(method("POST"), &format!("/api/v1/children/{child}/assignments"), Some(body)).await
            }
        };
        assert_eq!(assign(leo.clone(), leos.clone()).await.status(), StatusCode::CREATED, "{backend:?}");
        let resp = assign(ada.clone(), leos.clone()).await;
        expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("target.routine_id")).await;
        assert_eq!(assign(ada.clone(), template.clone()).await.status(), StatusCode::CREATED);
    }
}
