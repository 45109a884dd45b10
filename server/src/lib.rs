//! homeplay-server: the clinic's system of record. Therapists use it through the dashboard; family devices
//! pair with it and sync through it. Stateless: all state is in the database (SQLite or PostgreSQL).

pub mod access;
pub mod accounts;
pub mod api;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod error;
pub mod json;
pub mod program;
pub mod state;
pub mod store;
pub mod ui;

use crate::state::AppState;
use axum::Router;
use std::net::SocketAddr;
use std::path::PathBuf;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
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
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(error::Failure::new(
                homeplay_core::sync::ErrorCode::Internal,
                "the server could not complete the request; try again",
            ))
        }))
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
