//! Pairing codes and device tokens: how a family's device gets and proves its right to sync.

use crate::error::{Problem, ValidationError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Crockford's base-32 alphabet: no I, L, O or U, so codes survive being read aloud and typed by hand.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A short, single-use code a therapist shows on screen: 8 characters (40 bits), shown as `K7QM-4TZD`.
/// Typing is forgiving: case, spaces and hyphens are ignored, and O/I/L read as 0/1/1.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PairingCode(String);

impl PairingCode {
    pub const LEN: usize = 8;

    /// A code from 5 random bytes (the caller brings the randomness; this crate does no IO).
    pub fn from_random_bytes(bytes: [u8; 5]) -> Self {
        let mut n = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let mut chars = [0u8; Self::LEN];
        for c in chars.iter_mut().rev() {
            *c = ALPHABET[(n & 31) as usize];
            n >>= 5;
        }
        Self(String::from_utf8_lossy(&chars).into_owned())
    }

    /// Reads what a person typed.
    pub fn parse(typed: &str) -> Result<Self, ValidationError> {
        let mut out = String::with_capacity(Self::LEN);
        for ch in typed.chars() {
            let c = match ch.to_ascii_uppercase() {
                ' ' | '-' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c if ALPHABET.contains(&(c as u8)) && c.is_ascii() => c,
                _ => {
                    return Err(ValidationError::single(
                        "",
                        Problem::Invalid { reason: format!("'{ch}' is not used in pairing codes") },
                    ));
                }
            };
            out.push(c);
        }
        if out.len() != Self::LEN {
            return Err(ValidationError::single(
                "",
                Problem::Invalid { reason: format!("a pairing code has {} letters and digits", Self::LEN) },
            ));
        }
        Ok(Self(out))
    }

    /// The canonical form, without the hyphen: what servers compare and hash.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form to show people: `K7QM-4TZD`.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }
}

impl TryFrom<String> for PairingCode {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PairingCode> for String {
    fn from(c: PairingCode) -> String {
        c.display()
    }
}

/// A pairing code is a secret until used: never print it in logs.
impl fmt::Debug for PairingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PairingCode(<redacted>)")
    }
}

/// A device's bearer token: `hpd_` and 43 base64url characters (256 random bits). The server keeps only
/// its hash. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeviceToken(String);

impl DeviceToken {
    pub const PREFIX: &'static str = "hpd_";

    /// A token from 32 random bytes supplied by the caller.
    pub fn from_random_bytes(bytes: [u8; 32]) -> Self {
        Self(format!("{}{}", Self::PREFIX, URL_SAFE_NO_PAD.encode(bytes)))
    }

    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let ok = s.strip_prefix(Self::PREFIX).is_some_and(|rest| {
            rest.len() == 43 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ValidationError::single("", Problem::Invalid { reason: "not a device token".into() }))
        }
    }

    /// The secret itself, for the Authorization header and for hashing. Handle with care.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DeviceToken {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<DeviceToken> for String {
    fn from(t: DeviceToken) -> String {
        t.0
    }
}

impl fmt::Debug for DeviceToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_forgive_typing() {
        let code = PairingCode::from_random_bytes([0xde, 0xad, 0xbe, 0xef, 0x01]);
        assert_eq!(code.as_str().len(), 8);
        let shown = code.display();
        assert_eq!(PairingCode::parse(&shown).unwrap(), code);
        assert_eq!(PairingCode::parse(&shown.to_lowercase().replace('-', " ")).unwrap(), code);
        assert_eq!(PairingCode::parse("oil0-1111").unwrap().as_str(), "01101111");
    }

    #[test]
    fn bad_codes_are_refused() {
        assert!(PairingCode::parse("ABC").is_err());
        assert!(PairingCode::parse("ABCD-EFGU").is_err());
        assert!(PairingCode::parse("ABCD-EFGHJ").is_err());
        assert!(PairingCode::parse("ABCD-ÉFGH").is_err());
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let t = DeviceToken::from_random_bytes([7; 32]);
        assert_eq!(t.expose().len(), 4 + 43);
        assert!(!format!("{t:?}").contains(&t.expose()[4..]));
        assert!(DeviceToken::parse(t.expose()).is_ok());
        assert!(DeviceToken::parse("hpd_short").is_err());
        let code = PairingCode::from_random_bytes([1; 5]);
        assert!(!format!("{code:?}").contains(code.as_str()));
    }
}
