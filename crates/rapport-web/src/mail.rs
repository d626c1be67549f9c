//! E-mail: the status report as an RFC 5322 message (HTML with a plain-text
//! alternative and the PDF attached, a Message-ID of our own), and its
//! delivery over SMTP through `lettre`.
//!
//! `RAPPORT_SMTP_URL` names the server: `smtp://host:25` (plain, for a
//! relay on the local network), `smtp://host:587?tls=required` (STARTTLS)
//! or `smtps://user:password@host:465` (TLS from the start); the password
//! is never printed. `RAPPORT_MAIL_FROM` is the sender.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Where and as whom reports are sent.
#[derive(Clone)]
pub struct MailConfig {
    url: String,
    from: Mailbox,
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MailConfig({} as {})", self.server(), self.from)
    }
}

impl MailConfig {
    /// Checks the URL and the sender once, at start-up.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let scheme = url.split("://").next().unwrap_or("");
        if !matches!(scheme, "smtp" | "smtps") {
            return Err(format!(
                "RAPPORT_SMTP_URL must start with smtp:// or smtps://, not {scheme}://"
            ));
        }
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("RAPPORT_SMTP_URL is not a usable SMTP address: {e}"))?;
        let from: Mailbox = from.parse().map_err(|e| {
            format!("RAPPORT_MAIL_FROM \"{from}\" is not an e-mail address ({e}); give e.g. \"Rapport <rapport@firm.example>\"")
        })?;
        Ok(Self {
            url: url.to_string(),
            from,
        })
    }

    /// The server, without credentials, for messages and logs.
    pub fn server(&self) -> String {
        let rest = self.url.split("://").nth(1).unwrap_or("");
        let host = rest.rsplit('@').next().unwrap_or(rest);
        let scheme = self.url.split("://").next().unwrap_or("smtp");
        format!("{scheme}://{}", host.split('?').next().unwrap_or(host))
    }

    pub fn from(&self) -> &Mailbox {
        &self.from
    }
}

/// A report's message, ready for the outbox.
pub struct Built {
    pub bytes: Vec<u8>,
    pub message_id: String,
    pub envelope_from: String,
    pub envelope_to: String,
}

/// What a report's e-mail says, before it is built.
pub struct Letter {
    pub report_id: i64,
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    /// Where replies go: the project manager who sent it, not Rapport.
    pub reply_to: Option<String>,
    /// The plain-text part (the report's Markdown).
    pub text: String,
    pub html: String,
    pub pdf: Vec<u8>,
    pub filename: String,
}

/// Builds the message: the HTML with the Markdown as its plain-text
/// alternative, the PDF attached.
pub fn build(config: &MailConfig, letter: Letter) -> Result<Built, String> {
    let Letter {
        report_id,
        to_name,
        to_address,
        subject,
        reply_to,
        text,
        html,
        pdf,
        filename,
    } = letter;
    let address: Address = to_address.trim().parse().map_err(|e| {
        format!("the reader's e-mail address \"{to_address}\" cannot be used ({e}); correct it on their page")
    })?;
    // A display name on one line, whatever was stored (a control
    // character would break the header).
    let to_name: String = to_name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let to = Mailbox::new(Some(to_name.trim().to_string()), address.clone());
    let domain = config.from.email.domain().to_string();
    let mut random = [0u8; 12];
    getrandom::getrandom(&mut random)
        .map_err(|e| format!("no randomness for the Message-ID: {e}"))?;
    let message_id = format!("<report-{report_id}.{}@{domain}>", hex::encode(random));
    let pdf_type = ContentType::parse("application/pdf").map_err(|e| e.to_string())?;
    let mut builder = Message::builder().from(config.from.clone()).to(to);
    if let Some(reply) = reply_to.and_then(|r| r.parse::<Mailbox>().ok()) {
        builder = builder.reply_to(reply);
    }
    let message = builder
        .subject(subject)
        .message_id(Some(message_id.clone()))
        .multipart(
            MultiPart::mixed()
                .multipart(MultiPart::alternative_plain_html(text, html))
                .singlepart(Attachment::new(filename).body(pdf, pdf_type)),
        )
        .map_err(|e| format!("cannot build the e-mail: {e}"))?;
    Ok(Built {
        bytes: message.formatted(),
        message_id,
        envelope_from: config.from.email.to_string(),
        envelope_to: address.to_string(),
    })
}

/// Hands a stored message to the SMTP server; `Ok` only when the server
/// accepted it.
pub async fn send(
    config: &MailConfig,
    envelope_from: &str,
    envelope_to: &str,
    bytes: &[u8],
) -> Result<(), String> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.url)
        .map_err(|e| format!("RAPPORT_SMTP_URL: {e}"))?
        .timeout(Some(Duration::from_secs(30)))
        .build();
    let from: Address = envelope_from
        .parse()
        .map_err(|e| format!("the sender {envelope_from}: {e}"))?;
    let to: Address = envelope_to
        .parse()
        .map_err(|e| format!("the reader {envelope_to}: {e}"))?;
    let envelope = Envelope::new(Some(from), vec![to]).map_err(|e| e.to_string())?;
    transport
        .send_raw(&envelope, bytes)
        .await
        .map(|_| ())
        .map_err(|e| {
            let permanent = if e.is_permanent() { "permanently " } else { "" };
            format!(
                "{} {permanent}refused or could not be reached: {e}",
                config.server()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored name with a line break (pasted, or from before names were
    /// one line) cannot add a header: it is flattened, and no panic.
    #[test]
    fn a_line_break_in_the_readers_name_cannot_add_a_header() {
        let config =
            MailConfig::new("smtp://127.0.0.1:25", "Rapport <rapport@firm.example>").unwrap();
        let built = build(
            &config,
            Letter {
                report_id: 7,
                to_name: "Line\r\nBcc: a@evil.example".into(),
                to_address: "rep@client.example".into(),
                subject: "Status".into(),
                reply_to: Some("pm@firm.example".into()),
                text: "text".into(),
                html: "<p>html</p>".into(),
                pdf: b"%PDF-1.7".to_vec(),
                filename: "status.pdf".into(),
            },
        )
        .unwrap();
        let text = String::from_utf8_lossy(&built.bytes);
        assert!(!text.contains("\r\nBcc:"), "{text}");
        assert!(text.contains("Reply-To: pm@firm.example"), "{text}");
        assert_eq!(built.envelope_to, "rep@client.example");
        assert!(
            built.message_id.starts_with("<report-7.")
                && built.message_id.ends_with("@firm.example>")
        );
    }

    #[test]
    fn only_smtp_addresses_and_a_real_sender_are_taken() {
        assert!(MailConfig::new("http://mail.example", "a@b.example")
            .unwrap_err()
            .contains("smtp://"));
        assert!(MailConfig::new("smtp://127.0.0.1:25", "not an address")
            .unwrap_err()
            .contains("RAPPORT_MAIL_FROM"));
        let c = MailConfig::new("smtps://user:secret@mail.example:465", "a@b.example").unwrap();
        assert_eq!(
            c.server(),
            "smtps://mail.example:465",
            "no password in messages"
        );
    }
}
