//! A strict JSON body extractor: wrong content type → 415, oversized → 413, malformed or unknown fields → 400,
//! values out of bounds → 422; every error names the field it found at fault.

use crate::error::Failure;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use homeplay_core::sync::ErrorCode;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone)]
pub struct StrictJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for StrictJson<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Err(Failure::new(ErrorCode::UnsupportedMediaType, "send the body as application/json"));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                Failure::new(ErrorCode::PayloadTooLarge, "the body is too large")
            } else {
                Failure::bad_request("the body could not be read")
            }
        })?;
        parse_object(&bytes).map(StrictJson)
    }
}

/// Parses a request body, which is always a JSON object: serde would read a struct from an array of its
/// fields too (so `[]` would pass as a request with every field defaulted), and no client means that.
pub fn parse_object<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Failure> {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') | None => parse(bytes),
        Some(_) => Err(Failure::bad_request("the body must be a JSON object")),
    }
}

/// Parses JSON, naming the path of whatever is wrong.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Failure> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        // Our own validators report values out of bounds; serde itself reports shape problems.
        let shape = inner.is_syntax()
            || inner.is_eof()
            || ["unknown field", "missing field", "invalid type", "unknown variant", "invalid length", "trailing"]
                .iter()
                .any(|p| message.contains(p));
        // "missing field `title`" has no path of its own: name the field within the path it is missing from.
        let missing = message.split("missing field `").nth(1).and_then(|rest| rest.split('`').next());
        let field = match (path.as_str(), missing) {
            (".", Some(name)) => Some(name.to_owned()),
            (_, Some(name)) => Some(format!("{path}.{name}")),
            (".", None) => None,
            _ => Some(path),
        };
        let code = if shape { ErrorCode::BadRequest } else { ErrorCode::Invalid };
        let message = strip_field(strip_position(&message), field.as_deref());
        let mut f = Failure::new(
            code,
            match &field {
                Some(p) => format!("{p}: {message}"),
                None => message,
            },
        );
        f.body.field = field;
        f
    })
}

/// A value's own validator names the field it checked ("cursor: …") or, not knowing where the value sits,
/// none (": …"); the path is put in front once, so drop either.
fn strip_field(message: String, field: Option<&str>) -> String {
    let last = field.map(|f| f.rsplit(['.', '[']).next().unwrap_or(f).trim_end_matches(']'));
    let mut rest = message.as_str();
    for prefix in [field, last].into_iter().flatten() {
        if let Some(r) = rest.strip_prefix(prefix).and_then(|r| r.strip_prefix(": ")) {
            rest = r;
            break;
        }
    }
    rest = rest.strip_prefix(": ").unwrap_or(rest);
    rest.to_owned()
}

/// serde_json appends " at line L column C"; the field path says more to a client.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use homeplay_core::sync::PairRequest;

    #[test]
    fn names_fields_and_tells_shape_from_value() {
        let e = parse::<PairRequest>(br#"{"protocol":1,"code":"K7QM-4TZD","device_label":"","x":1}"#).unwrap_err();
        assert_eq!(e.body.error, ErrorCode::Invalid);
        assert_eq!(e.body.field.as_deref(), Some("device_label"));

        let e = parse::<PairRequest>(br#"{"protocol":1,"code":"K7QM-4TZD","device_label":"Laptop","admin":true}"#)
            .unwrap_err();
        assert_eq!(e.body.error, ErrorCode::BadRequest);
        assert!(e.body.message.contains("admin"), "{}", e.body.message);

        let e = parse::<PairRequest>(br#"{"protocol":1,"code":"K7QM-4TZD"}"#).unwrap_err();
        assert_eq!(e.body.field.as_deref(), Some("device_label"));

        let e = parse_object::<homeplay_core::sync::PullRequest>(b" [1]").unwrap_err();
        assert_eq!(e.body.error, ErrorCode::BadRequest);
        assert!(parse_object::<homeplay_core::sync::PullRequest>(br#" {"protocol":1}"#).is_ok());

        let e = parse::<PairRequest>(br#"{"protocol":1,"code":"K7QM-4TZD","device_label":""}"#).unwrap_err();
        assert!(e.body.message.starts_with("device_label: ") && !e.body.message.contains(": :"), "{}", e.body.message);
        let e = parse::<homeplay_core::sync::PullRequest>(br#"{"protocol":1,"cursor":""}"#).unwrap_err();
        assert_eq!(e.body.field.as_deref(), Some("cursor"));
        assert!(!e.body.message.starts_with("cursor: cursor:"), "{}", e.body.message);
        assert!(e.body.message.starts_with("cursor: "), "{}", e.body.message);

        let e = parse::<PairRequest>(b"{\"protocol\":").unwrap_err();
        assert_eq!(e.body.error, ErrorCode::BadRequest);
    }
}

/// A path parameter that answers a malformed id with a JSON 400 naming it, like every other error.
#[derive(Debug, Clone, Copy)]
pub struct IdPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> axum::extract::FromRequestParts<S> for IdPath<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| IdPath(p.0))
            .map_err(|e| Failure::bad_request(format!("the address has a malformed part: {e}")).with_field("path"))
    }
}
