//! The clinic's settings: any therapist reads them, only admins change them (audited), a bad value is refused
//! naming its field, devices get the threshold and the contact text on every pull, and the pain flag follows
//! the threshold at once. Each test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const CONTACT: &str = "Call Riverside on 555-0100, Mon–Fri 8–5";

#[tokio::test]
async fn therapists_read_admins_change_and_the_change_is_audited() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (_server, maya, ari) = maya_and_ari(&db).await;
        let defaults = json!({"locale": "en-GB", "pain_advice_at": 6});
        assert_eq!(ari.get("/api/v1/clinic/settings").await, defaults, "{backend:?}");

        // Not an admin: refused, and nothing changed.
        let wanted = json!({"locale": "en-US", "pain_advice_at": 4, "family_contact": format!("  {CONTACT} ")});
        let resp = ari.send(Method::PUT, "/api/v1/clinic/settings", Some(wanted.clone())).await;
        expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;
        assert_eq!(maya.get("/api/v1/clinic/settings").await, defaults, "{backend:?}");

        let saved = maya.put("/api/v1/clinic/settings", wanted).await;
        let expected = json!({"locale": "en-US", "pain_advice_at": 4, "family_contact": CONTACT});
        assert_eq!(saved, expected, "{backend:?}: the contact text is trimmed");
        assert_eq!(ari.get("/api/v1/clinic/settings").await, expected, "{backend:?}: every therapist reads them");

        let audit = maya.get("/api/v1/audit").await;
        let entry = audit["entries"].as_array().unwrap().iter().find(|e| e["action"] == "update_clinic_settings");
        let entry = entry.expect("audited").clone();
        assert_eq!(entry["actor_id"], maya.me["therapist"]["id"], "{backend:?}");
        assert_eq!(entry["detail"], "locale en-US; pain advice from 4; family contact set", "{backend:?}");

        // Blank contact text clears it.
        let cleared = maya
            .put("/api/v1/clinic/settings", json!({"locale": "en-US", "pain_advice_at": 4, "family_contact": " "}))
            .await;
        assert_eq!(cleared, json!({"locale": "en-US", "pain_advice_at": 4}), "{backend:?}");
    }
}

#[tokio::test]
async fn bad_values_are_refused_naming_each_field() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (_server, maya, _ari) = maya_and_ari(&db).await;
        let put = |body: Value| maya.send(Method::PUT, "/api/v1/clinic/settings", Some(body));
        let cases = [
            (json!({"locale": "en_US", "pain_advice_at": 6}), "locale"),
            (json!({"locale": "xx-XX", "pain_advice_at": 6}), "locale"),
            (json!({"locale": "en-GB", "pain_advice_at": 0}), "pain_advice_at"),
            (json!({"locale": "en-GB", "pain_advice_at": 11}), "pain_advice_at"),
            (json!({"locale": "en-GB", "pain_advice_at": 6, "family_contact": "x".repeat(301)}), "family_contact"),
        ];
        for (body, field) in cases {
            expect_error(put(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some(field)).await;
        }
        // Every field at fault is in the message, the first one in `field`.
        let all = json!({"locale": "klingon", "pain_advice_at": 0, "family_contact": "x".repeat(301)});
        let body = expect_error(put(all).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("locale")).await;
        let message = body["message"].as_str().unwrap();
        assert!(message.contains("pain_advice_at") && message.contains("family_contact"), "{message}");
        // Shape errors stay 400s naming the field.
        let resp = put(json!({"locale": "en-GB", "pain_advice_at": "six"})).await;
        expect_error(resp, StatusCode::BAD_REQUEST, "bad_request", Some("pain_advice_at")).await;
        let resp = put(json!({"locale": "en-GB"})).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{backend:?}");
        assert_eq!(maya.get("/api/v1/clinic/settings").await["locale"], "en-GB", "{backend:?}: nothing saved");
    }
}

/// The child's pain flag on the child's page, if any.
async fn pain_flag(maya: &Therapist, child: &str) -> Option<Value> {
    let page = maya.get(&format!("/api/v1/children/{child}/adherence")).await;
    page["flags"].as_array().unwrap().iter().find(|f| f["kind"] == "pain").cloned()
}

#[tokio::test]
async fn the_threshold_decides_the_flag_and_reaches_devices_on_their_next_pull() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let server = TestServer::start(&db);
        let p = program(&db, &server, "2030-03-02").await;
        let device = DeviceClient::pair(&server, &p.maya.pairing_code(&p.child_id).await, "Kitchen laptop").await;
        let pull = || async {
            expect_ok(device.post("/api/v1/sync/pull", json!({"protocol": 1})).await).await["clinic"].clone()
        };
        assert_eq!(pull().await, json!({"pain_advice_at": 6}), "{backend:?}: the defaults, without contact text");

        // A 4 is below the default threshold: kept, not flagged.
        let mut four =
            log_json(&p.child_id, &p.assignment_id, &p.exercise_id, "2030-03-03", &device.device_id, hlc_now());
        four["pain"] = json!(true);
        four["pain_score"] = json!(4);
        assert_eq!(device.push(vec![four]).await["accepted"].as_array().unwrap().len(), 1);
        assert_eq!(pain_flag(&p.maya, &p.child_id).await, None, "{backend:?}");

        // From 4 on: the same unseen report now flags, on the child's page and on the overview.
        let settings = json!({"locale": "en-GB", "pain_advice_at": 4, "family_contact": CONTACT});
        p.maya.put("/api/v1/clinic/settings", settings).await;
        let flag = pain_flag(&p.maya, &p.child_id).await.expect("flagged under the new threshold");
        assert_eq!((flag["times"].as_u64(), flag["worst"].as_u64()), (Some(1), Some(4)), "{backend:?}");
        let overview = p.maya.get("/api/v1/overview").await;
        let row =
            overview["children"].as_array().unwrap().iter().find(|c| c["child_id"] == p.child_id).unwrap().clone();
        assert!(row["flags"].as_array().unwrap().iter().any(|f| f["kind"] == "pain"), "{backend:?}: {row}");

        // The already-paired device gets both on its next pull, even one that carries no change.
        assert_eq!(pull().await, json!({"pain_advice_at": 4, "family_contact": CONTACT}), "{backend:?}");
    }
}
