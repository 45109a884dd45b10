//! The server's suites share the cross-component harness (crate homeplay-tests): a fresh SQLite or
//! PostgreSQL database per test, the real server binary on a free loopback port, and HTTP clients.
#![allow(unused_imports)]

pub use homeplay_tests::*;

/// Riverside with Maya (admin) and Ari (not an admin, on no child's team): the pair that tells a care team's
/// rules apart. The server runs on `db`.
pub async fn maya_and_ari(db: &TestDb) -> (TestServer, Therapist, Therapist) {
    let clinic = make_clinic(db, "Riverside", "maya@riverside.example", true);
    add_therapist(db, &clinic.id, "ari@riverside.example", false);
    let server = TestServer::start(db);
    let maya = Therapist::login(&server, "maya@riverside.example").await;
    let ari = Therapist::login(&server, "ari@riverside.example").await;
    (server, maya, ari)
}
