//! Pairing and sync: push the outbox in batches, pull until caught up, fetch the media the program shows;
//! and a background loop that does it when online, on demand, and with backoff when not.

use crate::client::Client;
use crate::error::{DeviceError, Result};
use crate::outbox::RejectedItem;
use crate::{Engine, Pairing};
use homeplay_core::goal::GoalCheckIn;
use homeplay_core::ids::DeviceId;
use homeplay_core::log::CompletionLog;
use homeplay_core::media::{MediaRef, MediaSource};
use homeplay_core::message::{FamilyMessage, MessageRead};
use homeplay_core::pairing::{DeviceToken, PairingCode};
use homeplay_core::recorded::{Answers, Recorded};
use homeplay_core::sync::{
    ErrorCode, PROTOCOL_VERSION, PairRequest, ProtocolRange, PullRequest, PushRequest, PushResponse,
};
use homeplay_core::text::Name;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// What the app shows about sync, honestly.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncState {
    NotPaired,
    /// Everything recorded here is on the server, and the last sync worked.
    Synced {
        last_sync_ms: Option<i64>,
    },
    /// Logs are waiting to be sent; the last attempt did not fail.
    Waiting {
        count: u64,
    },
    /// The server could not be reached; logs wait safely on this device.
    Offline {
        waiting: u64,
        since_ms: i64,
    },
    /// The clinic ended the family's home program and disconnected this device: it no longer syncs. What was
    /// recorded here stays here; `message` is the clinic's, for the family.
    Ended {
        message: String,
        /// Recorded here after the end: never sent.
        waiting: u64,
    },
    /// Something needs a person: rejected logs, a revoked device, an app too old for the server.
    NeedsAttention {
        problem: String,
        waiting: u64,
        rejected: Vec<RejectedItem>,
    },
}

/// The setting that holds the clinic's words once it has disconnected this device (forgotten on unpairing).
const ENDED: &str = "ended";

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: u64,
    pub rejected: u64,
    pub pulled: u64,
    pub media_fetched: u64,
}

impl Engine {
    async fn token(&self) -> Result<DeviceToken> {
        self.tokens.load()?.ok_or(DeviceError::NotPaired)
    }

    /// Pairs with a clinic: checks the server speaks our protocol, trades the code for a token, stores it,
    /// and pulls the family's program so the device works offline from here on.
    pub async fn pair(&self, server_url: &str, code: &str, device_label: &str) -> Result<Pairing> {
        let _guard = self.sync_lock.lock().await;
        if self.db.pairing().await?.is_some() {
            return Err(DeviceError::AlreadyPaired);
        }
        let code = PairingCode::parse(code).map_err(|e| e.nested("code"))?;
        let device_label = Name::new(device_label).map_err(|e| e.nested("device_label"))?;
        let client = Client::new(server_url)?;
        let info = client.info().await?;
        let server = ProtocolRange { min: info.protocol_min, max: info.protocol_max };
        if info.service != "homeplay" || !server.accepts(PROTOCOL_VERSION) {
            return Err(DeviceError::Server(homeplay_core::sync::ApiError {
                error: ErrorCode::ProtocolUnsupported,
                message: format!(
                    "this server speaks protocol {}–{}, this app {PROTOCOL_VERSION}: {}",
                    info.protocol_min,
                    info.protocol_max,
                    if info.protocol_min > PROTOCOL_VERSION { "update the app" } else { "the server needs an update" }
                ),
                field: None,
                supported: Some(server),
            }));
        }
        let answer = client.pair(&PairRequest { protocol: PROTOCOL_VERSION, code, device_label }).await?;
        self.tokens.save(&answer.token)?;
        let pairing = Pairing {
            server_url: client.base().to_owned(),
            device_id: answer.device_id,
            clinic_name: answer.clinic_name.to_string(),
        };
        self.db.save_pairing(&pairing).await?;
        // The first epoch is only remembered: everything this device will record is new to this server.
        if let Some(epoch) = answer.epoch {
            self.db.note_epoch(epoch, pairing.device_id).await?;
        }
        drop(_guard);
        // The first pull; if the network drops now, the background loop finishes it later.
        if let Err(e) = self.sync_once().await {
            tracing::warn!(error = %e, "first sync after pairing did not finish");
        }
        Ok(pairing)
    }

    /// One full sync: push everything waiting, then pull until caught up, then fetch missing media.
    pub async fn sync_once(&self) -> Result<SyncReport> {
        let _guard = self.sync_lock.lock().await;
        let result = self.sync_inner().await;
        let now = self.now().timestamp_millis();
        match &result {
            Ok(r) => self.db.note_attempt(now, "ok", &format!("pushed {} pulled {}", r.pushed, r.pulled)).await?,
            Err(e) if e.is_transient() => self.db.note_attempt(now, "offline", &e.to_string()).await?,
            Err(DeviceError::Ended(message)) => self.db.note_attempt(now, "ended", message).await?,
            Err(e) => self.db.note_attempt(now, "error", &e.to_string()).await?,
        }
        result
    }

    async fn sync_inner(&self) -> Result<SyncReport> {
        let pairing = self.db.pairing().await?.ok_or(DeviceError::NotPaired)?;
        // Disconnected by the clinic: asking again would only be refused again.
        if let Some(message) = self.db.setting(ENDED).await? {
            return Err(DeviceError::Ended(message));
        }
        let result = self.sync_with_server(&pairing).await;
        if let Err(DeviceError::Server(e)) = &result
            && e.error == ErrorCode::DeviceRevoked
        {
            self.db.set_setting(ENDED, &e.message).await?;
            return Err(DeviceError::Ended(e.message.clone()));
        }
        result
    }

    async fn sync_with_server(&self, pairing: &Pairing) -> Result<SyncReport> {
        let token = self.token().await?;
        let client = Client::new(&pairing.server_url)?;
        let mut report = SyncReport::default();

        // Push, then pull until caught up. An answer with a new server epoch (a restore) puts back in the
        // outbox what this device recorded and restarts the pull from the beginning: a pull that sees it
        // starts over with a push. Bounded, in case a broken server changes its epoch on every answer; what
        // is left then waits for the next sync.
        for _ in 0..3 {
            // Every kind waiting is pushed. Each round answers for every item it sent, so the loop ends.
            while let Some((pushed, rejected)) = self.push_round(&client, &token, pairing.device_id).await? {
                report.pushed += pushed;
                report.rejected += rejected;
            }
            if self.pull_all(&client, &token, pairing.device_id, &mut report).await? {
                break;
            }
        }

        // Media, so pictures and voice prompts work offline.
        for media in self.db.missing_media().await? {
            let Ok(reference) = MediaRef::new(&media) else { continue };
            if let MediaSource::Upload { sha256_hex } = reference.source() {
                let (content_type, bytes) = client.media(&token, &media, sha256_hex).await?;
                self.db.put_media(&media, &content_type, &bytes).await?;
                report.media_fetched += 1;
            }
        }
        Ok(report)
    }

    /// Pulls until caught up; each page and its cursor are stored together. `false` if an answer carried a
    /// new server epoch: its page is not applied (the cursor was reset, the pull starts again after a push).
    async fn pull_all(
        &self,
        client: &Client,
        token: &DeviceToken,
        me: DeviceId,
        report: &mut SyncReport,
    ) -> Result<bool> {
        let language = self.prefs().await?.language;
        self.db.pull_in(language).await?;
        loop {
            let cursor = self.db.setting("cursor").await?.map(homeplay_core::sync::Cursor::new).transpose()?;
            let request = PullRequest { protocol: PROTOCOL_VERSION, cursor, limit: None, language: Some(language) };
            let page = client.pull(token, &request).await?;
            if let Some(epoch) = page.epoch
                && self.db.note_epoch(epoch, me).await?
            {
                return Ok(false);
            }
            // Not while a local edit is between reading a log and storing its new version.
            let _writing = self.writes.lock().await;
            for change in &page.changes {
                if let homeplay_core::sync::Change::Log(l) = change {
                    self.observe_clock(l.hlc);
                }
            }
            self.observe_clock(page.server_hlc);
            // Saved too, so that after a restart the clock resumes above what the server has shown us.
            self.db.remember_observed(page.server_hlc).await?;
            self.db.apply_page(&page.changes, page.cursor.as_str()).await?;
            if let Some(clinic) = &page.clinic {
                self.db.save_clinic_settings(clinic).await?;
            }
            report.pulled += page.changes.len() as u64;
            if !page.more {
                return Ok(true);
            }
        }
    }

    /// One push round: the oldest waiting versions of every kind the family records, up to each kind's
    /// limit, in one request. `None` when nothing waits; else how many were acknowledged and refused.
    async fn push_round(&self, client: &Client, token: &DeviceToken, me: DeviceId) -> Result<Option<(u64, u64)>> {
        let mut request = PushRequest::empty(PROTOCOL_VERSION);
        let mut sent = self.take::<CompletionLog>(&mut request).await?;
        sent += self.take::<GoalCheckIn>(&mut request).await?;
        sent += self.take::<FamilyMessage>(&mut request).await?;
        sent += self.take::<MessageRead>(&mut request).await?;
        if sent == 0 {
            return Ok(None);
        }
        let reply = client.push(token, &request).await?;
        self.observe_clock(reply.server_hlc);
        self.db.remember_observed(reply.server_hlc).await?;
        // Before the answers are settled: what the restored server acknowledges now leaves the outbox again.
        if let Some(epoch) = reply.epoch {
            self.db.note_epoch(epoch, me).await?;
        }
        let logs = self.settle::<CompletionLog>(&mut request, &reply).await?;
        let check_ins = self.settle::<GoalCheckIn>(&mut request, &reply).await?;
        let messages = self.settle::<FamilyMessage>(&mut request, &reply).await?;
        let reads = self.settle::<MessageRead>(&mut request, &reply).await?;
        let answered = [logs, check_ins, messages, reads];
        Ok(Some((answered.iter().map(|a| a.0).sum(), answered.iter().map(|a| a.1).sum())))
    }

    /// Adds the oldest waiting versions of one kind to the request; returns how many.
    async fn take<T: Recorded>(&self, request: &mut PushRequest) -> Result<usize> {
        let pending = self.db.pending::<T>(T::MAX_PER_PUSH).await?;
        let n = pending.len();
        *T::batch(request) = pending;
        Ok(n)
    }

    /// Applies the server's answer about one kind: acknowledged versions leave the outbox, refused ones
    /// stay marked for the family. Every item sent must be answered for, or the server broke the protocol.
    async fn settle<T: Recorded>(&self, request: &mut PushRequest, reply: &PushResponse) -> Result<(u64, u64)> {
        let sent = T::batch(request);
        let Answers { accepted, refused } = T::answers(reply);
        self.db.acked::<T>(&accepted).await?;
        for r in &refused {
            let reason = serde_json::to_value(r.reason)?.as_str().unwrap_or("invalid").to_owned();
            // The version that was sent: the server names the item, the request holds its stamp.
            let Some(item) = sent.iter().find(|item| item.id() == r.id) else { continue };
            self.db.refused::<T>(r.id, item.hlc(), &reason, r.field.as_deref(), &r.message).await?;
        }
        if accepted.len() + refused.len() < sent.len() {
            return Err(DeviceError::Protocol(format!("the server answered for fewer {}s than were sent", T::NOUN)));
        }
        Ok((accepted.len() as u64, refused.len() as u64))
    }

    /// The sync state for the app's status line.
    pub async fn status(&self) -> Result<SyncState> {
        if self.db.pairing().await?.is_none() {
            return Ok(SyncState::NotPaired);
        }
        let (waiting, rejected_count) = self.db.outbox_counts().await?;
        if let Some(message) = self.db.setting(ENDED).await? {
            return Ok(SyncState::Ended { message, waiting });
        }
        let last = self.db.last_attempt().await?;
        if let Some((_, outcome, detail)) = &last
            && outcome == "error"
        {
            return Ok(SyncState::NeedsAttention {
                problem: detail.clone(),
                waiting,
                rejected: self.db.rejected().await?,
            });
        }
        if rejected_count > 0 {
            return Ok(SyncState::NeedsAttention {
                problem: format!("{rejected_count} entries were not accepted by the clinic"),
                waiting,
                rejected: self.db.rejected().await?,
            });
        }
        if let Some((at, outcome, _)) = &last
            && outcome == "offline"
        {
            return Ok(SyncState::Offline { waiting, since_ms: *at });
        }
        if waiting > 0 {
            return Ok(SyncState::Waiting { count: waiting });
        }
        Ok(SyncState::Synced { last_sync_ms: last.map(|(at, _, _)| at) })
    }

    /// Starts the background loop: syncs now, then every `interval` while things work, sooner on demand
    /// ([`SyncLoop::sync_now`]), and with exponential backoff and jitter while the server is unreachable.
    /// Errors a person must fix (a revoked device) are not retried in a hurry: the loop waits for a nudge.
    pub fn start_sync_loop(self: &Arc<Self>, interval: Duration) -> SyncLoop {
        let nudge = Arc::new(Notify::new());
        let (stop_tx, mut stop_rx) = watch::channel(false);
        let (state_tx, state_rx) = watch::channel(None);
        let engine = self.clone();
        let wake = nudge.clone();
        let task = tokio::spawn(async move {
            let mut failures: u32 = 0;
            loop {
                let delay = match engine.sync_once().await {
                    Ok(_) => {
                        failures = 0;
                        interval
                    }
                    Err(DeviceError::NotPaired) => interval,
                    Err(e) if e.is_transient() => {
                        failures = failures.saturating_add(1);
                        backoff(failures, interval)
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "sync needs attention");
                        interval.max(Duration::from_secs(600))
                    }
                };
                if let Ok(state) = engine.status().await {
                    let _ = state_tx.send(Some(state));
                }
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    () = wake.notified() => {}
                    _ = stop_rx.changed() => break,
                }
            }
        });
        SyncLoop { nudge, stop: stop_tx, state: state_rx, task }
    }
}

/// Exponential backoff from one second, capped at `cap`, with full jitter so devices do not retry in step.
fn backoff(failures: u32, cap: Duration) -> Duration {
    let exp = Duration::from_secs(1).saturating_mul(1u32 << failures.min(16)).min(cap.max(Duration::from_secs(1)));
    exp.mul_f64(0.5 + fastrand::f64() * 0.5)
}

/// A running background sync.
#[derive(Debug)]
pub struct SyncLoop {
    nudge: Arc<Notify>,
    stop: watch::Sender<bool>,
    state: watch::Receiver<Option<SyncState>>,
    task: tokio::task::JoinHandle<()>,
}

impl SyncLoop {
    /// "Sync now": wakes the loop at once.
    pub fn sync_now(&self) {
        self.nudge.notify_one();
    }

    /// The state after the loop's latest attempt.
    pub fn state(&self) -> watch::Receiver<Option<SyncState>> {
        self.state.clone()
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_stays_capped() {
        let cap = Duration::from_secs(60);
        for failures in 1..30 {
            let d = backoff(failures, cap);
            let ceiling = Duration::from_secs(1u64 << failures.min(16)).min(cap);
            assert!(d <= ceiling && d >= ceiling / 2, "{failures}: {d:?}");
        }
    }
}
