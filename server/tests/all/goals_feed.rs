//! Goals reach the family's devices through the sync feed, in plain words only: each version a therapist
//! writes (set, changed, settled) is pulled by the child's family and by no other, and the therapist's GAS
//! scale and baseline never leave the clinic. On SQLite and PostgreSQL, through the real server binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{BACKENDS, DeviceClient, TestDb, TestServer, Therapist, make_clinic, run_cli};
use serde_json::{Value, json};

fn goal_body(text: &str) -> Value {
    json!({
        "text": text, "discipline": "ot", "areas": ["self_care", "fine_motor"],
        "baseline": "Needs hand-over-hand help", "start_date": "2026-03-02", "target_date": "2026-06-01",
        "scale": {"much_less": "Needs hand-over-hand help", "less": "Pulls socks up once started",
                  "expected": "Puts on socks with one verbal prompt", "more": "Puts on socks alone",
                  "much_more": "Puts on socks and shoes alone"}
    })
}

fn goal_changes(changes: &[Value]) -> Vec<&Value> {
    changes.iter().filter(|c| c["type"] == "goal").collect()
}

/// Nothing of the therapist's yardstick in what a device receives.
fn assert_plain_words(change: &Value) {
    let data = change["data"].as_object().unwrap();
    let mut keys: Vec<&str> = data.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["areas", "child_id", "discipline", "id", "status", "target_date", "text"], "{change}");
    let text = change.to_string();
    for secret in ["scale", "baseline", "hand-over-hand", "verbal prompt", "set_by", "review"] {
        assert!(!text.contains(secret), "'{secret}' reached the device: {text}");
    }
}

#[tokio::test]
async fn each_version_of_a_goal_reaches_the_family_in_plain_words() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", false);
        let server = TestServer::start(&db);
        let t = Therapist::login(&server, &clinic.email).await;
        let ada = t.add_child("Ada").await["child"]["id"].as_str().unwrap().to_owned();
        let ben = t.add_child("Ben").await["child"]["id"].as_str().unwrap().to_owned();
        let ada_device = DeviceClient::pair(&server, &t.pairing_code(&ada).await, "Kitchen laptop").await;
        let ben_device = DeviceClient::pair(&server, &t.pairing_code(&ben).await, "Hall tablet").await;
        let (_, cursor) = ada_device.pull_all(None).await;

        let socks = t.post(&format!("/api/v1/children/{ada}/goals"), goal_body("Puts on socks by himself")).await;
        let socks_id = socks["id"].as_str().unwrap().to_owned();
        let (changes, cursor) = ada_device.pull_all(cursor).await;
        let sent = goal_changes(&changes);
        assert_eq!(sent.len(), 1, "{backend:?}: {changes:?}");
        assert_plain_words(sent[0]);
        assert_eq!(
            sent[0]["data"],
            json!({"id": socks_id, "child_id": ada, "text": "Puts on socks by himself", "discipline": "ot",
                   "areas": ["self_care", "fine_motor"], "target_date": "2026-06-01", "status": "active"})
        );

        // A rewording is sent as the whole goal again.
        let mut update = goal_body("Puts on both socks by himself");
        for field in ["discipline", "start_date"] {
            update.as_object_mut().unwrap().remove(field);
        }
        t.put(&format!("/api/v1/goals/{socks_id}"), update).await;
        let (changes, cursor) = ada_device.pull_all(cursor).await;
        let sent = goal_changes(&changes);
        assert_eq!(sent.len(), 1, "{backend:?}: {changes:?}");
        assert_plain_words(sent[0]);
        assert_eq!(sent[0]["data"]["text"], "Puts on both socks by himself");

        // A review is the therapist's: nothing reaches the device.
        t.post(&format!("/api/v1/goals/{socks_id}/reviews"), json!({"date": "2026-03-09", "score": -1})).await;
        let (changes, cursor) = ada_device.pull_all(cursor).await;
        assert!(changes.is_empty(), "{backend:?}: {changes:?}");

        // A met goal comes with its status, so the app can stop showing it.
        t.post(&format!("/api/v1/goals/{socks_id}/status"), json!({"status": "met"})).await;
        let (changes, _) = ada_device.pull_all(cursor).await;
        let sent = goal_changes(&changes);
        assert_eq!(sent.len(), 1, "{backend:?}: {changes:?}");
        assert_eq!(
            (sent[0]["data"]["id"].as_str(), sent[0]["data"]["status"].as_str()),
            (Some(&*socks_id), Some("met"))
        );

        // A device paired later receives the goal's last version only; another family receives nothing.
        let late = DeviceClient::pair(&server, &t.pairing_code(&ada).await, "Phone").await;
        let (changes, _) = late.pull_all(None).await;
        let sent = goal_changes(&changes);
        assert_eq!(sent.len(), 1, "{backend:?}");
        assert_eq!(sent[0]["data"]["status"], "met");
        let (changes, _) = ben_device.pull_all(None).await;
        assert!(goal_changes(&changes).is_empty(), "{backend:?}: Ben's family got Ada's goal");
    }
}

#[tokio::test]
async fn a_device_paired_to_the_demo_family_receives_its_goals() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        run_cli(&db, &["demo"], &[]);
        let server = TestServer::start(&db);
        let maya = Therapist::login_with(&server, "maya@demo.homeplay", "homeplay-demo").await;
        let overview = maya.get("/api/v1/overview").await;
        let leo = overview["children"].as_array().unwrap().iter().find(|c| c["display_name"] == "Leo").unwrap();
        let leo = leo["child_id"].as_str().unwrap().to_owned();
        let goals = maya.get(&format!("/api/v1/children/{leo}/goals")).await;
        let mut expected: Vec<String> =
            goals["goals"].as_array().unwrap().iter().map(|g| g["goal"]["text"].as_str().unwrap().to_owned()).collect();
        expected.sort();
        assert!(!expected.is_empty(), "the demo sets goals for Leo");

        let device = DeviceClient::pair(&server, &maya.pairing_code(&leo).await, "Kitchen laptop").await;
        let (changes, _) = device.pull_all(None).await;
        let sent = goal_changes(&changes);
        sent.iter().for_each(|c| assert_plain_words(c));
        let mut got: Vec<String> = sent.iter().map(|c| c["data"]["text"].as_str().unwrap().to_owned()).collect();
        got.sort();
        assert_eq!(got, expected, "{backend:?}");
    }
}
