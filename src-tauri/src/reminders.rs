//! The shell's part of reminders: every little while, ask the device which are due and show them as desktop
//! notifications. The rules (times, quiet hours, the one repeat, what was sent) are in `homeplay-device`.

use homeplay_core::assignment::{FamilyMoment, SlotTime};
use homeplay_device::{Engine, Language, Reminder};
use std::sync::Arc;
use std::time::Duration;

/// How often the device is asked; a reminder comes at most this late.
pub const CHECK_EVERY: Duration = Duration::from_secs(45);

fn moment_label(lang: Language, m: FamilyMoment) -> &'static str {
    match (lang, m) {
        (Language::En, FamilyMoment::WakeUp) => "Wake-up",
        (Language::En, FamilyMoment::Breakfast) => "Breakfast",
        (Language::En, FamilyMoment::Lunch) => "Lunch",
        (Language::En, FamilyMoment::AfterSchool) => "After school",
        (Language::En, FamilyMoment::Dinner) => "Dinner",
        (Language::En, FamilyMoment::Bath) => "Bath time",
        (Language::En, FamilyMoment::Bedtime) => "Bedtime",
        (Language::Es, FamilyMoment::WakeUp) => "Al despertar",
        (Language::Es, FamilyMoment::Breakfast) => "Desayuno",
        (Language::Es, FamilyMoment::Lunch) => "Almuerzo",
        (Language::Es, FamilyMoment::AfterSchool) => "Después de la escuela",
        (Language::Es, FamilyMoment::Dinner) => "Cena",
        (Language::Es, FamilyMoment::Bath) => "Hora del baño",
        (Language::Es, FamilyMoment::Bedtime) => "Antes de dormir",
    }
}

fn slot_label(lang: Language, slot: &SlotTime) -> String {
    match slot {
        SlotTime::Moment { moment } => moment_label(lang, *moment).to_owned(),
        SlotTime::At { time } => time.format("%H:%M").to_string(),
        SlotTime::Anytime => String::new(),
    }
}

/// The notification's title and body: ("homeplay", "Bedtime: 2 activities for Lea").
pub fn text(lang: Language, r: &Reminder) -> (String, String) {
    let slot = slot_label(lang, &r.slot);
    let n = r.remaining;
    let body = match lang {
        Language::En => {
            let what = if n == 1 { "activity" } else { "activities" };
            let still = if r.repeat { "Still to do · " } else { "" };
            format!("{still}{slot}: {n} {what} for {}", r.child_name)
        }
        Language::Es => {
            let what = if n == 1 { "actividad" } else { "actividades" };
            let still = if r.repeat { "Aún pendiente · " } else { "" };
            format!("{still}{slot}: {n} {what} para {}", r.child_name)
        }
    };
    ("homeplay".to_owned(), body)
}

/// Asks the device every [`CHECK_EVERY`] and hands each due reminder to `show`, until the app ends.
pub async fn run(engine: Arc<Engine>, show: impl Fn(String, String) + Send + 'static) {
    let mut tick = tokio::time::interval(CHECK_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let lang = match engine.prefs().await {
            Ok(p) => p.language,
            Err(e) => {
                tracing::warn!(error = %e, "reminders: cannot read preferences");
                continue;
            }
        };
        match engine.take_due_reminders(chrono::Utc::now()).await {
            Ok(due) => {
                for r in &due {
                    let (title, body) = text(lang, r);
                    show(title, body);
                }
                if !due.is_empty() {
                    tracing::info!(count = due.len(), "reminders shown");
                }
            }
            Err(e) => tracing::warn!(error = %e, "reminders: cannot check"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use chrono::NaiveTime;

    fn reminder(remaining: u32, repeat: bool, slot: SlotTime) -> Reminder {
        Reminder {
            child_id: "01936f4e-0000-7000-8000-0000000c0001".parse().unwrap(),
            child_name: "Lea".into(),
            date: "2026-03-04".parse().unwrap(),
            slot,
            remaining,
            repeat,
        }
    }

    #[test]
    fn reminders_read_naturally_in_both_languages() {
        let bedtime = SlotTime::Moment { moment: FamilyMoment::Bedtime };
        assert_eq!(text(Language::En, &reminder(2, false, bedtime)).1, "Bedtime: 2 activities for Lea");
        assert_eq!(text(Language::Es, &reminder(1, false, bedtime)).1, "Antes de dormir: 1 actividad para Lea");
        let at = SlotTime::At { time: NaiveTime::from_hms_opt(8, 15, 0).unwrap() };
        assert_eq!(text(Language::En, &reminder(1, true, at)).1, "Still to do · 08:15: 1 activity for Lea");
    }
}
