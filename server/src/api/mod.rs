//! The HTTP API: one router, `/api/v1/…`, JSON in and out.

pub mod adherence;
pub mod assignments;
pub mod audit_log;
pub mod auth;
pub mod children;
pub mod feedback;
pub mod health;
pub mod library;
pub mod media;
pub mod sync;
pub mod therapists;

use crate::error::Failure;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use homeplay_core::sync::ErrorCode;

pub fn router(state: AppState) -> Router {
    let max_body = state.limits.max_body_bytes;
    let api = Router::new()
        .route("/sync/info", get(sync::info))
        .route("/sync/pair", post(sync::pair))
        .route("/sync/push", post(sync::push))
        .route("/sync/pull", post(sync::pull))
        .route("/media/{media}", get(sync::media))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/auth/password", post(auth::change_password))
        .route("/children", get(children::list).post(children::create))
        .route("/children/{id}", get(children::get).put(children::update))
        .route("/children/{id}/pairing-codes", post(children::pairing_code))
        .route("/children/{id}/devices", get(children::devices))
        .route("/devices/{id}/revoke", post(children::revoke_device))
        .route("/library/exercises", get(library::list_exercises).post(library::create_exercise))
        .route("/library/exercises/{id}", get(library::get_exercise).put(library::update_exercise))
        .route("/library/exercises/{id}/clone", post(library::clone_exercise))
        .route("/library/routines", get(library::list_routines).post(library::create_routine))
        .route("/library/routines/{id}", get(library::get_routine).put(library::update_routine))
        .route("/children/{id}/assignments", get(assignments::list).post(assignments::create))
        .route("/assignments/{id}", axum::routing::put(assignments::update))
        .route("/assignments/{id}/pause", post(assignments::pause))
        .route("/assignments/{id}/resume", post(assignments::resume))
        .route("/assignments/{id}/end", post(assignments::end))
        .route("/assignments/{id}/history", get(assignments::history))
        .route("/children/{id}/feedback", get(feedback::list).post(feedback::create))
        .route("/media", post(media::upload))
        .route("/overview", get(adherence::overview))
        .route("/children/{id}/adherence", get(adherence::child))
        .route("/audit", get(audit_log::list))
        .route("/therapists", get(therapists::list).post(therapists::invite))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .nest("/api/v1", api)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

async fn not_found() -> Failure {
    Failure::new(ErrorCode::NotFound, "no such endpoint")
}

async fn method_not_allowed() -> Failure {
    Failure::bad_request("this endpoint does not take that method")
}
