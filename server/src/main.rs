// A command-line tool: what `create-clinic`, `create-therapist`, `pairing-code`, `demo` and `openapi` print on
// stdout is their output.
#![allow(clippy::print_stdout)]

use anyhow::Context;
use clap::Parser;
use homeplay_server::accounts;
use homeplay_server::cli::{self, Cli, Command};
use std::io::BufRead;
use tracing_subscriber::EnvFilter;

fn init_logging(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Cli::parse();
    if let Command::Openapi = args.command {
        // The document depends on the code alone: no settings, no database, no log lines.
        print!("{}", homeplay_server::api::openapi_json());
        return Ok(());
    }
    let bind_flag = match &args.command {
        Command::Serve { bind, .. } => *bind,
        _ => None,
    };
    let settings = cli::resolve(&args.common, bind_flag)?;
    init_logging(settings.log_json);
    let store = cli::open_store(&settings.database_url).await?;
    match args.command {
        Command::Migrate => {
            tracing::info!(backend = store.backend(), "database is up to date");
        }
        Command::Serve { ui_dir, .. } => {
            let bind = settings.bind.unwrap_or_else(|| ([127, 0, 0, 1], 8080).into());
            let listener =
                tokio::net::TcpListener::bind(bind).await.with_context(|| format!("cannot listen on {bind}"))?;
            let local = listener.local_addr()?;
            // Tests and scripts read this line to learn the port when binding port 0.
            tracing::info!(address = %local, backend = store.backend(), "listening");
            eprintln!("homeplay-server listening on http://{local}");
            let ui_dir = homeplay_server::ui::resolve_dir(ui_dir);
            match &ui_dir {
                Some(dir) if dir.join("index.html").is_file() => {
                    tracing::info!(ui_dir = %dir.display(), "serving the clinic dashboard at /");
                }
                Some(dir) => tracing::warn!(ui_dir = %dir.display(), "no index.html in the dashboard folder"),
                None => tracing::info!("no dashboard folder (build ui/ or pass --ui-dir): serving the API only"),
            }
            let limits = settings.limits.for_bind(local);
            if limits.secure_cookies != Some(true) && !local.ip().is_loopback() {
                tracing::warn!("session cookies without Secure on a server reachable beyond this machine");
            }
            let state = cli::state(store, limits);
            homeplay_server::serve_with_ui(listener, state, ui_dir, shutdown_signal()).await?;
        }
        Command::CreateClinic { name, time_zone } => {
            let clinic = accounts::create_clinic(&store, &name, &time_zone).await.map_err(cli::flagged)?;
            println!("{}", clinic.id);
        }
        Command::CreateTherapist { clinic, email, name, discipline, admin } => {
            let password = match std::env::var("HOMEPLAY_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line).context("reading the password from stdin")?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let role = if admin { homeplay_core::clinic::Role::Admin } else { homeplay_core::clinic::Role::Therapist };
            let therapist = accounts::create_therapist(
                &store,
                clinic,
                &email,
                &name,
                cli::parse_discipline(&discipline)?,
                role,
                &password,
            )
            .await
            .map_err(cli::flagged)?;
            println!("{}", therapist.id);
        }
        Command::CreateChild { therapist, name, time_zone, age, record_number, caregivers, sibling_of } => {
            let state = cli::state(store, settings.limits);
            let args = cli::ChildArgs { name, time_zone, age, record_number, caregivers, sibling_of };
            let detail = cli::create_child(&state, &therapist, args).await?;
            println!("{}", detail.child.id);
        }
        Command::PairingCode { child, therapist } => {
            let state = cli::state(store, settings.limits);
            let code = cli::pairing_code(&state, &therapist, &child).await?;
            println!("{}", code.code.as_str());
        }
        Command::DisableTherapist { email } => {
            let t = accounts::set_disabled(&store, &email, true).await.map_err(cli::flagged)?;
            println!("disabled {} ({})", t.email, t.id);
        }
        Command::EnableTherapist { email } => {
            let t = accounts::set_disabled(&store, &email, false).await.map_err(cli::flagged)?;
            println!("enabled {} ({})", t.email, t.id);
        }
        Command::Demo => {
            let outcome = homeplay_server::demo::run(&store).await?;
            println!("{}", homeplay_server::demo::report(&outcome));
        }
        Command::Openapi => unreachable!("handled before opening the database"),
    }
    Ok(())
}
