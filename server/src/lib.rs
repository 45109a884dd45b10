//! homeplay-server: the clinic's system of record. Therapists use it through the dashboard; family devices
//! pair with it and sync through it. Stateless: all state is in the database (SQLite or PostgreSQL).

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

use crate::state::AppState;
use axum::Router;
use std::net::SocketAddr;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::trace::TraceLayer;

/// The whole application, ready to serve.
pub fn app(state: AppState) -> Router {
    api::router(state)
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

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
