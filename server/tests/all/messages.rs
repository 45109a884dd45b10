//! A child's thread with the family: a therapist writes in the dashboard (once per client key), a device
//! pushes the family's messages like logs, both reach every device of the family by pull, each side marks how
//! far it has read, and nobody outside the child's family and care team reads or writes it. On SQLite and
//! PostgreSQL, through the real server binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn family_message(id: &str, child: &str, text: &str, device: &str, wall: u64) -> Value {
    json!({"id": id, "child_id": child, "text": text, "written_by": "Mum", "device_id": device,
           "hlc": {"wall_ms": wall, "counter": 0}})
}

async fn push(device: &DeviceClient, body: Value) -> Value {
    let mut body = body;
    body["protocol"] = json!(1);
    body["logs"] = json!([]);
    expect_ok(device.post("/api/v1/sync/push", body).await).await
}

fn of_type<'a>(changes: &'a [Value], kind: &str) -> Vec<&'a Value> {
    changes.iter().filter(|c| c["type"] == kind).map(|c| &c["data"]).collect()
}

#[tokio::test]
async fn messages_go_both_ways_once_and_each_side_knows_what_it_has_not_read() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (server, maya, _ari) = maya_and_ari(&db).await;
        let ada = maya.add_child("Ada").await["child"]["id"].as_str().unwrap().to_owned();
        let code = maya.pairing_code(&ada).await;
        let kitchen = DeviceClient::pair(&server, &code, "Kitchen laptop").await;
        let code = maya.pairing_code(&ada).await;
        let phone = DeviceClient::pair(&server, &code, "Dad's laptop").await;
        let thread_path = format!("/api/v1/children/{ada}/messages");

        // The therapist writes; the same client key again (a double click) sends nothing new.
        let key = uuid::Uuid::now_v7().to_string();
        let body = json!({"client_key": key, "text": "Great week! Try the pegs at bath time.", "sticker": "star"});
        let sent = maya.send(method("POST"), &thread_path, Some(body.clone())).await;
        assert_eq!(sent.status(), StatusCode::CREATED, "{backend:?}");
        let sent: Value = sent.json().await.unwrap();
        assert_eq!((sent["from"].as_str(), sent["side"].as_str()), (Some("Maya (OT)"), Some("clinic")));
        let again = maya.send(method("POST"), &thread_path, Some(body)).await;
        assert_eq!(again.status(), StatusCode::OK, "{backend:?}");
        assert_eq!(again.json::<Value>().await.unwrap(), sent);

        // Both devices of the family receive it once; the kitchen laptop answers, twice over (a lost ack).
        let (changes, kitchen_cursor) = kitchen.pull_all(None).await;
        assert_eq!(of_type(&changes, "message"), vec![&sent], "{backend:?}");
        let id = uuid::Uuid::now_v7().to_string();
        let reply = family_message(&id, &ada, "Thank you! She loved the star.", &kitchen.device_id, hlc_now());
        for _ in 0..2 {
            let answer = push(&kitchen, json!({"messages": [reply.clone()]})).await;
            assert_eq!(answer["messages_accepted"][0]["id"], id.as_str(), "{backend:?}: {answer}");
            assert!(answer.get("messages_rejected").is_none(), "{answer}");
        }
        let (changes, _) = phone.pull_all(None).await;
        let messages = of_type(&changes, "message");
        assert_eq!(messages.len(), 2, "{backend:?}: {messages:?}");
        assert_eq!((messages[1]["id"].as_str(), messages[1]["from"].as_str()), (Some(id.as_str()), Some("Mum")));

        // The clinic sees the thread in order, one unread from the family.
        let thread = maya.get(&thread_path).await;
        let ids: Vec<&str> = thread["messages"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
        assert_eq!(ids, [sent["id"].as_str().unwrap(), id.as_str()], "{backend:?}");
        assert_eq!(thread["unread"], 1);

        // The clinic reads it; the family's devices learn how far, and the family's own mark reaches the clinic.
        let mark = maya.post(&format!("{thread_path}/read"), json!({"up_to": id})).await;
        assert_eq!((mark["side"].as_str(), mark["by"].as_str()), (Some("clinic"), Some("Maya (OT)")));
        assert_eq!(maya.get(&thread_path).await["unread"], 0);
        // Marking an older message does not move the mark back.
        let older = maya.post(&format!("{thread_path}/read"), json!({"up_to": sent["id"]})).await;
        assert_eq!(older["up_to"], id.as_str());
        let read = json!({"id": uuid::Uuid::now_v7().to_string(), "child_id": ada, "up_to": sent["id"],
                          "read_by": "Dad", "device_id": phone.device_id, "hlc": {"wall_ms": hlc_now(), "counter": 0}});
        let answer = push(&phone, json!({"message_reads": [read]})).await;
        assert_eq!(answer["message_reads_accepted"].as_array().unwrap().len(), 1, "{answer}");
        let thread = maya.get(&thread_path).await;
        assert_eq!(
            (thread["family_read"]["up_to"].clone(), thread["family_read"]["by"].clone()),
            (sent["id"].clone(), json!("Dad"))
        );
        let (changes, _) = kitchen.pull_all(kitchen_cursor).await;
        let marks = of_type(&changes, "thread_read");
        assert!(marks.iter().any(|m| m["side"] == "clinic" && m["up_to"] == id.as_str()), "{backend:?}: {marks:?}");
        assert!(marks.iter().any(|m| m["side"] == "family" && m["by"] == "Dad"), "{marks:?}");

        // Every read and write of the thread is audited under the child.
        let audit = maya.get("/api/v1/audit?limit=500").await;
        let actions: Vec<&str> = audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["child_id"] == ada.as_str())
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        for action in ["send_message", "list_messages", "read_messages", "push_messages", "push_message_reads"] {
            assert!(actions.contains(&action), "{backend:?}: no {action} in {actions:?}");
        }
        assert_eq!(actions.iter().filter(|a| **a == "send_message").count(), 1, "one message, one audit line");
    }
}

#[tokio::test]
async fn feedback_sent_before_messages_is_part_of_the_thread() {
    let db = TestDb::new(Backend::Sqlite);
    let (_server, maya, _ari) = maya_and_ari(&db).await;
    let ada = maya.add_child("Ada").await["child"]["id"].as_str().unwrap().to_owned();
    let feedback = maya
        .post(&format!("/api/v1/children/{ada}/feedback"), json!({"date": "2030-03-04", "comment": "Super pegs!"}))
        .await;
    let thread = maya.get(&format!("/api/v1/children/{ada}/messages")).await;
    assert_eq!(thread["messages"][0]["id"], feedback["id"]);
    assert_eq!(
        (thread["messages"][0]["text"].as_str(), thread["messages"][0]["side"].as_str()),
        (Some("Super pegs!"), Some("clinic"))
    );
    // It can be the clinic's read mark like any message.
    let mark = maya.post(&format!("/api/v1/children/{ada}/messages/read"), json!({"up_to": feedback["id"]})).await;
    assert_eq!(mark["up_to"], feedback["id"]);
}

#[tokio::test]
async fn bad_messages_are_refused_by_field_and_strangers_are_kept_out() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (server, maya, _ari) = maya_and_ari(&db).await;
        let other_clinic = make_clinic(&db, "Hillside", "hana@hillside.example", true);
        let hana = Therapist::login(&server, &other_clinic.email).await;
        let ada = maya.add_child("Ada").await["child"]["id"].as_str().unwrap().to_owned();
        let ben = maya.add_child("Ben").await["child"]["id"].as_str().unwrap().to_owned();
        let ada_device = DeviceClient::pair(&server, &maya.pairing_code(&ada).await, "Ada's laptop").await;
        let ben_device = DeviceClient::pair(&server, &maya.pairing_code(&ben).await, "Ben's laptop").await;
        let path = format!("/api/v1/children/{ada}/messages");
        let send = |body: Value| maya.send(method("POST"), &path, Some(body));

        // The dashboard: too long, empty, an unknown sticker, a mark outside the thread.
        let key = || uuid::Uuid::now_v7().to_string();
        let long = "a".repeat(1001);
        expect_error(
            send(json!({"client_key": key(), "text": long})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("text"),
        )
        .await;
        expect_error(
            send(json!({"client_key": key()})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("text"),
        )
        .await;
        expect_error(
            send(json!({"client_key": key(), "sticker": "unicorn"})).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
            Some("sticker"),
        )
        .await;
        let stray = json!({"up_to": uuid::Uuid::now_v7().to_string()});
        expect_error(
            maya.send(method("POST"), &format!("{path}/read"), Some(stray)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("up_to"),
        )
        .await;

        // Another clinic's therapist finds no such child, to read or to write.
        expect_error(hana.send(method("GET"), &path, None).await, StatusCode::NOT_FOUND, "not_found", None).await;
        let resp = hana.send(method("POST"), &path, Some(json!({"client_key": key(), "text": "Hi"}))).await;
        expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;

        // A device: another family's child, too long a text, another device's id, a taken id, too many.
        let wall = hlc_now();
        let mine = uuid::Uuid::now_v7().to_string();
        let answer = push(
            &ben_device,
            json!({"messages": [
                family_message(&uuid::Uuid::now_v7().to_string(), &ada, "Not my child", &ben_device.device_id, wall),
                family_message(&uuid::Uuid::now_v7().to_string(), &ben, &"b".repeat(1001), &ben_device.device_id, wall),
                family_message(&uuid::Uuid::now_v7().to_string(), &ben, "Not my device", &ada_device.device_id, wall),
                family_message(&mine, &ben, "Hello", &ben_device.device_id, wall),
            ]}),
        )
        .await;
        let refused: Vec<(&str, &str)> = answer["messages_rejected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["reason"].as_str().unwrap(), r["field"].as_str().unwrap()))
            .collect();
        assert_eq!(
            refused,
            [("unknown_child", "child_id"), ("invalid", "text"), ("invalid", "device_id")],
            "{backend:?}"
        );
        assert_eq!(answer["messages_accepted"].as_array().unwrap().len(), 1);
        let taken = push(
            &ada_device,
            json!({"messages": [family_message(&mine, &ada, "Same id", &ada_device.device_id, wall)]}),
        )
        .await;
        assert_eq!(taken["messages_rejected"][0]["reason"], "immutable_field", "{backend:?}: {taken}");
        let many: Vec<Value> = (0..101)
            .map(|_| family_message(&uuid::Uuid::now_v7().to_string(), &ada, "x", &ada_device.device_id, wall))
            .collect();
        let resp = ada_device.post("/api/v1/sync/push", json!({"protocol": 1, "logs": [], "messages": many})).await;
        expect_error(resp, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", Some("messages")).await;

        // Nothing of Ben's reaches Ada's family, nor Ada's the clinic's thread of Ben.
        let (changes, _) = ada_device.pull_all(None).await;
        assert!(of_type(&changes, "message").is_empty(), "{backend:?}: {changes:?}");
        assert!(maya.get(&path).await["messages"].as_array().unwrap().is_empty());
        assert_eq!(
            maya.get(&format!("/api/v1/children/{ben}/messages")).await["messages"].as_array().unwrap().len(),
            1
        );
    }
}

/// A device that was offline a while pushes a read mark per message it read, for two children of the family,
/// in one push: every mark is accepted and the furthest of each child stands; the same push again (a lost
/// answer) is answered the same and changes nothing, not even the family's feed.
#[tokio::test]
async fn a_push_of_many_read_marks_keeps_them_all_and_a_retry_changes_nothing() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let (server, maya, _ari) = maya_and_ari(&db).await;
        let ada = maya.add_child("Ada").await;
        let family = ada["child"]["family_id"].as_str().unwrap().to_owned();
        let ada = ada["child"]["id"].as_str().unwrap().to_owned();
        let body = json!({"display_name": "Ben", "time_zone": "Europe/London", "age_years": 3, "family_id": family});
        let ben = maya.post("/api/v1/children", body).await["child"]["id"].as_str().unwrap().to_owned();
        let tablet = DeviceClient::pair(&server, &maya.pairing_code(&ada).await, "Tablet").await;

        let mut sent: Vec<(String, String)> = Vec::new();
        for i in 0..12 {
            for child in [&ada, &ben] {
                let body = json!({"client_key": uuid::Uuid::now_v7().to_string(), "text": format!("Note {i}")});
                let m = maya.post(&format!("/api/v1/children/{child}/messages"), body).await;
                sent.push((child.clone(), m["id"].as_str().unwrap().to_owned()));
            }
        }
        let (_, cursor) = tablet.pull_all(None).await;
        let reads: Vec<Value> = sent
            .iter()
            .enumerate()
            .map(|(i, (child, up_to))| {
                json!({"id": uuid::Uuid::now_v7().to_string(), "child_id": child, "up_to": up_to, "read_by": "Mum",
                       "device_id": tablet.device_id, "hlc": {"wall_ms": hlc_now(), "counter": i}})
            })
            .collect();
        let first = push(&tablet, json!({"message_reads": reads.clone()})).await;
        assert_eq!(first["message_reads_accepted"].as_array().unwrap().len(), reads.len(), "{backend:?}: {first}");
        assert!(first.get("message_reads_rejected").is_none(), "{first}");
        for child in [&ada, &ben] {
            let last = &sent.iter().rev().find(|(c, _)| c == child).unwrap().1;
            let thread = maya.get(&format!("/api/v1/children/{child}/messages")).await;
            assert_eq!(thread["family_read"]["up_to"], last.as_str(), "{backend:?}: the furthest mark stands");
        }
        let (changes, cursor) = tablet.pull_all(cursor).await;
        let marks = of_type(&changes, "thread_read");
        assert_eq!(marks.len(), 2, "{backend:?}: one mark per child in the feed: {marks:?}");

        let again = push(&tablet, json!({"message_reads": reads.clone()})).await;
        assert_eq!(
            again["message_reads_accepted"], first["message_reads_accepted"],
            "{backend:?}: a retry is answered the same"
        );
        assert!(again.get("message_reads_rejected").is_none(), "{again}");
        let (changes, _) = tablet.pull_all(cursor).await;
        assert!(of_type(&changes, "thread_read").is_empty(), "{backend:?}: a retry moves nothing: {changes:?}");
    }
}
