//! The harness: a fresh database per test (a SQLite file in a temp folder, or a new PostgreSQL database),
//! the real `homeplay-server` binary on a free loopback port, and HTTP clients for a therapist and a device.

use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const PASSWORD: &str = "correct horse battery staple";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

/// A database of its own for one test; dropped (PostgreSQL) or deleted (SQLite) afterwards.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    admin_url: Option<String>,
    name: String,
}

/// The PostgreSQL server tests use. `scripts/test.sh` starts the machine's PostgreSQL and sets this.
pub fn postgres_admin_url() -> String {
    std::env::var("HOMEPLAY_TEST_POSTGRES_URL").expect(
        "HOMEPLAY_TEST_POSTGRES_URL is not set: run `bash scripts/test.sh`, which starts PostgreSQL, \
         or point it at a PostgreSQL server on loopback, e.g. postgres://postgres:postgres@127.0.0.1:5432/postgres",
    )
}

impl TestDb {
    pub fn new(backend: Backend) -> Self {
        let name = format!("hp_test_{}", uuid::Uuid::now_v7().simple());
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("homeplay.db").display());
                Self { url, backend, _dir: Some(dir), admin_url: None, name }
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                run_psql(&admin, &format!("CREATE DATABASE {name}"));
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b).to_owned();
                Self { url: format!("{base}/{name}"), backend, _dir: None, admin_url: Some(admin), name }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(admin) = &self.admin_url {
            run_psql(admin, &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// Runs one statement on its own thread and runtime, so it works from sync code, async tests and `Drop`.
fn run_psql(admin_url: &str, sql: &str) {
    let (admin_url, sql) = (admin_url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin_url).await.expect("connect to PostgreSQL");
            sqlx::query(&sql).execute(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        });
    })
    .join()
    .expect("PostgreSQL setup failed");
}

/// The server binary: `HOMEPLAY_SERVER_BIN`, else the one cargo builds beside these tests
/// (`target/<profile>/homeplay-server`), rebuilt first if any of its sources is newer: a suite must never
/// test yesterday's server.
pub fn binary() -> String {
    if let Ok(path) = std::env::var("HOMEPLAY_SERVER_BIN") {
        return path;
    }
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/<test binary>
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap().to_owned();
    let bin = profile_dir.join("homeplay-server");
    static BUILD: std::sync::Once = std::sync::Once::new();
    BUILD.call_once(|| {
        let built = std::fs::metadata(&bin).and_then(|m| m.modified()).ok();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let sources = ["server/src", "server/migrations", "server/Cargo.toml", "shared/src", "shared/library"];
        let newest = sources.iter().filter_map(|s| newest_mtime(&root.join(s))).max();
        if built.is_none() || newest > built {
            let mut cmd = Command::new(env!("CARGO"));
            cmd.current_dir(root).args(["build", "-p", "homeplay-server"]);
            if profile_dir.ends_with("release") {
                cmd.arg("--release");
            }
            assert!(cmd.status().unwrap().success(), "building homeplay-server failed");
        }
    });
    bin.display().to_string()
}

fn newest_mtime(path: &std::path::Path) -> Option<std::time::SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.is_file() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path).ok()?.filter_map(Result::ok).filter_map(|e| newest_mtime(&e.path())).max()
}

/// Runs a one-shot subcommand against `db` that may fail: whether it succeeded, its stdout and its stderr.
pub fn cli_outcome(db: &TestDb, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(binary())
        .arg("--database")
        .arg(&db.url)
        .args(args)
        .env("RUST_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (out.status.success(), text(out.stdout), text(out.stderr))
}

/// Runs a one-shot subcommand against `db` and returns its stdout.
pub fn run_cli(db: &TestDb, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(binary());
    cmd.arg("--database").arg(&db.url).args(args).env("RUST_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A clinic with one therapist, made through the CLI as an operator would.
pub struct Clinic {
    pub id: String,
    pub email: String,
}

pub fn make_clinic(db: &TestDb, name: &str, email: &str, admin: bool) -> Clinic {
    let id = run_cli(db, &["create-clinic", "--name", name, "--time-zone", "Europe/London"], &[]);
    add_therapist(db, &id, email, admin);
    Clinic { id, email: email.to_owned() }
}

pub fn add_therapist(db: &TestDb, clinic: &str, email: &str, admin: bool) -> String {
    let mut args =
        vec!["create-therapist", "--clinic", clinic, "--email", email, "--name", "Maya", "--discipline", "ot"];
    if admin {
        args.push("--admin");
    }
    run_cli(db, &args, &[("HOMEPLAY_PASSWORD", PASSWORD)])
}

/// The real server binary, on a free loopback port.
pub struct TestServer {
    pub base: String,
    /// The metrics endpoint's URL, when the server was started with a metrics listener.
    pub metrics: Option<String>,
    child: Child,
    db_url: String,
    env: Vec<(String, String)>,
}

impl TestServer {
    pub fn start(db: &TestDb) -> Self {
        Self::start_with(db, &[])
    }

    pub fn start_with(db: &TestDb, env: &[(&str, &str)]) -> Self {
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Self::spawn(&db.url, "127.0.0.1:0", env)
    }

    /// The server listening on `bind` (e.g. `0.0.0.0:0`, to be reachable beyond loopback).
    pub fn start_bound(db: &TestDb, bind: &str, env: &[(&str, &str)]) -> Self {
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Self::spawn(&db.url, bind, env)
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.base.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap()
    }

    /// Kills the server (as a crash would) and starts it again on the same port and database.
    pub fn restart(&mut self) {
        self.kill();
        let bind = format!("127.0.0.1:{}", self.port());
        let fresh = Self::spawn(&self.db_url, &bind, self.env.clone());
        *self = fresh;
    }

    /// Starts the server again after [`TestServer::kill`], on the same port.
    pub fn start_again(&mut self) {
        let bind = format!("127.0.0.1:{}", self.port());
        let fresh = Self::spawn(&self.db_url, &bind, self.env.clone());
        *self = fresh;
    }

    fn spawn(db_url: &str, bind: &str, env: Vec<(String, String)>) -> Self {
        let mut cmd = Command::new(binary());
        cmd.args(["--database", db_url, "serve", "--bind", bind])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("homeplay-server listening on ") {
                    let _ = tx.send((true, addr.to_owned()));
                } else if let Some(url) = line.strip_prefix("homeplay-server metrics on ") {
                    let _ = tx.send((false, url.to_owned()));
                } else {
                    eprintln!("[server] {line}");
                }
            }
        });
        // The server prints its metrics line, if any, before the one that says it is listening.
        let mut metrics = None;
        let base = loop {
            match rx.recv_timeout(Duration::from_secs(60)).expect("server did not start") {
                (true, base) => break base,
                (false, url) => metrics = Some(url),
            }
        };
        Self { base, metrics, child, db_url: db_url.to_owned(), env }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the server at once, as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The built-in crab walk ("Scuttle like a crab!").
pub const CRAB_WALK: &str = "d64f2c09-b319-5eb1-a034-4648af6d058f";

/// A browser-like client for the dashboard API: keeps the session cookie and sends the CSRF token.
#[derive(Clone)]
pub struct Therapist {
    pub http: Client,
    pub base: String,
    pub csrf: String,
    pub me: Value,
}

pub fn client() -> Client {
    Client::builder().cookie_store(true).timeout(Duration::from_secs(30)).build().unwrap()
}

/// A client whose requests come from another loopback address (`127.0.0.2` …): another computer, as the
/// server's per-address limits see it.
pub fn client_from(address: std::net::IpAddr) -> Client {
    Client::builder().cookie_store(true).local_address(address).timeout(Duration::from_secs(30)).build().unwrap()
}

impl Therapist {
    pub async fn login(server: &TestServer, email: &str) -> Self {
        let http = client();
        let resp = http
            .post(server.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "login: {}", resp.text().await.unwrap());
        let me: Value = resp.json().await.unwrap();
        let csrf = me["csrf_token"].as_str().unwrap().to_owned();
        Self { http, base: server.base.clone(), csrf, me }
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut req = self.http.request(method, format!("{}{path}", self.base)).header("x-csrf-token", &self.csrf);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> Value {
        let resp = self.send(Method::GET, path, None).await;
        expect_ok(resp).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        expect_ok(self.send(Method::POST, path, Some(body)).await).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Value {
        expect_ok(self.send(Method::PUT, path, Some(body)).await).await
    }

    /// A child with a new family, as a therapist adds one.
    pub async fn add_child(&self, name: &str) -> Value {
        self.post(
            "/api/v1/children",
            json!({"display_name": name, "time_zone": "Europe/London", "age_years": 5, "caregivers": ["Mum", "Dad"]}),
        )
        .await
    }

    /// A PT goal set with the family from `start` for 90 days, with its five GAS levels: "Climbs the stairs
    /// holding the rail".
    pub async fn add_stairs_goal(&self, child_id: &str, start: &str) -> Value {
        let target = (chrono::Utc::now() + chrono::TimeDelta::days(90)).date_naive().to_string();
        self.post(
            &format!("/api/v1/children/{child_id}/goals"),
            json!({
                "text": "Climbs the stairs holding the rail", "discipline": "pt",
                "areas": ["gross_motor", "balance_coordination"], "baseline": "Needs a hand to hold on every step",
                "start_date": start, "target_date": target,
                "scale": {"much_less": "A hand on every step", "less": "A hand on some steps",
                          "expected": "Holds the rail alone", "more": "Alternates feet with the rail",
                          "much_more": "Alternates feet without the rail"}
            }),
        )
        .await
    }

    /// The crab walk ([`CRAB_WALK`]) every day from `start`, at wake-up and at dinner, serving `goal_ids`.
    pub async fn assign_crab_walk(&self, child_id: &str, start: &str, goal_ids: &[&str]) -> Value {
        self.post(
            &format!("/api/v1/children/{child_id}/assignments"),
            json!({
                "goal_ids": goal_ids,
                "target": {"kind": "exercise", "exercise_id": CRAB_WALK},
                "start_date": start,
                "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "slots": [{"kind": "moment", "moment": "wake_up"}, {"kind": "moment", "moment": "dinner"}]
            }),
        )
        .await
    }

    pub async fn pairing_code(&self, child_id: &str) -> String {
        let v = self.post(&format!("/api/v1/children/{child_id}/pairing-codes"), json!({})).await;
        v["code"].as_str().unwrap().to_owned()
    }
}

pub async fn expect_ok(resp: Response) -> Value {
    let status = resp.status();
    let text = resp.text().await.unwrap();
    assert!(status.is_success(), "expected success, got {status}: {text}");
    if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() }
}

/// Asserts an error response: status, `error` code and (when given) the field named.
pub async fn expect_error(resp: Response, status: StatusCode, code: &str, field: Option<&str>) -> Value {
    let got = resp.status();
    let text = resp.text().await.unwrap();
    assert_eq!(got, status, "body: {text}");
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("error body is not JSON: {text}"));
    assert_eq!(body["error"], code, "body: {text}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "no message: {text}");
    if let Some(f) = field {
        assert_eq!(body["field"], f, "body: {text}");
    }
    body
}

/// A paired family device speaking the sync protocol.
pub struct DeviceClient {
    pub http: Client,
    pub base: String,
    pub token: String,
    pub device_id: String,
    pub family_id: String,
}

impl DeviceClient {
    pub async fn pair(server: &TestServer, code: &str, label: &str) -> Self {
        let http = client();
        let resp = http
            .post(server.url("/api/v1/sync/pair"))
            .json(&json!({"protocol": 1, "code": code, "device_label": label}))
            .send()
            .await
            .unwrap();
        let v = expect_ok(resp).await;
        Self {
            http,
            base: server.base.clone(),
            token: v["token"].as_str().unwrap().to_owned(),
            device_id: v["device_id"].as_str().unwrap().to_owned(),
            family_id: v["family_id"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.http.post(format!("{}{path}", self.base)).bearer_auth(&self.token).json(&body).send().await.unwrap()
    }

    pub async fn push(&self, logs: Vec<Value>) -> Value {
        expect_ok(self.post("/api/v1/sync/push", json!({"protocol": 1, "logs": logs})).await).await
    }

    /// Pulls until caught up; returns every change and the final cursor.
    pub async fn pull_all(&self, mut cursor: Option<String>) -> (Vec<Value>, Option<String>) {
        let mut changes = Vec::new();
        loop {
            let mut body = json!({"protocol": 1, "limit": 50});
            if let Some(c) = &cursor {
                body["cursor"] = json!(c);
            }
            let page = expect_ok(self.post("/api/v1/sync/pull", body).await).await;
            changes.extend(page["changes"].as_array().unwrap().iter().cloned());
            cursor = Some(page["cursor"].as_str().unwrap().to_owned());
            if !page["more"].as_bool().unwrap() {
                return (changes, cursor);
            }
        }
    }
}

/// Polls `check` until it holds or `timeout` passes: tests wait for conditions, never for fixed times.
pub async fn wait_until<F, Fut>(timeout: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < timeout, "condition not met within {timeout:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub fn hlc_now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

/// A log in the protocol's JSON, for pushing.
pub fn log_json(child: &str, assignment: &str, exercise: &str, date: &str, device: &str, wall: u64) -> Value {
    json!({
        "id": uuid::Uuid::now_v7().to_string(),
        "child_id": child,
        "assignment_id": assignment,
        "exercise_id": exercise,
        "occurrence": {"date": date, "slot": 0},
        "outcome": {"status": "done"},
        "pain": false,
        "recorded_by": {"kind": "caregiver", "name": "Mum"},
        "device_id": device,
        "hlc": {"wall_ms": wall, "counter": 0},
        "undone": false
    })
}

pub fn method(m: &str) -> Method {
    Method::from_bytes(m.as_bytes()).unwrap()
}

impl Therapist {
    /// Signs in with a password other than [`PASSWORD`] (the demo's accounts).
    pub async fn login_with(server: &TestServer, email: &str, password: &str) -> Self {
        let http = client();
        let resp = http
            .post(server.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "login: {}", resp.text().await.unwrap());
        let me: Value = resp.json().await.unwrap();
        let csrf = me["csrf_token"].as_str().unwrap().to_owned();
        Self { http, base: server.base.clone(), csrf, me }
    }
}

/// A clinic with Leo, his family's program (one exercise, every day) and a therapist signed in: what the
/// device suites start from.
pub struct Program {
    pub clinic: Clinic,
    pub maya: Therapist,
    pub child_id: String,
    pub assignment_id: String,
    pub exercise_id: String,
}

/// Sets up [`Program`] on `server`, with assignments starting `start_date` (YYYY-MM-DD).
pub async fn program(db: &TestDb, server: &TestServer, start_date: &str) -> Program {
    let clinic =
        make_clinic(db, "Riverside", &format!("maya-{}@riverside.example", uuid::Uuid::now_v7().simple()), true);
    let maya = Therapist::login(server, &clinic.email).await;
    let leo = maya.add_child("Leo").await;
    let child_id = leo["child"]["id"].as_str().unwrap().to_owned();
    let exercise_id = homeplay_core::ids::ExerciseId::builtin("bear-walk").to_string();
    let assignment = maya
        .post(
            &format!("/api/v1/children/{child_id}/assignments"),
            json!({
                "target": {"kind": "exercise", "exercise_id": exercise_id},
                "start_date": start_date,
                "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "slots": [{"kind": "moment", "moment": "after_school"}, {"kind": "moment", "moment": "bedtime"}]
            }),
        )
        .await;
    let assignment_id = assignment["id"].as_str().unwrap().to_owned();
    assigned_on(db, &assignment_id, start_date).await;
    Program { clinic, maya, child_id, assignment_id, exercise_id }
}

/// Makes an assignment count as assigned on `on` (YYYY-MM-DD), in the store and in the family's feed, before
/// any device pulls it: the API sets `assigned_on` to the child's today (nothing is due before an item was
/// assigned), so a test whose history lies in the past writes when its program really began here, as the
/// demo's world does.
pub async fn assigned_on(db: &TestDb, assignment_id: &str, on: &str) {
    macro_rules! rewrite {
        ($conn:expr) => {{
            let conn = &mut $conn;
            let doc: String = sqlx::query_scalar("SELECT doc FROM assignments WHERE id = $1")
                .bind(assignment_id)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            let mut doc: Value = serde_json::from_str(&doc).unwrap();
            doc["assigned_on"] = json!(on);
            sqlx::query("UPDATE assignments SET doc = $1 WHERE id = $2")
                .bind(doc.to_string())
                .bind(assignment_id)
                .execute(&mut *conn)
                .await
                .unwrap();
            let feed: Vec<String> =
                sqlx::query_scalar("SELECT doc FROM feed WHERE entity = 'assignment' AND entity_id = $1")
                    .bind(assignment_id)
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap();
            for change in feed {
                let mut change: Value = serde_json::from_str(&change).unwrap();
                change["data"]["assigned_on"] = json!(on);
                sqlx::query("UPDATE feed SET doc = $1 WHERE entity = 'assignment' AND entity_id = $2")
                    .bind(change.to_string())
                    .bind(assignment_id)
                    .execute(&mut *conn)
                    .await
                    .unwrap();
            }
        }};
    }
    use sqlx::Connection;
    if db.url.starts_with("postgres") {
        rewrite!(sqlx::PgConnection::connect(&db.url).await.unwrap());
    } else {
        rewrite!(sqlx::SqliteConnection::connect(&db.url).await.unwrap());
    }
}

/// A device engine in its own temp folder, paired with `server` for the program's family.
pub async fn paired_engine(
    server_url: &str,
    maya: &Therapist,
    child_id: &str,
    label: &str,
    caregiver: &str,
) -> (homeplay_device::Engine, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_engine(dir.path()).await.unwrap();
    let code = maya.pairing_code(child_id).await;
    engine.pair(server_url, &code, label).await.unwrap();
    engine.set_caregiver(homeplay_core::text::Name::new(caregiver).unwrap()).await.unwrap();
    (engine, dir)
}

/// Opens a device engine keeping its token in a private file in `dir`: tests never touch a developer's OS
/// keyring, whatever features the workspace build turned on.
pub async fn open_engine(dir: &std::path::Path) -> homeplay_device::Result<homeplay_device::Engine> {
    let tokens = homeplay_device::FileTokenStore::new(dir.join("device-token"));
    homeplay_device::Engine::open_with(dir, Box::new(tokens)).await
}
