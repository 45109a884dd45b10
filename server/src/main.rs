// A command-line tool: what `create-clinic`, `create-therapist`, `pairing-code`, `demo` and `openapi` print on
// stdout is their output.
#![allow(clippy::print_stdout)]

use anyhow::Context;
use clap::Parser;
use homeplay_server::cli::{self, Cli, Command};
use homeplay_server::config::redact_url;
use homeplay_server::{accounts, backup, tls};
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

/// Starts the metrics listener (its own port, never the API's) and returns its task.
async fn serve_metrics(
    settings: homeplay_server::metrics::Settings,
    store: &homeplay_server::store::DynStore,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let handle = homeplay_server::metrics::install()?;
    let bind = settings.bind;
    let listener =
        tokio::net::TcpListener::bind(bind).await.with_context(|| format!("cannot listen for metrics on {bind}"))?;
    let local = listener.local_addr()?;
    tracing::info!(address = %local, "serving metrics at /metrics");
    // Tests and scripts read this line to learn the metrics port when binding port 0.
    eprintln!("homeplay-server metrics on http://{local}{}", homeplay_server::metrics::PATH);
    let store = store.clone();
    Ok(tokio::spawn(async move {
        let served = homeplay_server::metrics::serve(listener, settings, handle, store, std::future::pending()).await;
        if let Err(e) = served {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    }))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Cli::parse();
    if let Command::Openapi = args.command {
        // The document depends on the code alone: no settings, no database, no log lines.
        print!("{}", homeplay_server::api::openapi_json());
        return Ok(());
    }
    let (listen, metrics_flags) = match &args.command {
        Command::Serve { listen, metrics, .. } => (Some(listen), metrics.clone()),
        _ => (None, cli::MetricsFlags::default()),
    };
    let settings = cli::resolve(&args.common, listen, &metrics_flags)?;
    init_logging(settings.log_json);
    // Neither opens the store: opening migrates, and a backup must copy the schema as it is, a restore find
    // its target empty.
    match &args.command {
        Command::Backup { to, keep } => {
            let file = backup::backup(&settings.database_url, to).await?;
            println!("{}", file.display());
            if let Some(keep) = keep {
                for old in backup::prune(&settings.database_url, to, *keep as usize)? {
                    tracing::info!(file = %old.display(), "deleted an old backup");
                }
            }
            return Ok(());
        }
        Command::Restore { from } => {
            backup::restore(&settings.database_url, from).await?;
            tracing::info!(from = %from.display(), database = %redact_url(&settings.database_url), "restored");
            println!("restored {} into {}", from.display(), redact_url(&settings.database_url));
            return Ok(());
        }
        _ => {}
    }
    let store = cli::open_store(&settings.database_url).await?;
    match args.command {
        Command::Migrate => {
            tracing::info!(backend = store.backend(), "database is up to date");
        }
        Command::Serve { ui_dir, backup, .. } => {
            let schedule = backup.schedule(&settings)?;
            // Read before listening, so that a missing or bad file stops the start with its name.
            let certificate = settings.tls.clone().map(tls::Certificate::load).transpose()?;
            let bind = settings.bind.unwrap_or_else(|| ([127, 0, 0, 1], 8080).into());
            let listener =
                tokio::net::TcpListener::bind(bind).await.with_context(|| format!("cannot listen on {bind}"))?;
            let local = listener.local_addr()?;
            let redirect = match settings.redirect_http_bind {
                Some(at) => Some(
                    tokio::net::TcpListener::bind(at)
                        .await
                        .with_context(|| format!("cannot listen on {at} (--redirect-http-bind)"))?,
                ),
                None => None,
            };
            if let Some(certificate) = &certificate {
                certificate.reload_on_sighup().context("cannot catch SIGHUP to reload the TLS certificate")?;
            } else {
                // `systemctl reload` sends SIGHUP: without a certificate to reread it must not stop the server.
                tls::ignore_sighup().context("cannot catch SIGHUP")?;
            }
            // Before the "listening" line, so whoever waits for that line has seen this one too.
            let metrics = match settings.metrics {
                Some(metrics) => Some(serve_metrics(metrics, &store).await?),
                None => None,
            };
            let scheme = if certificate.is_some() { "https" } else { "http" };
            // Tests and scripts read this line to learn the port when binding port 0.
            tracing::info!(address = %local, backend = store.backend(), tls = certificate.is_some(), "listening");
            eprintln!("homeplay-server listening on {scheme}://{local}");
            if let Some(redirect) = &redirect {
                let at = redirect.local_addr()?;
                tracing::info!(address = %at, "redirecting plain HTTP to HTTPS");
                eprintln!("homeplay-server redirecting http://{at} to https");
            }
            let ui_dir = homeplay_server::ui::resolve_dir(ui_dir);
            match &ui_dir {
                Some(dir) if dir.join("index.html").is_file() => {
                    tracing::info!(ui_dir = %dir.display(), "serving the clinic dashboard at /");
                }
                Some(dir) => tracing::warn!(ui_dir = %dir.display(), "no index.html in the dashboard folder"),
                None => tracing::info!("no dashboard folder (build ui/ or pass --ui-dir): serving the API only"),
            }
            let limits = settings.limits.for_listener(local, certificate.is_some());
            if limits.secure_cookies != Some(true) && !local.ip().is_loopback() {
                tracing::warn!("session cookies without Secure on a server reachable beyond this machine");
            }
            if certificate.is_none() && !local.ip().is_loopback() {
                tracing::warn!("plain HTTP beyond this machine: serve HTTPS (--tls-cert) or put a proxy in front");
            }
            let mailer = settings.smtp.as_ref().map(homeplay_server::mail::Mailer::new).transpose()?;
            match &settings.smtp {
                Some(smtp) => tracing::info!(
                    host = %smtp.host, port = smtp.port, tls = ?smtp.tls, "sending email (invitations, pairing links)"
                ),
                None => tracing::info!("no [smtp]: email is off; the dashboard shows links to copy"),
            }
            let state = cli::state(store, limits).with_mailer(mailer);
            if let Some(schedule) = schedule {
                tracing::info!(
                    to = %schedule.dir.display(), every = %humantime::format_duration(schedule.every),
                    keep = schedule.keep, "backing up on a schedule"
                );
                backup::spawn_schedule(settings.database_url.clone(), schedule);
            }
            match certificate {
                None => homeplay_server::serve_with_ui(listener, state, ui_dir, shutdown_signal()).await?,
                Some(certificate) => {
                    // One signal ends both ports.
                    let (stop, stopped) = tokio::sync::watch::channel(false);
                    tokio::spawn(async move {
                        shutdown_signal().await;
                        let _ = stop.send(true);
                    });
                    let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
                        let _ = rx.wait_for(|stop| *stop).await;
                    };
                    let redirecting = redirect.map(|listener| {
                        let shutdown = until_stopped(stopped.clone());
                        tokio::spawn(homeplay_server::redirect::serve(listener, local.port(), shutdown))
                    });
                    let app = homeplay_server::app_with_ui(state, ui_dir);
                    tls::serve(listener, &certificate, app, until_stopped(stopped)).await?;
                    if let Some(redirecting) = redirecting {
                        redirecting.await.context("the HTTP redirect stopped")??;
                    }
                }
            }
            if let Some(metrics) = metrics {
                // Scrapes need no draining: the API's requests are done, and so is the process.
                metrics.abort();
            }
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
        // Each returned above, before the database was opened.
        Command::Openapi | Command::Backup { .. } | Command::Restore { .. } => {}
    }
    Ok(())
}
