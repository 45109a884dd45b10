//! Typed identifiers. Every id is a UUID; the type keeps a child's id from being passed where a device's is
//! expected. Ids are made where the record is born (UUIDv7, time-ordered), so a device can create records
//! offline without asking the server.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered id (UUIDv7).
            pub fn new_v7() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }
    )*};
}

id_type! {
    ClinicId;
    TherapistId;
    FamilyId;
    ChildId;
    CaregiverId;
    DeviceId;
    /// Built-in exercises have a UUIDv5 derived from their slug, the same on every installation.
    ExerciseId;
    RoutineId;
    AssignmentId;
    /// Made by the device that first records the log: always a UUIDv7.
    LogId;
    FeedbackId;
    GoalId;
    GoalReviewId;
    GoalCheckInId;
    /// A clinic's program template (dashboard only: never synced).
    ProgramTemplateId;
    /// A message in a child's thread: UUIDv7, so ids sort in the order messages were written.
    MessageId;
    /// One "read up to here" mark a device pushes.
    MessageReadId;
    /// Which life of the server's database a device is talking to: random, made with the database and made
    /// anew by every restore from a backup. A device that sees it change re-sends what it recorded.
    ServerEpoch;
}

/// Namespace for the UUIDv5 ids of built-in library items (a fixed, random value: never change it).
const BUILTIN_NAMESPACE: Uuid = Uuid::from_u128(0x6d1f_3c2a_8b44_4e0f_9a51_77c2_e0b4_d913);

impl ExerciseId {
    /// The stable id of the built-in exercise with this slug.
    pub fn builtin(slug: &str) -> Self {
        Self(Uuid::new_v5(&BUILTIN_NAMESPACE, format!("exercise/{slug}").as_bytes()))
    }
}

impl ServerEpoch {
    /// An epoch from 16 random bytes (a UUIDv4): the server draws them from the operating system.
    pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
        Self(uuid::Builder::from_random_bytes(bytes).into_uuid())
    }
}

impl LogId {
    /// Log ids must be UUIDv7 so that they sort by creation time and stay unique across devices.
    pub fn is_v7(&self) -> bool {
        self.0.get_version_num() == 7
    }
}
