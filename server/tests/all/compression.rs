//! Responses are gzipped for a client that accepts it when that saves a round trip: a body that fits TCP's
//! initial congestion window (ten segments, ~14 KB) arrives in the first flight compressed or not, so it goes as
//! it is (compressing it only cost the server time); a larger one (a catch-up page) is compressed.

use crate::common::{Backend, PASSWORD, TestDb, TestServer, make_clinic};
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};
use serde_json::json;

#[tokio::test]
async fn bodies_within_the_first_flight_go_plain_and_larger_ones_gzipped() {
    let db = TestDb::new(Backend::Sqlite);
    make_clinic(&db, "Riverside", "maya@riverside.example", true);
    let server = TestServer::start(&db);
    // Sends the header itself and leaves the body as it came, so the test sees what went over the wire.
    let raw = reqwest::Client::builder().no_gzip().cookie_store(true).build().expect("client");
    let get = |path: &str| raw.get(format!("{}{path}", server.base)).header(ACCEPT_ENCODING, "gzip").send();
    let plain = |response: reqwest::Response| async move {
        assert!(response.status().is_success());
        assert_eq!(response.headers().get(CONTENT_ENCODING), None);
        let body = response.bytes().await.expect("body");
        assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok(), "plain JSON: {body:?}");
        body.len()
    };

    let small = plain(get("/api/v1/sync/info").await.expect("info")).await;
    assert!(small < 1400, "a body of one packet: {small} bytes");

    // A body of several packets that still fit the first flight (it was gzipped from 1,400 bytes on).
    let signed_in = raw
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({"email": "maya@riverside.example", "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    assert!(signed_in.status().is_success());
    let mid = plain(get("/api/v1/library/exercises?area=posture_alignment").await.expect("exercises")).await;
    assert!((1400..14_480).contains(&mid), "a body of several packets to test with: {mid} bytes");

    let large = get("/api/openapi.json").await.expect("openapi");
    assert!(large.status().is_success());
    assert_eq!(large.headers().get(CONTENT_ENCODING).map(|v| v.to_str().unwrap_or_default()), Some("gzip"));
    let gzipped = large.bytes().await.expect("body");
    assert_eq!(&gzipped[..2], &[0x1f, 0x8b], "a gzip stream");
}
