//! Mail bodies: every mail has a subject, a text body and an HTML body.

use maud::{DOCTYPE, Markup, html};

/// One mail's content, before it is addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailBody {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn page(title: &str, coalition: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { (title) } }
            body style="font-family: sans-serif; line-height: 1.5; color: #1d2430; max-width: 40rem;" {
                (body)
                hr;
                p style="color: #5b6472; font-size: .85rem;" { "Sent by Roundtable for " (coalition) "." }
            }
        }
    }
    .into_string()
}

/// An agenda item as mailed (confidential ones only to those entitled).
pub struct MailItem {
    pub title: String,
    pub presenter: String,
    pub duration: i32,
    pub confidential: bool,
}

pub struct MeetingMail<'a> {
    pub coalition: &'a str,
    pub title: &'a str,
    pub when: &'a str,
    pub place: &'a str,
    pub url: &'a str,
    pub items: &'a [MailItem],
}

pub fn agenda(m: &MeetingMail<'_>) -> MailBody {
    let subject = format!("Agenda: {} ({})", m.title, m.when);
    let mut text = format!(
        "{}\n\nWhen: {}\nWhere: {}\n\nAgenda:\n",
        m.title, m.when, m.place
    );
    for (n, i) in m.items.iter().enumerate() {
        text.push_str(&format!(
            "{}. {}{}{}\n",
            n + 1,
            i.title,
            if i.confidential {
                " (confidential)"
            } else {
                ""
            },
            if i.presenter.is_empty() {
                String::new()
            } else {
                format!(" - {}", i.presenter)
            }
        ));
    }
    text.push_str(&format!(
        "\nThe meeting's page: {}\nThe invitation is attached for your calendar.\n",
        m.url
    ));
    let html = page(
        &subject,
        m.coalition,
        html! {
            h1 { (m.title) }
            p { strong { "When: " } (m.when) br; strong { "Where: " } (m.place) }
            h2 { "Agenda" }
            ol { @for i in m.items { li { (i.title) @if i.confidential { " (confidential)" } @if !i.presenter.is_empty() { " – " (i.presenter) } @if i.duration > 0 { " (" (i.duration) " min)" } } } }
            p { a href=(m.url) { "The meeting's page" } ". The invitation is attached for your calendar." }
        },
    );
    MailBody {
        subject,
        text,
        html,
    }
}

pub fn meeting_changed(m: &MeetingMail<'_>) -> MailBody {
    let subject = format!("Changed: {} ({})", m.title, m.when);
    let text = format!(
        "{} has changed.\n\nNow: {}\nWhere: {}\n\n{}\nThe updated invitation is attached.\n",
        m.title, m.when, m.place, m.url
    );
    let html = page(
        &subject,
        m.coalition,
        html! {
            h1 { (m.title) " has changed" }
            p { strong { "Now: " } (m.when) br; strong { "Where: " } (m.place) }
            p { a href=(m.url) { "The meeting's page" } ". The updated invitation is attached." }
        },
    );
    MailBody {
        subject,
        text,
        html,
    }
}

pub fn meeting_cancelled(m: &MeetingMail<'_>, reason: &str) -> MailBody {
    let subject = format!("Cancelled: {} ({})", m.title, m.when);
    let text = format!(
        "{} ({}) is cancelled.\n\nReason: {reason}\n\n{}\n",
        m.title, m.when, m.url
    );
    let html = page(
        &subject,
        m.coalition,
        html! {
            h1 { (m.title) " is cancelled" }
            p { (m.when) } p { strong { "Reason: " } (reason) }
            p { a href=(m.url) { "The meeting's page" } }
        },
    );
    MailBody {
        subject,
        text,
        html,
    }
}

/// The draft minutes open for comment (a deadline), or the approved minutes (with the head of
/// the audit record at approval, a witness members keep).
pub fn minutes(
    coalition: &str,
    title: &str,
    url: &str,
    deadline: Option<&str>,
    witness: Option<&str>,
) -> MailBody {
    let (subject, lead) = match deadline {
        Some(d) => (
            format!("Draft minutes for comment: {title}"),
            format!("The draft minutes of {title} are open for your comments until {d}."),
        ),
        None => (
            format!("Minutes approved: {title}"),
            format!("The minutes of {title} are approved."),
        ),
    };
    let kept = witness.map(|w| {
        format!(
            "The coalition's audit record at approval: {w}. Keep this mail: `roundtable audit verify --witness {w}` shows whether the record still holds it unchanged."
        )
    });
    let mut text = format!("{lead}\n\nRead them: {url}\n");
    if let Some(k) = &kept {
        text.push_str(&format!("\n{k}\n"));
    }
    let html = page(
        &subject,
        coalition,
        html! {
            p { (lead) } p { a href=(url) { "Read the minutes" } }
            @if let Some(k) = &kept { p.witness { (k) } }
        },
    );
    MailBody {
        subject,
        text,
        html,
    }
}

pub fn test_mail(coalition: &str) -> MailBody {
    let subject = format!("Test mail from {coalition}");
    let text = "This is a test. If you can read it, Roundtable's mail works.\n".to_owned();
    let html = page(
        &subject,
        coalition,
        html! { p { "This is a test. If you can read it, Roundtable's mail works." } },
    );
    MailBody {
        subject,
        text,
        html,
    }
}

fn simple(
    coalition: &str,
    subject: String,
    lines: &[String],
    link: Option<(&str, &str)>,
) -> MailBody {
    let mut text = lines.join("\n\n");
    if let Some((label, url)) = link {
        text.push_str(&format!("\n\n{label}: {url}"));
    }
    text.push('\n');
    let html = page(
        &subject,
        coalition,
        html! {
            @for l in lines { p { (l) } }
            @if let Some((label, url)) = link { p { a href=(url) { (label) } } }
        },
    );
    MailBody {
        subject,
        text,
        html,
    }
}

pub fn invitation(coalition: &str, name: &str, organisation: Option<&str>, url: &str) -> MailBody {
    let role = organisation
        .map(|o| format!(" as a representative of {o}"))
        .unwrap_or_default();
    simple(
        coalition,
        format!("Your access to {coalition}"),
        &[
            format!("Dear {name},"),
            format!(
                "you have been added to {coalition}'s pages{role}. Choose a password with the link below; it works once, for 14 days."
            ),
        ],
        Some(("Set your password", url)),
    )
}

pub fn password_reset(coalition: &str, name: &str, url: &str) -> MailBody {
    simple(
        coalition,
        format!("Reset your password for {coalition}"),
        &[format!("Dear {name},"), "someone (we hope you) asked to reset your password. The link below works once, for two hours. If it was not you, ignore this mail: nothing changes.".into()],
        Some(("Choose a new password", url)),
    )
}

pub fn email_change(coalition: &str, name: &str, new_email: &str, url: &str) -> MailBody {
    simple(
        coalition,
        format!("Confirm your new email address for {coalition}"),
        &[
            format!("Dear {name},"),
            format!(
                "your address with {coalition} is to become {new_email}. It changes only if you confirm, with the link below (it works for seven days). If you did not expect this, ignore this mail: nothing changes, and you may tell the secretariat."
            ),
        ],
        Some(("Confirm the new address", url)),
    )
}

pub fn membership_decision(
    coalition: &str,
    organisation: &str,
    decision: &str,
    reason: &str,
    url: &str,
) -> MailBody {
    simple(
        coalition,
        format!("{organisation}: {decision}"),
        &[
            format!(
                "The secretariat of {coalition} has recorded a decision concerning {organisation}: {decision}."
            ),
            format!("Reason: {reason}"),
        ],
        Some(("Your organisation's page", url)),
    )
}

pub fn reminder_agenda(coalition: &str, title: &str, when: &str, url: &str) -> MailBody {
    simple(
        coalition,
        format!("Reminder: the agenda of {title} is not published yet"),
        &[format!(
            "{title} takes place on {when}, and its agenda has not been published yet."
        )],
        Some(("Prepare the agenda", url)),
    )
}

pub fn reminder_action(coalition: &str, title: &str, due: &str, url: &str) -> MailBody {
    simple(
        coalition,
        format!("Action due {due}: {title}"),
        &[format!(
            "The action \"{title}\" is due on {due}. If it is done, mark it so on the meeting's page."
        )],
        Some(("The meeting's page", url)),
    )
}

pub fn handover_notice(coalition: &str, holders: &str, period: &str, url: &str) -> MailBody {
    simple(
        coalition,
        format!("The secretariat passes to {holders}"),
        &[format!(
            "From today the secretariat of {coalition} is held by {holders} ({period})."
        )],
        Some(("Hand-over page", url)),
    )
}

/// A statement's text carried in a mail: the Markdown source for the text part, the rendered
/// and sanitised HTML for the HTML part.
pub struct QuotedText<'a> {
    pub source: &'a str,
    pub html: &'a str,
    pub content_hash: &'a str,
}

/// A notice about a joint statement: some lines, optionally the text itself, and a link.
pub fn statement_notice(
    coalition: &str,
    subject: String,
    lines: &[String],
    quoted: Option<&QuotedText<'_>>,
    link: (&str, &str),
) -> MailBody {
    let (label, url) = link;
    let mut text = lines.join("\n\n");
    if let Some(q) = quoted {
        text.push_str(&format!(
            "\n\n----- The text -----\n\n{}\n\n----- End of the text -----\nSHA-256 of the text: {}",
            q.source, q.content_hash
        ));
    }
    text.push_str(&format!("\n\n{label}: {url}\n"));
    let html = page(
        &subject,
        coalition,
        html! {
            @for l in lines { p { (l) } }
            @if let Some(q) = quoted {
                blockquote style="border-left: 3px solid #c7ccd4; margin: 1rem 0; padding: 0 1rem;" { (maud::PreEscaped(q.html)) }
                p style="font-family: monospace; font-size: .8rem; word-break: break-all;" { "SHA-256 of the text: " (q.content_hash) }
            }
            p { a href=(url) { (label) } }
        },
    );
    MailBody {
        subject,
        text,
        html,
    }
}

/// A complaint changed: the reference and a link, never a word of its content (a mail may
/// be read by anyone with access to the mailbox, and may be forwarded).
pub fn complaint_update(coalition: &str, reference: &str, url: &str) -> MailBody {
    let subject = format!("There is an update on complaint {reference}");
    let text = format!(
        "There is an update on complaint {reference}.\n\nSign in to read it: {url}\n\nFor confidentiality, mail about complaints never carries their content.\n"
    );
    let html = page(
        &subject,
        coalition,
        html! {
            p { "There is an update on complaint " strong { (reference) } "." }
            p { a href=(url) { "Sign in to read it" } }
            p style="color: #5b6472;" { "For confidentiality, mail about complaints never carries their content." }
        },
    );
    MailBody {
        subject,
        text,
        html,
    }
}

/// A step of a complaint is overdue (or due soon): its reference, the step and the date.
pub fn complaint_due(
    coalition: &str,
    reference: &str,
    waits_for: &str,
    due: &str,
    overdue: bool,
    url: &str,
) -> MailBody {
    let subject = if overdue {
        format!("Complaint {reference}: a step is overdue")
    } else {
        format!("Complaint {reference}: a step is due on {due}")
    };
    let when = if overdue { "was due on" } else { "is due on" };
    let text = format!(
        "Complaint {reference} waits for {waits_for}, which {when} {due}.\n\nThe register: {url}\n"
    );
    let html = page(
        &subject,
        coalition,
        html! {
            p { "Complaint " strong { (reference) } " waits for " (waits_for) ", which " (when) " " (due) "." }
            p { a href=(url) { "The complaints register" } }
        },
    );
    MailBody {
        subject,
        text,
        html,
    }
}
