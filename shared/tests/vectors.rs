//! Test vectors for the rules a second client re-implements (the phone web app's TypeScript engine): the
//! hybrid logical clock, the merge rule for versions of a log, the expansion of a program into what is due,
//! and the pain advice. Every expected value here is computed by homeplay-core itself and written to
//! `shared/vectors/core.json`, which the TypeScript tests read (`ui/shared/core/vectors.test.ts`).
//!
//! `UPDATE_VECTORS=1 cargo test -p homeplay-core --test vectors` rewrites the file; otherwise this test fails
//! when the committed file is not what the core computes now, so a rule cannot change without the vectors,
//! and with them the TypeScript tests, noticing.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use homeplay_core::adherence::{adherence, streaks, week_start};
use homeplay_core::assignment::Assignment;
use homeplay_core::hlc::{Hlc, HlcClock};
use homeplay_core::log::{CompletionLog, merge};
use homeplay_core::pain::PainScore;
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
}
