//! References to pictures, videos and voice prompts. Built-in pictures ship inside the binary; a clinic's own
//! uploads are stored by the SHA-256 of their bytes, so the same file is stored and downloaded once.

use crate::error::{Problem, ValidationError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// `builtin:<name>` (a picture of the starter library) or `sha256:<64 hex digits>` (an upload).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MediaRef(String);

/// What a [`MediaRef`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaSource<'a> {
    Builtin(&'a str),
    Upload { sha256_hex: &'a str },
}

impl MediaRef {
    pub fn new(s: &str) -> Result<Self, ValidationError> {
        let ok = match s.split_once(':') {
            Some(("builtin", name)) => {
                !name.is_empty()
                    && name.len() <= 80
                    && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            }
            Some(("sha256", hex)) => hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            _ => false,
        };
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ValidationError::single(
                "",
                Problem::Invalid { reason: "must be builtin:<name> or sha256:<64 lowercase hex digits>".into() },
            ))
        }
    }

    pub fn builtin(name: &str) -> Result<Self, ValidationError> {
        Self::new(&format!("builtin:{name}"))
    }

    pub fn source(&self) -> MediaSource<'_> {
        match self.0.split_once(':') {
            Some(("builtin", name)) => MediaSource::Builtin(name),
            Some((_, hex)) => MediaSource::Upload { sha256_hex: hex },
            None => MediaSource::Builtin(""),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MediaRef {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<MediaRef> for String {
    fn from(m: MediaRef) -> String {
        m.0
    }
}

impl fmt::Debug for MediaRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for MediaRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_builtin_and_sha256() {
        assert_eq!(MediaRef::new("builtin:bear-walk-1").unwrap().source(), MediaSource::Builtin("bear-walk-1"));
        let hex = "a".repeat(64);
        assert!(matches!(MediaRef::new(&format!("sha256:{hex}")).unwrap().source(), MediaSource::Upload { .. }));
    }

    #[test]
    fn refuses_paths_and_bad_hashes() {
        for bad in ["builtin:../etc/passwd", "builtin:", "sha256:abc", "http://x/y.png", "builtin:Bear"] {
            assert!(MediaRef::new(bad).is_err(), "{bad}");
        }
    }
}
