//! Clinics and therapists' accounts as they are made and switched off, by the operator's command line and by a
//! clinic admin through the API alike. Errors are typed so each side words them its own way: the CLI names
//! its flags, the API its fields and status codes.

use crate::auth::password::{self, HashError};
use crate::state::now_ms;
use crate::store::{AuditEntry, DynStore, StoreError};
use homeplay_core::Validate;
use homeplay_core::clinic::{Clinic, Role, Therapist};
use homeplay_core::error::ValidationError;
use homeplay_core::ids::{ClinicId, TherapistId};
use homeplay_core::skill::Discipline;
use homeplay_core::text::Name;
use homeplay_core::time::TimeZoneName;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// One input is out of bounds; `field` is its name as the API spells it (`name`, `time_zone`).
    #[error("{field}: {source}")]
    Invalid { field: &'static str, source: ValidationError },
    /// The record as a whole does not hold together; the error names the field.
    #[error(transparent)]
    Record(#[from] ValidationError),
    #[error("password {0}")]
    WeakPassword(String),
    #[error("no such clinic")]
    NoSuchClinic,
    #[error("no therapist with the email {0}")]
    NoSuchEmail(String),
    /// Another account, of this clinic or another, has the address.
    #[error("the email address is in use")]
    EmailInUse,
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type AccountResult<T> = Result<T, AccountError>;

fn field<T>(field: &'static str, value: Result<T, ValidationError>) -> AccountResult<T> {
    value.map_err(|source| AccountError::Invalid { field, source })
}

pub async fn create_clinic(store: &DynStore, name: &str, time_zone: &str) -> AccountResult<Clinic> {
    let clinic = Clinic {
        id: ClinicId::new_v7(),
        name: field("name", Name::new(name))?,
        time_zone: field("time_zone", TimeZoneName::new(time_zone))?,
    };
    clinic.validate()?;
    store.insert_clinic(&clinic, now_ms()).await?;
    Ok(clinic)
}

/// A therapist of `clinic` with `password` (checked against the rules for a new one); the email is kept
/// trimmed and in lower case, as sign-in looks it up.
pub async fn create_therapist(
    store: &DynStore,
    clinic: ClinicId,
    email: &str,
    name: &str,
    discipline: Discipline,
    role: Role,
    password: &str,
) -> AccountResult<Therapist> {
    store.clinic(clinic).await?.ok_or(AccountError::NoSuchClinic)?;
    password::check_new(password).map_err(AccountError::WeakPassword)?;
    let therapist = Therapist {
        id: TherapistId::new_v7(),
        clinic_id: clinic,
        name: field("name", Name::new(name))?,
        email: email.trim().to_lowercase(),
        discipline,
        role,
    };
    therapist.validate()?;
    let hash = password::hash(password)?;
    store.insert_therapist(&therapist, &hash, now_ms()).await.map_err(|e| match e {
        StoreError::Conflict(_) => AccountError::EmailInUse,
        other => other.into(),
    })?;
    Ok(therapist)
}

/// Disables (`true`) or re-enables a therapist's account by email, as an operator at the server's console;
/// audited as `system`.
pub async fn set_disabled(store: &DynStore, email: &str, disabled: bool) -> AccountResult<Therapist> {
    let email = email.trim().to_lowercase();
    let record = store.therapist_by_email(&email).await?.ok_or(AccountError::NoSuchEmail(email))?;
    let t = record.therapist;
    let now = now_ms();
    store.set_disabled(t.clinic_id, t.id, disabled.then_some(now)).await?;
    let action = if disabled { "disable_therapist" } else { "enable_therapist" };
    store
        .audit(&AuditEntry {
            clinic_id: t.clinic_id,
            at_ms: now,
            actor_kind: "system",
            actor_id: "cli".into(),
            action: action.into(),
            child_id: None,
            detail: format!("therapist {}", t.id),
            ip: None,
        })
        .await?;
    Ok(t)
}
