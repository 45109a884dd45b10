//! Email, against the real server and an SMTP sink each test starts on loopback (`smtp_sink.rs`): an
//! invitation's first-sign-in link that works once and expires, a pairing link with its QR code attached, a
//! server without `[smtp]` that shows links instead, and a mail server that is down.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use crate::smtp_sink::{PUBLIC_URL, SmtpSink, smtp_config};
use mail_parser::MimeHeaders;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A server on `db` with this configuration file's text.
fn server_with(db: &TestDb, config: &str) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("homeplay.toml");
    std::fs::write(&file, config).unwrap();
    (TestServer::start_with(db, &[("HOMEPLAY_CONFIG", file.to_str().unwrap())]), dir)
}

struct World {
    server: TestServer,
    maya: Therapist,
    db: TestDb,
    _config: tempfile::TempDir,
}

async fn world(backend: Backend, config: &str) -> World {
    let db = TestDb::new(backend);
    make_clinic(&db, "Riverside", "maya@riverside.example", true);
    add_therapist(&db, &make_clinic(&db, "Hillside", "hana@hillside.example", true).id, "x@hillside.example", false);
    let (server, dir) = server_with(&db, config);
    let maya = Therapist::login(&server, "maya@riverside.example").await;
    World { server, maya, db, _config: dir }
}

fn invite(email: &str, name: &str) -> Value {
    json!({"email": email, "name": name, "discipline": "pt"})
}

async fn welcome(server: &TestServer, token: &str, password: &str) -> reqwest::Response {
    client()
        .post(server.url("/api/v1/auth/welcome"))
        .json(&json!({"token": token, "new_password": password}))
        .send()
        .await
        .unwrap()
}

async fn login(server: &TestServer, email: &str, password: &str) -> reqwest::Response {
    client()
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

/// The token of the first-sign-in link in a message's text, after checking the link is the same in its HTML.
fn welcome_token(message: &mail_parser::Message<'_>) -> String {
    let text = message.body_text(0).unwrap();
    let start = format!("{PUBLIC_URL}/#/welcome?token=");
    let at = text.find(&start).unwrap_or_else(|| panic!("no link in: {text}"));
    let token: String =
        text[at + start.len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    assert_eq!(token.len(), 43, "a 256-bit token: {token}");
    let html = message.body_html(0).unwrap();
    assert!(html.contains(&format!("href=\"{start}{token}\"")), "the same link in the HTML: {html}");
    token
}

/// Sets the therapist's last invitation to have expired, as the clock would.
async fn expire_invitations(db: &TestDb) {
    use sqlx::Connection;
    let sql = "UPDATE invitations SET expires_ms = 1";
    if db.url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
}

async fn audit_actions(admin: &Therapist) -> Vec<(String, String)> {
    admin.get("/api/v1/audit?limit=500").await["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap().to_owned(), e["detail"].as_str().unwrap_or_default().to_owned()))
        .collect()
}

#[tokio::test]
async fn an_emailed_invitation_sets_a_password_once_and_expires() {
    for backend in BACKENDS {
        let sink = SmtpSink::start().await;
        let w = world(backend, &sink.config()).await;
        assert_eq!(w.maya.me["email_enabled"], true, "{backend:?}");

        let invited = w.maya.post("/api/v1/therapists", invite("Sam@Riverside.example", "Sam")).await;
        assert_eq!(invited["invitation"]["emailed_to"], "sam@riverside.example", "{backend:?}: {invited}");
        assert_eq!(invited["invitation"]["token"], Value::Null, "an emailed link is not shown as well");
        assert_eq!(invited["invitation"]["email_error"], Value::Null);
        assert!(invited.get("temporary_password").is_none(), "no password to pass on");

        let messages = sink.wait_for(1).await;
        assert_eq!(messages.len(), 1, "{backend:?}: one message");
        assert_eq!(messages[0].to, ["sam@riverside.example"]);
        assert_eq!(messages[0].from, "homeplay@riverside.example");
        let message = messages[0].parsed();
        assert!(message.subject().unwrap().contains("Riverside"), "{:?}", message.subject());
        assert!(
            message.message_id().is_some_and(|id| id.ends_with("@riverside.example")),
            "{:?}",
            message.message_id()
        );
        let text = message.body_text(0).unwrap().into_owned();
        assert!(text.contains("Hello Sam") && text.contains("Maya invited you"), "{text}");
        let token = welcome_token(&message);

        // A weak password is refused by its field, and the link still works; then it sets the password, once.
        let resp = welcome(&w.server, &token, "short").await;
        expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("new_password")).await;
        let done = expect_ok(welcome(&w.server, &token, PASSWORD).await).await;
        assert_eq!(done["email"], "sam@riverside.example", "{backend:?}");
        let me = expect_ok(login(&w.server, "sam@riverside.example", PASSWORD).await).await;
        assert_eq!(me["must_change_password"], false, "{backend:?}: signed in, nothing owed");
        let resp = welcome(&w.server, &token, "another-password-1").await;
        expect_error(resp, StatusCode::GONE, "gone", Some("token")).await;
        let resp = login(&w.server, "sam@riverside.example", "another-password-1").await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "the second use changed nothing");
        let resp = welcome(&w.server, "no-such-token", PASSWORD).await;
        expect_error(resp, StatusCode::NOT_FOUND, "not_found", Some("token")).await;
        let sam = me["therapist"]["id"].as_str().unwrap().to_owned();
        let resp = w.maya.send(Method::POST, &format!("/api/v1/therapists/{sam}/invitation"), Some(json!({}))).await;
        expect_error(resp, StatusCode::CONFLICT, "conflict", None).await;

        // A link expires; a new invitation replaces it, and the old link stops working.
        let kim = w.maya.post("/api/v1/therapists", invite("kim@riverside.example", "Kim")).await;
        let kim_id = kim["therapist"]["id"].as_str().unwrap().to_owned();
        let first = welcome_token(&sink.wait_for(2).await[1].parsed());
        expire_invitations(&w.db).await;
        let resp = welcome(&w.server, &first, PASSWORD).await;
        expect_error(resp, StatusCode::GONE, "gone", Some("token")).await;
        let again = w.maya.post(&format!("/api/v1/therapists/{kim_id}/invitation"), json!({})).await;
        assert_eq!(again["emailed_to"], "kim@riverside.example", "{backend:?}");
        let messages = sink.wait_for(3).await;
        assert_eq!(messages[2].to, ["kim@riverside.example"]);
        let second = welcome_token(&messages[2].parsed());
        assert_ne!(first, second);
        expect_ok(welcome(&w.server, &second, PASSWORD).await).await;
        expect_ok(login(&w.server, "kim@riverside.example", PASSWORD).await).await;

        // Another clinic's admin cannot invite Kim again; a non-admin cannot at all.
        let hana = Therapist::login(&w.server, "hana@hillside.example").await;
        let resp = hana.send(Method::POST, &format!("/api/v1/therapists/{kim_id}/invitation"), Some(json!({}))).await;
        expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
        assert_eq!(sink.messages().len(), 3, "{backend:?}: nothing else was sent");

        let actions = audit_actions(&w.maya).await;
        for (action, detail) in
            [("invite_therapist", "link emailed"), ("reinvite_therapist", "link emailed"), ("accept_invitation", "")]
        {
            assert!(
                actions.iter().any(|(a, d)| a == action && d.contains(detail)),
                "{backend:?}: {action} ({detail}) in {actions:?}"
            );
        }
    }
}

/// The text a PNG's QR code holds.
fn read_qr(png_bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).unwrap();
    assert_eq!(frame.color_type, png::ColorType::Grayscale);
    let (w, h) = (frame.width as usize, frame.height as usize);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().unwrap().1
}

/// Asks the server to email a child's family the pairing link of `code`.
async fn email_pairing_link(by: &Therapist, child: &str, code: &str, to: &str) -> reqwest::Response {
    let path = format!("/api/v1/children/{child}/pairing-codes/email");
    by.send(Method::POST, &path, Some(json!({"code": code, "email": to}))).await
}

#[tokio::test]
async fn a_pairing_link_email_holds_the_link_and_its_qr_code() {
    for backend in BACKENDS {
        let sink = SmtpSink::start().await;
        let w = world(backend, &sink.config()).await;
        let leo = w.maya.add_child("Leo").await["child"]["id"].as_str().unwrap().to_owned();
        let code = w.maya.pairing_code(&leo).await;
        let path = format!("/api/v1/children/{leo}/pairing-codes/email");

        let resp = w.maya.send(Method::POST, &path, Some(json!({"code": code, "email": "mum at home"}))).await;
        expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("email")).await;
        let resp =
            w.maya.send(Method::POST, &path, Some(json!({"code": "AAAA-AAAA", "email": "mum@family.example"}))).await;
        expect_error(resp, StatusCode::GONE, "gone", Some("code")).await;
        // Someone who may not open Leo cannot send his family's link.
        let hana = Therapist::login(&w.server, "hana@hillside.example").await;
        let resp = hana.send(Method::POST, &path, Some(json!({"code": code, "email": "x@example.org"}))).await;
        expect_error(resp, StatusCode::NOT_FOUND, "not_found", None).await;
        // Another child's family's code is not this one's.
        let mia = w.maya.add_child("Mia").await["child"]["id"].as_str().unwrap().to_owned();
        let resp = email_pairing_link(&w.maya, &mia, &code, "x@example.org").await;
        expect_error(resp, StatusCode::GONE, "gone", Some("code")).await;
        assert!(sink.messages().is_empty(), "{backend:?}: nothing sent so far");

        let resp = w.maya.send(Method::POST, &path, Some(json!({"code": code, "email": "Mum@Family.example"}))).await;
        assert_eq!(resp.status(), StatusCode::NO_CONTENT, "{backend:?}: {}", resp.text().await.unwrap());
        let messages = sink.wait_for(1).await;
        assert_eq!(messages[0].to, ["mum@family.example"]);
        let message = messages[0].parsed();
        let link = format!("{PUBLIC_URL}/family/#pair={code}");
        let text = message.body_text(0).unwrap().into_owned();
        assert!(text.contains(&link) && text.contains(&code), "{backend:?}: {text}");
        assert!(message.body_html(0).unwrap().contains(&format!("href=\"{link}\"")));
        assert!(!text.contains("Leo"), "the child's name stays out of the email");
        let attachment = message.attachment(0).expect("an attachment");
        let content_type = attachment.content_type().unwrap();
        assert_eq!((content_type.ctype(), content_type.subtype()), ("image", Some("png")));
        assert_eq!(attachment.attachment_name(), Some("homeplay-pairing-qr.png"));
        assert_eq!(read_qr(attachment.contents()), link, "{backend:?}: the QR code is the link");

        // The code still pairs (once); a used code's link is not sent again.
        DeviceClient::pair(&w.server, &code, "Mum's phone").await;
        let resp = w.maya.send(Method::POST, &path, Some(json!({"code": code, "email": "mum@family.example"}))).await;
        expect_error(resp, StatusCode::GONE, "gone", Some("code")).await;
        let actions = audit_actions(&w.maya).await;
        assert!(
            actions.iter().any(|(a, d)| a == "email_pairing_link" && d == "to mum@family.example"),
            "{backend:?}: {actions:?}"
        );
        assert_eq!(sink.messages().len(), 1);
    }
}

#[tokio::test]
async fn without_smtp_the_answer_carries_the_link_and_nothing_is_sent() {
    let sink = SmtpSink::start().await;
    // The sink runs, but this server has no [smtp]: it must send nothing anywhere.
    let w = world(Backend::Sqlite, "").await;
    assert_eq!(w.maya.me["email_enabled"], false);
    let invited = w.maya.post("/api/v1/therapists", invite("sam@riverside.example", "Sam")).await;
    let invitation = &invited["invitation"];
    assert_eq!(invitation["emailed_to"], Value::Null);
    assert_eq!(invitation["email_error"], Value::Null);
    let token = invitation["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 43);
    expect_ok(welcome(&w.server, &token, PASSWORD).await).await;
    expect_ok(login(&w.server, "sam@riverside.example", PASSWORD).await).await;
    let leo = w.maya.add_child("Leo").await["child"]["id"].as_str().unwrap().to_owned();
    let code = w.maya.pairing_code(&leo).await;
    let resp = email_pairing_link(&w.maya, &leo, &code, "mum@family.example").await;
    expect_error(resp, StatusCode::CONFLICT, "conflict", Some("smtp")).await;
    assert!(sink.messages().is_empty());
    let actions = audit_actions(&w.maya).await;
    assert!(actions.iter().any(|(a, d)| a == "invite_therapist" && d.ends_with("; link shown")), "{actions:?}");
}

#[tokio::test]
async fn with_the_mail_server_down_the_invitation_stands_and_its_link_is_shown() {
    for backend in BACKENDS {
        // A port nothing listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let w = world(backend, &smtp_config(port)).await;
        assert_eq!(w.maya.me["email_enabled"], true);
        let invited = w.maya.post("/api/v1/therapists", invite("sam@riverside.example", "Sam")).await;
        let invitation = &invited["invitation"];
        assert_eq!(invitation["emailed_to"], Value::Null, "{backend:?}: {invited}");
        assert_eq!(invitation["email_error"]["error"], "unavailable", "{invited}");
        assert_eq!(invitation["email_error"]["field"], "smtp", "{invited}");
        let message = invitation["email_error"]["message"].as_str().unwrap();
        assert!(message.contains("could not be reached") && !message.contains("sam@"), "{message}");
        let accounts = w.maya.get("/api/v1/therapists/accounts").await;
        let sam = accounts.as_array().unwrap().iter().find(|a| a["therapist"]["email"] == "sam@riverside.example");
        assert_eq!(sam.unwrap()["must_change_password"], true, "{backend:?}: the invitation stands");
        let token = invitation["token"].as_str().unwrap().to_owned();

        // Inviting again says the same, with a new link; the link shown works.
        let sam_id = invited["therapist"]["id"].as_str().unwrap().to_owned();
        let again = w.maya.post(&format!("/api/v1/therapists/{sam_id}/invitation"), json!({})).await;
        assert_eq!(again["email_error"]["field"], "smtp");
        let resp = welcome(&w.server, &token, PASSWORD).await;
        expect_error(resp, StatusCode::NOT_FOUND, "not_found", Some("token")).await;
        expect_ok(welcome(&w.server, again["token"].as_str().unwrap(), PASSWORD).await).await;

        let leo = w.maya.add_child("Leo").await["child"]["id"].as_str().unwrap().to_owned();
        let code = w.maya.pairing_code(&leo).await;
        let resp = email_pairing_link(&w.maya, &leo, &code, "mum@family.example").await;
        let body = expect_error(resp, StatusCode::SERVICE_UNAVAILABLE, "unavailable", Some("smtp")).await;
        assert!(!body["message"].as_str().unwrap().contains("mum@"), "{body}");
        let actions = audit_actions(&w.maya).await;
        assert!(actions.iter().any(|(a, d)| a == "invite_therapist" && d.contains("email failed")), "{actions:?}");
        assert!(!actions.iter().any(|(a, _)| a == "email_pairing_link"), "nothing was sent: {actions:?}");
    }
}
