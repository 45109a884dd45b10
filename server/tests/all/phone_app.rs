//! The family web app at `/family/` (`serve --ui-dir`, its build in `<ui-dir>/family/`): its files, its own page
//! for any address in its scope, its own headers, never the dashboard's page, and no request log line that
//! carries what a link held.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use tower::ServiceExt as _;

async fn app(ui: &Path, db: &Path) -> axum::Router {
    let url = format!("sqlite://{}", db.join("phone.db").display());
    let store = homeplay_server::cli::open_store(&url).await.unwrap();
    let state = homeplay_server::cli::state(store, homeplay_server::config::Limits::default());
    homeplay_server::app_with_ui(state, Some(ui.to_path_buf()))
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers.get(&name).map(|v| v.to_str().unwrap()).unwrap_or_default()
    }
}

async fn get(app: &axum::Router, path: &str) -> Answer {
    let request = Request::builder().uri(path).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body =
        String::from_utf8_lossy(&axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap()).into_owned();
    Answer { status, headers, body }
}

/// A dashboard build with a family build stand-in beside it, as `npm run build` leaves `ui/dist`.
fn builds(ui: &Path, with_family: bool) {
    std::fs::write(ui.join("index.html"), "<!doctype html><title>dashboard</title>").unwrap();
    std::fs::create_dir(ui.join("assets")).unwrap();
    std::fs::write(ui.join("assets/dash-1.js"), "console.log('dashboard')").unwrap();
    if !with_family {
        return;
    }
    let family = ui.join("family");
    std::fs::create_dir_all(family.join("assets")).unwrap();
    std::fs::write(family.join("index.html"), "<!doctype html><title>family phone</title>").unwrap();
    std::fs::write(family.join("assets/index-abc123.js"), "console.log('family')").unwrap();
    std::fs::write(family.join("sw.js"), "self.addEventListener('fetch', () => {})").unwrap();
    std::fs::write(family.join("registerSW.js"), "navigator.serviceWorker.register('/family/sw.js')").unwrap();
    std::fs::write(family.join("manifest.webmanifest"), r#"{"name":"homeplay — home exercises"}"#).unwrap();
    std::fs::write(family.join("icon-192.png"), [0x89, b'P', b'N', b'G']).unwrap();
}

#[tokio::test]
async fn serves_the_phone_app_in_its_own_scope_with_its_own_headers() {
    let ui = tempfile::tempdir().unwrap();
    let db = tempfile::tempdir().unwrap();
    builds(ui.path(), true);
    let app = app(ui.path(), db.path()).await;

    // The scope's root and any page address under it: the family app's page, never the dashboard's.
    for path in ["/family/", "/family/index.html", "/family/today", "/family/some/deep/page", "/family/?from=qr"] {
        let a = get(&app, path).await;
        assert_eq!(a.status, StatusCode::OK, "{path}");
        assert!(a.header(header::CONTENT_TYPE).starts_with("text/html"), "{path}");
        assert!(a.body.contains("family phone") && !a.body.contains("dashboard"), "{path}: {}", a.body);
        assert_eq!(a.header(header::CACHE_CONTROL), "no-cache", "{path}");
    }
    // `/family` alone would load the app outside its scope: it is sent to the scope.
    let a = get(&app, "/family").await;
    assert_eq!(a.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(a.header(header::LOCATION), "/family/");

    // Hashed assets never change; a missing one is a 404, never the page served as a script.
    let a = get(&app, "/family/assets/index-abc123.js").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.header(header::CONTENT_TYPE).contains("javascript") && a.body.contains("family"));
    assert_eq!(a.header(header::CACHE_CONTROL), "public, max-age=31536000, immutable");
    for path in ["/family/assets/gone.js", "/family/gone.js", "/family/icon-999.png", "/family/assets/"] {
        let a = get(&app, path).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!a.body.contains("family phone"), "{path}");
        assert_ne!(a.header(header::CACHE_CONTROL), "public, max-age=31536000, immutable", "{path}");
    }
    // The service worker, its registration and the manifest are checked on every load, or an old app would stay.
    for path in ["/family/sw.js", "/family/registerSW.js", "/family/manifest.webmanifest"] {
        let a = get(&app, path).await;
        assert_eq!(a.status, StatusCode::OK, "{path}");
        assert_eq!(a.header(header::CACHE_CONTROL), "no-cache", "{path}");
    }
    assert!(get(&app, "/family/sw.js").await.header(header::CONTENT_TYPE).contains("javascript"));
    assert_eq!(
        get(&app, "/family/manifest.webmanifest").await.header(header::CONTENT_TYPE),
        "application/manifest+json"
    );
    assert_eq!(get(&app, "/family/icon-192.png").await.header(header::CONTENT_TYPE), "image/png");

    // Its own headers on every answer: a strict CSP without inline script, and no referrer to anywhere.
    for path in
        ["/family/", "/family/today", "/family/sw.js", "/family/assets/index-abc123.js", "/family/assets/gone.js"]
    {
        let a = get(&app, path).await;
        let csp = a.header(header::CONTENT_SECURITY_POLICY);
        for directive in [
            "script-src 'self';",
            "worker-src 'self';",
            "manifest-src 'self';",
            "connect-src 'self';",
            "img-src 'self' data: blob:;",
            "media-src 'self' blob:;",
            "frame-ancestors 'none';",
            "base-uri 'self';",
        ] {
            assert!(csp.contains(directive), "{path}: {directive} missing from {csp}");
        }
        let script = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
        assert!(!script.contains("unsafe"), "{path}: {script}");
        assert_eq!(a.header(header::REFERRER_POLICY), "no-referrer", "{path}");
        assert_eq!(a.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{path}");
        assert_eq!(a.header(header::X_FRAME_OPTIONS), "DENY", "{path}");
    }

    // The dashboard, its client routes and the API are as before; a path that only starts like the scope is the
    // dashboard's.
    let a = get(&app, "/").await;
    assert!(a.body.contains("dashboard"));
    assert_eq!(a.header(header::REFERRER_POLICY), "same-origin");
    assert!(get(&app, "/familyish").await.body.contains("dashboard"));
    assert!(get(&app, "/children/x").await.body.contains("dashboard"));
    let a = get(&app, "/api/v1/nope").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.header(header::CONTENT_TYPE).starts_with("application/json"));
}

#[tokio::test]
async fn without_a_phone_build_the_scope_is_a_404_not_the_dashboard() {
    let ui = tempfile::tempdir().unwrap();
    let db = tempfile::tempdir().unwrap();
    builds(ui.path(), false);
    let app = app(ui.path(), db.path()).await;
    for path in ["/family/", "/family/today", "/family/sw.js"] {
        let a = get(&app, path).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}");
        assert!(a.header(header::CONTENT_TYPE).starts_with("application/json"), "{path}");
        assert!(!a.body.contains("dashboard"), "{path}: {}", a.body);
    }
    assert!(get(&app, "/").await.body.contains("dashboard"));
}

/// The real server binary, at every log level, answers a link that (wrongly) put a code in its query and an API
/// call with one: neither reaches its log. (A pairing link keeps its code in the `#fragment`, which a browser
/// never sends.) A process of its own, since the log's filter is process-wide.
#[tokio::test]
async fn no_request_log_line_carries_what_the_address_held() {
    let ui = tempfile::tempdir().unwrap();
    let db = tempfile::tempdir().unwrap();
    builds(ui.path(), true);
    let mut child = Command::new(env!("CARGO_BIN_EXE_homeplay-server"))
        .arg("--database")
        .arg(format!("sqlite://{}", db.path().join("log.db").display()))
        .args(["serve", "--bind", "127.0.0.1:0", "--ui-dir"])
        .arg(ui.path())
        .env("RUST_LOG", "trace")
        .env_remove("HOMEPLAY_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (started, address) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut log = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(base) = line.strip_prefix("homeplay-server listening on ") {
                let _ = started.send(base.to_owned());
            }
            log.push_str(&line);
            log.push('\n');
        }
        log
    });
    let base = address.recv_timeout(Duration::from_secs(60)).expect("the server did not start");
    let client = reqwest::Client::new();
    let page = client.get(format!("{base}/family/?pair=QZ7K-M4PX")).send().await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let api = client.get(format!("{base}/api/v1/nope?code=QZ7K-M4PX&token=hp_secret")).send().await.unwrap();
    assert_eq!(api.status(), reqwest::StatusCode::NOT_FOUND);
    child.kill().unwrap();
    child.wait().unwrap();
    let log = reader.join().unwrap();
    // The log does record these requests (so the check below is not vacuous)…
    assert!(log.contains("/family/") && log.contains("/api/v1/nope"), "{log}");
    // …by path only.
    assert!(!log.contains("QZ7K-M4PX") && !log.contains("hp_secret"), "{log}");
}
