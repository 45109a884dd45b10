//! Who is asking: therapists by session cookie (with CSRF protection for writes), devices by bearer token.

pub mod device;
pub mod password;
pub mod rate;
pub mod session;
pub mod tokens;
pub mod two_factor;

pub use device::DeviceAuth;
pub use session::{SignedIn, TherapistAuth};

use crate::error::Failure;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

/// Either kind of caller, for the few endpoints both use: a bearer token means a device, else a session.
#[derive(Debug, Clone)]
pub enum Caller {
    Therapist(TherapistAuth),
    Device(DeviceAuth),
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if parts.headers.contains_key(header::AUTHORIZATION) {
            DeviceAuth::from_request_parts(parts, state).await.map(Caller::Device)
        } else {
            TherapistAuth::from_request_parts(parts, state).await.map(Caller::Therapist)
        }
    }
}
