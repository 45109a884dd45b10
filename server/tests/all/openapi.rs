//! The OpenAPI document: the committed `server/openapi.json` is what the code generates, the server serves
//! exactly that, and the document describes the whole API the way the project promises (every error an
//! `ApiError`, every operation's credentials declared, every route reachable).

use crate::common::{Backend, TestDb, TestServer, client};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const REGENERATE: &str = "cargo run -p homeplay-server -- openapi > server/openapi.json";

fn committed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json")
}

fn committed() -> String {
    std::fs::read_to_string(committed_path())
        .unwrap_or_else(|e| panic!("cannot read {}: {e}; create it with `{REGENERATE}`", committed_path().display()))
}

/// Where two texts first differ, for a failure message that points at the change.
fn first_difference(expected_name: &str, expected: &str, actual_name: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    match (0..e.len().max(a.len())).find(|&i| e.get(i) != a.get(i)) {
        None => "they differ only in line endings or the final newline".into(),
        Some(i) => format!(
            "first difference at line {}:\n  {expected_name:>9}: {}\n  {actual_name:>9}: {}",
            i + 1,
            e.get(i).unwrap_or(&"<end of file>"),
            a.get(i).unwrap_or(&"<end of file>")
        ),
    }
}

#[test]
fn the_committed_document_is_the_generated_one() {
    let generated = homeplay_server::api::openapi_json();
    let committed = committed();
    assert!(
        generated == committed,
        "server/openapi.json is stale: the API's code changed since it was generated.\n\
         Regenerate it with `{REGENERATE}` and commit it.\n{}",
        first_difference("committed", &committed, "generated", &generated)
    );

    // The command the message names prints exactly that, without needing a database.
    let out = std::process::Command::new(crate::common::binary())
        .arg("openapi")
        .env("RUST_LOG", "warn")
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/nothing")
        .output()
        .unwrap();
    assert!(out.status.success(), "`homeplay-server openapi` failed: {}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed == generated, "`homeplay-server openapi` prints another document:\n{}", {
        first_difference("generated", &generated, "printed", &printed)
    });
}

/// Fills a path template with values of the right shape: `{id}` with a fresh id, `{media}` with a reference.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment {
            "{media}" => "builtin:no-such-picture".to_owned(),
            s if s.starts_with('{') => uuid::Uuid::now_v7().to_string(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether an answer came from a route's handler rather than from the router's fallbacks.
async fn routed(resp: reqwest::Response) -> Result<(), String> {
    let status = resp.status();
    let text = resp.text().await.expect("the answer's body");
    let message = serde_json::from_str::<Value>(&text).ok().and_then(|v| v["message"].as_str().map(str::to_owned));
    match (status, message.as_deref()) {
        (StatusCode::NOT_FOUND, Some("no such endpoint")) => Err("no such route".into()),
        (StatusCode::BAD_REQUEST, Some("this endpoint does not take that method")) => Err("no such method".into()),
        (StatusCode::METHOD_NOT_ALLOWED, _) => Err("no such method".into()),
        _ => Ok(()),
    }
}

#[tokio::test]
async fn the_server_serves_the_committed_document_and_every_operation_in_it() {
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db);
    let http = client();

    let resp = http.get(server.url("/api/openapi.json")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert_eq!(content_type, "application/json");
    let served = resp.text().await.unwrap();
    let committed = committed();
    assert!(
        served == committed,
        "GET /api/openapi.json differs from server/openapi.json (regenerate with `{REGENERATE}`)\n{}",
        first_difference("committed", &committed, "served", &served)
    );

    // Each documented operation reaches a handler, not a fallback (asked without credentials: the answer is
    // mostly 401, which is enough to tell).
    let doc: Value = serde_json::from_str(&served).unwrap();
    let mut missing = Vec::new();
    for (path, method, _) in operations(&doc) {
        let resp =
            http.request(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(), server.url(&concrete(path)));
        if let Err(why) = routed(resp.send().await.unwrap()).await {
            missing.push(format!("{} {path}: {why}", method.to_uppercase()));
        }
    }
    assert!(missing.is_empty(), "documented but not served: {missing:#?}");

    // The probe tells a fallback when it meets one.
    for (method, path) in [(Method::GET, "/api/v1/no-such-thing"), (Method::DELETE, "/api/v1/children")] {
        let resp = http.request(method.clone(), server.url(path)).send().await.unwrap();
        assert!(routed(resp).await.is_err(), "{method} {path} should not be routed");
    }
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every operation of the document: (path, method, operation).
fn operations(doc: &Value) -> Vec<(&str, &str, &Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            assert!(METHODS.contains(&method.as_str()), "{path}: unexpected key {method}");
            ops.push((path.as_str(), method.as_str(), op));
        }
    }
    ops
}

fn is_api_error(response: &Value) -> bool {
    response["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ApiError"
}

/// Every `$ref` in the document.
fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// The operations that take nothing at all (no credentials, parameters or body), so cannot be refused with
/// a 4xx: the probes and the server's self-description.
const TAKE_NOTHING: [&str; 3] = ["GET /api/v1/sync/info", "GET /healthz", "GET /readyz"];

#[test]
fn the_document_describes_the_whole_api() {
    let doc: Value = serde_json::from_str(&homeplay_server::api::openapi_json()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["info"]["title"].as_str().is_some_and(|t| !t.is_empty()));

    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["type"], "apiKey");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "hp_session");
    assert_eq!(schemes["csrf"]["type"], "apiKey");
    assert_eq!(schemes["csrf"]["in"], "header");
    assert_eq!(schemes["csrf"]["name"], "X-CSRF-Token");
    assert_eq!(schemes["device"]["type"], "http");
    assert_eq!(schemes["device"]["scheme"], "bearer");
    let tags: BTreeSet<&str> =
        doc["tags"].as_array().expect("tags").iter().filter_map(|t| t["name"].as_str()).collect();

    let ops = operations(&doc);
    // As many as the router declares (`routes!` in server/src/api/mod.rs); the floor catches a lost group.
    assert!(ops.len() >= 35, "only {} operations are documented", ops.len());

    let mut problems = Vec::new();
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut take_nothing = BTreeSet::new();
    for &(path, method, op) in &ops {
        let name = format!("{} {path}", method.to_uppercase());
        let mut problem = |p: &str| problems.push(format!("{name}: {p}"));

        if !(path.starts_with("/api/v1/") || path == "/healthz" || path == "/readyz") {
            problem("is neither under /api/v1/ nor a probe");
        }
        match op["operationId"].as_str() {
            Some(id) => {
                if let Some(other) = ids.insert(id, name.clone()) {
                    problem(&format!("shares its operationId {id} with {other}"));
                }
            }
            None => problem("has no operationId"),
        }
        if op["summary"].as_str().is_none_or(|s| s.trim().is_empty()) {
            problem("has no summary");
        }
        match op["tags"].as_array() {
            Some(t) if !t.is_empty() => {
                if let Some(unknown) = t.iter().find(|t| !t.as_str().is_some_and(|t| tags.contains(t))) {
                    problem(&format!("has the undeclared tag {unknown}"));
                }
            }
            _ => problem("has no tag"),
        }

        // Path parameters match the template.
        let template: BTreeSet<&str> =
            path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let declared: BTreeSet<&str> =
            params.iter().filter(|p| p["in"] == "path").filter_map(|p| p["name"].as_str()).collect::<BTreeSet<_>>();
        if template != declared {
            problem(&format!("path parameters {declared:?} do not match the template's {template:?}"));
        }

        // Responses: some success; every error an ApiError.
        let responses = op["responses"].as_object().cloned().unwrap_or_default();
        let status = |code: &String| code.parse::<u16>().unwrap_or(0);
        if !responses.keys().any(|c| (200..300).contains(&status(c))) {
            problem("documents no success response");
        }
        for (code, response) in &responses {
            if status(code) >= 400 && !is_api_error(response) {
                problem(&format!("{code} is not documented with an ApiError body"));
            }
        }
        let client_errors: BTreeSet<u16> = responses
            .iter()
            .filter(|(c, r)| (400..500).contains(&status(c)) && is_api_error(r))
            .map(|(c, _)| status(c))
            .collect();

        // Credentials: declared on every operation, from the declared schemes; writes with a session need the
        // CSRF header; whatever takes credentials can be refused them.
        let Some(security) = op["security"].as_array() else {
            problem("does not declare its security (use `security(())` for none)");
            continue;
        };
        let mut takes_credentials = false;
        for requirement in security {
            let names: BTreeSet<&str> = requirement.as_object().unwrap().keys().map(String::as_str).collect();
            takes_credentials |= !names.is_empty();
            if let Some(unknown) = names.iter().find(|n| schemes.get(**n).is_none()) {
                problem(&format!("names the undeclared security scheme {unknown}"));
            }
            let write = method != "get";
            if names.contains("session") && write != names.contains("csrf") {
                problem("a session write needs X-CSRF-Token (csrf), and a read does not");
            }
            if names.contains("csrf") && !names.contains("session") {
                problem("csrf without session");
            }
        }
        if takes_credentials && !client_errors.contains(&401) {
            problem("takes credentials but documents no 401");
        }

        if !takes_credentials && params.is_empty() && op.get("requestBody").is_none() {
            take_nothing.insert(name.clone());
        } else if client_errors.is_empty() {
            problem("documents no 4xx response with an ApiError body");
        }
    }
    assert!(problems.is_empty(), "the document has problems:\n{}", problems.join("\n"));
    assert_eq!(
        take_nothing,
        TAKE_NOTHING.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>(),
        "only the probes and the server info may go without a documented 4xx"
    );

    // Every reference resolves.
    let mut all = Vec::new();
    refs(&doc, &mut all);
    let schemas = &doc["components"]["schemas"];
    let dangling: BTreeSet<&str> = all
        .into_iter()
        .filter(|r| r.strip_prefix("#/components/schemas/").is_none_or(|name| schemas.get(name).is_none()))
        .collect();
    assert!(dangling.is_empty(), "references to nothing: {dangling:?}");
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let s = &doc["components"]["schemas"][name];
    assert!(s.is_object(), "the document has no schema {name}");
    s
}

/// The schema a `$ref` names, or the schema itself.
fn resolved<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
        Some(name) => resolved(doc, schema_of(doc, name)),
        None => schema,
    }
}

fn schema_of<'a>(doc: &'a Value, name: &str) -> &'a Value {
    &doc["components"]["schemas"][name]
}

/// The bounds the server enforces are the ones the document states, so that a client (or a fuzzer) built from
/// the document sends what the server takes.
#[test]
fn the_documented_bounds_are_the_enforced_ones() {
    use homeplay_core::care_team::CareTeam;
    use homeplay_core::sync::{ProtocolRange, PullRequest, PushRequest};

    let doc: Value = serde_json::from_str(&homeplay_server::api::openapi_json()).unwrap();
    let range = ProtocolRange::CURRENT;
    for name in ["PairRequest", "PairResponse", "PushRequest", "PushResponse", "PullRequest", "PullResponse"] {
        let protocol = &schema(&doc, name)["properties"]["protocol"];
        assert_eq!(protocol["minimum"], range.min, "{name}.protocol's minimum");
        assert_eq!(protocol["maximum"], range.max, "{name}.protocol's maximum");
    }
    let push = &schema(&doc, "PushRequest")["properties"];
    assert_eq!(push["logs"]["maxItems"], PushRequest::MAX_LOGS);
    assert_eq!(push["check_ins"]["maxItems"], PushRequest::MAX_CHECK_INS);
    let limit = &schema(&doc, "PullRequest")["properties"]["limit"];
    assert_eq!((&limit["minimum"], &limit["maximum"]), (&Value::from(1), &Value::from(PullRequest::MAX_LIMIT)));
    let members = &schema(&doc, "CareTeamInput")["properties"]["members"];
    assert_eq!((&members["minItems"], &members["maxItems"]), (&Value::from(1), &Value::from(CareTeam::MAX_MEMBERS)));
    for name in ["Child", "NewChild", "ChildUpdate"] {
        let age = &schema(&doc, name)["properties"]["age_years"];
        assert_eq!((&age["minimum"], &age["maximum"]), (&Value::from(0), &Value::from(21)), "{name}.age_years");
    }
    assert_eq!(
        schema(&doc, "NewChild")["properties"]["caregivers"]["maxItems"],
        homeplay_server::api::children::MAX_CAREGIVERS
    );
    for name in ["NewChild", "ChildUpdate"] {
        let number = &schema(&doc, name)["properties"]["record_number"];
        assert_eq!(number["maxLength"], homeplay_server::api::children::MAX_RECORD_NUMBER, "{name}.record_number");
    }
    // The library's and the program's bounds, as the core's validators enforce them.
    use homeplay_core::assignment::Assignment;
    use homeplay_core::exercise::{Dosage, Exercise};
    use homeplay_core::routine::Routine;
    let items = |name: &str, property: &str| {
        let p = &schema(&doc, name)["properties"][property];
        (p["minItems"].as_u64(), p["maxItems"].as_u64())
    };
    let max = |n: usize| Some(n as u64);
    for name in ["Exercise", "ExerciseInput"] {
        assert_eq!(items(name, "skill_areas"), (Some(1), max(Exercise::MAX_SKILL_AREAS)), "{name}");
        assert_eq!(items(name, "steps"), (Some(1), max(Exercise::MAX_STEPS)), "{name}");
        assert_eq!(items(name, "equipment").1, max(Exercise::MAX_EQUIPMENT), "{name}");
    }
    for name in ["Routine", "RoutineInput"] {
        assert_eq!(items(name, "items"), (Some(1), max(Routine::MAX_ITEMS)), "{name}");
    }
    for name in ["Assignment", "AssignmentInput"] {
        assert_eq!(items(name, "slots"), (Some(1), max(Assignment::MAX_SLOTS)), "{name}");
        assert_eq!(items(name, "goal_ids").1, max(Assignment::MAX_GOALS), "{name}");
    }
    let dosage = &schema(&doc, "Dosage")["properties"];
    for (field, bound) in [
        ("reps", Dosage::MAX_REPS),
        ("sets", Dosage::MAX_SETS),
        ("hold_seconds", Dosage::MAX_HOLD_SECONDS),
        ("duration_seconds", Dosage::MAX_DURATION_SECONDS),
    ] {
        assert_eq!(
            (&dosage[field]["minimum"], &dosage[field]["maximum"]),
            (&Value::from(1), &Value::from(bound)),
            "{field}"
        );
    }
    // The longest names of the tz database fit, and the bound is a real one.
    let tz_max = schema(&doc, "TimeZoneName")["maxLength"].as_u64().expect("TimeZoneName's maxLength");
    assert!((32..64).contains(&tz_max), "TimeZoneName's maxLength is {tz_max}");
    for (name, property) in [("Assignment", "start_date"), ("Assignment", "end_date"), ("Occurrence", "date")] {
        let description = schema(&doc, name)["properties"][property]["description"].as_str().unwrap_or("");
        assert!(description.contains("2000-01-01 to 2100-12-31"), "{name}.{property} does not state its range");
    }
}

/// Whether a schema is an object that takes no properties but its own.
fn is_closed(schema: &Value) -> bool {
    schema["additionalProperties"] == Value::Bool(false)
}

/// Every `allOf` schema in `v`, with where it is.
fn all_of_schemas<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a Value)>) {
    match v {
        Value::Object(map) => {
            if map.get("allOf").is_some_and(Value::is_array) {
                out.push((at.clone(), v));
            }
            for (k, v) in map {
                all_of_schemas(v, format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| all_of_schemas(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

/// `allOf: [$ref Closed, {more properties}]` (what utoipa makes of a `#[serde(flatten)]`ed type with
/// `deny_unknown_fields`) can never be satisfied: the closed branch refuses what the other adds.
#[test]
fn no_schema_extends_a_closed_object() {
    let doc: Value = serde_json::from_str(&homeplay_server::api::openapi_json()).unwrap();
    let mut found = Vec::new();
    all_of_schemas(&doc, String::new(), &mut found);
    let broken: Vec<String> = found
        .into_iter()
        .filter(|(_, s)| {
            let items = s["allOf"].as_array().unwrap();
            items.len() > 1 && items.iter().any(|i| is_closed(resolved(&doc, i)))
        })
        .map(|(at, _)| at)
        .collect();
    assert!(broken.is_empty(), "allOf over a closed object, which no value satisfies, at: {broken:#?}");
}

/// The keywords that decide which properties an object may have: enough to tell whether a real answer's
/// shape fits its schema, which is what a closed object gets wrong.
fn shape_problems(doc: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    let schema = resolved(doc, schema);
    if let Some(items) = schema["allOf"].as_array() {
        for item in items {
            shape_problems(doc, item, value, at, out);
        }
    }
    let (Some(properties), Some(object)) = (schema["properties"].as_object(), value.as_object()) else { return };
    for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        if !object.contains_key(name) {
            out.push(format!("{at}: lacks the required {name}"));
        }
    }
    for (name, v) in object {
        match properties.get(name) {
            Some(p) => shape_problems(doc, p, v, &format!("{at}.{name}"), out),
            None if is_closed(schema) => out.push(format!("{at}: {name} is not allowed")),
            None => {}
        }
    }
}

#[test]
fn an_assignment_view_fits_its_documented_schema() {
    use homeplay_core::text::Name;
    use homeplay_server::api::assignments::AssignmentView;

    let assignment: homeplay_core::assignment::Assignment = serde_json::from_value(serde_json::json!({
        "id": "0190a3c4-0000-7000-8000-000000000001",
        "child_id": "0190a3c4-0000-7000-8000-000000000002",
        "target": { "kind": "exercise", "exercise_id": "0190a3c4-0000-7000-8000-000000000003" },
        "assigned_by": "0190a3c4-0000-7000-8000-000000000004",
        "start_date": "2026-01-05",
        "days": ["mon", "wed", "fri"],
        "slots": [{ "kind": "moment", "moment": "bath" }],
        "status": "active",
    }))
    .expect("a valid assignment");
    let doc: Value = serde_json::from_str(&homeplay_server::api::openapi_json()).unwrap();
    for name in [Some("Maya"), None] {
        let view =
            AssignmentView { assignment: assignment.clone(), assigned_by_name: name.map(|n| Name::new(n).unwrap()) };
        let value = serde_json::to_value(&view).unwrap();
        let mut problems = Vec::new();
        shape_problems(&doc, schema(&doc, "AssignmentView"), &value, "AssignmentView", &mut problems);
        assert!(problems.is_empty(), "{value} does not fit its schema: {problems:#?}");
    }
}
