//! The clinic dashboard: the built single-page app (`ui/dist`) served at `/`, with `index.html` for any path
//! that is not a file, so client routes load the app. Never answers under `/api`: an unknown API address
//! stays a JSON 404, and the API's own routes and the probes are matched before this fallback. The family web
//! app for phones, built into the same folder's `family/`, answers under `/family` (`phone.rs`).

use crate::error::Failure;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use homeplay_core::sync::ErrorCode;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use tower::ServiceExt as _;
use tower_http::services::{ServeDir, ServeFile};

/// Where `serve` looks for the dashboard when `--ui-dir` is not given, relative to the working directory.
pub const DEFAULT_UI_DIR: &str = "ui/dist";

/// The dashboard's folder: the one given, else `ui/dist` if it holds an `index.html`, else none (API only).
pub fn resolve_dir(given: Option<PathBuf>) -> Option<PathBuf> {
    given.or_else(|| {
        let default = PathBuf::from(DEFAULT_UI_DIR);
        default.join("index.html").is_file().then_some(default)
    })
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Answers one request that no API route matched: a file of the dashboard, or its `index.html`.
pub async fn serve(dir: PathBuf, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    if is_api(&path) {
        return Failure::new(ErrorCode::NotFound, "no such endpoint").into_response();
    }
    if crate::phone::owns(&path) {
        return crate::phone::serve(dir.join("family"), request).await;
    }
    // A missing asset is a 404, not the app: a stale page must not cache index.html as a script.
    let mut response = if path.starts_with("/assets/") {
        let Ok(r) = ServeDir::new(&dir).oneshot(request).await.map_err(|e: Infallible| e);
        r.map(Body::new)
    } else {
        let Ok(r) = files(&dir).oneshot(request).await.map_err(|e: Infallible| e);
        r.map(Body::new)
    };
    // Vite names built assets by their content hash: they never change. Everything else (index.html)
    // is checked on every load, so a new build shows at once.
    let cache = if path.starts_with("/assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; \
             script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        ),
    );
    response
}

fn files(dir: &Path) -> ServeDir<ServeFile> {
    ServeDir::new(dir).append_index_html_on_directories(true).fallback(ServeFile::new(dir.join("index.html")))
}
