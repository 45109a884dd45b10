//! A five-year-old in kid mode: a routine with a first–then reward, the counter moving the pictures on, a step a
//! grown-up skipped that does not take the reward away, spoken captions only in the family's language, a gate
//! that held keys cannot open, and leaving part-way that logs only what the grown-up says.

use super::common::*;
use serde_json::{Value, json};

/// The routine's activities (builtins): crab walk (3 times · 2 rounds, three pictures), a cup tower Mum marks
/// "not done", and a playdough snake (3 times).
const CUPS: &str = "Build a cup tower!";
const CUPS_ID: &str = "4100089d-8d0c-5285-8dc2-7db73f351992";
const SNAKE: &str = "Make a playdough snake!";
const SNAKE_ID: &str = "6bee5186-956d-596c-b5e9-07ae3131bd25";
const COUNTER: &str = "return document.querySelector('[data-testid=kid-counter]');";
/// The gate's sum, worked out.
const SUM: &str = "const m = document.querySelector('[data-testid=gate-question]').textContent.match(/(\\d+)\\s*\\+\\s*(\\d+)/); \
                   return Number(m[1]) + Number(m[2]);";
const CAPTION: &str = "document.querySelector('[data-testid=kid-caption]')?.textContent.trim()";

/// A stand-in for the system's speech synthesis, installed in the page before kid mode opens: its voices are
/// whatever the test says, and what is spoken is recorded instead of heard. Errors anywhere on the page are
/// recorded too.
const FAKE_SPEECH: &str = "
  window.__spoken = []; window.__errors = []; window.__voices = arguments[0]; window.__voiceListeners = [];
  window.addEventListener('error', e => window.__errors.push(String(e.message)));
  window.addEventListener('unhandledrejection', e => window.__errors.push(String(e.reason)));
  const synth = {
    getVoices: () => window.__voices,
    speak: u => window.__spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.name }),
    cancel: () => {},
    addEventListener: (type, l) => { if (type === 'voiceschanged') window.__voiceListeners.push(l); },
    removeEventListener: () => {},
  };
  class Utterance { constructor(text) { this.text = text; this.lang = ''; this.voice = null; } }
  Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: synth });
  Object.defineProperty(window, 'SpeechSynthesisUtterance', { configurable: true, value: Utterance });
  return typeof window.speechSynthesis.getVoices === 'function';";

async fn tap(s: &Session, times: usize) {
    for _ in 0..times {
        s.click("the counter", COUNTER, json!([])).await;
    }
}

async fn board_states(s: &Session) -> Value {
    s.js("return [...document.querySelectorAll('[data-testid=first-then] li')].map(l => l.dataset.state);", json!([]))
        .await
}

/// Keys held on whatever has focus, through the WebDriver actions API (real key events, not page scripts).
async fn hold_key(s: &Session, key: &str, ms: u64) {
    let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
        {"type": "keyDown", "value": key}, {"type": "pause", "duration": ms}, {"type": "keyUp", "value": key}
    ]}]});
    let r = s.call(reqwest::Method::POST, "/actions", actions).await;
    assert!(r.is_null(), "key actions: {r}");
    s.call(reqwest::Method::DELETE, "/actions", Value::Null).await;
}

#[tokio::test]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver: scripts/test.sh runs it under Xvfb"]
async fn a_child_counts_to_the_reward_a_skipped_step_keeps_it_and_only_a_grown_up_leaves() {
    // Bear walk twice (the harness's) and the three-activity routine at wake-up: five cards.
    let (app, ()) = PairedApp::start(5, |_db, _server, p, start| {
        let (maya, child_id, start) = (p.maya.clone(), p.child_id.clone(), start.to_owned());
        async move {
            let reply = maya
                .post(
                    "/api/v1/library/routines",
                    json!({"title": "Morning moves", "kid_title": "Morning moves!",
                           "items": [CRAB_ID, CUPS_ID, SNAKE_ID], "then_reward": {"label": "Bubbles!"}}),
                )
                .await;
            let routine_id = reply["routine"]["id"].as_str().unwrap().to_owned();
            maya.post(
                &format!("/api/v1/children/{child_id}/assignments"),
                json!({
                    "target": {"kind": "routine", "routine_id": routine_id},
                    "start_date": start,
                    "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                    "slots": [{"kind": "moment", "moment": "wake_up"}]
                }),
            )
            .await;
        }
    })
    .await;
    let PairedApp {
        db: _db,
        server: _server,
        program: p,
        start,
        data: _data,
        http,
        driver: _driver,
        session: s,
        mut axe,
    } = app;

    // Mum marks the cup tower "not done": the child cannot do it today.
    let cups = s.card(CUPS, 0).await;
    s.button(Some(cups), "Not done…").await;
    s.button(Some(cups), "Not done: sick").await;
    s.wait("not done: sick", &format!("{LOGGED}.length === 1")).await;

    // The machine speaks Spanish only; the family's language is English: nothing may be spoken.
    let installed =
        s.js(FAKE_SPEECH, json!([[{"name": "Mónica", "lang": "es-ES", "default": true, "localService": true}]])).await;
    assert_eq!(installed, json!(true), "the stand-in speech synthesis is in place");
    s.button(Some(s.card(CRAB, 0).await), "Play time").await;
    s.wait("kid mode", "document.querySelector('[data-testid=kid-counter]')").await;
    s.wait("the first picture", &format!("{CAPTION}.startsWith('Hands behind, feet flat')")).await;
    // The tap cue: a hand that bounces until the first tap, beside a counter that says what it does.
    let cue = s
        .js(
            "const c = document.querySelector('[data-testid=tap-cue]'); \
             const b = document.querySelector('[data-testid=kid-counter]'); \
             const hint = document.getElementById(b.getAttribute('aria-describedby')); \
             return { waiting: c.classList.contains('waiting'), hidden: c.getAttribute('aria-hidden'), \
                      hint: hint && hint.textContent, width: b.getBoundingClientRect().width, \
                      height: b.getBoundingClientRect().height };",
            json!([]),
        )
        .await;
    assert_eq!((cue["waiting"].as_bool(), cue["hidden"].as_str()), (Some(true), Some("true")), "{cue}");
    assert!(cue["hint"].as_str().unwrap().contains("Tap"), "{cue}");
    assert!(cue["width"].as_f64().unwrap() >= 64.0 && cue["height"].as_f64().unwrap() >= 64.0, "{cue}");
    let quiet = s
        .js(
            "return { spoken: window.__spoken, errors: window.__errors, \
                      hear: !!document.querySelector('[data-testid=hear-again]') };",
            json!([]),
        )
        .await;
    assert_eq!(quiet, json!({"spoken": [], "errors": [], "hear": false}), "no wrong-language voice, no error");
    s.screenshot("family-kid-counter.png").await;
    s.axe("kid mode counter", &mut axe).await;

    // An English voice turns up late (as some engines' lists do): the step's caption is read in it.
    s.js(
        "window.__voices = [...window.__voices, { name: 'Daniel', lang: 'en-GB', default: false, localService: true }]; \
         window.__voiceListeners.forEach(l => l());",
        json!([]),
    )
    .await;
    s.wait("the caption spoken in English", "window.__spoken.length === 1").await;
    let spoken = s.js("return window.__spoken;", json!([])).await;
    assert_eq!(spoken, json!([{"text": "Hands behind, feet flat", "lang": "en-GB", "voice": "Daniel"}]));
    s.wait("a way to hear it again", "document.querySelector('[data-testid=hear-again]')").await;

    // Six taps over three pictures: the picture and its words move on every two taps, and are read out.
    tap(&s, 1).await;
    s.wait(
        "the cue still after the first tap",
        "!document.querySelector('[data-testid=tap-cue]').classList.contains('waiting')",
    )
    .await;
    let still = s.js(&format!("return {CAPTION}.startsWith('Hands behind, feet flat');"), json!([])).await;
    assert_eq!(still, json!(true), "one tap of six is not yet a third");
    tap(&s, 1).await;
    s.wait("the second picture", &format!("{CAPTION}.startsWith('Tummy up like a table')")).await;
    tap(&s, 2).await;
    s.wait("the third picture", &format!("{CAPTION}.startsWith('Scuttle to the side!')")).await;
    let texts = s.js("return window.__spoken.map(u => u.text);", json!([])).await;
    assert_eq!(
        texts,
        json!(["Hands behind, feet flat", "Tummy up like a table", "Scuttle to the side!"]),
        "each new picture's words read once"
    );
    tap(&s, 2).await;
    s.wait("the celebration", "document.querySelector('[data-testid=celebration]')").await;
    s.wait_js("the board: crab done, cups skipped, snake to do", "return JSON.stringify([...document.querySelectorAll('[data-testid=first-then] li')].map(l => l.dataset.state)) === arguments[0];", json!([r#"["done","skipped","todo"]"#])).await;
    assert_eq!(
        s.js("return !!document.querySelector('[data-testid=reward]');", json!([])).await,
        json!(false),
        "the snake is still to do"
    );
    let picture = s
        .js("return document.querySelector('[data-testid=board-reward-picture]').textContent.trim();", json!([]))
        .await;
    assert_eq!(picture, json!("🫧"), "the board shows the reward as a picture");

    // On to the snake, the last activity left: done, the promise is kept though the cups were skipped.
    s.button(None, &format!("Next: {SNAKE} ▶")).await;
    s.wait(
        "the snake's counter",
        "document.querySelector('[data-testid=kid-counter]')?.textContent.trim() === '0 / 3'",
    )
    .await;
    tap(&s, 3).await;
    s.wait("the reward", "document.querySelector('[data-testid=reward]')?.textContent.includes('Now: Bubbles!')").await;
    assert_eq!(board_states(&s).await, json!(["done", "skipped", "done"]));
    let picture =
        s.js("return document.querySelector('[data-testid=reward-picture]').textContent.trim();", json!([])).await;
    assert_eq!(picture, json!("🫧"), "a picture of bubbles, with the word under it");
    s.screenshot("family-kid-reward.png").await;
    s.axe("kid mode reward", &mut axe).await;

    // The gate. A long real Space press on "Grown-ups" only asks the sum; held keys' repeats in the question
    // neither type nor answer it; a wrong answer is refused with a new sum; the right one leaves.
    // A tap (a child's) only says to hold it.
    s.click("the grown-ups button", "return document.querySelector('[data-testid=parent-gate]');", json!([])).await;
    s.wait(
        "the hold hint",
        "!document.querySelector('[data-testid=gate-hold-hint]').classList.contains('visually-hidden')",
    )
    .await;
    assert_eq!(s.js("return !!document.querySelector('[data-testid=gate-question]');", json!([])).await, json!(false));
    s.js("document.querySelector('[data-testid=parent-gate]').focus();", json!([])).await;
    hold_key(&s, "\u{E00D}", 2500).await;
    s.wait("the gate's sum", "document.querySelector('[data-testid=gate-question]')").await;
    assert_eq!(s.js("return !!document.querySelector('[data-testid=kid-mode]');", json!([])).await, json!(true));
    let first_sum = s.js("return document.querySelector('[data-testid=gate-question]').textContent;", json!([])).await;
    let repeats = "const answer = arguments[0]; let sent = 0; \
                   for (const target of [document.querySelector('[data-testid=gate-question]'), \
                                         ...document.querySelectorAll('[data-testid=gate-panel] button')]) { \
                     target.focus(); \
                     for (const key of [' ', 'Enter', ...String(answer)]) for (let i = 0; i < 20; i++) { \
                       target.dispatchEvent(new KeyboardEvent('keydown', { key, repeat: true, bubbles: true, cancelable: true })); \
                       sent++; } } \
                   return sent;";
    let answer = s.js(SUM, json!([])).await;
    assert!(s.js(repeats, json!([answer])).await.as_u64().unwrap() > 100);
    let after = s
        .js(
            "return { entry: document.querySelector('[data-testid=gate-entry]').textContent.trim(), \
                      wrong: !!document.querySelector('[data-testid=gate-wrong]'), \
                      question: document.querySelector('[data-testid=gate-question]')?.textContent, \
                      kid: !!document.querySelector('[data-testid=kid-mode]') };",
            json!([]),
        )
        .await;
    assert_eq!(
        after,
        json!({"entry": "?", "wrong": false, "question": first_sum, "kid": true}),
        "held keys did nothing"
    );
    // A real Enter on OK with no answer, then a wrong answer: refused, each time with a new sum.
    s.js("document.querySelector('[data-testid=gate-ok]').focus();", json!([])).await;
    hold_key(&s, "\u{E007}", 50).await;
    s.wait("the empty answer refused", "document.querySelector('[data-testid=gate-wrong]')").await;
    // The sum changed with the refusal: one more than the new one is wrong for sure.
    let answer = s.js(SUM, json!([])).await;
    let wrong = (answer.as_u64().unwrap() + 1).to_string();
    for digit in wrong.chars() {
        let key = "return [...document.querySelectorAll('[data-testid=gate-panel] button')]\
                   .find(b => b.textContent.trim() === arguments[0]);";
        s.click(&format!("the gate's {digit}"), key, json!([digit.to_string()])).await;
    }
    s.click("the gate's OK", "return document.querySelector('[data-testid=gate-ok]');", json!([])).await;
    s.wait("the wrong answer refused", "document.querySelector('[data-testid=gate-entry]').textContent.trim() === '?'")
        .await;
    assert_eq!(s.js("return !!document.querySelector('[data-testid=kid-mode]');", json!([])).await, json!(true));
    s.screenshot("family-kid-gate.png").await;
    s.axe("kid mode gate", &mut axe).await;
    s.click("back to play", "return document.querySelector('[data-testid=gate-back]');", json!([])).await;
    s.wait("the reward again", "document.querySelector('[data-testid=reward]')").await;
    // Finished: past the gate, nothing more is asked.
    answer_gate(&s).await;
    s.wait_for_today(5).await;
    s.wait("the routine's ticks", &format!("{LOGGED}.length === 3")).await;
    assert!(s.logged(s.card(SNAKE, 0).await).await.unwrap().contains("by Kid mode"));

    // Part-way through the bear walk, a grown-up leaves: asked what to log, "nothing" logs nothing and the bear
    // walk can still be played today.
    let bear = s.card(BEAR, 0).await;
    s.button(Some(bear), "Play time").await;
    s.wait("kid mode", "document.querySelector('[data-testid=kid-counter]')").await;
    tap(&s, 2).await;
    s.wait("two taps", "document.querySelector('[data-testid=kid-counter]').textContent.trim() === '2 / 6'").await;
    answer_gate(&s).await;
    s.wait("the question what to log", "document.querySelector('[data-testid=leave-ask]')").await;
    let targets = s
        .js(
            "return Math.min(...[...document.querySelectorAll('[data-testid=leave-ask] button')]\
               .map(b => Math.min(b.getBoundingClientRect().width, b.getBoundingClientRect().height)));",
            json!([]),
        )
        .await;
    assert!(targets.as_f64().unwrap() >= 44.0, "the grown-up's choices are easy targets: {targets}");
    s.screenshot("family-kid-leave-ask.png").await;
    s.axe("kid mode leave question", &mut axe).await;
    s.click("Nothing", "return document.querySelector('[data-testid=leave-nothing]');", json!([])).await;
    s.wait_for_today(5).await;
    assert_eq!(s.logged(bear).await, None, "nothing logged for the bear walk");
    assert!(s.has_button("Play time").await);
    let play = format!(
        "return !!{CARDS}[arguments[0]] && [...{CARDS}[arguments[0]].querySelectorAll('button')].some(b => b.textContent.trim() === 'Play time');"
    );
    assert_eq!(s.js(&play, json!([bear])).await, json!(true), "the bear walk can still be played today");
    let errors = s.js("return window.__errors ?? [];", json!([])).await;
    assert_eq!(errors, json!([]), "no error on the page");

    // At the clinic: the child's two ticks, Mum's "not done", and nothing for the bear walk.
    s.js("window.scrollTo(0, 0);", json!([])).await;
    s.button(None, "Sync now").await;
    s.wait("synced", &format!("{SYNC_LINE}.startsWith('Synced')")).await;
    let _ = http.delete(&s.url).send().await;
    let report = p.maya.get(&format!("/api/v1/children/{}/adherence?from={start}", p.child_id)).await;
    let mut logs: Vec<String> = logs_by_occurrence(&report)
        .into_iter()
        .map(|(k, v)| format!("{} {}", k.split('/').nth(1).unwrap(), v.join(", ")))
        .collect();
    logs.sort();
    let mut want = vec![
        format!("{CRAB_ID} done by kid_mode"),
        format!("{CUPS_ID} not_done:sick by Mum"),
        format!("{SNAKE_ID} done by kid_mode"),
    ];
    want.sort();
    assert_eq!(logs, want, "{report:#}");

    axe.assert_clean();
}
