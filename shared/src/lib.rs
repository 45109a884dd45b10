//! homeplay-core: the domain of homeplay, shared by the clinic server, the family device and the app.
//!
//! Pure by design: no files, no network, no clock, no randomness. Whatever needs the time or random bytes
//! takes them as arguments, so every rule here is deterministic and tested without IO.

pub mod adherence;
pub mod assignment;
pub mod care_team;
pub mod clinic;
pub mod error;
pub mod exercise;
pub mod family;
pub mod feedback;
pub mod goal;
pub mod hlc;
pub mod ids;
pub mod language;
pub mod library;
pub mod log;
pub mod media;
pub mod message;
pub mod occurrence;
#[cfg(feature = "openapi")]
mod openapi;
pub mod pain;
pub mod pairing;
pub mod recorded;
pub mod reminders;
pub mod routine;
pub mod schedule;
pub mod skill;
pub mod sync;
pub mod template;
pub mod text;
pub mod time;
pub mod valid;

pub use error::{FieldProblem, Problem, Validate, ValidationError};
pub use valid::Valid;
