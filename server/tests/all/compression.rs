//! Responses are gzipped for a client that accepts it when that saves a packet: a body that fits one TCP
//! segment goes as it is (compressing it only cost the server time), a larger one compressed.

use crate::common::{Backend, TestDb, TestServer};
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};

#[tokio::test]
async fn small_bodies_go_plain_and_large_ones_gzipped() {
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db);
    // Sends the header itself and leaves the body as it came, so the test sees what went over the wire.
    let raw = reqwest::Client::builder().no_gzip().build().expect("client");
    let get = |path: &str| raw.get(format!("{}{path}", server.base)).header(ACCEPT_ENCODING, "gzip").send();

    let small = get("/api/v1/sync/info").await.expect("info");
    assert!(small.status().is_success());
    assert_eq!(small.headers().get(CONTENT_ENCODING), None);
    let body = small.bytes().await.expect("body");
    assert!(body.len() < 1400 && serde_json::from_slice::<serde_json::Value>(&body).is_ok(), "{body:?}");

    let large = get("/api/openapi.json").await.expect("openapi");
    assert!(large.status().is_success());
    assert_eq!(large.headers().get(CONTENT_ENCODING).map(|v| v.to_str().unwrap_or_default()), Some("gzip"));
    let gzipped = large.bytes().await.expect("body");
    assert_eq!(&gzipped[..2], &[0x1f, 0x8b], "a gzip stream");
}
