//! Care teams and therapy goals through the real server, on SQLite and PostgreSQL: who may change a team,
//! goals kept version by version, reviews only of active goals, a changed goal naming its replacement, program
//! items linked to goals, and each goal's progress beside the practice of its items.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{
    BACKENDS, DeviceClient, TestDb, TestServer, Therapist, add_therapist, assigned_on, expect_error, hlc_now, log_json,
    make_clinic, method,
};
use homeplay_core::ids::ExerciseId;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn goal_body(text: &str) -> Value {
    json!({
        "text": text, "discipline": "ot", "areas": ["self_care", "fine_motor"],
        "baseline": "Needs hand-over-hand help", "start_date": "2026-03-02", "target_date": "2026-06-01",
        "scale": {"much_less": "Needs hand-over-hand help", "less": "Pulls socks up once started",
                  "expected": "Puts on socks with one verbal prompt", "more": "Puts on socks alone",
                  "much_more": "Puts on socks and shoes alone"}
    })
}

fn assignment_body(goal_ids: Value) -> Value {
    json!({"target": {"kind": "exercise", "exercise_id": ExerciseId::builtin("bear-walk")},
           "start_date": "2026-03-02", "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
           "slots": [{"kind": "anytime"}], "goal_ids": goal_ids})
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn goals_keep_every_version_and_settle_by_the_rules() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", false);
        let server = TestServer::start(&db);
        let t = Therapist::login(&server, &clinic.email).await;
        let ada = t.add_child("Ada").await["child"]["id"].as_str().unwrap().to_owned();
        let ben = t.add_child("Ben").await["child"]["id"].as_str().unwrap().to_owned();
        let goals = format!("/api/v1/children/{ada}/goals");

        // Bad input is refused, naming the field.
        let bad = |f: &dyn Fn(&mut Value)| {
            let mut b = goal_body("Puts on socks by himself");
            f(&mut b);
            b
        };
        for (body, field) in [
            (bad(&|b| b["areas"] = json!([])), "areas"),
            (bad(&|b| b["areas"] = json!(["self_care", "self_care"])), "areas[1]"),
            (bad(&|b| b["scale"]["less"] = json!("needs HAND-over-hand help")), "scale.less"),
            (bad(&|b| b["target_date"] = json!("2026-03-01")), "target_date"),
            (bad(&|b| b["text"] = json!("  ")), "text"),
        ] {
            let resp = t.send(method("POST"), &goals, Some(body)).await;
            expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some(field)).await;
        }

        let socks = t.post(&goals, goal_body("Puts on socks by himself")).await;
        assert_eq!((socks["version"].as_i64(), socks["status"].as_str()), (Some(1), Some("active")));
        let socks_id = id(&socks);
        let mut update = goal_body("Puts on both socks by himself");
        for field in ["discipline", "start_date"] {
            update.as_object_mut().unwrap().remove(field);
        }
        let v2 = t.put(&format!("/api/v1/goals/{socks_id}"), update.clone()).await;
        assert_eq!((v2["version"].as_i64(), v2["text"].as_str()), (Some(2), Some("Puts on both socks by himself")));

        // Reviews: a score from −2 to +2, dated within the goal's time.
        let reviews = format!("/api/v1/goals/{socks_id}/reviews");
        let resp = t.send(method("POST"), &reviews, Some(json!({"date": "2026-03-09", "score": 3}))).await;
        expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("score")).await;
        let resp = t.send(method("POST"), &reviews, Some(json!({"date": "2026-03-01", "score": 0}))).await;
        expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("date")).await;
        t.post(&reviews, json!({"date": "2026-03-09", "score": -2, "note": "Needs help with the heel"})).await;
        t.post(&reviews, json!({"date": "2026-03-23", "score": 0})).await;

        // A changed goal names its replacement: a goal of the same child.
        let stairs = t.post(&goals, goal_body("Puts on socks sitting on the stairs")).await;
        let stairs_id = id(&stairs);
        let other = t.post(&format!("/api/v1/children/{ben}/goals"), goal_body("Zips his coat")).await;
        let status = format!("/api/v1/goals/{socks_id}/status");
        for (body, field) in [
            (json!({"status": "changed"}), "replaced_by"),
            (json!({"status": "changed", "replaced_by": socks_id}), "replaced_by"),
            (json!({"status": "changed", "replaced_by": id(&other)}), "replaced_by"),
            (json!({"status": "met", "replaced_by": stairs_id}), "replaced_by"),
            (json!({"status": "active"}), "status"),
        ] {
            let resp = t.send(method("POST"), &status, Some(body)).await;
            expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some(field)).await;
        }
        let changed = t.post(&status, json!({"status": "changed", "replaced_by": stairs_id})).await;
        assert_eq!((changed["version"].as_i64(), changed["replaced_by"].as_str()), (Some(3), Some(stairs_id.as_str())));

        // A settled goal is kept as it was: no more reviews, changes or settling.
        let resp = t.send(method("POST"), &reviews, Some(json!({"date": "2026-03-30", "score": 1}))).await;
        expect_error(resp, StatusCode::CONFLICT, "conflict", Some("status")).await;
        let resp = t.send(method("PUT"), &format!("/api/v1/goals/{socks_id}"), Some(update)).await;
        expect_error(resp, StatusCode::CONFLICT, "conflict", Some("status")).await;
        let resp = t.send(method("POST"), &status, Some(json!({"status": "dropped"}))).await;
        expect_error(resp, StatusCode::CONFLICT, "conflict", Some("status")).await;

        let history = t.get(&format!("/api/v1/goals/{socks_id}/history")).await;
        let versions = history["versions"].as_array().unwrap();
        assert_eq!(versions.len(), 3, "{backend:?}");
        assert_eq!(versions[0]["goal"]["text"], "Puts on socks by himself");
        assert_eq!(versions[1]["goal"]["text"], "Puts on both socks by himself");
        assert_eq!(versions[2]["goal"]["status"], "changed");
        assert_eq!(versions[0]["therapist_id"], t.me["therapist"]["id"]);
        let scores: Vec<i64> =
            history["reviews"].as_array().unwrap().iter().map(|r| r["score"].as_i64().unwrap()).collect();
        assert_eq!(scores, [-2, 0]);

        // Program items serve active goals of the same child.
        let items = format!("/api/v1/children/{ada}/assignments");
        for (goal_ids, field) in [
            (json!([socks_id]), "goal_ids[0]"),
            (json!([id(&other)]), "goal_ids[0]"),
            (json!([stairs_id, "01936f4e-0000-7000-8000-00000000beef"]), "goal_ids[1]"),
            (json!([stairs_id, stairs_id]), "goal_ids[1]"),
        ] {
            let resp = t.send(method("POST"), &items, Some(assignment_body(goal_ids))).await;
            expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some(field)).await;
        }
        let item = t.post(&items, assignment_body(json!([stairs_id]))).await;
        assert_eq!(item["goal_ids"], json!([stairs_id]));
        assert_eq!(item["assigned_by_name"], "Maya");
        let listed = t.get(&items).await;
        assert_eq!(listed, json!([item]), "{backend:?}");
        // Its week of practice lies in the past: the item counts from then, as if assigned then.
        assigned_on(&db, &id(&item), "2026-03-02").await;

        // The family's device receives the item with its goals.
        let device = DeviceClient::pair(&server, &t.pairing_code(&ada).await, "Kitchen laptop").await;
        let (changes, _) = device.pull_all(None).await;
        let sent = changes.iter().find(|c| c["type"] == "assignment" && c["data"]["id"] == item["id"]).unwrap();
        assert_eq!(sent["data"]["goal_ids"], json!([stairs_id]));

        // A week of practice, all done, then nothing: the goal's progress shows both beside its reviews.
        let exercise = ExerciseId::builtin("bear-walk").to_string();
        let week: Vec<Value> = (2..=8)
            .map(|d| log_json(&ada, &id(&item), &exercise, &format!("2026-03-{d:02}"), &device.device_id, hlc_now()))
            .collect();
        device.push(week).await;
        let stairs_reviews = format!("/api/v1/goals/{stairs_id}/reviews");
        t.post(&stairs_reviews, json!({"date": "2026-03-09", "score": -1})).await;
        // A double-click records the same review twice; a corrected score that day replaces both. One review
        // stands per goal and day (the report's page keyed on date and score and hung on the duplicate).
        t.post(&stairs_reviews, json!({"date": "2026-04-06", "score": 0})).await;
        t.post(&stairs_reviews, json!({"date": "2026-04-06", "score": 0})).await;
        t.post(&stairs_reviews, json!({"date": "2026-04-06", "score": 1})).await;
        let history = t.get(&format!("/api/v1/goals/{stairs_id}/history")).await;
        let scores =
            |list: &Value| list.as_array().unwrap().iter().map(|r| r["score"].as_i64().unwrap()).collect::<Vec<_>>();
        assert_eq!(scores(&history["reviews"]), [-1, 1], "{backend:?}: {history}");
        assert_eq!(scores(&history["replaced_reviews"]), [0, 0], "{backend:?}: kept as the goal's history");
        let progress = t.get(&format!("/api/v1/children/{ada}/goals/progress")).await;
        let row = progress["goals"].as_array().unwrap().iter().find(|g| g["goal_id"] == stairs_id.as_str()).unwrap();
        assert_eq!(row["weeks"][0]["week_start"], "2026-03-02");
        assert_eq!(row["weeks"][0]["rate"], 1.0, "{backend:?}: {row}");
        assert_eq!(row["weeks"][1]["rate"], 0.0);
        assert!(row["adherence"].as_f64().unwrap() < 0.6);
        assert_eq!(row["trend"], "progress_with_little_practice");
        assert_eq!(row["reviews"], json!([{"date": "2026-03-09", "score": -1}, {"date": "2026-04-06", "score": 1}]));
        assert_eq!(row["linked_assignment_ids"], json!([item["id"]]));
        let socks_row =
            progress["goals"].as_array().unwrap().iter().find(|g| g["goal_id"] == socks_id.as_str()).unwrap();
        assert_eq!((socks_row["weeks"].clone(), socks_row["adherence"].clone()), (json!([]), Value::Null));

        // The list: current versions, latest reviews, and the T-score of the active goals (one, at +1).
        let list = t.get(&goals).await;
        assert_eq!(list["goals"].as_array().unwrap().len(), 2);
        assert_eq!(list["goals"][0]["goal"]["version"], 3);
        assert_eq!(list["goals"][0]["latest_review"]["score"], 0);
        assert_eq!(list["goals"][1]["assignment_ids"], json!([item["id"]]));
        assert_eq!(list["t_score"], 60.0, "{backend:?}");
    }
}

#[tokio::test]
async fn a_lead_or_an_admin_changes_the_care_team() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", false);
        let sam_id = add_therapist(&db, &clinic.id, "sam@riverside.example", false);
        let lee_id = add_therapist(&db, &clinic.id, "lee@riverside.example", true);
        let other = make_clinic(&db, "Hillside", "hana@hillside.example", false);
        let server = TestServer::start(&db);
        let maya = Therapist::login(&server, &clinic.email).await;
        let sam = Therapist::login(&server, "sam@riverside.example").await;
        let lee = Therapist::login(&server, "lee@riverside.example").await;
        let hana = Therapist::login(&server, &other.email).await;
        let maya_id = maya.me["therapist"]["id"].as_str().unwrap().to_owned();
        let hana_id = hana.me["therapist"]["id"].as_str().unwrap().to_owned();
        let ada = maya.add_child("Ada").await["child"]["id"].as_str().unwrap().to_owned();
        let team = format!("/api/v1/children/{ada}/care-team");

        // Whoever adds the child leads its team; a colleague off it cannot open the child.
        let view = maya.get(&team).await;
        assert_eq!(
            view["members"],
            json!([{"therapist_id": maya_id, "name": "Maya", "discipline": "ot", "role": "lead"}])
        );
        assert_eq!(view["can_manage"], true);
        for path in [format!("/api/v1/children/{ada}"), team.clone(), format!("/api/v1/children/{ada}/goals")] {
            let resp = sam.send(method("GET"), &path, None).await;
            expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
        }

        // Bad teams are refused, naming the field.
        let member = |id: &str, role: &str| json!({"therapist_id": id, "role": role});
        for (members, field) in [
            (json!([]), "members"),
            (json!([member(&maya_id, "member")]), "members"),
            (json!([member(&maya_id, "lead"), member(&maya_id, "member")]), "members[1]"),
            (json!([member(&maya_id, "lead"), member(&hana_id, "member")]), "members[1].therapist_id"),
        ] {
            let resp = maya.send(method("PUT"), &team, Some(json!({"members": members}))).await;
            expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some(field)).await;
        }

        let view = maya.put(&team, json!({"members": [member(&sam_id, "member"), member(&maya_id, "lead")]})).await;
        let roles: Vec<(&str, &str)> = view["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["therapist_id"].as_str().unwrap(), m["role"].as_str().unwrap()))
            .collect();
        assert_eq!(roles, [(maya_id.as_str(), "lead"), (sam_id.as_str(), "member")], "{backend:?}");
        // Now Sam sees the child, but a member does not change the team.
        sam.get(&format!("/api/v1/children/{ada}")).await;
        assert_eq!(sam.get(&team).await["can_manage"], false);
        let resp = sam.send(method("PUT"), &team, Some(json!({"members": [member(&sam_id, "lead")]}))).await;
        expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;
        let mine = sam.get("/api/v1/overview?team=mine").await;
        assert_eq!(mine["children"][0]["team"].as_array().unwrap().len(), 2);
        assert_eq!(mine["children"][0]["on_my_team"], true);
        // "My children" are the ones a therapist leads: Maya's, not Sam's, while Sam is a member.
        let led = |v: Value| -> Vec<String> {
            v["children"].as_array().unwrap().iter().map(|c| c["child_id"].as_str().unwrap().to_owned()).collect()
        };
        assert!(!led(sam.get("/api/v1/overview?team=lead").await).contains(&ada), "{backend:?}");
        assert!(led(maya.get("/api/v1/overview?team=lead").await).contains(&ada), "{backend:?}");

        // An admin off the team does not open the child, but keeps its team in order (audited as outside it).
        let resp = lee.send(method("GET"), &format!("/api/v1/children/{ada}"), None).await;
        expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
        assert_eq!(lee.get(&team).await["can_manage"], true);
        lee.put(&team, json!({"members": [member(&lee_id, "lead"), member(&sam_id, "member")]})).await;
        let resp = maya.send(method("GET"), &format!("/api/v1/children/{ada}"), None).await;
        expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
        lee.get(&format!("/api/v1/children/{ada}")).await;
        let audit = lee.get("/api/v1/audit").await;
        let actions: Vec<&str> = audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["actor_id"] == lee_id.as_str())
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert!(actions.contains(&"outside_team_access") && actions.contains(&"update_care_team"), "{actions:?}");

        // The policy is the admins' to read and set.
        let resp = maya.send(method("GET"), "/api/v1/clinic/policy", None).await;
        expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;
        assert_eq!(lee.get("/api/v1/clinic/policy").await["outside_team_policy"], "team_only");
        let resp =
            lee.send(method("PUT"), "/api/v1/clinic/policy", Some(json!({"outside_team_policy": "everyone"}))).await;
        let body = expect_ok_or_error(resp).await;
        assert_eq!(body["field"], "outside_team_policy", "{backend:?}: {body}");
        // Another clinic's team is out of reach.
        let resp = hana.send(method("GET"), &team, None).await;
        expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
    }
}

/// The error body of a refused request (any 4xx).
async fn expect_ok_or_error(resp: reqwest::Response) -> Value {
    let status = resp.status();
    assert!(status.is_client_error(), "expected a refusal, got {status}");
    resp.json().await.unwrap()
}
