//! The HTTP API: one router, `/api/v1/…`, JSON in and out, and the OpenAPI document that describes it.
//!
//! Each route is declared once, as `routes!(handler)` below, from the handler's `#[utoipa::path]`: the
//! router and the document (served at `GET /api/openapi.json`, committed as `server/openapi.json`) are built
//! from the same declarations and cannot drift apart.

pub mod adherence;
pub mod assign_many;
pub mod assignments;
pub mod audit_log;
pub mod auth;
pub mod children;
pub mod clinic_export;
pub mod clinic_settings;
pub mod doc;
pub mod feedback;
pub mod goals;
pub mod health;
pub mod invitations;
pub mod library;
pub mod lifecycle;
pub mod media;
pub mod messages;
pub mod pain;
pub mod responses;
pub mod sync;
pub mod team;
pub mod therapists;
pub mod two_factor;

use crate::error::Failure;
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use homeplay_core::sync::ErrorCode;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi as _;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Where the document is served. It describes `/api/v1/…` and the probes, not itself.
pub const OPENAPI_PATH: &str = "/api/openapi.json";

/// Every documented route, and the document: both from the handlers' `#[utoipa::path]` declarations.
fn documented() -> (Router<AppState>, OpenApi) {
    // Paths here are relative to `/api/v1`. Methods of one path go in one `routes!`.
    let (api, api_doc) = OpenApiRouter::<AppState>::default()
        .routes(routes!(sync::info))
        .routes(routes!(sync::pair))
        .routes(routes!(sync::push))
        .routes(routes!(sync::pull))
        .routes(routes!(sync::media))
        .routes(routes!(media::upload))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(invitations::welcome))
        .routes(routes!(two_factor::login_second_factor))
        .routes(routes!(two_factor::setup))
        .routes(routes!(two_factor::confirm))
        .routes(routes!(children::list, children::create))
        .routes(routes!(children::get, children::update, lifecycle::erase))
        .routes(routes!(lifecycle::discharge))
        .routes(routes!(lifecycle::readmit))
        .routes(routes!(children::pairing_code))
        .routes(routes!(children::email_pairing_link))
        .routes(routes!(children::devices))
        .routes(routes!(children::revoke_device))
        .routes(routes!(library::list_exercises, library::create_exercise))
        .routes(routes!(library::get_exercise, library::update_exercise, library::archive_exercise))
        .routes(routes!(library::clone_exercise))
        .routes(routes!(library::mine))
        .routes(routes!(library::list_templates, library::create_template))
        .routes(routes!(library::update_template, library::archive_template))
        .routes(routes!(library::add_favourite, library::remove_favourite))
        .routes(routes!(library::list_routines, library::create_routine))
        .routes(routes!(library::get_routine, library::update_routine, library::archive_routine))
        .routes(routes!(library::list_routine_uses))
        .routes(routes!(library::list_child_routines))
        .routes(routes!(assignments::list, assignments::create))
        .routes(routes!(assign_many::create_many))
        .routes(routes!(assignments::update))
        .routes(routes!(assignments::pause))
        .routes(routes!(assignments::resume))
        .routes(routes!(assignments::end))
        .routes(routes!(assignments::history))
        .routes(routes!(feedback::list, feedback::create))
        .routes(routes!(messages::list, messages::send))
        .routes(routes!(messages::mark_read))
        .routes(routes!(adherence::overview))
        .routes(routes!(adherence::child))
        .routes(routes!(pain::mark_seen))
        .routes(routes!(audit_log::list))
        .routes(routes!(therapists::list, therapists::invite))
        .routes(routes!(therapists::accounts))
        .routes(routes!(therapists::disable))
        .routes(routes!(therapists::enable))
        .routes(routes!(therapists::reset_two_factor))
        .routes(routes!(invitations::reinvite))
        .routes(routes!(team::get, team::update))
        .routes(routes!(team::get_policy, team::update_policy))
        .routes(routes!(clinic_settings::get, clinic_settings::update))
        .routes(routes!(clinic_export::record))
        .routes(routes!(goals::list, goals::create))
        .routes(routes!(goals::progress))
        .routes(routes!(goals::update))
        .routes(routes!(goals::settle))
        .routes(routes!(goals::history))
        .routes(routes!(goals::review))
        .split_for_parts();
    let api = api.fallback(not_found).method_not_allowed_fallback(method_not_allowed);
    let (root, root_doc) = OpenApiRouter::<AppState>::with_openapi(doc::ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .split_for_parts();
    let mut doc = root_doc.nest("/api/v1", api_doc);
    doc::document_session_owes(&mut doc);
    doc::merge_closed_extensions(&mut doc);
    (root.nest("/api/v1", api), doc)
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi() -> OpenApi {
    documented().1
}

/// The document as `homeplay-server openapi` prints it, `GET /api/openapi.json` serves it, and
/// `server/openapi.json` holds it: pretty JSON, in a stable order, ending with a newline.
pub fn openapi_json() -> String {
    to_json(&openapi())
}

fn to_json(doc: &OpenApi) -> String {
    // Serializing plain data structures with string keys cannot fail.
    let mut json = doc.to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

pub fn router(state: AppState) -> Router {
    let max_body = state.limits.max_body_bytes;
    let (routes, doc) = documented();
    let doc = Bytes::from(to_json(&doc));
    routes
        .route(OPENAPI_PATH, get(move || std::future::ready(([(header::CONTENT_TYPE, "application/json")], doc))))
        .fallback(not_found)
        // Answers hold children's data: no cache, shared or private, may keep them (media say otherwise).
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::map_response(close_when_too_large))
        .layer(axum::middleware::from_fn(crate::access::mark_writes))
        .with_state(state)
}

/// A body refused as too large was not read to its end, so the connection cannot carry another request:
/// say so, rather than let the client reuse it and fail on its next request.
async fn close_when_too_large(mut response: Response) -> Response {
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

async fn not_found() -> Failure {
    Failure::new(ErrorCode::NotFound, "no such endpoint")
}

async fn method_not_allowed() -> Failure {
    Failure::new(ErrorCode::MethodNotAllowed, "this endpoint does not take that method")
}
