//! HTTPS by itself: the real server binary with a certificate made here, and clients that trust only the
//! certificate they are given (never the built-in roots), so a handshake succeeds only against that one.

use crate::common::*;
use reqwest::StatusCode;
use reqwest::header::{LOCATION, SET_COOKIE, STRICT_TRANSPORT_SECURITY};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const HSTS: &str = "max-age=31536000";
const PATIENCE: Duration = Duration::from_secs(30);

/// A self-signed certificate for `localhost` and its key, both PEM.
struct Made {
    cert: String,
    key: String,
    der: Vec<u8>,
}

fn make_certificate() -> Made {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    Made { cert: made.cert.pem(), key: made.signing_key.serialize_pem(), der: made.cert.der().to_vec() }
}

/// The certificate and key files the server is pointed at, as certbot's renewal would rewrite them.
struct Files {
    _dir: tempfile::TempDir,
    cert: PathBuf,
    key: PathBuf,
}

impl Files {
    fn new(made: &Made) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let files = Self { cert: dir.path().join("fullchain.pem"), key: dir.path().join("privkey.pem"), _dir: dir };
        files.write(made);
        files
    }

    fn write(&self, made: &Made) {
        std::fs::write(&self.cert, &made.cert).unwrap();
        std::fs::write(&self.key, &made.key).unwrap();
    }
}

/// The real server binary over TLS, with every line of its log at hand.
struct TlsServer {
    child: Child,
    /// Where it listens: HTTPS, or plain HTTP when started without a certificate.
    https: SocketAddr,
    redirect: Option<SocketAddr>,
    log: Receiver<String>,
}

/// Starts `serve` with `args` on a fresh database: the server, or everything it wrote to stderr before it
/// exited without listening.
fn start(db: &TestDb, args: &[&str]) -> Result<TlsServer, String> {
    let mut child = Command::new(binary())
        .args(["--database", &db.url, "serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .env("RUST_LOG", "info")
        .env_remove("HOMEPLAY_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, log) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("[server] {line}");
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = String::new();
    let https = loop {
        match log.recv_timeout(PATIENCE) {
            Ok(line) => {
                // (Plain HTTP when no certificate is given.)
                let at = line.strip_prefix("homeplay-server listening on https://");
                if let Some(at) = at.or_else(|| line.strip_prefix("homeplay-server listening on http://")) {
                    break at.parse().unwrap();
                }
                seen.push_str(&line);
                seen.push('\n');
            }
            Err(RecvTimeoutError::Disconnected) => {
                let _ = child.wait();
                return Err(seen);
            }
            Err(RecvTimeoutError::Timeout) => panic!("the server did not start: {seen}"),
        }
    };
    let mut server = TlsServer { child, https, redirect: None, log };
    if args.contains(&"--redirect-http-bind") {
        // The redirect port is announced after the HTTPS one.
        let line = server.wait_for_line("homeplay-server redirecting http://");
        server.redirect = line
            .strip_prefix("homeplay-server redirecting http://")
            .and_then(|a| a.strip_suffix(" to https"))
            .map(|a| a.parse().unwrap());
    }
    Ok(server)
}

impl TlsServer {
    fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.https.port())
    }

    /// A client that trusts only `made`, and that resolves `localhost` to the server's address.
    fn trusting(&self, made: &Made) -> reqwest::Client {
        reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(made.cert.as_bytes()).unwrap())
            .tls_info(true)
            .resolve("localhost", self.https)
            .cookie_store(true)
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap()
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill").args([&format!("-{name}"), &self.child.id().to_string()]).status().unwrap();
        assert!(status.success(), "kill -{name}");
    }

    /// The next log line that contains `text`.
    fn wait_for_line(&self, text: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(e) => panic!("no log line with {text:?}: {e}"),
            }
        }
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The leaf certificate the server presented on the connection that carried `response`.
fn peer_certificate(response: &reqwest::Response) -> Vec<u8> {
    let info = response.extensions().get::<reqwest::tls::TlsInfo>().expect("TLS info");
    info.peer_certificate().expect("a peer certificate").to_vec()
}

fn path_arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[tokio::test]
async fn serves_https_with_hsts_to_clients_that_trust_its_certificate_only() {
    let db = TestDb::new(Backend::Sqlite);
    let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
    let made = make_certificate();
    let files = Files::new(&made);
    let mut server = start(&db, &["--tls-cert", path_arg(&files.cert), "--tls-key", path_arg(&files.key)]).unwrap();
    let client = server.trusting(&made);

    for (path, status) in [("/healthz", StatusCode::OK), ("/readyz", StatusCode::OK), ("/nope", StatusCode::NOT_FOUND)]
    {
        let response = client.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), status, "{path}");
        assert_eq!(peer_certificate(&response), made.der, "{path}");
        assert_eq!(response.headers().get(STRICT_TRANSPORT_SECURITY).unwrap(), HSTS, "{path}");
    }

    // On loopback, the session cookie is Secure (and `__Host-` named) because the server itself is HTTPS.
    let login = client
        .post(server.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"email": clinic.email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let cookie = login.headers().get(SET_COOKIE).unwrap().to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-hp_session=") && cookie.contains("; Secure"), "{cookie}");

    // Plain HTTP on the HTTPS port gets no answer.
    let plain = reqwest::Client::new().get(format!("http://{}/healthz", server.https)).send().await;
    assert!(plain.is_err(), "plain HTTP was answered: {plain:?}");

    // A client that trusts another certificate, or only the usual public roots, refuses the server.
    let stranger = server.trusting(&make_certificate());
    assert!(stranger.get(server.url("/healthz")).send().await.is_err());
    let public_roots =
        reqwest::Client::builder().resolve("localhost", server.https).timeout(Duration::from_secs(10)).build().unwrap();
    assert!(public_roots.get(server.url("/healthz")).send().await.is_err());

    // SIGTERM still ends it cleanly.
    server.signal("TERM");
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not stop on SIGTERM");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status}");
}

#[tokio::test]
async fn sighup_serves_a_new_certificate_and_keeps_open_connections() {
    let db = TestDb::new(Backend::Sqlite);
    let (old, new) = (make_certificate(), make_certificate());
    let files = Files::new(&old);
    let server = start(&db, &["--tls-cert", path_arg(&files.cert), "--tls-key", path_arg(&files.key)]).unwrap();

    // A connection made before the renewal, kept open by the client's pool.
    let before = server.trusting(&old);
    let response = before.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(peer_certificate(&response), old.der);

    files.write(&new);
    server.signal("HUP");
    // New handshakes get the new certificate once the server has read it.
    let deadline = Instant::now() + PATIENCE;
    let renewed = loop {
        // A new client each time: a new connection, so a new handshake.
        if let Ok(response) = server.trusting(&new).get(server.url("/healthz")).send().await {
            break response;
        }
        assert!(Instant::now() < deadline, "the new certificate was never served");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(renewed.status(), StatusCode::OK);
    assert_eq!(peer_certificate(&renewed), new.der);
    assert_eq!(renewed.headers().get(STRICT_TRANSPORT_SECURITY).unwrap(), HSTS);
    assert!(server.trusting(&old).get(server.url("/healthz")).send().await.is_err(), "a new handshake got the old one");

    // The connection made before still works: a new one would have failed, since this client trusts only the
    // old certificate.
    let response = before.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(peer_certificate(&response), old.der);

    // A bad renewal is reported, naming the file, and the current certificate stays.
    std::fs::write(&files.cert, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n").unwrap();
    server.signal("HUP");
    let line = server.wait_for_line("not reloaded");
    assert!(line.contains("fullchain.pem") && line.contains("keeping the current one"), "{line}");
    let response = server.trusting(&new).get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(peer_certificate(&response), new.der);
}

#[tokio::test]
async fn the_plain_port_only_redirects_to_the_same_place_over_https() {
    let db = TestDb::new(Backend::Sqlite);
    let made = make_certificate();
    let files = Files::new(&made);
    let args =
        ["--tls-cert", path_arg(&files.cert), "--tls-key", path_arg(&files.key), "--redirect-http-bind", "127.0.0.1:0"];
    let server = start(&db, &args).unwrap();
    let redirect = server.redirect.expect("the redirect port");
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve("clinic.localhost", redirect)
        .build()
        .unwrap();
    let port = server.https.port();
    for (method, path) in [
        (reqwest::Method::GET, "/family/today?child=1"),
        (reqwest::Method::GET, "/healthz"),
        (reqwest::Method::POST, "/api/v1/auth/login"),
    ] {
        let url = format!("http://clinic.localhost:{}{path}", redirect.port());
        let response = plain.request(method.clone(), url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT, "{method} {path}");
        let location = response.headers().get(LOCATION).unwrap().to_str().unwrap();
        assert_eq!(location, format!("https://clinic.localhost:{port}{path}"), "{method} {path}");
        // HSTS means something only over HTTPS.
        assert!(response.headers().get(STRICT_TRANSPORT_SECURITY).is_none(), "{method} {path}");
        assert!(response.text().await.unwrap().is_empty(), "{method} {path}");
    }
    // The place it sends to is the HTTPS server.
    let response = server.trusting(&made).get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_missing_or_unusable_certificate_stops_the_start_naming_the_file() {
    let db = TestDb::new(Backend::Sqlite);
    let made = make_certificate();
    let files = Files::new(&made);
    let missing = files.cert.with_file_name("missing.pem");
    let Err(log) = start(&db, &["--tls-cert", path_arg(&missing), "--tls-key", path_arg(&files.key)]) else {
        panic!("started without its certificate");
    };
    assert!(log.contains("missing.pem"), "{log}");
    let other = make_certificate();
    std::fs::write(&files.key, &other.key).unwrap();
    let Err(log) = start(&db, &["--tls-cert", path_arg(&files.cert), "--tls-key", path_arg(&files.key)]) else {
        panic!("started with a key that is not its certificate's");
    };
    assert!(log.contains("fullchain.pem") && log.contains("privkey.pem"), "{log}");
    // The key's content never reaches the log.
    let key_body = other.key.lines().nth(1).unwrap();
    assert!(!log.contains(key_body), "{log}");
    let Err(log) = start(&db, &["--tls-key", path_arg(&files.key)]) else {
        panic!("started with a key and no certificate");
    };
    assert!(log.contains("--tls-cert"), "{log}");
}

/// The same settings from the config file, as a packaged server gets them.
#[tokio::test]
async fn the_config_file_turns_https_on() {
    let db = TestDb::new(Backend::Sqlite);
    let made = make_certificate();
    let files = Files::new(&made);
    let config = files.cert.with_file_name("config.toml");
    let toml = format!("tls_cert = {:?}\ntls_key = {:?}\n", path_arg(&files.cert), path_arg(&files.key));
    std::fs::write(&config, toml).unwrap();
    let server = start(&db, &["--config", path_arg(&config)]).unwrap();
    let response = server.trusting(&made).get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers().get(STRICT_TRANSPORT_SECURITY).unwrap(), HSTS);
}

#[tokio::test]
async fn plain_http_never_sends_hsts() {
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db);
    let response = client().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get(STRICT_TRANSPORT_SECURITY).is_none());
}

/// `systemctl reload` sends SIGHUP whether or not the server serves HTTPS: without a certificate to reread, the
/// signal is logged and the server goes on serving (SIGHUP's default action would end it).
#[tokio::test]
async fn sighup_without_tls_changes_nothing_and_keeps_serving() {
    let db = TestDb::new(Backend::Sqlite);
    let server = start(&db, &[]).unwrap();
    let url = format!("http://{}/healthz", server.https);
    assert_eq!(client().get(&url).send().await.unwrap().status(), StatusCode::OK);
    server.signal("HUP");
    server.wait_for_line("SIGHUP: no TLS certificate to reload");
    assert_eq!(client().get(&url).send().await.unwrap().status(), StatusCode::OK);
}
