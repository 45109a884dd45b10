//! The family side: a family (one or two homes, several adults), its children, caregivers and paired devices.

use crate::error::{Problem, Validate, ValidationError};
use crate::ids::{CaregiverId, ChildId, ClinicId, DeviceId, FamilyId};
use crate::language::Language;
use crate::text::Name;
use crate::time::TimeZoneName;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The household a clinic pairs devices with. Siblings share one family.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    pub id: FamilyId,
    pub clinic_id: ClinicId,
    /// How the clinic refers to the family: "Leo's family".
    pub label: Name,
}

/// A child in a clinic's care. Only a display name is kept: no surname, no birth date.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Child {
    pub id: ChildId,
    pub family_id: FamilyId,
    pub display_name: Name,
    /// The family's time zone: all of the child's schedule is in local dates of this zone.
    pub time_zone: TimeZoneName,
    /// Age in whole years when last updated by the therapist, to suggest age-appropriate exercises: 0 to 21.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(maximum = 21))]
    pub age_years: Option<u8>,
    /// Set when the clinic discharged the child: the home program ended that day (a local date of the
    /// child's zone) and the record is read-only until the child is re-admitted. A family device that sees it
    /// shows that the program ended instead of the child's exercises.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discharged_on: Option<NaiveDate>,
}

impl Child {
    pub fn is_discharged(&self) -> bool {
        self.discharged_on.is_some()
    }
}

impl Validate for Child {
    fn validate(&self) -> Result<(), ValidationError> {
        match self.age_years {
            Some(a) if a > 21 => Err(ValidationError::single("age_years", Problem::OutOfRange { min: 0, max: 21 })),
            _ => Ok(()),
        }
    }
}

/// An adult who does the exercises with the child: "Mum", "Dad", "Grandma", "Ms Lee at school".
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caregiver {
    pub id: CaregiverId,
    pub family_id: FamilyId,
    pub name: Name,
}

/// A family's paired device: a laptop in the kitchen, Grandma's computer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Device {
    pub id: DeviceId,
    pub family_id: FamilyId,
    pub label: Name,
    pub paired_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
    /// The language the device shows its family, as its last pull said; absent before that.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

impl Device {
    pub fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }
}

impl Validate for Device {
    fn validate(&self) -> Result<(), ValidationError> {
        match self.revoked_at {
            Some(r) if r < self.paired_at => Err(ValidationError::single(
                "revoked_at",
                Problem::Invalid { reason: "must not be before paired_at".into() },
            )),
            _ => Ok(()),
        }
    }
}
