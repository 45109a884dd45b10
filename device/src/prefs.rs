//! The family's preferences for this device: language, sound, and when reminders may come. The moments' clock
//! times live beside them ([`Engine::moment_times`]); the caregiver is its own setting.

use crate::Engine;
use crate::error::Result;
pub use homeplay_core::language::Language;
pub use homeplay_core::reminders::ReminderPrefs;
use serde::{Deserialize, Serialize};

/// How the follow-up asks "Any pain?": a row of faces for a child to point at, or the numbers 0–10 for a
/// child who can rate. Both record the same 0–10 score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PainScale {
    #[default]
    Faces,
    Numbers,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    #[serde(deserialize_with = "Language::known_or_default")]
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
    fn languages_are_stored_as_bcp47_tags_and_an_unknown_one_reads_as_english() {
        let chinese = Prefs { language: Language::ZhHans, ..Prefs::default() };
        let json = serde_json::to_string(&chinese).unwrap();
        assert!(json.contains(r#""language":"zh-Hans""#), "{json}");
        assert_eq!(serde_json::from_str::<Prefs>(&json).unwrap(), chinese);

        let newer = json.replace("zh-Hans", "tlh");
        let prefs: Prefs = serde_json::from_str(&newer.replace(r#""sound":true"#, r#""sound":false"#)).unwrap();
        assert_eq!((prefs.language, prefs.sound), (Language::En, false), "the other preferences stay");
    }
}
