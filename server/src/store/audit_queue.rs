//! Group commit for the audit log. Every pull that hands a device changes and every push writes audit lines; at
//! 200 devices syncing at once that was a commit (an fsync, and on SQLite the one write lock) per request, and
//! the requests queued behind each other for it (bench/README.md, "Sync path (issue 16)"). Here the lines of
//! all requests waiting at the same moment go into one transaction. Each request still returns only once its
//! own lines are committed, so what the audit log must record is as durable as before, just cheaper.

use super::{AuditEntry, StoreError, StoreResult};
use std::future::Future;
use tokio::sync::{mpsc, oneshot};

/// The most requests whose lines share one transaction (each brings one line per child of its family).
const MOST_PER_COMMIT: usize = 256;

struct Job {
    entries: Vec<AuditEntry>,
    done: oneshot::Sender<StoreResult<()>>,
}

/// The handle requests write through; the writer task lives as long as a clone of it does.
#[derive(Debug, Clone)]
pub(crate) struct AuditQueue {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("entries", &self.entries.len()).finish()
    }
}

impl AuditQueue {
    /// Starts the writer task on the current runtime. `write` stores entries in one transaction: all or none.
    pub(crate) fn start<W, F>(write: W) -> Self
    where
        W: Fn(Vec<AuditEntry>) -> F + Send + 'static,
        F: Future<Output = StoreResult<()>> + Send,
    {
        let (jobs, mut waiting) = mpsc::channel::<Job>(4 * MOST_PER_COMMIT);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(MOST_PER_COMMIT);
            while waiting.recv_many(&mut batch, MOST_PER_COMMIT).await > 0 {
                if batch.len() == 1 {
                    let job = batch.pop().expect("one job");
                    let _ = job.done.send(write(job.entries).await);
                    continue;
                }
                let mut all = Vec::new();
                let mut parts = Vec::with_capacity(batch.len());
                for job in batch.drain(..) {
                    parts.push((job.entries.len(), job.done));
                    all.extend(job.entries);
                }
                let together = all.clone();
                match write(together).await {
                    Ok(()) => {
                        for (_, done) in parts {
                            let _ = done.send(Ok(()));
                        }
                    }
                    // One bad request must not fail the others that shared its transaction: each is written
                    // again on its own and answered with its own outcome.
                    Err(_) => {
                        let mut rest = all.into_iter();
                        for (n, done) in parts {
                            let own: Vec<AuditEntry> = rest.by_ref().take(n).collect();
                            let _ = done.send(write(own).await);
                        }
                    }
                }
            }
        });
        Self { jobs }
    }

    /// Writes `entries` together with whatever other requests are writing now; returns once they are committed.
    pub(crate) async fn write(&self, entries: Vec<AuditEntry>) -> StoreResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let (done, answer) = oneshot::channel();
        // Both fail only when the writer task has ended: the runtime that started the store is shutting down.
        self.jobs.send(Job { entries, done }).await.map_err(|_| StoreError::Db(sqlx::Error::PoolClosed))?;
        answer.await.map_err(|_| StoreError::Db(sqlx::Error::PoolClosed))?
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use homeplay_core::ids::ClinicId;
    use std::sync::{Arc, Mutex};

    fn entry(action: &str) -> AuditEntry {
        AuditEntry {
            clinic_id: ClinicId::new_v7(),
            at_ms: 1,
            actor_kind: "device",
            actor_id: "d".into(),
            action: action.into(),
            child_id: None,
            detail: String::new(),
            ip: None,
        }
    }

    /// The actions written, and how many transactions wrote them.
    type Seen = Arc<Mutex<(Vec<String>, usize)>>;

    /// A writer that keeps what it stored and how many transactions it took, and refuses any transaction
    /// holding a `bad` line, as a constraint would.
    fn recording() -> (AuditQueue, Seen) {
        let seen = Arc::new(Mutex::new((Vec::new(), 0)));
        let queue = AuditQueue::start({
            let seen = seen.clone();
            move |entries: Vec<AuditEntry>| {
                let seen = seen.clone();
                async move {
                    tokio::task::yield_now().await;
                    if entries.iter().any(|e| e.action == "bad") {
                        return Err(StoreError::Conflict("audit"));
                    }
                    let mut seen = seen.lock().unwrap();
                    seen.0.extend(entries.into_iter().map(|e| e.action));
                    seen.1 += 1;
                    Ok(())
                }
            }
        });
        (queue, seen)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_line_of_concurrent_requests_is_written_once() {
        let (queue, seen) = recording();
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..200 {
            let queue = queue.clone();
            tasks.spawn(async move { queue.write(vec![entry(&format!("a{i}")), entry(&format!("b{i}"))]).await });
        }
        while let Some(r) = tasks.join_next().await {
            r.unwrap().unwrap();
        }
        let lines = seen.lock().unwrap().0.clone();
        let mut sorted = lines.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!((lines.len(), sorted.len()), (400, 400));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_refused_request_fails_alone() {
        let (queue, seen) = recording();
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..50 {
            let queue = queue.clone();
            let action = if i == 7 { "bad".to_owned() } else { format!("ok{i}") };
            tasks.spawn(async move { (i, queue.write(vec![entry(&action)]).await) });
        }
        while let Some(r) = tasks.join_next().await {
            let (i, outcome) = r.unwrap();
            assert_eq!(outcome.is_err(), i == 7, "request {i}: {outcome:?}");
        }
        assert_eq!(seen.lock().unwrap().0.len(), 49);
    }

    #[tokio::test]
    async fn nothing_to_write_writes_nothing() {
        let (queue, seen) = recording();
        queue.write(Vec::new()).await.unwrap();
        assert_eq!(seen.lock().unwrap().1, 0);
    }
}
