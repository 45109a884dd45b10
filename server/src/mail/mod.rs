//! Email, when the server has an `[smtp]` section: a therapist's invitation with a first-sign-in link, and a
//! family's pairing link with its QR code attached. Sent over SMTP by lettre (rustls on ring, as the rest of
//! the server), one connection per message. Every word of the messages is in `text.rs`.
//!
//! Without `[smtp]` the server sends nothing, and the dashboard shows the links to copy instead. No address,
//! link or code ever reaches the server's log: a failure is logged by its kind and SMTP reply code only (an SMTP
//! server's own words may quote the address).

mod qr;
mod text;

use chrono::{DateTime, Utc};
use homeplay_core::pairing::PairingCode;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

pub use qr::qr_png;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsMode {
    /// Plain SMTP, for a relay on this machine (or a test's sink); port 25 by default. Never with credentials
    /// to another machine.
    None,
    /// STARTTLS, required (never a silent fall back to plain text); port 587 by default.
    #[default]
    Starttls,
    /// TLS from the first byte ("SMTPS", implicit TLS); port 465 by default.
    Tls,
}

/// `[smtp]` in the configuration file. The password is never in it: `HOMEPLAY_SMTP_PASSWORD`, or the first line
/// of `password_file`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// By default 25, 587 or 465 for `tls` = `none`, `starttls` or `tls`.
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: TlsMode,
    pub username: Option<String>,
    /// A file whose first line is the password (readable by the server's user only, say).
    pub password_file: Option<PathBuf>,
    /// The sender, e.g. `Riverside homeplay <homeplay@riverside.example>`.
    pub from: String,
    /// How long to wait for the SMTP server, in seconds; 20 by default.
    pub timeout_seconds: Option<u64>,
}

/// The settings to send with, checked: the address, the sender, the credentials and the links' base.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    credentials: Option<(String, String)>,
    pub from: Mailbox,
    /// Where links point, without a trailing `/`: `https://homeplay.clinic.example`.
    pub public_url: String,
    pub timeout: Duration,
}

// The password is never printed.
impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.credentials.as_ref().map(|(user, _)| user))
            .field("password", &self.credentials.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from.to_string())
            .field("public_url", &self.public_url)
            .finish()
    }
}

impl SmtpSettings {
    /// Checks `[smtp]` with the file's `public_url`; `env_password` is `HOMEPLAY_SMTP_PASSWORD`, which wins over
    /// `password_file`.
    pub fn resolve(config: SmtpConfig, public_url: Option<&str>, env_password: Option<String>) -> anyhow::Result<Self> {
        let host = config.host.trim().to_owned();
        if host.is_empty() {
            anyhow::bail!("[smtp] host is empty");
        }
        let public_url = public_url
            .ok_or_else(|| anyhow::anyhow!("[smtp] needs public_url: where people open the links an email holds"))?;
        let public_url = check_public_url(public_url)?;
        let from: Mailbox =
            config.from.parse().map_err(|e| anyhow::anyhow!("[smtp] from is not an email address: {e}"))?;
        let password = match (env_password.filter(|p| !p.is_empty()), &config.password_file) {
            (Some(p), _) => Some(p),
            (None, Some(file)) => {
                let text = std::fs::read_to_string(file)
                    .map_err(|e| anyhow::anyhow!("[smtp] password_file {}: {e}", file.display()))?;
                Some(text.lines().next().unwrap_or_default().to_owned())
            }
            (None, None) => None,
        };
        let credentials = match (config.username, password) {
            (Some(user), Some(password)) => Some((user, password)),
            (None, None) => None,
            (Some(_), None) => {
                anyhow::bail!("[smtp] username needs a password: set HOMEPLAY_SMTP_PASSWORD or password_file")
            }
            (None, Some(_)) => anyhow::bail!("[smtp] a password needs its username"),
        };
        if config.tls == TlsMode::None && credentials.is_some() && !is_loopback(&host) {
            anyhow::bail!("[smtp] tls = \"none\" would send the password in plain text to {host}: use starttls or tls");
        }
        let port = config.port.unwrap_or(match config.tls {
            TlsMode::None => 25,
            TlsMode::Starttls => 587,
            TlsMode::Tls => 465,
        });
        let timeout = Duration::from_secs(config.timeout_seconds.unwrap_or(20).max(1));
        Ok(Self { host, port, tls: config.tls, credentials, from, public_url, timeout })
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// An `http(s)://` URL without query or fragment, returned without its trailing `/`.
fn check_public_url(text: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(text.trim()).map_err(|e| anyhow::anyhow!("public_url {text:?}: {e}"))?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        anyhow::bail!("public_url must be an http(s) address, e.g. https://homeplay.clinic.example");
    }
    if url.query().is_some() || url.fragment().is_some() {
        anyhow::bail!("public_url takes no query or fragment");
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The recipient is not an address a message can be sent to.
    #[error("this is not an email address a message can be sent to")]
    Address,
    #[error("the message could not be put together: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("the QR code could not be drawn: {0}")]
    Qr(String),
    /// The SMTP server could not be reached, or did not take the message.
    #[error("{0}")]
    Smtp(SmtpFailure),
}

/// What went wrong with the SMTP server, in words of our own and its reply code: never its own words, which
/// may quote the address.
#[derive(Debug, Clone)]
pub struct SmtpFailure {
    pub what: &'static str,
    pub code: Option<String>,
}

impl std::fmt::Display for SmtpFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.what)?;
        if let Some(code) = &self.code {
            write!(f, " (SMTP {code})")?;
        }
        Ok(())
    }
}

impl From<&lettre::transport::smtp::Error> for SmtpFailure {
    fn from(e: &lettre::transport::smtp::Error) -> Self {
        let code = e.status().map(|c| c.to_string());
        let what = if e.is_timeout() {
            "the mail server did not answer in time"
        } else if e.is_tls() {
            "a secure connection to the mail server failed"
        } else if e.is_permanent() {
            "the mail server refused the message"
        } else if e.is_transient() {
            "the mail server turned the message away for now"
        } else {
            "the mail server could not be reached"
        };
        Self { what, code }
    }
}

/// A therapist's invitation, as the email tells it.
#[derive(Debug, Clone, Copy)]
pub struct Invite<'a> {
    /// The new therapist's name.
    pub name: &'a str,
    /// The admin who invited them.
    pub inviter: &'a str,
    pub clinic: &'a str,
    /// The first-sign-in token (it goes in the link's `#fragment`).
    pub token: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// A family's pairing link, as the email tells it.
#[derive(Debug, Clone, Copy)]
pub struct PairingLink<'a> {
    pub clinic: &'a str,
    pub code: &'a PairingCode,
    /// Whole minutes the code still works.
    pub minutes_left: i64,
}

/// The first-sign-in link of an invitation: the dashboard's welcome page with the token in the `#fragment`,
/// which a browser never sends to a server.
pub fn welcome_link(public_url: &str, token: &str) -> String {
    format!("{}/#/welcome?token={token}", public_url.trim_end_matches('/'))
}

/// The link that pairs a family's phone: the family web app with the code in the `#fragment` (as the
/// dashboard's `phonePairingLink`).
pub fn pairing_link(public_url: &str, code: &PairingCode) -> String {
    format!("{}/family/#pair={}", public_url.trim_end_matches('/'), code.display())
}

/// Sends the server's email.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl Mailer {
    pub fn new(settings: &SmtpSettings) -> Result<Self, MailError> {
        let tls_parameters = || {
            TlsParameters::new(settings.host.clone()).map_err(|_| {
                MailError::Smtp(SmtpFailure { what: "the [smtp] host is not a name TLS can check", code: None })
            })
        };
        let tls = match settings.tls {
            TlsMode::None => Tls::None,
            TlsMode::Starttls => Tls::Required(tls_parameters()?),
            TlsMode::Tls => Tls::Wrapper(tls_parameters()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.clone())
            .port(settings.port)
            .tls(tls)
            .timeout(Some(settings.timeout));
        if let Some((user, password)) = &settings.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self { transport: builder.build(), from: settings.from.clone(), public_url: settings.public_url.clone() })
    }

    /// The invitation, with the link where the therapist chooses a password and signs in for the first time.
    pub async fn send_invite(&self, to: &str, invite: &Invite<'_>) -> Result<(), MailError> {
        let link = welcome_link(&self.public_url, invite.token);
        let words = text::invite(invite, &link);
        let body = MultiPart::alternative_plain_html(words.plain, words.html);
        self.send(to, &words.subject, body).await
    }

    /// The pairing link, with its QR code attached as a PNG for the phone's camera.
    pub async fn send_pairing_link(&self, to: &str, pairing: &PairingLink<'_>) -> Result<(), MailError> {
        let link = pairing_link(&self.public_url, pairing.code);
        let png = qr_png(&link).map_err(MailError::Qr)?;
        let words = text::pairing_link(pairing, &link);
        let picture = Attachment::new(text::QR_FILE_NAME.to_owned())
            .body(png, ContentType::parse("image/png").map_err(|_| MailError::Qr("content type".into()))?);
        let body = MultiPart::mixed()
            .multipart(MultiPart::alternative_plain_html(words.plain, words.html))
            .singlepart(picture);
        self.send(to, &words.subject, body).await
    }

    async fn send(&self, to: &str, subject: &str, body: MultiPart) -> Result<(), MailError> {
        // A bare address, never `Name <address>`: the address checked and audited is the one written to.
        let to = Mailbox::new(None, to.trim().parse::<lettre::Address>().map_err(|_| MailError::Address)?);
        // A Message-ID of the sender's domain (relays that add none would leave the message without one).
        let message_id = format!("<{}@{}>", uuid::Uuid::now_v7().simple(), self.from.email.domain());
        let message = Message::builder()
            .message_id(Some(message_id))
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .multipart(body)?;
        self.transport.send(message).await.map(drop).map_err(|e| {
            let failure = SmtpFailure::from(&e);
            // Kind and code only: the SMTP server's words may quote the address.
            tracing::warn!(failure = %failure, "an email was not sent");
            MailError::Smtp(failure)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra: &str) -> SmtpConfig {
        toml::from_str(&format!("host = \"smtp.example\"\nfrom = \"homeplay <hp@clinic.example>\"\n{extra}")).unwrap()
    }

    #[test]
    fn settings_are_checked_and_the_password_never_printed() {
        let s = SmtpSettings::resolve(
            config("username = \"hp\""),
            Some("https://homeplay.example/"),
            Some("s3cret-pass".into()),
        )
        .unwrap();
        assert_eq!(s.port, 587);
        assert_eq!(s.public_url, "https://homeplay.example");
        let printed = format!("{s:?}");
        assert!(!printed.contains("s3cret-pass") && printed.contains("<redacted>"), "{printed}");

        let e = SmtpSettings::resolve(config(""), None, None).unwrap_err().to_string();
        assert!(e.contains("public_url"), "{e}");
        let e = SmtpSettings::resolve(config("username = \"hp\""), Some("https://h.example"), None).unwrap_err();
        assert!(e.to_string().contains("HOMEPLAY_SMTP_PASSWORD"), "{e}");
        let e = SmtpSettings::resolve(
            config("tls = \"none\"\nusername = \"hp\""),
            Some("https://h.example"),
            Some("p".into()),
        )
        .unwrap_err();
        assert!(e.to_string().contains("plain text"), "{e}");
        let local = "host = \"127.0.0.1\"\nfrom = \"hp@clinic.example\"\ntls = \"none\"\nusername = \"hp\"";
        let local: SmtpConfig = toml::from_str(local).unwrap();
        assert_eq!(SmtpSettings::resolve(local, Some("http://h.example"), Some("p".into())).unwrap().port, 25);
        assert!(SmtpSettings::resolve(config("tls = \"tls\""), Some("ftp://h.example"), None).is_err());
        assert_eq!(SmtpSettings::resolve(config("tls = \"tls\""), Some("https://h.example"), None).unwrap().port, 465);
        assert!(SmtpSettings::resolve(config(""), Some("https://h.example/?x=1"), None).is_err());
        let bad_from: SmtpConfig = toml::from_str("host = \"h\"\nfrom = \"not an address\"").unwrap();
        assert!(SmtpSettings::resolve(bad_from, Some("https://h.example"), None).is_err());
    }

    #[tokio::test]
    async fn only_a_bare_address_is_written_to() {
        let settings =
            SmtpSettings::resolve(config("tls = \"none\"\nport = 9"), Some("https://h.example"), None).unwrap();
        let mailer = Mailer::new(&settings).unwrap();
        let code = PairingCode::parse("K7QM-4TZD").unwrap();
        let pairing = PairingLink { clinic: "Riverside", code: &code, minutes_left: 5 };
        for to in ["a<b@c.example>", "Mum <mum@family.example>", "a@b.example, c@d.example"] {
            let e = mailer.send_pairing_link(to, &pairing).await.unwrap_err();
            assert!(matches!(e, MailError::Address), "{to}: {e}");
        }
    }

    #[test]
    fn links_keep_their_secret_in_the_fragment() {
        let code = PairingCode::parse("K7QM-4TZD").unwrap();
        assert_eq!(pairing_link("https://h.example/", &code), "https://h.example/family/#pair=K7QM-4TZD");
        assert_eq!(welcome_link("https://h.example", "abc_-1"), "https://h.example/#/welcome?token=abc_-1");
    }
}
