//! The family's preferences for this device: language, sound, and when reminders may come. The moments' clock
//! times live beside them ([`Engine::moment_times`]); the caregiver is its own setting.

use crate::Engine;
use crate::error::Result;
use crate::store::{Db, put_setting_in, setting_in};
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

/// The setting that names the language the stored exercises are in (forgotten with everything on unpairing).
const PULLED_LANGUAGE: &str = "pulled_language";

impl Db {
    /// Readies the next pull for `language`. The server sends built-in exercises in the language a pull names,
    /// and sends each change once: when the stored ones are in another language (English for a replica pulled
    /// before pulls named one), the cursor is forgotten in the same transaction, and the pull brings everything
    /// again in `language`. What this device recorded is untouched: pushes come first, and a change applied twice
    /// is harmless.
    pub(crate) async fn pull_in(&self, language: Language) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let stored = setting_in(&mut *tx, PULLED_LANGUAGE).await?;
        if stored.as_deref() == Some(language.tag()) {
            return Ok(());
        }
        if stored.as_deref().unwrap_or(Language::En.tag()) != language.tag() {
            sqlx::query("DELETE FROM settings WHERE key = 'cursor'").execute(&mut *tx).await?;
        }
        put_setting_in(&mut *tx, PULLED_LANGUAGE, language.tag()).await?;
        tx.commit().await?;
        Ok(())
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

    #[tokio::test]
    async fn a_new_language_forgets_the_cursor_so_the_pull_brings_everything_again() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("device.db")).await.unwrap();
        let cursor = || async { db.setting("cursor").await.unwrap() };
        db.set_setting("cursor", "v1.0000000000000010").await.unwrap();
        // A replica pulled before pulls named a language holds English: nothing to fetch again for English.
        db.pull_in(Language::En).await.unwrap();
        assert_eq!(cursor().await.as_deref(), Some("v1.0000000000000010"));
        db.pull_in(Language::Es).await.unwrap();
        assert_eq!(cursor().await, None, "Spanish: from the beginning");
        db.set_setting("cursor", "v1.0000000000000020").await.unwrap();
        db.pull_in(Language::Es).await.unwrap();
        assert_eq!(cursor().await.as_deref(), Some("v1.0000000000000020"), "the same language: pull on");
        db.pull_in(Language::En).await.unwrap();
        assert_eq!(cursor().await, None, "back to English: from the beginning again");
        assert_eq!(db.setting(PULLED_LANGUAGE).await.unwrap().as_deref(), Some("en"));
    }
}
