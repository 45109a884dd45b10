//! The real app end to end: the built binary, driven through tauri-driver and WebKitWebDriver, against the real
//! server. It needs a display, tauri-driver and WebKitWebDriver, so it is ignored by a plain `cargo test`;
//! scripts/test.sh runs it under Xvfb with `-- --ignored`. Screenshots go to `artifacts/`.
//!
//! The WebDriver protocol is spoken directly over reqwest: a handful of JSON calls.
#![allow(clippy::unwrap_used)]

use homeplay_tests::{Backend, TestDb, TestServer, program};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const DRIVER: &str = "http://127.0.0.1:4444";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        // tauri-driver runs WebKitWebDriver, which runs the app: stop the whole process group.
        let _ = Command::new("kill").args(["--", &format!("-{}", self.0.id())]).status();
        let _ = self.0.wait();
    }
}

struct Session {
    http: reqwest::Client,
    url: String,
}

impl Session {
    async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let resp = self.http.request(method, format!("{}{path}", self.url)).json(&body).send().await.unwrap();
        let v: Value = resp.json().await.unwrap();
        v["value"].clone()
    }

    async fn js(&self, script: &str, args: Value) -> Value {
        self.call(reqwest::Method::POST, "/execute/sync", json!({"script": script, "args": args})).await
    }

    /// Polls a JavaScript condition until it is truthy.
    async fn wait(&self, what: &str, condition: &str) {
        let start = Instant::now();
        loop {
            if self.js(&format!("return !!({condition});"), json!([])).await.as_bool() == Some(true) {
                return;
            }
            if start.elapsed() > Duration::from_secs(20) {
                let body = self.js("return document.body.innerText;", json!([])).await;
                panic!("timed out waiting for {what}; the page shows:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The element a script returns, clicked through WebDriver like a person would.
    async fn click(&self, what: &str, script: &str, args: Value) {
        let el = self.js(script, args).await;
        let id = el[ELEMENT].as_str().unwrap_or_else(|| panic!("no {what}: {el}")).to_owned();
        let r = self.call(reqwest::Method::POST, &format!("/element/{id}/click"), json!({})).await;
        assert!(r.is_null(), "click on {what}: {r}");
    }

    async fn button(&self, card: Option<usize>, text: &str) {
        let script = "const root = arguments[0] === null ? document : \
                      document.querySelectorAll('[data-testid=activity]')[arguments[0]]; \
                      return [...root.querySelectorAll('button')].find(b => b.textContent.trim() === arguments[1]);";
        self.click(&format!("button {text:?}"), script, json!([card, text])).await;
    }

    async fn type_into(&self, name: &str, text: &str) {
        let el = self
            .call(
                reqwest::Method::POST,
                "/element",
                json!({"using": "css selector", "value": format!("input[name={name}]")}),
            )
            .await;
        let id = el[ELEMENT].as_str().unwrap().to_owned();
        self.call(reqwest::Method::POST, &format!("/element/{id}/value"), json!({"text": text})).await;
    }

    async fn screenshot(&self, name: &str) {
        // Let the last change reach the screen first: a screenshot right after a DOM change can be stale.
        self.call(
            reqwest::Method::POST,
            "/execute/async",
            json!({"script": "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));", "args": []}),
        )
        .await;
        let png = self.call(reqwest::Method::GET, "/screenshot", Value::Null).await;
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD.decode(png.as_str().unwrap()).unwrap();
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../artifacts");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

const LOGGED: &str = "document.querySelectorAll('[data-testid=logged]')";

#[tokio::test]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver: scripts/test.sh runs it under Xvfb"]
async fn pair_tick_undo_not_done_and_sync_in_the_real_app() {
    let db = TestDb::new(Backend::Sqlite);
    let server = TestServer::start(&db);
    let start = (chrono::Utc::now() - chrono::TimeDelta::days(2)).date_naive().to_string();
    let p = program(&db, &server, &start).await;
    let code = p.maya.pairing_code(&p.child_id).await;

    let data = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("tauri-driver");
    cmd.env("HOMEPLAY_DATA_DIR", data.path());
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let _driver = Driver(cmd.spawn().expect("tauri-driver on PATH (cargo install tauri-driver --locked)"));
    let http = reqwest::Client::new();
    let started = Instant::now();
    while http.get(format!("{DRIVER}/status")).send().await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "tauri-driver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let caps = json!({"capabilities": {"alwaysMatch": {
        "browserName": "wry",
        "tauri:options": {"application": env!("CARGO_BIN_EXE_homeplay-app")}
    }}});
    let created: Value = http.post(format!("{DRIVER}/session")).json(&caps).send().await.unwrap().json().await.unwrap();
    let id = created["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {created}")).to_owned();
    let s = Session { http: http.clone(), url: format!("{DRIVER}/session/{id}") };

    // First run: pair with the code.
    s.wait("the pairing form", "document.querySelector('input[name=server_url]')").await;
    s.type_into("server_url", &server.base).await;
    s.type_into("code", &code).await;
    s.type_into("device_name", "Kitchen laptop").await;
    s.type_into("caregiver", "Mum").await;
    s.button(None, "Connect").await;
    s.wait("today's two activities", "document.querySelectorAll('[data-testid=activity]').length === 2").await;
    s.wait("the pictures", "[...document.querySelectorAll('img.picture')].every(i => i.complete) && document.querySelectorAll('img.picture').length === 2").await;
    s.screenshot("family-today.png").await;

    // Tick, undo, mark not done with a reason, tick again.
    s.button(Some(0), "Done").await;
    s.wait("the tick", &format!("{LOGGED}.length === 1")).await;
    s.button(Some(0), "Undo").await;
    s.wait("the undo", &format!("{LOGGED}.length === 0")).await;
    s.button(Some(1), "Not done…").await;
    s.button(Some(1), "Not done: sick").await;
    s.wait("not done: sick", &format!("{LOGGED}.length === 1 && {LOGGED}[0].textContent.includes('Not done: sick')"))
        .await;
    s.wait("the caregiver on the log", &format!("{LOGGED}[0].textContent.includes('by Mum')")).await;

    // Kid mode: bear walk is "3 times · 2 rounds", so six taps on the big counter finish it.
    s.button(Some(0), "Play time").await;
    s.wait("kid mode", "document.querySelector('[data-testid=kid-counter]')").await;
    for _ in 0..3 {
        s.click("the counter", "return document.querySelector('[data-testid=kid-counter]');", json!([])).await;
    }
    s.wait("three taps", "document.querySelector('[data-testid=kid-counter]').textContent.trim() === '3 / 6'").await;
    s.screenshot("family-kid-mode.png").await;
    for _ in 0..3 {
        s.click("the counter", "return document.querySelector('[data-testid=kid-counter]');", json!([])).await;
    }
    s.wait("the celebration", "document.querySelector('[data-testid=celebration]')").await;
    s.screenshot("family-celebration.png").await;
    // The parent gate: a short press does nothing, holding it for two seconds leaves.
    let press = "const g = document.querySelector('[data-testid=parent-gate]'); \
                 g.dispatchEvent(new PointerEvent('pointerdown', {bubbles: true})); \
                 setTimeout(() => g.dispatchEvent(new PointerEvent('pointerup', {bubbles: true})), arguments[0]);";
    s.js(press, json!([300])).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    s.wait("still in kid mode after a short press", "document.querySelector('[data-testid=celebration]')").await;
    s.js(press, json!([2600])).await;
    s.wait("back to today", &format!("{LOGGED}.length === 2")).await;
    s.wait("kid mode on the log", &format!("{LOGGED}[0].textContent.includes('by Kid mode')")).await;

    // Sync now: the line says synced, and the clinic has the logs.
    s.button(None, "Sync now").await;
    s.wait("synced", "document.querySelector('[data-testid=sync-line]').textContent.startsWith('Synced')").await;
    s.screenshot("family-today-synced.png").await;
    let report = p.maya.get(&format!("/api/v1/children/{}/adherence?from={start}", p.child_id)).await;
    let text = report.to_string();
    assert!(text.contains("\"sick\""), "{report:#}");

    let _ = http.delete(&s.url).send().await;
}
