//! Therapist accounts fit for a clinic, against the real server on SQLite and PostgreSQL: offboarding (disable,
//! re-enable), temporary passwords replaced at first sign-in (invitations' links: the `email` suite), two-factor sign-in (TOTP and recovery codes) with
//! the clinic's policy and an admin's reset, and invitations that never tell one clinic about another.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use homeplay_server::auth::two_factor;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v.as_str().unwrap().to_owned()
}

fn unix_secs() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap()
}

async fn audit_actions(admin: &Therapist) -> Vec<String> {
    admin.get("/api/v1/audit?limit=500").await["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn login(server: &TestServer, http: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
    http.post(server.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

struct World {
    server: TestServer,
    maya: Therapist,
    ari_id: String,
    clinic: String,
    db: TestDb,
}

async fn world(backend: Backend) -> World {
    let db = TestDb::new(backend);
    let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
    let ari_id = add_therapist(&db, &clinic.id, "ari@riverside.example", false);
    let server = TestServer::start(&db);
    let maya = Therapist::login(&server, "maya@riverside.example").await;
    World { server, maya, ari_id, clinic: clinic.id, db }
}

#[tokio::test]
async fn an_admin_disables_a_colleague_whose_open_session_ends_and_history_stays() {
    for backend in BACKENDS {
        let w = world(backend).await;
        let ari = Therapist::login(&w.server, "ari@riverside.example").await;
        // Ari leads a child and assigns an exercise.
        let leo = id(&ari.add_child("Leo").await["child"]["id"]);
        let exercise = homeplay_core::ids::ExerciseId::builtin("bear-walk").to_string();
        ari.post(
            &format!("/api/v1/children/{leo}/assignments"),
            json!({"target": {"kind": "exercise", "exercise_id": exercise}, "start_date": "2026-03-02",
                "days": ["mon"], "slots": [{"kind": "anytime"}]}),
        )
        .await;

        // Only an admin, and not on their own account.
        let resp = ari.send(Method::POST, &format!("/api/v1/therapists/{}/disable", w.ari_id), Some(json!({}))).await;
        expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;
        let maya_id = id(&w.maya.me["therapist"]["id"]);
        let resp = w.maya.send(Method::POST, &format!("/api/v1/therapists/{maya_id}/disable"), Some(json!({}))).await;
        expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;

        let resp =
            w.maya.send(Method::POST, &format!("/api/v1/therapists/{}/disable", w.ari_id), Some(json!({}))).await;
        assert_eq!(resp.status(), StatusCode::NO_CONTENT, "{backend:?}");
        // Ari's open session fails at once, and the right password no longer signs in.
        let resp = ari.send(Method::GET, "/api/v1/children", None).await;
        expect_error(resp, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
        let resp = login(&w.server, &client(), "ari@riverside.example", PASSWORD).await;
        expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;
        let accounts = w.maya.get("/api/v1/therapists/accounts").await;
        let row = accounts.as_array().unwrap().iter().find(|a| a["therapist"]["id"] == w.ari_id.as_str()).unwrap();
        assert_eq!(row["disabled"], true);

        // What Ari did stays, attributed (the admin takes over the child's team).
        w.maya
            .put(
                &format!("/api/v1/children/{leo}/care-team"),
                json!({"members": [{"therapist_id": maya_id, "role": "lead"}]}),
            )
            .await;
        let assignments = w.maya.get(&format!("/api/v1/children/{leo}/assignments")).await;
        assert_eq!(assignments[0]["assigned_by"], w.ari_id.as_str(), "{backend:?}");
        assert_eq!(assignments[0]["assigned_by_name"], "Maya", "{backend:?}: the account's name stays");

        // Re-enabled (audited), Ari signs in again; the console can do both too.
        let resp = w.maya.send(Method::POST, &format!("/api/v1/therapists/{}/enable", w.ari_id), Some(json!({}))).await;
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);
        Therapist::login(&w.server, "ari@riverside.example").await;
        run_cli(&w.db, &["disable-therapist", "--email", "ari@riverside.example"], &[]);
        let resp = login(&w.server, &client(), "ari@riverside.example", PASSWORD).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        run_cli(&w.db, &["enable-therapist", "--email", "ari@riverside.example"], &[]);
        Therapist::login(&w.server, "ari@riverside.example").await;
        let actions = audit_actions(&w.maya).await;
        for action in ["disable_therapist", "enable_therapist", "login_refused"] {
            assert!(actions.iter().filter(|a| *a == action).count() >= 2, "{backend:?}: {action} in {actions:?}");
        }
        // Another clinic's admin cannot touch Ari.
        let other = make_clinic(&w.db, "Hillside", "hana@hillside.example", true);
        let hana = Therapist::login(&w.server, &other.email).await;
        let resp = hana.send(Method::POST, &format!("/api/v1/therapists/{}/disable", w.ari_id), Some(json!({}))).await;
        expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    }
}

#[tokio::test]
async fn a_temporary_password_is_replaced_before_anything_else() {
    for backend in BACKENDS {
        let w = world(backend).await;
        // Invitations before first-sign-in links gave a temporary password: such an account still owes its own.
        add_therapist(&w.db, &w.clinic, "sam@riverside.example", false);
        owe_new_password(&w.db, "sam@riverside.example").await;
        let temporary = PASSWORD;
        let sam = client();
        let me = expect_ok(login(&w.server, &sam, "sam@riverside.example", temporary).await).await;
        assert_eq!(me["must_change_password"], true, "{backend:?}");
        let csrf = id(&me["csrf_token"]);
        let resp = sam.get(w.server.url("/api/v1/children")).send().await.unwrap();
        expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;
        let resp = sam.get(w.server.url("/api/v1/auth/me")).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "who is signed in still answers");
        let changed = sam
            .post(w.server.url("/api/v1/auth/password"))
            .header("x-csrf-token", csrf)
            .json(&json!({"current_password": temporary, "new_password": "sam's very own password"}))
            .send()
            .await
            .unwrap();
        let me = expect_ok(changed).await;
        assert_eq!(me["must_change_password"], false);
        let resp = sam.get(w.server.url("/api/v1/children")).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{backend:?}");
        // Signing in again does not ask again.
        let me = expect_ok(login(&w.server, &client(), "sam@riverside.example", "sam's very own password").await).await;
        assert_eq!(me["must_change_password"], false);
    }
}

/// Marks an account as owing a new password, as an invitation with a temporary password once did.
async fn owe_new_password(db: &TestDb, email: &str) {
    use sqlx::Connection;
    let sql = "UPDATE therapists SET must_change_password = TRUE WHERE email = $1";
    if db.url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query(sql).bind(email).execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
        sqlx::query(sql).bind(email).execute(&mut conn).await.unwrap();
    }
}

/// Sets the password of an invited therapist through the invitation's first-sign-in link.
async fn accept(server: &TestServer, invited: &Value) {
    let token = id(&invited["invitation"]["token"]);
    let resp = client()
        .post(server.url("/api/v1/auth/welcome"))
        .json(&json!({"token": token, "new_password": PASSWORD}))
        .send()
        .await
        .unwrap();
    expect_ok(resp).await;
}

/// Sets up an authenticator for `t`; returns its secret and recovery codes.
async fn enrol(t: &Therapist) -> (String, Vec<String>) {
    let setup = t.post("/api/v1/auth/two-factor/setup", json!({})).await;
    let secret = id(&setup["secret"]);
    assert!(setup["qr_svg"].as_str().unwrap().contains("<svg"), "a QR code to scan");
    assert!(id(&setup["otpauth_uri"]).starts_with("otpauth://totp/homeplay:"));
    let resp = t.send(Method::POST, "/api/v1/auth/two-factor/confirm", Some(json!({"code": "000000"}))).await;
    if resp.status() != StatusCode::OK {
        expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("code")).await;
    }
    let code = two_factor::code_at(&secret, unix_secs()).unwrap();
    let codes = t.post("/api/v1/auth/two-factor/confirm", json!({"code": code})).await;
    let codes: Vec<String> = codes["recovery_codes"].as_array().unwrap().iter().map(id).collect();
    (secret, codes)
}

/// Signs in with the password, then the second factor (`code` or `recovery_code`).
async fn second_factor(server: &TestServer, email: &str, factor: Value) -> (reqwest::Client, reqwest::Response) {
    let http = client();
    let resp = login(server, &http, email, PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::ACCEPTED, "the password alone does not sign in");
    let challenge = id(&resp.json::<Value>().await.unwrap()["challenge"]);
    let mut body = json!({"challenge": challenge});
    body.as_object_mut().unwrap().extend(factor.as_object().unwrap().clone());
    let resp = http.post(server.url("/api/v1/auth/login/second-factor")).json(&body).send().await.unwrap();
    (http, resp)
}

#[tokio::test]
async fn two_factor_sign_in_with_a_code_and_with_a_recovery_code_once_each() {
    for backend in BACKENDS {
        let w = world(backend).await;
        let ari = Therapist::login(&w.server, "ari@riverside.example").await;
        let (secret, recovery) = enrol(&ari).await;
        assert_eq!(recovery.len(), 10);
        assert_eq!(recovery.iter().collect::<std::collections::HashSet<_>>().len(), 10);
        assert_eq!(ari.get("/api/v1/auth/me").await["two_factor_enabled"], true);
        let email = "ari@riverside.example";

        // A wrong code is refused; the next step's code (one step of drift) signs in, once.
        let (_, resp) = second_factor(&w.server, email, json!({"code": "123456"})).await;
        expect_error(resp, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
        let next = two_factor::code_at(&secret, unix_secs() + 30).unwrap();
        let (http, resp) = second_factor(&w.server, email, json!({"code": next})).await;
        let me = expect_ok(resp).await;
        assert_eq!(me["therapist"]["email"], email);
        assert_eq!(http.get(w.server.url("/api/v1/children")).send().await.unwrap().status(), StatusCode::OK);
        let (_, resp) = second_factor(&w.server, email, json!({"code": next})).await;
        expect_error(resp, StatusCode::UNAUTHORIZED, "unauthorized", None).await;

        // A recovery code, typed loosely, signs in once.
        let loose = recovery[3].to_lowercase().replace('-', " ");
        let (_, resp) = second_factor(&w.server, email, json!({"recovery_code": loose})).await;
        expect_ok(resp).await;
        let (_, resp) = second_factor(&w.server, email, json!({"recovery_code": recovery[3]})).await;
        expect_error(resp, StatusCode::UNAUTHORIZED, "unauthorized", None).await;

        // Failed codes are rate limited (5 in the window; the two failures above count).
        let mut last = StatusCode::OK;
        for _ in 0..5 {
            let (_, resp) = second_factor(&w.server, email, json!({"code": "000000"})).await;
            last = resp.status();
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "{backend:?}");

        // An admin resets the second factor (a lost phone): the password alone signs in again, audited.
        let resp = w
            .maya
            .send(Method::POST, &format!("/api/v1/therapists/{}/two-factor/reset", w.ari_id), Some(json!({})))
            .await;
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);
        let resp = login(&w.server, &client(), email, PASSWORD).await;
        assert_eq!(resp.status(), StatusCode::OK, "{backend:?}");
        let actions = audit_actions(&w.maya).await;
        for action in ["enable_two_factor", "reset_two_factor", "login", "login_failed"] {
            assert!(actions.iter().any(|a| a == action), "{backend:?}: {action} in {actions:?}");
        }
    }
}

#[tokio::test]
async fn a_clinic_that_requires_two_factor_lets_nobody_in_without_it() {
    for backend in BACKENDS {
        let w = world(backend).await;
        let everyone = json!({"outside_team_policy": "team_only", "two_factor_policy": "everyone"});
        // Not before the admin has a second factor: it would lock them out on the spot.
        let resp = w.maya.send(Method::PUT, "/api/v1/clinic/policy", Some(everyone.clone())).await;
        expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("two_factor_policy")).await;
        enrol(&w.maya).await;
        let policy = w.maya.put("/api/v1/clinic/policy", everyone).await;
        assert_eq!(policy["two_factor_policy"], "everyone");
        // Leaving it out of a change keeps it.
        let policy = w.maya.put("/api/v1/clinic/policy", json!({"outside_team_policy": "team_only"})).await;
        assert_eq!(policy["two_factor_policy"], "everyone");
        let ari = Therapist::login(&w.server, "ari@riverside.example").await;
        assert_eq!(ari.me["two_factor_required"], true);
        assert_eq!(ari.me["two_factor_enabled"], false);
        let resp = ari.send(Method::GET, "/api/v1/children", None).await;
        expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;
        enrol(&ari).await;
        assert_eq!(ari.send(Method::GET, "/api/v1/children", None).await.status(), StatusCode::OK, "{backend:?}");
        // Admins only: a therapist is not held to it.
        w.maya
            .put("/api/v1/clinic/policy", json!({"outside_team_policy": "team_only", "two_factor_policy": "admins"}))
            .await;
        let sam = w
            .maya
            .post("/api/v1/therapists", json!({"email": "sam@riverside.example", "name": "Sam", "discipline": "pt"}))
            .await;
        accept(&w.server, &sam).await;
        let me = expect_ok(login(&w.server, &client(), "sam@riverside.example", PASSWORD).await).await;
        assert_eq!(me["two_factor_required"], false, "{backend:?}");
        let _ = &w.clinic;
    }
}

#[tokio::test]
async fn an_invitation_never_tells_one_clinic_about_another() {
    for backend in BACKENDS {
        let w = world(backend).await;
        let other = make_clinic(&w.db, "Hillside", "hana@hillside.example", true);
        let hana = Therapist::login(&w.server, &other.email).await;
        let invite = |email: &str| json!({"email": email, "name": "Ari", "discipline": "ot"});
        let elsewhere = hana.send(Method::POST, "/api/v1/therapists", Some(invite("ari@riverside.example"))).await;
        let elsewhere = expect_error(elsewhere, StatusCode::CONFLICT, "conflict", Some("email")).await;
        let here = hana.send(Method::POST, "/api/v1/therapists", Some(invite("hana@hillside.example"))).await;
        let here = expect_error(here, StatusCode::CONFLICT, "conflict", Some("email")).await;
        assert_eq!(elsewhere["message"], here["message"], "{backend:?}: the same words either way");
        let message = elsewhere["message"].as_str().unwrap();
        assert!(!message.contains("exists") && !message.contains("another clinic"), "{message}");
    }
}

#[tokio::test]
async fn an_account_disabled_between_password_and_code_is_not_signed_in() {
    let w = world(Backend::Sqlite).await;
    let ari = Therapist::login(&w.server, "ari@riverside.example").await;
    let (secret, _) = enrol(&ari).await;
    let http = client();
    let resp = login(&w.server, &http, "ari@riverside.example", PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    let challenge = id(&resp.json::<Value>().await.unwrap()["challenge"]);
    w.maya.post(&format!("/api/v1/therapists/{}/disable", w.ari_id), json!({})).await;
    let code = two_factor::code_at(&secret, unix_secs() + 30).unwrap();
    let resp = http
        .post(w.server.url("/api/v1/auth/login/second-factor"))
        .json(&json!({"challenge": challenge, "code": code}))
        .send()
        .await
        .unwrap();
    // Disabling drops the waiting sign-in too.
    expect_error(resp, StatusCode::UNAUTHORIZED, "unauthorized", None).await;
}
