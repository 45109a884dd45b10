//! Which reminders are due: for each child's time of day (a family moment or a clock time) that has come today
//! and is not all logged, one reminder, then one gentle repeat if still nothing was logged; never in quiet
//! hours, nothing when switched off. Pure, so the desktop device and the phone web app remind alike: the
//! caller gives the moments of today's lists, what was already sent and the time, and keeps what was sent.

use crate::assignment::SlotTime;
use crate::ids::ChildId;
use crate::time::hm;
use chrono::{NaiveDate, NaiveTime, TimeDelta};
use serde::{Deserialize, Serialize};

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

/// A reminder older than this is not worth sending: opening the laptop at four should not replay the morning.
pub const STALE_AFTER: TimeDelta = TimeDelta::hours(2);

/// One time of day on one child's list today, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MomentDue {
    pub child_id: ChildId,
    pub child_name: String,
    /// The child's local date and clock now.
    pub date: NaiveDate,
    pub local_now: NaiveTime,
    pub slot: SlotTime,
    /// The family's clock time for the slot.
    pub clock: NaiveTime,
    pub expected: u32,
    pub logged: u32,
}

/// What was sent for one child's time of day on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentReminder {
    pub child_id: ChildId,
    pub date: NaiveDate,
    pub slot: SlotTime,
    pub first_ms: i64,
    pub repeated: bool,
}

/// A reminder to show now: "Bedtime: 2 activities for Lea".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub child_id: ChildId,
    pub child_name: String,
    pub date: NaiveDate,
    pub slot: SlotTime,
    /// Activities of that time not logged yet.
    pub remaining: u32,
    pub repeat: bool,
}

impl SentReminder {
    fn is_for(&self, m: &MomentDue) -> bool {
        self.child_id == m.child_id && self.date == m.date && self.slot == m.slot
    }
}

/// The reminders due at `now_ms` (wall clock), given what was already `sent`.
pub fn due_reminders(
    moments: &[MomentDue],
    prefs: &ReminderPrefs,
    sent: &[SentReminder],
    now_ms: i64,
) -> Vec<Reminder> {
    if !prefs.enabled {
        return Vec::new();
    }
    let mut out = Vec::new();
    for m in moments {
        if m.logged >= m.expected || prefs.is_quiet(m.local_now) {
            continue;
        }
        let remind = |repeat| Reminder {
            child_id: m.child_id,
            child_name: m.child_name.clone(),
            date: m.date,
            slot: m.slot,
            remaining: m.expected - m.logged,
            repeat,
        };
        match sent.iter().find(|s| s.is_for(m)) {
            None => {
                // Times of day never wrap here: a moment belongs to the date it is on.
                let since = m.local_now.signed_duration_since(m.clock);
                if since >= TimeDelta::zero() && since < STALE_AFTER {
                    out.push(remind(false));
                }
            }
            Some(s) if !s.repeated && prefs.repeat_after_minutes > 0 && m.logged == 0 => {
                let at = s.first_ms + i64::from(prefs.repeat_after_minutes) * 60_000;
                if now_ms >= at && now_ms - at < STALE_AFTER.num_milliseconds() {
                    out.push(remind(true));
                }
            }
            Some(_) => {}
        }
    }
    out
}

/// Records that `due` were sent at `now_ms`, forgetting entries older than yesterday.
pub fn note_sent(sent: &mut Vec<SentReminder>, due: &[Reminder], now_ms: i64) {
    for r in due {
        match sent.iter_mut().find(|s| s.child_id == r.child_id && s.date == r.date && s.slot == r.slot) {
            Some(s) => s.repeated = true,
            None => sent.push(SentReminder {
                child_id: r.child_id,
                date: r.date,
                slot: r.slot,
                first_ms: now_ms,
                repeated: false,
            }),
        }
    }
    if let Some(newest) = sent.iter().map(|s| s.date).max() {
        sent.retain(|s| s.date >= newest - TimeDelta::days(1));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::assignment::FamilyMoment;

    const CHILD: &str = "01936f4e-0000-7000-8000-0000000c0001";
    const MIN: i64 = 60_000;

    fn bedtime(local_now: NaiveTime, logged: u32) -> MomentDue {
        MomentDue {
            child_id: CHILD.parse().unwrap(),
            child_name: "Lea".into(),
            date: "2026-03-04".parse().unwrap(),
            local_now,
            slot: SlotTime::Moment { moment: FamilyMoment::Bedtime },
            clock: hm(19, 30),
            expected: 2,
            logged,
        }
    }

    fn prefs() -> ReminderPrefs {
        ReminderPrefs { quiet_start: hm(21, 0), ..ReminderPrefs::default() }
    }

    /// Runs the rules at `local_now`, with the wall clock in step (minutes since 00:00), and remembers the sends.
    fn at(sent: &mut Vec<SentReminder>, prefs: &ReminderPrefs, local_now: NaiveTime, logged: u32) -> Vec<Reminder> {
        let now_ms = i64::from(local_now.signed_duration_since(NaiveTime::MIN).num_minutes() as i32) * MIN;
        let due = due_reminders(&[bedtime(local_now, logged)], prefs, sent, now_ms);
        note_sent(sent, &due, now_ms);
        due
    }

    #[test]
    fn not_yet_time_then_due_once() {
        let mut sent = Vec::new();
        assert!(at(&mut sent, &prefs(), hm(19, 29), 0).is_empty(), "not yet time");
        let due = at(&mut sent, &prefs(), hm(19, 30), 0);
        assert_eq!(due.len(), 1);
        assert_eq!((due[0].remaining, due[0].repeat, due[0].child_name.as_str()), (2, false, "Lea"));
        assert!(at(&mut sent, &prefs(), hm(19, 31), 0).is_empty(), "already sent");
        assert_eq!(sent.len(), 1);
    }

    #[test]
    fn one_gentle_repeat_if_still_nothing_logged() {
        let mut sent = Vec::new();
        assert_eq!(at(&mut sent, &prefs(), hm(19, 35), 0).len(), 1);
        assert!(at(&mut sent, &prefs(), hm(20, 4), 0).is_empty(), "repeat after 30 minutes, not before");
        let again = at(&mut sent, &prefs(), hm(20, 5), 0);
        assert_eq!(again.len(), 1);
        assert!(again[0].repeat);
        assert!(at(&mut sent, &prefs(), hm(20, 40), 0).is_empty(), "only one repeat");

        // Something was logged in between: no repeat.
        let mut sent = Vec::new();
        assert_eq!(at(&mut sent, &prefs(), hm(19, 35), 0).len(), 1);
        assert!(at(&mut sent, &prefs(), hm(20, 10), 1).is_empty());

        let no_repeat = ReminderPrefs { repeat_after_minutes: 0, ..prefs() };
        let mut sent = Vec::new();
        assert_eq!(at(&mut sent, &no_repeat, hm(19, 35), 0).len(), 1);
        assert!(at(&mut sent, &no_repeat, hm(20, 30), 0).is_empty());
    }

    #[test]
    fn all_logged_means_no_reminder_and_partly_logged_names_the_rest() {
        let mut sent = Vec::new();
        assert!(at(&mut sent, &prefs(), hm(19, 40), 2).is_empty());
        let due = at(&mut sent, &prefs(), hm(19, 41), 1);
        assert_eq!(due[0].remaining, 1);
    }

    #[test]
    fn never_in_quiet_hours_across_midnight() {
        let late = ReminderPrefs { quiet_start: hm(19, 0), quiet_end: hm(6, 30), ..prefs() };
        let mut sent = Vec::new();
        assert!(at(&mut sent, &late, hm(19, 30), 0).is_empty());
        assert!(at(&mut sent, &late, hm(20, 0), 0).is_empty());
        assert!(sent.is_empty());

        // A wake-up reminder at 06:15 waits for the end of the night, then comes.
        let wake = |local_now| MomentDue {
            slot: SlotTime::Moment { moment: FamilyMoment::WakeUp },
            clock: hm(6, 15),
            ..bedtime(local_now, 0)
        };
        assert!(due_reminders(&[wake(hm(6, 20))], &late, &[], 0).is_empty());
        assert_eq!(due_reminders(&[wake(hm(6, 30))], &late, &[], 0).len(), 1);
    }

    #[test]
    fn nothing_when_disabled_or_stale() {
        let off = ReminderPrefs { enabled: false, ..prefs() };
        assert!(at(&mut Vec::new(), &off, hm(19, 30), 0).is_empty());
        assert!(at(&mut Vec::new(), &prefs(), hm(21, 31), 0).is_empty(), "two hours late is too late");
    }

    #[test]
    fn what_was_sent_is_kept_for_today_and_yesterday_only() {
        let mut sent = Vec::new();
        let day = |date: &str| Reminder {
            date: date.parse().unwrap(),
            ..due_reminders(&[bedtime(hm(19, 30), 0)], &prefs(), &[], 0).remove(0)
        };
        let (d1, d2, d3) = (day("2026-03-02"), day("2026-03-03"), day("2026-03-04"));
        note_sent(&mut sent, &[d1], 0);
        note_sent(&mut sent, &[d2], 0);
        note_sent(&mut sent, &[d3], 0);
        let dates: Vec<String> = sent.iter().map(|s| s.date.to_string()).collect();
        assert_eq!(dates, ["2026-03-03", "2026-03-04"]);
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
