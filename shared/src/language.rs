//! The language of the family screens, stored as its BCP 47 tag (`en`, `zh-Hans` …): the screens and the
//! browser's `Intl` read the same tag. One type for the device's preferences and the screens' settings.

use serde::de::value::StrDeserializer;
use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Language {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "es")]
    Es,
    #[serde(rename = "fr")]
    Fr,
    #[serde(rename = "pt")]
    Pt,
    #[serde(rename = "ar")]
    Ar,
    #[serde(rename = "zh-Hans")]
    ZhHans,
    #[serde(rename = "vi")]
    Vi,
    #[serde(rename = "pl")]
    Pl,
}

impl Language {
    /// A language a newer app added reads as the default rather than making every preference unreadable: the
    /// family keeps its sound and reminders, and sees the screens in English until it chooses again. For
    /// `#[serde(deserialize_with = "Language::known_or_default")]`.
    pub fn known_or_default<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let tag = String::deserialize(d)?;
        Ok(Self::deserialize(StrDeserializer::<serde::de::value::Error>::new(&tag)).unwrap_or_default())
    }
}
