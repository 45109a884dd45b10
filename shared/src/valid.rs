//! `Valid<T>`: a value whose invariants were checked when it was made. Code that holds one never re-checks;
//! the only ways in are [`Valid::new`] and deserialisation, and both validate.

use crate::error::{Validate, ValidationError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::ops::Deref;

#[derive(Debug, Clone, PartialEq)]
pub struct Valid<T>(T);

impl<T: Validate> Valid<T> {
    pub fn new(value: T) -> Result<Self, ValidationError> {
        value.validate()?;
        Ok(Self(value))
    }

    /// Gives the value back for editing; it must go through [`Valid::new`] again to be trusted.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Valid<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Serialize> Serialize for Valid<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: Deserialize<'de> + Validate> Deserialize<'de> for Valid<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = T::deserialize(d)?;
        Valid::new(value).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routine::Routine;

    #[test]
    fn deserialising_validates() {
        let json = r#"{"id":"01930000-0000-7000-8000-000000000001","clinic_id":"01930000-0000-7000-8000-000000000002",
            "title":"Warm-up","kid_title":"Go!","items":[]}"#;
        let raw: Routine = serde_json::from_str(json).unwrap();
        assert!(raw.validate().is_err());
        let err = serde_json::from_str::<Valid<Routine>>(json).unwrap_err();
        assert!(err.to_string().contains("items"), "{err}");
    }
}
