//! A Spanish-speaking family: the screens, the therapist's message and the pain faces in Spanish, and the end
//! of the home program told in their words when the clinic discharges the child (told first, then the device
//! is disconnected, keeping what it holds).

use super::common::*;
use serde_json::json;

const SYNC_BUTTON: &str = "return document.querySelector('button.sync-now');";

#[tokio::test]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver: scripts/test.sh runs it under Xvfb"]
async fn a_spanish_family_reads_messages_pain_faces_and_the_end_of_the_program_in_spanish() {
    let (app, ()) = PairedApp::start(2, |_, _, _, _| async {}).await;
    let (s, p, mut axe) = (&app.session, &app.program, app.axe);

    // Settings: Español, saved; the whole app speaks it at once.
    s.click("Settings", "return document.querySelector('[data-testid=nav-settings]');", json!([])).await;
    s.click("Español", "return document.querySelector('[data-testid=settings-language-es]');", json!([])).await;
    // Bedtime moves to 20:15 (moment times are set with reminders on); Today shows it at once, no reload.
    s.click("Reminders", "return document.querySelector('[data-testid=settings-reminders]');", json!([])).await;
    let bedtime = "const f = [...document.querySelectorAll('.time-field')].find(f => /bedtime|dormir/i.test(f.textContent)); \
                   const i = f.querySelector('input'); i.value = '20:15'; \
                   i.dispatchEvent(new Event('input', {bubbles: true})); return i.value;";
    assert_eq!(s.js(bedtime, json!([])).await, "20:15");
    s.click("Save", "return document.querySelector('main form button[type=submit]');", json!([])).await;
    s.wait(
        "the app in Spanish",
        "document.documentElement.lang === 'es' \
         && document.querySelector('[data-testid=nav-today]').textContent.trim() === 'Hoy'",
    )
    .await;
    s.screenshot("family-es-settings.png").await;
    s.axe("settings (es)", &mut axe).await;
    s.click("Hoy", "return document.querySelector('[data-testid=nav-today]');", json!([])).await;
    s.wait(
        "bedtime at its new time on Today",
        "[...document.querySelectorAll('.moment-title')].some(h => /dormir/i.test(h.textContent) && h.textContent.includes('20:15'))",
    )
    .await;

    // The therapist writes (in the family's language, as written); the thread shows it under "Mensajes".
    let path = format!("/api/v1/children/{}/messages", p.child_id);
    let text = "¡Qué bien camina como un oso esta semana!";
    p.maya.post(&path, json!({"client_key": homeplay_core::ids::MessageId::new_v7(), "text": text})).await;
    s.click("Sincronizar ahora", SYNC_BUTTON, json!([])).await;
    s.wait("the unread badge", "document.querySelector('[data-testid=unread-badge]')").await;
    s.click("Mensajes", "return document.querySelector('[data-testid=nav-messages]');", json!([])).await;
    s.wait_js(
        "the message in the thread",
        "return [...document.querySelectorAll('[data-testid=message]')].some(m => m.textContent.includes(arguments[0]));",
        json!([text]),
    )
    .await;
    assert_eq!(
        s.js("return document.querySelector('[data-testid=nav-messages]').textContent.trim();", json!([])).await,
        "Mensajes"
    );
    s.screenshot("family-es-messages.png").await;
    s.axe("messages (es)", &mut axe).await;

    // Today: "Hecho", then "¿Qué tal fue?" with the faces in Spanish; an 8 tells them, in Spanish, to stop.
    s.click("Hoy", "return document.querySelector('[data-testid=nav-today]');", json!([])).await;
    s.wait_for_today(2).await;
    // The built-in activities were fetched again in Spanish when the language was saved.
    let oso = kid_title("bear-walk", "es");
    s.wait_js(
        "the activities in Spanish",
        &format!("return [...{CARDS}].filter(c => c.textContent.includes(arguments[0])).length === 2;"),
        json!([oso]),
    )
    .await;
    let bear = s.card(&oso, 0).await;
    s.button(Some(bear), "Hecho").await;
    s.wait("the tick", &format!("{LOGGED}.length === 1")).await;
    s.button(Some(bear), "¿Qué tal fue?").await;
    s.wait(
        "the faces in Spanish",
        "document.querySelector('[data-testid=pain-8]')?.closest('label, button')?.textContent.includes('Duele mucho')",
    )
    .await;
    s.click("the face for 8", "return document.querySelector('[data-testid=pain-8]');", json!([])).await;
    s.wait(
        "the advice in Spanish",
        "document.querySelector('[data-testid=pain-advice]')?.textContent.includes('Deja esta actividad')",
    )
    .await;
    s.screenshot("family-es-pain.png").await;
    s.axe("pain faces (es)", &mut axe).await;
    s.button(Some(bear), "Guardar").await;
    s.wait("the card marked", "document.querySelector('[data-testid=card-pain-advice]')").await;
    s.click("Sincronizar ahora", SYNC_BUTTON, json!([])).await;
    s.wait("synced", &format!("{SYNC_LINE}.startsWith('Sincronizado')")).await;
    let report = p.maya.get(&format!("/api/v1/children/{}/adherence?from={}", p.child_id, app.start)).await;
    assert!(report.to_string().contains("\"pain_score\":8"), "the score reached the clinic: {report:#}");

    // The clinic discharges Leo, the family's only child: the next sync tells the family in Spanish, the one
    // after finds the device disconnected, and says so in Spanish too.
    p.maya.post(&format!("/api/v1/children/{}/discharge", p.child_id), json!({"reason": "Objetivos cumplidos"})).await;
    s.click("Sincronizar ahora", SYNC_BUTTON, json!([])).await;
    s.wait(
        "the end of the program, in Spanish",
        "document.querySelector('[data-testid=program-ended]')?.textContent.includes('terminó el')",
    )
    .await;
    s.click("Sincronizar ahora", SYNC_BUTTON, json!([])).await;
    s.wait("disconnected, in Spanish", &format!("{SYNC_LINE}.startsWith('Ya no está conectado')")).await;
    let line = s.js(&format!("return {SYNC_LINE};"), json!([])).await;
    assert!(!line.as_str().unwrap().contains("The clinic"), "the server's English words are not shown: {line}");
    let ended = s.js("return document.querySelector('[data-testid=program-ended]').textContent;", json!([])).await;
    assert!(ended.as_str().unwrap().contains("Riverside"), "{ended}");
    s.screenshot("family-es-ended.png").await;
    s.axe("program ended (es)", &mut axe).await;
    axe.assert_clean();
}
