//! What the OpenAPI document says beyond the operations themselves: its info and tags, the security
//! schemes, and the wording of the error responses many operations share.
//!
//! The operations come from each handler's `#[utoipa::path]`, collected where the router declares its
//! routes (`super::documented`), so the document cannot list a route the server does not have, or miss one.

use crate::auth::session::COOKIE;
use utoipa::Modify;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

/// A therapist's dashboard session: the `hp_session` cookie that `POST /api/v1/auth/login` sets.
pub const SESSION: &str = "session";
/// The session's CSRF token in `X-CSRF-Token`, required with the session on every write.
pub const CSRF: &str = "csrf";
/// A paired device's bearer token, `hpd_…`.
pub const DEVICE: &str = "device";

// The wording of responses many operations share, so that they read the same everywhere.
pub const BAD_JSON: &str = "The body is not JSON of the expected shape (malformed, a missing or unknown field, a wrong type); `field` names it";
pub const BAD_JSON_OR_ID: &str = "The body is not JSON of the expected shape (malformed, a missing or unknown field, \
    a wrong type), or the address has a malformed id; `field` names it";
pub const BAD_ID: &str = "The address has a malformed id";
pub const BAD_QUERY: &str = "The query string is malformed or has a parameter this endpoint does not take";
pub const BAD_QUERY_OR_ID: &str =
    "The query string is malformed or has a parameter this endpoint does not take, or the address has a malformed id";
pub const NOT_SIGNED_IN: &str = "Not signed in: the session cookie is missing, unknown or expired";
pub const NO_CSRF: &str = "The X-CSRF-Token header is missing or wrong";
pub const NOT_PAIRED: &str = "The device token is missing, unknown or revoked";
pub const TOO_LARGE: &str = "The body is too large";
pub const NOT_JSON: &str = "The body is not sent as application/json";
pub const OUT_OF_BOUNDS: &str = "A value is out of bounds or malformed; `field` names it";
pub const SERVER_FAILED: &str = "The server could not complete the request (details are in its log); safe to retry";
pub const NO_CHILD: &str = "No such child in this clinic, or one the caller may not open (not on the child's care \
    team, and the clinic's policy is `team_only`)";
pub const RATE_LIMITED: &str = "Too many attempts; retry after the Retry-After header's seconds";

/// The document's frame; [`super::documented`] adds the operations and the schemas they use.
#[derive(Debug, utoipa::OpenApi)]
#[openapi(
    info(
        title = "homeplay clinic server",
        description = "The clinic server's HTTP API: the therapists' dashboard (session cookie, with \
            `X-CSRF-Token` on writes) and the family devices' sync protocol (bearer token; see \
            shared/PROTOCOL.md). Every error response has an `ApiError` body. Generated from the code: \
            `homeplay-server openapi` prints it, and `GET /api/openapi.json` serves it."
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "health", description = "Liveness and readiness, for load balancers and orchestrators"),
        (name = "sync", description = "Family devices: server info, pairing, pushing logs and pulling changes"),
        (name = "media", description = "Pictures, voice prompts and videos: uploading and fetching them"),
        (name = "auth", description = "Dashboard sign-in"),
        (name = "children", description = "Children and their families, pairing codes and devices"),
        (name = "library", description = "The built-in and the clinic's own exercises, and routines"),
        (name = "assignments", description = "A child's program: assigning, changing, pausing, resuming, ending"),
        (name = "feedback", description = "Stickers and comments for a child's family"),
        (name = "adherence", description = "The clinic-wide overview and one child's full adherence picture"),
        (name = "audit", description = "Who read or changed which child's data (clinic admins only)"),
        (name = "therapists", description = "The clinic's team"),
        (name = "care_team", description = "Each child's care team, and who else in the clinic may open a record"),
        (name = "goals", description = "A child's therapy goals, their reviews (GAS) and progress beside practice"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                COOKIE,
                "The dashboard session, set by `POST /api/v1/auth/login` (HttpOnly, SameSite=Strict).",
            ))),
        );
        components.add_security_scheme(
            CSRF,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The session's `csrf_token` (from login or `GET /api/v1/auth/me`), sent with every write.",
            ))),
        );
        components.add_security_scheme(
            DEVICE,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("hpd_…")
                    .description(Some("A paired device's token, from `POST /api/v1/sync/pair`."))
                    .build(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::auth::session::CSRF_HEADER;

    #[test]
    fn the_csrf_scheme_names_the_header_the_server_reads() {
        assert!(CSRF_HEADER.eq_ignore_ascii_case("X-CSRF-Token"));
    }
}
