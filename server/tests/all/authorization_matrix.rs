//! The authorization matrix: every endpoint, tried as anonymous, a therapist of this clinic on the child's
//! care team, a therapist of this clinic who is not on it, a therapist of another clinic, this family's
//! device, another family's device and a revoked device. Each must be let in or kept out as the table says,
//! and nothing of this clinic's may leak into another caller's answer (nor the child's data into the answers
//! of a colleague off the child's team).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Anonymous,
    OwnTherapist,
    /// A therapist of the same clinic, not an admin, on no child's care team.
    TeamOutsider,
    OtherClinicTherapist,
    OwnDevice,
    OtherFamilyDevice,
    RevokedDevice,
}

const ACTORS: [Actor; 7] = [
    Actor::Anonymous,
    Actor::OwnTherapist,
    Actor::TeamOutsider,
    Actor::OtherClinicTherapist,
    Actor::OwnDevice,
    Actor::OtherFamilyDevice,
    Actor::RevokedDevice,
];

/// Who an endpoint is for.
#[derive(Debug, Clone, Copy)]
enum Scope {
    /// A record of this clinic, named in the path: others get 404, never a hint that it exists.
    ClinicRecord,
    /// A child's data (or a record of one, or the family's devices), named in the path: only the child's care
    /// team (under the default `team_only` policy); everyone else gets 404.
    ChildRecord,
    /// The clinic's settings: its admins only (each clinic's its own).
    ClinicAdmin,
    /// A list or a create within the caller's own clinic: others get their own (empty) clinic's answer.
    ClinicWide,
    /// The device sync API: devices only, each within its own family.
    Device,
    /// This clinic's uploaded media: its therapists, and devices of families whose program shows it.
    Media,
    /// Open to anyone (pairing is proven by the code itself).
    Public,
    /// A therapist's account, named in the path: its clinic's admins only; others of the clinic get 403, and
    /// another clinic's admins 404.
    AccountAdmin,
    /// Open to anyone, proven by a token in the body alone (an invitation's): with one that is no token, everyone
    /// gets the same 404, whatever session or device token they bring.
    Token,
}

struct World {
    server: TestServer,
    own: Therapist,
    outsider: Therapist,
    other: Therapist,
    own_device: DeviceClient,
    other_device: DeviceClient,
    revoked: DeviceClient,
    /// Ids of this clinic's records: none may appear in another caller's answer.
    secrets: Vec<String>,
    /// Ids of the child's data: none may appear in the answer of a colleague off the child's team.
    child_secrets: Vec<String>,
    vars: Vec<(&'static str, String)>,
    _db: TestDb,
    _config: tempfile::TempDir,
    _sink: crate::smtp_sink::SmtpSink,
}

const PNG: &str = "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8dfc0f01f000680027f104c1be10000000049454e44ae426082";

async fn world(backend: Backend) -> World {
    let db = TestDb::new(backend);
    let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
    let other_clinic = make_clinic(&db, "Hillside", "hana@hillside.example", true);
    add_therapist(&db, &clinic.id, "ari@riverside.example", false);
    let spare_therapist = add_therapist(&db, &clinic.id, "spare@riverside.example", false);
    // Discharged records may be erased at once here, so that erasing is tried on its merits.
    // Email goes to a sink, so that the endpoints that send it answer as they would.
    let sink = crate::smtp_sink::SmtpSink::start().await;
    let config = tempfile::tempdir().unwrap();
    let config_file = config.path().join("homeplay.toml");
    std::fs::write(&config_file, format!("{}\n[limits]\nretention_days = 0\n", sink.config())).unwrap();
    let server = TestServer::start_with(&db, &[("HOMEPLAY_CONFIG", config_file.to_str().unwrap())]);
    let own = Therapist::login(&server, &clinic.email).await;
    let outsider = Therapist::login(&server, "ari@riverside.example").await;
    let other = Therapist::login(&server, &other_clinic.email).await;

    let png = hex::decode(PNG).unwrap();
    let uploaded = own
        .http
        .post(server.url("/api/v1/media"))
        .header("x-csrf-token", &own.csrf)
        .header("content-type", "image/png")
        .body(png)
        .send()
        .await
        .unwrap();
    let media = expect_ok(uploaded).await["media"].as_str().unwrap().to_owned();
    let exercise = own
        .post(
            "/api/v1/library/exercises",
            json!({
                "discipline": "pt", "skill_areas": ["balance_coordination"], "title": "Teddy balance",
                "kid_title": "Balance Teddy!", "instructions": "Stand on one leg holding Teddy.",
                "steps": [{"picture": media, "caption": "Hold Teddy"}, {"picture": "builtin:flamingo-stand-1", "caption": "One leg up"}],
                "dosage": {"hold_seconds": 10}, "ages": {"min_years": 3, "max_years": 9}
            }),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let routine = own
        .post(
            "/api/v1/library/routines",
            json!({"title": "Morning balance", "kid_title": "Wobble time!", "items": [exercise]}),
        )
        .await["routine"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let leo = own.add_child("Leo").await["child"]["id"].as_str().unwrap().to_owned();
    let mia = own.add_child("Mia").await["child"]["id"].as_str().unwrap().to_owned();
    let zoe = own.add_child("Zoe").await["child"]["id"].as_str().unwrap().to_owned();
    own.post(&format!("/api/v1/children/{zoe}/discharge"), json!({})).await;
    // The library is the clinic's: a colleague off every team may archive from it too, so they get their own.
    let spare_exercise = own.post(&format!("/api/v1/library/exercises/{exercise}/clone"), json!({})).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let spare_routine = own
        .post("/api/v1/library/routines", json!({"title": "Spare", "kid_title": "Go!", "items": [exercise]}))
        .await["routine"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let template_body = json!({"title": "Balance week", "items": [{"exercise_id": exercise, "dosage": {"reps": 3}}]});
    let template =
        own.post("/api/v1/library/program-templates", template_body.clone()).await["id"].as_str().unwrap().to_owned();
    let spare_template =
        own.post("/api/v1/library/program-templates", template_body).await["id"].as_str().unwrap().to_owned();
    let goal = own.post(&format!("/api/v1/children/{leo}/goals"), goal_body()).await["id"].as_str().unwrap().to_owned();
    let assignment_body = |target: Value| json!({"target": target, "start_date": "2026-03-02", "days": ["mon", "wed", "fri"], "slots": [{"kind": "anytime"}], "goal_ids": [goal]});
    let assignment = own
        .post(
            &format!("/api/v1/children/{leo}/assignments"),
            assignment_body(json!({"kind": "routine", "routine_id": routine})),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut mia_assignment = assignment_body(
        json!({"kind": "exercise", "exercise_id": homeplay_core::ids::ExerciseId::builtin("bear-walk")}),
    );
    mia_assignment["goal_ids"] = json!([]);
    own.post(&format!("/api/v1/children/{mia}/assignments"), mia_assignment).await;
    let own_device = DeviceClient::pair(&server, &own.pairing_code(&leo).await, "Kitchen laptop").await;
    let revoked = DeviceClient::pair(&server, &own.pairing_code(&leo).await, "Stolen laptop").await;
    let other_device = DeviceClient::pair(&server, &own.pairing_code(&mia).await, "Mia's laptop").await;
    own.post(&format!("/api/v1/devices/{}/revoke", revoked.device_id), json!({})).await;
    let spare_device = DeviceClient::pair(&server, &own.pairing_code(&leo).await, "Spare").await;
    let code = own.pairing_code(&leo).await;
    let invited = own
        .post("/api/v1/therapists", json!({"email": "new@riverside.example", "name": "New", "discipline": "ot"}))
        .await["therapist"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let log = log_json(&leo, &assignment, &exercise, "2026-03-04", &own_device.device_id, hlc_now());
    own_device.push(vec![log]).await;
    let message = own
        .post(&format!("/api/v1/children/{leo}/messages"), json!({"client_key": uuid::Uuid::now_v7(), "text": "Hello"}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let secrets = vec![
        leo.clone(),
        exercise.clone(),
        routine.clone(),
        assignment.clone(),
        media.clone(),
        goal.clone(),
        template.clone(),
    ];
    let child_secrets = vec![leo.clone(), mia.clone(), assignment.clone(), goal.clone(), message.clone()];
    let vars = vec![
        ("{child}", leo),
        ("{goal}", goal),
        ("{own_id}", own.me["therapist"]["id"].as_str().unwrap().to_owned()),
        ("{spare_exercise}", spare_exercise),
        ("{spare_routine}", spare_routine),
        ("{template}", template),
        ("{spare_template}", spare_template),
        ("{exercise}", exercise),
        ("{routine}", routine),
        ("{assignment}", assignment),
        ("{device}", spare_device.device_id.clone()),
        ("{media}", media),
        ("{spare_therapist}", spare_therapist),
        ("{discharged}", zoe),
        ("{message}", message),
        ("{code}", code),
        ("{invited}", invited),
    ];
    World {
        server,
        own,
        outsider,
        other,
        own_device,
        other_device,
        revoked,
        secrets,
        child_secrets,
        vars,
        _db: db,
        _config: config,
        _sink: sink,
    }
}

/// A goal as the dashboard sends it.
fn goal_body() -> Value {
    json!({
        "text": "Climbs the stairs holding the rail", "discipline": "pt", "areas": ["gross_motor", "balance_coordination"],
        "baseline": "Climbs with both hands held", "start_date": "2026-03-02", "target_date": "2026-06-01",
        "scale": {"much_less": "Climbs with both hands held", "less": "Climbs with one hand held",
                  "expected": "Climbs holding the rail, one step at a time", "more": "Climbs holding the rail, alternating feet",
                  "much_more": "Climbs alternating feet without the rail"}
    })
}

/// Every endpoint with a body that is valid for its owner.
fn endpoints() -> Vec<(&'static str, &'static str, Option<Value>, Scope)> {
    use Scope::*;
    vec![
        ("GET", "/healthz", None, Public),
        ("GET", "/api/v1/sync/info", None, Public),
        ("GET", "/api/v1/auth/me", None, ClinicWide),
        ("GET", "/api/v1/children", None, ClinicWide),
        ("POST", "/api/v1/children", Some(json!({"display_name": "Ada", "time_zone": "Europe/London"})), ClinicWide),
    ]
    .into_iter()
    .chain(child_endpoints())
    .chain(vec![
        ("GET", "/api/v1/overview", None, ClinicWide),
        ("GET", "/api/v1/library/exercises", None, ClinicWide),
        ("GET", "/api/v1/library/exercises/{exercise}", None, ClinicRecord),
        ("POST", "/api/v1/library/exercises/{exercise}/clone", Some(json!({})), ClinicRecord),
        ("GET", "/api/v1/library/mine", None, ClinicWide),
        ("PUT", "/api/v1/library/favourites/{exercise}", None, ClinicRecord),
        ("DELETE", "/api/v1/library/favourites/{exercise}", None, ClinicWide),
        ("GET", "/api/v1/library/routines", None, ClinicWide),
        ("GET", "/api/v1/library/routines/{routine}", None, ClinicRecord),
        ("GET", "/api/v1/library/routine-uses", None, ClinicWide),
        ("GET", "/api/v1/audit", None, ClinicAdmin),
        ("GET", "/api/v1/clinic/policy", None, ClinicAdmin),
        ("PUT", "/api/v1/clinic/policy", Some(json!({"outside_team_policy": "team_only"})), ClinicAdmin),
        ("GET", "/api/v1/clinic/settings", None, ClinicWide),
        ("PUT", "/api/v1/clinic/settings", Some(json!({"locale": "en-GB", "pain_advice_at": 6})), ClinicAdmin),
        ("POST", "/api/v1/clinic/exports", Some(json!({"stage": "started", "children": 3})), ClinicAdmin),
        ("GET", "/api/v1/therapists", None, ClinicWide),
        ("GET", "/api/v1/therapists/accounts", None, ClinicAdmin),
        ("POST", "/api/v1/therapists/{spare_therapist}/two-factor/reset", Some(json!({})), AccountAdmin),
        ("POST", "/api/v1/therapists/{spare_therapist}/disable", Some(json!({})), AccountAdmin),
        ("POST", "/api/v1/therapists/{spare_therapist}/enable", Some(json!({})), AccountAdmin),
        ("POST", "/api/v1/therapists/{invited}/invitation", Some(json!({})), AccountAdmin),
        ("POST", "/api/v1/auth/welcome", Some(json!({"token": "no-such-token", "new_password": "long enough password"})), Token),
        ("POST", "/api/v1/auth/two-factor/setup", Some(json!({})), ClinicWide),
        ("GET", "/api/v1/media/{media}", None, Media),
        ("POST", "/api/v1/sync/pull", Some(json!({"protocol": 1})), Device),
        ("POST", "/api/v1/sync/push", Some(json!({"protocol": 1, "logs": []})), Device),
        ("DELETE", "/api/v1/library/routines/{routine}", None, ClinicRecord),
        ("DELETE", "/api/v1/library/exercises/{exercise}", None, ClinicRecord),
        ("GET", "/api/v1/library/program-templates", None, ClinicWide),
        (
            "POST",
            "/api/v1/library/program-templates",
            Some(json!({"title": "Hands", "items": [{"exercise_id": homeplay_core::ids::ExerciseId::builtin("bear-walk")}]})),
            ClinicWide,
        ),
        (
            "PUT",
            "/api/v1/library/program-templates/{template}",
            Some(json!({"title": "Hands", "items": [{"exercise_id": homeplay_core::ids::ExerciseId::builtin("bear-walk")}]})),
            ClinicRecord,
        ),
        ("DELETE", "/api/v1/library/program-templates/{template}", None, ClinicRecord),
    ])
    .collect()
}

/// Every endpoint that reads or changes a child's data, with a body valid for the child's team. Writes that
/// would change what later calls see (a goal settled, a device revoked) come last.
fn child_endpoints() -> Vec<(&'static str, &'static str, Option<Value>, Scope)> {
    use Scope::*;
    let assignment = json!({"target": {"kind": "exercise", "exercise_id": homeplay_core::ids::ExerciseId::builtin("bear-walk")},
        "start_date": "2026-03-02", "days": ["tue"], "slots": [{"kind": "anytime"}], "goal_ids": ["{goal}"]});
    let batch_item = json!({"target": {"kind": "exercise", "exercise_id": homeplay_core::ids::ExerciseId::builtin("crab-walk")},
        "start_date": "2026-03-02", "days": ["wed"], "slots": [{"kind": "anytime"}]});
    let mut goal_update = goal_body();
    for field in ["discipline", "start_date"] {
        goal_update.as_object_mut().unwrap().remove(field);
    }
    vec![
        ("GET", "/api/v1/children/{child}", None, ChildRecord),
        (
            "PUT",
            "/api/v1/children/{child}",
            Some(json!({"display_name": "Leo", "time_zone": "Europe/London"})),
            ChildRecord,
        ),
        ("POST", "/api/v1/children/{child}/pairing-codes", Some(json!({})), ChildRecord),
        (
            "POST",
            "/api/v1/children/{child}/pairing-codes/email",
            Some(json!({"code": "{code}", "email": "mum@family.example"})),
            ChildRecord,
        ),
        ("GET", "/api/v1/children/{child}/devices", None, ChildRecord),
        ("GET", "/api/v1/children/{child}/routines", None, ChildRecord),
        ("GET", "/api/v1/children/{child}/assignments", None, ChildRecord),
        ("POST", "/api/v1/children/{child}/assignments", Some(assignment), ChildRecord),
        ("POST", "/api/v1/children/{child}/assignments/batch", Some(json!({"items": [batch_item]})), ChildRecord),
        ("GET", "/api/v1/children/{child}/feedback", None, ChildRecord),
        (
            "POST",
            "/api/v1/children/{child}/feedback",
            Some(json!({"date": "2026-03-04", "sticker": "star"})),
            ChildRecord,
        ),
        ("GET", "/api/v1/children/{child}/messages", None, ChildRecord),
        (
            "POST",
            "/api/v1/children/{child}/messages",
            Some(json!({"client_key": "0192a3b4-0000-4000-8000-000000000001", "text": "See you Tuesday"})),
            ChildRecord,
        ),
        ("POST", "/api/v1/children/{child}/messages/read", Some(json!({"up_to": "{message}"})), ChildRecord),
        ("GET", "/api/v1/children/{child}/adherence", None, ChildRecord),
        ("POST", "/api/v1/children/{child}/pain/seen", Some(json!({})), ChildRecord),
        ("GET", "/api/v1/children/{child}/care-team", None, ChildRecord),
        (
            "PUT",
            "/api/v1/children/{child}/care-team",
            Some(json!({"members": [{"therapist_id": "{own_id}", "role": "lead"}]})),
            ChildRecord,
        ),
        ("GET", "/api/v1/children/{child}/goals", None, ChildRecord),
        ("POST", "/api/v1/children/{child}/goals", Some(goal_body()), ChildRecord),
        ("GET", "/api/v1/children/{child}/goals/progress", None, ChildRecord),
        ("PUT", "/api/v1/goals/{goal}", Some(goal_update), ChildRecord),
        ("GET", "/api/v1/goals/{goal}/history", None, ChildRecord),
        (
            "POST",
            "/api/v1/goals/{goal}/reviews",
            Some(json!({"date": "2026-03-16", "score": -1, "note": "Better"})),
            ChildRecord,
        ),
        ("GET", "/api/v1/assignments/{assignment}/history", None, ChildRecord),
        ("POST", "/api/v1/assignments/{assignment}/pause", Some(json!({"on": "2030-03-10"})), ChildRecord),
        ("POST", "/api/v1/assignments/{assignment}/resume", Some(json!({"on": "2030-03-12"})), ChildRecord),
        ("POST", "/api/v1/goals/{goal}/status", Some(json!({"status": "met"})), ChildRecord),
        ("POST", "/api/v1/devices/{device}/revoke", Some(json!({})), ChildRecord),
        // Discharged and at once re-admitted: the family's devices never pull in between, so stay connected.
        ("POST", "/api/v1/children/{child}/discharge", Some(json!({"reason": "Goals met"})), ChildRecord),
        ("POST", "/api/v1/children/{child}/readmit", None, ChildRecord),
        ("DELETE", "/api/v1/children/{discharged}", None, ChildRecord),
    ]
}

/// Fills a template's `{var}`s, in the path and in the body.
fn fill(w: &World, text: &str) -> String {
    w.vars.iter().fold(text.to_owned(), |p, (k, v)| p.replace(k, v))
}

fn expected(scope: Scope, actor: Actor) -> &'static [u16] {
    use Actor::*;
    use Scope::*;
    const OK: &[u16] = &[200, 201, 204];
    const NOT_FOUND: &[u16] = &[404];
    const UNAUTHORIZED: &[u16] = &[401];
    match (scope, actor) {
        (Public, _) => OK,
        (Token, _) => NOT_FOUND,
        (_, Anonymous | RevokedDevice) => UNAUTHORIZED,
        (AccountAdmin, OwnDevice | OtherFamilyDevice) => UNAUTHORIZED,
        (AccountAdmin, OwnTherapist) => OK,
        (AccountAdmin, TeamOutsider) => &[403],
        (AccountAdmin, OtherClinicTherapist) => NOT_FOUND,
        (ClinicRecord | ChildRecord | ClinicWide | ClinicAdmin, OwnDevice | OtherFamilyDevice) => UNAUTHORIZED,
        (ClinicRecord | ChildRecord | ClinicWide | ClinicAdmin | Media, OwnTherapist) => OK,
        (ClinicRecord | ChildRecord | Media, OtherClinicTherapist) => NOT_FOUND,
        (ClinicWide | ClinicAdmin, OtherClinicTherapist) => OK,
        (ClinicRecord | ClinicWide | Media, TeamOutsider) => OK,
        (ChildRecord, TeamOutsider) => NOT_FOUND,
        (ClinicAdmin, TeamOutsider) => &[403],
        (Device, OwnTherapist | TeamOutsider | OtherClinicTherapist) => UNAUTHORIZED,
        (Device, OwnDevice | OtherFamilyDevice) => OK,
        (Media, OwnDevice) => OK,
        (Media, OtherFamilyDevice) => NOT_FOUND,
    }
}

async fn call(w: &World, actor: Actor, method: &str, path: &str, body: &Option<Value>) -> (u16, String) {
    let url = w.server.url(path);
    let m = Method::from_bytes(method.as_bytes()).unwrap();
    let req = match actor {
        Actor::Anonymous => client().request(m, url),
        Actor::OwnTherapist => w.own.http.request(m, url).header("x-csrf-token", &w.own.csrf),
        Actor::TeamOutsider => w.outsider.http.request(m, url).header("x-csrf-token", &w.outsider.csrf),
        Actor::OtherClinicTherapist => w.other.http.request(m, url).header("x-csrf-token", &w.other.csrf),
        Actor::OwnDevice => w.own_device.http.request(m, url).bearer_auth(&w.own_device.token),
        Actor::OtherFamilyDevice => w.other_device.http.request(m, url).bearer_auth(&w.other_device.token),
        Actor::RevokedDevice => w.revoked.http.request(m, url).bearer_auth(&w.revoked.token),
    };
    let req = match body {
        Some(b) => req.json(&serde_json::from_str::<Value>(&fill(w, &b.to_string())).unwrap()),
        None => req,
    };
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap())
}

#[tokio::test]
async fn every_endpoint_lets_in_only_whom_it_should() {
    for backend in BACKENDS {
        let w = world(backend).await;
        let mut failures = Vec::new();
        for (method, template, body, scope) in endpoints() {
            // The owner goes last, so that its writes (a revoke) do not change what the others see.
            for actor in ACTORS.iter().rev() {
                let template_for = match (actor, method) {
                    (Actor::TeamOutsider, "DELETE") => template
                        .replace("{exercise}", "{spare_exercise}")
                        .replace("{routine}", "{spare_routine}")
                        .replace("{template}", "{spare_template}"),
                    _ => template.to_owned(),
                };
                let path = fill(&w, &template_for);
                let (status, text) = call(&w, *actor, method, &path, &body).await;
                let allowed = expected(scope, *actor);
                if !allowed.contains(&status) {
                    failures.push(format!("{method} {template} as {actor:?}: got {status}, want {allowed:?}: {text}"));
                }
                if status >= 400 {
                    let json: Result<Value, _> = serde_json::from_str(&text);
                    if !json.is_ok_and(|j| j["error"].is_string()) {
                        failures
                            .push(format!("{method} {template} as {actor:?}: error body is not an ApiError: {text}"));
                    }
                }
                let secrets = match actor {
                    Actor::OwnTherapist | Actor::OwnDevice => &[][..],
                    Actor::TeamOutsider => &w.child_secrets[..],
                    _ => &w.secrets[..],
                };
                if let Some(secret) = secrets.iter().find(|s| text.contains(s.as_str())) {
                    failures.push(format!("{method} {template} as {actor:?}: leaked {secret}"));
                }
            }
        }
        assert!(failures.is_empty(), "{backend:?}:\n{}", failures.join("\n"));
    }
}

#[tokio::test]
async fn under_a_clinic_wide_policy_a_colleague_off_the_team_gets_in_and_is_audited() {
    for backend in BACKENDS {
        let w = world(backend).await;
        let leo = w.vars.iter().find(|(k, _)| *k == "{child}").unwrap().1.clone();
        // Under team_only the colleague sees none of the clinic's children anywhere.
        assert_eq!(w.outsider.get("/api/v1/children").await, json!([]), "{backend:?}");
        assert_eq!(w.outsider.get("/api/v1/overview").await["children"], json!([]), "{backend:?}");

        let policy = w.own.put("/api/v1/clinic/policy", json!({"outside_team_policy": "clinic_wide"})).await;
        assert_eq!(policy["outside_team_policy"], "clinic_wide");
        assert_eq!(w.own.get("/api/v1/clinic/policy").await, policy);
        let mut failures = Vec::new();
        let mut calls = 0;
        for (method, template, body, _) in child_endpoints() {
            let path = fill(&w, template);
            let (status, text) = call(&w, Actor::OtherClinicTherapist, method, &path, &body).await;
            if status != 404 {
                failures.push(format!("{method} {template} as another clinic: got {status}: {text}"));
            }
            let (status, text) = call(&w, Actor::TeamOutsider, method, &path, &body).await;
            calls += 1;
            // Only a lead of the team (or an admin) changes the team or ends the program, only an admin erases:
            // seeing the record is not enough.
            let lead_only = (template.ends_with("care-team") && method == "PUT")
                || template.ends_with("/discharge")
                || template.ends_with("/readmit")
                || method == "DELETE";
            let want: &[u16] = if lead_only { &[403] } else { &[200, 201, 204] };
            if !want.contains(&status) {
                failures.push(format!(
                    "{method} {template} as a colleague off the team: got {status}, want {want:?}: {text}"
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{backend:?}:
{}",
            failures.join(
                "
"
            )
        );

        let outsider_id = w.outsider.me["therapist"]["id"].as_str().unwrap();
        let audit = w.own.get("/api/v1/audit?limit=500").await;
        let outside: Vec<&Value> = audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "outside_team_access" && e["actor_id"] == outsider_id)
            .collect();
        assert_eq!(outside.len(), calls, "{backend:?}: one outside-team entry per call: {outside:?}");
        let zoe = w.vars.iter().find(|(k, _)| *k == "{discharged}").unwrap().1.clone();
        assert!(outside.iter().all(|e| e["child_id"] == leo.as_str() || e["child_id"] == zoe.as_str()), "{backend:?}");

        // The overview shows the child, marked as off the colleague's team; `team=mine` leaves it out.
        let overview = w.outsider.get("/api/v1/overview").await;
        let row = overview["children"].as_array().unwrap().iter().find(|r| r["child_id"] == leo.as_str()).unwrap();
        assert_eq!(row["on_my_team"], false);
        assert_eq!(row["team"][0]["role"], "lead");
        assert_eq!(row["team"][0]["therapist_id"], w.own.me["therapist"]["id"]);
        assert_eq!(w.outsider.get("/api/v1/overview?team=mine").await["children"], json!([]), "{backend:?}");
        let resp = w.outsider.send(method("GET"), "/api/v1/overview?team=theirs", None).await;
        expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("team")).await;
    }
}

#[tokio::test]
async fn non_admins_cannot_read_the_audit_log_or_invite() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", false);
        let server = TestServer::start(&db);
        let maya = Therapist::login(&server, &clinic.email).await;
        let resp = maya.send(method("GET"), "/api/v1/audit", None).await;
        expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;
        let invite = json!({"email": "sam@riverside.example", "name": "Sam", "discipline": "pt"});
        let resp = maya.send(method("POST"), "/api/v1/therapists", Some(invite)).await;
        expect_error(resp, StatusCode::FORBIDDEN, "forbidden", None).await;
    }
}

#[tokio::test]
async fn an_admin_invites_a_therapist_who_chooses_a_password_and_signs_in() {
    for backend in BACKENDS {
        let db = TestDb::new(backend);
        let clinic = make_clinic(&db, "Riverside", "maya@riverside.example", true);
        let server = TestServer::start(&db);
        let maya = Therapist::login(&server, &clinic.email).await;
        let invited = maya
            .post("/api/v1/therapists", json!({"email": "Sam@Riverside.example", "name": "Sam", "discipline": "pt"}))
            .await;
        let token = invited["invitation"]["token"].as_str().unwrap().to_owned();
        assert_eq!(invited["therapist"]["role"], "therapist");
        assert_eq!(invited["therapist"]["email"], "sam@riverside.example");
        let again = maya
            .send(
                method("POST"),
                "/api/v1/therapists",
                Some(json!({"email": "sam@riverside.example", "name": "Sam", "discipline": "pt"})),
            )
            .await;
        expect_error(again, StatusCode::CONFLICT, "conflict", Some("email")).await;

        let welcome = |password: &str| {
            client()
                .post(server.url("/api/v1/auth/welcome"))
                .json(&json!({"token": token, "new_password": password}))
                .send()
        };
        expect_error(
            welcome("short").await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("new_password"),
        )
        .await;
        expect_ok(welcome(PASSWORD).await.unwrap()).await;
        Therapist::login(&server, "sam@riverside.example").await;
        let team = maya.get("/api/v1/therapists").await;
        assert_eq!(team.as_array().unwrap().len(), 2, "{backend:?}");
    }
}

/// Everything a signed-in therapist can reach, tried with a session whose account was disabled after it
/// signed in (every one answers 401), and with one that owes the second factor its clinic requires (every one
/// outside `/auth` answers 403).
#[tokio::test]
async fn a_disabled_account_or_one_owing_a_second_factor_gets_nowhere() {
    for backend in BACKENDS {
        let w = world(backend).await;
        let clinic = w.own.me["clinic"]["id"].as_str().unwrap().to_owned();
        add_therapist(&w._db, &clinic, "gone@riverside.example", false);
        let gone = Therapist::login(&w.server, "gone@riverside.example").await;
        let gone_id = gone.me["therapist"]["id"].as_str().unwrap().to_owned();
        w.own.post(&format!("/api/v1/therapists/{gone_id}/disable"), json!({})).await;

        // The clinic requires a second factor of everyone: the admin first sets one up.
        let setup = w.own.post("/api/v1/auth/two-factor/setup", json!({})).await;
        let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap();
        let code = homeplay_server::auth::two_factor::code_at(setup["secret"].as_str().unwrap(), now).unwrap();
        w.own.post("/api/v1/auth/two-factor/confirm", json!({"code": code})).await;
        w.own
            .put("/api/v1/clinic/policy", json!({"outside_team_policy": "team_only", "two_factor_policy": "everyone"}))
            .await;

        let mut failures = Vec::new();
        for (method, template, body, scope) in endpoints() {
            if matches!(scope, Scope::Public | Scope::Token) {
                continue;
            }
            let path = fill(&w, template);
            for (who, t, want) in [("disabled", &gone, 401), ("owing a second factor", &w.outsider, 403)] {
                let want = if matches!(scope, Scope::Device) { 401 } else { want };
                let want = if path.starts_with("/api/v1/auth/") && want == 403 { 200 } else { want };
                let m = Method::from_bytes(method.as_bytes()).unwrap();
                let mut req = t.http.request(m, w.server.url(&path)).header("x-csrf-token", &t.csrf);
                if let Some(b) = &body {
                    req = req.json(&serde_json::from_str::<Value>(&fill(&w, &b.to_string())).unwrap());
                }
                let status = req.send().await.unwrap().status().as_u16();
                if status != want {
                    failures.push(format!("{method} {template} {who}: got {status}, want {want}"));
                }
            }
        }
        assert!(failures.is_empty(), "{backend:?}:\n{}", failures.join("\n"));
    }
}

/// A sibling on another care team closes the family: no pairing code (a device sees every child of its family)
/// and no new child in it, for anyone not on every child's team; another clinic sees no family at all.
#[tokio::test]
async fn a_sibling_on_another_team_closes_the_family_to_codes_and_new_children() {
    for backend in BACKENDS {
        let w = world(backend).await;
        let leo = fill(&w, "{child}");
        let family =
            w.own.get(&format!("/api/v1/children/{leo}")).await["child"]["family_id"].as_str().unwrap().to_owned();
        let sibling = |name: &str| json!({"display_name": name, "time_zone": "Europe/London", "family_id": family});
        let sam = w.own.post("/api/v1/children", sibling("Sam")).await["child"]["id"].as_str().unwrap().to_owned();
        let outsider_id = w.outsider.me["therapist"]["id"].as_str().unwrap().to_owned();
        w.own
            .put(
                &format!("/api/v1/children/{sam}/care-team"),
                json!({"members": [{"therapist_id": outsider_id, "role": "lead"}]}),
            )
            .await;
        for (t, child, want) in [
            (&w.own, &leo, StatusCode::FORBIDDEN),
            (&w.outsider, &sam, StatusCode::FORBIDDEN),
            (&w.other, &sam, StatusCode::NOT_FOUND),
        ] {
            let path = format!("/api/v1/children/{child}/pairing-codes");
            assert_eq!(t.send(method("POST"), &path, Some(json!({}))).await.status(), want, "{backend:?}");
        }
        for t in [&w.own, &w.outsider, &w.other] {
            let resp = t.send(method("POST"), "/api/v1/children", Some(sibling("Zoe"))).await;
            expect_error(resp, StatusCode::NOT_FOUND, "not_found", Some("family_id")).await;
        }
    }
}
