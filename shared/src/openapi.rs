//! OpenAPI schemas for the types whose JSON form is a plain string (checked text, ids, time zones, media
//! references, cursors) or a list (weekdays). Everything else derives its schema next to its definition.

use crate::goal::GasScore;
use crate::ids::*;
use crate::media::MediaRef;
use crate::pain::PainScore;
use crate::pairing::{DeviceToken, PairingCode};
use crate::sync::Cursor;
use crate::text::{KidText, MessageText, Name, Note, Prose, Title};
use crate::time::{DayName, TimeZoneName, Weekdays};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{KnownFormat, RefOr};
use utoipa::{PartialSchema, ToSchema};

/// The length of the longest name the tz database knows: the longest time zone a client can send.
fn longest_time_zone() -> usize {
    chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name().len()).max().unwrap_or(0)
}

fn string(description: &str, min: Option<usize>, max: Option<usize>, pattern: Option<&str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .min_length(min)
        .max_length(max)
        .pattern(pattern)
        .into()
}

macro_rules! string_schema {
    ($($ty:ty => $body:expr;)*) => {$(
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                $body
            }
        }
        impl ToSchema for $ty {}
    )*};
}

macro_rules! id_schema {
    ($($ty:ty),*) => {$(
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))).into()
            }
        }
        impl ToSchema for $ty {}
    )*};
}

id_schema!(
    ClinicId,
    TherapistId,
    FamilyId,
    ChildId,
    CaregiverId,
    DeviceId,
    ExerciseId,
    RoutineId,
    AssignmentId,
    LogId,
    FeedbackId,
    GoalId,
    GoalReviewId,
    GoalCheckInId,
    ProgramTemplateId,
    MessageId,
    MessageReadId,
    ServerEpoch
);

string_schema! {
    Name => string("A name, trimmed", Some(1), Some(Name::MAX_CHARS), None);
    Title => string("A parent-facing title, trimmed", Some(1), Some(Title::MAX_CHARS), None);
    KidText => string("A few words for a child, trimmed", Some(1), Some(KidText::MAX_CHARS), None);
    Note => string("A short note, trimmed", Some(1), Some(Note::MAX_CHARS), None);
    MessageText => string("A message, trimmed", Some(1), Some(MessageText::MAX_CHARS), None);
    Prose => string("Longer text, trimmed", Some(1), Some(Prose::MAX_CHARS), None);
    TimeZoneName => string(
        "An IANA time zone name from the tz database, e.g. Europe/London (case-sensitive)",
        Some(1),
        Some(longest_time_zone()),
        None,
    );
    MediaRef => string(
        "builtin:<name> or sha256:<64 hex digits>",
        None,
        None,
        Some("^(builtin:[a-z0-9-]{1,80}|sha256:[0-9a-f]{64})$"),
    );
    PairingCode => string("A pairing code, shown as XXXX-XXXX (Crockford base 32)", Some(8), Some(9), None);
    DeviceToken => string("A device's bearer token: hpd_ and 43 base64url characters", Some(47), Some(47), None);
    Cursor => string("An opaque position in the change feed", Some(1), Some(Cursor::MAX_LEN), None);
    GasScore => ObjectBuilder::new()
        .schema_type(Type::Integer)
        .description(Some("A Goal Attainment Scaling score: -2 much less … 0 expected … +2 much more"))
        .minimum(Some(-2))
        .maximum(Some(2))
        .into();
    PainScore => ObjectBuilder::new()
        .schema_type(Type::Integer)
        .description(Some("Pain from 0 (no hurt) to 10 (hurts worst); the faces stand for 0, 2, 4, 6, 8 and 10"))
        .minimum(Some(0))
        .maximum(Some(10))
        .into();
    Weekdays => ArrayBuilder::new().items(DayName::schema()).unique_items(true).max_items(Some(7)).into();
}
