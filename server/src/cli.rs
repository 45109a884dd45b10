//! The command line: `serve`, `migrate`, `create-clinic`, `create-therapist`, `create-child`, `pairing-code`,
//! `demo`, `openapi`.

use crate::accounts::AccountError;
use crate::audit::ClientIp;
use crate::auth::TherapistAuth;
use crate::config::{FileConfig, Limits, database_url, redact_url};
use crate::state::AppState;
use crate::store::{self, DynStore};
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
