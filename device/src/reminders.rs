//! Reminders on this device: [`Engine::take_due_reminders`] feeds the core's rule
//! ([`homeplay_core::reminders::due_reminders`]) with today's lists and remembers what was sent, so a restart
//! does not send it again. The app only shows them.

use crate::Engine;
use crate::error::Result;
use chrono::{DateTime, Utc};
pub use homeplay_core::reminders::{MomentDue, Reminder, SentReminder, due_reminders, note_sent};

impl Engine {
    /// The reminders due at `now`, remembered as sent before they are returned: a reminder that fails to show
    /// is lost rather than repeated on every restart.
    pub async fn take_due_reminders(&self, now: DateTime<Utc>) -> Result<Vec<Reminder>> {
        let prefs = self.prefs().await?.reminders;
        if !prefs.enabled {
            return Ok(Vec::new());
        }
        let mut moments = Vec::new();
        for child in self.today(now).await? {
            let local_now = now.with_timezone(&child.child.time_zone.tz()).time();
            for g in &child.groups {
                let Some(clock) = g.clock else { continue };
                moments.push(MomentDue {
                    child_id: child.child.id,
                    child_name: child.child.display_name.as_str().to_owned(),
                    date: child.date,
                    local_now,
                    slot: g.slot_time,
                    clock,
                    expected: u32::try_from(g.items.len()).unwrap_or(u32::MAX),
                    logged: u32::try_from(g.items.iter().filter(|i| i.log.is_some()).count()).unwrap_or(u32::MAX),
                });
            }
        }
        let _writing = self.writes.lock().await;
        let mut sent: Vec<SentReminder> =
            self.db.setting("reminders_sent").await?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
        let now_ms = now.timestamp_millis();
        let due = due_reminders(&moments, &prefs, &sent, now_ms);
        if !due.is_empty() {
            note_sent(&mut sent, &due, now_ms);
            self.db.set_setting("reminders_sent", &serde_json::to_string(&sent)?).await?;
        }
        Ok(due)
    }
}
