//! The shell's part of reminders: every little while, ask the device which are due and show them as desktop
//! notifications. The rules (times, quiet hours, the one repeat, what was sent) are in `homeplay-device`.

use homeplay_core::assignment::{FamilyMoment, SlotTime};
use homeplay_device::{Engine, Language, Reminder};
use std::sync::Arc;
use std::time::Duration;

/// How often the device is asked; a reminder comes at most this late.
pub const CHECK_EVERY: Duration = Duration::from_secs(45);

fn moment_label(lang: Language, m: FamilyMoment) -> &'static str {
    use FamilyMoment::*;
    let [wake_up, breakfast, lunch, after_school, dinner, bath, bedtime] = match lang {
        Language::En => ["Wake-up", "Breakfast", "Lunch", "After school", "Dinner", "Bath time", "Bedtime"],
        Language::Es => [
            "Al despertar",
            "Desayuno",
            "Almuerzo",
            "Después de la escuela",
            "Cena",
            "Hora del baño",
            "Antes de dormir",
        ],
        Language::Fr => {
            ["Au réveil", "Petit-déjeuner", "Déjeuner", "Après l’école", "Dîner", "Heure du bain", "Au coucher"]
        }
        Language::Pt => {
            ["Ao acordar", "Café da manhã", "Almoço", "Depois da escola", "Jantar", "Hora do banho", "Hora de dormir"]
        }
        Language::Ar => ["عند الاستيقاظ", "الفطور", "الغداء", "بعد المدرسة", "العشاء", "وقت الاستحمام", "وقت النوم"],
        Language::ZhHans => ["起床", "早餐", "午餐", "放学后", "晚餐", "洗澡时间", "睡前"],
        Language::Vi => ["Khi thức dậy", "Bữa sáng", "Bữa trưa", "Sau giờ học", "Bữa tối", "Giờ tắm", "Giờ đi ngủ"],
        Language::Pl => ["Po przebudzeniu", "Śniadanie", "Obiad", "Po szkole", "Kolacja", "Kąpiel", "Przed snem"],
    };
    match m {
        WakeUp => wake_up,
        Breakfast => breakfast,
        Lunch => lunch,
        AfterSchool => after_school,
        Dinner => dinner,
        Bath => bath,
        Bedtime => bedtime,
    }
}

fn slot_label(lang: Language, slot: &SlotTime) -> String {
    match slot {
        SlotTime::Moment { moment } => moment_label(lang, *moment).to_owned(),
        SlotTime::At { time } => time.format("%H:%M").to_string(),
        SlotTime::Anytime => String::new(),
    }
}

/// "2 activities" with the plural form the language needs for a whole number (CLDR's rules for integers; the
/// same words as the phone's `reminder.due` in `ui/family/i18n/`).
fn activities(lang: Language, n: u32) -> String {
    let (tens, hundreds) = (n % 10, n % 100);
    match lang {
        Language::En => format!("{n} {}", if n == 1 { "activity" } else { "activities" }),
        Language::Es => format!("{n} {}", if n == 1 { "actividad" } else { "actividades" }),
        Language::Fr => format!("{n} {}", if n <= 1 { "activité" } else { "activités" }),
        Language::Pt => format!("{n} {}", if n <= 1 { "atividade" } else { "atividades" }),
        Language::Ar => match (n, hundreds) {
            (1, _) => "نشاط واحد".to_owned(),
            (2, _) => "نشاطان".to_owned(),
            (_, 3..=10) => format!("{n} أنشطة"),
            (_, 11..=99) => format!("{n} نشاطًا"),
            _ => format!("{n} نشاط"),
        },
        Language::ZhHans => format!("{n} 项活动"),
        Language::Vi => format!("{n} hoạt động"),
        Language::Pl => match (n, tens, hundreds) {
            (1, _, _) => "1 ćwiczenie".to_owned(),
            (_, 2..=4, h) if !(12..=14).contains(&h) => format!("{n} ćwiczenia"),
            _ => format!("{n} ćwiczeń"),
        },
    }
}

/// The notification's title and body: ("homeplay", "Bedtime: 2 activities for Lea").
pub fn text(lang: Language, r: &Reminder) -> (String, String) {
    let slot = slot_label(lang, &r.slot);
    let (what, name) = (activities(lang, r.remaining), &r.child_name);
    let body = match lang {
        Language::En => format!("{slot}: {what} for {name}"),
        Language::Es => format!("{slot}: {what} para {name}"),
        Language::Fr => format!("{slot} : {what} pour {name}"),
        Language::Pt => format!("{slot}: {what} para {name}"),
        Language::Ar => format!("{slot}: {what} لـ{name}"),
        Language::ZhHans => format!("{slot}：{name} 有 {what}"),
        Language::Vi => format!("{slot}: {what} cho {name}"),
        Language::Pl => format!("{slot}: {what} ({name})"),
    };
    if !r.repeat {
        return ("homeplay".to_owned(), body);
    }
    let still = match lang {
        Language::En => "Still to do",
        Language::Es => "Aún pendiente",
        Language::Fr => "Encore à faire",
        Language::Pt => "Ainda por fazer",
        Language::Ar => "لم يُنجز بعد",
        Language::ZhHans => "还没做",
        Language::Vi => "Vẫn chưa làm",
        Language::Pl => "Jeszcze do zrobienia",
    };
    ("homeplay".to_owned(), format!("{still} · {body}"))
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

    #[test]
    fn counts_take_the_plural_form_each_language_needs() {
        let lunch = SlotTime::Moment { moment: FamilyMoment::Lunch };
        let pl = |n| text(Language::Pl, &reminder(n, false, lunch)).1;
        assert_eq!(
            [pl(1), pl(3), pl(5), pl(13), pl(22)].map(|t| t.split(": ").nth(1).unwrap().to_owned()),
            ["1 ćwiczenie (Lea)", "3 ćwiczenia (Lea)", "5 ćwiczeń (Lea)", "13 ćwiczeń (Lea)", "22 ćwiczenia (Lea)"]
        );
        let ar = |n| activities(Language::Ar, n);
        assert_eq!([ar(1), ar(2), ar(3), ar(11), ar(100)], ["نشاط واحد", "نشاطان", "3 أنشطة", "11 نشاطًا", "100 نشاط"]);
        assert_eq!(text(Language::ZhHans, &reminder(2, false, lunch)).1, "午餐：Lea 有 2 项活动");
    }
}
