//! A program template: a clinic's saved set of exercises, each with its own dosage, assigned to a child in one
//! step (each exercise becomes one item of the child's program). Unlike a routine, which a family does as one
//! sequence, a template's exercises are practised apart. Templates stay in the clinic: no device sees them.

use crate::error::{Checker, Problem, Validate, ValidationError};
use crate::exercise::Dosage;
use crate::ids::{ClinicId, ExerciseId, ProgramTemplateId, TherapistId};
use crate::text::{Note, Title};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateItem {
    pub exercise_id: ExerciseId,
    /// Empty fields keep the exercise's own dosage.
    #[serde(default)]
    pub dosage: Dosage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_for_family: Option<Note>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramTemplate {
    pub id: ProgramTemplateId,
    pub clinic_id: ClinicId,
    pub title: Title,
    /// Each exercise once, in the order they are assigned.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub items: Vec<TemplateItem>,
    pub updated_by: TherapistId,
    pub updated_at: DateTime<Utc>,
}

impl ProgramTemplate {
    /// As many as one submit assigns.
    pub const MAX_ITEMS: usize = 20;
}

impl Validate for ProgramTemplate {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.count("items", self.items.len(), 1, Self::MAX_ITEMS);
        for (i, item) in self.items.iter().enumerate() {
            c.nest(&format!("items[{i}].dosage"), item.dosage.validate());
            if self.items[..i].iter().any(|earlier| earlier.exercise_id == item.exercise_id) {
                c.fail(
                    format!("items[{i}].exercise_id"),
                    Problem::Invalid { reason: "this exercise is already in the template".into() },
                );
            }
        }
        c.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn template(items: Vec<TemplateItem>) -> ProgramTemplate {
        ProgramTemplate {
            id: ProgramTemplateId::new_v7(),
            clinic_id: ClinicId(Uuid::nil()),
            title: Title::new("Balance week").unwrap(),
            items,
            updated_by: TherapistId(Uuid::nil()),
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn item(slug: &str, reps: Option<u16>) -> TemplateItem {
        TemplateItem {
            exercise_id: ExerciseId::builtin(slug),
            dosage: Dosage { reps, ..Dosage::default() },
            note_for_family: None,
        }
    }

    #[test]
    fn a_template_holds_one_to_twenty_distinct_exercises_with_valid_dosages() {
        assert!(template(vec![item("bear-walk", Some(5)), item("crab-walk", None)]).validate().is_ok());
        assert_eq!(template(vec![]).validate().unwrap_err().field(), "items");
        let many = (0..21).map(|i| item(&format!("x{i}"), None)).collect();
        assert_eq!(template(many).validate().unwrap_err().field(), "items");
        let twice = template(vec![item("bear-walk", None), item("crab-walk", None), item("bear-walk", Some(3))]);
        assert_eq!(twice.validate().unwrap_err().field(), "items[2].exercise_id");
        let zero = template(vec![item("bear-walk", None), item("crab-walk", Some(0))]);
        assert_eq!(zero.validate().unwrap_err().field(), "items[1].dosage.reps");
    }
}
