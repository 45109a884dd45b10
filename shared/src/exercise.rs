//! Exercises: one play-based activity with picture steps and a default dosage.

use crate::error::{Checker, Problem, Validate, ValidationError};
use crate::ids::{ClinicId, ExerciseId};
use crate::media::MediaRef;
use crate::skill::{ExerciseDiscipline, SkillArea};
use crate::text::{KidText, Name, Prose, Title};
use serde::{Deserialize, Serialize};

/// How much of an exercise to do. Any of the parts may be given; an exercise's default needs at least one.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dosage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 200))]
    pub reps: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 20))]
    pub sets: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 600))]
    pub hold_seconds: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3600))]
    pub duration_seconds: Option<u16>,
}

impl Dosage {
    pub const MAX_REPS: i64 = 200;
    pub const MAX_SETS: i64 = 20;
    pub const MAX_HOLD_SECONDS: i64 = 600;
    pub const MAX_DURATION_SECONDS: i64 = 3600;

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// This dosage with every part that `overrides` gives replaced.
    pub fn with_overrides(&self, overrides: &Dosage) -> Dosage {
        Dosage {
            reps: overrides.reps.or(self.reps),
            sets: overrides.sets.or(self.sets),
            hold_seconds: overrides.hold_seconds.or(self.hold_seconds),
            duration_seconds: overrides.duration_seconds.or(self.duration_seconds),
        }
    }
}

impl Validate for Dosage {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.range("reps", self.reps, 1, Self::MAX_REPS);
        c.range("sets", self.sets, 1, Self::MAX_SETS);
        c.range("hold_seconds", self.hold_seconds, 1, Self::MAX_HOLD_SECONDS);
        c.range("duration_seconds", self.duration_seconds, 1, Self::MAX_DURATION_SECONDS);
        c.finish()
    }
}

/// One picture of an exercise, with a caption in a child's words.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PictureStep {
    pub picture: MediaRef,
    pub caption: KidText,
    /// The therapist's recorded voice reading this step, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_prompt: Option<MediaRef>,
    /// A short demonstration video, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<MediaRef>,
}

/// Ages the exercise suits, in whole years, inclusive.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeRange {
    #[cfg_attr(feature = "openapi", schema(maximum = 18))]
    pub min_years: u8,
    #[cfg_attr(feature = "openapi", schema(maximum = 21))]
    pub max_years: u8,
}

impl AgeRange {
    pub fn contains(&self, years: u8) -> bool {
        (self.min_years..=self.max_years).contains(&years)
    }
}

impl Validate for AgeRange {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.range("min_years", Some(self.min_years), 0, 18);
        c.range("max_years", Some(self.max_years), 0, 21);
        c.ensure(self.min_years <= self.max_years, "max_years", || Problem::Invalid {
            reason: "must not be below min_years".into(),
        });
        c.finish()
    }
}

/// Where an exercise comes from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Origin {
    /// Part of the starter library that ships with homeplay: read-only, same id everywhere.
    Builtin { slug: String },
    /// Made by a clinic, possibly as a copy of another exercise.
    Clinic {
        clinic_id: ClinicId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cloned_from: Option<ExerciseId>,
    },
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub id: ExerciseId,
    pub origin: Origin,
    pub discipline: ExerciseDiscipline,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 4))]
    pub skill_areas: Vec<SkillArea>,
    /// What the parent reads: "Playdough snakes".
    pub title: Title,
    /// What the child reads: "Snake maker!".
    pub kid_title: KidText,
    pub instructions: Prose,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 6))]
    pub steps: Vec<PictureStep>,
    pub dosage: Dosage,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 12))]
    pub equipment: Vec<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety_note: Option<Prose>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub easier: Option<Prose>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harder: Option<Prose>,
    pub ages: AgeRange,
}

impl Exercise {
    pub const MAX_STEPS: usize = 6;
    pub const MAX_SKILL_AREAS: usize = 4;
    pub const MAX_EQUIPMENT: usize = 12;

    /// A clinic's editable copy of this exercise, with a new id.
    pub fn clone_for(&self, clinic_id: ClinicId, new_id: ExerciseId) -> Exercise {
        Exercise { id: new_id, origin: Origin::Clinic { clinic_id, cloned_from: Some(self.id) }, ..self.clone() }
    }

    pub fn is_builtin(&self) -> bool {
        matches!(self.origin, Origin::Builtin { .. })
    }
}

impl Validate for Exercise {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        if let Origin::Builtin { slug } = &self.origin {
            c.ensure(ExerciseId::builtin(slug) == self.id, "id", || Problem::Invalid {
                reason: "a built-in exercise's id must be derived from its slug".into(),
            });
        }
        c.count("skill_areas", self.skill_areas.len(), 1, Self::MAX_SKILL_AREAS);
        c.unique("skill_areas", &self.skill_areas);
        for (i, area) in self.skill_areas.iter().enumerate() {
            c.ensure(self.discipline.includes(area.discipline()), format!("skill_areas[{i}]"), || Problem::Invalid {
                reason: format!("{} is not an area of this exercise's discipline", area.label()),
            });
        }
        c.count("steps", self.steps.len(), 1, Self::MAX_STEPS);
        c.nest("dosage", self.dosage.validate());
        c.ensure(!self.dosage.is_empty(), "dosage", || Problem::Invalid {
            reason: "give at least one of reps, sets, hold_seconds or duration_seconds".into(),
        });
        c.ensure(
            self.dosage.sets.is_none()
                || self.dosage.reps.is_some()
                || self.dosage.hold_seconds.is_some()
                || self.dosage.duration_seconds.is_some(),
            "dosage.sets",
            || Problem::Invalid { reason: "sets of what? give reps, hold_seconds or duration_seconds too".into() },
        );
        c.count("equipment", self.equipment.len(), 0, Self::MAX_EQUIPMENT);
        c.nest("ages", self.ages.validate());
        c.finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample(slug: &str) -> Exercise {
        Exercise {
            id: ExerciseId::builtin(slug),
            origin: Origin::Builtin { slug: slug.into() },
            discipline: ExerciseDiscipline::Pt,
            skill_areas: vec![SkillArea::BalanceCoordination],
            title: Title::new("Flamingo stand").unwrap(),
            kid_title: KidText::new("Be a flamingo!").unwrap(),
            instructions: Prose::new("Stand on one leg like a flamingo.").unwrap(),
            steps: vec![PictureStep {
                picture: MediaRef::builtin("flamingo-stand-1").unwrap(),
                caption: KidText::new("Lift one foot").unwrap(),
                voice_prompt: None,
                video: None,
            }],
            dosage: Dosage { hold_seconds: Some(10), sets: Some(3), ..Dosage::default() },
            equipment: vec![],
            safety_note: None,
            easier: None,
            harder: None,
            ages: AgeRange { min_years: 3, max_years: 10 },
        }
    }

    #[test]
    fn sample_is_valid() {
        sample("flamingo-stand").validate().unwrap();
    }

    #[test]
    fn every_problem_is_named() {
        let mut e = sample("flamingo-stand");
        e.skill_areas = vec![SkillArea::FineMotor, SkillArea::FineMotor];
        e.steps.clear();
        e.dosage = Dosage { sets: Some(2), ..Dosage::default() };
        e.ages = AgeRange { min_years: 9, max_years: 4 };
        let fields: Vec<_> = e.validate().unwrap_err().problems.into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            ["skill_areas[1]", "skill_areas[0]", "skill_areas[1]", "steps", "dosage.sets", "ages.max_years"]
        );
    }

    #[test]
    fn seventh_step_is_refused() {
        let mut e = sample("flamingo-stand");
        e.steps = vec![e.steps[0].clone(); 7];
        assert_eq!(e.validate().unwrap_err().field(), "steps");
    }

    #[test]
    fn dosage_bounds() {
        let d = Dosage { reps: Some(0), hold_seconds: Some(601), ..Dosage::default() };
        let fields: Vec<_> = d.validate().unwrap_err().problems.into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["reps", "hold_seconds"]);
    }

    #[test]
    fn overrides_replace_only_given_parts() {
        let base = Dosage { reps: Some(10), sets: Some(2), ..Dosage::default() };
        let over = Dosage { reps: Some(5), ..Dosage::default() };
        assert_eq!(base.with_overrides(&over), Dosage { reps: Some(5), sets: Some(2), ..Dosage::default() });
    }

    #[test]
    fn clone_keeps_content_and_records_source() {
        let e = sample("flamingo-stand");
        let clinic = ClinicId::new_v7();
        let copy = e.clone_for(clinic, ExerciseId::new_v7());
        assert_eq!(copy.origin, Origin::Clinic { clinic_id: clinic, cloned_from: Some(e.id) });
        assert_eq!(copy.steps, e.steps);
        copy.validate().unwrap();
    }

    #[test]
    fn builtin_id_must_match_slug() {
        let mut e = sample("flamingo-stand");
        e.id = ExerciseId::builtin("bear-walk");
        assert_eq!(e.validate().unwrap_err().field(), "id");
    }
}
