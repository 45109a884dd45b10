//! Routines: a short, ordered set of exercises done together, with an optional reward shown at the end
//! (the "first–then" board: first these, then the reward).

use crate::error::{Checker, Validate, ValidationError};
use crate::ids::{ClinicId, ExerciseId, RoutineId};
use crate::media::MediaRef;
use crate::text::{KidText, Title};
use serde::{Deserialize, Serialize};

/// What the child gets after the last item: "then: bubbles!".
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reward {
    pub label: KidText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<MediaRef>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Routine {
    pub id: RoutineId,
    pub clinic_id: ClinicId,
    pub title: Title,
    pub kid_title: KidText,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 12))]
    pub items: Vec<ExerciseId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then_reward: Option<Reward>,
}

/// Advice that does not block saving.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// Children lose interest in long routines; 3–5 items work best.
    LongRoutine { items: usize, recommended_max: usize },
}

impl Routine {
    /// Past this many items a routine still saves, with a warning.
    pub const RECOMMENDED_MAX_ITEMS: usize = 5;
    /// A hard limit, far past what any child would sit through.
    pub const MAX_ITEMS: usize = 12;

    /// The reward shown after the item at `position` (0-based): the routine's, after its last item only.
    pub fn reward_after(&self, position: u8) -> Option<&Reward> {
        self.then_reward.as_ref().filter(|_| usize::from(position) + 1 == self.items.len())
    }

    pub fn warnings(&self) -> Vec<Warning> {
        let items = self.items.len();
        if items > Self::RECOMMENDED_MAX_ITEMS {
            vec![Warning::LongRoutine { items, recommended_max: Self::RECOMMENDED_MAX_ITEMS }]
        } else {
            Vec::new()
        }
    }
}

impl Validate for Routine {
    fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::new();
        c.count("items", self.items.len(), 1, Self::MAX_ITEMS);
        c.unique("items", &self.items);
        c.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Problem;

    fn routine(n: usize) -> Routine {
        Routine {
            id: RoutineId::new_v7(),
            clinic_id: ClinicId::new_v7(),
            title: Title::new("After-school hand warm-up").unwrap(),
            kid_title: KidText::new("Hand party!").unwrap(),
            items: (0..n).map(|_| ExerciseId::new_v7()).collect(),
            then_reward: Some(Reward { label: KidText::new("Bubbles!").unwrap(), picture: None }),
        }
    }

    #[test]
    fn the_reward_comes_after_the_last_item_only() {
        let r = routine(3);
        assert!(r.reward_after(0).is_none() && r.reward_after(1).is_none() && r.reward_after(3).is_none());
        assert_eq!(r.reward_after(2).map(|w| w.label.as_str()), Some("Bubbles!"));
        let plain = Routine { then_reward: None, ..r };
        assert!(plain.reward_after(2).is_none());
    }

    #[test]
    fn five_items_no_warning_six_warns_but_is_valid() {
        assert!(routine(5).warnings().is_empty());
        let six = routine(6);
        six.validate().unwrap();
        assert_eq!(six.warnings(), vec![Warning::LongRoutine { items: 6, recommended_max: 5 }]);
    }

    #[test]
    fn empty_too_long_and_repeated_are_errors() {
        assert_eq!(routine(0).validate().unwrap_err().field(), "items");
        assert_eq!(routine(13).validate().unwrap_err().field(), "items");
        let mut r = routine(2);
        r.items.push(r.items[0]);
        let err = r.validate().unwrap_err();
        assert_eq!(err.field(), "items[2]");
        assert!(matches!(err.problems[0].problem, Problem::Duplicate { .. }));
    }
}
