//! The whole clinic's export: only an admin records one (audited with its counts, per stage), a bad count is
//! refused naming its field, and the per-child reads the dashboard makes for it are the ordinary audited ones,
//! which keep the care-team rule: an admin lists every child but opens only those the rule lets her. Each
//! test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PATH: &str = "/api/v1/clinic/exports";

fn entries(audit: &Value, action: &str) -> Vec<Value> {
    audit["entries"].as_array().unwrap().iter().filter(|e| e["action"] == action).cloned().collect()
}

#[tokio::test]
async fn only_an_admin_records_an_export_and_each_stage_is_audited() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (_server, maya, ari) = maya_and_ari(&db).await;

        let resp = ari.send(Method::POST, PATH, Some(json!({"stage": "started", "children": 2}))).await;
        expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;
        assert!(
            entries(&maya.get("/api/v1/audit").await, "export_clinic").is_empty(),
            "{backend:?}: refused, not recorded"
        );

        let resp = maya.send(Method::POST, PATH, Some(json!({"stage": "started", "children": 2}))).await;
        assert_eq!(resp.status(), StatusCode::CREATED, "{backend:?}");
        assert_eq!(resp.json::<Value>().await.unwrap(), json!({"stage": "started", "children": 2}), "{backend:?}");
        maya.post(PATH, json!({"stage": "finished", "children": 2, "exported": 1})).await;

        let audit = maya.get("/api/v1/audit").await;
        let recorded = entries(&audit, "export_clinic");
        let details: Vec<&str> = recorded.iter().map(|e| e["detail"].as_str().unwrap()).collect();
        assert_eq!(details, ["finished: 1 of 2 children exported", "started: 2 children listed"], "{backend:?}");
        for entry in &recorded {
            assert_eq!(entry["actor_kind"], "therapist", "{backend:?}");
            assert_eq!(entry["actor_id"], maya.me["therapist"]["id"], "{backend:?}");
            assert_eq!(entry["child_id"], Value::Null, "{backend:?}: the clinic's, not a child's");
        }
    }
}

#[tokio::test]
async fn bad_counts_are_refused_naming_the_field() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (_server, maya, _ari) = maya_and_ari(&db).await;
        let cases = [
            (
                json!({"stage": "started", "children": 2, "exported": 1}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "exported",
            ),
            (json!({"stage": "finished", "children": 2}), StatusCode::UNPROCESSABLE_ENTITY, "invalid", "exported"),
            (
                json!({"stage": "cancelled", "children": 2, "exported": 3}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "exported",
            ),
            (json!({"stage": "started", "children": 100_001}), StatusCode::UNPROCESSABLE_ENTITY, "invalid", "children"),
            (json!({"stage": "begun", "children": 2}), StatusCode::BAD_REQUEST, "bad_request", "stage"),
            (json!({"stage": "started", "children": -1}), StatusCode::UNPROCESSABLE_ENTITY, "invalid", "children"),
            (json!({"stage": "started"}), StatusCode::BAD_REQUEST, "bad_request", "children"),
        ];
        for (body, status, code, field) in cases {
            let resp = maya.send(Method::POST, PATH, Some(body.clone())).await;
            expect_error(resp, status, code, Some(field)).await;
        }
        assert!(entries(&maya.get("/api/v1/audit").await, "export_clinic").is_empty(), "{backend:?}: none recorded");
    }
}

/// What the dashboard's export reads, an admin reads through the ordinary endpoints: she lists every child,
/// opens those whose team she is on (each read audited for that child), and is refused (404, audited as
/// denied) the record of a child whose team she is not on under the default `team_only` policy, which the
/// export then reports as not exported rather than widening her access.
#[tokio::test]
async fn the_reads_an_export_makes_are_audited_and_keep_the_care_team_rule() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (_server, maya, ari) = maya_and_ari(&db).await;
        let own = maya.add_child("Leo").await["child"]["id"].as_str().unwrap().to_owned();
        let aris = ari.add_child("Mia").await["child"]["id"].as_str().unwrap().to_owned();

        let listed = maya.get("/api/v1/children").await;
        let ids: Vec<&str> = listed.as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert!(ids.contains(&own.as_str()) && ids.contains(&aris.as_str()), "{backend:?}: an admin lists every child");

        maya.get(&format!("/api/v1/children/{own}/adherence")).await;
        let resp = maya.send(Method::GET, &format!("/api/v1/children/{aris}/adherence"), None).await;
        expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;

        let audit = maya.get("/api/v1/audit").await;
        let read = entries(&audit, "read_adherence");
        assert!(read.iter().any(|e| e["child_id"] == own.as_str()), "{backend:?}: the read is audited for the child");
        let denied = entries(&audit, "access_denied");
        assert!(denied.iter().any(|e| e["child_id"] == aris.as_str()), "{backend:?}: the refusal is audited");
        assert!(!read.iter().any(|e| e["child_id"] == aris.as_str()), "{backend:?}");
    }
}
