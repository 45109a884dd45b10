//! Every word of the server's email, in English, in one place: subjects, plain text, and the HTML alternative
//! (the same words, every value escaped). The family app's own languages live elsewhere; a family's pairing
//! email is short, and its link opens the app in the family's language.

use super::{Invite, PairingLink};

/// The attached QR code's file name.
pub const QR_FILE_NAME: &str = "homeplay-pairing-qr.png";

/// A message's words: its subject, its plain text, and its HTML alternative.
#[derive(Debug)]
pub struct Words {
    pub subject: String,
    pub plain: String,
    pub html: String,
}

/// Text made safe to put in HTML.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html_page(paragraphs: &[String]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"></head>\n\
         <body style=\"font-family: sans-serif; line-height: 1.5\">\n{body}</body></html>\n"
    )
}

fn link_html(link: &str, label: &str) -> String {
    format!("<a href=\"{}\">{}</a>", esc(link), esc(label))
}

/// The invitation of a new therapist.
pub fn invite(invite: &Invite<'_>, link: &str) -> Words {
    let expires = invite.expires_at.format("%A %-d %B %Y, %H:%M UTC").to_string();
    let (name, inviter, clinic) = (invite.name, invite.inviter, invite.clinic);
    let subject = format!("Your homeplay account at {clinic}");
    let plain = format!(
        "Hello {name},\n\n\
         {inviter} invited you to {clinic}'s homeplay clinic dashboard.\n\n\
         Choose your password here to sign in for the first time:\n{link}\n\n\
         The link works once, until {expires}. If it has expired, ask your clinic's admin for a new one.\n\n\
         If you did not expect this email, you can ignore it.\n"
    );
    let html = html_page(&[
        format!("Hello {},", esc(name)),
        format!("{} invited you to {}'s homeplay clinic dashboard.", esc(inviter), esc(clinic)),
        link_html(link, "Choose your password and sign in"),
        format!("Or open this link: {}", esc(link)),
        format!(
            "The link works once, until {}. If it has expired, ask your clinic's admin for a new one.",
            esc(&expires)
        ),
        "If you did not expect this email, you can ignore it.".to_owned(),
    ]);
    Words { subject, plain, html }
}

/// A family's pairing link.
pub fn pairing_link(pairing: &PairingLink<'_>, link: &str) -> Words {
    let clinic = pairing.clinic;
    let code = pairing.code.display();
    let minutes = pairing.minutes_left.max(1);
    let subject = format!("Connect the homeplay app: a link from {clinic}");
    let plain = format!(
        "Hello,\n\n\
         {clinic} sent you this link to connect the homeplay app on your phone or tablet to your child's home \
         program.\n\n\
         Open it on the phone or tablet:\n{link}\n\n\
         Or scan the attached QR code with its camera, or type this code into the homeplay app: {code}\n\n\
         The link works once, for the next {minutes} minutes. If it has expired, ask the clinic for a new one.\n\n\
         If you did not expect this email, you can ignore it.\n"
    );
    let html = html_page(&[
        "Hello,".to_owned(),
        format!(
            "{} sent you this link to connect the homeplay app on your phone or tablet to your child's home program.",
            esc(clinic)
        ),
        format!("Open it on the phone or tablet: {}", link_html(link, "connect the homeplay app")),
        format!("Or open this link: {}", esc(link)),
        format!(
            "Or scan the attached QR code with its camera, or type this code into the homeplay app: <strong>{}</strong>",
            esc(&code)
        ),
        format!(
            "The link works once, for the next {minutes} minutes. If it has expired, ask the clinic for a new one."
        ),
        "If you did not expect this email, you can ignore it.".to_owned(),
    ]);
    Words { subject, plain, html }
}

#[cfg(test)]
mod tests {
    use super::*;
    use homeplay_core::pairing::PairingCode;

    #[test]
    fn values_are_text_in_the_html() {
        let invite = Invite {
            name: "Sam <b>",
            inviter: "Maya",
            clinic: "Riverside & Co",
            token: "t",
            expires_at: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
        };
        let words = super::invite(&invite, "https://h.example/#/welcome?token=t&x=\"1\"");
        assert!(words.html.contains("Sam &lt;b&gt;") && words.html.contains("Riverside &amp; Co"), "{}", words.html);
        assert!(words.html.contains("href=\"https://h.example/#/welcome?token=t&amp;x=&quot;1&quot;\""));
        assert!(words.plain.contains("Friday 15 January 2027, 08:00 UTC"), "{}", words.plain);
        let code = PairingCode::parse("K7QM4TZD").unwrap();
        let words = pairing_link(&PairingLink { clinic: "Riverside", code: &code, minutes_left: 14 }, "https://l");
        assert!(words.plain.contains("K7QM-4TZD") && words.plain.contains("next 14 minutes"), "{}", words.plain);
    }
}
