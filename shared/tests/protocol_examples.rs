//! Every JSON example in PROTOCOL.md must parse into the Rust type it is labelled with, pass that type's
//! validation where it has one, and serialise back to the same JSON: the document cannot drift from the code.

#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report
use homeplay_core::Validate;
use homeplay_core::sync::{
    ApiError, Change, PairRequest, PairResponse, PullRequest, PullResponse, PushRequest, PushResponse, ServerInfo,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;

const PROTOCOL_MD: &str = include_str!("../PROTOCOL.md");

/// `(type name, JSON)` for each block preceded by `<!-- example: TypeName -->`.
fn examples() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = PROTOCOL_MD.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line.trim().strip_prefix("<!-- example:").and_then(|r| r.strip_suffix("-->")) else {
            continue;
        };
        assert_eq!(lines.next().map(str::trim), Some("```json"), "example {name} must be followed by a json block");
        let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        out.push((name.trim().to_owned(), body.join("\n")));
    }
    out
}

fn round_trip<T: Serialize + DeserializeOwned>(name: &str, json: &str) -> T {
    let original: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{name}: not JSON: {e}"));
    let parsed: T = serde_json::from_value(original.clone()).unwrap_or_else(|e| panic!("{name}: {e}\n{json}"));
    let back = serde_json::to_value(&parsed).unwrap();
    assert_eq!(back, original, "{name}: the example does not survive a round trip (a field is missing or extra)");
    parsed
}

fn check(name: &str, json: &str) {
    match name {
        "ServerInfo" => drop(round_trip::<ServerInfo>(name, json)),
        "PairRequest" => drop(round_trip::<PairRequest>(name, json)),
        "PairResponse" => drop(round_trip::<PairResponse>(name, json)),
        "PushRequest" => {
            let push = round_trip::<PushRequest>(name, json);
            for (i, log) in push.logs.iter().enumerate() {
                log.validate().unwrap_or_else(|e| panic!("PushRequest.logs[{i}]: {e}"));
            }
            for (i, c) in push.check_ins.iter().enumerate() {
                c.validate().unwrap_or_else(|e| panic!("PushRequest.check_ins[{i}]: {e}"));
            }
            for (i, m) in push.messages.iter().enumerate() {
                m.validate().unwrap_or_else(|e| panic!("PushRequest.messages[{i}]: {e}"));
            }
            for (i, r) in push.message_reads.iter().enumerate() {
                r.validate().unwrap_or_else(|e| panic!("PushRequest.message_reads[{i}]: {e}"));
            }
        }
        "PushResponse" => drop(round_trip::<PushResponse>(name, json)),
        "PullRequest" => drop(round_trip::<PullRequest>(name, json)),
        "PullResponse" => {
            let pull = round_trip::<PullResponse>(name, json);
            for change in &pull.changes {
                let result = match change {
                    Change::Exercise(e) => e.validate(),
                    Change::Routine(r) => r.validate(),
                    Change::Assignment(a) => a.validate(),
                    Change::Log(l) => l.validate(),
                    Change::Feedback(f) => f.validate(),
                    Change::Child(c) => c.validate(),
                    Change::Goal(g) => g.validate(),
                    Change::Message(m) => m.validate(),
                    _ => Ok(()),
                };
                result.unwrap_or_else(|e| panic!("PullResponse change {change:?}: {e}"));
            }
        }
        "ApiError" => drop(round_trip::<ApiError>(name, json)),
        other => panic!("PROTOCOL.md has an example of {other}, which this test does not know"),
    }
}

#[test]
fn every_example_matches_the_rust_types() {
    let all = examples();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (name, json) in &all {
        check(name, json);
        *seen.entry(name.clone()).or_default() += 1;
    }
    for required in [
        "ServerInfo",
        "PairRequest",
        "PairResponse",
        "PushRequest",
        "PushResponse",
        "PullRequest",
        "PullResponse",
        "ApiError",
    ] {
        assert!(seen.contains_key(required), "PROTOCOL.md has no example of {required}");
    }
}

#[test]
fn the_pull_example_shows_every_kind_of_change() {
    let (_, json) = examples().into_iter().find(|(n, _)| n == "PullResponse").expect("a PullResponse example");
    let pull: PullResponse = serde_json::from_str(&json).unwrap();
    let kinds: Vec<String> =
        pull.changes.iter().map(|c| serde_json::to_value(c).unwrap()["type"].as_str().unwrap().to_owned()).collect();
    for kind in [
        "family",
        "child",
        "caregiver",
        "exercise",
        "routine",
        "assignment",
        "log",
        "feedback",
        "goal",
        "media",
        "message",
        "thread_read",
        "check_in",
        "removed",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "no '{kind}' change in the PullResponse example");
    }
}

#[test]
fn unknown_fields_are_rejected() {
    let json = r#"{"protocol": 1, "code": "K7QM-4TZD", "device_label": "Laptop", "admin": true}"#;
    let err = serde_json::from_str::<PairRequest>(json).unwrap_err();
    assert!(err.to_string().contains("admin"), "{err}");
}
