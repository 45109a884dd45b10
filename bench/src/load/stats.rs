//! What the driver records: per endpoint (route template, not the concrete path) the latency of every request
//! that succeeded, every failed attempt (a retry that fixed it is told apart from a final failure), and a
//! timeline of the failures so a failover run can see the blip and when it ended.

use crate::percentile_ms;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One endpoint's figures over a run.
#[derive(Debug, Clone, Default)]
pub struct EndpointStats {
    /// Latencies of the requests that succeeded (from the first attempt to the answer, backoff included),
    /// sorted once the run is over.
    pub latencies: Vec<Duration>,
    /// Failed attempts followed by a retry (which fixed it unless the request also counts in `failed`).
    pub retried: u64,
    /// Requests that failed for good (a non-retryable answer, or out of attempts).
    pub failed: u64,
}

impl EndpointStats {
    pub fn count(&self) -> usize {
        self.latencies.len() + usize::try_from(self.failed).unwrap_or(usize::MAX)
    }

    /// Every failed attempt, retried or not: the "errors".
    pub fn errors(&self) -> u64 {
        self.retried + self.failed
    }

    pub fn p50_ms(&self) -> f64 {
        percentile_ms(&self.latencies, 50.0)
    }

    pub fn p99_ms(&self) -> f64 {
        percentile_ms(&self.latencies, 99.0)
    }
}

/// A failed attempt, when it happened (seconds since the measured window opened).
#[derive(Debug, Clone)]
pub struct FailureEvent {
    pub at_secs: f64,
    pub endpoint: String,
    /// `transport: …`, `http 503`, `rejected: …` and the like.
    pub kind: String,
    /// False when a retry followed (and may have fixed it).
    pub last: bool,
}

/// Shared by every simulated client of a run.
#[derive(Debug)]
pub(crate) struct Recorder {
    pub start: Instant,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    endpoints: BTreeMap<String, EndpointStats>,
    failures: Vec<FailureEvent>,
}

impl Recorder {
    pub fn new() -> Self {
        Self { start: Instant::now(), inner: Mutex::new(Inner::default()) }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        // A client task that panicked mid-record leaves nothing half-written worth refusing.
        let mut guard = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    pub fn ok(&self, endpoint: &str, took: Duration) {
        self.with(|i| i.endpoints.entry(endpoint.to_owned()).or_default().latencies.push(took));
    }

    pub fn failed(&self, endpoint: &str, kind: String, last: bool) {
        let at_secs = self.start.elapsed().as_secs_f64();
        self.with(|i| {
            let e = i.endpoints.entry(endpoint.to_owned()).or_default();
            if last {
                e.failed += 1;
            } else {
                e.retried += 1;
            }
            i.failures.push(FailureEvent { at_secs, endpoint: endpoint.to_owned(), kind, last });
        });
    }

    pub fn take(&self) -> (BTreeMap<String, EndpointStats>, Vec<FailureEvent>) {
        self.with(|i| {
            let mut endpoints = std::mem::take(&mut i.endpoints);
            for e in endpoints.values_mut() {
                e.latencies.sort();
            }
            (endpoints, std::mem::take(&mut i.failures))
        })
    }
}
