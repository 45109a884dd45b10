//! The command line: `serve`, `migrate`, `create-clinic`, `create-therapist`, `pairing-code`, `demo`, `openapi`.

use crate::accounts::{self, AccountError};
use crate::audit::ClientIp;
use crate::auth::TherapistAuth;
use crate::config::{FileConfig, Limits, database_url, redact_url};
use crate::state::AppState;
use crate::store::{self, DynStore};
use anyhow::Context;
use axum::Json;
use axum::extract::State;
use clap::{Args, Parser, Subcommand};
use homeplay_core::clinic::{Clinic, Role, Therapist};
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
    /// A TOML file with any of: database, data_dir, bind, log_json, [limits].
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
        /// Address and port to listen on.
        #[arg(long, env = "HOMEPLAY_BIND")]
        bind: Option<SocketAddr>,
        /// Serve the clinic dashboard (a built `ui/dist`) from this folder at `/`. By default `ui/dist` if it
        /// exists there; without one, only the API is served.
        #[arg(long, env = "HOMEPLAY_UI_DIR")]
        ui_dir: Option<PathBuf>,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
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

/// Settings after layering defaults, file, environment and flags.
#[derive(Debug)]
pub struct Resolved {
    pub database_url: String,
    pub bind: Option<SocketAddr>,
    pub log_json: bool,
    pub limits: Limits,
}

pub fn resolve(common: &Common, bind_flag: Option<SocketAddr>) -> anyhow::Result<Resolved> {
    let file = match &common.config {
        Some(path) => FileConfig::load(path)?,
        None => FileConfig::default(),
    };
    let data_dir = common.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from("./homeplay-data"));
    let database_url = database_url(common.database.clone().or(file.database), &data_dir)?;
    Ok(Resolved {
        database_url,
        bind: bind_flag.or(file.bind),
        log_json: common.log_json || file.log_json.unwrap_or(false),
        limits: file.limits.unwrap_or_default(),
    })
}

pub async fn open_store(url: &str) -> anyhow::Result<DynStore> {
    tracing::info!(database = %redact_url(url), "opening database");
    store::open(url).await.with_context(|| format!("cannot open database {}", redact_url(url)))
}

pub fn state(store: DynStore, limits: Limits) -> AppState {
    AppState { store, limits: Arc::new(limits) }
}

/// A clinic, as `create-clinic` makes it (see [`accounts::create_clinic`]).
pub async fn create_clinic(store: &DynStore, name: &str, time_zone: &str) -> anyhow::Result<Clinic> {
    accounts::create_clinic(store, name, time_zone).await.map_err(flagged)
}

/// A therapist, as `create-therapist` makes it (see [`accounts::create_therapist`]).
pub async fn create_therapist(
    store: &DynStore,
    clinic: ClinicId,
    email: &str,
    name: &str,
    discipline: Discipline,
    role: Role,
    password: &str,
) -> anyhow::Result<Therapist> {
    accounts::create_therapist(store, clinic, email, name, discipline, role, password).await.map_err(flagged)
}

/// An account error in the words of the command line: the flag that was wrong.
fn flagged(e: AccountError) -> anyhow::Error {
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
    let email = therapist_email.trim().to_lowercase();
    let therapist = state
        .store
        .therapist_by_email(&email)
        .await?
        .with_context(|| format!("--therapist: no therapist with the email {email}"))?
        .therapist;
    let child_id = match child.trim().parse::<ChildId>() {
        Ok(id) => id,
        Err(_) => {
            let named: Vec<ChildId> = state
                .store
                .children_of_clinic(therapist.clinic_id)
                .await?
                .into_iter()
                .filter(|c| c.display_name.as_str().eq_ignore_ascii_case(child.trim()))
                .map(|c| c.id)
                .collect();
            match named.as_slice() {
                [id] => *id,
                [] => anyhow::bail!("--child: no child named {child:?} in {email}'s clinic"),
                _ => anyhow::bail!("--child: several children are named {child:?}; give the child's id instead"),
            }
        }
    };
    let auth = TherapistAuth { therapist, token_hash: String::new(), csrf_token: String::new() };
    let opened = crate::access::OpenChild::open(state, auth, ClientIp::default(), child_id)
        .await
        .map_err(|f| anyhow::anyhow!("--child: {}", f.body.message))?;
    let (_, Json(code)) = crate::api::children::pairing_code(State(state.clone()), opened)
        .await
        .map_err(|f| anyhow::anyhow!("--child: {}", f.body.message))?;
    Ok(code)
}

pub fn parse_discipline(s: &str) -> anyhow::Result<Discipline> {
    match s.to_ascii_lowercase().as_str() {
        "ot" => Ok(Discipline::Ot),
        "pt" => Ok(Discipline::Pt),
        other => anyhow::bail!("--discipline must be ot or pt, not {other}"),
    }
}

/// Disables (`true`) or re-enables a therapist's account by email (see [`accounts::set_disabled`]).
pub async fn set_disabled(store: &DynStore, email: &str, disabled: bool) -> anyhow::Result<Therapist> {
    accounts::set_disabled(store, email, disabled).await.map_err(flagged)
}
