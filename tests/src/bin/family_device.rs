//! A family's device on the command line: the real `homeplay-device` engine in a data folder, one step per run,
//! for suites written in another language (the dashboard E2E drives the therapist's side in Chromium and the
//! family's side with this). Each run prints one line of JSON and exits 0; an engine error is printed as
//! `{"error": "…"}` with exit 1, so the caller can assert on the words a family would see.
//!
//! ```text
//! family_device <dir> pair <server url> <code> <device label> <caregiver>
//! family_device <dir> sync                      → {"report": {…}, "state": {…}}  (or the error and the state)
//! family_device <dir> today                     → the engine's today list, each child with its discharge
//! family_device <dir> tick <child id> <outcome: done|partly> [pain 0–10] [assignment id]   → the log recorded
//! family_device <dir> message <child id> <text> → the message kept to send
//! family_device <dir> thread <child id>         → the child's thread as the family's screen shows it
//! ```

use chrono::Utc;
use homeplay_core::ids::ChildId;
use homeplay_core::log::Outcome;
use homeplay_core::pain::PainScore;
use homeplay_core::text::Name;
use homeplay_device::{By, Details, Tick};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;

type Error = Box<dyn std::error::Error>;

const USAGE: &str = "usage: family_device <dir> pair|sync|today|tick|message|thread …";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (line, code) = match run(&args).await {
        Ok(out) => (out, 0),
        Err(e) => (json!({ "error": e.to_string() }), 1),
    };
    // The caller reads one line of JSON; if even that cannot be written there is nobody to tell.
    let _ = writeln!(std::io::stdout().lock(), "{line}");
    std::process::exit(code);
}

fn arg<'a>(args: &'a [String], i: usize, what: &str) -> Result<&'a str, Error> {
    args.get(i).map(String::as_str).ok_or_else(|| format!("missing {what}; {USAGE}").into())
}

async fn run(args: &[String]) -> Result<Value, Error> {
    let dir = PathBuf::from(arg(args, 0, "data folder")?);
    std::fs::create_dir_all(&dir)?;
    let engine = homeplay_tests::open_engine(&dir).await?;
    match arg(args, 1, "command")? {
        "pair" => {
            let pairing =
                engine.pair(arg(args, 2, "server url")?, arg(args, 3, "code")?, arg(args, 4, "label")?).await?;
            engine.set_caregiver(Name::new(arg(args, 5, "caregiver")?)?).await?;
            Ok(json!({ "clinic_name": pairing.clinic_name, "device_id": pairing.device_id }))
        }
        "sync" => {
            // A refused sync still leaves the engine in a state the family app shows: report both.
            let outcome = engine.sync_once().await;
            let state = serde_json::to_value(engine.status().await?)?;
            Ok(match outcome {
                Ok(r) => {
                    json!({ "report": { "pushed": r.pushed, "rejected": r.rejected, "pulled": r.pulled }, "state": state })
                }
                Err(e) => json!({ "sync_error": e.to_string(), "state": state }),
            })
        }
        "today" => Ok(serde_json::to_value(engine.today(Utc::now()).await?)?),
        "tick" => {
            let child: ChildId = arg(args, 2, "child id")?.parse()?;
            let outcome = match arg(args, 3, "outcome")? {
                "done" => Outcome::Done,
                "partly" => Outcome::Partly,
                other => return Err(format!("outcome {other:?}: done or partly").into()),
            };
            // An empty pain argument is none: the assignment after it picks one activity (another device's phone
            // logs the same occurrence, and the clinic must count it once).
            let pain_score = args
                .get(4)
                .filter(|p| !p.is_empty())
                .map(|p| p.parse::<u8>())
                .transpose()?
                .map(PainScore::new)
                .transpose()?;
            let only: Option<homeplay_core::ids::AssignmentId> = args.get(5).map(|a| a.parse()).transpose()?;
            let today = engine.today(Utc::now()).await?;
            let item = today
                .iter()
                .filter(|c| c.child.id == child)
                .flat_map(|c| c.groups.iter().flat_map(|g| g.items.iter()))
                .filter(|i| only.is_none_or(|a| i.expected.assignment_id == a))
                .find(|i| i.log.is_none())
                .ok_or("nothing left to tick today for this child")?;
            let log = engine
                .record(Tick {
                    child_id: child,
                    assignment_id: item.expected.assignment_id,
                    exercise_id: item.expected.exercise_id,
                    occurrence: item.expected.occurrence,
                    outcome,
                    details: Details { pain_score, ..Details::default() },
                    by: By::Caregiver,
                })
                .await?;
            Ok(serde_json::to_value(log)?)
        }
        "message" => {
            let child: ChildId = arg(args, 2, "child id")?.parse()?;
            Ok(serde_json::to_value(engine.send_message(child, arg(args, 3, "text")?).await?)?)
        }
        "thread" => {
            let child: ChildId = arg(args, 2, "child id")?.parse()?;
            Ok(serde_json::to_value(engine.thread(child).await?)?)
        }
        other => Err(format!("unknown command {other:?}; {USAGE}").into()),
    }
}
