//! Prometheus metrics, served on a listener of their own and nowhere else.
//!
//! Off unless `metrics_bind` is set: then the recorder is installed and `GET /metrics` answers on that address
//! only, never on the API's port, so a reverse proxy that publishes the API cannot publish the metrics with it.
//! A bind beyond loopback must come with `metrics_token`, which every scrape then sends as a bearer token: no
//! setting makes them readable by anyone on the network by mistake.
//!
//! Labels carry only what is the same for every clinic (route templates, methods, status codes, reasons,
//! limit kinds): never an id, an email, an address or a token.
//!
//! Every metric's name is here, and the rest of the server records through the functions below. Without a
//! recorder (metrics off) they do nothing; the request middleware does not even look at the request.

use crate::auth::tokens::{constant_time_eq, sha256_hex};
use crate::store::{DynStore, care_name};
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use homeplay_core::sync::RejectReason;
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

pub const PATH: &str = "/metrics";

const REQUESTS: &str = "homeplay_http_requests_total";
const REQUEST_SECONDS: &str = "homeplay_http_request_duration_seconds";
const SYNC_PUSHES: &str = "homeplay_sync_pushes_total";
const SYNC_PULLS: &str = "homeplay_sync_pulls_total";
const SYNC_ACCEPTED: &str = "homeplay_sync_items_accepted_total";
const SYNC_REJECTED: &str = "homeplay_sync_items_rejected_total";
const RATE_LIMITED: &str = "homeplay_rate_limited_total";
const POOL_OPEN: &str = "homeplay_db_pool_connections";
const POOL_IDLE: &str = "homeplay_db_pool_idle_connections";
const POOL_MAX: &str = "homeplay_db_pool_max_connections";
const BUILD_INFO: &str = "homeplay_build_info";

/// Requests that matched no route (unknown paths, the dashboard's files): one label value, so a scanner
/// trying a million paths adds one series, not a million.
const UNMATCHED: &str = "unmatched";

/// From a 2 ms poll to a 10 s catch-up page, in seconds.
const LATENCY_BUCKETS: &[f64] = &[0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// A shorter token could be guessed by anyone who can reach the listener.
pub const MIN_TOKEN_CHARS: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("metrics_token is set but metrics_bind is not: metrics are served only on their own listener")]
    TokenWithoutBind,
    #[error(
        "metrics_bind {0} is reachable beyond this machine: set metrics_token (HOMEPLAY_METRICS_TOKEN) as well, \
         or bind to 127.0.0.1"
    )]
    OpenBeyondLoopback(SocketAddr),
    #[error("metrics_token must be at least {MIN_TOKEN_CHARS} characters")]
    ShortToken,
    #[error("cannot start metrics: {0}")]
    Install(String),
}

/// Where and how the metrics are served, once checked.
#[derive(Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    /// The SHA-256 (hex) of the token: compared hash to hash, so neither the token's bytes nor its length
    /// shape the time a comparison takes.
    token_hash: Option<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings").field("bind", &self.bind).field("token", &self.token_hash.is_some()).finish()
    }
}

/// The metrics settings from `metrics_bind` and `metrics_token`: `None` when metrics are off.
pub fn settings(bind: Option<SocketAddr>, token: Option<&str>) -> Result<Option<Settings>, MetricsError> {
    let token = token.filter(|t| !t.is_empty());
    if let Some(t) = token
        && t.chars().count() < MIN_TOKEN_CHARS
    {
        return Err(MetricsError::ShortToken);
    }
    match (bind, token) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(MetricsError::TokenWithoutBind),
        (Some(bind), None) if !bind.ip().is_loopback() => Err(MetricsError::OpenBeyondLoopback(bind)),
        (Some(bind), token) => Ok(Some(Settings { bind, token_hash: token.map(sha256_hex) })),
    }
}

/// The process's one recorder: the `metrics` facade has a single global recorder, so it is installed once,
/// however many times a server is started in this process.
static RECORDER: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();

/// Installs the recorder (once) and returns its handle.
pub fn install() -> Result<PrometheusHandle, MetricsError> {
    RECORDER.get_or_init(|| build().map_err(|e| e.to_string())).clone().map_err(MetricsError::Install)
}

fn build() -> Result<PrometheusHandle, BuildError> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.to_owned()), LATENCY_BUCKETS)?
        .install_recorder()?;
    describe();
    ::metrics::gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    Ok(handle)
}

fn describe() {
    use ::metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(REQUESTS, "HTTP requests answered, by method, route template and status");
    describe_histogram!(REQUEST_SECONDS, Unit::Seconds, "Time to answer an HTTP request, by method and route");
    describe_counter!(SYNC_PUSHES, "Device pushes answered");
    describe_counter!(SYNC_PULLS, "Device pulls answered");
    describe_counter!(SYNC_ACCEPTED, "Pushed items accepted, by kind (logs, check_ins, messages, message_reads)");
    describe_counter!(SYNC_REJECTED, "Pushed items rejected, by kind and reason");
    describe_counter!(RATE_LIMITED, "Attempts refused by a rate limit, by limit");
    describe_gauge!(POOL_OPEN, "Database connections open (busy or idle)");
    describe_gauge!(POOL_IDLE, "Database connections open and idle");
    describe_gauge!(POOL_MAX, "The most database connections the pool may open");
    describe_gauge!(BUILD_INFO, "Always 1; the server's version is its label");
}

fn enabled() -> bool {
    RECORDER.get().is_some_and(Result::is_ok)
}

/// Middleware: counts and times every request under its route template (`/api/v1/children/{id}`), which
/// axum has matched by the time a router layer runs.
pub async fn track(request: Request, next: Next) -> Response {
    if !enabled() {
        return next.run(request).await;
    }
    let route = request.extensions().get::<MatchedPath>().map_or(UNMATCHED, MatchedPath::as_str).to_owned();
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    ::metrics::counter!(REQUESTS, "method" => method, "route" => route.clone(), "status" => status).increment(1);
    ::metrics::histogram!(REQUEST_SECONDS, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Methods outside HTTP's own set share one label, so a client inventing methods adds no series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// A device's push, answered.
pub fn sync_pushed() {
    ::metrics::counter!(SYNC_PUSHES).increment(1);
}

/// A device's pull, answered.
pub fn sync_pulled() {
    ::metrics::counter!(SYNC_PULLS).increment(1);
}

/// The answer to one kind of pushed item (`kind`: `logs`, `check_ins` …): how many accepted, and each refusal.
pub fn sync_items<'a>(kind: &'static str, accepted: usize, refused: impl Iterator<Item = &'a RejectReason>) {
    if !enabled() {
        return;
    }
    ::metrics::counter!(SYNC_ACCEPTED, "kind" => kind).increment(u64::try_from(accepted).unwrap_or(u64::MAX));
    for reason in refused {
        ::metrics::counter!(SYNC_REJECTED, "kind" => kind, "reason" => care_name(reason)).increment(1);
    }
}

/// An attempt refused by the rate limit `kind` (`login:ip`, `pair:ip` …).
pub fn rate_limited(kind: &'static str) {
    ::metrics::counter!(RATE_LIMITED, "limit" => kind).increment(1);
}

#[derive(Clone)]
struct Scrape {
    handle: PrometheusHandle,
    token_hash: Option<Arc<str>>,
    store: DynStore,
}

/// The metrics listener's whole app: `GET /metrics`, and 404 for anything else.
pub fn router(settings: &Settings, handle: PrometheusHandle, store: DynStore) -> Router {
    let scrape = Scrape { handle, token_hash: settings.token_hash.as_deref().map(Arc::from), store };
    Router::new().route(PATH, get(render)).with_state(scrape)
}

async fn render(State(scrape): State<Scrape>, headers: HeaderMap) -> Response {
    if let Some(expected) = &scrape.token_hash
        && !bearer_matches(&headers, expected)
    {
        let challenge = [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))];
        return (StatusCode::UNAUTHORIZED, challenge, "a bearer token is needed\n").into_response();
    }
    // The pool is read when asked, not sampled on a timer: a scrape sees it as it is.
    let pool = scrape.store.pool_use();
    ::metrics::gauge!(POOL_OPEN).set(f64::from(pool.open));
    ::metrics::gauge!(POOL_IDLE).set(f64::from(pool.idle));
    ::metrics::gauge!(POOL_MAX).set(f64::from(pool.max));
    // Without the exporter's own HTTP listener nothing else runs its upkeep (which drains histograms).
    scrape.handle.run_upkeep();
    let text = scrape.handle.render();
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"))], text)
        .into_response()
}

fn bearer_matches(headers: &HeaderMap, expected_hash: &str) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    constant_time_eq(&sha256_hex(given), expected_hash)
}

/// Serves the metrics on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    settings: Settings,
    handle: PrometheusHandle,
    store: DynStore,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(&settings, handle, store)).with_graceful_shutdown(shutdown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_unless_bound_and_never_open_beyond_loopback() {
        let loopback: SocketAddr = "127.0.0.1:9464".parse().unwrap();
        let anywhere: SocketAddr = "0.0.0.0:9464".parse().unwrap();
        let token = "a-long-enough-token-1234";
        assert!(settings(None, None).unwrap().is_none());
        assert!(matches!(settings(None, Some(token)), Err(MetricsError::TokenWithoutBind)));
        assert!(matches!(settings(Some(anywhere), None), Err(MetricsError::OpenBeyondLoopback(_))));
        assert!(matches!(settings(Some(anywhere), Some("short")), Err(MetricsError::ShortToken)));
        assert!(settings(Some(loopback), None).unwrap().is_some_and(|s| s.token_hash.is_none()));
        assert!(settings(Some(anywhere), Some(token)).unwrap().is_some_and(|s| s.token_hash.is_some()));
    }

    #[test]
    fn only_the_exact_bearer_token_passes() {
        let expected = sha256_hex("a-long-enough-token-1234");
        let with = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
            h
        };
        assert!(bearer_matches(&with("Bearer a-long-enough-token-1234"), &expected));
        assert!(!bearer_matches(&with("Bearer a-long-enough-token-123"), &expected));
        assert!(!bearer_matches(&with("a-long-enough-token-1234"), &expected));
        assert!(!bearer_matches(&HeaderMap::new(), &expected));
    }
}
