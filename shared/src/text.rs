//! Bounded, trimmed text. Each kind of text is its own type so its limit is checked once, at construction,
//! and again whenever it is deserialised.

use crate::error::{Problem, ValidationError};
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, min = $min:expr, max = $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            /// Trims surrounding white space and checks the length in characters (not bytes).
            pub fn new(text: impl AsRef<str>) -> Result<Self, ValidationError> {
                check_text(text.as_ref(), $min, $max).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValidationError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl From<$name> for String {
            fn from(t: $name) -> String {
                t.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

bounded_text!(
    /// A person's or device's name as shown in lists: "Maya", "Kitchen laptop".
    Name, min = 1, max = 60
);
bounded_text!(
    /// A parent-facing title: "Playdough snakes".
    Title, min = 1, max = 80
);
bounded_text!(
    /// Few, simple words for a child: a kid title or a step caption.
    KidText, min = 1, max = 60
);
bounded_text!(
    /// A short free-text note: a caregiver's note on a log, a therapist's note for the family.
    Note, min = 1, max = 500
);
bounded_text!(
    /// A message in a child's thread, from a therapist or a caregiver.
    MessageText, min = 1, max = 1000
);
bounded_text!(
    /// Longer prose: instructions, safety notes, variations.
    Prose, min = 1, max = 2000
);

fn check_text(raw: &str, min: usize, max: usize) -> Result<String, ValidationError> {
    let text = raw.trim();
    let chars = text.chars().count();
    if chars < min {
        return Err(ValidationError::single("", Problem::Empty));
    }
    if chars > max {
        return Err(ValidationError::single("", Problem::TooLong { max }));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(ValidationError::single(
            "",
            Problem::Invalid { reason: "must not contain control characters".into() },
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds_by_characters() {
        assert_eq!(Name::new("  Mum ").unwrap().as_str(), "Mum");
        assert!(Name::new("   ").is_err());
        // 60 two-byte characters fit; 61 do not.
        assert!(Name::new("é".repeat(60)).is_ok());
        let err = Name::new("é".repeat(61)).unwrap_err();
        assert_eq!(err.problems[0].problem, Problem::TooLong { max: 60 });
    }

    #[test]
    fn rejects_control_characters_but_keeps_newlines() {
        assert!(Note::new("line one\nline two").is_ok());
        assert!(Note::new("bell\u{7}").is_err());
    }

    #[test]
    fn html_and_sql_are_kept_as_plain_text() {
        let n = Note::new("<script>alert(1)</script>'; DROP TABLE logs;--").unwrap();
        assert!(n.as_str().starts_with("<script>"));
    }

    #[test]
    fn deserialising_checks_the_bound() {
        let long = format!("\"{}\"", "x".repeat(501));
        assert!(serde_json::from_str::<Note>(&long).is_err());
        assert_eq!(serde_json::from_str::<Note>("\" ok \"").unwrap().as_str(), "ok");
    }
}
