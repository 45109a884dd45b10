//! The overview reads a whole clinic at once (a few statements for all children, issue 16); each of its rows
//! must still say what the child's own page, read child by child, says: the same rates over the month and
//! the week, the same sparkline days, the same flags. A clinic of children in every state: practising with
//! mixed outcomes, silent for over a month, paused, ended, in pain, with an undone log, with nothing assigned.
//! Each test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use chrono::{NaiveDate, TimeDelta, Utc};
use homeplay_core::adherence::Tally;
use homeplay_core::time::TimeZoneName;
use serde_json::{Value, json};

const CHILDREN: usize = 13;

/// What child `i` of the clinic does; the pattern gives every kind of row a few children.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Practising,
    /// Logged only more than 30 days ago: the "no logs" flag counts from an older data day.
    Silent,
    /// Paused from today.
    Paused,
    /// Ended yesterday.
    Ended,
    /// No assignment at all.
    Nothing,
}

fn kind(i: usize) -> Kind {
    match (i, i % 4) {
        (12, _) => Kind::Nothing,
        (_, 0) => Kind::Practising,
        (_, 1) => Kind::Silent,
        (_, 2) => Kind::Paused,
        _ => Kind::Ended,
    }
}

fn outcome(n: usize) -> Value {
    match n % 7 {
        0..=3 => json!({"status": "done"}),
        4 => json!({"status": "partly"}),
        5 => json!({"status": "not_done", "reason": "refused"}),
        _ => json!({"status": "not_done", "reason": "sick"}),
    }
}

/// The logs of child `i` for the days `ago` days before `today`, with gaps, mixed outcomes and some pain.
fn logs_of(i: usize, child: &str, assignment: &str, device: &str, today: NaiveDate, ago: &[i64]) -> Vec<Value> {
    let mut out = Vec::new();
    for &d in ago {
        for slot in 0..2u8 {
            let n = i + d as usize * 3 + usize::from(slot);
            if n.is_multiple_of(5) {
                continue;
            }
            let date = (today - TimeDelta::days(d)).to_string();
            let mut log = log_json(child, assignment, CRAB_WALK, &date, device, hlc_now());
            log["occurrence"]["slot"] = json!(slot);
            log["outcome"] = outcome(n + i);
            if i == 4 && d == 3 {
                log["pain"] = json!(true);
                log["pain_score"] = json!(7);
            }
            out.push(log);
        }
    }
    out
}

async fn page(maya: &Therapist, child: &str, from: NaiveDate, to: NaiveDate) -> Value {
    maya.get(&format!("/api/v1/children/{child}/adherence?from={from}&to={to}")).await
}

fn rate(tally: &Value) -> Value {
    let tally: Tally = serde_json::from_value(tally.clone()).unwrap();
    json!(tally.rate())
}

#[tokio::test]
async fn every_overview_row_says_what_the_childs_own_page_says() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        make_clinic(&db, "Riverside", "maya@riverside.example", true);
        // A device per family, from one address: more pairings than the default limit allows.
        let config = tempfile::tempdir().unwrap();
        let config_file = config.path().join("homeplay.toml");
        std::fs::write(&config_file, "[limits]\npair_per_ip = 100\n").unwrap();
        let server = TestServer::start_with(&db, &[("HOMEPLAY_CONFIG", config_file.to_str().unwrap())]);
        let maya = Therapist::login(&server, "maya@riverside.example").await;
        let today = TimeZoneName::new("Europe/London").unwrap().local_date(Utc::now());
        let start = today - TimeDelta::days(45);
        let mut ids = Vec::new();
        for i in 0..CHILDREN {
            let child = maya.add_child(&format!("Child {i:02}")).await;
            let child_id = child["child"]["id"].as_str().unwrap().to_owned();
            ids.push(child_id.clone());
            if kind(i) == Kind::Nothing {
                continue;
            }
            let assignment = maya.assign_crab_walk(&child_id, &start.to_string(), &[]).await;
            let assignment_id = assignment["id"].as_str().unwrap().to_owned();
            assigned_on(&db, &assignment_id, &start.to_string()).await;
            let device = DeviceClient::pair(&server, &maya.pairing_code(&child_id).await, "Laptop").await;
            let days: Vec<i64> = match kind(i) {
                Kind::Silent => (33..40).collect(),
                _ => (1..40).filter(|d| d % 9 != i as i64 % 9).collect(),
            };
            let logs = logs_of(i, &child_id, &assignment_id, &device.device_id, today, &days);
            let reply = device.push(logs.clone()).await;
            assert_eq!(reply["accepted"].as_array().unwrap().len(), logs.len(), "{backend:?}: {reply}");
            if i == 8 {
                // Undone later: it no longer counts, on the page as in the overview.
                let mut undone = logs[logs.len() - 1].clone();
                undone["undone"] = json!(true);
                undone["hlc"]["wall_ms"] = json!(hlc_now() + 1000);
                device.push(vec![undone]).await;
            }
            let change = json!({"on": match kind(i) {
                Kind::Ended => today - TimeDelta::days(1),
                _ => today,
            }});
            match kind(i) {
                Kind::Paused => drop(maya.post(&format!("/api/v1/assignments/{assignment_id}/pause"), change).await),
                Kind::Ended => drop(maya.post(&format!("/api/v1/assignments/{assignment_id}/end"), change).await),
                _ => {}
            }
        }

        let overview = maya.get("/api/v1/overview").await;
        let rows = overview["children"].as_array().unwrap();
        assert_eq!(rows.len(), CHILDREN, "{backend:?}");
        for row in rows {
            let child = row["child_id"].as_str().unwrap();
            let i = ids.iter().position(|id| id == child).unwrap();
            let today: NaiveDate = row["today"].as_str().unwrap().parse().unwrap();
            let what = format!("{backend:?}: child {i} ({:?})", kind(i));

            let month = page(&maya, child, today - TimeDelta::days(29), today).await;
            assert_eq!(row["rate_30d"], month["rate"], "{what}");
            assert_eq!(row["logged_rate_30d"], month["logged_rate"], "{what}");
            assert_eq!(row["flags"], month["flags"], "{what}");
            let week = page(&maya, child, today - TimeDelta::days(6), today).await;
            assert_eq!(row["rate_7d"], week["rate"], "{what}");
            assert_eq!(row["logged_rate_7d"], week["logged_rate"], "{what}");
            let fortnight = page(&maya, child, today - TimeDelta::days(13), today).await;
            let days = fortnight["days"].as_array().unwrap();
            let spark = row["sparkline"].as_array().unwrap();
            assert_eq!(spark.len(), days.len(), "{what}");
            for (s, d) in spark.iter().zip(days) {
                assert_eq!((&s["date"], &s["rate"]), (&d["date"], &rate(&d["tally"])), "{what}");
            }
            let timeline = month["timeline"].as_array().unwrap();
            let newest = timeline.iter().filter(|t| t["undone"] != json!(true)).map(|t| &t["date"]);
            if let Some(newest) = newest.max_by_key(|d| d.as_str().unwrap().to_owned()) {
                assert_eq!(&row["last_log_date"], newest, "{what}");
            }

            // The same row when the list is narrowed to this child.
            let name = row["display_name"].as_str().unwrap().replace(' ', "%20");
            let alone = maya.get(&format!("/api/v1/overview?q={name}")).await;
            assert_eq!(alone["children"], json!([row]), "{what}");
        }

        // The clinic really holds every kind of row the restructured read must get right.
        let has = |kind: &str| rows.iter().any(|r| r["flags"].as_array().unwrap().iter().any(|f| f["kind"] == kind));
        assert!(has("no_logs") && has("pain") && has("often_refused"), "{backend:?}: {overview}");
        let silent = rows.iter().find(|r| r["child_id"] == ids[1].as_str()).unwrap();
        assert_eq!(silent["last_log_date"], json!((today - TimeDelta::days(33)).to_string()), "{backend:?}");
        let nothing = rows.iter().find(|r| r["child_id"] == ids[12].as_str()).unwrap();
        assert_eq!((&nothing["rate_30d"], &nothing["flags"]), (&Value::Null, &json!([])), "{backend:?}");
        let ended = rows.iter().find(|r| r["child_id"] == ids[3].as_str()).unwrap();
        assert_eq!(ended["therapist_ids"], json!([]), "{backend:?}: an ended assignment is nobody's current one");
    }
}
