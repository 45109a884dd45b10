//! The command line: `serve`, `migrate`, `backup`, `restore`, `create-clinic`, `create-therapist`,
//! `create-child`, `pairing-code`, `demo`, `openapi`.

use crate::accounts::AccountError;
use crate::audit::ClientIp;
use crate::auth::TherapistAuth;
use crate::backup::Schedule;
use crate::config::{BackupConfig, FileConfig, Limits, database_url, redact_url};
use crate::state::AppState;
use crate::store::{self, DynStore};
use crate::tls::TlsFiles;
use anyhow::Context;
use axum::Json;
use axum::extract::State;
use clap::{Args, Parser, Subcommand};
use homeplay_core::clinic::Therapist;
use homeplay_core::ids::{ChildId, ClinicId};
use homeplay_core::skill::Discipline;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(name = "homeplay-server", version, about = "homeplay's clinic server")]
pub struct Cli {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Common {
    /// Database URL: `sqlite://path/file.db` or `postgres://user:password@host/db`.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database: Option<String>,
    /// Where the default SQLite database lives.
    #[arg(long, global = true, env = "HOMEPLAY_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// A TOML file with any of: database, data_dir, bind, tls_cert, tls_key, redirect_http_bind, log_json,
    /// metrics_bind, metrics_token, public_url, [backup], [limits], [smtp].
    #[arg(long, global = true, env = "HOMEPLAY_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log as JSON lines (for log collectors) instead of text.
    #[arg(long, global = true, env = "HOMEPLAY_LOG_JSON")]
    pub log_json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API.
    Serve {
        #[command(flatten)]
        listen: Listen,
        /// Serve the clinic dashboard (a built `ui/dist`) from this folder at `/`. By default `ui/dist` if it
        /// exists there; without one, only the API is served.
        #[arg(long, env = "HOMEPLAY_UI_DIR")]
        ui_dir: Option<PathBuf>,
        #[command(flatten)]
        backup: BackupFlags,
        #[command(flatten)]
        metrics: MetricsFlags,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Write a consistent backup of the database into a folder (safe while servers run) and print its path.
    /// SQLite: a copy of the database file; PostgreSQL: a `pg_dump -Fc` archive (needs postgresql-client).
    Backup {
        /// The folder to write into; made if missing.
        #[arg(long)]
        to: PathBuf,
        /// Then delete the oldest backups of this database in the folder beyond this many (as `serve`'s schedule
        /// does; files not named as backups are left alone). Unset, nothing is deleted.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        keep: Option<u32>,
    },
    /// Restore a backup into the empty database given by --database (refused if it holds anything). Start
    /// the server on it afterwards: it upgrades an older backup's schema as usual.
    Restore {
        /// A file `backup` wrote.
        #[arg(long)]
        from: PathBuf,
    },
    /// Create a clinic and print its id.
    CreateClinic {
        #[arg(long)]
        name: String,
        /// IANA time zone, e.g. Europe/London.
        #[arg(long, default_value = "UTC")]
        time_zone: String,
    },
    /// Create a therapist. The password is read from HOMEPLAY_PASSWORD or, failing that, one line of stdin.
    CreateTherapist {
        #[arg(long)]
        clinic: ClinicId,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// ot or pt.
        #[arg(long)]
        discipline: String,
        /// Make the therapist a clinic admin.
        #[arg(long)]
        admin: bool,
    },
    /// Disable a therapist's account (offboarding): sessions end at once, sign-in is refused, their history
    /// stays attributed. Audited as the system.
    DisableTherapist {
        #[arg(long)]
        email: String,
    },
    /// Re-enable a disabled therapist's account. Audited as the system.
    EnableTherapist {
        #[arg(long)]
        email: String,
    },
    /// Enrol a child as the dashboard's "New child" does, and print the child's id: a new family (with its
    /// caregivers), or a sibling in another child's family. Made by, led by and audited as the therapist.
    CreateChild {
        /// The email of the therapist who adds the child (and leads its care team).
        #[arg(long)]
        therapist: String,
        /// The child's name as the family uses it.
        #[arg(long)]
        name: String,
        /// The family's IANA time zone, e.g. Europe/London; by default the clinic's (a sibling: the family's).
        #[arg(long)]
        time_zone: Option<String>,
        /// Age in whole years, 0 to 21.
        #[arg(long)]
        age: Option<u8>,
        /// The child's number in the clinic's own records (EHR); unique in the clinic.
        #[arg(long)]
        record_number: Option<String>,
        /// A caregiver of the new family ("Mum"); repeat for each. Not with --sibling-of.
        #[arg(long = "caregiver")]
        caregivers: Vec<String>,
        /// Add the child to this child's family (an id, or a display name in the therapist's clinic).
        #[arg(long, conflicts_with = "caregivers")]
        sibling_of: Option<String>,
    },
    /// Make a single-use pairing code for a child's family and print just the code, as the therapist's
    /// "pairing code" button does (same expiry, same audit entry, made by and audited as that therapist).
    PairingCode {
        /// The child: its id, or its display name in the therapist's clinic.
        #[arg(long)]
        child: String,
        /// The email of the therapist the code is made by.
        #[arg(long)]
        therapist: String,
    },
    /// Fill the database with the demo clinic (Riverside Pediatric Therapy: two therapists, three children and
    /// three weeks of history ending today) and print how to sign in. Changes nothing if it is already there.
    Demo,
    /// Print the HTTP API's OpenAPI 3.1 document (pretty JSON) and exit; needs no database.
    /// `server/openapi.json` is its output: `cargo run -p homeplay-server -- openapi > server/openapi.json`.
    Openapi,
}

/// `serve`'s own backups. Enable them on one server only when several serve one PostgreSQL database.
#[derive(Debug, Args)]
pub struct BackupFlags {
    /// Back up this often (e.g. `24h`, `30m`) while serving; off unless set here or in `[backup]`.
    #[arg(long, env = "HOMEPLAY_BACKUP_EVERY")]
    pub backup_every: Option<humantime::Duration>,
    /// Where scheduled backups go; by default `backups` in the data folder.
    #[arg(long, env = "HOMEPLAY_BACKUP_TO")]
    pub backup_to: Option<PathBuf>,
    /// How many scheduled backups to keep (the oldest beyond are deleted); 14 by default.
    #[arg(long, env = "HOMEPLAY_BACKUP_KEEP", value_parser = clap::value_parser!(u32).range(1..))]
    pub keep: Option<u32>,
}

impl BackupFlags {
    /// The schedule after layering the file's `[backup]` under these flags; `None` when no interval is set.
    pub fn schedule(&self, resolved: &Resolved) -> anyhow::Result<Option<Schedule>> {
        let file = &resolved.backup;
        let every = match (self.backup_every, &file.every) {
            (Some(every), _) => every.into(),
            (None, Some(text)) => text.parse::<humantime::Duration>().context("[backup] every")?.into(),
            (None, None) => return Ok(None),
        };
        if every < std::time::Duration::from_secs(1) {
            anyhow::bail!("--backup-every must be at least 1s");
        }
        let keep = self.keep.map(|k| k as usize).or(file.keep).unwrap_or(14);
        if keep == 0 {
            anyhow::bail!("[backup] keep must be at least 1");
        }
        let dir =
            self.backup_to.clone().or_else(|| file.to.clone()).unwrap_or_else(|| resolved.data_dir.join("backups"));
        Ok(Some(Schedule { dir, every, keep }))
    }
}

/// Where `serve` listens, and how.
#[derive(Debug, Default, Clone, Args)]
pub struct Listen {
    /// Address and port to listen on (default 127.0.0.1:8080). `0.0.0.0:PORT` listens on every network
    /// interface, reachable from the clinic's network: serve HTTPS there (--tls-cert) or put a proxy in front.
    #[arg(long, env = "HOMEPLAY_BIND")]
    pub bind: Option<SocketAddr>,
    /// Serve HTTPS with this PEM certificate (with its chain, e.g. certbot's fullchain.pem); needs --tls-key.
    /// Sending the server SIGHUP reads both files again.
    #[arg(long, env = "HOMEPLAY_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, env = "HOMEPLAY_TLS_KEY")]
    pub tls_key: Option<PathBuf>,
    /// Also listen here for plain HTTP (e.g. 0.0.0.0:80), only to redirect every request to HTTPS. Needs TLS.
    #[arg(long, env = "HOMEPLAY_REDIRECT_HTTP_BIND")]
    pub redirect_http_bind: Option<SocketAddr>,
}

/// Where Prometheus metrics are served: off unless `--metrics-bind` (or `metrics_bind`) is given.
#[derive(Debug, Default, Clone, Args)]
pub struct MetricsFlags {
    /// Serve Prometheus metrics at `/metrics` on this address, on a listener of its own (never on the API's).
    /// Beyond loopback it needs a metrics token as well.
    #[arg(long, env = "HOMEPLAY_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,
    /// The bearer token a scrape must send (at least 16 characters). Prefer the environment variable or the
    /// file to the flag, which other users of the machine can read in the process list.
    #[arg(long, env = "HOMEPLAY_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
}

/// Settings after layering defaults, file, environment and flags.
#[derive(Debug)]
pub struct Resolved {
    pub database_url: String,
    pub data_dir: PathBuf,
    pub bind: Option<SocketAddr>,
    /// HTTPS when set.
    pub tls: Option<TlsFiles>,
    pub redirect_http_bind: Option<SocketAddr>,
    pub log_json: bool,
    pub limits: Limits,
    pub backup: BackupConfig,
    pub metrics: Option<crate::metrics::Settings>,
    /// Email on, when set (`[smtp]`).
    pub smtp: Option<crate::mail::SmtpSettings>,
}

/// Layers the settings; `listen` and `metrics` are what `serve` was given (none for the other commands).
pub fn resolve(common: &Common, listen: Option<&Listen>, metrics: &MetricsFlags) -> anyhow::Result<Resolved> {
    let file = match &common.config {
        Some(path) => FileConfig::load(path)?,
        None => FileConfig::default(),
    };
    let data_dir = common.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from("./homeplay-data"));
    let database_url = database_url(common.database.clone().or(file.database), &data_dir)?;
    // Each setting is layered on its own: the key may come from the file and the certificate from a flag.
    let flags = listen.cloned().unwrap_or_default();
    let tls = match (flags.tls_cert.or(file.tls_cert), flags.tls_key.or(file.tls_key)) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        (None, None) => None,
        (Some(_), None) => anyhow::bail!("a TLS certificate needs its key: set --tls-key (or tls_key)"),
        (None, Some(_)) => anyhow::bail!("a TLS key needs its certificate: set --tls-cert (or tls_cert)"),
    };
    let redirect_http_bind = flags.redirect_http_bind.or(file.redirect_http_bind);
    if redirect_http_bind.is_some() && tls.is_none() {
        anyhow::bail!("--redirect-http-bind (redirect_http_bind) redirects to HTTPS: set --tls-cert and --tls-key");
    }
    let metrics_bind = metrics.metrics_bind.or(file.metrics_bind);
    let metrics_token = metrics.metrics_token.as_deref().or(file.metrics_token.as_deref());
    let metrics = crate::metrics::settings(metrics_bind, metrics_token)?;
    let smtp = file
        .smtp
        .map(|smtp| {
            let password = std::env::var("HOMEPLAY_SMTP_PASSWORD").ok();
            crate::mail::SmtpSettings::resolve(smtp, file.public_url.as_deref(), password)
        })
        .transpose()?;
    Ok(Resolved {
        database_url,
        data_dir,
        bind: flags.bind.or(file.bind),
        tls,
        redirect_http_bind,
        log_json: common.log_json || file.log_json.unwrap_or(false),
        limits: file.limits.unwrap_or_default(),
        backup: file.backup.unwrap_or_default(),
        metrics,
        smtp,
    })
}

pub async fn open_store(url: &str) -> anyhow::Result<DynStore> {
    tracing::info!(database = %redact_url(url), "opening database");
    store::open(url).await.with_context(|| format!("cannot open database {}", redact_url(url)))
}

pub fn state(store: DynStore, limits: Limits) -> AppState {
    AppState { store, limits: Arc::new(limits), mailer: None }
}

/// An account error in the words of the command line: the flag that was wrong.
pub fn flagged(e: AccountError) -> anyhow::Error {
    match e {
        AccountError::Invalid { field, source } => {
            anyhow::Error::new(source).context(format!("--{}", field.replace('_', "-")))
        }
        AccountError::NoSuchEmail(email) => anyhow::anyhow!("--email: no therapist with the email {email}"),
        other => other.into(),
    }
}

/// A pairing code for `child` (an id, or a display name in the therapist's clinic), made by the therapist with
/// `therapist_email` through the API's own handler, so that the code, its lifetime and its audit entry are
/// exactly what the dashboard's button makes.
pub async fn pairing_code(
    state: &AppState,
    therapist_email: &str,
    child: &str,
) -> anyhow::Result<crate::api::children::NewPairingCode> {
    let therapist = therapist_by_email(state, therapist_email).await?;
    let child_id = find_child(state, &therapist, child, "--child").await?;
    let auth = TherapistAuth { therapist, token_hash: String::new(), csrf_token: String::new() };
    let opened = crate::access::OpenChild::open(state, auth, ClientIp::default(), child_id)
        .await
        .map_err(|f| anyhow::anyhow!("--child: {}", f.body.message))?;
    let (_, Json(code)) = crate::api::children::pairing_code(State(state.clone()), opened)
        .await
        .map_err(|f| anyhow::anyhow!("--child: {}", f.body.message))?;
    Ok(code)
}

async fn therapist_by_email(state: &AppState, email: &str) -> anyhow::Result<Therapist> {
    let email = email.trim().to_lowercase();
    Ok(state
        .store
        .therapist_by_email(&email)
        .await?
        .with_context(|| format!("--therapist: no therapist with the email {email}"))?
        .therapist)
}

/// A child of the therapist's clinic by id, or by display name when exactly one child has it.
async fn find_child(state: &AppState, therapist: &Therapist, child: &str, flag: &str) -> anyhow::Result<ChildId> {
    if let Ok(id) = child.trim().parse::<ChildId>() {
        return Ok(id);
    }
    let named: Vec<ChildId> = state
        .store
        .children_of_clinic(therapist.clinic_id)
        .await?
        .into_iter()
        .filter(|c| c.display_name.as_str().eq_ignore_ascii_case(child.trim()))
        .map(|c| c.id)
        .collect();
    match named.as_slice() {
        [id] => Ok(*id),
        [] => anyhow::bail!("{flag}: no child named {child:?} in {}'s clinic", therapist.email),
        _ => anyhow::bail!("{flag}: several children are named {child:?}; give the child's id instead"),
    }
}

/// What `create-child` was given.
#[derive(Debug)]
pub struct ChildArgs {
    pub name: String,
    pub time_zone: Option<String>,
    pub age: Option<u8>,
    pub record_number: Option<String>,
    pub caregivers: Vec<String>,
    pub sibling_of: Option<String>,
}

/// The flag of a request field `create-child` fills.
fn child_flag(field: &str) -> &'static str {
    match field.split(['.', '[']).next().unwrap_or_default() {
        "display_name" => "--name",
        "time_zone" => "--time-zone",
        "age_years" => "--age",
        "record_number" => "--record-number",
        "caregivers" => "--caregiver",
        "family_id" => "--sibling-of",
        _ => "--child",
    }
}

/// Enrols a child through the API's own handler, as `therapist_email`: the same checks (a sibling only for
/// someone who may open every child of the family; a record number unique in the clinic), the same care team
/// (the therapist leads it) and the same audit entry as the dashboard's "New child".
pub async fn create_child(
    state: &AppState,
    therapist_email: &str,
    args: ChildArgs,
) -> anyhow::Result<crate::api::children::ChildDetail> {
    use homeplay_core::text::Name;
    use homeplay_core::time::TimeZoneName;
    let therapist = therapist_by_email(state, therapist_email).await?;
    let family = match &args.sibling_of {
        Some(child) => {
            let id = find_child(state, &therapist, child, "--sibling-of").await?;
            let child = state.store.child(therapist.clinic_id, id).await?.context("--sibling-of: no such child")?;
            Some(child)
        }
        None => None,
    };
    let time_zone = match (args.time_zone, &family) {
        (Some(zone), _) => TimeZoneName::new(zone.trim()).map_err(anyhow::Error::new).context("--time-zone")?,
        (None, Some(sibling)) => sibling.time_zone,
        (None, None) => {
            state.store.clinic(therapist.clinic_id).await?.context("the therapist's clinic is missing")?.time_zone
        }
    };
    let caregivers = args
        .caregivers
        .iter()
        .map(|n| Name::new(n.trim()).map_err(anyhow::Error::new).context("--caregiver"))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let req = crate::api::children::NewChild {
        display_name: Name::new(args.name.trim()).map_err(anyhow::Error::new).context("--name")?,
        time_zone,
        age_years: args.age,
        family_id: family.map(|c| c.family_id),
        record_number: args.record_number,
        caregivers,
    };
    let auth = TherapistAuth { therapist, token_hash: String::new(), csrf_token: String::new() };
    let (_, Json(detail)) =
        crate::api::children::create(State(state.clone()), auth, ClientIp::default(), crate::json::StrictJson(req))
            .await
            .map_err(|f| {
                let flag = f.body.field.as_deref().map_or("--name", child_flag);
                anyhow::anyhow!("{flag}: {}", f.body.message)
            })?;
    Ok(detail)
}

pub fn parse_discipline(s: &str) -> anyhow::Result<Discipline> {
    match s.to_ascii_lowercase().as_str() {
        "ot" => Ok(Discipline::Ot),
        "pt" => Ok(Discipline::Pt),
        other => anyhow::bail!("--discipline must be ot or pt, not {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn common(config: Option<PathBuf>) -> Common {
        Common { database: Some("sqlite://unused.db".into()), data_dir: None, config, log_json: false }
    }

    #[test]
    fn tls_settings_layer_one_by_one_and_come_in_pairs() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "tls_cert = \"/file/cert.pem\"\ntls_key = \"/file/key.pem\"\n").unwrap();
        let from_file = resolve(&common(Some(file.clone())), None, &MetricsFlags::default()).unwrap();
        let files = TlsFiles { cert: "/file/cert.pem".into(), key: "/file/key.pem".into() };
        assert_eq!(from_file.tls, Some(files));
        let flag = Listen { tls_cert: Some("/flag/cert.pem".into()), ..Listen::default() };
        let mixed = resolve(&common(Some(file)), Some(&flag), &MetricsFlags::default()).unwrap();
        assert_eq!(mixed.tls, Some(TlsFiles { cert: "/flag/cert.pem".into(), key: "/file/key.pem".into() }));

        let e = resolve(&common(None), Some(&flag), &MetricsFlags::default()).unwrap_err().to_string();
        assert!(e.contains("--tls-key"), "{e}");
        let key_only = Listen { tls_key: Some("/flag/key.pem".into()), ..Listen::default() };
        let e = resolve(&common(None), Some(&key_only), &MetricsFlags::default()).unwrap_err().to_string();
        assert!(e.contains("--tls-cert"), "{e}");
        let redirect_only = Listen { redirect_http_bind: Some("0.0.0.0:80".parse().unwrap()), ..Listen::default() };
        let e = resolve(&common(None), Some(&redirect_only), &MetricsFlags::default()).unwrap_err().to_string();
        assert!(e.contains("--redirect-http-bind"), "{e}");
        assert_eq!(resolve(&common(None), None, &MetricsFlags::default()).unwrap().tls, None);
    }
}
