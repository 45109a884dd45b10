//! The therapist's program API end to end, on SQLite and PostgreSQL: library, routines, assignments,
//! feedback and media uploads, and what of it reaches a paired family device.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{
    BACKENDS, Backend, DeviceClient, TestDb, TestServer, Therapist, expect_error, expect_ok, make_clinic, method,
};
use homeplay_core::ids::ExerciseId;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A 1×1 RGBA PNG, with valid chunk checksums.
const TINY_PNG_HEX: &str = "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8dfc0f01f000680027f104c1be10000000049454e44ae426082";

fn tiny_png() -> Vec<u8> {
    hex::decode(TINY_PNG_HEX).unwrap()
}

fn sha256_ref(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

async fn upload(t: &Therapist, content_type: Option<&str>, bytes: Vec<u8>) -> Response {
    let mut req = t.http.post(format!("{}/api/v1/media", t.base)).header("x-csrf-token", &t.csrf).body(bytes);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    req.send().await.unwrap()
}

/// Uploads `total` bytes that start like a PNG, streamed without a Content-Length (chunked), as a client
/// sending a file it has not measured would; returns the status and the JSON body.
async fn upload_chunked(server: &TestServer, email: &str, total: usize) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let login = reqwest::Client::new()
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": crate::common::PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let csrf = login.json::<Value>().await.unwrap()["csrf_token"].as_str().unwrap().to_owned();

    let mut stream = tokio::net::TcpStream::connect(server.base.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "POST /api/v1/media HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n\
         Content-Type: image/png\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut data = tiny_png();
    data.resize(total, 7);
    for chunk in data.chunks(64 * 1024) {
        stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await.unwrap();
        stream.write_all(chunk).await.unwrap();
        stream.write_all(b"\r\n").await.unwrap();
    }
    stream.write_all(b"0\r\n\r\n").await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8(response).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {body}")))
}

/// A clinic exercise as the dashboard sends it.
fn exercise_body(title: &str, first_picture: &str) -> Value {
    json!({
        "discipline": "ot",
        "skill_areas": ["fine_motor"],
        "title": title,
        "kid_title": "Pinch it!",
        "instructions": "Pinch each peg onto the card's edge.",
        "steps": [
            {"picture": first_picture, "caption": "Open the peg"},
            {"picture": "builtin:clothespin-crocodile-2", "caption": "Bite the card"}
        ],
        "dosage": {"reps": 5},
        "equipment": ["Clothes pegs", "A card"],
        "ages": {"min_years": 3, "max_years": 8}
    })
}

fn after_school_weekdays(target: Value, start: &str) -> Value {
    json!({
        "target": target,
        "start_date": start,
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "slots": [{"kind": "moment", "moment": "after_school"}],
        "note_for_family": "Let her choose the pegs' colours."
    })
}

fn builtin(slug: &str) -> String {
    ExerciseId::builtin(slug).to_string()
}

/// The changes of one type, by their `data`.
fn of_type<'a>(changes: &'a [Value], kind: &str) -> Vec<&'a Value> {
    changes.iter().filter(|c| c["type"] == kind).map(|c| &c["data"]).collect()
}

fn last_with_id<'a>(changes: &'a [Value], kind: &str, id: &Value) -> &'a Value {
    of_type(changes, kind).into_iter().rev().find(|d| d["id"] == *id).unwrap_or_else(|| panic!("no {kind} {id}"))
}

struct Setup {
    db: TestDb,
    server: TestServer,
    clinic_id: String,
    t: Therapist,
    child_id: String,
}

async fn setup(backend: Backend) -> Setup {
    let db = TestDb::new(backend);
    let clinic = make_clinic(&db, "Riverside Pediatric Therapy", "maya@riverside.example", false);
    let server = TestServer::start(&db);
    let t = Therapist::login(&server, &clinic.email).await;
    let child = t.add_child("Ada").await;
    let child_id = child["child"]["id"].as_str().unwrap().to_owned();
    Setup { db, server, clinic_id: clinic.id, t, child_id }
}

#[tokio::test]
async fn a_program_built_in_the_dashboard_reaches_the_family_device() {
    for backend in BACKENDS {
        program_reaches_device(backend).await;
    }
}

async fn program_reaches_device(backend: Backend) {
    let Setup { db: _db, server, clinic_id, t, child_id } = setup(backend).await;

    // A photo of the clinic's own pegs, and an exercise that shows it.
    let png = tiny_png();
    let media = expect_ok(upload(&t, Some("image/png"), png.clone()).await).await;
    assert_eq!(media["media"], sha256_ref(&png), "{backend:?}");
    assert_eq!(media["content_type"], "image/png");
    assert_eq!(media["bytes"], png.len());
    let picture = media["media"].as_str().unwrap().to_owned();

    let resp = t.send(method("POST"), "/api/v1/library/exercises", Some(exercise_body("Peg pinch", &picture))).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let pegs: Value = resp.json().await.unwrap();
    assert_eq!(pegs["origin"], json!({"kind": "clinic", "clinic_id": clinic_id}));
    assert_eq!(pegs["steps"][0]["picture"], picture);
    let pegs_id = pegs["id"].as_str().unwrap().to_owned();
    assert_eq!(t.get(&format!("/api/v1/library/exercises/{pegs_id}")).await, pegs);

    // A built-in exercise, cloned and made the clinic's own.
    let bear = builtin("bear-walk");
    let resp = t.send(method("POST"), &format!("/api/v1/library/exercises/{bear}/clone"), None).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let mut bear_copy: Value = resp.json().await.unwrap();
    assert_eq!(bear_copy["origin"], json!({"kind": "clinic", "clinic_id": clinic_id, "cloned_from": bear}));
    assert_ne!(bear_copy["id"], bear);
    let copy_id = bear_copy["id"].as_str().unwrap().to_owned();
    let mut edit = bear_copy.as_object().unwrap().clone();
    edit.remove("id");
    edit.remove("origin");
    edit.insert("title".into(), json!("Bear walk to the sofa"));
    bear_copy = t.put(&format!("/api/v1/library/exercises/{copy_id}"), Value::Object(edit)).await;
    assert_eq!(bear_copy["title"], "Bear walk to the sofa");
    assert_eq!(bear_copy["origin"]["cloned_from"], bear, "an edit keeps the origin");

    // Six items: saved, with the long-routine warning.
    let items = vec![
        pegs_id.clone(),
        copy_id.clone(),
        builtin("playdough-snakes"),
        builtin("clothespin-crocodile"),
        builtin("bead-threading"),
        builtin("cup-stacking"),
    ];
    let body = json!({"title": "After-school warm-up", "kid_title": "Warm-up party!", "items": items,
        "then_reward": {"label": "Bubbles!"}});
    let resp = t.send(method("POST"), "/api/v1/library/routines", Some(body)).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let reply: Value = resp.json().await.unwrap();
    assert_eq!(reply["warnings"], json!([{"kind": "long_routine", "items": 6, "recommended_max": 5}]));
    assert_eq!(reply["routine"]["items"], json!(items));
    let routine_id = reply["routine"]["id"].as_str().unwrap().to_owned();
    let listed = t.get("/api/v1/library/routines").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["routine"]["id"], routine_id);
    assert_eq!(listed[0]["warnings"][0]["kind"], "long_routine");

    // Assigned Mon–Fri after school.
    let body = after_school_weekdays(json!({"kind": "routine", "routine_id": routine_id}), "2026-03-02");
    let resp = t.send(method("POST"), &format!("/api/v1/children/{child_id}/assignments"), Some(body)).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let assignment: Value = resp.json().await.unwrap();
    assert_eq!(assignment["status"], "active");
    assert_eq!(assignment["child_id"], child_id);
    assert_eq!(assignment["assigned_by"], t.me["therapist"]["id"]);
    let assignment_id = assignment["id"].as_str().unwrap().to_owned();
    let listed = t.get(&format!("/api/v1/children/{child_id}/assignments")).await;
    assert_eq!(listed, json!([assignment]));

    // The family pairs a device and receives the whole program.
    let code = t.pairing_code(&child_id).await;
    let device = DeviceClient::pair(&server, &code, "Kitchen laptop").await;
    let (changes, cursor) = device.pull_all(None).await;
    assert_eq!(last_with_id(&changes, "assignment", &json!(assignment_id))["status"], "active");
    assert_eq!(last_with_id(&changes, "routine", &json!(routine_id))["items"], json!(items));
    let exercise_ids: Vec<&Value> = of_type(&changes, "exercise").into_iter().map(|e| &e["id"]).collect();
    for id in &items {
        assert!(exercise_ids.contains(&&json!(id)), "{backend:?}: exercise {id} missing from {exercise_ids:?}");
    }
    assert_eq!(last_with_id(&changes, "exercise", &json!(copy_id))["title"], "Bear walk to the sofa");
    let media_changes = of_type(&changes, "media");
    assert_eq!(media_changes, vec![&json!({"media": picture, "content_type": "image/png", "bytes": png.len()})]);

    // The device fetches the photo and checks it against its name.
    let resp = device
        .http
        .get(server.url(&format!("/api/v1/media/{picture}")))
        .bearer_auth(&device.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    let fetched = resp.bytes().await.unwrap();
    assert_eq!(sha256_ref(&fetched), picture);

    // An edit of the clinic's exercise reaches the device on its next pull.
    let mut edit = exercise_body("Peg pinch", &picture);
    edit["kid_title"] = json!("Peg crocodiles!");
    let edited = t.put(&format!("/api/v1/library/exercises/{pegs_id}"), edit).await;
    assert_eq!(edited["kid_title"], "Peg crocodiles!");
    assert_eq!(edited["id"], pegs_id);
    let (changes, cursor) = device.pull_all(cursor).await;
    assert_eq!(last_with_id(&changes, "exercise", &json!(pegs_id))["kid_title"], "Peg crocodiles!", "{backend:?}");

    // A shorter routine with an exercise new to the family: the routine and the new exercise arrive.
    let resp = t
        .send(
            method("POST"),
            "/api/v1/library/exercises",
            Some(exercise_body("Peg race", "builtin:clothespin-crocodile-1")),
        )
        .await;
    let race: Value = expect_ok(resp).await;
    let new_items =
        vec![pegs_id.clone(), copy_id.clone(), race["id"].as_str().unwrap().to_owned(), builtin("cup-stacking")];
    let body = json!({"title": "After-school warm-up", "kid_title": "Warm-up party!", "items": new_items});
    let reply = t.put(&format!("/api/v1/library/routines/{routine_id}"), body).await;
    assert_eq!(reply["warnings"], json!([]));
    let (changes, cursor) = device.pull_all(cursor).await;
    assert_eq!(last_with_id(&changes, "routine", &json!(routine_id))["items"], json!(new_items));
    assert_eq!(last_with_id(&changes, "exercise", &race["id"])["title"], "Peg race");

    // Changing the times keeps the status; pause, resume and end follow the rules.
    let mut body = after_school_weekdays(json!({"kind": "routine", "routine_id": routine_id}), "2026-03-02");
    body["slots"] = json!([{"kind": "moment", "moment": "after_school"}, {"kind": "at", "time": "19:00:00"}]);
    let updated = t.put(&format!("/api/v1/assignments/{assignment_id}"), body).await;
    assert_eq!(updated["slots"].as_array().unwrap().len(), 2);
    assert_eq!(updated["status"], "active");
    let path = |action: &str| format!("/api/v1/assignments/{assignment_id}/{action}");
    let paused = t.post(&path("pause"), json!({"on": "2030-03-10"})).await;
    assert_eq!(paused["status"], "paused");
    assert_eq!(paused["pauses"], json!([{"from": "2030-03-10"}]));
    let again = t.send(method("POST"), &path("pause"), Some(json!({"on": "2030-03-11"}))).await;
    expect_error(again, StatusCode::CONFLICT, "conflict", None).await;
    let resumed = t.post(&path("resume"), json!({"on": "2030-03-16"})).await;
    assert_eq!(resumed["status"], "active");
    assert_eq!(resumed["pauses"], json!([{"from": "2030-03-10", "until": "2030-03-16"}]));
    let again = t.send(method("POST"), &path("resume"), Some(json!({"on": "2030-03-17"}))).await;
    expect_error(again, StatusCode::CONFLICT, "conflict", None).await;
    let ended = t.post(&path("end"), json!({"on": "2030-03-31"})).await;
    assert_eq!(ended["status"], "ended");
    assert_eq!(ended["end_date"], "2030-03-31");
    let again = t.send(method("POST"), &path("end"), Some(json!({"on": "2030-04-01"}))).await;
    expect_error(again, StatusCode::CONFLICT, "conflict", None).await;

    let history = t.get(&path("history")).await;
    let actions: Vec<&str> = history.as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["create", "update", "pause", "resume", "end"], "{backend:?}");
    assert_eq!(history[4]["assignment"], ended);
    assert_eq!(history[0]["therapist_id"], t.me["therapist"]["id"]);
    assert!(history[0]["at"].as_str().unwrap().ends_with('Z'));

    // Feedback reaches the device too.
    let body = json!({"date": "2026-03-04", "sticker": "star", "comment": "Super pegs!"});
    let resp = t.send(method("POST"), &format!("/api/v1/children/{child_id}/feedback"), Some(body)).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let feedback: Value = resp.json().await.unwrap();
    assert_eq!(feedback["from"], "Maya (OT)");
    assert_eq!(t.get(&format!("/api/v1/children/{child_id}/feedback")).await, json!([feedback]));
    let (changes, _) = device.pull_all(cursor).await;
    assert_eq!(last_with_id(&changes, "assignment", &json!(assignment_id))["status"], "ended");
    assert_eq!(*last_with_id(&changes, "feedback", &feedback["id"]), feedback, "{backend:?}");
}

#[tokio::test]
async fn the_library_lists_filters_and_keeps_clinics_apart() {
    for backend in BACKENDS {
        library_lists_and_filters(backend).await;
    }
}

async fn library_lists_and_filters(backend: Backend) {
    let Setup { db, server, t, .. } = setup(backend).await;
    let own = t.post("/api/v1/library/exercises", exercise_body("Peg pinch", "builtin:clothespin-crocodile-1")).await;

    let all = t.get("/api/v1/library/exercises").await;
    let all = all.as_array().unwrap();
    let builtins = all.iter().filter(|e| e["origin"]["kind"] == "builtin").count();
    assert!(builtins >= 40, "{builtins} built-in exercises");
    assert!(all.contains(&own));

    let pt = t.get("/api/v1/library/exercises?discipline=pt").await;
    let pt = pt.as_array().unwrap();
    assert!(!pt.is_empty() && pt.len() < all.len());
    assert!(pt.iter().all(|e| e["discipline"] == "pt" || e["discipline"] == "both"));
    assert!(!pt.contains(&own), "an OT exercise is not listed for PT");

    let fine = t.get("/api/v1/library/exercises?discipline=ot&area=fine_motor").await;
    let fine = fine.as_array().unwrap();
    assert!(fine.contains(&own));
    assert!(fine.iter().all(|e| e["skill_areas"].as_array().unwrap().contains(&json!("fine_motor"))));

    let found = t.get("/api/v1/library/exercises?q=PEG%20PINCH").await;
    assert_eq!(found, json!([own]), "{backend:?}");
    let found = t.get("/api/v1/library/exercises?q=flamingo").await;
    assert!(found.as_array().unwrap().iter().any(|e| e["title"] == "Flamingo stand"));

    let resp = t.send(method("GET"), "/api/v1/library/exercises?discipline=dance", None).await;
    expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("discipline")).await;
    let resp = t.send(method("GET"), "/api/v1/library/exercises?colour=red", None).await;
    expect_error(resp, StatusCode::BAD_REQUEST, "bad_request", Some("colour")).await;
    let long = "x".repeat(101);
    let resp = t.send(method("GET"), &format!("/api/v1/library/exercises?q={long}"), None).await;
    expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("q")).await;

    // Another clinic sees only the built-ins and its own.
    let other = make_clinic(&db, "Hillside Therapy", "sam@hillside.example", false);
    let t2 = Therapist::login(&server, &other.email).await;
    let theirs = t2.get("/api/v1/library/exercises").await;
    assert_eq!(theirs.as_array().unwrap().len(), builtins);
    let own_id = own["id"].as_str().unwrap();
    let resp = t2.send(method("GET"), &format!("/api/v1/library/exercises/{own_id}"), None).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    let resp = t2
        .send(
            method("PUT"),
            &format!("/api/v1/library/exercises/{own_id}"),
            Some(exercise_body("Mine now", "builtin:clothespin-crocodile-1")),
        )
        .await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    let resp = t2.send(method("POST"), &format!("/api/v1/library/exercises/{own_id}/clone"), None).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    let body = json!({"title": "Borrowed", "kid_title": "Go!", "items": [own_id]});
    let resp = t2.send(method("POST"), "/api/v1/library/routines", Some(body)).await;
    expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("items[0]")).await;
    let routine =
        t.post("/api/v1/library/routines", json!({"title": "Mine", "kid_title": "Go!", "items": [own_id]})).await;
    let routine_id = routine["routine"]["id"].as_str().unwrap();
    assert_eq!(t.get(&format!("/api/v1/library/routines/{routine_id}")).await, routine);
    let resp = t2.send(method("GET"), &format!("/api/v1/library/routines/{routine_id}"), None).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    assert_eq!(t2.get("/api/v1/library/routines").await, json!([]));
    let their_child = t2.add_child("Ben").await;
    let their_child_id = their_child["child"]["id"].as_str().unwrap();
    let body = after_school_weekdays(json!({"kind": "routine", "routine_id": routine_id}), "2026-03-02");
    let resp = t2.send(method("POST"), &format!("/api/v1/children/{their_child_id}/assignments"), Some(body)).await;
    expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("target.routine_id")).await;

    // Signed out, or without the CSRF header, nothing changes.
    let resp = crate::common::client().get(server.url("/api/v1/library/exercises")).send().await.unwrap();
    expect_error(resp, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
    let resp = t
        .http
        .post(server.url("/api/v1/library/exercises"))
        .json(&exercise_body("No token", "builtin:clothespin-crocodile-1"))
        .send()
        .await
        .unwrap();
    expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;
}

#[tokio::test]
async fn the_library_refuses_bad_input_naming_the_field() {
    for backend in BACKENDS {
        library_refuses_bad_input(backend).await;
    }
}

async fn library_refuses_bad_input(backend: Backend) {
    let Setup { db: _db, server: _server, t, .. } = setup(backend).await;
    let post = |body: Value| t.send(method("POST"), "/api/v1/library/exercises", Some(body));
    let good = exercise_body("Peg pinch", "builtin:clothespin-crocodile-1");

    let mut body = good.clone();
    body.as_object_mut().unwrap().remove("title");
    let err = expect_error(post(body).await, StatusCode::BAD_REQUEST, "bad_request", None).await;
    assert!(err["message"].as_str().unwrap().contains("title"), "{err}");

    let mut body = good.clone();
    body["id"] = json!(builtin("bear-walk"));
    let err = expect_error(post(body).await, StatusCode::BAD_REQUEST, "bad_request", None).await;
    assert!(err["message"].as_str().unwrap().contains("id"), "{err}");

    let mut body = good.clone();
    body["steps"][1]["colour"] = json!("red");
    let err = expect_error(post(body).await, StatusCode::BAD_REQUEST, "bad_request", None).await;
    assert!(err["message"].as_str().unwrap().contains("colour"), "{err}");

    let mut body = good.clone();
    let step = body["steps"][0].clone();
    body["steps"] = json!(vec![step; 7]);
    expect_error(post(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("steps")).await;

    let mut body = good.clone();
    body["title"] = json!("   ");
    expect_error(post(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("title")).await;

    let mut body = good.clone();
    body["dosage"] = json!({});
    expect_error(post(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("dosage")).await;

    let mut body = good.clone();
    body["skill_areas"] = json!(["gross_motor"]);
    expect_error(post(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("skill_areas[0]")).await;

    let mut body = good.clone();
    body["steps"][0]["picture"] = json!(format!("sha256:{}", "ab".repeat(32)));
    expect_error(post(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("steps[0].picture")).await;

    let mut body = good.clone();
    body["steps"][0]["picture"] = json!("builtin:no-such-picture");
    expect_error(post(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("steps[0].picture")).await;

    // An uploaded picture is not a video.
    let png = expect_ok(upload(&t, Some("image/png"), tiny_png()).await).await;
    let mut body = good.clone();
    body["steps"][1]["video"] = png["media"].clone();
    expect_error(post(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("steps[1].video")).await;

    let resp = t
        .http
        .post(format!("{}/api/v1/library/exercises", t.base))
        .header("x-csrf-token", &t.csrf)
        .body(good.to_string())
        .send()
        .await
        .unwrap();
    expect_error(resp, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", None).await;

    // Built-in exercises are read-only; unknown ones are not found.
    let bear = builtin("bear-walk");
    let resp = t.send(method("PUT"), &format!("/api/v1/library/exercises/{bear}"), Some(good.clone())).await;
    let err = expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;
    assert!(err["message"].as_str().unwrap().contains("clone"), "{err}");
    let unknown = uuid::Uuid::now_v7();
    let resp = t.send(method("PUT"), &format!("/api/v1/library/exercises/{unknown}"), Some(good.clone())).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    let resp = t.send(method("GET"), &format!("/api/v1/library/exercises/{unknown}"), None).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    let resp = t.send(method("POST"), &format!("/api/v1/library/exercises/{unknown}/clone"), None).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    let resp = t.send(method("GET"), "/api/v1/library/exercises/not-a-uuid", None).await;
    expect_error(resp, StatusCode::BAD_REQUEST, "bad_request", Some("path")).await;

    // An edit is checked like a new exercise.
    let own = t.post("/api/v1/library/exercises", good.clone()).await;
    let mut body = good.clone();
    body["steps"] = json!([]);
    let resp =
        t.send(method("PUT"), &format!("/api/v1/library/exercises/{}", own["id"].as_str().unwrap()), Some(body)).await;
    expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("steps")).await;
    let unchanged = t.get(&format!("/api/v1/library/exercises/{}", own["id"].as_str().unwrap())).await;
    assert_eq!(unchanged, own, "{backend:?}: a refused edit changes nothing");

    // Routines.
    let routine = |body: Value| t.send(method("POST"), "/api/v1/library/routines", Some(body));
    let bear = json!(builtin("bear-walk"));
    let body = json!({"title": "Warm-up", "kid_title": "Go!", "items": [bear, uuid::Uuid::now_v7()]});
    expect_error(routine(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("items[1]")).await;
    let body = json!({"title": "Warm-up", "kid_title": "Go!", "items": []});
    expect_error(routine(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("items")).await;
    let body = json!({"title": "Warm-up", "kid_title": "Go!", "items": [bear, bear]});
    expect_error(routine(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("items[1]")).await;
    let body = json!({"title": "Warm-up", "kid_title": "Go!", "items": vec![bear.clone(); 13]});
    expect_error(routine(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("items")).await;
    let body = json!({"title": "Warm-up", "items": [bear]});
    let err = expect_error(routine(body).await, StatusCode::BAD_REQUEST, "bad_request", None).await;
    assert!(err["message"].as_str().unwrap().contains("kid_title"), "{err}");
    let body = json!({"title": "Warm-up", "kid_title": "Go!", "items": [bear], "then_reward": {"label": "Bubbles!", "picture": "builtin:nope"}});
    expect_error(routine(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("then_reward.picture")).await;
    let body = json!({"title": "Warm-up", "kid_title": "Go!", "items": [bear]});
    let resp = t.send(method("PUT"), &format!("/api/v1/library/routines/{}", uuid::Uuid::now_v7()), Some(body)).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    assert_eq!(t.get("/api/v1/library/routines").await, json!([]), "{backend:?}: nothing refused was saved");
}

#[tokio::test]
async fn assignments_and_feedback_refuse_bad_input() {
    for backend in BACKENDS {
        assignments_refuse_bad_input(backend).await;
    }
}

async fn assignments_refuse_bad_input(backend: Backend) {
    let Setup { db, server, t, child_id, .. } = setup(backend).await;
    let assignments_path = format!("/api/v1/children/{child_id}/assignments");
    let assign = |body: Value| t.send(method("POST"), &assignments_path, Some(body));
    let target = json!({"kind": "exercise", "exercise_id": builtin("bear-walk")});
    let good = after_school_weekdays(target.clone(), "2026-03-02");

    let mut body = good.clone();
    body["end_date"] = json!("2026-03-01");
    expect_error(assign(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("end_date")).await;
    let mut body = good.clone();
    body["start_date"] = json!("2026-02-30");
    expect_error(assign(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("start_date")).await;
    let mut body = good.clone();
    body["days"] = json!([]);
    expect_error(assign(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("days")).await;
    let mut body = good.clone();
    body["slots"] = json!([{"kind": "anytime"}, {"kind": "at", "time": "07:00:00"}, {"kind": "at", "time": "12:00:00"}, {"kind": "at", "time": "18:00:00"}]);
    expect_error(assign(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("slots")).await;
    let mut body = good.clone();
    body["dosage"] = json!({"reps": 0});
    expect_error(assign(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("dosage.reps")).await;
    let mut body = good.clone();
    body["target"] = json!({"kind": "exercise", "exercise_id": uuid::Uuid::now_v7()});
    expect_error(assign(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("target.exercise_id")).await;
    let mut body = good.clone();
    body["target"] = json!({"kind": "routine", "routine_id": uuid::Uuid::now_v7()});
    expect_error(assign(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("target.routine_id")).await;
    let mut body = good.clone();
    body["status"] = json!("ended");
    let err = expect_error(assign(body).await, StatusCode::BAD_REQUEST, "bad_request", None).await;
    assert!(err["message"].as_str().unwrap().contains("status"), "{err}");
    let mut body = good.clone();
    body.as_object_mut().unwrap().remove("slots");
    let err = expect_error(assign(body).await, StatusCode::BAD_REQUEST, "bad_request", None).await;
    assert!(err["message"].as_str().unwrap().contains("slots"), "{err}");
    let listed = t.get(&format!("/api/v1/children/{child_id}/assignments")).await;
    assert_eq!(listed, json!([]), "{backend:?}: nothing refused was saved");

    let resp = assign(good.clone()).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let assignment: Value = resp.json().await.unwrap();
    let id = assignment["id"].as_str().unwrap();
    let path = |action: &str| format!("/api/v1/assignments/{id}/{action}");
    // A second press of "Assign": the very same practice again is refused, naming the target.
    expect_error(assign(good.clone()).await, StatusCode::CONFLICT, "conflict", Some("target")).await;

    // The status rules hold, naming the date where it is at fault.
    let resp = t.send(method("POST"), &path("resume"), Some(json!({"on": "2026-03-05"}))).await;
    expect_error(resp, StatusCode::CONFLICT, "conflict", None).await;
    let resp = t.send(method("POST"), &path("pause"), Some(json!({"on": "2026-03-01"}))).await;
    expect_error(resp, StatusCode::CONFLICT, "conflict", Some("on")).await;
    let resp = t.send(method("POST"), &path("pause"), Some(json!({"on": "2026-03-05", "reason": "holiday"}))).await;
    expect_error(resp, StatusCode::BAD_REQUEST, "bad_request", None).await;
    let resp = t.send(method("POST"), &path("pause"), Some(json!({"on": "soon"}))).await;
    expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("on")).await;
    let resp = t.send(method("POST"), &path("end"), Some(json!({"on": "2026-02-01"}))).await;
    expect_error(resp, StatusCode::CONFLICT, "conflict", Some("on")).await;

    // An edit is checked too, and cannot swap what is assigned.
    let mut body = good.clone();
    body["end_date"] = json!("2026-01-01");
    let resp = t.send(method("PUT"), &format!("/api/v1/assignments/{id}"), Some(body)).await;
    expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("end_date")).await;
    let mut body = good.clone();
    body["target"] = json!({"kind": "exercise", "exercise_id": builtin("flamingo-stand")});
    let resp = t.send(method("PUT"), &format!("/api/v1/assignments/{id}"), Some(body)).await;
    expect_error(resp, StatusCode::CONFLICT, "conflict", Some("target")).await;
    let resp =
        t.send(method("PUT"), &format!("/api/v1/assignments/{}", uuid::Uuid::now_v7()), Some(good.clone())).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    let history = t.get(&path("history")).await;
    assert_eq!(history.as_array().unwrap().len(), 1, "{backend:?}: refused changes leave no history");
    let ended = t.post(&path("end"), json!({"on": "2030-03-20"})).await;
    assert_eq!(ended["status"], "ended");
    let resp = t.send(method("PUT"), &format!("/api/v1/assignments/{id}"), Some(good.clone())).await;
    expect_error(resp, StatusCode::CONFLICT, "conflict", None).await;

    // Feedback needs a comment or a sticker, and a real date.
    let feedback_path = format!("/api/v1/children/{child_id}/feedback");
    let feedback = |body: Value| t.send(method("POST"), &feedback_path, Some(body));
    expect_error(
        feedback(json!({"date": "2026-03-04"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("comment"),
    )
    .await;
    let body = json!({"date": "2026-03-04", "comment": "x".repeat(501)});
    expect_error(feedback(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("comment")).await;
    let body = json!({"date": "2026-03-04", "sticker": "unicorn"});
    expect_error(feedback(body).await, StatusCode::BAD_REQUEST, "bad_request", Some("sticker")).await;
    let body = json!({"date": "yesterday", "sticker": "star"});
    expect_error(feedback(body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("date")).await;
    assert_eq!(t.get(&format!("/api/v1/children/{child_id}/feedback")).await, json!([]));

    // Another clinic's therapist finds none of it.
    let other = make_clinic(&db, "Hillside Therapy", "sam@hillside.example", false);
    let t2 = Therapist::login(&server, &other.email).await;
    let resp = t2.send(method("POST"), &format!("/api/v1/children/{child_id}/assignments"), Some(good.clone())).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    let resp = t2.send(method("GET"), &format!("/api/v1/children/{child_id}/assignments"), None).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    let resp = t2.send(method("GET"), &path("history"), None).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    let resp = t2.send(method("POST"), &path("pause"), Some(json!({"on": "2026-03-05"}))).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    let resp = t2
        .send(
            method("POST"),
            &format!("/api/v1/children/{child_id}/feedback"),
            Some(json!({"date": "2026-03-04", "sticker": "star"})),
        )
        .await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    let resp = t2.send(method("GET"), &format!("/api/v1/children/{child_id}/feedback"), None).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    assert_eq!(t.get(&format!("/api/v1/children/{child_id}/assignments")).await, json!([ended]), "{backend:?}");
}

#[tokio::test]
async fn media_uploads_are_checked_by_type_contents_and_size() {
    for backend in BACKENDS {
        media_uploads_are_checked(backend).await;
    }
}

async fn media_uploads_are_checked(backend: Backend) {
    let Setup { db, server, t, .. } = setup(backend).await;
    let png = tiny_png();
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec();

    // Types outside the list: the answer lists the accepted ones.
    for (content_type, bytes) in [
        (Some("image/svg+xml"), svg.clone()),
        (Some("text/html"), b"<!doctype html><p>hi</p>".to_vec()),
        (Some("application/octet-stream"), png.clone()),
        (None, png.clone()),
    ] {
        let resp = upload(&t, content_type, bytes).await;
        let err = expect_error(resp, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", None).await;
        assert!(
            err["message"].as_str().unwrap().contains("image/png, image/jpeg"),
            "{backend:?} {content_type:?}: {err}"
        );
    }
    // Declared as one thing, made of another: the answer names the declared type.
    for (content_type, bytes) in [
        ("image/png", svg.clone()),
        ("image/jpeg", png.clone()),
        ("audio/mpeg", png.clone()),
        ("video/mp4", png.clone()),
    ] {
        let resp = upload(&t, Some(content_type), bytes).await;
        let err = expect_error(resp, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", None).await;
        assert!(err["message"].as_str().unwrap().contains(&format!("not {content_type}")), "{backend:?}: {err}");
    }
    let resp = upload(&t, Some("image/png"), Vec::new()).await;
    expect_error(resp, StatusCode::BAD_REQUEST, "bad_request", None).await;

    // Pictures may be 5 MiB; videos more.
    let mut big = png.clone();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let resp = upload(&t, Some("image/png"), big).await;
    expect_error(resp, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", None).await;
    let mut video = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2mp41".to_vec();
    video.resize(6 * 1024 * 1024, 0);
    let resp = upload(&t, Some("video/mp4"), video.clone()).await;
    assert_eq!(resp.status(), StatusCode::CREATED, "{backend:?}");
    let stored: Value = resp.json().await.unwrap();
    assert_eq!(stored, json!({"media": sha256_ref(&video), "content_type": "video/mp4", "bytes": video.len()}));
    // Without a declared length the limit holds all the same.
    let (status, body) = upload_chunked(&server, "maya@riverside.example", 5 * 1024 * 1024 + 1).await;
    assert_eq!((status, &body["error"]), (413, &json!("payload_too_large")), "{backend:?}: {body}");
    let (status, body) = upload_chunked(&server, "maya@riverside.example", 300 * 1024).await;
    assert_eq!(status, 201, "{backend:?}: {body}");
    assert_eq!(body["bytes"], 300 * 1024);
    let mut huge = video.clone();
    huge.resize(25 * 1024 * 1024 + 1, 0);
    let resp = upload(&t, Some("video/mp4"), huge).await;
    expect_error(resp, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", None).await;

    // The same file twice is one file; content-type parameters and case are ignored.
    let first = expect_ok(upload(&t, Some("image/png"), png.clone()).await).await;
    let second = expect_ok(upload(&t, Some("IMAGE/PNG; charset=binary"), png.clone()).await).await;
    assert_eq!(first, second);
    let resp = t.send(method("GET"), &format!("/api/v1/media/{}", first["media"].as_str().unwrap()), None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), png.as_slice());

    // Uploads need a signed-in therapist, with the CSRF token.
    let resp = crate::common::client()
        .post(server.url("/api/v1/media"))
        .header("content-type", "image/png")
        .body(png.clone())
        .send()
        .await
        .unwrap();
    expect_error(resp, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
    let resp = t
        .http
        .post(server.url("/api/v1/media"))
        .header("content-type", "image/png")
        .body(png.clone())
        .send()
        .await
        .unwrap();
    expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;

    // Another clinic cannot read this clinic's upload.
    let other = make_clinic(&db, "Hillside Therapy", "sam@hillside.example", false);
    let t2 = Therapist::login(&server, &other.email).await;
    let resp = t2.send(method("GET"), &format!("/api/v1/media/{}", first["media"].as_str().unwrap()), None).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
}
