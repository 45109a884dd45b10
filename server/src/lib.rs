//! homeplay-server: the clinic's system of record. Therapists use it through the dashboard; family devices
//! pair with it and sync through it. Stateless: all state is in the database (SQLite or PostgreSQL).

pub mod access;
pub mod accounts;
pub mod api;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod config;
pub mod demo;
pub mod error;
pub mod json;
pub mod mail;
pub mod metrics;
pub mod phone;
pub mod program;
pub mod redirect;
pub mod state;
pub mod store;
pub mod tls;
pub mod ui;

use crate::state::AppState;
use axum::Router;
use std::net::SocketAddr;
use std::path::PathBuf;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// The whole application, ready to serve: the API alone.
pub fn app(state: AppState) -> Router {
    app_with_ui(state, None)
}

/// The whole application, with the clinic dashboard served from `ui_dir` at `/` when given.
pub fn app_with_ui(state: AppState, ui_dir: Option<PathBuf>) -> Router {
    let mut router = api::router(state);
    if let Some(dir) = ui_dir {
        router = router.fallback(move |request: axum::extract::Request| ui::serve(dir.clone(), request));
    }
    router
        // No browser may guess a type other than the one sent (an upload served as HTML, say).
        .layer(SetResponseHeaderLayer::overriding(
            axum::http::header::X_CONTENT_TYPE_OPTIONS,
            axum::http::HeaderValue::from_static("nosniff"),
        ))
        .layer(RequestDecompressionLayer::new())
        .layer(compression())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(error::Failure::new(
                homeplay_core::sync::ErrorCode::Internal,
                "the server could not complete the request; try again",
            ))
        }))
        // Outermost, so a request that panicked is counted as the 500 it was answered with.
        .layer(axum::middleware::from_fn(metrics::track))
}

/// Responses are gzipped when that saves a round trip: a body that fits TCP's initial congestion window (ten
/// segments, RFC 6928: ~14 KB; a device's poll with a few changes, a child's page) arrives in the first flight
/// either way, and compressing such bodies was a third of the server's own CPU time under 200 pulling devices
/// (bench/README.md, "Sync path (issue 16)", fourth round), for a few hundred bytes saved. Larger ones, a
/// catch-up page above all, are compressed at the default level: the fastest one took a catch-up from 90 to 102
/// bytes a log, past the target of 100.
fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new().compress_when(DefaultPredicate::new().and(SizeAbove::new(MIN_COMPRESSED_BYTES)))
}

/// The smallest body worth compressing: more than ten Ethernet TCP segments' payload (10 × 1,448 bytes).
const MIN_COMPRESSED_BYTES: u16 = 14_480;

/// A request's log span: its method and path, never its query or headers, so no log line carries what a link
/// or a header may hold (a token, a code), whatever the log level. (The family app's pairing link keeps its code
/// in the `#fragment`, which never reaches a server at all.)
fn request_span(request: &axum::extract::Request) -> tracing::Span {
    tracing::span!(
        target: "tower_http::trace::make_span",
        tracing::Level::DEBUG,
        "request",
        method = %request.method(),
        path = %request.uri().path(),
    )
}

/// Serves the API until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_ui(listener, state, None, shutdown).await
}

/// Serves the API, and the dashboard from `ui_dir` when given, until `shutdown` resolves.
pub async fn serve_with_ui(
    listener: tokio::net::TcpListener,
    state: AppState,
    ui_dir: Option<PathBuf>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app_with_ui(state, ui_dir).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
