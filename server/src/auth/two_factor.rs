//! Two-factor sign-in: TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, as every authenticator app reads
//! from a QR code) and single-use recovery codes, stored only as hashes.

use super::tokens::{random_bytes, sha256_hex};
use crate::store::TwoFactorPolicy;
use homeplay_core::clinic::Role;
use totp_rs::{Algorithm, Secret, TOTP};

pub const DIGITS: usize = 6;
pub const STEP_SECONDS: u64 = 30;
pub const RECOVERY_CODES: usize = 10;
/// How long a sign-in waits for its second factor.
pub const CHALLENGE_MS: i64 = 5 * 60_000;

/// Whether the clinic's policy makes this role sign in with a second factor.
pub fn required(policy: TwoFactorPolicy, role: Role) -> bool {
    match policy {
        TwoFactorPolicy::Off => false,
        TwoFactorPolicy::Admins => role == Role::Admin,
        TwoFactorPolicy::Everyone => true,
    }
}

/// A new secret of 160 bits (RFC 4226's recommended size), base32 as authenticator apps take it.
pub fn new_secret() -> String {
    match Secret::Raw(random_bytes::<20>().to_vec()).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => String::new(),
    }
}

fn totp(secret_base32: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_owned()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, DIGITS, 1, STEP_SECONDS, bytes).ok()
}

/// The code an authenticator shows at `unix_secs`.
pub fn code_at(secret_base32: &str, unix_secs: u64) -> Option<String> {
    totp(secret_base32).map(|t| t.generate(unix_secs))
}

/// The time step `code` was made for, if it matches the current step or one next to it (clocks drift).
/// The caller records the step as used, so each code signs in once.
pub fn matching_step(secret_base32: &str, code: &str, unix_secs: u64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret_base32)?;
    let now = unix_secs / STEP_SECONDS;
    [now.saturating_sub(1), now, now + 1].into_iter().find_map(|step| {
        let expected = totp.generate(step * STEP_SECONDS);
        super::tokens::constant_time_eq(&expected, &code).then(|| i64::try_from(step).unwrap_or(i64::MAX))
    })
}

/// What an authenticator app scans: `otpauth://totp/homeplay:<email>?secret=…&issuer=homeplay…`.
pub fn otpauth_uri(secret_base32: &str, account: &str) -> String {
    let label: String = account
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    format!(
        "otpauth://totp/homeplay:{label}?secret={secret_base32}&issuer=homeplay&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    )
}

/// The URI as a QR code, an SVG document to show inline.
pub fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    Some(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build())
}

/// Ten codes like `K7QM4-TZD2X` (Crockford's base32: no I, L, O or U to misread).
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    (0..RECOVERY_CODES)
        .map(|_| {
            let bytes = random_bytes::<10>();
            let chars: String = bytes.iter().map(|b| ALPHABET[usize::from(b % 32)] as char).collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// The stored form of a recovery code: spaces, dashes and case do not matter.
pub fn recovery_hash(code: &str) -> String {
    let normal: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    sha256_hex(format!("recovery\u{0}{normal}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_vectors_and_one_step_of_drift() {
        // RFC 6238 appendix B, SHA-1: the secret "12345678901234567890", 8 digits there; 6 here are its last six.
        let secret = match Secret::Raw(b"12345678901234567890".to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!(),
        };
        assert_eq!(code_at(&secret, 59).unwrap(), "287082");
        assert_eq!(code_at(&secret, 1_111_111_109).unwrap(), "081804");
        let now = 1_111_111_109;
        assert_eq!(matching_step(&secret, "081804", now), Some(1_111_111_109 / 30));
        assert_eq!(matching_step(&secret, "081 804", now + 30), Some(1_111_111_109 / 30), "a step late still counts");
        assert_eq!(matching_step(&secret, "081804", now + 90), None, "three steps late does not");
        assert_eq!(matching_step(&secret, "12345", now), None);
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_forgiving_to_type() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(codes.iter().collect::<std::collections::HashSet<_>>().len(), 10);
        let c = &codes[0];
        assert_eq!(recovery_hash(c), recovery_hash(&c.to_lowercase().replace('-', " ")));
        assert!(otpauth_uri(&new_secret(), "maya@x.org").contains("homeplay:maya%40x.org?secret="));
        assert!(qr_svg("otpauth://totp/x").unwrap().starts_with("<?xml"));
    }

    #[test]
    fn policy() {
        assert!(!required(TwoFactorPolicy::Off, Role::Admin));
        assert!(required(TwoFactorPolicy::Admins, Role::Admin));
        assert!(!required(TwoFactorPolicy::Admins, Role::Therapist));
        assert!(required(TwoFactorPolicy::Everyone, Role::Therapist));
    }
}
