//! The security review's findings, one regression test each (named after its finding), against the real
//! server binary on SQLite and on PostgreSQL. Each failed before its fix.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;

/// The audit log as the clinic's admin reads it, newest first.
async fn audit(admin: &Therapist) -> Vec<Value> {
    admin.get("/api/v1/audit?limit=500").await["entries"].as_array().unwrap().clone()
}

fn entries<'a>(log: &'a [Value], action: &str) -> Vec<&'a Value> {
    log.iter().filter(|e| e["action"] == action).collect()
}

fn children_of<'a>(log: &'a [Value], action: &str) -> HashSet<&'a str> {
    entries(log, action).iter().filter_map(|e| e["child_id"].as_str()).collect()
}

fn id(v: &Value) -> String {
    v.as_str().unwrap().to_owned()
}

/// A clinic with Maya (admin) and Ari (therapist), Leo's family (Maya leads Leo), and the server.
struct Clinic2 {
    server: TestServer,
    maya: Therapist,
    ari: Therapist,
    leo: String,
    family: String,
    _db: TestDb,
}

async fn clinic2(backend: Backend) -> Clinic2 {
    let db = TestDb::new(backend);
    let (server, maya, ari) = maya_and_ari(&db).await;
    let leo = maya.add_child("Leo").await;
    Clinic2 { leo: id(&leo["child"]["id"]), family: id(&leo["child"]["family_id"]), server, maya, ari, _db: db }
}

fn sibling(family: &str, name: &str) -> Value {
    json!({"display_name": name, "time_zone": "Europe/London", "age_years": 4, "family_id": family})
}

#[tokio::test]
async fn finding_1_a_pairing_code_or_a_sibling_needs_every_child_of_the_family() {
    for backend in BACKENDS {
        let c = clinic2(backend).await;
        // Ari is on no team of Leo's family: no sibling for Ari in it.
        let resp = c.ari.send(Method::POST, "/api/v1/children", Some(sibling(&c.family, "Sam"))).await;
        expect_error(resp, StatusCode::NOT_FOUND, "not_found", Some("family_id")).await;

        // Maya adds Sam, then hands Sam's team to Ari alone: Maya (an admin) is off Sam's team, Ari off Leo's.
        let sam = id(&c.maya.post("/api/v1/children", sibling(&c.family, "Sam")).await["child"]["id"]);
        let ari_id = id(&c.ari.me["therapist"]["id"]);
        c.maya
            .put(
                &format!("/api/v1/children/{sam}/care-team"),
                json!({"members": [{"therapist_id": ari_id, "role": "lead"}]}),
            )
            .await;
        // A device sees every child of its family: neither may make a code…
        for (who, child) in [(&c.maya, &c.leo), (&c.ari, &sam)] {
            let resp =
                who.send(Method::POST, &format!("/api/v1/children/{child}/pairing-codes"), Some(json!({}))).await;
            expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;
        }
        // …nor may the admin off Sam's team add another child to the family and pair that.
        let resp = c.maya.send(Method::POST, "/api/v1/children", Some(sibling(&c.family, "Zoe"))).await;
        expect_error(resp, StatusCode::NOT_FOUND, "not_found", Some("family_id")).await;

        // Under a clinic-wide policy Maya may, and the sibling off her team is audited as outside-team access.
        c.maya.put("/api/v1/clinic/policy", json!({"outside_team_policy": "clinic_wide"})).await;
        let code = c.maya.pairing_code(&c.leo).await;
        let log = audit(&c.maya).await;
        assert!(children_of(&log, "outside_team_access").contains(sam.as_str()), "{backend:?}: {log:#?}");

        // The device's pairing, pulls and pushes are audited per child.
        let device = DeviceClient::pair(&c.server, &code, "Kitchen").await;
        let (changes, _) = device.pull_all(None).await;
        assert!(!changes.is_empty());
        let log = audit(&c.maya).await;
        for action in ["pair_device", "pull_all"] {
            let got = children_of(&log, action);
            assert_eq!(got, HashSet::from([c.leo.as_str(), sam.as_str()]), "{backend:?}: {action}");
        }
    }
}

#[tokio::test]
async fn finding_2_login_emails_are_bounded_and_limiter_rows_stay_small() {
    for backend in BACKENDS {
        let c = clinic2(backend).await;
        let http = client();
        let login = c.server.url("/api/v1/auth/login");
        let huge = format!("{}@example.org", "a".repeat(1 << 20));
        let resp = http.post(&login).json(&json!({"email": huge, "password": "wrong password"})).send().await.unwrap();
        expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("email")).await;
        for i in 0..10 {
            let email = format!("{i}{}@example.org", "b".repeat(240));
            let resp =
                http.post(&login).json(&json!({"email": email, "password": "wrong password"})).send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{backend:?}");
        }
        // Every limiter key is a 64-character hash, whatever was typed.
        let keys: Vec<String> = if c._db.url.starts_with("postgres") {
            let pool = sqlx::PgPool::connect(&c._db.url).await.unwrap();
            sqlx::query_scalar("SELECT key FROM rate_events").fetch_all(&pool).await.unwrap()
        } else {
            let pool = sqlx::SqlitePool::connect(&c._db.url).await.unwrap();
            sqlx::query_scalar("SELECT key FROM rate_events").fetch_all(&pool).await.unwrap()
        };
        assert!(keys.len() >= 10, "{backend:?}: {keys:?}");
        assert!(keys.iter().all(|k| k.len() == 64), "{backend:?}: {keys:?}");
    }
}

async fn login_status(http: &reqwest::Client, server: &TestServer, email: &str, password: &str) -> reqwest::Response {
    http.post(server.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn finding_3_successes_and_password_changes_never_lock_an_account() {
    for backend in BACKENDS {
        let c = clinic2(backend).await;
        let email = "ari@riverside.example";
        // More sign-ins than the limit of failures: successes do not count.
        for _ in 0..8 {
            Therapist::login(&c.server, email).await;
        }
        // Password changes have their own limiter, and a change that goes through does not count.
        let mut ari = Therapist::login(&c.server, email).await;
        let passwords = [PASSWORD, "another good password"];
        for i in 0..6 {
            let body = json!({"current_password": passwords[i % 2], "new_password": passwords[(i + 1) % 2]});
            let me = expect_ok(ari.send(Method::POST, "/api/v1/auth/password", Some(body)).await).await;
            ari.csrf = id(&me["csrf_token"]);
        }
        Therapist::login(&c.server, email).await;

        // A success resets the failures before it.
        let http = client();
        for _ in 0..2 {
            for _ in 0..4 {
                assert_eq!(
                    login_status(&http, &c.server, email, "wrong password").await.status(),
                    StatusCode::UNAUTHORIZED
                );
            }
            Therapist::login(&c.server, email).await;
        }

        // A stranger's failures from another address lock the account for that address only…
        let stranger = client_from("127.0.0.2".parse().unwrap());
        for _ in 0..5 {
            let resp = login_status(&stranger, &c.server, email, "guess").await;
            assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{backend:?}");
        }
        let resp = login_status(&stranger, &c.server, email, PASSWORD).await;
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS, "{backend:?}");
        // …and say truly how long: the oldest failure leaves the 15-minute window in at most that long.
        let retry: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=900).contains(&retry), "{backend:?}: Retry-After {retry}");
        // The therapist, at their own computer, still signs in.
        Therapist::login(&c.server, email).await;
    }
}

#[tokio::test]
async fn finding_4_the_session_cookie_is_secure_and_host_only_beyond_loopback() {
    let db = TestDb::new(Backend::Sqlite);
    make_clinic(&db, "Riverside", "maya@riverside.example", true);
    let plain = reqwest::Client::new();
    let body = json!({"email": "maya@riverside.example", "password": PASSWORD});

    let open = TestServer::start_bound(&db, "0.0.0.0:0", &[]);
    let url = format!("http://127.0.0.1:{}", open.port());
    let resp = plain.post(format!("{url}/api/v1/auth/login")).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-hp_session="), "{cookie}");
    assert!(cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    let token = cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_owned();
    let me = |name: &str| plain.get(format!("{url}/api/v1/auth/me")).header("cookie", format!("{name}={token}")).send();
    assert_eq!(me("__Host-hp_session").await.unwrap().status(), StatusCode::OK);
    assert_eq!(me("hp_session").await.unwrap().status(), StatusCode::UNAUTHORIZED, "only the __Host- name counts");
    drop(open);

    // On loopback alone (development over plain HTTP) the cookie cannot be Secure, or no browser keeps it.
    let local = TestServer::start(&db);
    let resp = plain.post(local.url("/api/v1/auth/login")).json(&body).send().await.unwrap();
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("hp_session=") && !cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn finding_5_dates_out_of_bounds_are_refused_by_name() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let server = TestServer::start(&db);
        let p = program(&db, &server, "2026-03-02").await;
        let assignments = format!("/api/v1/children/{}/assignments", p.child_id);
        for date in ["1999-12-31", "2101-01-01"] {
            let body = json!({"target": {"kind": "exercise", "exercise_id": p.exercise_id}, "start_date": date,
                "days": ["mon"], "slots": [{"kind": "anytime"}]});
            let resp = p.maya.send(Method::POST, &assignments, Some(body)).await;
            expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("start_date")).await;
        }
        let body = json!({"target": {"kind": "exercise", "exercise_id": p.exercise_id}, "start_date": "-262143-01-01",
            "days": ["mon"], "slots": [{"kind": "anytime"}]});
        let resp = p.maya.send(Method::POST, &assignments, Some(body)).await;
        assert!(resp.status().is_client_error(), "{backend:?}: {}", resp.status());
        // A query out of bounds is a named 422, never a panic.
        for to in ["-262143-01-01", "1999-01-01", "2101-01-01"] {
            let path = format!("/api/v1/children/{}/adherence?to={to}", p.child_id);
            let resp = p.maya.send(Method::GET, &path, None).await;
            expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("to")).await;
        }
        // And a device's log for a date out of bounds is rejected on its own.
        let device = DeviceClient::pair(&server, &p.maya.pairing_code(&p.child_id).await, "Kitchen").await;
        let log = log_json(&p.child_id, &p.assignment_id, &p.exercise_id, "1999-12-31", &device.device_id, hlc_now());
        let answer = device.push(vec![log]).await;
        assert_eq!(answer["rejected"][0]["field"], "occurrence.date", "{backend:?}: {answer}");
    }
}

#[tokio::test]
async fn finding_6_a_device_cannot_push_a_log_as_another_device() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let server = TestServer::start(&db);
        let p = program(&db, &server, "2026-03-02").await;
        let kitchen = DeviceClient::pair(&server, &p.maya.pairing_code(&p.child_id).await, "Kitchen").await;
        let other = DeviceClient::pair(&server, &p.maya.pairing_code(&p.child_id).await, "Phone").await;
        let forged = log_json(&p.child_id, &p.assignment_id, &p.exercise_id, "2026-03-04", &other.device_id, hlc_now());
        let own = log_json(&p.child_id, &p.assignment_id, &p.exercise_id, "2026-03-05", &kitchen.device_id, hlc_now());
        let answer = kitchen.push(vec![forged.clone(), own.clone()]).await;
        assert_eq!(answer["rejected"].as_array().unwrap().len(), 1, "{backend:?}: {answer}");
        assert_eq!(answer["rejected"][0]["id"], forged["id"]);
        assert_eq!(answer["rejected"][0]["field"], "device_id");
        assert_eq!(answer["accepted"][0]["id"], own["id"]);
    }
}

#[tokio::test]
async fn finding_7_the_audit_covers_devices_overviews_denials_and_sign_ins() {
    for backend in BACKENDS {
        let c = clinic2(backend).await;
        c.maya.get(&format!("/api/v1/children/{}/devices", c.leo)).await;
        // Ari, off Leo's team under team_only, is refused, and the refusal is recorded.
        let resp = c.ari.send(Method::GET, &format!("/api/v1/children/{}", c.leo), None).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        // So is a look at Leo's care team: refused and recorded the same way.
        let resp = c.ari.send(Method::GET, &format!("/api/v1/children/{}/care-team", c.leo), None).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        // Under clinic_wide, Ari's overview shows Leo's figures: one outside-team entry for Leo.
        c.maya.put("/api/v1/clinic/policy", json!({"outside_team_policy": "clinic_wide"})).await;
        let overview = c.ari.get("/api/v1/overview").await;
        assert_eq!(overview["children"].as_array().unwrap().len(), 1);
        // Sign-ins, a failed one, a password change and a sign-out.
        let http = client();
        let resp = login_status(&http, &c.server, "ari@riverside.example", "wrong password").await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        let body = json!({"current_password": PASSWORD, "new_password": "another good password"});
        let me = expect_ok(c.ari.send(Method::POST, "/api/v1/auth/password", Some(body)).await).await;
        let resp = c
            .ari
            .http
            .post(c.server.url("/api/v1/auth/logout"))
            .header("x-csrf-token", id(&me["csrf_token"]))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);

        let log = audit(&c.maya).await;
        let ari_id = id(&c.ari.me["therapist"]["id"]);
        assert!(children_of(&log, "list_devices").contains(c.leo.as_str()), "{backend:?}");
        let denied = entries(&log, "access_denied");
        let refusals = denied.iter().filter(|e| e["child_id"] == c.leo.as_str() && e["actor_id"] == ari_id.as_str());
        assert_eq!(refusals.count(), 2, "{backend:?}: the record and the care team: {log:#?}");
        let outside = entries(&log, "outside_team_access");
        assert!(
            outside.iter().any(|e| e["child_id"] == c.leo.as_str() && e["actor_id"] == ari_id.as_str()),
            "{log:#?}"
        );
        for action in ["login", "login_failed", "change_password", "logout"] {
            assert!(entries(&log, action).iter().any(|e| e["actor_id"] == ari_id.as_str()), "{backend:?}: no {action}");
        }
        // Ids and counts only: no email, no password.
        let text = serde_json::to_string(&log).unwrap();
        assert!(!text.contains("wrong password") && !text.contains("riverside.example"), "{backend:?}");
    }
}

const PNG: &str = "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8dfc0f01f000680027f104c1be10000000049454e44ae426082";

#[tokio::test]
async fn finding_8_answers_are_never_cached_by_others_nor_sniffed() {
    let c = clinic2(Backend::Sqlite).await;
    let resp = c.maya.send(Method::GET, "/api/v1/children", None).await;
    assert_eq!(resp.headers()["cache-control"], "no-store");
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    let resp = c.maya.send(Method::GET, "/api/v1/no-such-thing", None).await;
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let resp = c.maya.http.get(c.server.url("/healthz")).send().await.unwrap();
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");

    let uploaded = c
        .maya
        .http
        .post(c.server.url("/api/v1/media"))
        .header("x-csrf-token", &c.maya.csrf)
        .header("content-type", "image/png")
        .body(hex::decode(PNG).unwrap())
        .send()
        .await
        .unwrap();
    let media = id(&expect_ok(uploaded).await["media"]);
    let resp = c.maya.send(Method::GET, &format!("/api/v1/media/{media}"), None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let cache = resp.headers()["cache-control"].to_str().unwrap();
    assert!(cache.starts_with("private") && !cache.contains("public"), "{cache}");
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn finding_9_concurrent_writes_never_answer_5xx() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let server = TestServer::start(&db);
        let p = program(&db, &server, "2026-03-02").await;
        let maya_id = id(&p.maya.me["therapist"]["id"]);
        let goal = p
            .maya
            .post(
                &format!("/api/v1/children/{}/goals", p.child_id),
                json!({"text": "Climbs the stairs", "discipline": "pt", "areas": ["gross_motor"], "baseline": "Held",
                    "start_date": "2026-03-02", "target_date": "2026-06-01",
                    "scale": {"much_less": "Both hands held", "less": "One hand held", "expected": "Holding the rail",
                              "more": "Alternating feet", "much_more": "Without the rail"}}),
            )
            .await;
        let goal = id(&goal["id"]);
        // Two admins (as in the review), each at four browser tabs, and eight devices of the family.
        add_therapist(&db, &p.clinic.id, "sam@riverside.example", true);
        let admins = [
            std::sync::Arc::new(Therapist::login(&server, &p.clinic.email).await),
            std::sync::Arc::new(Therapist::login(&server, "sam@riverside.example").await),
        ];
        let mut clients = Vec::new();
        for n in 0..8 {
            let device = DeviceClient::pair(&server, &p.maya.pairing_code(&p.child_id).await, "Tablet").await;
            clients.push((admins[n % 2].clone(), device));
        }
        let child = p.child_id.clone();
        let mut tasks = Vec::new();
        for (n, (t, d)) in clients.into_iter().enumerate() {
            let (child, goal, maya_id, assignment, exercise) =
                (child.clone(), goal.clone(), maya_id.clone(), p.assignment_id.clone(), p.exercise_id.clone());
            tasks.push(tokio::spawn(async move {
                let mut statuses = Vec::new();
                for round in 0..4 {
                    let writes: Vec<(Method, String, Value)> = vec![
                        (Method::PUT, format!("/api/v1/children/{child}/care-team"),
                            json!({"members": [{"therapist_id": maya_id, "role": "lead"}]})),
                        (Method::PUT, format!("/api/v1/goals/{goal}"),
                            json!({"text": format!("Climbs the stairs {n}-{round}"), "areas": ["gross_motor"], "baseline": "Held",
                                "target_date": "2026-06-01", "scale": {"much_less": "Both hands held", "less": "One hand held",
                                "expected": "Holding the rail", "more": "Alternating feet", "much_more": "Without the rail"}})),
                        (Method::PUT, format!("/api/v1/children/{child}"),
                            json!({"display_name": format!("Leo {n}"), "time_zone": "Europe/London"})),
                        (Method::POST, format!("/api/v1/children/{child}/feedback"), json!({"date": "2026-03-04", "sticker": "star"})),
                        (Method::POST, format!("/api/v1/children/{child}/assignments"),
                            json!({"target": {"kind": "exercise", "exercise_id": exercise}, "start_date": "2026-03-02",
                                "days": ["tue"], "slots": [{"kind": "anytime"}]})),
                        (Method::POST, format!("/api/v1/children/{child}/pairing-codes"), json!({})),
                        (Method::POST, format!("/api/v1/assignments/{assignment}/pause"), json!({"on": "2030-03-10"})),
                        (Method::POST, format!("/api/v1/assignments/{assignment}/resume"), json!({"on": "2030-03-12"})),
                        (Method::POST, "/api/v1/children".into(), json!({"display_name": "Ada", "time_zone": "Europe/London"})),
                        (Method::PUT, "/api/v1/clinic/policy".into(), json!({"outside_team_policy": "team_only"})),
                    ];
                    for (method, path, body) in writes {
                        let status = t.send(method.clone(), &path, Some(body)).await.status().as_u16();
                        statuses.push((format!("{method} {path}"), status));
                    }
                    let log = log_json(&child, &assignment, &exercise, "2026-03-04", &d.device_id, hlc_now());
                    let status = d.post("/api/v1/sync/push", json!({"protocol": 1, "logs": [log]})).await.status().as_u16();
                    statuses.push(("push".into(), status));
                    let status = d.post("/api/v1/sync/pull", json!({"protocol": 1})).await.status().as_u16();
                    statuses.push(("pull".into(), status));
                }
                statuses
            }));
        }
        let mut failures = Vec::new();
        let mut total = 0;
        for task in tasks {
            for (what, status) in task.await.unwrap() {
                total += 1;
                if status >= 500 {
                    failures.push(format!("{what}: {status}"));
                }
            }
        }
        assert!(failures.is_empty(), "{backend:?}: {} of {total} writes answered 5xx: {failures:#?}", failures.len());
    }
}

#[tokio::test]
async fn finding_10_the_protocol_is_exact() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let server = TestServer::start(&db);
        let p = program(&db, &server, "2026-03-02").await;
        let http = client();
        // One prefix per message.
        let resp = http
            .post(server.url("/api/v1/sync/pair"))
            .json(&json!({"protocol": 1, "code": "K7QM-4TZD", "device_label": ""}))
            .send()
            .await
            .unwrap();
        let body = expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("device_label")).await;
        let message = body["message"].as_str().unwrap();
        assert!(message.starts_with("device_label: ") && !message.contains(": :"), "{message}");
        let device = DeviceClient::pair(&server, &p.maya.pairing_code(&p.child_id).await, "Kitchen").await;
        let resp = device.post("/api/v1/sync/pull", json!({"protocol": 1, "cursor": ""})).await;
        let body = expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("cursor")).await;
        assert!(!body["message"].as_str().unwrap().contains("cursor: cursor"), "{body}");

        // An array is not a request.
        for path in ["/api/v1/sync/push", "/api/v1/sync/pull"] {
            let resp = device.post(path, json!([])).await;
            expect_error(resp, StatusCode::BAD_REQUEST, "bad_request", None).await;
        }
        // A reason belongs to "not done" only: on a "done" log it is refused, not dropped.
        let mut log =
            log_json(&p.child_id, &p.assignment_id, &p.exercise_id, "2026-03-04", &device.device_id, hlc_now());
        log["outcome"] = json!({"status": "done", "reason": "sick"});
        let answer = device.push(vec![log]).await;
        assert_eq!(answer["rejected"][0]["reason"], "invalid", "{backend:?}: {answer}");
        assert!(answer["accepted"].as_array().unwrap().is_empty());

        // A method the endpoint does not take is 405, named.
        let resp = http.request(Method::TRACE, server.url("/api/v1/sync/push")).send().await.unwrap();
        expect_error(resp, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", None).await;
    }
}
