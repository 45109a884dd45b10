//! Feedback from the therapist to the family: a comment or a sticker on a child's day.

use crate::error::{Problem, Validate, ValidationError};
use crate::ids::{ChildId, FeedbackId, TherapistId};
use crate::text::{Name, Note};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sticker {
    Star,
    Heart,
    Trophy,
    Rocket,
    Rainbow,
    ThumbsUp,
    HighFive,
    SuperHero,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    pub id: FeedbackId,
    pub child_id: ChildId,
    /// The family's local date the feedback is about. From 2000-01-01 to 2100-12-31.
    pub date: NaiveDate,
    pub therapist_id: TherapistId,
    /// Shown to the family: "Maya (OT)".
    pub from: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticker: Option<Sticker>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Note>,
    pub created_at: DateTime<Utc>,
}

impl Validate for Feedback {
    fn validate(&self) -> Result<(), ValidationError> {
        if !crate::time::date_in_bounds(self.date) {
            return Err(ValidationError::single("date", crate::time::date_problem()));
        }
        if self.sticker.is_none() && self.comment.is_none() {
            return Err(ValidationError::single(
                "comment",
                Problem::Invalid { reason: "give a comment, a sticker or both".into() },
            ));
        }
        Ok(())
    }
}
