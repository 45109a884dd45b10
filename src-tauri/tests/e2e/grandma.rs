//! A grandmother's afternoon in the real app: she says who she is from the family's names, ticks, clears a
//! mistaken tick long after its Undo has gone, writes why an activity did not happen, and opens the day on the
//! week; the clinic then holds exactly the versions she left.

use super::common::*;
use serde_json::json;
use std::collections::BTreeMap;

const PICKER: &str = "document.querySelector('[data-testid=who-picker]')";
const NAMES: &str = "[...document.querySelectorAll('[data-testid=who-name]')].map(b => b.textContent.trim())";
const CAREGIVER: &str = "document.querySelector('[data-testid=caregiver]').textContent.trim()";
const WHY: &str = "We were at her cousin's party";

#[tokio::test]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver: scripts/test.sh runs it under Xvfb"]
async fn grandma_picks_her_name_ticks_clears_a_mistake_and_opens_the_day() {
    let (app, ()) = PairedApp::start(2, |_db, _server, _p, _start| async {}).await;
    let PairedApp {
        db: _db,
        server: _server,
        program: p,
        start,
        data: _data,
        http: _http,
        driver: _driver,
        session: s,
        mut axe,
    } = app;
    s.wait_for_today(2).await;
    // Only Mum has used this computer: a tick asks nobody.
    assert!(s.js(&format!("return {PICKER} === null;"), json!([])).await.as_bool().unwrap());

    // "Someone else?" offers the family's names as big buttons; an empty new name is refused beside the field.
    s.button(None, "Someone else?").await;
    s.wait("who is doing this", PICKER).await;
    let names = s.js(&format!("return {NAMES};"), json!([])).await;
    assert!(names.as_array().unwrap().iter().any(|n| n == "Mum"), "{names}");
    s.screenshot("family-who.png").await;
    s.axe("who is doing this", &mut axe).await;
    s.button(None, "Someone else").await;
    s.wait("the name field", "document.querySelector('input[name=who-new]')").await;
    s.button(None, "That is me").await;
    s.wait("the empty name is named", "document.querySelector('[data-testid=who-error]')").await;
    s.axe("who is doing this, empty name", &mut axe).await;
    s.type_into("who-new", "Grandma").await;
    s.button(None, "That is me").await;
    s.wait("Grandma is using it", &format!("{PICKER} === null && {CAREGIVER} === 'Grandma'")).await;

    // The app starts again (the screens reload): two people have used this computer, so the first tick asks.
    s.js("location.reload();", json!([])).await;
    s.wait_for_today(2).await;
    let (bear0, bear1) = (s.card(BEAR, 0).await, s.card(BEAR, 1).await);
    s.button(Some(bear0), "Done").await;
    s.wait("who is doing this, before the tick", PICKER).await;
    let names = s.js(&format!("return {NAMES};"), json!([])).await;
    assert!(names.as_array().unwrap().iter().any(|n| n == "Grandma"), "{names}");
    s.button(None, "Grandma").await;
    s.wait("the tick", &format!("{LOGGED}.length === 1")).await;
    let line = s.logged(bear0).await.unwrap();
    assert!(line.contains("Done") && line.contains("by Grandma"), "{line}");

    // The Undo goes after a few seconds; "clear it" stays for the rest of the day.
    let undo_gone = format!(
        "(() => {{ const c = {CARDS}[{bear0}]; const words = [...c.querySelectorAll('button')].map(b => b.textContent.trim()); \
         return !words.includes('Undo') && words.includes('Change'); }})()"
    );
    s.wait("the undo window to close", &undo_gone).await;
    s.button(Some(bear0), "Change").await;
    s.button(Some(bear0), "I didn't do this: clear it").await;
    s.wait("the cleared tick", &format!("{LOGGED}.length === 0 && {CARDS}[{bear0}].dataset.outcome === 'not_yet'"))
        .await;

    // Not done, for a reason of her own, in her words.
    s.button(Some(bear1), "Not done…").await;
    s.button(Some(bear1), "Not done: other reason").await;
    s.wait("the reason field", "document.querySelector('input[name=other-reason]')").await;
    s.type_into("other-reason", WHY).await;
    s.button(Some(bear1), "Save: not done").await;
    s.wait("not done: other reason", &format!("{LOGGED}.length === 1")).await;
    let card = s.js(&format!("return {CARDS}[{bear1}].textContent;"), json!([])).await;
    let card = card.as_str().unwrap();
    assert!(card.contains("Not done: other reason") && card.contains("by Grandma") && card.contains(WHY), "{card}");
    let outcomes = s.js(&format!("return [...{CARDS}].map(c => c.dataset.outcome);"), json!([])).await;
    assert_eq!(outcomes, json!(["not_yet", "not_done"]), "each outcome its own look");
    let marks = s.js("return document.querySelectorAll('[data-testid=moment-mark]').length;", json!([])).await;
    assert!(marks.as_u64().unwrap() >= 1, "today's moments are marked now, next or earlier");
    s.screenshot("family-today-outcomes.png").await;
    s.axe("today with outcomes", &mut axe).await;

    s.button(None, "Sync now").await;
    s.wait("everything sent", &format!("/Synced/.test({SYNC_LINE})")).await;

    // The week: today's day opens to its activities and what happened.
    s.button(None, "Week").await;
    s.wait("the week", "document.querySelector('[data-testid=week-day]')").await;
    // Today as the clinic counts it (the child's time zone), which is the week's today too.
    let report = p.maya.get(&format!("/api/v1/children/{}/adherence?from={start}", p.child_id)).await;
    let today = report["today"].as_str().unwrap().to_owned();
    s.click(
        "today on the week",
        "return document.querySelector(`[data-testid=week-day][data-date='${arguments[0]}']`);",
        json!([today]),
    )
    .await;
    s.wait(
        "the opened day",
        "document.querySelectorAll('[data-testid=opened-day] [data-testid=day-item]').length === 2",
    )
    .await;
    let day = s
        .js("return [...document.querySelectorAll('[data-testid=day-item]')].map(d => d.dataset.outcome);", json!([]))
        .await;
    assert_eq!(day, json!(["not_yet", "not_done"]));
    let text = s.js("return document.querySelector('[data-testid=opened-day]').textContent;", json!([])).await;
    assert!(text.as_str().unwrap().contains(WHY), "{text}");
    s.screenshot("family-week-day.png").await;
    s.axe("week with a day open", &mut axe).await;

    // The clinic: the cleared tick is an undone version by Grandma; the other reason came with her words.
    let bear = |slot: u8| format!("{}/{}/{today}#{slot}", p.assignment_id, p.exercise_id);
    let mut want = BTreeMap::new();
    want.insert(bear(0), vec!["done undone by Grandma".to_owned()]);
    want.insert(bear(1), vec!["not_done:other by Grandma".to_owned()]);
    assert_eq!(logs_by_occurrence(&report), want, "{report:#}");
    assert!(report.to_string().contains(WHY), "the reason in words reached the clinic: {report:#}");
    axe.assert_clean();
}
