//! The real server binary over HTTP: dashboard sign-in, device pairing, push and pull, revocation, bad input,
//! and two server instances sharing one PostgreSQL database. Each test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::type_complexity)]

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const BEAR_WALK: &str = "bear-walk";

fn builtin_id(slug: &str) -> String {
    homeplay_core::ids::ExerciseId::builtin(slug).to_string()
}

/// Leo with a daily "Bear walk" assignment, and two paired devices of his family.
struct Family {
    child: String,
    assignment: String,
    kitchen: DeviceClient,
    dads: DeviceClient,
}

async fn family(server: &TestServer, maya: &Therapist) -> Family {
    let leo = maya.add_child("Leo").await;
    let child = leo["child"]["id"].as_str().unwrap().to_owned();
    let assignment = maya
        .post(
            &format!("/api/v1/children/{child}/assignments"),
            json!({
                "target": {"kind": "exercise", "exercise_id": builtin_id(BEAR_WALK)},
                "start_date": "2026-03-02",
                "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "slots": [{"kind": "moment", "moment": "after_school"}]
            }),
        )
        .await;
    let assignment = assignment["id"].as_str().or(assignment["assignment"]["id"].as_str()).unwrap().to_owned();
    let kitchen = DeviceClient::pair(server, &maya.pairing_code(&child).await, "Kitchen laptop").await;
    let dads = DeviceClient::pair(server, &maya.pairing_code(&child).await, "Dad's laptop").await;
    Family { child, assignment, kitchen, dads }
}

fn logs_in(changes: &[Value]) -> Vec<Value> {
    changes.iter().filter(|c| c["type"] == "log").map(|c| c["data"].clone()).collect()
}

#[tokio::test]
async fn login_sessions_csrf_and_logout() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let server = TestServer::start(&db);
        let http = client();
        let login = |email: &str, password: &str| {
            http.post(server.url("/api/v1/auth/login")).json(&json!({"email": email, "password": password})).send()
        };
        let wrong = login(&clinic.email, "not the password").await.unwrap();
        let wrong = expect_error(wrong, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
        let unknown = login("nobody@riverside.example", "not the password").await.unwrap();
        let unknown = expect_error(unknown, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
        assert_eq!(wrong["message"], unknown["message"], "{backend:?}: the answer must not tell which was wrong");

        let maya = Therapist::login(&server, "MAYA@riverside.example").await;
        assert_eq!(maya.me["therapist"]["email"], "maya@riverside.example");
        assert_eq!(maya.me["clinic"]["name"], "Riverside");
        // A write without the CSRF header is refused even with a valid cookie.
        let resp = maya
            .http
            .post(server.url("/api/v1/children"))
            .json(&json!({"display_name": "Leo", "time_zone": "Europe/London"}))
            .send()
            .await
            .unwrap();
        expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;
        maya.add_child("Leo").await;

        let resp = maya.send(method("POST"), "/api/v1/auth/logout", None).await;
        assert_eq!(resp.status(), StatusCode::NO_CONTENT, "{backend:?}");
        let resp = maya.send(method("GET"), "/api/v1/auth/me", None).await;
        expect_error(resp, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
    }
}

#[tokio::test]
async fn login_is_rate_limited_per_account() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let server = TestServer::start(&db);
        let http = client();
        for _ in 0..5 {
            let resp = http
                .post(server.url("/api/v1/auth/login"))
                .json(&json!({"email": clinic.email, "password": "guess"}))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{backend:?}");
        }
        let resp = http
            .post(server.url("/api/v1/auth/login"))
            .json(&json!({"email": clinic.email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert!(resp.headers().contains_key("retry-after"), "{backend:?}");
        expect_error(resp, StatusCode::TOO_MANY_REQUESTS, "rate_limited", None).await;
    }
}

#[tokio::test]
async fn pairing_codes_are_single_use_and_checked() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let server = TestServer::start(&db);
        let maya = Therapist::login(&server, &clinic.email).await;
        let leo = maya.add_child("Leo").await;
        let child = leo["child"]["id"].as_str().unwrap();

        let info = expect_ok(client().get(server.url("/api/v1/sync/info")).send().await.unwrap()).await;
        assert_eq!((info["protocol_min"].as_u64(), info["protocol_max"].as_u64()), (Some(1), Some(1)));

        let code = maya.pairing_code(child).await;
        assert_eq!(code.len(), 9, "shown as XXXX-XXXX");
        let pair = |body: Value| client().post(server.url("/api/v1/sync/pair")).json(&body).send();
        // Typed loosely: lower case, no hyphen.
        let typed = code.replace('-', "").to_lowercase();
        let ok =
            expect_ok(pair(json!({"protocol": 1, "code": typed, "device_label": "Kitchen laptop"})).await.unwrap())
                .await;
        assert!(ok["token"].as_str().unwrap().starts_with("hpd_"));
        assert_eq!(ok["clinic_name"], "Riverside");
        let again = pair(json!({"protocol": 1, "code": code, "device_label": "Dad"})).await.unwrap();
        expect_error(again, StatusCode::GONE, "gone", Some("code")).await;
        let garbage = pair(json!({"protocol": 1, "code": "not a code!", "device_label": "Dad"})).await.unwrap();
        expect_error(garbage, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("code")).await;
        let unknown = pair(json!({"protocol": 1, "code": "0000-0000", "device_label": "Dad"})).await.unwrap();
        expect_error(unknown, StatusCode::NOT_FOUND, "not_found", Some("code")).await;
        let future =
            pair(json!({"protocol": 2, "code": maya.pairing_code(child).await, "device_label": "Dad"})).await.unwrap();
        let body = expect_error(future, StatusCode::BAD_REQUEST, "protocol_unsupported", None).await;
        assert_eq!(body["supported"], json!({"min": 1, "max": 1}));
        let long = pair(json!({"protocol": 1, "code": maya.pairing_code(child).await, "device_label": "x".repeat(61)}))
            .await
            .unwrap();
        expect_error(long, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("device_label")).await;

        let devices = maya.get(&format!("/api/v1/children/{child}/devices")).await;
        assert_eq!(devices.as_array().unwrap().len(), 1, "{backend:?}: only the successful pairing made a device");
    }
}

#[tokio::test]
async fn two_devices_sync_through_the_server_exactly_once() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let server = TestServer::start(&db);
        let maya = Therapist::login(&server, &clinic.email).await;
        let fam = family(&server, &maya).await;
        let exercise = builtin_id(BEAR_WALK);

        // The first pull brings the program: family, child, caregivers, exercise, assignment.
        let (first, cursor) = fam.dads.pull_all(None).await;
        let kinds: Vec<&str> = first.iter().map(|c| c["type"].as_str().unwrap()).collect();
        for kind in ["family", "child", "caregiver", "exercise", "assignment"] {
            assert!(kinds.contains(&kind), "{backend:?}: no {kind} in the first pull: {kinds:?}");
        }

        let now = hlc_now();
        let done = log_json(&fam.child, &fam.assignment, &exercise, "2026-03-04", &fam.kitchen.device_id, now);
        let mut too_long = log_json(&fam.child, &fam.assignment, &exercise, "2026-03-05", &fam.kitchen.device_id, now);
        too_long["note"] = json!("x".repeat(501));
        let mut elsewhere = log_json(&fam.child, &fam.assignment, &exercise, "2026-03-06", &fam.kitchen.device_id, now);
        elsewhere["exercise_id"] = json!(builtin_id("flamingo-stand"));
        let batch = vec![done.clone(), too_long.clone(), elsewhere.clone()];
        let reply = fam.kitchen.push(batch.clone()).await;
        assert_eq!(reply["accepted"].as_array().unwrap().len(), 1, "{backend:?}: {reply}");
        let rejected = reply["rejected"].as_array().unwrap();
        assert_eq!(rejected.len(), 2, "{backend:?}: {reply}");
        assert_eq!((rejected[0]["index"].as_u64(), rejected[0]["field"].as_str()), (Some(1), Some("note")));
        assert_eq!(rejected[0]["reason"], "invalid");
        assert_eq!(
            (rejected[1]["index"].as_u64(), rejected[1]["reason"].as_str()),
            (Some(2), Some("unknown_exercise"))
        );

        // The same batch again (a lost response, retried): nothing twice.
        let again = fam.kitchen.push(batch).await;
        assert_eq!(again["accepted"], reply["accepted"], "{backend:?}");

        // Dad's laptop receives Mum's tick once.
        let (changes, cursor) = fam.dads.pull_all(cursor).await;
        let logs = logs_in(&changes);
        assert_eq!(logs.len(), 1, "{backend:?}: {changes:?}");
        assert_eq!(logs[0], done, "{backend:?}: the log arrives exactly as recorded");

        // Dad edits it later: the kitchen sees the edit; an older edit arriving late changes nothing.
        let mut edit = done.clone();
        edit["outcome"] = json!({"status": "partly"});
        edit["hlc"] = json!({"wall_ms": now + 10, "counter": 0});
        edit["device_id"] = json!(fam.dads.device_id);
        fam.dads.push(vec![edit.clone()]).await;
        let mut stale = done.clone();
        stale["outcome"] = json!({"status": "not_done", "reason": "refused"});
        stale["hlc"] = json!({"wall_ms": now + 5, "counter": 0});
        let stale_reply = fam.kitchen.push(vec![stale]).await;
        assert_eq!(stale_reply["accepted"].as_array().unwrap().len(), 1, "an older version is safe, not an error");
        let (changes, _) = fam.kitchen.pull_all(None).await;
        let logs = logs_in(&changes);
        assert_eq!(logs, vec![edit.clone()], "{backend:?}");
        let (changes, _) = fam.dads.pull_all(cursor).await;
        assert_eq!(logs_in(&changes), vec![edit], "{backend:?}");
    }
}

#[tokio::test]
async fn a_revoked_device_is_refused_at_once_and_others_keep_working() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let server = TestServer::start(&db);
        let maya = Therapist::login(&server, &clinic.email).await;
        let fam = family(&server, &maya).await;
        maya.post(&format!("/api/v1/devices/{}/revoke", fam.dads.device_id), json!({})).await;
        let pull = fam.dads.post("/api/v1/sync/pull", json!({"protocol": 1})).await;
        expect_error(pull, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
        let log =
            log_json(&fam.child, &fam.assignment, &builtin_id(BEAR_WALK), "2026-03-04", &fam.dads.device_id, hlc_now());
        let push = fam.dads.post("/api/v1/sync/push", json!({"protocol": 1, "logs": [log]})).await;
        expect_error(push, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
        expect_ok(fam.kitchen.post("/api/v1/sync/pull", json!({"protocol": 1})).await).await;
        let devices = maya.get(&format!("/api/v1/children/{}/devices", fam.child)).await;
        let revoked: Vec<bool> = devices.as_array().unwrap().iter().map(|d| d["revoked_at"].is_string()).collect();
        assert_eq!(revoked, [false, true], "{backend:?}");
        // Editing the program does not disturb the remaining device's pairing.
        maya.put(
            &format!("/api/v1/children/{}", fam.child),
            json!({"display_name": "Leo", "time_zone": "Europe/Paris"}),
        )
        .await;
        let (changes, _) = fam.kitchen.pull_all(None).await;
        assert!(changes.iter().any(|c| c["type"] == "child" && c["data"]["time_zone"] == "Europe/Paris"));
    }
}

#[tokio::test]
async fn bad_sync_input_gets_a_typed_error_never_a_500() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let server = TestServer::start(&db);
        let maya = Therapist::login(&server, &clinic.email).await;
        let fam = family(&server, &maya).await;
        let dev = &fam.kitchen;
        let raw = |path: &str, content_type: &str, body: &str| {
            dev.http
                .post(server.url(path))
                .bearer_auth(&dev.token)
                .header("content-type", content_type)
                .body(body.to_owned())
                .send()
        };
        let cases: Vec<(&str, &str, String, StatusCode, &str, Option<&str>)> = vec![
            (
                "/api/v1/sync/push",
                "text/plain",
                "{}".into(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                None,
            ),
            (
                "/api/v1/sync/push",
                "application/json",
                "{\"protocol\": 1, \"logs\": [".into(),
                StatusCode::BAD_REQUEST,
                "bad_request",
                None,
            ),
            (
                "/api/v1/sync/push",
                "application/json",
                "{\"protocol\": 1, \"logs\": [], \"admin\": true}".into(),
                StatusCode::BAD_REQUEST,
                "bad_request",
                None,
            ),
            (
                "/api/v1/sync/push",
                "application/json",
                "{\"protocol\": 1, \"logs\": [{\"id\": \"nope\"}]}".into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                Some("logs[0].id"),
            ),
            (
                "/api/v1/sync/pull",
                "application/json",
                "{\"protocol\": 1, \"cursor\": \"v2.zz\"}".into(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                Some("cursor"),
            ),
            (
                "/api/v1/sync/pull",
                "application/json",
                "{\"protocol\": 7}".into(),
                StatusCode::BAD_REQUEST,
                "protocol_unsupported",
                None,
            ),
            ("/api/v1/sync/pull", "application/json", "[]".into(), StatusCode::BAD_REQUEST, "bad_request", None),
        ];
        for (path, ct, body, status, code, field) in cases {
            let resp = raw(path, ct, &body).await.unwrap();
            expect_error(resp, status, code, field).await;
        }
        // Too many logs in one push.
        let logs: Vec<Value> = (0..501)
            .map(|_| {
                log_json(&fam.child, &fam.assignment, &builtin_id(BEAR_WALK), "2026-03-04", &dev.device_id, hlc_now())
            })
            .collect();
        let resp = dev.post("/api/v1/sync/push", json!({"protocol": 1, "logs": logs})).await;
        expect_error(resp, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", Some("logs")).await;
        // A body over the size limit.
        let huge = format!("{{\"protocol\": 1, \"logs\": [], \"pad\": \"{}\"}}", "x".repeat(5 * 1024 * 1024));
        let resp = raw("/api/v1/sync/push", "application/json", &huge).await.unwrap();
        expect_error(resp, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", None).await;
        // Logs naming another child, an impossible date, a clock a year ahead, SQL and HTML in a note.
        let mut other_child =
            log_json(&fam.child, &fam.assignment, &builtin_id(BEAR_WALK), "2026-03-04", &dev.device_id, hlc_now());
        other_child["child_id"] = json!(uuid::Uuid::now_v7().to_string());
        let mut bad_date =
            log_json(&fam.child, &fam.assignment, &builtin_id(BEAR_WALK), "2026-02-30", &dev.device_id, hlc_now());
        bad_date["occurrence"]["date"] = json!("2026-02-30");
        let future = log_json(
            &fam.child,
            &fam.assignment,
            &builtin_id(BEAR_WALK),
            "2026-03-04",
            &dev.device_id,
            hlc_now() + 400 * 86_400_000,
        );
        let mut html =
            log_json(&fam.child, &fam.assignment, &builtin_id(BEAR_WALK), "2026-03-05", &dev.device_id, hlc_now());
        html["note"] = json!("<script>alert(1)</script>'); DROP TABLE logs;--");
        let reply = dev.push(vec![other_child, bad_date, future, html.clone()]).await;
        let reasons: Vec<(u64, &str)> = reply["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["index"].as_u64().unwrap(), r["reason"].as_str().unwrap()))
            .collect();
        assert_eq!(reasons, [(0, "unknown_child"), (1, "invalid"), (2, "clock_skew")], "{backend:?}: {reply}");
        let (changes, _) = fam.dads.pull_all(None).await;
        assert_eq!(logs_in(&changes), vec![html], "{backend:?}: text is stored as text");
        // No credentials, or credentials of the wrong shape.
        let anon = client().post(server.url("/api/v1/sync/pull")).json(&json!({"protocol": 1})).send().await.unwrap();
        expect_error(anon, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
        let forged = client()
            .post(server.url("/api/v1/sync/pull"))
            .bearer_auth("hpd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .json(&json!({"protocol": 1}))
            .send()
            .await
            .unwrap();
        expect_error(forged, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
        let missing = client().get(server.url("/api/v1/no/such/thing")).send().await.unwrap();
        expect_error(missing, StatusCode::NOT_FOUND, "not_found", None).await;
        let malformed_id = maya.send(method("GET"), "/api/v1/children/not-a-uuid", None).await;
        expect_error(malformed_id, StatusCode::BAD_REQUEST, "bad_request", Some("path")).await;
    }
}

#[tokio::test]
async fn a_device_never_receives_another_familys_data() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let server = TestServer::start(&db);
        let maya = Therapist::login(&server, &clinic.email).await;
        let leo = family(&server, &maya).await;
        let mia = family(&server, &maya).await;
        let exercise = builtin_id(BEAR_WALK);
        let mias_log =
            log_json(&mia.child, &mia.assignment, &exercise, "2026-03-04", &mia.kitchen.device_id, hlc_now());
        mia.kitchen.push(vec![mias_log.clone()]).await;
        // Leo's device pushes a log naming Mia and her assignment, and a copy of Mia's log id.
        let mut forged = mias_log.clone();
        forged["note"] = json!("overwritten");
        forged["hlc"] = json!({"wall_ms": hlc_now() + 1000, "counter": 0});
        let reply = leo.kitchen.push(vec![forged]).await;
        assert_eq!(reply["rejected"][0]["reason"], "unknown_child", "{backend:?}: {reply}");
        let (leo_changes, _) = leo.kitchen.pull_all(None).await;
        let text = serde_json::to_string(&leo_changes).unwrap();
        assert!(!text.contains(&mia.child), "{backend:?}: Leo's device saw Mia");
        let (mia_changes, _) = mia.kitchen.pull_all(None).await;
        assert_eq!(logs_in(&mia_changes), vec![mias_log], "{backend:?}");
    }
}

/// Two stateless server instances on one PostgreSQL database behave as one.
#[tokio::test]
async fn two_instances_share_one_postgres() {
    let db = TestDb::new(Backend::Postgres);
    let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
    let one = TestServer::start(&db);
    let two = TestServer::start(&db);
    let maya_on_one = Therapist::login(&one, &clinic.email).await;
    let fam = family(&one, &maya_on_one).await;
    // The same session cookie works on the other instance: sessions live in the database.
    let mut maya_on_two = Therapist::login(&one, &clinic.email).await;
    maya_on_two.base = two.base.clone();
    let me = maya_on_two.get("/api/v1/auth/me").await;
    assert_eq!(me["therapist"]["email"], clinic.email);

    let mut kitchen_on_two = DeviceClient { base: two.base.clone(), ..fam.kitchen };
    kitchen_on_two.http = client();
    let log = log_json(
        &fam.child,
        &fam.assignment,
        &builtin_id(BEAR_WALK),
        "2026-03-04",
        &kitchen_on_two.device_id,
        hlc_now(),
    );
    kitchen_on_two.push(vec![log.clone()]).await;
    let (on_one, cursor) = fam.dads.pull_all(None).await;
    assert_eq!(logs_in(&on_one), vec![log]);
    let mut dads_on_two = DeviceClient { base: two.base.clone(), ..fam.dads };
    dads_on_two.http = client();
    let (rest, _) = dads_on_two.pull_all(cursor).await;
    assert!(rest.is_empty(), "a cursor from one instance is valid on the other");
}

/// A server killed mid-run loses nothing it acknowledged.
#[tokio::test]
async fn acknowledged_logs_survive_a_server_kill() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let mut server = TestServer::start(&db);
        let maya = Therapist::login(&server, &clinic.email).await;
        let fam = family(&server, &maya).await;
        let logs: Vec<Value> = (1..=20)
            .map(|d| {
                log_json(
                    &fam.child,
                    &fam.assignment,
                    &builtin_id(BEAR_WALK),
                    &format!("2026-03-{d:02}"),
                    &fam.kitchen.device_id,
                    hlc_now(),
                )
            })
            .collect();
        let reply = fam.kitchen.push(logs.clone()).await;
        assert_eq!(reply["accepted"].as_array().unwrap().len(), 20);
        server.kill();
        let restarted = TestServer::start(&db);
        let dads = DeviceClient { base: restarted.base.clone(), ..fam.dads };
        let (changes, _) = dads.pull_all(None).await;
        let mut got = logs_in(&changes);
        got.sort_by_key(|l| l["occurrence"]["date"].as_str().unwrap().to_owned());
        assert_eq!(got, logs, "{backend:?}");
    }
}

/// The pairing, push and pull answers carry the database's epoch: a UUID, the same in each, from every server
/// started on the database (only a restore makes a new one: the backup suite), and different for another
/// database.
#[tokio::test]
async fn every_sync_answer_carries_the_databases_epoch() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let mut server = TestServer::start(&db);
        let maya = Therapist::login(&server, &clinic.email).await;
        let leo = maya.add_child("Leo").await;
        let child = leo["child"]["id"].as_str().unwrap().to_owned();
        let paired = client()
            .post(server.url("/api/v1/sync/pair"))
            .json(&json!({"protocol": 1, "code": maya.pairing_code(&child).await, "device_label": "Kitchen laptop"}))
            .send()
            .await
            .unwrap();
        let paired = expect_ok(paired).await;
        let epoch = paired["epoch"].as_str().expect("the pairing answer carries the epoch").to_owned();
        assert!(uuid::Uuid::parse_str(&epoch).is_ok(), "{epoch}");
        let mut device = DeviceClient {
            http: client(),
            base: server.base.clone(),
            token: paired["token"].as_str().unwrap().to_owned(),
            device_id: paired["device_id"].as_str().unwrap().to_owned(),
            family_id: paired["family_id"].as_str().unwrap().to_owned(),
        };
        let epoch_of = |v: &Value| v["epoch"].as_str().map(str::to_owned);
        assert_eq!(epoch_of(&device.push(vec![]).await), Some(epoch.clone()), "{backend:?}: push");
        let pull = expect_ok(device.post("/api/v1/sync/pull", json!({"protocol": 1})).await).await;
        assert_eq!(epoch_of(&pull), Some(epoch.clone()), "{backend:?}: pull");

        // A restart is not a restore.
        server.kill();
        server.start_again();
        // The old connection died with the server.
        device.http = client();
        let pull = expect_ok(device.post("/api/v1/sync/pull", json!({"protocol": 1})).await).await;
        assert_eq!(epoch_of(&pull), Some(epoch.clone()), "{backend:?}: after a restart");

        let other = TestDb::new(backend);
        make_clinic(&other, "Lakeside", "sam@lakeside.example", true);
        let other_server = TestServer::start(&other);
        let other_maya = Therapist::login(&other_server, "sam@lakeside.example").await;
        let kim = other_maya.add_child("Kim").await;
        let code = other_maya.pairing_code(kim["child"]["id"].as_str().unwrap()).await;
        let other_device = DeviceClient::pair(&other_server, &code, "Phone").await;
        let other_epoch = epoch_of(&other_device.push(vec![]).await);
        assert!(other_epoch.is_some() && other_epoch != Some(epoch), "{backend:?}: each database has its own");
    }
}
