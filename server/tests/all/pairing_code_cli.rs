//! `homeplay-server pairing-code`, the real binary: it prints a code the sync API accepts once, audited as the
//! therapist who made it, and names the flag when the child or therapist is unknown. On SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use serde_json::json;

const MAYA: &str = "maya@demo.homeplay";

/// Runs the subcommand; its exit status, stdout and stderr.
fn pairing_code(db: &TestDb, child: &str, therapist: &str) -> (bool, String, String) {
    cli_outcome(db, &["pairing-code", "--child", child, "--therapist", therapist])
}

#[tokio::test]
async fn prints_a_single_use_code_for_a_demo_child_audited_as_the_therapist() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        run_cli(&db, &["demo"], &[]);

        let (ok, stdout, stderr) = pairing_code(&db, "leo", MAYA);
        assert!(ok, "{backend:?}: {stderr}");
        // Just the code, so that scripts can use it as it is.
        let code = stdout.trim().to_owned();
        assert_eq!(stdout, format!("{code}\n"), "{backend:?}");
        assert!(!code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "{code}");

        let server = TestServer::start(&db);
        let device = DeviceClient::pair(&server, &code, "Kitchen laptop").await;
        let maya = Therapist::login_with(&server, MAYA, "homeplay-demo").await;
        let children = maya.get("/api/v1/children").await;
        let leo = children
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["display_name"] == "Leo")
            .unwrap_or_else(|| panic!("no Leo: {children}"));
        let family = leo["family_id"].as_str().unwrap_or_else(|| panic!("no family id: {leo}"));
        assert_eq!(device.family_id, family, "{backend:?}: the code pairs Leo's family");

        // Single use: the same code again is refused.
        let again = client()
            .post(server.url("/api/v1/sync/pair"))
            .json(&json!({"protocol": 1, "code": code, "device_label": "Second laptop"}))
            .send()
            .await
            .unwrap();
        assert!(again.status().is_client_error(), "{backend:?}: a used code must be refused, got {}", again.status());

        let audit = maya.get("/api/v1/audit?limit=500").await;
        let made: Vec<_> =
            audit["entries"].as_array().unwrap().iter().filter(|e| e["action"] == "create_pairing_code").collect();
        assert_eq!(made.len(), 1, "{backend:?}: {audit:#}");
        assert_eq!(made[0]["actor_kind"], "therapist");
        assert_eq!(made[0]["actor_id"], maya.me["therapist"]["id"]);
        assert_eq!(made[0]["child_id"], leo["id"]);
    }
}

#[tokio::test]
async fn names_the_flag_when_the_child_or_therapist_is_unknown() {
    let db = TestDb::new(Backend::Sqlite);
    run_cli(&db, &["demo"], &[]);

    let (ok, stdout, stderr) = pairing_code(&db, "Zed", MAYA);
    assert!(!ok && stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("--child") && stderr.contains("Zed"), "{stderr}");

    let (ok, stdout, stderr) = pairing_code(&db, "Leo", "nobody@demo.homeplay");
    assert!(!ok && stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("--therapist"), "{stderr}");

    // A child of another clinic is not found through this clinic's therapist, even by id.
    let other = make_clinic(&db, "Elsewhere", "ana@elsewhere.example", true);
    let server = TestServer::start(&db);
    let ana = Therapist::login(&server, &other.email).await;
    let theirs = ana.add_child("Ivy").await;
    let ivy = theirs["child"]["id"].as_str().unwrap();
    let (ok, _, stderr) = pairing_code(&db, ivy, MAYA);
    assert!(!ok && stderr.contains("--child"), "{stderr}");
    let (ok, stdout, stderr) = pairing_code(&db, ivy, &other.email);
    assert!(ok && !stdout.trim().is_empty(), "{stderr}");
}
