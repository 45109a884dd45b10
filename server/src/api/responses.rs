//! The error answers many operations share, each set said once. An operation's `#[utoipa::path]` lists its
//! own answers and then the sets that apply to it, e.g. `responses((status = 200, …), SessionWrite, JsonBody)`.
//! Each comes out in the document exactly as the same rows written inline would.
#![allow(dead_code)] // The variants only describe answers; the handlers answer with `Failure`.

use crate::api::doc::*;
use homeplay_core::sync::ApiError;

/// A signed-in dashboard read: 401 without a session, 500 when the server fails. (The 403 of a session that
/// owes a step is added to every session operation by `doc::document_session_owes`.)
#[derive(Debug, utoipa::IntoResponses)]
pub enum SessionRead {
    #[response(status = 401, description = NOT_SIGNED_IN)]
    NotSignedIn(ApiError),
    #[response(status = 500, description = SERVER_FAILED)]
    Failed(ApiError),
}

/// A signed-in dashboard write whose only 403 is the CSRF token's: [`SessionRead`]'s answers and that one.
#[derive(Debug, utoipa::IntoResponses)]
pub enum SessionWrite {
    #[response(status = 401, description = NOT_SIGNED_IN)]
    NotSignedIn(ApiError),
    #[response(status = 403, description = NO_CSRF)]
    NoCsrf(ApiError),
    #[response(status = 500, description = SERVER_FAILED)]
    Failed(ApiError),
}

/// A paired device's call: 401 without a valid device token, 500 when the server fails.
#[derive(Debug, utoipa::IntoResponses)]
pub enum DeviceCall {
    #[response(status = 401, description = NOT_PAIRED)]
    NotPaired(ApiError),
    #[response(status = 500, description = SERVER_FAILED)]
    Failed(ApiError),
}

/// Any operation that takes a JSON body: too large, or not sent as JSON.
#[derive(Debug, utoipa::IntoResponses)]
pub enum JsonBody {
    #[response(status = 413, description = TOO_LARGE)]
    TooLarge(ApiError),
    #[response(status = 415, description = NOT_JSON)]
    NotJson(ApiError),
}

/// The server could not complete the request; for operations that fit none of the sets above.
#[derive(Debug, utoipa::IntoResponses)]
pub enum ServerFailed {
    #[response(status = 500, description = SERVER_FAILED)]
    Failed(ApiError),
}

/// An operation whose address names a record by id: the id is malformed.
#[derive(Debug, utoipa::IntoResponses)]
pub enum BadId {
    #[response(status = 400, description = BAD_ID)]
    BadId(ApiError),
}

/// An operation with a JSON body and no id in its address: the body is not of the expected shape.
#[derive(Debug, utoipa::IntoResponses)]
pub enum BadJson {
    #[response(status = 400, description = BAD_JSON)]
    BadJson(ApiError),
}

/// An operation with a JSON body and an id in its address: either is malformed.
#[derive(Debug, utoipa::IntoResponses)]
pub enum BadJsonOrId {
    #[response(status = 400, description = BAD_JSON_OR_ID)]
    BadJsonOrId(ApiError),
}

/// An operation on a child the path names: not one the caller may open (see `crate::access`).
#[derive(Debug, utoipa::IntoResponses)]
pub enum NoChild {
    #[response(status = 404, description = NO_CHILD)]
    NoChild(ApiError),
}

/// An operation whose body's values are checked against the core's bounds.
#[derive(Debug, utoipa::IntoResponses)]
pub enum OutOfBounds {
    #[response(status = 422, description = OUT_OF_BOUNDS)]
    OutOfBounds(ApiError),
}
