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
    let to = Mailbox::new(Some(to_name), address.clone());
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
        .map_err(|e| format!("{} refused or could not be reached: {e}", config.server()))
}
