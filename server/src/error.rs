//! Every failure a handler can return becomes an HTTP status and an [`ApiError`] JSON body naming the
//! problem. Internal details (database errors) are logged, never sent.

use crate::store::StoreError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use homeplay_core::ValidationError;
use homeplay_core::sync::{ApiError, ErrorCode, ProtocolRange};

#[derive(Debug)]
pub struct Failure {
    pub body: ApiError,
    pub retry_after_secs: Option<u64>,
}

pub type ApiResult<T> = Result<T, Failure>;

impl Failure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            body: ApiError { error: code, message: message.into(), field: None, supported: None },
            retry_after_secs: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.body.field = Some(field.into());
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Invalid, message).with_field(field)
    }

    pub fn unauthorized() -> Self {
        Self::new(ErrorCode::Unauthorized, "sign in again: the credentials are missing, expired or revoked")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("no such {what}"))
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            retry_after_secs: Some(retry_after_secs),
            ..Self::new(ErrorCode::RateLimited, "too many attempts; try again later")
        }
    }

    pub fn protocol_unsupported(sent: u32) -> Self {
        let range = ProtocolRange::CURRENT;
        let mut f = Self::new(
            ErrorCode::ProtocolUnsupported,
            format!("this server speaks protocol versions {} to {}; the app sent {sent}", range.min, range.max),
        );
        f.body.supported = Some(range);
        f
    }

    /// The same failure, about the item at `prefix` in the request (`items[2]`): its field and message say so.
    pub fn within(mut self, prefix: &str) -> Self {
        let message = match &self.body.field {
            Some(field) if self.body.message.starts_with(field.as_str()) => format!("{prefix}.{}", self.body.message),
            _ => format!("{prefix}: {}", self.body.message),
        };
        self.body.message = message;
        self.body.field = Some(match self.body.field.take() {
            Some(field) => format!("{prefix}.{field}"),
            None => prefix.to_string(),
        });
        self
    }

    /// A validation error of a value found at `prefix` in the request.
    pub fn validation(prefix: &str, e: ValidationError) -> Self {
        let e = if prefix.is_empty() { e } else { e.nested(prefix) };
        Self::from_validation(e)
    }

    fn from_validation(e: ValidationError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<ApiError> for Failure {
    fn from(body: ApiError) -> Self {
        Self { body, retry_after_secs: None }
    }
}

impl From<ValidationError> for Failure {
    fn from(e: ValidationError) -> Self {
        Self::from_validation(e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::not_found(what),
            StoreError::Conflict(what) => Self::new(ErrorCode::Conflict, format!("conflicts with {what}")),
            other if other.is_overload() => {
                // The database is busy beyond its wait (or out of connections): a moment later will do.
                tracing::warn!(error = %other, "storage overloaded");
                Self {
                    retry_after_secs: Some(1),
                    ..Self::new(ErrorCode::Unavailable, "the server is busy; try again in a moment")
                }
            }
            other => {
                // Details go to the log only; the client learns that it may retry.
                tracing::error!(error = %other, "storage failure");
                Self::new(ErrorCode::Internal, "the server could not complete the request; try again")
            }
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.body.error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(self.body)).into_response();
        if let Some(secs) = self.retry_after_secs
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

impl Failure {
    /// The answer when email is asked of a server without `[smtp]`: 409 naming `smtp`.
    pub fn no_email() -> Self {
        Self::new(
            ErrorCode::Conflict,
            "smtp: this server sends no email (it has no [smtp] settings); copy the link and give it another way",
        )
        .with_field("smtp")
    }
}

impl From<crate::mail::MailError> for Failure {
    fn from(e: crate::mail::MailError) -> Self {
        use crate::mail::MailError;
        match e {
            MailError::Address => Self::invalid("email", "email: not an address a message can be sent to"),
            MailError::Smtp(failure) => Self::new(
                ErrorCode::Unavailable,
                format!("smtp: the email was not sent: {failure}; try again later, or give the link another way"),
            )
            .with_field("smtp"),
            other @ (MailError::Build(_) | MailError::Qr(_)) => {
                tracing::error!(error = %other, "an email could not be put together");
                Self::new(ErrorCode::Internal, "the email could not be put together; try again")
            }
        }
    }
}
