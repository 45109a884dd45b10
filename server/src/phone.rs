//! The family web app for phones (`ui/phone`, built to `<ui-dir>/family/`) at `/family/`: its own scope, its own
//! `index.html` for any page address under it (never the dashboard's), and its own headers. The pairing code
//! comes in the link's `#fragment`, which browsers never send: the server cannot log what it never receives,
//! and the request log records paths without their query (`lib.rs`) for anything else a link might carry.

use crate::error::Failure;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use homeplay_core::sync::ErrorCode;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use tower::ServiceExt as _;
use tower_http::services::ServeDir;

/// Where the web app lives, in the address and inside the dashboard's folder.
pub const PREFIX: &str = "/family";

/// Whether `path` belongs to the web app rather than the dashboard.
pub fn owns(path: &str) -> bool {
    path == PREFIX || path.strip_prefix(PREFIX).is_some_and(|rest| rest.starts_with('/'))
}

/// No inline script at all: the service worker registers from a module, and the manifest and the worker come from
/// this origin only. The family's data goes only to the server that served the app (`connect-src 'self'`). Styles
/// allow inline attributes because Svelte writes `style="…"` for sizes it computes (never script).
const CSP: &str = "default-src 'self'; script-src 'self'; worker-src 'self'; manifest-src 'self'; connect-src 'self'; \
                   img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; font-src 'self'; \
                   object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// Answers one request under `/family`, from `dir` (the app's build, `<ui-dir>/family`).
pub async fn serve(dir: PathBuf, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let Some(inner) = path.strip_prefix(PREFIX).filter(|rest| !rest.is_empty()).map(str::to_owned) else {
        // The app's scope ends in a slash; `/family` alone would load it outside its own scope.
        return Redirect::permanent("/family/").into_response();
    };
    if !dir.join("index.html").is_file() {
        return Failure::new(ErrorCode::NotFound, "the family web app is not built on this server (ui/dist/family)")
            .into_response();
    }
    let asset = inner.starts_with("/assets/");
    let mut response = if asset || names_a_file(&inner) || is_file(&dir, &inner) {
        // A missing file (a stale page's old script, a missing icon) is a 404, never the page as a script.
        let Ok(r) = ServeDir::new(&dir).oneshot(strip_prefix(request, &inner)).await.map_err(|e: Infallible| e);
        r.map(Body::new)
    } else {
        index(&dir, request).await
    };
    let status = response.status();
    let headers = response.headers_mut();
    // Vite names built assets by their content hash: they never change. Everything else is checked on every
    // load, or an old app would hang on after a new build: the page, the service worker (`sw.js`) and its
    // registration script, the manifest, the icons.
    let cache = if asset && status.is_success() { "public, max-age=31536000, immutable" } else { "no-cache" };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if inner.ends_with(".webmanifest") {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/manifest+json"));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    response
}

/// A last segment with an extension names a file (`x.js`, `icon.png`); the app's own page addresses have none.
fn names_a_file(inner: &str) -> bool {
    inner.rsplit('/').next().is_some_and(|last| last.contains('.'))
}

fn is_file(dir: &Path, inner: &str) -> bool {
    let relative = inner.trim_start_matches('/');
    !relative.split('/').any(|part| part == "..") && dir.join(relative).is_file()
}

/// The same request, addressed inside the app's folder.
fn strip_prefix(mut request: Request, inner: &str) -> Request {
    let query = request.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
    if let Ok(uri) = format!("{inner}{query}").parse::<Uri>() {
        *request.uri_mut() = uri;
    }
    request
}

/// The app's page, for its scope's root and any page address under it.
async fn index(dir: &Path, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    parts.uri = Uri::from_static("/index.html");
    let Ok(r) = ServeDir::new(dir).oneshot(Request::from_parts(parts, body)).await.map_err(|e: Infallible| e);
    let mut response = r.map(Body::new);
    if response.status() == StatusCode::NOT_MODIFIED {
        return response;
    }
    response.headers_mut().remove(header::CONTENT_LOCATION);
    response
}
