//! The dashboard's files at `/` (`serve --ui-dir`): files as they are, `index.html` for client routes, and
//! never in the way of the API or the probes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use std::path::Path;
use tower::ServiceExt as _;

async fn app(ui: &Path, db: &Path) -> axum::Router {
    let url = format!("sqlite://{}", db.join("ui.db").display());
    let store = homeplay_server::cli::open_store(&url).await.unwrap();
    let state = homeplay_server::cli::state(store, homeplay_server::config::Limits::default());
    homeplay_server::app_with_ui(state, Some(ui.to_path_buf()))
}

async fn get(app: &axum::Router, method: &str, path: &str) -> (StatusCode, String, String) {
    let request = Request::builder().method(method).uri(path).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let content_type =
        response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let body =
        String::from_utf8_lossy(&axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap()).into_owned();
    (status, content_type, body)
}

#[tokio::test]
async fn serves_the_dashboard_without_shadowing_the_api() {
    let ui = tempfile::tempdir().unwrap();
    let db = tempfile::tempdir().unwrap();
    std::fs::write(ui.path().join("index.html"), "<!doctype html><title>dashboard</title>").unwrap();
    std::fs::create_dir(ui.path().join("assets")).unwrap();
    std::fs::write(ui.path().join("assets/app-1234.js"), "console.log(1)").unwrap();
    let app = app(ui.path(), db.path()).await;

    let (status, kind, body) = get(&app, "GET", "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/html") && body.contains("dashboard"), "{kind} {body}");
    // A client route loads the app.
    let (status, _, body) = get(&app, "GET", "/children/some-child").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("dashboard"), "{body}");
    let (status, kind, body) = get(&app, "GET", "/assets/app-1234.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.contains("javascript") && body.contains("console"), "{kind} {body}");
    // A missing asset is a 404, not the app.
    let (status, _, _) = get(&app, "GET", "/assets/gone.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The API and the probes are untouched.
    for path in ["/api/nope", "/api/v1/nope", "/api"] {
        let (status, kind, body) = get(&app, "GET", path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(kind.starts_with("application/json") && body.contains("not_found"), "{path}: {kind} {body}");
    }
    let (status, _, body) = get(&app, "GET", "/api/v1/auth/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, kind, _) = get(&app, "GET", "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("application/json"));
    let (status, _, _) = get(&app, "GET", "/healthz").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn without_a_dashboard_folder_only_the_api_answers() {
    let db = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", db.path().join("ui.db").display());
    let store = homeplay_server::cli::open_store(&url).await.unwrap();
    let app = homeplay_server::app(homeplay_server::cli::state(store, homeplay_server::config::Limits::default()));
    let (status, kind, _) = get(&app, "GET", "/").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(kind.starts_with("application/json"));
}
