//! A look at homeplay-core without a server: the starter library, Leo's after-school routine expanded over
//! two weeks in his family's time zone, a fortnight of logs, and what a therapist would see.
//!
//! Run with `cargo run -p homeplay-core --example demo`.
#![allow(clippy::print_stdout)]

use chrono::{Datelike, NaiveDate, TimeDelta};
use homeplay_core::adherence::{DayStatus, adherence, flags, rtm_periods, streaks};
use homeplay_core::assignment::{Assignment, FamilyMoment, SlotTime, Status, Target};
use homeplay_core::exercise::Dosage;
use homeplay_core::hlc::HlcClock;
use homeplay_core::ids::{AssignmentId, ChildId, ClinicId, DeviceId, LogId, RoutineId, TherapistId};
use homeplay_core::library;
use homeplay_core::log::{CompletionLog, Difficulty, NotDoneReason, Occurrence, Outcome, Recorder};
use homeplay_core::routine::{Reward, Routine};
use homeplay_core::schedule::{MomentTimes, expand};
use homeplay_core::skill::SkillArea;
use homeplay_core::text::{KidText, Name, Note, Title};
use homeplay_core::time::{DateRange, TimeZoneName, Weekdays};
use homeplay_core::{Valid, Validate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lib = library::starter()?;
    println!("Starter library: {} play-based exercises", lib.exercises().len());
    for area in SkillArea::ALL {
        let titles: Vec<&str> = lib.in_area(area).map(|e| e.title.as_str()).take(4).collect();
        println!("  {:<26} {:>2}  e.g. {}", area.label(), lib.in_area(area).count(), titles.join(", "));
    }

    let find =
        |title: &str| lib.exercises().iter().find(|e| e.title.as_str() == title).ok_or(format!("{title} is missing"));
    let items =
        vec![find("Playdough snakes")?.id, find("Clothespin crocodile")?.id, find("Button the teddy's coat")?.id];
    let routine = Valid::new(Routine {
        id: RoutineId::new_v7(),
        clinic_id: ClinicId::new_v7(),
        title: Title::new("After-school hand warm-up")?,
        kid_title: KidText::new("Hand party!")?,
        items,
        then_reward: Some(Reward { label: KidText::new("Bubbles!")?, picture: None }),
    })?;
    let tz = TimeZoneName::new("Europe/London")?;
    let start = NaiveDate::from_ymd_opt(2026, 3, 16).ok_or("date")?;
    let child = ChildId::new_v7();
    let assignment = Valid::new(Assignment {
        id: AssignmentId::new_v7(),
        child_id: child,
        target: Target::Routine { routine_id: routine.id },
        assigned_by: TherapistId::new_v7(),
        start_date: start,
        assigned_on: None,
        end_date: None,
        days: Weekdays::SCHOOL_DAYS,
        slots: vec![SlotTime::Moment { moment: FamilyMoment::AfterSchool }],
        dosage: Dosage::default(),
        note_for_family: Some(Note::new("Let him choose the playdough colour.")?),
        status: Status::Active,
        pauses: vec![],
        goal_ids: vec![],
    })?;

    // Two weeks: Leo practises most days; one day is skipped silently, one is "not done — sick".
    let range = DateRange::new(start, start + TimeDelta::days(13))?;
    let today = start + TimeDelta::days(12);
    let routines = [routine.clone().into_inner()];
    let expected = expand(&[assignment.clone().into_inner()], &routines, range);
    let mut clock = HlcClock::default();
    let device = DeviceId::new_v7();
    let mut logs = Vec::new();
    for e in expected.iter().filter(|e| e.occurrence.date < today) {
        let day = (e.occurrence.date - start).num_days();
        let outcome = match (day, e.position) {
            (3, _) => continue,
            (8, _) => Outcome::NotDone { reason: NotDoneReason::Sick },
            (2, 2) => Outcome::Partly,
            _ => Outcome::Done,
        };
        let log = CompletionLog {
            id: LogId::new_v7(),
            child_id: child,
            assignment_id: e.assignment_id,
            exercise_id: e.exercise_id,
            occurrence: Occurrence { date: e.occurrence.date, slot: e.occurrence.slot },
            outcome,
            actual_reps: None,
            actual_seconds: None,
            difficulty: (day == 2 && e.position == 2).then_some(Difficulty::Hard),
            mood: None,
            pain: false,
            pain_score: None,
            note: None,
            recorded_by: if e.position == 0 {
                Recorder::KidMode
            } else {
                Recorder::Caregiver { name: Name::new("Mum")?, caregiver_id: None }
            },
            device_id: device,
            hlc: clock.tick(e.due_at(&tz, &MomentTimes::default()).map_or(0, |t| t.timestamp_millis() as u64)),
            undone: false,
        };
        log.validate()?;
        logs.push(log);
    }

    let report = adherence(&expected, &logs, range, today);
    println!("\nLeo, {} to {} ({}), \"{}\" on school days after school:", range.first, range.last, tz, routine.title);
    for d in &report.days {
        let mark = match d.status {
            DayStatus::NothingScheduled => "·  rest day",
            DayStatus::Done => "✔  done",
            DayStatus::Partly => "◐  partly",
            DayStatus::NotDone => "✘  not done",
            DayStatus::NotLogged => "?  not logged",
            DayStatus::Pending => "…  still to do",
        };
        let reasons: Vec<String> = d.reasons.iter().map(|r| format!("{r:?}").to_lowercase()).collect();
        println!(
            "  {} {}  {}{}",
            d.date.weekday(),
            d.date,
            mark,
            if reasons.is_empty() { String::new() } else { format!(" ({})", reasons.join(", ")) }
        );
    }
    let t = report.total;
    println!(
        "  adherence {:.0}%  (done {}, partly {}, not done {}, not logged {}, still to do {})",
        t.rate().unwrap_or(0.0) * 100.0,
        t.done,
        t.partly,
        t.not_done,
        t.not_logged,
        t.pending
    );
    let s = streaks(&report.days);
    println!("  streak: {} days (longest {})", s.current, s.longest);
    println!("  flags: {:?}", flags(&logs, Some(start), today, &[], homeplay_core::pain::PainScore::ADVICE_AT));
    for p in rtm_periods(&logs, start, today) {
        println!("  RTM period {}–{}: {} data days ({:?})", p.range.first, p.range.last, p.data_days, p.level);
    }
    Ok(())
}
