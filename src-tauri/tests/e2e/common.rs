//! What every end-to-end story of the real app shares: tauri-driver and a WebDriver session spoken directly over
//! reqwest (a handful of JSON calls), helpers that find things the way a person would, axe-core (from
//! `ui/node_modules`) on each screen, and a freshly paired app against a real server.

use homeplay_tests::{Backend, Program, TestDb, TestServer, program};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The goals screen's button in the app's navigation.
pub const GOALS: &str = "What we're working on";
pub const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
pub const LOGGED: &str = "document.querySelectorAll('[data-testid=activity] [data-testid=logged]')";
pub const CARDS: &str = "document.querySelectorAll('[data-testid=activity]')";
pub const SYNC_LINE: &str = "document.querySelector('[data-testid=sync-line]').textContent";
/// Bear walk (the harness's program, after school and at bedtime) and crab walk (added here, at wake-up and
/// dinner): four activities today.
pub const BEAR: &str = "Walk like a bear!";
pub const CRAB: &str = "Scuttle like a crab!";
pub const CRAB_ID: &str = homeplay_tests::CRAB_WALK;

/// A built-in exercise as a family reading `tag` sees it (the library's translation, which the server sends a
/// device in the language its pulls name).
pub fn exercise_in(slug: &str, tag: &str) -> homeplay_core::exercise::Exercise {
    let language = homeplay_core::language::Language::from_tag(tag).unwrap_or_else(|| panic!("no language {tag}"));
    let e = homeplay_core::library::starter().unwrap().by_slug(slug).unwrap_or_else(|| panic!("no exercise {slug}"));
    homeplay_core::library::in_language(e, language).into_owned()
}

pub fn kid_title(slug: &str, tag: &str) -> String {
    exercise_in(slug, tag).kid_title.to_string()
}

/// tauri-driver, which runs WebKitWebDriver, which runs the app: all in one process group.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.wait();
    }
}

/// A free loopback port, so that two runs on one machine do not fight over tauri-driver's default 4444.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Driver {
    pub async fn start(http: &reqwest::Client, data: &Path) -> Self {
        let (port, native) = (free_port(), free_port());
        let mut cmd = Command::new("tauri-driver");
        cmd.args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            // The app inherits tauri-driver's environment: its own data folder, and no pairing from the shell.
            .env("HOMEPLAY_DATA_DIR", data)
            .env_remove("HOMEPLAY_PAIR_URL")
            .env_remove("HOMEPLAY_PAIR_CODE")
            .env_remove("HOMEPLAY_CAREGIVER");
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let child = cmd.spawn().expect("tauri-driver on PATH (cargo install tauri-driver --locked)");
        let driver = Self { child, url: format!("http://127.0.0.1:{port}") };
        let started = Instant::now();
        while http.get(format!("{}/status", driver.url)).send().await.is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "tauri-driver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        driver
    }

    /// Starts the app in a new WebDriver session.
    pub async fn session(&self, http: &reqwest::Client) -> Session {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "wry",
            "tauri:options": {"application": env!("CARGO_BIN_EXE_homeplay-app")}
        }}});
        let created: Value =
            http.post(format!("{}/session", self.url)).json(&caps).send().await.unwrap().json().await.unwrap();
        let id = created["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {created}")).to_owned();
        Session { http: http.clone(), url: format!("{}/session/{id}", self.url) }
    }
}

pub struct Session {
    http: reqwest::Client,
    pub url: String,
}

/// What axe-core found on one screen, worst first.
#[derive(Default)]
pub struct Axe {
    pub serious: Vec<String>,
    pub minor: Vec<String>,
}

impl Session {
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let resp = self.http.request(method, format!("{}{path}", self.url)).json(&body).send().await.unwrap();
        let v: Value = resp.json().await.unwrap();
        v["value"].clone()
    }

    pub async fn js(&self, script: &str, args: Value) -> Value {
        self.call(reqwest::Method::POST, "/execute/sync", json!({"script": script, "args": args})).await
    }

    pub async fn js_async(&self, script: &str, args: Value) -> Value {
        self.call(reqwest::Method::POST, "/execute/async", json!({"script": script, "args": args})).await
    }

    /// Polls a JavaScript condition until it is truthy.
    pub async fn wait(&self, what: &str, condition: &str) {
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

    /// Polls a script with arguments until it returns true.
    pub async fn wait_js(&self, what: &str, script: &str, args: Value) {
        let start = Instant::now();
        while self.js(script, args.clone()).await.as_bool() != Some(true) {
            if start.elapsed() > Duration::from_secs(20) {
                let body = self.js("return document.body.innerText;", json!([])).await;
                panic!("timed out waiting for {what}; the page shows:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The element a script returns, clicked through WebDriver like a person would.
    pub async fn click(&self, what: &str, script: &str, args: Value) {
        let el = self.js(script, args).await;
        let id = el[ELEMENT].as_str().unwrap_or_else(|| panic!("no {what}: {el}")).to_owned();
        // In the middle of the window, clear of the sticky header a person would scroll past too.
        self.js("arguments[0].scrollIntoView({block: 'center'});", json!([{ ELEMENT: id }])).await;
        let r = self.call(reqwest::Method::POST, &format!("/element/{id}/click"), json!({})).await;
        assert!(r.is_null(), "click on {what}: {r}");
    }

    /// The element a script returns, pressed with the mouse and held for `ms` before letting go.
    pub async fn hold(&self, what: &str, script: &str, args: Value, ms: u64) {
        let el = self.js(script, args).await;
        let id = el[ELEMENT].as_str().unwrap_or_else(|| panic!("no {what}: {el}")).to_owned();
        self.js("arguments[0].scrollIntoView({block: 'center'});", json!([{ ELEMENT: id }])).await;
        let actions = json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
            {"type": "pointerMove", "duration": 0, "origin": { ELEMENT: id }, "x": 0, "y": 0},
            {"type": "pointerDown", "button": 0}, {"type": "pause", "duration": ms}, {"type": "pointerUp", "button": 0}
        ]}]});
        let r = self.call(reqwest::Method::POST, "/actions", actions).await;
        assert!(r.is_null(), "hold on {what}: {r}");
        self.call(reqwest::Method::DELETE, "/actions", Value::Null).await;
    }

    /// A button by its visible text, on the whole page or on one activity card.
    pub async fn button(&self, card: Option<usize>, text: &str) {
        let script = format!(
            "const root = arguments[0] === null ? document : {CARDS}[arguments[0]]; \
             return [...root.querySelectorAll('button')].find(b => b.textContent.trim() === arguments[1]);"
        );
        self.click(&format!("button {text:?}"), &script, json!([card, text])).await;
    }

    /// Whether a button with this visible text is on the page.
    pub async fn has_button(&self, text: &str) -> bool {
        let script =
            "return [...document.querySelectorAll('button')].some(b => b.textContent.trim() === arguments[0]);";
        self.js(script, json!([text])).await.as_bool() == Some(true)
    }

    /// The index of the `nth` activity card showing `title`, in page order.
    pub async fn card(&self, title: &str, nth: usize) -> usize {
        let script = format!(
            "return [...{CARDS}].map((c, i) => [c.textContent.includes(arguments[0]), i]).filter(([m]) => m)\
             .map(([, i]) => i)[arguments[1]] ?? null;"
        );
        let i = self.js(&script, json!([title, nth])).await;
        usize::try_from(i.as_u64().unwrap_or_else(|| panic!("no card {nth} for {title:?}"))).unwrap()
    }

    /// Whether the card shows a log, and its text.
    pub async fn logged(&self, card: usize) -> Option<String> {
        let script = format!(
            "const l = {CARDS}[arguments[0]].querySelector('[data-testid=logged]'); return l && l.textContent;"
        );
        self.js(&script, json!([card])).await.as_str().map(str::to_owned)
    }

    pub async fn type_into(&self, name: &str, text: &str) {
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

    pub async fn screenshot(&self, name: &str) {
        // Let the last change reach the screen first: a screenshot right after a DOM change can be stale.
        self.js_async(
            "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
            json!([]),
        )
        .await;
        let png = self.call(reqwest::Method::GET, "/screenshot", Value::Null).await;
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD.decode(png.as_str().unwrap()).unwrap();
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../artifacts");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }

    /// Runs axe-core on the screen as it is now and adds what it finds, named by `screen`.
    pub async fn axe(&self, screen: &str, found: &mut Axe) {
        if self.js("return typeof window.axe === 'object';", json!([])).await.as_bool() != Some(true) {
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/axe-core/axe.min.js");
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (run `npm ci` in ui/)", path.display()));
            self.js(&format!("{source}\n;return true;"), json!([])).await;
        }
        let script = "const done = arguments[arguments.length - 1]; \
                      axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations.map(v => ({ \
                        id: v.id, impact: v.impact, help: v.help, \
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })))) \
                      .catch(e => done({ error: String(e) }));";
        let violations = self.js_async(script, json!([])).await;
        let list = violations.as_array().unwrap_or_else(|| panic!("axe on {screen}: {violations}"));
        for v in list {
            let nodes: Vec<&str> = v["nodes"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
            let line = format!(
                "{screen}: [{}] {}: {} ({})",
                v["impact"].as_str().unwrap_or("?"),
                v["id"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or(""),
                nodes.join(", ")
            );
            if matches!(v["impact"].as_str(), Some("serious" | "critical")) {
                found.serious.push(line);
            } else {
                found.minor.push(line);
            }
        }
    }

    /// Gives the page a `width`×`height` viewport, as on a phone. WebDriver sizes the outer window, so any window
    /// decoration is measured once and added; then it waits until the page itself has the size.
    pub async fn resize(&self, width: u32, height: u32) {
        let inner = "return [window.innerWidth, window.innerHeight];";
        let want = json!([width, height]);
        let (mut outer_w, mut outer_h) = (i64::from(width), i64::from(height));
        for _ in 0..3 {
            let r =
                self.call(reqwest::Method::POST, "/window/rect", json!({"width": outer_w, "height": outer_h})).await;
            assert!(r.get("width").is_some(), "window/rect {outer_w}x{outer_h}: {r}");
            // The new size reaches the page a moment later; a steady different size is the decorations (or a screen
            // too small, which the panic below names).
            let start = Instant::now();
            let mut got = self.js(inner, json!([])).await;
            while got != want && start.elapsed() < Duration::from_secs(3) {
                tokio::time::sleep(Duration::from_millis(50)).await;
                got = self.js(inner, json!([])).await;
            }
            if got == want {
                return;
            }
            outer_w += i64::from(width) - got[0].as_i64().unwrap_or(0);
            outer_h += i64::from(height) - got[1].as_i64().unwrap_or(0);
        }
        let got = self.js(inner, json!([])).await;
        panic!("the page never got {width}x{height} (it is {got}); is the X screen big enough?");
    }

    /// Waits until the app settles on its today screen, paired, after (re)starting.
    pub async fn wait_for_today(&self, cards: usize) {
        self.wait("today's activities", &format!("{CARDS}.length === {cards}")).await;
        self.wait(
            "the pictures",
            &format!("[...document.querySelectorAll('img.picture')].every(i => i.complete) && document.querySelectorAll('img.picture').length === {cards}"),
        )
        .await;
    }
}

/// The app's own process (not tauri-driver's, nor WebKit's helpers) for this test's data folder.
pub fn app_pids(data: &Path) -> Vec<u32> {
    let marker = format!("HOMEPLAY_DATA_DIR={}\0", data.display());
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().filter_map(Result::ok) {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let exe = std::fs::read_link(entry.path().join("exe")).ok();
        if exe.as_ref().and_then(|e| e.file_name()).is_none_or(|n| n != "homeplay-app") {
            continue;
        }
        let env = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        if String::from_utf8_lossy(&env).contains(&marker) {
            pids.push(pid);
        }
    }
    pids
}

/// Still running (a zombie waiting for its parent counts as gone).
pub fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|s| s.rsplit_once(')').is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z')))
}

/// Every log the clinic holds for the child, grouped by occurrence: `assignment/exercise/date#slot` →
/// `outcome[ undone] by who`, sorted.
pub fn logs_by_occurrence(report: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut ids = std::collections::HashSet::new();
    for e in report["timeline"].as_array().unwrap() {
        assert!(ids.insert(e["log_id"].as_str().unwrap().to_owned()), "a log twice in the timeline: {e}");
        let key = format!(
            "{}/{}/{}#{}",
            e["assignment_id"].as_str().unwrap(),
            e["exercise_id"].as_str().unwrap(),
            e["date"].as_str().unwrap(),
            e["slot"]
        );
        let outcome = match e["outcome"]["reason"].as_str() {
            Some(reason) => format!("{}:{reason}", e["outcome"]["status"].as_str().unwrap()),
            None => e["outcome"]["status"].as_str().unwrap().to_owned(),
        };
        let by = e["recorded_by"]["name"].as_str().unwrap_or_else(|| e["recorded_by"]["kind"].as_str().unwrap());
        let undone = if e["undone"].as_bool().unwrap() { " undone" } else { "" };
        out.entry(key).or_default().push(format!("{outcome}{undone} by {by}"));
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

impl Axe {
    /// Fails on any serious or critical finding; lists the rest without failing.
    pub fn assert_clean(&self) {
        assert!(self.serious.is_empty(), "axe found serious or critical problems:\n{}", self.serious.join("\n"));
        if !self.minor.is_empty() {
            eprintln!("axe, minor or moderate (not failing):\n{}", self.minor.join("\n"));
        }
    }
}

/// A fresh server on SQLite with the harness's program (bear walk after school and at bedtime, from two days
/// ago), and the real app paired to it as "Mum" on its own data folder.
pub struct PairedApp {
    pub db: TestDb,
    pub server: TestServer,
    pub program: Program,
    /// The program's first day, `YYYY-MM-DD`.
    pub start: String,
    pub data: tempfile::TempDir,
    pub http: reqwest::Client,
    pub driver: Driver,
    pub session: Session,
    /// What axe found so far, starting with the pairing form.
    pub axe: Axe,
}

impl PairedApp {
    /// Starts the server and the app and pairs them; `before_pairing` may add to the program first (what it adds
    /// reaches the app in the pairing's first pull) and hand back what the story needs of it. Returns once today
    /// shows `cards` activities.
    pub async fn start<T, F, Fut>(cards: usize, before_pairing: F) -> (Self, T)
    where
        F: FnOnce(&TestDb, &TestServer, &Program, &str) -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        Self::start_in("en", cards, before_pairing).await
    }

    /// [`PairedApp::start`], the family choosing `language` (a BCP 47 tag the app speaks) on the pairing screen first,
    /// as a person would before typing; that screen is photographed in it (`family-ar-pairing.png`, `family-zh-…`).
    pub async fn start_in<T, F, Fut>(language: &str, cards: usize, before_pairing: F) -> (Self, T)
    where
        F: FnOnce(&TestDb, &TestServer, &Program, &str) -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        let db = TestDb::new(Backend::Sqlite);
        let server = TestServer::start(&db);
        let start = (chrono::Utc::now() - chrono::TimeDelta::days(2)).date_naive().to_string();
        let program = program(&db, &server, &start).await;
        let extra = before_pairing(&db, &server, &program, &start).await;
        let code = program.maya.pairing_code(&program.child_id).await;
        let data = tempfile::tempdir().unwrap();
        let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).build().unwrap();
        let driver = Driver::start(&http, data.path()).await;
        let session = driver.session(&http).await;
        let s = &session;
        let mut axe = Axe::default();
        s.wait("the pairing form", "document.querySelector('input[name=server_url]')").await;
        if language != "en" {
            let pick = "const l = document.querySelector('[data-testid=pair-language]'); l.value = arguments[0]; \
                        l.dispatchEvent(new Event('change', { bubbles: true })); return l.value;";
            assert_eq!(s.js(pick, json!([language])).await, json!(language), "the pairing screen offers {language}");
            s.wait_js(
                &format!("the pairing screen in {language}"),
                "return document.documentElement.lang === arguments[0];",
                json!([language]),
            )
            .await;
        }
        s.axe(&format!("pairing ({language})"), &mut axe).await;
        s.type_into("server_url", &server.base).await;
        s.type_into("code", &code).await;
        s.type_into("device_name", "Kitchen laptop").await;
        s.type_into("caregiver", "Mum").await;
        if language != "en" {
            let short = language.split('-').next().unwrap_or(language);
            s.screenshot(&format!("family-{short}-pairing.png")).await;
        }
        s.click("Connect", "return document.querySelector('main.pairing form button[type=submit]');", json!([])).await;
        s.wait_for_today(cards).await;
        (Self { db, server, program, start, data, http, driver, session, axe }, extra)
    }
}

/// Kid mode's way out for a grown-up: holding "Grown-ups" opens a sum, answered on its number pad like a person
/// would.
pub async fn answer_gate(s: &Session) {
    // Held a good while past the app's 1.5 s, as a grown-up who was told to hold it would.
    s.hold("the grown-ups button", "return document.querySelector('[data-testid=parent-gate]');", json!([]), 2500)
        .await;
    s.wait("the gate's sum", "document.querySelector('[data-testid=gate-question]')").await;
    let sum = s
        .js(
            "const m = document.querySelector('[data-testid=gate-question]').textContent.match(/(\\d+)\\s*\\+\\s*(\\d+)/); \
             return Number(m[1]) + Number(m[2]);",
            json!([]),
        )
        .await;
    for digit in sum.as_u64().unwrap().to_string().chars() {
        let key = "return [...document.querySelectorAll('[data-testid=gate-panel] button')]\
                   .find(b => b.textContent.trim() === arguments[0]);";
        s.click(&format!("the gate's {digit}"), key, json!([digit.to_string()])).await;
    }
    s.click("the gate's OK", "return document.querySelector('[data-testid=gate-ok]');", json!([])).await;
}
