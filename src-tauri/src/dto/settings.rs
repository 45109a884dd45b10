//! Settings as the screens edit them: times as `HH:MM` text, checked when saved.

use super::CommandError;
use chrono::NaiveTime;
use homeplay_core::assignment::FamilyMoment;
pub use homeplay_core::language::Language;
use homeplay_core::schedule::MomentTimes;
use homeplay_device::{Prefs, ReminderPrefs};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How the follow-up asks "Any pain?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PainScale {
    /// Six faces: 0, 2, 4, 6, 8, 10.
    Faces,
    /// The numbers 0 to 10.
    Numbers,
}

/// The family's clock time for one moment of its day: when its reminder comes and where it sorts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MomentTimeView {
    /// Text here, not the core's type, so that saving names a wrong moment in words like any other field; the
    /// screens still see the core's closed list.
    #[ts(as = "FamilyMoment")]
    pub moment: String,
    /// `HH:MM`
    pub time: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReminderSettings {
    pub enabled: bool,
    /// Every moment, in the order of the day.
    pub moments: Vec<MomentTimeView>,
    /// `HH:MM`; quiet hours may cross midnight.
    pub quiet_start: String,
    pub quiet_end: String,
    /// One gentle repeat this long after a reminder if nothing was logged; 0 for none.
    pub repeat_after_minutes: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppSettings {
    /// Who uses this device now; `null` on save keeps the current one.
    pub caregiver: Option<String>,
    pub language: Language,
    /// Kid mode's sounds.
    pub sound: bool,
    pub reminders: ReminderSettings,
    pub pain_scale: PainScale,
}

/// The longest gap a repeat may wait, in minutes.
pub const MAX_REPEAT_MINUTES: u16 = 240;

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn moment_name(m: FamilyMoment) -> String {
    serde_json::to_value(m).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Parses `HH:MM` (also `H:MM`), naming the field when it is not a time.
pub fn parse_time(field: &str, s: &str) -> Result<NaiveTime, CommandError> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| CommandError::invalid(format!("{field}: type a time like 07:30 (got '{}')", s.trim())))
}

impl AppSettings {
    pub fn from_parts(caregiver: Option<String>, prefs: &Prefs, moments: &MomentTimes) -> Self {
        Self {
            caregiver,
            language: prefs.language,
            sound: prefs.sound,
            reminders: ReminderSettings {
                enabled: prefs.reminders.enabled,
                moments: FamilyMoment::ALL
                    .iter()
                    .map(|m| MomentTimeView { moment: moment_name(*m), time: hhmm(moments.time_of(*m)) })
                    .collect(),
                quiet_start: hhmm(prefs.reminders.quiet_start),
                quiet_end: hhmm(prefs.reminders.quiet_end),
                repeat_after_minutes: prefs.reminders.repeat_after_minutes,
            },
            pain_scale: match prefs.pain_scale {
                homeplay_device::PainScale::Faces => PainScale::Faces,
                homeplay_device::PainScale::Numbers => PainScale::Numbers,
            },
        }
    }

    /// The preferences and moment times these settings stand for, or the first field that is wrong.
    pub fn to_parts(&self) -> Result<(Prefs, MomentTimes), CommandError> {
        let r = &self.reminders;
        let mut moments = MomentTimes::default();
        for m in &r.moments {
            let moment: FamilyMoment = serde_json::from_value(serde_json::Value::String(m.moment.clone()))
                .map_err(|_| CommandError::invalid(format!("moment: '{}' is not a moment of the day", m.moment)))?;
            moments.0.insert(moment, parse_time(&m.moment, &m.time)?);
        }
        if r.repeat_after_minutes > MAX_REPEAT_MINUTES {
            return Err(CommandError::invalid(format!(
                "repeat_after_minutes: at most {MAX_REPEAT_MINUTES} minutes (0 for no repeat)"
            )));
        }
        let prefs = Prefs {
            language: self.language,
            sound: self.sound,
            reminders: ReminderPrefs {
                enabled: r.enabled,
                quiet_start: parse_time("quiet_start", &r.quiet_start)?,
                quiet_end: parse_time("quiet_end", &r.quiet_end)?,
                repeat_after_minutes: r.repeat_after_minutes,
            },
            pain_scale: match self.pain_scale {
                PainScale::Faces => homeplay_device::PainScale::Faces,
                PainScale::Numbers => homeplay_device::PainScale::Numbers,
            },
        };
        Ok((prefs, moments))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn defaults_round_trip_and_bad_times_name_their_field() {
        let s = AppSettings::from_parts(Some("Mum".into()), &Prefs::default(), &MomentTimes::default());
        assert_eq!(s.reminders.moments.len(), 7);
        assert_eq!(s.reminders.moments[0], MomentTimeView { moment: "wake_up".into(), time: "07:00".into() });
        assert_eq!((s.reminders.quiet_start.as_str(), s.reminders.quiet_end.as_str()), ("20:30", "07:00"));
        let (prefs, moments) = s.to_parts().unwrap();
        assert_eq!(AppSettings::from_parts(Some("Mum".into()), &prefs, &moments), s);
        assert_eq!(s.pain_scale, PainScale::Faces);
        let numbers = AppSettings { pain_scale: PainScale::Numbers, ..s.clone() };
        let (prefs, moments) = numbers.to_parts().unwrap();
        assert_eq!(AppSettings::from_parts(Some("Mum".into()), &prefs, &moments).pain_scale, PainScale::Numbers);

        let mut bad = s.clone();
        bad.reminders.quiet_end = "25:00".into();
        assert!(bad.to_parts().unwrap_err().message.starts_with("quiet_end:"));
        let mut bad = s.clone();
        bad.reminders.moments[6].time = "late".into();
        assert!(bad.to_parts().unwrap_err().message.starts_with("bedtime:"));
        let mut bad = s;
        bad.reminders.moments[0].moment = "siesta".into();
        assert!(bad.to_parts().unwrap_err().message.starts_with("moment:"));
    }
}
