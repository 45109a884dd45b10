//! Test vectors for the rules a second client re-implements (the phone web app's TypeScript engine): the
//! hybrid logical clock, the merge rule for versions of a log, the expansion of a program into what is due,
//! the pain advice, and what the family's screens add on top: the log that stands for an occurrence and the
//! stickers, the weekly goal check-in, the first–then reward and the reminders. Every expected value here is computed by homeplay-core itself and written to
//! `shared/vectors/core.json`, which the TypeScript tests read (`ui/shared/core/vectors.test.ts`).
//!
//! `UPDATE_VECTORS=1 cargo test -p homeplay-core --test vectors` rewrites the file; otherwise this test fails
//! when the committed file is not what the core computes now, so a rule cannot change without the vectors,
//! and with them the TypeScript tests, noticing.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use homeplay_core::adherence::{adherence, streaks, week_start};
use homeplay_core::assignment::Assignment;
use homeplay_core::goal::{GoalCheckIn, check_in_week, current_check_ins, own_answer, week_answer};
use homeplay_core::hlc::{Hlc, HlcClock};
use homeplay_core::log::{CompletionLog, merge};
use homeplay_core::occurrence::{current_versions, standing_logs, stickers};
use homeplay_core::pain::PainScore;
use homeplay_core::reminders::{MomentDue, ReminderPrefs, STALE_AFTER, SentReminder, due_reminders, note_sent};
use homeplay_core::routine::Routine;
use homeplay_core::schedule::expand;
use homeplay_core::time::{DateRange, TimeZoneName};
use serde_json::{Value, json};
use std::path::PathBuf;

/// Each step of a clock's life: a local event, or a reading seen from another node.
fn hlc_vectors() -> Value {
    enum Step {
        Tick(u64),
        Observe(Hlc, u64),
    }
    let scripts: [(Hlc, Vec<Step>); 4] = [
        // Wall time moves on; several events in one millisecond; the wall clock going back.
        (
            Hlc::new(0, 0),
            vec![Step::Tick(1_000), Step::Tick(1_000), Step::Tick(1_000), Step::Tick(2_000), Step::Tick(1_500)],
        ),
        // A remote reading ahead of ours, then local events while our wall clock lags behind it.
        (
            Hlc::new(1_000, 3),
            vec![
                Step::Observe(Hlc::new(5_000, 7), 1_200),
                Step::Tick(1_300),
                Step::Tick(6_000),
                Step::Observe(Hlc::new(6_000, 9), 6_000),
            ],
        ),
        // Readings behind ours, and equal walls on all three sides.
        (
            Hlc::new(9_000, 2),
            vec![Step::Observe(Hlc::new(4_000, 0), 8_000), Step::Observe(Hlc::new(9_000, 5), 9_000), Step::Tick(9_000)],
        ),
        // A reading more than a day ahead of the wall clock is refused and changes nothing.
        (
            Hlc::new(100, 0),
            vec![
                Step::Observe(Hlc::new(100 + HlcClock::MAX_AHEAD_MS + 1_001, 0), 1_000),
                Step::Observe(Hlc::new(1_000 + HlcClock::MAX_AHEAD_MS, 0), 1_000),
                Step::Tick(1_000),
            ],
        ),
    ];
    let cases: Vec<Value> = scripts
        .into_iter()
        .map(|(start, steps)| {
            let mut clock = HlcClock::resume(start);
            let steps: Vec<Value> = steps
                .into_iter()
                .map(|step| match step {
                    Step::Tick(physical_ms) => json!({"op": "tick", "physical_ms": physical_ms, "expect": clock.tick(physical_ms)}),
                    Step::Observe(remote, physical_ms) => match clock.observe(remote, physical_ms) {
                        Ok(h) => json!({"op": "observe", "remote": remote, "physical_ms": physical_ms, "expect": h}),
                        Err(_) => json!({"op": "observe", "remote": remote, "physical_ms": physical_ms, "expect": "clock_skew",
                                         "then": clock.last()}),
                    },
                })
                .collect();
            json!({"start": start, "steps": steps})
        })
        .collect();
    json!({"max_ahead_ms": HlcClock::MAX_AHEAD_MS, "cases": cases})
}

fn log(changes: Value) -> CompletionLog {
    let mut base = json!({
        "id": "01936f52-1c00-7a10-8b20-3c40d50e6f70",
        "child_id": "01936f4e-0000-7000-8000-0000000c0001",
        "assignment_id": "01936f4e-0000-7000-8000-0000000a0001",
        "exercise_id": "6bee5186-956d-596c-b5e9-07ae3131bd25",
        "occurrence": { "date": "2026-03-04", "slot": 0 },
        "outcome": { "status": "done" },
        "pain": false,
        "recorded_by": { "kind": "caregiver", "name": "Mum" },
        "device_id": "01936f4e-8a2b-7c3d-9e4f-5a6b7c8d9e0f",
        "hlc": { "wall_ms": 1_772_638_200_000u64, "counter": 0 },
        "undone": false
    });
    for (k, v) in changes.as_object().unwrap() {
        base[k] = v.clone();
    }
    serde_json::from_value(base).unwrap()
}

/// Pairs of versions of one log and which one stands. The rule is the same whichever comes first.
fn merge_vectors() -> Value {
    let other_device = "01936f4e-8a2b-7c3d-9e4f-5a6b7c8d9e1a";
    let pairs = [
        (
            "a later clock wins",
            json!({}),
            json!({"hlc": {"wall_ms": 1_772_638_260_000u64, "counter": 0}, "outcome": {"status": "partly"}}),
        ),
        (
            "same millisecond: the greater counter wins",
            json!({"hlc": {"wall_ms": 1_772_638_200_000u64, "counter": 4}}),
            json!({"hlc": {"wall_ms": 1_772_638_200_000u64, "counter": 2}, "undone": true}),
        ),
        (
            "same reading: the greater device id wins",
            json!({"outcome": {"status": "not_done", "reason": "sick"}}),
            json!({"device_id": other_device}),
        ),
        (
            "an undo stands over the tick it undoes",
            json!({"hlc": {"wall_ms": 1_772_638_200_000u64, "counter": 0}}),
            json!({"hlc": {"wall_ms": 1_772_638_200_001u64, "counter": 0}, "undone": true, "recorded_by": {"kind": "caregiver", "name": "Grandma"}}),
        ),
        (
            "the clock decides, not the wall time of the kid-mode tick",
            json!({"hlc": {"wall_ms": 1_772_638_300_000u64, "counter": 0}, "recorded_by": {"kind": "kid_mode"}}),
            json!({"hlc": {"wall_ms": 1_772_638_299_999u64, "counter": 9}, "pain_score": 8, "pain": true}),
        ),
        ("the same version twice", json!({}), json!({})),
    ];
    let cases: Vec<Value> = pairs
        .into_iter()
        .map(|(name, a, b)| {
            let (a, b) = (log(a), log(b));
            let won = merge(a.clone(), b.clone()).unwrap();
            assert_eq!(won, merge(b.clone(), a.clone()).unwrap(), "{name}: the rule commutes");
            let winner = if won == b && won != a { "b" } else { "a" };
            json!({"name": name, "a": a, "b": b, "winner": winner})
        })
        .collect();
    json!({"cases": cases})
}

fn assignment(changes: Value) -> Assignment {
    let mut base = json!({
        "id": "01936f4e-0000-7000-8000-0000000a0001",
        "child_id": "01936f4e-0000-7000-8000-0000000c0001",
        "target": { "kind": "exercise", "exercise_id": "6bee5186-956d-596c-b5e9-07ae3131bd25" },
        "assigned_by": "01936f4e-0000-7000-8000-00000000d001",
        "start_date": "2026-03-02",
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "slots": [{ "kind": "moment", "moment": "after_school" }],
        "status": "active"
    });
    for (k, v) in changes.as_object().unwrap() {
        base[k] = v.clone();
    }
    serde_json::from_value(base).unwrap()
}

/// Programs and date ranges, and everything due in them, in the order the core lists it.
fn schedule_vectors() -> Value {
    let routine: Routine = serde_json::from_value(json!({
        "id": "01936f4e-0000-7000-8000-0000000d0001",
        "clinic_id": "01936f4e-0000-7000-8000-00000000c11c",
        "title": "Fine-motor warm-up",
        "kid_title": "Warm up your hands!",
        "items": ["82e7c01d-b0f3-596f-b895-2e077075dfc2", "6bee5186-956d-596c-b5e9-07ae3131bd25", "d64f2c09-b319-5eb1-a034-4648af6d058f"],
        "then_reward": { "label": "Bubbles!" }
    }))
    .unwrap();
    let a2 = "01936f4e-0000-7000-8000-0000000a0002";
    let a3 = "01936f4e-0000-7000-8000-0000000a0003";
    let programs = [
        ("every day, one moment", vec![assignment(json!({}))], "2026-03-01", "2026-03-08"),
        (
            "assigned after a start chosen in the past: nothing due before it was assigned; an end date",
            vec![assignment(
                json!({"start_date": "2026-02-20", "assigned_on": "2026-03-04", "end_date": "2026-03-10"}),
            )],
            "2026-02-25",
            "2026-03-14",
        ),
        (
            "school days, two pauses (one resumed), a clock time and any time",
            vec![assignment(json!({
                "days": ["mon", "tue", "wed", "thu", "fri"],
                "slots": [{"kind": "anytime"}, {"kind": "at", "time": "16:45"}],
                "pauses": [{"from": "2026-03-04", "until": "2026-03-06"}, {"from": "2026-03-12"}]
            }))],
            "2026-03-02",
            "2026-03-15",
        ),
        (
            "a routine of three after an exercise at wake-up; a routine not synced yet stands for nothing",
            vec![
                assignment(json!({"id": a2, "target": {"kind": "routine", "routine_id": routine.id},
                                   "slots": [{"kind": "moment", "moment": "bedtime"}, {"kind": "moment", "moment": "wake_up"}]})),
                assignment(
                    json!({"id": a3, "slots": [{"kind": "moment", "moment": "wake_up"}], "days": ["sat", "sun"]}),
                ),
                assignment(json!({"id": "01936f4e-0000-7000-8000-0000000a0004",
                                   "target": {"kind": "routine", "routine_id": "01936f4e-0000-7000-8000-0000000d0009"}})),
            ],
            "2026-03-06",
            "2026-03-09",
        ),
    ];
    let cases: Vec<Value> = programs
        .into_iter()
        .map(|(name, assignments, first, last)| {
            let range = DateRange::new(date(first), date(last)).unwrap();
            let due = expand(&assignments, std::slice::from_ref(&routine), range);
            let due: Vec<Value> = due
                .iter()
                .map(|e| {
                    json!({"assignment_id": e.assignment_id, "exercise_id": e.exercise_id,
                                 "date": e.occurrence.date, "slot": e.occurrence.slot, "position": e.position})
                })
                .collect();
            json!({"name": name, "assignments": assignments, "routines": [routine.clone()],
                   "first": first, "last": last, "due": due})
        })
        .collect();
    json!({"cases": cases})
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A log of `exercise` for `assignment` on `date`, slot `slot`, as the wire carries it.
fn tick(
    n: u8,
    (assignment, exercise): (&str, &str),
    (date, slot): (&str, u8),
    outcome: Value,
    who: &str,
    undone: bool,
) -> CompletionLog {
    log(json!({
        "id": format!("01936f52-1c00-7a10-8b20-3c40d50e70{n:02x}"),
        "assignment_id": assignment, "exercise_id": exercise,
        "occurrence": {"date": date, "slot": slot}, "outcome": outcome,
        "recorded_by": {"kind": "caregiver", "name": who}, "undone": undone,
        "hlc": {"wall_ms": 1_772_638_200_000u64 + u64::from(n), "counter": 0},
    }))
}

/// A program, the logs a family made (current versions, in the order given) and the family's today: the
/// adherence the therapist and the Week screen read (each day's status, tally and reasons; the weeks; each
/// exercise), and the streaks.
fn adherence_vectors() -> Value {
    let bear = "6bee5186-956d-596c-b5e9-07ae3131bd25";
    let (a1, a2) = ("01936f4e-0000-7000-8000-0000000a0001", "01936f4e-0000-7000-8000-0000000a0002");
    let routine: Routine = serde_json::from_value(json!({
        "id": "01936f4e-0000-7000-8000-0000000d0001", "clinic_id": "01936f4e-0000-7000-8000-00000000c11c",
        "title": "Hands", "kid_title": "Hands!",
        "items": ["82e7c01d-b0f3-596f-b895-2e077075dfc2", "d64f2c09-b319-5eb1-a034-4648af6d058f"]
    }))
    .unwrap();
    let (buttons, crab) = ("82e7c01d-b0f3-596f-b895-2e077075dfc2", "d64f2c09-b319-5eb1-a034-4648af6d058f");
    let program = vec![
        assignment(
            json!({"slots": [{"kind": "moment", "moment": "after_school"}, {"kind": "moment", "moment": "bedtime"}]}),
        ),
        assignment(json!({"id": a2, "target": {"kind": "routine", "routine_id": routine.id},
                           "days": ["mon", "tue", "wed", "thu", "fri"], "slots": [{"kind": "moment", "moment": "wake_up"}],
                           "pauses": [{"from": "2026-03-11", "until": "2026-03-12"}]})),
    ];
    let done = json!({"status": "done"});
    let partly = json!({"status": "partly"});
    let not_done = |reason: &str| json!({"status": "not_done", "reason": reason});
    let logs = vec![
        // Monday: everything.
        tick(1, (a1, bear), ("2026-03-02", 0), done.clone(), "Mum", false),
        tick(2, (a1, bear), ("2026-03-02", 1), done.clone(), "Mum", false),
        tick(3, (a2, buttons), ("2026-03-02", 0), done.clone(), "Mum", false),
        tick(4, (a2, crab), ("2026-03-02", 0), done.clone(), "Mum", false),
        // Tuesday: some, partly, and not done with two reasons.
        tick(5, (a1, bear), ("2026-03-03", 0), done.clone(), "Dad", false),
        tick(6, (a1, bear), ("2026-03-03", 1), partly.clone(), "Dad", false),
        tick(7, (a2, buttons), ("2026-03-03", 0), not_done("sick"), "Dad", false),
        tick(8, (a2, crab), ("2026-03-03", 0), not_done("refused"), "Dad", false),
        // Wednesday: nothing recorded. Thursday: Dad says not done, Mum says done: the best news, once;
        // an undone tick counts for nothing.
        tick(9, (a1, bear), ("2026-03-05", 0), not_done("no_time"), "Dad", false),
        tick(10, (a1, bear), ("2026-03-05", 0), done.clone(), "Mum", false),
        tick(11, (a1, bear), ("2026-03-05", 1), done.clone(), "Mum", true),
        tick(12, (a2, buttons), ("2026-03-05", 0), not_done("other"), "Mum", false),
        // Saturday: a routine exercise on a day it is not due (extra), logged early; and last week (outside).
        tick(13, (a2, crab), ("2026-03-07", 0), done.clone(), "Grandma", false),
        tick(14, (a1, bear), ("2026-02-27", 0), done.clone(), "Mum", false),
        // The next week: Monday and Tuesday done, Wednesday's routine paused, Wednesday's bear not done.
        tick(15, (a1, bear), ("2026-03-09", 0), done.clone(), "Mum", false),
        tick(16, (a2, buttons), ("2026-03-10", 0), partly, "Mum", false),
        tick(17, (a1, bear), ("2026-03-11", 1), not_done("sick"), "Mum", false),
    ];
    let cases: Vec<Value> = [
        ("2026-03-02", "2026-03-08", "2026-03-05"),
        ("2026-03-02", "2026-03-15", "2026-03-12"),
        ("2026-03-02", "2026-03-15", "2026-03-20"),
    ]
    .into_iter()
    .map(|(first, last, today)| {
        let range = DateRange::new(date(first), date(last)).unwrap();
        let expected = expand(&program, std::slice::from_ref(&routine), range);
        let report = adherence(&expected, &logs, range, date(today));
        let week_starts: Vec<NaiveDate> = report.days.iter().map(|d| week_start(d.date)).collect();
        json!({"assignments": program, "routines": [routine.clone()], "logs": logs, "first": first, "last": last,
                   "today": today, "adherence": report, "streaks": streaks(&report.days), "week_starts": week_starts})
    })
    .collect();
    json!({"cases": cases})
}

/// Zones with daylight-saving changes (an hour in New York and London, half an hour on Lord Howe Island) and
/// one without (Kiritimati, UTC+14), on the days around each change.
const ZONES: [(&str, [&str; 6]); 4] = [
    ("America/New_York", ["2026-03-07", "2026-03-08", "2026-03-09", "2026-10-31", "2026-11-01", "2026-11-02"]),
    ("Europe/London", ["2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24", "2026-10-25", "2026-10-26"]),
    ("Australia/Lord_Howe", ["2026-04-04", "2026-04-05", "2026-04-06", "2026-10-03", "2026-10-04", "2026-10-05"]),
    ("Pacific/Kiritimati", ["2026-01-01", "2026-03-08", "2026-06-30", "2026-10-04", "2026-12-31", "2027-01-01"]),
];

/// When a local date and clock time happens in a family's zone (`TimeZoneName::instant_of`, which places a
/// reminder and orders a day): a time skipped by a spring-forward change is the moment the clocks jump, a
/// repeated one its first occurrence. Family moments' typical times and clock times inside the changes.
fn instant_vectors() -> Value {
    let times = [
        "00:00", "00:30", "01:00", "01:30", "01:59", "02:00", "02:15", "02:30", "02:45", "03:00", "07:00", "15:30",
        "23:59",
    ];
    let mut cases = Vec::new();
    for (zone, dates) in ZONES {
        let tz = TimeZoneName::new(zone).unwrap();
        for d in dates {
            for t in times {
                let local = date(d).and_time(chrono::NaiveTime::parse_from_str(t, "%H:%M").unwrap());
                let instant = tz.instant_of(local);
                cases.push(json!({"zone": zone, "date": d, "time": t, "instant": instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)}));
            }
        }
    }
    json!({"cases": cases})
}

/// The family's local date of an instant (`TimeZoneName::local_date`: which day a tick at that moment is for),
/// hour by hour across each change day.
fn local_date_vectors() -> Value {
    let mut cases = Vec::new();
    for (zone, dates) in ZONES {
        let tz = TimeZoneName::new(zone).unwrap();
        for d in [dates[1], dates[4]] {
            let midnight = date(d).and_hms_opt(0, 0, 0).unwrap().and_utc();
            for h in (-16..=16).step_by(4) {
                let instant = midnight + chrono::TimeDelta::hours(h) + chrono::TimeDelta::minutes(30);
                cases.push(json!({"zone": zone, "instant": instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                                  "date": tz.local_date(instant)}));
            }
        }
    }
    json!({"cases": cases})
}

/// For every score and a few clinic thresholds: whether the family is told to stop and tell the therapist.
fn pain_vectors() -> Value {
    let mut cases = Vec::new();
    for advice_at in [1u8, 4, 6, 10] {
        for score in PainScore::MIN..=PainScore::MAX {
            let s = PainScore::new(score).unwrap();
            cases.push(json!({"score": score, "advice_at": advice_at, "hurts": s.hurts(), "advice": s.needs_advice(advice_at)}));
        }
    }
    json!({"cases": cases})
}

/// A small deterministic generator, so the vectors are many without being hand-written and the same on
/// every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

const MUM_DEVICE: &str = "01936f4e-8a2b-7c3d-9e4f-5a6b7c8d9e0f";
const DAD_DEVICE: &str = "01936f4e-8a2b-7c3d-9e4f-5a6b7c8d9e1a";
/// 2030-03-04 00:00 UTC, a Monday, in milliseconds.
const WALL_2030: u64 = 1_898_812_800_000;

/// One version of a log about `occurrence` (0–3: two slots on two days, the second day's for a routine's
/// exercise), made on `device` at `(wall, counter)`.
fn version(
    n: u8,
    occurrence: u64,
    device: &str,
    (wall, counter): (u64, u32),
    outcome: Value,
    kid: bool,
    undone: bool,
) -> CompletionLog {
    let (assignment, exercise, date, slot) = [
        ("01936f4e-0000-7000-8000-0000000a0001", "6bee5186-956d-596c-b5e9-07ae3131bd25", "2030-03-04", 0),
        ("01936f4e-0000-7000-8000-0000000a0001", "6bee5186-956d-596c-b5e9-07ae3131bd25", "2030-03-04", 1),
        ("01936f4e-0000-7000-8000-0000000a0002", "82e7c01d-b0f3-596f-b895-2e077075dfc2", "2030-03-05", 0),
        ("01936f4e-0000-7000-8000-0000000a0002", "d64f2c09-b319-5eb1-a034-4648af6d058f", "2030-03-05", 0),
    ][usize::try_from(occurrence).unwrap()];
    let who = if device == MUM_DEVICE { "Mum" } else { "Dad" };
    let recorded_by = if kid { json!({"kind": "kid_mode"}) } else { json!({"kind": "caregiver", "name": who}) };
    log(json!({
        "id": format!("01936f52-1c00-7a10-8b20-3c40d50e71{n:02x}"),
        "assignment_id": assignment, "exercise_id": exercise,
        "occurrence": {"date": date, "slot": slot}, "outcome": outcome, "recorded_by": recorded_by,
        "device_id": device, "hlc": {"wall_ms": WALL_2030 + wall, "counter": counter}, "undone": undone,
    }))
}

fn outcome_of(pick: u64) -> Value {
    match pick {
        0 => json!({"status": "partly"}),
        1 => json!({"status": "not_done", "reason": "sick"}),
        2 => json!({"status": "not_done", "reason": "no_time"}),
        _ => json!({"status": "done"}),
    }
}

/// A family's day on two caregivers' devices, from a seed: a few logs, each ticked (sometimes in kid mode)
/// and then edited, undone and redone from either device, with clock stamps that often tie between the
/// devices; all the versions, shuffled, with the odd repeat.
fn family_day(seed: u64) -> Vec<CompletionLog> {
    let mut rng = Lcg(seed);
    let mut versions = Vec::new();
    for n in 0..(2 + rng.below(4)) {
        let n = u8::try_from(n).unwrap() + u8::try_from(seed).unwrap() * 8;
        let occurrence = rng.below(4);
        let mut device = if rng.below(2) == 0 { MUM_DEVICE } else { DAD_DEVICE };
        let mut stamp = (rng.below(4) * 1_000, u32::try_from(rng.below(2)).unwrap());
        let kid = rng.below(3) == 0;
        let mut outcome = if kid { outcome_of(3) } else { outcome_of(rng.below(5)) };
        let mut undone = false;
        let mut made: Vec<(u64, u32, &str)> = Vec::new();
        for _ in 0..(1 + rng.below(5)) {
            while made.contains(&(stamp.0, stamp.1, device)) {
                stamp.1 += 1;
            }
            made.push((stamp.0, stamp.1, device));
            versions.push(version(n, occurrence, device, stamp, outcome.clone(), kid, undone));
            // The next version: an edit of the outcome, an undo, or a redo, from either device, stamped a
            // little later or (an edit made without seeing this one) at the same reading.
            device = if rng.below(2) == 0 { MUM_DEVICE } else { DAD_DEVICE };
            stamp = match rng.below(3) {
                0 => stamp,
                1 => (stamp.0, stamp.1 + 1),
                _ => (stamp.0 + 1_000 * (1 + rng.below(2)), 0),
            };
            match rng.below(3) {
                0 => undone = !undone,
                _ => outcome = outcome_of(rng.below(5)),
            }
        }
    }
    let mut shuffled = Vec::with_capacity(versions.len());
    while !versions.is_empty() {
        let i = usize::try_from(rng.below(versions.len() as u64)).unwrap();
        let v = versions.swap_remove(i);
        if rng.below(6) == 0 {
            shuffled.push(v.clone());
        }
        shuffled.push(v);
    }
    shuffled
}

/// Versions of logs as a device receives them (its own, another caregiver's, in any order, repeated): the
/// current version of each log, the log that stands for each practice occurrence, and the stickers earned.
fn occurrence_vectors() -> Value {
    let done = || json!({"status": "done"});
    let named: Vec<(&str, Vec<CompletionLog>)> = vec![
        (
            "two caregivers tick the same occurrence: the later stands",
            vec![
                version(1, 0, DAD_DEVICE, (2_000, 0), json!({"status": "partly"}), false, false),
                version(2, 0, MUM_DEVICE, (1_000, 0), done(), false, false),
            ],
        ),
        (
            "the same reading on both devices: the greater device id stands",
            vec![
                version(3, 0, DAD_DEVICE, (1_000, 0), outcome_of(1), false, false),
                version(4, 0, MUM_DEVICE, (1_000, 0), done(), false, false),
            ],
        ),
        (
            "the later tick undone: the earlier one stands again",
            vec![
                version(5, 1, MUM_DEVICE, (1_000, 0), done(), true, false),
                version(6, 1, DAD_DEVICE, (2_000, 0), done(), false, false),
                version(6, 1, DAD_DEVICE, (3_000, 0), done(), false, true),
            ],
        ),
        (
            "undone on one device, redone on the other after seeing the undo",
            vec![
                version(7, 2, MUM_DEVICE, (3_000, 1), done(), true, true),
                version(7, 2, DAD_DEVICE, (3_000, 2), done(), true, false),
                version(7, 2, MUM_DEVICE, (1_000, 0), done(), true, false),
            ],
        ),
        (
            "an edit and an undo made without seeing each other: the greater device id decides",
            vec![
                version(8, 3, MUM_DEVICE, (1_000, 0), done(), false, false),
                version(8, 3, MUM_DEVICE, (2_000, 0), done(), false, true),
                version(8, 3, DAD_DEVICE, (2_000, 0), outcome_of(0), false, false),
            ],
        ),
    ];
    let generated = (1..=24).map(|seed| (format!("a family day, seed {seed}"), family_day(seed)));
    let cases: Vec<Value> = named
        .into_iter()
        .map(|(name, versions)| (name.to_owned(), versions))
        .chain(generated)
        .map(|(name, versions)| {
            let current = current_versions(&versions);
            let mut reversed = versions.clone();
            reversed.reverse();
            assert_eq!(current_versions(&reversed), current, "{name}: the order does not matter");
            let standing: Vec<CompletionLog> = standing_logs(&current).into_values().collect();
            let mut current_reversed = current.clone();
            current_reversed.reverse();
            assert_eq!(standing_logs(&current_reversed).into_values().collect::<Vec<_>>(), standing, "{name}");
            json!({"name": name, "versions": versions, "current": current, "standing": standing,
                   "stickers": stickers(&standing)})
        })
        .collect();
    json!({"cases": cases})
}

/// What a family's clock says on a date: (date, local time "HH:MM" or "HH:MM:SS.fff").
type LocalNow<'a> = (&'a str, &'a str);

/// One time of day on a child's list: (child 0–2, slot, the family's clock time for it, expected, logged).
type Moment<'a> = (usize, Value, &'a str, u32, u32);

/// One wake-up of the device: the family's clock then and the moments of today's lists.
type Step<'a> = (LocalNow<'a>, Vec<Moment<'a>>);

/// Runs the reminder rule over a script of wake-ups of the device, each with the moments of today's lists
/// then, remembering what was sent as the device does; every step's reminders and what is remembered after.
fn reminder_script(prefs: &ReminderPrefs, offset_ms: i64, steps: &[Step<'_>]) -> Value {
    const CHILDREN: [(&str, &str); 3] = [
        ("01936f4e-0000-7000-8000-0000000c0001", "Lea"),
        ("01936f4e-0000-7000-8000-0000000c0002", "Sam"),
        ("01936f4e-0000-7000-8000-0000000c0003", "Noor"),
    ];
    let time = |t: &str| {
        chrono::NaiveTime::parse_from_str(t, "%H:%M:%S%.f")
            .or_else(|_| chrono::NaiveTime::parse_from_str(t, "%H:%M"))
            .unwrap()
    };
    let mut sent: Vec<SentReminder> = Vec::new();
    let steps: Vec<Value> = steps
        .iter()
        .map(|((day, clock_now), moments)| {
            let local_now = time(clock_now);
            // The wall clock: the family's local time, `offset_ms` from UTC.
            let now_ms = date(day).and_time(local_now).and_utc().timestamp_millis() - offset_ms;
            let moments: Vec<MomentDue> = moments
                .iter()
                .map(|(child, slot, clock, expected, logged)| MomentDue {
                    child_id: CHILDREN[*child].0.parse().unwrap(),
                    child_name: CHILDREN[*child].1.to_owned(),
                    date: date(day),
                    local_now,
                    slot: serde_json::from_value(slot.clone()).unwrap(),
                    clock: time(clock),
                    expected: *expected,
                    logged: *logged,
                })
                .collect();
            let due = due_reminders(&moments, prefs, &sent, now_ms);
            note_sent(&mut sent, &due, now_ms);
            json!({"now_ms": now_ms, "moments": moments, "due": due, "sent": sent})
        })
        .collect();
    json!({"prefs": prefs, "steps": steps})
}

/// The reminder rule (`reminders::due_reminders` and `note_sent`) over scripts of a family's day.
fn reminder_vectors() -> Value {
    let moment = |m: &str| json!({"kind": "moment", "moment": m});
    let at = |t: &str| json!({"kind": "at", "time": t});
    let (bedtime, wake_up, after_school) = (moment("bedtime"), moment("wake_up"), moment("after_school"));
    let hm = homeplay_core::time::hm;
    let usual = ReminderPrefs::default();
    let no_quiet = ReminderPrefs { quiet_start: hm(0, 0), quiet_end: hm(0, 0), ..usual };
    let day = "2030-03-04";
    let bed = |logged: u32| vec![(0, bedtime.clone(), "19:30", 2, logged)];
    let scripts: Vec<(&str, ReminderPrefs, i64, Vec<Step<'_>>)> = vec![
        (
            "not yet time, then due once",
            usual,
            0,
            vec![((day, "19:29"), bed(0)), ((day, "19:30"), bed(0)), ((day, "19:31"), bed(0))],
        ),
        (
            "one gentle repeat when still nothing is logged, and only one",
            usual,
            0,
            vec![
                ((day, "19:35"), bed(0)),
                ((day, "20:04"), bed(0)),
                ((day, "20:05"), bed(0)),
                ((day, "20:25"), bed(0)),
            ],
        ),
        (
            "something logged in between: no repeat",
            usual,
            0,
            vec![((day, "19:35"), bed(0)), ((day, "20:10"), bed(1)), ((day, "20:20"), bed(1))],
        ),
        (
            "the repeat switched off",
            ReminderPrefs { repeat_after_minutes: 0, ..usual },
            0,
            vec![((day, "19:35"), bed(0)), ((day, "20:05"), bed(0)), ((day, "20:29"), bed(0))],
        ),
        (
            "all logged: nothing; partly logged: the rest",
            usual,
            0,
            vec![((day, "19:40"), bed(2)), ((day, "19:41"), bed(1))],
        ),
        (
            "quiet hours across midnight: bedtime in them never comes",
            ReminderPrefs { quiet_start: hm(19, 0), quiet_end: hm(6, 30), ..usual },
            0,
            vec![((day, "19:30"), bed(0)), ((day, "20:00"), bed(0)), ((day, "23:59"), bed(0))],
        ),
        (
            "quiet hours across midnight: a wake-up at 06:15 waits for their end",
            ReminderPrefs { quiet_start: hm(19, 0), quiet_end: hm(6, 30), ..usual },
            0,
            vec![
                ((day, "06:15"), vec![(0, wake_up.clone(), "06:15", 1, 0)]),
                ((day, "06:29:59.999"), vec![(0, wake_up.clone(), "06:15", 1, 0)]),
                ((day, "06:30"), vec![(0, wake_up.clone(), "06:15", 1, 0)]),
            ],
        ),
        (
            "quiet hours within the day (a nap): a clock time in them comes when they end",
            ReminderPrefs { quiet_start: hm(13, 0), quiet_end: hm(15, 0), ..usual },
            0,
            vec![
                ((day, "14:00"), vec![(1, at("14:00:00"), "14:00", 1, 0)]),
                ((day, "14:59"), vec![(1, at("14:00:00"), "14:00", 1, 0)]),
                ((day, "15:00"), vec![(1, at("14:00:00"), "14:00", 1, 0)]),
            ],
        ),
        (
            "the start of quiet hours is quiet, their end is not",
            usual,
            0,
            vec![
                ((day, "07:00"), vec![(0, wake_up.clone(), "07:00", 1, 0)]),
                ((day, "20:30"), vec![(0, at("20:30:00"), "20:30", 1, 0)]),
            ],
        ),
        (
            "equal ends mean no quiet hours",
            ReminderPrefs { quiet_start: hm(21, 0), quiet_end: hm(21, 0), ..usual },
            0,
            vec![((day, "21:00"), vec![(0, at("21:00:00"), "21:00", 1, 0)])],
        ),
        (
            "switched off: nothing, ever",
            ReminderPrefs { enabled: false, ..usual },
            0,
            vec![((day, "19:30"), bed(0)), ((day, "20:05"), bed(0))],
        ),
        ("just under two hours late: still sent", no_quiet, 0, vec![((day, "21:29:59.999"), bed(0))]),
        ("two hours late is too late", no_quiet, 0, vec![((day, "21:30"), bed(0)), ((day, "22:00"), bed(0))]),
        (
            "a repeat missed by two hours is not sent",
            no_quiet,
            0,
            vec![((day, "19:30"), bed(0)), ((day, "22:00"), bed(0)), ((day, "22:30"), bed(0))],
        ),
        (
            "a repeat just under two hours late is sent",
            no_quiet,
            0,
            vec![((day, "19:30"), bed(0)), ((day, "21:59"), bed(0))],
        ),
        (
            "a repeat that falls in quiet hours is not sent",
            usual,
            0,
            vec![
                ((day, "20:00"), vec![(0, at("20:00:00"), "20:00", 1, 0)]),
                ((day, "20:30"), vec![(0, at("20:00:00"), "20:00", 1, 0)]),
                ((day, "20:45"), vec![(0, at("20:00:00"), "20:00", 1, 0)]),
            ],
        ),
        (
            "several children: each its own reminder, none for a child with all logged",
            usual,
            0,
            vec![
                (
                    (day, "19:30"),
                    vec![
                        (0, bedtime.clone(), "19:30", 2, 0),
                        (1, bedtime.clone(), "19:30", 1, 1),
                        (2, bedtime.clone(), "19:30", 3, 1),
                    ],
                ),
                (
                    (day, "20:00"),
                    vec![
                        (0, bedtime.clone(), "19:30", 2, 0),
                        (1, bedtime.clone(), "19:30", 1, 1),
                        (2, bedtime.clone(), "19:30", 3, 1),
                    ],
                ),
            ],
        ),
        (
            "two times of one child's day, and a repeat beside a first reminder",
            usual,
            0,
            vec![
                ((day, "15:30"), vec![(0, after_school.clone(), "15:30", 1, 0), (0, at("16:00:00"), "16:00", 2, 0)]),
                ((day, "16:00"), vec![(0, after_school.clone(), "15:30", 1, 0), (0, at("16:00:00"), "16:00", 2, 0)]),
                (
                    (day, "16:30:00.5"),
                    vec![(0, after_school.clone(), "15:30", 1, 0), (0, at("16:00:00"), "16:00", 2, 0)],
                ),
            ],
        ),
        (
            "a new day: yesterday's reminder does not stand in for today's, and older ones are forgotten",
            no_quiet,
            0,
            vec![
                (("2030-03-04", "19:30"), bed(0)),
                (("2030-03-05", "19:30"), bed(0)),
                (("2030-03-06", "19:31"), bed(0)),
                (("2030-03-06", "20:01"), bed(0)),
            ],
        ),
        (
            "a family five hours behind UTC: the repeat follows the wall clock",
            usual,
            -5 * 3_600_000,
            vec![((day, "19:30"), bed(0)), ((day, "19:59"), bed(0)), ((day, "20:00"), bed(0))],
        ),
        (
            "a long repeat delay: due exactly when it is up",
            ReminderPrefs { repeat_after_minutes: 90, ..no_quiet },
            0,
            vec![
                ((day, "07:00"), vec![(0, wake_up.clone(), "07:00", 1, 0)]),
                ((day, "08:29"), vec![(0, wake_up.clone(), "07:00", 1, 0)]),
                ((day, "08:30"), vec![(0, wake_up, "07:00", 1, 0)]),
            ],
        ),
        (
            "a time of day later today is not due yet",
            no_quiet,
            0,
            vec![((day, "07:00"), vec![(0, bedtime, "19:30", 2, 0), (1, after_school, "15:30", 1, 0)])],
        ),
    ];
    let cases: Vec<Value> = scripts
        .into_iter()
        .map(|(name, prefs, offset_ms, steps)| {
            let mut case = reminder_script(&prefs, offset_ms, &steps);
            case["name"] = json!(name);
            case
        })
        .collect();
    json!({"stale_after_ms": STALE_AFTER.num_milliseconds(), "cases": cases})
}

/// The week a check-in answered at an instant is about (`goal::check_in_week`: the Monday of the family's local
/// date), every four hours around the night from Sunday to Monday in each zone, across the weeks of its
/// clock changes.
fn check_in_week_vectors() -> Value {
    let mondays = [
        ("America/New_York", ["2030-03-11", "2030-11-04"]),
        ("Europe/London", ["2030-04-01", "2030-10-28"]),
        ("Australia/Lord_Howe", ["2030-04-08", "2030-10-07"]),
        ("Pacific/Kiritimati", ["2030-01-07", "2030-12-30"]),
    ];
    let mut cases = Vec::new();
    for (zone, days) in mondays {
        let tz = TimeZoneName::new(zone).unwrap();
        for monday in days {
            let midnight = date(monday).and_hms_opt(0, 0, 0).unwrap().and_utc();
            for h in (-16..=16).step_by(4) {
                let instant = midnight + chrono::TimeDelta::hours(h) + chrono::TimeDelta::minutes(30);
                cases.push(json!({"zone": zone, "instant": instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                                  "week": check_in_week(&tz, instant)}));
            }
        }
    }
    json!({"cases": cases})
}

/// A family's answers to the weekly question, from a seed: two caregivers' devices answer about two goals over
/// two weeks, answer again (a new version of the same answer), withdraw and answer once more, with clock
/// readings that often tie; all the versions, shuffled.
fn answers(seed: u64) -> Vec<GoalCheckIn> {
    let mut rng = Lcg(seed + 1_000);
    let faces = ["hard", "so_so", "good", "great"];
    let mut out = Vec::new();
    for n in 0..(2 + rng.below(4)) {
        let n = u8::try_from(n).unwrap() + u8::try_from(seed).unwrap() * 8;
        let goal = CHECK_IN_GOALS[usize::try_from(rng.below(2)).unwrap()];
        let week = ["2030-03-04", "2030-03-11"][usize::try_from(rng.below(2)).unwrap()];
        let device = if rng.below(2) == 0 { MUM_DEVICE } else { DAD_DEVICE };
        let mut stamp = (rng.below(4) * 1_000, rng.below(2));
        let mut undone = false;
        for _ in 0..(1 + rng.below(4)) {
            let face = faces[usize::try_from(rng.below(4)).unwrap()];
            out.push(check_in(n, goal, week, device, stamp, face, undone));
            stamp = if rng.below(2) == 0 { (stamp.0, stamp.1 + 1) } else { (stamp.0 + 1_000, 0) };
            undone = rng.below(3) == 0;
        }
    }
    let mut shuffled = Vec::with_capacity(out.len());
    while !out.is_empty() {
        let i = usize::try_from(rng.below(out.len() as u64)).unwrap();
        shuffled.push(out.swap_remove(i));
    }
    shuffled
}

const CHECK_IN_GOALS: [&str; 2] = ["01936f4e-0000-7000-8000-0000000060a1", "01936f4e-0000-7000-8000-0000000060a2"];

fn check_in(
    n: u8,
    goal: &str,
    week: &str,
    device: &str,
    (wall, counter): (u64, u64),
    face: &str,
    undone: bool,
) -> GoalCheckIn {
    serde_json::from_value(json!({
        "id": format!("01936f53-1c00-7a10-8b20-3c40d50e72{n:02x}"),
        "goal_id": goal, "child_id": "01936f4e-0000-7000-8000-0000000c0001", "week": week, "face": face,
        "answered_by": if device == MUM_DEVICE { "Mum" } else { "Dad" }, "device_id": device,
        "hlc": {"wall_ms": WALL_2030 + wall, "counter": counter}, "undone": undone,
    }))
    .unwrap()
}

/// Answers as a device holds them (any order): the ones that stand per goal and week, each goal's answer for
/// each week, and the answer each device would make a new version of when it answers again.
fn check_in_vectors() -> Value {
    let (socks, stairs) = (CHECK_IN_GOALS[0], CHECK_IN_GOALS[1]);
    let named: Vec<(&str, Vec<GoalCheckIn>)> = vec![
        ("no answer yet", vec![]),
        (
            "two caregivers answer the same week: the later stands",
            vec![
                check_in(1, socks, "2030-03-04", DAD_DEVICE, (2_000, 0), "great", false),
                check_in(2, socks, "2030-03-04", MUM_DEVICE, (1_000, 0), "hard", false),
            ],
        ),
        (
            "the same reading on both devices: the greater device id stands",
            vec![
                // Mum's answer has the greater id, Dad's device the greater id: the device decides.
                check_in(4, socks, "2030-03-04", MUM_DEVICE, (1_000, 0), "good", false),
                check_in(3, socks, "2030-03-04", DAD_DEVICE, (1_000, 0), "so_so", false),
            ],
        ),
        (
            "answered again the same week: the new version stands",
            vec![
                check_in(5, stairs, "2030-03-11", MUM_DEVICE, (3_000, 0), "great", false),
                check_in(5, stairs, "2030-03-11", MUM_DEVICE, (1_000, 0), "hard", false),
            ],
        ),
        (
            "the later answer withdrawn: the earlier stands again; last week's answer is last week's",
            vec![
                check_in(6, socks, "2030-03-11", MUM_DEVICE, (1_000, 0), "good", false),
                check_in(7, socks, "2030-03-11", DAD_DEVICE, (2_000, 0), "hard", false),
                check_in(7, socks, "2030-03-11", DAD_DEVICE, (3_000, 0), "hard", true),
                check_in(8, socks, "2030-03-04", DAD_DEVICE, (500, 0), "so_so", false),
            ],
        ),
    ];
    let generated = (1..=20).map(|seed| (format!("a family's answers, seed {seed}"), answers(seed)));
    let cases: Vec<Value> = named
        .into_iter()
        .map(|(name, all)| (name.to_owned(), all))
        .chain(generated)
        .map(|(name, all)| {
            let current = current_check_ins(&all);
            let mut reversed = all.clone();
            reversed.reverse();
            assert_eq!(current_check_ins(&reversed), current, "{name}: the order does not matter");
            let mut answers = Vec::new();
            for goal in CHECK_IN_GOALS {
                for week in ["2030-03-04", "2030-03-11", "2030-03-18"] {
                    let (goal_id, week) = (goal.parse().unwrap(), date(week));
                    let face = week_answer(&current, goal_id, week).map(|c| c.face);
                    let own: Vec<Value> = [MUM_DEVICE, DAD_DEVICE]
                        .into_iter()
                        .map(|d| json!(own_answer(&all, goal_id, week, d.parse().unwrap()).map(|c| c.id)))
                        .collect();
                    answers.push(
                        json!({"goal_id": goal, "week": week, "face": face, "own": {"mum": own[0], "dad": own[1]}}),
                    );
                }
            }
            json!({"name": name, "check_ins": all, "current": current, "answers": answers})
        })
        .collect();
    json!({"devices": {"mum": MUM_DEVICE, "dad": DAD_DEVICE}, "cases": cases})
}

/// The first–then reward (`Routine::reward_after`): after which item of a routine the child sees it.
fn reward_vectors() -> Value {
    let items = [
        "82e7c01d-b0f3-596f-b895-2e077075dfc2",
        "6bee5186-956d-596c-b5e9-07ae3131bd25",
        "d64f2c09-b319-5eb1-a034-4648af6d058f",
        "01936f4e-0000-7000-8000-00000000e004",
        "01936f4e-0000-7000-8000-00000000e005",
    ];
    let mut cases = Vec::new();
    for (n, reward) in [(1, true), (2, true), (3, true), (5, true), (3, false), (4, false)] {
        let mut routine = json!({
            "id": "01936f4e-0000-7000-8000-0000000d0001", "clinic_id": "01936f4e-0000-7000-8000-00000000c11c",
            "title": "Hands", "kid_title": "Hands!", "items": items[..n],
        });
        if reward {
            routine["then_reward"] = json!({"label": "Bubbles!"});
        }
        let routine: Routine = serde_json::from_value(routine).unwrap();
        for position in 0..=u8::try_from(n).unwrap() {
            cases.push(json!({"routine": routine, "position": position, "reward": routine.reward_after(position)}));
        }
    }
    json!({"cases": cases})
}

#[test]
fn the_committed_vectors_are_what_the_core_computes() {
    let vectors = json!({
        "about": "Written by `cargo test -p homeplay-core --test vectors` (UPDATE_VECTORS=1 to rewrite); read by ui/shared/core/vectors.test.ts.",
        "hlc": hlc_vectors(),
        "merge": merge_vectors(),
        "schedule": schedule_vectors(),
        "pain": pain_vectors(),
        "adherence": adherence_vectors(),
        "instant_of": instant_vectors(),
        "local_date": local_date_vectors(),
        "occurrence": occurrence_vectors(),
        "reminders": reminder_vectors(),
        "check_in_week": check_in_week_vectors(),
        "check_ins": check_in_vectors(),
        "rewards": reward_vectors(),
    });
    let text = serde_json::to_string_pretty(&vectors).unwrap() + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors/core.json");
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} is not what homeplay-core computes now: run `UPDATE_VECTORS=1 cargo test -p homeplay-core --test vectors` \
         and make the TypeScript rules pass them",
        path.display()
    );
}

#[test]
fn every_log_in_the_vectors_is_valid_on_the_wire() {
    use homeplay_core::Validate;
    for case in merge_vectors()["cases"].as_array().unwrap() {
        for side in ["a", "b"] {
            let l: CompletionLog = serde_json::from_value(case[side].clone()).unwrap();
            l.validate().unwrap_or_else(|e| panic!("{}: {e}", case["name"]));
        }
    }
    for case in check_in_vectors()["cases"].as_array().unwrap() {
        for v in case["check_ins"].as_array().unwrap() {
            let c: GoalCheckIn = serde_json::from_value(v.clone()).unwrap();
            c.validate().unwrap_or_else(|e| panic!("{}: {e}", case["name"]));
        }
    }
    for case in occurrence_vectors()["cases"].as_array().unwrap() {
        for v in case["versions"].as_array().unwrap() {
            let l: CompletionLog = serde_json::from_value(v.clone()).unwrap();
            l.validate().unwrap_or_else(|e| panic!("{}: {e}", case["name"]));
        }
    }
}
