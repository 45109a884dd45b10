//! The bench's surroundings: a fresh database per scenario (a SQLite file in a temp folder, or a new PostgreSQL
//! database, dropped afterwards), the real `homeplay-server` binary on a free loopback port, and a TCP proxy
//! that counts the bytes on the wire.

use anyhow::{Context, bail};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Which database a scenario runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A database of its own for one scenario.
#[derive(Debug)]
pub struct BenchDb {
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    admin_url: Option<String>,
    name: String,
}

impl BenchDb {
    pub async fn new(backend: Backend, postgres_url: &str) -> anyhow::Result<Self> {
        let name = format!("hp_bench_{}", uuid::Uuid::now_v7().simple());
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir()?;
                let url = format!("sqlite://{}", dir.path().join("homeplay.db").display());
                Ok(Self { url, backend, _dir: Some(dir), admin_url: None, name })
            }
            Backend::Postgres => {
                admin_sql(postgres_url, &format!("CREATE DATABASE {name}"))
                    .await
                    .with_context(|| format!("creating a database on {}", redact(postgres_url)))?;
                let base = postgres_url.rsplit_once('/').map_or(postgres_url, |(b, _)| b).to_owned();
                Ok(Self {
                    url: format!("{base}/{name}"),
                    backend,
                    _dir: None,
                    admin_url: Some(postgres_url.to_owned()),
                    name,
                })
            }
        }
    }

    /// The SQLite file's folder (for SQLite databases).
    pub fn dir(&self) -> Option<&std::path::Path> {
        self._dir.as_ref().map(tempfile::TempDir::path)
    }

    /// Drops the PostgreSQL database (the SQLite folder goes with `self`).
    pub async fn drop_db(mut self) {
        if let Some(admin) = self.admin_url.take() {
            let _ = admin_sql(&admin, &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).await;
        }
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        // A scenario that failed half-way: drop its database on a thread of its own (no runtime needed here).
        if let Some(admin) = self.admin_url.take() {
            let name = self.name.clone();
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    let _ = rt.block_on(admin_sql(&admin, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")));
                }
            })
            .join();
        }
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(a)) if a > s => format!("{}://…@{}", &url[..s], &url[a + 1..]),
        _ => url.to_owned(),
    }
}

async fn admin_sql(admin_url: &str, sql: &str) -> anyhow::Result<()> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(admin_url).await?;
    sqlx::query(sql).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// The server binary: `HOMEPLAY_SERVER_BIN`, else the one cargo builds beside this program, in the same
/// profile. It is brought up to date once per run (a no-op when current): the bench migrates its databases with
/// the server library it was built with, and a stale binary would refuse a schema newer than its own.
pub fn server_binary() -> anyhow::Result<PathBuf> {
    if let Ok(path) = std::env::var("HOMEPLAY_SERVER_BIN") {
        return Ok(PathBuf::from(path));
    }
    static BUILT: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| build_server().map_err(|e| format!("{e:#}"))).clone().map_err(anyhow::Error::msg)
}

fn build_server() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let mut dir = exe.parent().context("no folder")?.to_owned();
    // A test binary lives in target/<profile>/deps/.
    if dir.ends_with("deps") {
        dir.pop();
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut cmd = Command::new(option_env!("CARGO").unwrap_or("cargo"));
    cmd.current_dir(root).args(["build", "-p", "homeplay-server"]);
    if dir.ends_with("release") {
        cmd.arg("--release");
    }
    if !cmd.status()?.success() {
        bail!("building homeplay-server failed");
    }
    Ok(dir.join("homeplay-server"))
}

/// The real server binary on a free loopback port; killed when dropped.
#[derive(Debug)]
pub struct Server {
    pub base: String,
    child: Child,
}

impl Server {
    pub fn start(db_url: &str) -> anyhow::Result<Self> {
        Self::spawn(db_url, &[])
    }

    /// The server with the built UIs in `ui_dir` (the dashboard at `/`, the phone app at `/family/`).
    pub fn start_with_ui(db_url: &str, ui_dir: &std::path::Path) -> anyhow::Result<Self> {
        Self::spawn(db_url, &["--ui-dir", &ui_dir.to_string_lossy()])
    }

    fn spawn(db_url: &str, extra: &[&str]) -> anyhow::Result<Self> {
        Self::spawn_at(db_url, "127.0.0.1:0", extra)
    }

    /// The server listening on `bind` (the failover scenario restarts an instance on the port it had).
    pub fn spawn_at(db_url: &str, bind: &str, extra: &[&str]) -> anyhow::Result<Self> {
        let mut child = Command::new(server_binary()?)
            .args(["--database", db_url, "serve", "--bind", bind])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let stderr = child.stderr.take().context("no stderr")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("homeplay-server listening on ") {
                    let _ = tx.send(addr.to_owned());
                } else {
                    eprintln!("[server] {line}");
                }
            }
        });
        let base = rx.recv_timeout(Duration::from_secs(120)).context("the server did not start")?;
        Ok(Self { base, child })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server process's id (the load scenario reads its memory from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no graceful shutdown, requests in flight are cut.
    pub fn kill(mut self) -> anyhow::Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TCP proxy in front of the server that counts every byte it forwards, both ways, headers included.
#[derive(Debug, Clone)]
pub struct CountingProxy {
    pub base: String,
    pub up: Arc<AtomicU64>,
    pub down: Arc<AtomicU64>,
}

impl CountingProxy {
    pub async fn start(upstream: String) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let up = Arc::new(AtomicU64::new(0));
        let down = Arc::new(AtomicU64::new(0));
        let (u, d) = (up.clone(), down.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = tokio::net::TcpStream::connect(&upstream).await else { continue };
                let (cr, cw) = client.into_split();
                let (sr, sw) = server.into_split();
                tokio::spawn(pump(cr, sw, u.clone()));
                tokio::spawn(pump(sr, cw, d.clone()));
            }
        });
        Ok(Self { base, up, down })
    }

    pub fn reset(&self) {
        self.up.store(0, Ordering::SeqCst);
        self.down.store(0, Ordering::SeqCst);
    }

    /// Bytes sent to the server, and bytes received from it, since the last reset.
    pub fn counts(&self) -> (u64, u64) {
        (self.up.load(Ordering::SeqCst), self.down.load(Ordering::SeqCst))
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    counter: Arc<AtomicU64>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
        counter.fetch_add(n as u64, Ordering::SeqCst);
    }
    let _ = to.shutdown().await;
}
