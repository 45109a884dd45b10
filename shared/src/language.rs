//! The language of the family screens, stored as its BCP 47 tag (`en`, `zh-Hans` …): the screens and the
//! browser's `Intl` read the same tag. One type for the device's preferences and the screens' settings.

use serde::de::value::StrDeserializer;
use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Every language the family screens speak, English first.
    pub const ALL: [Language; 8] = [
        Language::En,
        Language::Es,
        Language::Fr,
        Language::Pt,
        Language::Ar,
        Language::ZhHans,
        Language::Vi,
        Language::Pl,
    ];

    /// The BCP 47 tag, as stored and as sent.
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
            Language::Fr => "fr",
            Language::Pt => "pt",
            Language::Ar => "ar",
            Language::ZhHans => "zh-Hans",
            Language::Vi => "vi",
            Language::Pl => "pl",
        }
    }

    /// The language of a tag this crate writes; `None` for any other text.
    pub fn from_tag(tag: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.tag() == tag)
    }

    /// A language a newer app added reads as the default rather than making every preference unreadable: the
    /// family keeps its sound and reminders, and sees the screens in English until it chooses again. For
    /// `#[serde(deserialize_with = "Language::known_or_default")]`.
    pub fn known_or_default<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let tag = String::deserialize(d)?;
        Ok(Self::deserialize(StrDeserializer::<serde::de::value::Error>::new(&tag)).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_the_serde_names() {
        for l in Language::ALL {
            assert_eq!(serde_json::to_string(&l).unwrap(), format!("\"{}\"", l.tag()));
            assert_eq!(Language::from_tag(l.tag()), Some(l));
        }
        assert_eq!(Language::from_tag("de"), None);
    }
}
