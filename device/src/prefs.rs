//! The family's preferences for this device: language, sound, and when reminders may come. The moments' clock
//! times live beside them ([`Engine::moment_times`]); the caregiver is its own setting.

use crate::Engine;
use crate::error::Result;
use chrono::NaiveTime;
use homeplay_core::time::hm;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Es,
}

/// How the follow-up asks "Any pain?": a row of faces for a child to point at, or the numbers 0–10 for a
/// child who can rate. Both record the same 0–10 score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PainScale {
    #[default]
    Faces,
    Numbers,
}

/// When reminders may come. Quiet hours may cross midnight (20:30–07:00); equal ends mean no quiet hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderPrefs {
    pub enabled: bool,
    pub quiet_start: NaiveTime,
    pub quiet_end: NaiveTime,
    /// One gentle repeat this long after the first reminder; 0 turns the repeat off.
    pub repeat_after_minutes: u16,
}

impl Default for ReminderPrefs {
    fn default() -> Self {
        Self { enabled: true, quiet_start: hm(20, 30), quiet_end: hm(7, 0), repeat_after_minutes: 30 }
    }
}

impl ReminderPrefs {
    /// Whether `t` (local clock time) falls in the quiet hours: the start is quiet, the end is not.
    pub fn is_quiet(&self, t: NaiveTime) -> bool {
        if self.quiet_start == self.quiet_end {
            false
        } else if self.quiet_start < self.quiet_end {
            self.quiet_start <= t && t < self.quiet_end
        } else {
            t >= self.quiet_start || t < self.quiet_end
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    pub language: Language,
    pub sound: bool,
    pub reminders: ReminderPrefs,
    /// Absent from preferences saved before the pain scale, which then read as faces.
    #[serde(default)]
    pub pain_scale: PainScale,
}

impl Default for Prefs {
    fn default() -> Self {
        Self { language: Language::En, sound: true, reminders: ReminderPrefs::default(), pain_scale: PainScale::Faces }
    }
}

impl Engine {
    /// This device's preferences; defaults until the family changes them (or when a stored value is unreadable,
    /// e.g. written by a newer version).
    pub async fn prefs(&self) -> Result<Prefs> {
        Ok(self.db.setting("prefs").await?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default())
    }

    pub async fn set_prefs(&self, prefs: &Prefs) -> Result<()> {
        self.db.set_setting("prefs", &serde_json::to_string(prefs)?).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_saved_before_the_pain_scale_keep_their_values_and_ask_with_faces() {
        let old = r#"{"language":"es","sound":false,"reminders":{"enabled":true,"quiet_start":"21:00:00","quiet_end":"07:00:00","repeat_after_minutes":30}}"#;
        let prefs: Prefs = serde_json::from_str(old).unwrap();
        assert_eq!((prefs.language, prefs.sound, prefs.pain_scale), (Language::Es, false, PainScale::Faces));
        let numbers = Prefs { pain_scale: PainScale::Numbers, ..prefs };
        let back: Prefs = serde_json::from_str(&serde_json::to_string(&numbers).unwrap()).unwrap();
        assert_eq!(back, numbers);
    }

    #[test]
    fn quiet_hours_across_midnight_and_within_a_day() {
        let night = ReminderPrefs::default();
        assert!(night.is_quiet(hm(20, 30)) && night.is_quiet(hm(23, 59)) && night.is_quiet(hm(0, 0)));
        assert!(night.is_quiet(hm(6, 59)) && !night.is_quiet(hm(7, 0)) && !night.is_quiet(hm(20, 29)));
        let nap = ReminderPrefs { quiet_start: hm(13, 0), quiet_end: hm(15, 0), ..night };
        assert!(nap.is_quiet(hm(13, 0)) && nap.is_quiet(hm(14, 59)) && !nap.is_quiet(hm(15, 0)));
        assert!(!nap.is_quiet(hm(12, 59)) && !nap.is_quiet(hm(23, 0)));
        let none = ReminderPrefs { quiet_start: hm(9, 0), quiet_end: hm(9, 0), ..night };
        assert!(!none.is_quiet(hm(9, 0)));
    }
}
