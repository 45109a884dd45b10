//! The week's answer about a goal is the family's, not one device's: every device of the family knows the
//! week is answered, including one paired after the answer (a new tablet, or the same laptop paired again),
//! so nobody is asked twice.

use chrono::{TimeDelta, Utc};
use homeplay_core::goal::CheckInFace;
use homeplay_core::ids::{ChildId, GoalId};
use homeplay_tests::*;

#[tokio::test]
async fn a_weekly_answer_reaches_a_device_paired_after_it_and_a_changed_answer_every_device() {
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db);
    let start = (Utc::now() - TimeDelta::days(2)).date_naive().to_string();
    let p = program(&db, &server, &start).await;
    let goal = p.maya.add_stairs_goal(&p.child_id, &start).await;
    let goal_id: GoalId = goal["id"].as_str().unwrap().parse().unwrap();
    let child: ChildId = p.child_id.parse().unwrap();
    let this_week = |goals: Vec<homeplay_device::ChildGoal>| {
        goals.into_iter().find(|g| g.goal.id == goal_id).expect("the goal on the device").this_week
    };

    let (kitchen, _k) = paired_engine(&server.base, &p.maya, &p.child_id, "Kitchen laptop", "Mum").await;
    assert_eq!(this_week(kitchen.goals(child).await.unwrap()), None, "not answered yet");
    kitchen.check_in(goal_id, CheckInFace::Good).await.unwrap();
    kitchen.sync_once().await.unwrap();

    // Paired after the answer: it knows the week is answered, and what was answered.
    let (tablet, _t) = paired_engine(&server.base, &p.maya, &p.child_id, "Grandma's tablet", "Grandma").await;
    assert_eq!(this_week(tablet.goals(child).await.unwrap()), Some(CheckInFace::Good));

    // Grandma changes the answer: one answer for the week, the newest, on both devices and at the clinic.
    tablet.check_in(goal_id, CheckInFace::Great).await.unwrap();
    tablet.sync_once().await.unwrap();
    kitchen.sync_once().await.unwrap();
    assert_eq!(this_week(kitchen.goals(child).await.unwrap()), Some(CheckInFace::Great));
    let progress = p.maya.get(&format!("/api/v1/children/{}/goals/progress", p.child_id)).await;
    let row = progress["goals"].as_array().unwrap().iter().find(|g| g["goal_id"] == goal["id"]).unwrap();
    let answers = row["check_ins"].as_array().unwrap();
    assert_eq!(answers.len(), 1, "{row:#}");
    assert_eq!((answers[0]["face"].as_str(), answers[0]["answered_by"].as_str()), (Some("great"), Some("Grandma")));
}
