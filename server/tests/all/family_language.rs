//! The family's language over the sync protocol (shared/PROTOCOL.md §9): a pull names it, built-in exercises
//! come in it, and the child's page shows each device's language.

use crate::common::*;
use homeplay_core::language::Language;
use homeplay_core::library;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Every page from the beginning, in `language` (none: the field is left out).
async fn pull_all(device: &DeviceClient, language: Option<&str>) -> Vec<Value> {
    let mut changes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut body = json!({"protocol": 1});
        if let Some(l) = language {
            body["language"] = json!(l);
        }
        if let Some(c) = &cursor {
            body["cursor"] = json!(c);
        }
        let page = expect_ok(device.post("/api/v1/sync/pull", body).await).await;
        changes.extend(page["changes"].as_array().unwrap().iter().cloned());
        cursor = page["cursor"].as_str().map(str::to_owned);
        if page["more"] != json!(true) {
            return changes;
        }
    }
}

fn exercise<'a>(changes: &'a [Value], id: &str) -> &'a Value {
    changes.iter().rev().find(|c| c["type"] == "exercise" && c["data"]["id"] == id).map(|c| &c["data"]).unwrap()
}

#[tokio::test]
async fn built_in_exercises_come_in_the_language_each_device_pulls_in() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let server = TestServer::start(&db);
        let p = program(&db, &server, "2030-03-02").await;
        let bear = library::starter().unwrap().by_slug("bear-walk").unwrap();
        let french = library::in_language(bear, Language::Fr);
        let spanish = library::in_language(bear, Language::Es);

        let kitchen = DeviceClient::pair(&server, &p.maya.pairing_code(&p.child_id).await, "Kitchen laptop").await;
        let grandma = DeviceClient::pair(&server, &p.maya.pairing_code(&p.child_id).await, "Grandma's tablet").await;
        let devices = format!("/api/v1/children/{}/devices", p.child_id);
        let languages = || async {
            let list = p.maya.get(&devices).await;
            list.as_array().unwrap().iter().map(|d| d["language"].clone()).collect::<Vec<_>>()
        };
        assert_eq!(languages().await, [Value::Null, Value::Null], "{backend:?}: unknown before a pull names one");

        let theirs = pull_all(&kitchen, Some("fr")).await;
        let e = exercise(&theirs, &p.exercise_id);
        assert_eq!(e["title"], french.title.as_str(), "{backend:?}");
        assert_eq!(e["kid_title"], french.kid_title.as_str(), "{backend:?}");
        assert_eq!(e["steps"][0]["caption"], french.steps[0].caption.as_str(), "{backend:?}");
        assert_eq!(e["steps"][0]["picture"], bear.steps[0].picture.to_string(), "{backend:?}: the same pictures");
        assert_eq!(e["dosage"], serde_json::to_value(bear.dosage).unwrap(), "{backend:?}");
        let e = exercise(&pull_all(&grandma, Some("es")).await, &p.exercise_id).clone();
        assert_eq!(e["instructions"], spanish.instructions.as_str(), "{backend:?}");
        assert_eq!(
            languages().await,
            [json!("fr"), json!("es")],
            "{backend:?}: the child's page knows whom it writes for"
        );

        // No language: English, as before pulls named one; the device's language stays what it last named.
        let e = exercise(&pull_all(&kitchen, None).await, &p.exercise_id).clone();
        assert_eq!(e["title"], bear.title.as_str(), "{backend:?}");
        assert_eq!(languages().await, [json!("fr"), json!("es")], "{backend:?}");
        // A family that changes its language pulls again from the beginning, in the new one.
        let e = exercise(&pull_all(&kitchen, Some("pl")).await, &p.exercise_id).clone();
        assert_eq!(e["title"], library::in_language(bear, Language::Pl).title.as_str(), "{backend:?}");
        assert_eq!(languages().await, [json!("pl"), json!("es")], "{backend:?}");

        // A language the protocol does not name is refused, naming the field.
        let resp = kitchen.post("/api/v1/sync/pull", json!({"protocol": 1, "language": "de"})).await;
        expect_error(resp, StatusCode::BAD_REQUEST, "bad_request", Some("language")).await;
    }
}

#[tokio::test]
async fn the_library_lists_built_in_exercises_in_a_family_language_for_printing() {
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db);
    let p = program(&db, &server, "2030-03-02").await;
    let bear = library::starter().unwrap().by_slug("bear-walk").unwrap();
    let polish = library::in_language(bear, Language::Pl);
    let list = p.maya.get("/api/v1/library/exercises?language=pl").await;
    let e = list.as_array().unwrap().iter().find(|e| e["id"] == p.exercise_id).unwrap();
    assert_eq!(e["title"], polish.title.as_str());
    assert_eq!(e["steps"][1]["caption"], polish.steps[1].caption.as_str());
    // A search looks in the words returned.
    let q = polish.title.as_str().to_lowercase();
    let found = p.maya.get(&format!("/api/v1/library/exercises?language=pl&q={}", urlencoding(&q))).await;
    assert!(found.as_array().unwrap().iter().any(|e| e["id"] == p.exercise_id), "{q}: {found}");
    // Without a language: as written.
    let list = p.maya.get("/api/v1/library/exercises").await;
    let e = list.as_array().unwrap().iter().find(|e| e["id"] == p.exercise_id).unwrap();
    assert_eq!(e["title"], bear.title.as_str());
    let resp = p.maya.send(reqwest::Method::GET, "/api/v1/library/exercises?language=de", None).await;
    expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("language")).await;
}

fn urlencoding(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}
