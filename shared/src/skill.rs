//! Disciplines and the eight skill areas they work on.

use serde::{Deserialize, Serialize};

/// A therapist's discipline.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discipline {
    /// Occupational therapy.
    Ot,
    /// Physical therapy.
    Pt,
}

/// Which disciplines an exercise serves.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseDiscipline {
    Ot,
    Pt,
    Both,
}

impl ExerciseDiscipline {
    pub fn includes(self, d: Discipline) -> bool {
        matches!((self, d), (Self::Both, _) | (Self::Ot, Discipline::Ot) | (Self::Pt, Discipline::Pt))
    }
}

/// The eight skill areas of pediatric OT and PT practice.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillArea {
    FineMotor,
    SensoryProcessing,
    SelfCare,
    CognitiveBehavioral,
    GrossMotor,
    StrengthEndurance,
    BalanceCoordination,
    PostureAlignment,
}

impl SkillArea {
    pub const ALL: [SkillArea; 8] = [
        Self::FineMotor,
        Self::SensoryProcessing,
        Self::SelfCare,
        Self::CognitiveBehavioral,
        Self::GrossMotor,
        Self::StrengthEndurance,
        Self::BalanceCoordination,
        Self::PostureAlignment,
    ];

    pub fn discipline(self) -> Discipline {
        match self {
            Self::FineMotor | Self::SensoryProcessing | Self::SelfCare | Self::CognitiveBehavioral => Discipline::Ot,
            Self::GrossMotor | Self::StrengthEndurance | Self::BalanceCoordination | Self::PostureAlignment => {
                Discipline::Pt
            }
        }
    }

    /// The area's name as a family would read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::FineMotor => "Fine motor",
            Self::SensoryProcessing => "Sensory processing",
            Self::SelfCare => "Self-care and daily living",
            Self::CognitiveBehavioral => "Cognitive and behavioral",
            Self::GrossMotor => "Gross motor",
            Self::StrengthEndurance => "Strength and endurance",
            Self::BalanceCoordination => "Balance and coordination",
            Self::PostureAlignment => "Posture and alignment",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_areas_per_discipline() {
        for d in [Discipline::Ot, Discipline::Pt] {
            assert_eq!(SkillArea::ALL.iter().filter(|a| a.discipline() == d).count(), 4);
        }
    }

    #[test]
    fn both_includes_each_discipline() {
        assert!(ExerciseDiscipline::Both.includes(Discipline::Ot));
        assert!(ExerciseDiscipline::Both.includes(Discipline::Pt));
        assert!(!ExerciseDiscipline::Ot.includes(Discipline::Pt));
    }
}
