//! The family's weekly answers about goals, pushed beside logs: checked (a Monday, the device's own child and
//! one of that child's goals), stored once per id with the newest version winning, and shown with each goal's
//! progress. Older clients, which push no check-ins, see the push answer they always did. On SQLite and
//! PostgreSQL, through the real server binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{
    BACKENDS, DeviceClient, TestDb, TestServer, Therapist, expect_error, expect_ok, hlc_now, make_clinic,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn goal_body(text: &str) -> Value {
    json!({
        "text": text, "discipline": "ot", "areas": ["self_care"],
        "baseline": "Needs hand-over-hand help", "start_date": "2026-03-02", "target_date": "2026-06-01",
        "scale": {"much_less": "Hand over hand", "less": "Pulls them up", "expected": "With one prompt",
                  "more": "Alone", "much_more": "Socks and shoes alone"}
    })
}

fn check_in(id: &str, goal: &str, child: &str, week: &str, face: &str, device: &str, wall: u64) -> Value {
    json!({"id": id, "goal_id": goal, "child_id": child, "week": week, "face": face, "answered_by": "Mum",
           "device_id": device, "hlc": {"wall_ms": wall, "counter": 0}})
}

async fn push(device: &DeviceClient, check_ins: Vec<Value>) -> Value {
    expect_ok(device.post("/api/v1/sync/push", json!({"protocol": 1, "logs": [], "check_ins": check_ins})).await).await
}

#[tokio::test]
async fn check_ins_are_checked_stored_once_and_the_newest_stands() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let server = TestServer::start(&db);
        let t = Therapist::login(&server, &clinic.email).await;
        let ada = t.add_child("Ada").await["child"]["id"].as_str().unwrap().to_owned();
        let ben = t.add_child("Ben").await["child"]["id"].as_str().unwrap().to_owned();
        let socks = t.post(&format!("/api/v1/children/{ada}/goals"), goal_body("Puts on socks")).await;
        let socks = socks["id"].as_str().unwrap().to_owned();
        let zip = t.post(&format!("/api/v1/children/{ben}/goals"), goal_body("Zips his coat")).await;
        let zip = zip["id"].as_str().unwrap().to_owned();
        let device = DeviceClient::pair(&server, &t.pairing_code(&ada).await, "Kitchen laptop").await;
        let dev = device.device_id.clone();

        // An older client pushes no check-ins and hears nothing about them.
        let old = expect_ok(device.post("/api/v1/sync/push", json!({"protocol": 1, "logs": []})).await).await;
        assert!(old.get("check_ins_accepted").is_none() && old.get("check_ins_rejected").is_none(), "{old}");

        let id = uuid::Uuid::now_v7().to_string();
        let wall = hlc_now();
        let first = check_in(&id, &socks, &ada, "2026-03-09", "so_so", &dev, wall);
        let mut newer = check_in(&id, &socks, &ada, "2026-03-09", "good", &dev, wall + 5);
        newer["note"] = json!("Both socks, one prompt");
        let bad = [
            (
                check_in(&uuid::Uuid::now_v7().to_string(), &socks, &ada, "2026-03-10", "good", &dev, wall),
                "invalid",
                "week",
            ),
            (
                check_in(&uuid::Uuid::now_v7().to_string(), &zip, &ada, "2026-03-09", "good", &dev, wall),
                "unknown_goal",
                "goal_id",
            ),
            (
                check_in(&uuid::Uuid::now_v7().to_string(), &zip, &ben, "2026-03-09", "good", &dev, wall),
                "unknown_child",
                "child_id",
            ),
        ];
        let mut batch = vec![first.clone()];
        batch.extend(bad.iter().map(|(c, _, _)| c.clone()));
        let reply = push(&device, batch).await;
        assert_eq!(
            reply["check_ins_accepted"],
            json!([{"id": id, "hlc": {"wall_ms": wall, "counter": 0}}]),
            "{backend:?}"
        );
        let rejected = reply["check_ins_rejected"].as_array().unwrap();
        for (i, (_, reason, field)) in bad.iter().enumerate() {
            assert_eq!(
                (rejected[i]["index"].as_u64(), rejected[i]["reason"].as_str(), rejected[i]["field"].as_str()),
                (Some(i as u64 + 1), Some(*reason), Some(*field)),
                "{backend:?}: {reply}"
            );
        }

        // The same again, the newer version, then the first once more (late): acked each time; the newest stands.
        for c in [first.clone(), newer, first] {
            let reply = push(&device, vec![c]).await;
            assert_eq!(reply["check_ins_accepted"].as_array().unwrap().len(), 1, "{reply}");
        }
        let progress = t.get(&format!("/api/v1/children/{ada}/goals/progress")).await;
        let row = progress["goals"].as_array().unwrap().iter().find(|g| g["goal_id"] == socks.as_str()).unwrap();
        assert_eq!(
            row["check_ins"],
            json!([{"week": "2026-03-09", "face": "good", "answered_by": "Mum", "note": "Both socks, one prompt"}]),
            "{backend:?}"
        );

        // Each push that stored answers is in the audit log under the child, from the device; rejected ones are not.
        let audit = t.get("/api/v1/audit?limit=500").await;
        let rows: Vec<&Value> =
            audit["entries"].as_array().unwrap().iter().filter(|e| e["action"] == "push_check_ins").collect();
        assert_eq!(rows.len(), 4, "{backend:?}: one per push that stored an answer: {rows:?}");
        assert!(rows.iter().all(|e| e["child_id"] == ada.as_str()), "{rows:?}");

        // Bounded: more than 100 in one push is refused as a whole, naming the field.
        let many: Vec<Value> = (0..101)
            .map(|_| check_in(&uuid::Uuid::now_v7().to_string(), &socks, &ada, "2026-03-16", "good", &dev, wall))
            .collect();
        let resp = device.post("/api/v1/sync/push", json!({"protocol": 1, "logs": [], "check_ins": many})).await;
        expect_error(resp, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", Some("check_ins")).await;
    }
}
