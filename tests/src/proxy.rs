//! A fault-injecting HTTP/1.1 proxy for loopback: it sits between device engines and the server and, per
//! request, passes it, delays it, drops it before the server sees it, cuts it half-sent, drops the answer after
//! the server committed, cuts the answer half-received, or sends it to the server twice (at once, or again
//! later after the client got its answer).
//!
//! Each client connection carries one request: the proxy reads the whole request (head and body, by
//! `Content-Length` or chunked), forwards it with `Connection: close`, and reads the server's whole answer up
//! to its end of stream. Decisions come from one RNG seeded by the test; which request meets which decision
//! depends on timing, so a seed reproduces the mix of faults, not the exact interleaving.
//!
//! Everything is bounded: one deadline per connection, size limits on heads and bodies, and every task ends
//! with the proxy (dropping it stops the listener and every connection).

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// Longest a connection may live, faults and replays included.
const CONNECTION_DEADLINE: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 16 * 1024 * 1024;
const MAX_RESPONSE: usize = 64 * 1024 * 1024;

/// What the proxy does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forwarded as is.
    Pass,
    /// Held for up to ~0.8 s before it is forwarded, and its answer likewise.
    Delay,
    /// The connection is reset before the server sees a byte.
    DropRequest,
    /// Part of the request reaches the server, then both sides are reset: the server must not act on it.
    ResetRequest,
    /// The whole request reaches the server; once the server starts answering (so it has finished, and
    /// committed), the client's connection is reset without a byte of the answer.
    DropResponse,
    /// The server answers in full; the client gets only a prefix of it, then a reset.
    ResetResponse,
    /// Sent to the server twice at once on two connections; the client gets one of the answers.
    Duplicate,
    /// The client gets its answer, then the same request is sent to the server again a little later.
    LateDuplicate,
}

impl Fault {
    pub const ALL_FAULTS: [Fault; 7] = [
        Fault::Delay,
        Fault::DropRequest,
        Fault::ResetRequest,
        Fault::DropResponse,
        Fault::ResetResponse,
        Fault::Duplicate,
        Fault::LateDuplicate,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Fault::Pass => "pass",
            Fault::Delay => "delay",
            Fault::DropRequest => "drop_request",
            Fault::ResetRequest => "reset_request",
            Fault::DropResponse => "drop_response",
            Fault::ResetResponse => "reset_response",
            Fault::Duplicate => "duplicate",
            Fault::LateDuplicate => "late_duplicate",
        }
    }
}

#[derive(Debug)]
struct State {
    rng: fastrand::Rng,
    rate: f64,
    counts: BTreeMap<String, u64>,
}

#[derive(Debug)]
struct Shared {
    upstream: SocketAddr,
    state: Mutex<State>,
    /// Connections being served, late replays included.
    in_flight: AtomicUsize,
}

/// Counts a connection as in flight for as long as it lives.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Shared {
    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn count(&self, key: impl Into<String>) {
        self.with_state(|s| *s.counts.entry(key.into()).or_default() += 1);
    }

    /// A value in `0..n` (0 when `n` is 0) from the seeded RNG.
    fn below(&self, n: usize) -> usize {
        if n == 0 { 0 } else { self.with_state(|s| s.rng.usize(..n)) }
    }

    fn millis(&self, lo: u64, hi: u64) -> Duration {
        Duration::from_millis(self.with_state(|s| s.rng.u64(lo..=hi)))
    }

    fn decide(&self, kind: &str) -> Fault {
        self.with_state(|s| {
            *s.counts.entry("requests".into()).or_default() += 1;
            // Pairing is spared: a code works once, so a lost answer needs a person with a new code, not a
            // retry; faulting it would only exercise the pairing rate limit.
            let spared = matches!(kind, "pair" | "info");
            let fault = if !spared && s.rate > 0.0 && s.rng.f64() < s.rate {
                Fault::ALL_FAULTS[s.rng.usize(..Fault::ALL_FAULTS.len())]
            } else {
                Fault::Pass
            };
            *s.counts.entry(fault.name().into()).or_default() += 1;
            if fault != Fault::Pass {
                *s.counts.entry(format!("{}@{kind}", fault.name())).or_default() += 1;
            }
            fault
        })
    }
}

/// The running proxy. Dropping it stops it.
#[derive(Debug)]
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `127.0.0.1:upstream_port`, faults off.
    pub async fn start(upstream_port: u16, seed: u64) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let addr = listener.local_addr().expect("proxy address");
        let shared = Arc::new(Shared {
            upstream: SocketAddr::from(([127, 0, 0, 1], upstream_port)),
            state: Mutex::new(State { rng: fastrand::Rng::with_seed(seed), rate: 0.0, counts: BTreeMap::new() }),
            in_flight: AtomicUsize::new(0),
        });
        let task = tokio::spawn(accept_loop(listener, shared.clone()));
        Self { addr, shared, task }
    }

    /// The base URL devices should use: `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The share of requests that meet a fault, `0.0` (off) to `1.0`.
    pub fn set_fault_rate(&self, rate: f64) {
        self.shared.with_state(|s| s.rate = rate.clamp(0.0, 1.0));
    }

    /// How many requests met each fault (`drop_response`, and per endpoint as `drop_response@push`), plus
    /// `requests` and `upstream_down` (the server could not be reached, as while it restarts).
    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.shared.with_state(|s| s.counts.clone())
    }

    /// Waits until no connection is being served (late replays included), at most `timeout`; `false` if
    /// some still were.
    pub async fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while self.shared.in_flight.load(Ordering::SeqCst) > 0 {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        // The accept loop owns every connection's task: aborting it drops them all.
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let Ok((client, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let shared = shared.clone();
        // Counted from accept, so that `wait_idle` never misses a connection about to start.
        shared.in_flight.fetch_add(1, Ordering::SeqCst);
        connections.spawn(async move {
            let _guard = InFlight(&shared.in_flight);
            let _ = tokio::time::timeout(CONNECTION_DEADLINE, serve(client, &shared)).await;
        });
    }
}

/// Which endpoint a request is for, for the counts.
fn kind_of(request: &[u8]) -> &'static str {
    let line = request.split(|b| *b == b'\r').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let path = line.split(' ').nth(1).unwrap_or_default();
    match path.trim_start_matches("/api/v1") {
        "/sync/push" => "push",
        "/sync/pull" => "pull",
        "/sync/pair" => "pair",
        "/sync/info" => "info",
        p if p.starts_with("/media/") => "media",
        _ => "other",
    }
}

/// Closes with a reset (RST), not an orderly end of stream.
fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

async fn connect(shared: &Shared) -> io::Result<TcpStream> {
    match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(shared.upstream)).await {
        Ok(Ok(s)) => Ok(s),
        Ok(Err(e)) => {
            shared.count("upstream_down");
            Err(e)
        }
        Err(_) => {
            shared.count("upstream_down");
            Err(io::Error::new(io::ErrorKind::TimedOut, "connect to the server timed out"))
        }
    }
}

/// Sends `request` on a fresh connection and reads the whole answer (the server closes after it). Answers
/// other than 2xx are counted as `http_<status>@<endpoint>`.
async fn exchange(shared: &Shared, kind: &str, request: &[u8]) -> io::Result<Vec<u8>> {
    let mut up = connect(shared).await?;
    up.write_all(request).await?;
    let response = read_to_end_bounded(&mut up, MAX_RESPONSE).await?;
    let status = response.get(9..12).map(String::from_utf8_lossy).unwrap_or_default();
    if response.starts_with(b"HTTP/1.1 ") && !status.starts_with('2') {
        shared.count(format!("http_{status}@{kind}"));
    }
    Ok(response)
}

async fn read_to_end_bounded(stream: &mut TcpStream, max: usize) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(out);
        }
        if out.len() + n > max {
            return Err(io::Error::other("answer too large"));
        }
        out.extend_from_slice(&chunk[..n]);
    }
}

async fn answer(mut client: TcpStream, response: io::Result<Vec<u8>>) {
    match response {
        Ok(bytes) if !bytes.is_empty() => {
            let _ = client.write_all(&bytes).await;
            let _ = client.shutdown().await;
        }
        // The server went away (killed, restarting): the client sees its connection fail.
        _ => reset(client),
    }
}

async fn serve(mut client: TcpStream, shared: &Shared) {
    let request = match read_request(&mut client).await {
        Ok(Some(r)) => r,
        Ok(None) => return,
        Err(_) => {
            shared.count("bad_request_from_client");
            reset(client);
            return;
        }
    };
    let kind = kind_of(&request);
    let fault = shared.decide(kind);
    match fault {
        Fault::Pass => answer(client, exchange(shared, kind, &request).await).await,
        Fault::Delay => {
            tokio::time::sleep(shared.millis(20, 800)).await;
            let response = exchange(shared, kind, &request).await;
            tokio::time::sleep(shared.millis(0, 400)).await;
            answer(client, response).await;
        }
        Fault::DropRequest => reset(client),
        Fault::ResetRequest => {
            // A strict prefix: the server never has the whole request.
            let cut = shared.below(request.len());
            if let Ok(mut up) = connect(shared).await {
                let _ = up.write_all(&request[..cut]).await;
                let _ = up.flush().await;
                tokio::time::sleep(Duration::from_millis(5)).await;
                reset(up);
            }
            reset(client);
        }
        Fault::DropResponse => {
            if let Ok(mut up) = connect(shared).await
                && up.write_all(&request).await.is_ok()
            {
                // The first byte of the answer: the handler has finished, so whatever it commits is committed.
                let mut first = [0u8; 1];
                let _ = up.read(&mut first).await;
            }
            reset(client);
        }
        Fault::ResetResponse => match exchange(shared, kind, &request).await {
            Ok(bytes) if !bytes.is_empty() => {
                let cut = shared.below(bytes.len());
                let _ = client.write_all(&bytes[..cut]).await;
                let _ = client.flush().await;
                reset(client);
            }
            _ => reset(client),
        },
        Fault::Duplicate => {
            let (a, b) = tokio::join!(exchange(shared, kind, &request), exchange(shared, kind, &request));
            let chosen = if shared.below(2) == 0 { a } else { b };
            answer(client, chosen).await;
        }
        Fault::LateDuplicate => {
            let response = exchange(shared, kind, &request).await;
            answer(client, response).await;
            tokio::time::sleep(shared.millis(0, 1500)).await;
            let _ = exchange(shared, kind, &request).await;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The length of a complete chunked body at the start of `body`, if it has all arrived.
fn chunked_len(body: &[u8]) -> io::Result<Option<usize>> {
    let mut pos = 0;
    loop {
        let Some(eol) = find(&body[pos..], b"\r\n") else { return Ok(None) };
        let line = String::from_utf8_lossy(&body[pos..pos + eol]);
        let size_hex = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
        pos += eol + 2;
        if size == 0 {
            // Optional trailers, then an empty line.
            if body[pos..].starts_with(b"\r\n") {
                return Ok(Some(pos + 2));
            }
            return Ok(find(&body[pos..], b"\r\n\r\n").map(|i| pos + i + 4));
        }
        pos += size + 2;
        if pos > body.len() {
            return Ok(None);
        }
    }
}

/// Reads one whole HTTP/1.1 request and returns it rewritten with `Connection: close`; `None` when the client
/// closed without sending anything.
async fn read_request(client: &mut TcpStream) -> io::Result<Option<Vec<u8>>> {
    let invalid = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_owned());
    let mut buf = Vec::with_capacity(8 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err(invalid("request head too large"));
        }
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return if buf.is_empty() { Ok(None) } else { Err(io::ErrorKind::UnexpectedEof.into()) };
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| invalid("request head is not UTF-8"))?;
    let mut lines = head.split("\r\n").filter(|l| !l.is_empty());
    let mut out = format!("{}\r\n", lines.next().ok_or_else(|| invalid("no request line"))?);
    let mut content_length = 0usize;
    let mut chunked = false;
    for line in lines {
        let (name, value) = line.split_once(':').ok_or_else(|| invalid("bad header line"))?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => content_length = value.trim().parse().map_err(|_| invalid("bad content-length"))?,
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "connection" | "keep-alive" => continue,
            _ => {}
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("connection: close\r\n\r\n");
    let mut body = buf[head_end..].to_vec();
    loop {
        let complete =
            if chunked { chunked_len(&body)? } else { (body.len() >= content_length).then_some(content_length) };
        if let Some(len) = complete {
            body.truncate(len);
            break;
        }
        if body.len() > MAX_BODY {
            return Err(invalid("request body too large"));
        }
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let mut request = out.into_bytes();
    request.extend_from_slice(&body);
    Ok(Some(request))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_are_measured() {
        assert_eq!(chunked_len(b"3\r\nabc\r\n0\r\n\r\n").unwrap(), Some(13));
        assert_eq!(chunked_len(b"3\r\nabc\r\n0\r\n\r\nGET").unwrap(), Some(13));
        assert_eq!(chunked_len(b"3\r\nabc\r\n").unwrap(), None);
        assert_eq!(chunked_len(b"3\r\nab").unwrap(), None);
        assert_eq!(chunked_len(b"0\r\nx-trailer: 1\r\n\r\n").unwrap(), Some(19));
        assert!(chunked_len(b"zz\r\n").is_err());
    }

    #[test]
    fn endpoints_are_named() {
        assert_eq!(kind_of(b"POST /api/v1/sync/push HTTP/1.1\r\n"), "push");
        assert_eq!(kind_of(b"GET /api/v1/media/sha256:ab HTTP/1.1\r\n"), "media");
        assert_eq!(kind_of(b"GET / HTTP/1.1\r\n"), "other");
    }
}
