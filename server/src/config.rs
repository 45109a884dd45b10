//! Settings, layered: built-in defaults, then an optional TOML file (`--config`), then environment variables
//! (`HOMEPLAY_…`), then command-line flags. Secrets (database passwords) are never printed.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Security and behaviour limits; the defaults suit a clinic.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// A dashboard session ends after this long without a request…
    pub session_idle_minutes: i64,
    /// …and after this long in any case.
    pub session_absolute_hours: i64,
    pub pairing_code_minutes: i64,
    /// Failed or not, login attempts per account and per client address in `rate_window_minutes`.
    pub login_per_account: u32,
    pub login_per_ip: u32,
    pub pair_per_ip: u32,
    pub rate_window_minutes: i64,
    /// Send the session cookie with `Secure`, under the `__Host-` name that no sibling domain can shadow. Unset
    /// (the default), it is on whenever the server listens beyond loopback; set `false` only to try the
    /// dashboard over plain HTTP on a trusted network, where browsers refuse `Secure` cookies.
    pub secure_cookies: Option<bool>,
    pub max_body_bytes: usize,
    pub max_media_bytes: usize,
    /// How long a discharged child's record is kept before an admin may erase it, in days from the discharge
    /// date. The default, 2557 days, is seven years: a common minimum for children's health records (many
    /// places count from the child's majority instead; set what your rules require).
    pub retention_days: i64,
    /// How long an invitation's first-sign-in link works, in hours.
    pub invitation_hours: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            pairing_code_minutes: 15,
            login_per_account: 5,
            login_per_ip: 30,
            pair_per_ip: 10,
            rate_window_minutes: 15,
            secure_cookies: None,
            max_body_bytes: 4 * 1024 * 1024,
            max_media_bytes: 25 * 1024 * 1024,
            retention_days: 2557,
            invitation_hours: 72,
        }
    }
}

impl Limits {
    pub fn session_idle_ms(&self) -> i64 {
        self.session_idle_minutes * 60_000
    }
    pub fn session_absolute_ms(&self) -> i64 {
        self.session_absolute_hours * 3_600_000
    }
    pub fn pairing_code_ms(&self) -> i64 {
        self.pairing_code_minutes * 60_000
    }
    pub fn invitation_ms(&self) -> i64 {
        self.invitation_hours * 3_600_000
    }
    pub fn rate_window_ms(&self) -> i64 {
        self.rate_window_minutes * 60_000
    }
    /// Whether the session cookie is `Secure` (and `__Host-` named) for a server listening on `bind`, serving
    /// HTTPS itself when `tls`.
    pub fn cookies_secure_on(&self, bind: SocketAddr, tls: bool) -> bool {
        self.secure_cookies.unwrap_or(tls || !bind.ip().is_loopback())
    }
    /// Settles an unset `secure_cookies` for a server listening on `bind`, serving HTTPS itself when `tls`.
    pub fn for_listener(mut self, bind: SocketAddr, tls: bool) -> Self {
        self.secure_cookies = Some(self.cookies_secure_on(bind, tls));
        self
    }
}

/// The optional file: any of these keys.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    pub database: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub bind: Option<SocketAddr>,
    /// HTTPS: the PEM certificate (with its chain) and its private key.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// Plain HTTP here only redirects to HTTPS.
    pub redirect_http_bind: Option<SocketAddr>,
    pub log_json: Option<bool>,
    /// Serve Prometheus metrics at `/metrics` on this address (and only there); unset, metrics are off.
    pub metrics_bind: Option<SocketAddr>,
    /// The bearer token every scrape must send; required when `metrics_bind` is beyond loopback.
    pub metrics_token: Option<String>,
    pub limits: Option<Limits>,
    pub backup: Option<BackupConfig>,
    /// Where people reach this server, e.g. `https://homeplay.clinic.example`: the start of the links an email
    /// holds. Required with `[smtp]`.
    pub public_url: Option<String>,
    /// Send email (invitations, pairing links) through this SMTP server; without it the server sends none.
    pub smtp: Option<crate::mail::SmtpConfig>,
}

/// `[backup]` in the file: what `serve` backs up on its own (`serve --backup-every` and friends win).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupConfig {
    /// How often, e.g. `"24h"`; unset, `serve` makes no backups.
    pub every: Option<String>,
    /// The folder; by default `backups` in the data folder.
    pub to: Option<PathBuf>,
    /// How many of the newest to keep; 14 by default.
    pub keep: Option<usize>,
}

impl FileConfig {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }
}

/// The database URL to use: the one given, else a SQLite file in the data folder (created if needed).
pub fn database_url(given: Option<String>, data_dir: &Path) -> anyhow::Result<String> {
    match given {
        Some(url) => Ok(url),
        None => {
            std::fs::create_dir_all(data_dir)
                .map_err(|e| anyhow::anyhow!("cannot create data folder {}: {e}", data_dir.display()))?;
            Ok(format!("sqlite://{}", data_dir.join("homeplay.db").display()))
        }
    }
}

/// The URL with any password replaced, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(redact_url("postgres://app:s3cret@db:5432/hp"), "postgres://app:***@db:5432/hp");
        assert_eq!(redact_url("sqlite://./homeplay-data/homeplay.db"), "sqlite://./homeplay-data/homeplay.db");
    }

    #[test]
    fn cookies_are_secure_beyond_loopback_unless_told() {
        let limits = Limits::default();
        assert!(!limits.cookies_secure_on("127.0.0.1:8080".parse().unwrap(), false));
        assert!(!limits.cookies_secure_on("[::1]:8080".parse().unwrap(), false));
        assert!(limits.cookies_secure_on("0.0.0.0:8080".parse().unwrap(), false));
        assert!(limits.cookies_secure_on("192.168.1.20:8080".parse().unwrap(), false));
        let off = Limits { secure_cookies: Some(false), ..Limits::default() };
        assert!(!off.cookies_secure_on("0.0.0.0:8080".parse().unwrap(), false));
        let on = Limits { secure_cookies: Some(true), ..Limits::default() };
        assert!(on.cookies_secure_on("127.0.0.1:8080".parse().unwrap(), false));
    }

    #[test]
    fn cookies_are_secure_over_tls_even_on_loopback() {
        assert!(Limits::default().cookies_secure_on("127.0.0.1:8443".parse().unwrap(), true));
        let settled = Limits::default().for_listener("127.0.0.1:8443".parse().unwrap(), true);
        assert_eq!(settled.secure_cookies, Some(true));
    }

    #[test]
    fn file_config_rejects_unknown_keys() {
        assert!(toml::from_str::<FileConfig>("bind = \"127.0.0.1:9000\"").is_ok());
        assert!(toml::from_str::<FileConfig>("bnd = 1").is_err());
        let f: FileConfig = toml::from_str("[limits]\nsession_idle_minutes = 5").unwrap();
        assert_eq!(f.limits.unwrap().session_idle_minutes, 5);
        let f: FileConfig = toml::from_str("[backup]\nevery = \"24h\"\nkeep = 3").unwrap();
        assert_eq!(f.backup.unwrap().keep, Some(3));
        assert!(toml::from_str::<FileConfig>("[backup]\nevry = \"24h\"").is_err());
        let f: FileConfig = toml::from_str(
            "tls_cert = \"/etc/homeplay/cert.pem\"\ntls_key = \"/etc/homeplay/key.pem\"\nredirect_http_bind = \"0.0.0.0:80\"",
        )
        .unwrap();
        assert_eq!(f.tls_cert.unwrap(), PathBuf::from("/etc/homeplay/cert.pem"));
        assert_eq!(f.tls_key.unwrap(), PathBuf::from("/etc/homeplay/key.pem"));
        assert_eq!(f.redirect_http_bind.unwrap(), "0.0.0.0:80".parse().unwrap());
        let f: FileConfig = toml::from_str(
            "public_url = \"https://homeplay.example\"\n[smtp]\nhost = \"smtp.example\"\nfrom = \"homeplay <hp@example>\"",
        )
        .unwrap();
        assert_eq!(f.smtp.unwrap().host, "smtp.example");
        assert!(
            toml::from_str::<FileConfig>("[smtp]\nhost = \"smtp.example\"\nfrom = \"a@b\"\npassword = \"x\"").is_err()
        );
    }
}
