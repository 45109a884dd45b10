//! A family's device that records ticks as fast as it can, for the crash suite (`tests/tests/crash.rs`).
//!
//! `crash_writer <data dir> [max operations]` opens the engine in a folder that already holds a paired device
//! (so no network is needed), then records ticks for the days of the past week, and now and then edits or
//! undoes one. Right after each call returns it prints, flushed:
//!
//! - `acked <log id>` after `record`,
//! - `edited <log id> <wall_ms> <counter>` after `edit` or `undo` (the new version's stamp).
//!
//! The suite kills it with SIGKILL at some point and checks that every line it read is true of the database.

use chrono::{TimeDelta, Utc};
use homeplay_core::ids::LogId;
use homeplay_core::log::{NotDoneReason, Outcome};
use homeplay_device::{By, Details, Tick};
use std::io::Write;
use std::path::PathBuf;

type Error = Box<dyn std::error::Error>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: crash_writer <data dir> [max operations]")?);
    let max: u64 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(10_000);

    let engine = homeplay_tests::open_engine(&dir).await?;
    let today = engine.today(Utc::now()).await?;
    let child = today.first().ok_or("the device knows no child: pair it first")?;
    let expected: Vec<_> = child.groups.iter().flat_map(|g| g.items.iter().map(|i| i.expected)).collect();
    if expected.is_empty() {
        return Err("nothing is expected today".into());
    }
    let mut known: Vec<LogId> = engine.all_logs().await?.into_iter().map(|l| l.id).collect();
    let mut out = std::io::stdout().lock();
    for op in 0..max {
        if !known.is_empty() && op % 5 == 4 {
            let id = known[fastrand::usize(..known.len())];
            let log = if fastrand::bool() {
                engine.undo(id).await?
            } else {
                let outcome = [Outcome::Done, Outcome::Partly, Outcome::NotDone { reason: NotDoneReason::NoTime }]
                    [fastrand::usize(..3)];
                engine
                    .edit(id, outcome, Details { actual_reps: Some(fastrand::u16(1..20)), ..Details::default() })
                    .await?
            };
            writeln!(out, "edited {} {} {}", log.id, log.hlc.wall_ms, log.hlc.counter)?;
        } else {
            let mut e = expected[fastrand::usize(..expected.len())];
            e.occurrence.date -= TimeDelta::days(fastrand::i64(0..7));
            let tick = Tick {
                child_id: child.child.id,
                assignment_id: e.assignment_id,
                exercise_id: e.exercise_id,
                occurrence: e.occurrence,
                outcome: Outcome::Done,
                details: Details::default(),
                by: if fastrand::bool() { By::KidMode } else { By::Caregiver },
            };
            let log = engine.record(tick).await?;
            writeln!(out, "acked {}", log.id)?;
            known.push(log.id);
        }
        out.flush()?;
    }
    Ok(())
}
