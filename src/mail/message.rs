//! Turning a queued delivery into an RFC 5322 message: From the coalition, Reply-To the
//! secretariat, List-Id, Date, a stable Message-ID, Auto-Submitted for automatic notices, and
//! multipart/mixed holding multipart/alternative (text, HTML, and for invitations the
//! text/calendar part with its METHOD) plus the same calendar as an .ics attachment.

use std::time::SystemTime;

use lettre::Message;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::model::{Delivery, OutboxMessage};
use super::outbox::{BASE_URL, header_safe};
use crate::error::Error;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Clone)]
struct ListId(String);

impl Header for ListId {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Id")
    }
    fn parse(s: &str) -> Result<Self, BoxError> {
        Ok(ListId(s.to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(_: &str) -> Result<Self, BoxError> {
        Ok(AutoSubmitted)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// Where mail comes from and goes back to.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub from: String,
    pub from_name: String,
    pub reply_to: Option<String>,
    pub base_url: String,
}

impl Envelope {
    /// The domain part of Message-IDs: that of the From address.
    pub fn domain(&self) -> &str {
        self.from
            .rsplit_once('@')
            .map_or("roundtable.invalid", |(_, d)| d)
    }
}

fn mailbox(name: &str, email: &str) -> Result<Mailbox, Error> {
    let address = email
        .parse()
        .map_err(|e| Error::Invalid(format!("{email:?} is not a mail address: {e}")))?;
    let name = header_safe(name);
    Ok(Mailbox::new((!name.is_empty()).then_some(name), address))
}

pub fn build(
    envelope: &Envelope,
    message: &OutboxMessage,
    delivery: &Delivery,
) -> Result<Message, Error> {
    let fill = |s: &str| s.replace(BASE_URL, &envelope.base_url);
    let mut builder = Message::builder()
        .from(mailbox(&envelope.from_name, &envelope.from)?)
        .to(mailbox(
            &delivery.recipient_name,
            &delivery.recipient_email,
        )?)
        .subject(header_safe(&message.subject))
        .date(SystemTime::now())
        .message_id(Some(format!(
            "<{}@{}>",
            delivery.message_id_header,
            envelope.domain()
        )))
        .header(ListId(format!("<{}>", header_safe(&message.list_id))));
    if let Some(reply_to) = &envelope.reply_to {
        builder = builder.reply_to(mailbox("Secretariat", reply_to)?);
    }
    if message.auto_submitted {
        builder = builder.header(AutoSubmitted);
    }
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(fill(&message.text_body)))
        .singlepart(SinglePart::html(fill(&message.html_body)));
    let body = match (&message.calendar, message.calendar_method.as_deref()) {
        (Some(ics), Some(method)) => {
            let calendar_type =
                ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                    .map_err(|e| Error::Internal(format!("calendar content type: {e}")))?;
            let attachment_type = ContentType::parse("application/ics")
                .map_err(|e| Error::Internal(format!("ics content type: {e}")))?;
            let ics = crate::icalendar::addressed_to(
                &fill(ics),
                &delivery.recipient_name,
                &delivery.recipient_email,
            );
            MultiPart::mixed()
                .multipart(
                    alternative.singlepart(
                        SinglePart::builder()
                            .header(calendar_type)
                            .body(ics.clone()),
                    ),
                )
                .singlepart(Attachment::new("invite.ics".into()).body(ics, attachment_type))
        }
        _ => MultiPart::mixed().multipart(alternative),
    };
    builder
        .multipart(body)
        .map_err(|e| Error::Internal(format!("building a mail: {e}")))
}
