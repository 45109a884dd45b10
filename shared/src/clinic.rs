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

/// What a clinic sets for itself: how its dashboard writes dates, from which pain score families are told to
/// stop and tell their therapist (and the therapist is flagged), and how families should reach the clinic.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClinicSettings {
    /// A BCP-47 tag from [`ClinicSettings::LOCALES`]: "en-GB" writes 31/03/2030, "en-US" 03/31/2030.
    #[cfg_attr(feature = "openapi", schema(example = "en-GB"))]
    pub locale: String,
    /// From this pain score on (1–10) the family is advised to stop and the therapist is flagged.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    pub pain_advice_at: u8,
    /// Shown to families with the pain advice: "Call Riverside on 555-0100, Mon–Fri 8–5". At most 300
    /// characters; absent when the clinic set none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 300))]
    pub family_contact: Option<String>,
}

impl ClinicSettings {
    /// The locales the dashboard offers: the clinics homeplay is used in, each with its own date order.
    pub const LOCALES: [&'static str; 8] = ["en-GB", "en-US", "en-AU", "en-CA", "es-ES", "es-MX", "es-US", "fr-FR"];
    pub const DEFAULT_LOCALE: &'static str = "en-GB";
    pub const CONTACT_MAX: usize = 300;

    /// Blank contact text means none, so that clearing the field clears it.
    pub fn normalised(mut self) -> Self {
        self.locale = self.locale.trim().to_owned();
        self.family_contact = self.family_contact.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        self
    }

    /// What a family's devices get of these.
    pub fn for_family(&self) -> FamilyClinicSettings {
        FamilyClinicSettings { pain_advice_at: self.pain_advice_at, family_contact: self.family_contact.clone() }
    }
}

impl Default for ClinicSettings {
    fn default() -> Self {
        Self {
            locale: Self::DEFAULT_LOCALE.to_owned(),
            pain_advice_at: crate::pain::PainScore::ADVICE_AT,
            family_contact: None,
        }
    }
}

impl Validate for ClinicSettings {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.ensure(Self::LOCALES.contains(&self.locale.as_str()), "locale", || Problem::Invalid {
            reason: format!("must be one of {}", Self::LOCALES.join(", ")),
        });
        c.range("pain_advice_at", Some(self.pain_advice_at), 1, 10);
        if let Some(contact) = &self.family_contact {
            c.ensure(contact.chars().count() <= Self::CONTACT_MAX, "family_contact", || Problem::TooLong {
                max: Self::CONTACT_MAX,
            });
        }
        c.finish()
    }
}

/// The part of [`ClinicSettings`] a family's devices use: every pull carries it, so a change reaches a paired
/// device on its next pull.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyClinicSettings {
    /// From this pain score on (1–10) the family is advised to stop the activity and tell their therapist.
    pub pain_advice_at: u8,
    /// How to reach the clinic, shown with that advice; absent when the clinic set none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub family_contact: Option<String>,
}

impl Default for FamilyClinicSettings {
    fn default() -> Self {
        ClinicSettings::default().for_family()
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

    #[test]
    fn settings_name_every_field_at_fault() {
        assert!(ClinicSettings::default().validate().is_ok());
        let fine = ClinicSettings {
            locale: "en-US".into(),
            pain_advice_at: 4,
            family_contact: Some("Call Riverside on 555-0100, Mon–Fri 8–5".into()),
        };
        assert!(fine.validate().is_ok());
        let bad = ClinicSettings { locale: "en_US".into(), pain_advice_at: 0, family_contact: Some("x".repeat(301)) };
        let error = bad.validate().unwrap_err();
        let fields: Vec<&str> = error.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["locale", "pain_advice_at", "family_contact"]);
        let eleven = ClinicSettings { pain_advice_at: 11, ..fine.clone() };
        assert_eq!(eleven.validate().unwrap_err().field(), "pain_advice_at");
        // 300 characters, not bytes: an en dash is one.
        let long = ClinicSettings { family_contact: Some("–".repeat(300)), ..fine };
        assert!(long.validate().is_ok());
    }

    #[test]
    fn blank_contact_text_is_none_and_families_get_threshold_and_contact() {
        let s = ClinicSettings { locale: " es-MX ".into(), pain_advice_at: 5, family_contact: Some("  ".into()) };
        let s = s.normalised();
        assert_eq!((s.locale.as_str(), s.family_contact.as_deref()), ("es-MX", None));
        assert_eq!(FamilyClinicSettings::default().pain_advice_at, 6);
        let wire =
            serde_json::to_value(ClinicSettings { family_contact: Some("555-0100".into()), ..s }.for_family()).unwrap();
        assert_eq!(wire, serde_json::json!({ "pain_advice_at": 5, "family_contact": "555-0100" }));
    }
}
