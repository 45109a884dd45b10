//! What the OpenAPI document says beyond the operations themselves: its info and tags, the security
//! schemes, and the wording of the error responses many operations share.
//!
//! The operations come from each handler's `#[utoipa::path]`, collected where the router declares its
//! routes (`super::documented`), so the document cannot list a route the server does not have, or miss one.

use crate::auth::session::COOKIE;
use std::collections::BTreeMap;
use utoipa::Modify;
use utoipa::openapi::OpenApi;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, AllOf, ArrayItems, Object, Schema, SchemaType, Type};
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
pub const NOT_PAIRED: &str = "The device token is missing, unknown or revoked (`device_revoked` when the clinic ended the \
    family's program: show the message)";
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
        (name = "messages", description = "A child's thread with the family: messages both ways, read marks"),
        (name = "adherence", description = "The clinic-wide overview and one child's full adherence picture"),
        (name = "audit", description = "Who read or changed which child's data (clinic admins only)"),
        (name = "therapists", description = "The clinic's team"),
        (name = "care_team", description = "Each child's care team, and who else in the clinic may open a record"),
        (name = "goals", description = "A child's therapy goals, their reviews (GAS) and progress beside practice"),
        (name = "clinic", description = "The clinic's settings: date locale, pain-advice threshold, contact text"),
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
                "The dashboard session, set by `POST /api/v1/auth/login` (HttpOnly, SameSite=Strict). Named \
                 `__Host-hp_session` (and `Secure`) on a server that serves HTTPS itself or listens beyond loopback, or \
                 when the `secure_cookies` setting says so (behind a proxy that ends TLS).",
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

/// Every endpoint a dashboard session reaches, outside `/auth`, also answers 403 while the session owes a new
/// password or a second factor (see `auth::session::TherapistAuth`): said once here for all of them, rather
/// than in each `#[utoipa::path]`.
pub fn document_session_owes(doc: &mut OpenApi) {
    const OWES: &str = "The session must first replace its temporary password (`POST /auth/password`) or set up \
        the second factor its clinic requires (`POST /auth/two-factor/setup`)";
    for (path, item) in doc.paths.paths.iter_mut() {
        if path.starts_with("/api/v1/auth/") {
            continue;
        }
        let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for op in ops.into_iter().flatten() {
            let session = op
                .security
                .iter()
                .flatten()
                .any(|s| serde_json::to_value(s).ok().is_some_and(|v| v.get(SESSION).is_some()));
            if !session {
                continue;
            }
            match op.responses.responses.get_mut("403") {
                Some(RefOr::T(r)) => {
                    r.description = format!("{}; or {}", r.description, lower_first(OWES));
                }
                _ => {
                    let response = utoipa::openapi::ResponseBuilder::new()
                        .description(OWES)
                        .content(
                            "application/json",
                            utoipa::openapi::ContentBuilder::new()
                                .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("ApiError"))))
                                .build(),
                        )
                        .build();
                    op.responses.responses.insert("403".into(), RefOr::T(response));
                }
            }
        }
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// Rewrites every `allOf` that extends a closed object (`additionalProperties: false`) with more properties
/// into the one object it means.
///
/// `#[serde(flatten)]` of a type with `deny_unknown_fields` comes out of utoipa as `allOf: [$ref Closed,
/// {more properties}]`, which no value can satisfy: the closed branch refuses the extra properties that the
/// other branch requires or allows. So each such `allOf` (a component schema or any schema inside one, or in
/// an operation's bodies) becomes a single object with the properties and `required` lists of its branches in
/// order, `additionalProperties: false`, and the `allOf`'s own title, description and example. An `allOf`
/// that is not only objects, or whose branches define one property differently, is left as it is (and the
/// test `no_schema_extends_a_closed_object` names it).
pub fn merge_closed_extensions(doc: &mut OpenApi) {
    // A merged schema may itself be the closed object another one extends: repeat until nothing changes.
    loop {
        let components = doc.components.get_or_insert_with(Default::default);
        let lookup = components.schemas.clone();
        let mut changed = false;
        for schema in components.schemas.values_mut() {
            changed |= visit(schema, &lookup);
        }
        for item in doc.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for op in operations.into_iter().flatten() {
                let bodies = op.request_body.iter_mut().flat_map(|b| b.content.values_mut());
                let answers = op.responses.responses.values_mut().flat_map(|r| match r {
                    RefOr::T(r) => Some(r.content.values_mut()),
                    RefOr::Ref(_) => None,
                });
                for content in bodies.chain(answers.flatten()) {
                    if let Some(schema) = content.schema.as_mut() {
                        changed |= visit(schema, &lookup);
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
}

type Schemas = BTreeMap<String, RefOr<Schema>>;

/// Merges the closed extensions in `schema` and in the schemas inside it; whether it changed anything.
fn visit(schema: &mut RefOr<Schema>, schemas: &Schemas) -> bool {
    let RefOr::T(inner) = schema else { return false };
    if let Schema::AllOf(all) = inner
        && let Some(merged) = merged(all, schemas)
    {
        *inner = Schema::Object(merged);
        return true;
    }
    let mut changed = false;
    match inner {
        Schema::Object(o) => {
            for p in o.properties.values_mut() {
                changed |= visit(p, schemas);
            }
            if let Some(extra) = o.additional_properties.as_deref_mut()
                && let AdditionalProperties::RefOr(s) = extra
            {
                changed |= visit(s, schemas);
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                changed |= visit(items, schemas);
            }
        }
        Schema::OneOf(one) => one.items.iter_mut().for_each(|s| changed |= visit(s, schemas)),
        Schema::AnyOf(any) => any.items.iter_mut().for_each(|s| changed |= visit(s, schemas)),
        Schema::AllOf(all) => all.items.iter_mut().for_each(|s| changed |= visit(s, schemas)),
        _ => {}
    }
    changed
}

fn is_object(o: &Object) -> bool {
    matches!(o.schema_type, SchemaType::Type(Type::Object))
}

fn is_closed(o: &Object) -> bool {
    matches!(o.additional_properties.as_deref(), Some(AdditionalProperties::FreeForm(false)))
}

/// The one object an `allOf` of objects, one of them closed, means; `None` if it is not such an `allOf`.
fn merged(all: &AllOf, schemas: &Schemas) -> Option<Object> {
    let mut branches = Vec::with_capacity(all.items.len());
    for item in &all.items {
        let object = match item {
            RefOr::Ref(r) => match schemas.get(r.ref_location.strip_prefix("#/components/schemas/")?)? {
                RefOr::T(Schema::Object(o)) => o,
                _ => return None,
            },
            RefOr::T(Schema::Object(o)) => o,
            RefOr::T(_) => return None,
        };
        // An open map (`additionalProperties` a schema, or `true`) cannot be closed by merging.
        if !is_object(object) || (object.additional_properties.is_some() && !is_closed(object)) {
            return None;
        }
        branches.push(object);
    }
    if !branches.iter().any(|o| is_closed(o)) {
        return None;
    }
    let mut object = Object::with_type(Type::Object);
    object.title = all.title.clone();
    object.description = all.description.clone();
    object.example = all.example.clone();
    object.examples = all.examples.clone();
    object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
    for branch in branches {
        for (name, property) in &branch.properties {
            match object.properties.get(name) {
                Some(seen) if seen != property => return None,
                Some(_) => {}
                None => {
                    object.properties.insert(name.clone(), property.clone());
                }
            }
        }
        for name in &branch.required {
            if !object.required.contains(name) {
                object.required.push(name.clone());
            }
        }
    }
    Some(object)
}

#[cfg(test)]
mod tests {
    use crate::auth::session::CSRF_HEADER;

    #[test]
    fn the_csrf_scheme_names_the_header_the_server_reads() {
        assert!(CSRF_HEADER.eq_ignore_ascii_case("X-CSRF-Token"));
    }
}
