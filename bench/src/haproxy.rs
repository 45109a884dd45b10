//! A real load balancer for the failover scenario: Debian's HAProxy as a child process, with its own config in
//! a temp folder, on a loopback port, health-checking its backends on `/readyz`, and an admin socket the
//! scenario reads counters from and takes a backend out of rotation with.

use anyhow::{Context, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The HAProxy binary, or why there is none.
pub fn binary() -> Result<PathBuf, String> {
    let path = std::env::var("HOMEPLAY_HAPROXY_BIN").unwrap_or_else(|_| "haproxy".into());
    match Command::new(&path).arg("-v").stdout(Stdio::null()).stderr(Stdio::null()).status() {
        Ok(s) if s.success() => Ok(PathBuf::from(path)),
        Ok(s) => Err(format!("`{path} -v` failed ({s})")),
        Err(e) => Err(format!("no HAProxy (`{path}`: {e}); `apt-get install haproxy` (scripts/test.sh does)")),
    }
}

/// The backend all requests go to, and its servers' names.
pub const BACKEND: &str = "homeplay";

/// HAProxy in front of `servers` (name, `host:port`); killed when dropped.
#[derive(Debug)]
pub struct Haproxy {
    pub base: String,
    socket: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

/// The config. Why each line:
/// - `option httpchk GET /readyz`, `inter 500ms fastinter 200ms fall 2 rise 2`: a dead instance leaves the
///   rotation within about a second (two failed checks), a restarted one rejoins after two good ones, and
///   `/readyz` answers only when the instance's database does.
/// - `retry-on conn-failure empty-response` with `option redispatch 1` and `retries 2`: a request that could
///   not reach an instance (refused: it is dead but not yet marked down), or whose instance closed without
///   answering (killed mid-request), is sent again, to the other instance. That is safe here because every
///   request the clients send is idempotent: a push is keyed by the logs' client-made ids (the server acks a
///   log it already has), a pull and the dashboard's GETs read. A deployment with non-idempotent writes would
///   exclude them (`http-request disable-l7-retry if METH_POST` and a path list). HAProxy keeps the request
///   in a buffer to replay it, so bodies over `tune.bufsize` (here 256 KiB) are not retried by HAProxy, only
///   by the client.
/// - no `response-timeout` retry: a slow answer is not a dead instance, and replaying it would double load.
///
/// `HOMEPLAY_BENCH_HAPROXY_RETRY=off` replaces the retry lines with `retry-on none`: the run then shows the
/// blip as clients see it when the balancer does not replay (for the README's comparison, not the default).
fn config(port: u16, socket: &Path, servers: &[(&str, String)]) -> String {
    let retry = if std::env::var("HOMEPLAY_BENCH_HAPROXY_RETRY").is_ok_and(|v| v == "off") {
        "retry-on none"
    } else {
        "retries 2\n    option redispatch 1\n    retry-on conn-failure empty-response"
    };
    let mut cfg = format!(
        "global
    maxconn 4000
    tune.bufsize 262144
    stats socket {socket} mode 600 level admin
defaults
    mode http
    timeout connect 1s
    timeout client 120s
    timeout server 120s
    timeout http-keep-alive 60s
    {retry}
frontend front
    bind 127.0.0.1:{port}
    default_backend {BACKEND}
backend {BACKEND}
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 500ms fastinter 200ms downinter 500ms fall 2 rise 2
",
        socket = socket.display()
    );
    for (name, addr) in servers {
        cfg.push_str(&format!("    server {name} {addr} check\n"));
    }
    cfg
}

impl Haproxy {
    /// Starts HAProxy on a free loopback port in front of `servers`, and waits until every server is UP.
    pub async fn start(bin: &Path, servers: &[(&str, String)]) -> anyhow::Result<Self> {
        // HAProxy cannot bind port 0 and tell us the port: take a free one and release it. Another process may
        // take it meanwhile, so when HAProxy exits at start it is tried again on a new port.
        let mut last = String::new();
        for _ in 0..5 {
            let dir = tempfile::tempdir()?;
            let socket = dir.path().join("admin.sock");
            let cfg_path = dir.path().join("haproxy.cfg");
            let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
            std::fs::write(&cfg_path, config(port, &socket, servers))?;
            let mut child = Command::new(bin)
                .arg("-f")
                .arg(&cfg_path)
                .arg("-db")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .context("starting haproxy")?;
            let stderr = child.stderr.take().context("no stderr")?;
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    // Its notices (a server going DOWN and UP) belong in the run's log.
                    eprintln!("[haproxy] {line}");
                }
            });
            let mut proxy = Self { base: format!("http://127.0.0.1:{port}"), socket, child, _dir: dir };
            match proxy.wait_up(servers.len(), Duration::from_secs(30)).await {
                Ok(()) => return Ok(proxy),
                Err(e) if proxy.child.try_wait()?.is_some() => last = format!("{e:#}"),
                Err(e) => return Err(e.context("haproxy started but its servers did not come UP")),
            }
        }
        bail!("haproxy did not start: {last}")
    }

    async fn wait_up(&mut self, servers: usize, limit: Duration) -> anyhow::Result<()> {
        let started = Instant::now();
        let mut tick = tokio::time::interval(Duration::from_millis(50));
        loop {
            tick.tick().await;
            if let Some(status) = self.child.try_wait()? {
                bail!("haproxy exited: {status}");
            }
            if let Ok(stats) = self.stats().await
                && stats.iter().filter(|s| s.status.starts_with("UP")).count() == servers
            {
                return Ok(());
            }
            if started.elapsed() > limit {
                bail!("not every server UP after {limit:?}");
            }
        }
    }

    /// One command on the admin socket; its answer.
    pub async fn admin(&self, command: &str) -> anyhow::Result<String> {
        let mut s = tokio::net::UnixStream::connect(&self.socket).await?;
        s.write_all(format!("{command}\n").as_bytes()).await?;
        let mut out = String::new();
        s.read_to_string(&mut out).await?;
        Ok(out)
    }

    /// The backend's servers as HAProxy sees them now.
    pub async fn stats(&self) -> anyhow::Result<Vec<ServerStat>> {
        let csv = self.admin("show stat").await?;
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().context("no stats")?.trim_start_matches("# ").split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).with_context(|| format!("no column {name}"));
        let (px, sv, st, tot, retr, redis, eresp, econ) = (
            col("pxname")?,
            col("svname")?,
            col("status")?,
            col("stot")?,
            col("wretr")?,
            col("wredis")?,
            col("eresp")?,
            col("econ")?,
        );
        let num = |f: &[&str], i: usize| f.get(i).and_then(|v| v.parse().ok()).unwrap_or(0u64);
        Ok(lines
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|f| {
                f.get(px) == Some(&BACKEND) && !matches!(f.get(sv), Some(&"BACKEND") | Some(&"FRONTEND") | None)
            })
            .map(|f| ServerStat {
                name: f[sv].to_owned(),
                status: f.get(st).copied().unwrap_or("").to_owned(),
                sessions: num(&f, tot),
                retries: num(&f, retr),
                redispatches: num(&f, redis),
                response_errors: num(&f, eresp),
                connect_errors: num(&f, econ),
            })
            .collect())
    }

    /// Takes a server out of rotation (`enable = false`) or puts it back, as an operator would.
    pub async fn set_enabled(&self, server: &str, enable: bool) -> anyhow::Result<()> {
        let verb = if enable { "enable" } else { "disable" };
        let out = self.admin(&format!("{verb} server {BACKEND}/{server}")).await?;
        anyhow::ensure!(out.trim().is_empty(), "haproxy: {out}");
        Ok(())
    }

    /// Waits until `server`'s status starts with `status` (`UP`, `DOWN`, `MAINT`); returns how long that took.
    pub async fn wait_status(&self, server: &str, status: &str, limit: Duration) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        loop {
            tick.tick().await;
            let stats = self.stats().await?;
            if stats.iter().any(|s| s.name == server && s.status.starts_with(status)) {
                return Ok(started.elapsed());
            }
            if started.elapsed() > limit {
                bail!("{server} not {status} after {limit:?}: {stats:?}");
            }
        }
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One backend server's line of `show stat`.
#[derive(Debug, Clone)]
pub struct ServerStat {
    pub name: String,
    pub status: String,
    pub sessions: u64,
    /// Requests HAProxy sent again (`wretr`), and sent again to another server (`wredis`).
    pub retries: u64,
    pub redispatches: u64,
    pub response_errors: u64,
    pub connect_errors: u64,
}
