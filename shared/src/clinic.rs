//! The clinic side: clinics and their therapists.

use crate::error::{Checker, Problem, Validate, ValidationError};
use crate::ids::{ClinicId, TherapistId};
use crate::skill::Discipline;
use crate::text::Name;
use crate::time::TimeZoneName;
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clinic {
    pub id: ClinicId,
    pub name: Name,
    /// Used for the clinic's own dates (reports); each family has its own zone.
    pub time_zone: TimeZoneName,
}

impl Validate for Clinic {
    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }
}

/// What a therapist may do in their clinic.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Therapist,
    /// Also invites therapists and reads the audit log.
    Admin,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Therapist {
    pub id: TherapistId,
    pub clinic_id: ClinicId,
    pub name: Name,
    pub email: String,
    pub discipline: Discipline,
    pub role: Role,
}

impl Validate for Therapist {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.nest("email", check_email(&self.email));
        c.finish()
    }
}

/// A deliberately loose check: one `@` with something on each side and a dot in the domain. Whether the
/// address works is proven by using it, not by a pattern.
pub fn check_email(email: &str) -> Result<(), ValidationError> {
    let invalid = |reason: &str| Err(ValidationError::single("", Problem::Invalid { reason: reason.into() }));
    if email.is_empty() {
        return Err(ValidationError::single("", Problem::Empty));
    }
    if email.len() > 254 {
        return Err(ValidationError::single("", Problem::TooLong { max: 254 }));
    }
    if email.chars().any(char::is_whitespace) {
        return invalid("must not contain spaces");
    }
    match email.split_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.contains('@') => Ok(()),
        _ => invalid("must look like name@example.org"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_check_names_the_field() {
        let t = Therapist {
            id: TherapistId::new_v7(),
            clinic_id: ClinicId::new_v7(),
            name: Name::new("Maya").unwrap(),
            email: "maya at clinic".into(),
            discipline: Discipline::Ot,
            role: Role::Therapist,
        };
        assert_eq!(t.validate().unwrap_err().field(), "email");
        assert!(check_email("maya@clinic.example").is_ok());
        assert!(check_email("@clinic.example").is_err());
        assert!(check_email("maya@localhost").is_err());
    }
}
