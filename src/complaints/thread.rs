//! The dialogue: statements the parties and the panel exchange, each meant for both
//! parties or for the panel alone, with files kept in the database; and the meetings a
//! case reaches (a hearing, the plenary it is referred to) as confidential agenda items.

use base64::Engine;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::model::{FileInfo, Message};
use super::rules::{Seat, Stage};
use super::store::{self, Case, checked_text};
use crate::audit::{self, Subject};
use crate::auth::permissions::Actor;
use crate::auth::visibility::{self, ComplaintSight};
use crate::db::schema::{complaint_files, complaint_messages, complaints};
use crate::db::{self, DbConn};
use crate::error::Error;

/// The largest file accepted (bytes).
pub const MAX_FILE: usize = 10 * 1024 * 1024;

/// A file sent with a message.
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The kinds of file accepted, by their first bytes (never by the name alone): PDF,
/// images, and office documents (OOXML and OpenDocument are zip files; the older Office
/// formats are OLE compound files).
pub fn kind_of(name: &str, bytes: &[u8]) -> Option<&'static str> {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let magic = |m: &[u8]| bytes.starts_with(m);
    match ext.as_str() {
        "pdf" if magic(b"%PDF-") => Some("application/pdf"),
        "png" if magic(b"\x89PNG\r\n\x1a\n") => Some("image/png"),
        "jpg" | "jpeg" if magic(b"\xff\xd8\xff") => Some("image/jpeg"),
        "gif" if magic(b"GIF87a") || magic(b"GIF89a") => Some("image/gif"),
        "webp" if magic(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") => Some("image/webp"),
        "docx" if magic(b"PK\x03\x04") => {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        }
        "xlsx" if magic(b"PK\x03\x04") => {
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        }
        "pptx" if magic(b"PK\x03\x04") => {
            Some("application/vnd.openxmlformats-officedocument.presentationml.presentation")
        }
        "odt" if magic(b"PK\x03\x04") => Some("application/vnd.oasis.opendocument.text"),
        "ods" if magic(b"PK\x03\x04") => Some("application/vnd.oasis.opendocument.spreadsheet"),
        "doc" if magic(b"\xd0\xcf\x11\xe0") => Some("application/msword"),
        "xls" if magic(b"\xd0\xcf\x11\xe0") => Some("application/vnd.ms-excel"),
        _ => None,
    }
}

/// A file's name as stored: its last path segment, without control characters.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if cleaned.trim().is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

/// Who writes as what: the serving panel as "panel", a party as itself; refused for the
/// rest ("not found" for those who do not know the case exists).
pub fn writer(case: &Case) -> Result<&'static str, Error> {
    if case.sight == ComplaintSight::Nothing {
        return Err(Error::NotFound);
    }
    if case.standing.seat == Seat::Serving {
        return Ok("panel");
    }
    match case.standing.party() {
        Some(party) if case.sight == ComplaintSight::Content => Ok(party.as_str()),
        _ => Err(Error::NotFor("the parties to the complaint and its panel")),
    }
}

/// Posts a message (and its files) to the case: a party or the serving panel, while the
/// case is open. `audience` is "parties" (both parties and the panel) or "panel" (the panel
/// and the author's own side).
pub fn post(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    audience: &str,
    body: &str,
    files: Vec<Upload>,
    today: NaiveDate,
) -> Result<i64, Error> {
    let mut problems = crate::fields::Problems::default();
    let body = problems.take("body", checked_text(body, "the message"));
    let audience = problems.need(
        "audience",
        ["parties", "panel"].into_iter().find(|a| *a == audience),
        "choose who the message is for",
    );
    let mut checked = Vec::new();
    for file in files.into_iter().filter(|f| !f.bytes.is_empty()) {
        let name = clean_name(&file.name);
        if file.bytes.len() > MAX_FILE {
            problems.add("file", format!("{name} is larger than 10 MB"));
        } else if let Some(kind) = kind_of(&name, &file.bytes) {
            checked.push((name, kind, file.bytes));
        } else {
            problems.add(
                "file",
                format!("{name}: attach PDF, images (PNG, JPEG, GIF, WebP) or office documents"),
            );
        }
    }
    let (body, audience) = problems.finish(body.zip(audience))?;
    db::write_tx(conn, |conn| {
        let case = store::case(conn, actor, id)?;
        let party = writer(&case)?;
        if !case.stage().is_open() {
            return Err(Error::Invalid(format!(
                "the case is {}: reopen it to write again",
                case.stage().label()
            )));
        }
        let message_id: i64 = diesel::insert_into(complaint_messages::table)
            .values((
                complaint_messages::complaint_id.eq(id),
                complaint_messages::person_id.eq(actor.id()),
                complaint_messages::party.eq(party),
                complaint_messages::audience.eq(audience),
                complaint_messages::body.eq(&body),
                complaint_messages::created_at.eq(db::now()),
            ))
            .returning(complaint_messages::id)
            .get_result(conn)?;
        for (name, kind, bytes) in &checked {
            diesel::insert_into(complaint_files::table)
                .values((
                    complaint_files::complaint_id.eq(id),
                    complaint_files::message_id.eq(message_id),
                    complaint_files::name.eq(name),
                    complaint_files::content_type.eq(*kind),
                    complaint_files::size_bytes.eq(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
                    complaint_files::content
                        .eq(base64::engine::general_purpose::STANDARD.encode(bytes)),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            Some(actor.id()),
            "complaint.message",
            Subject::new("complaint", id),
            json!({ "reference": case.complaint.reference, "files": checked.len() }),
        )?;
        super::notices::update(conn, &case.complaint, actor.id(), today)?;
        Ok(message_id)
    })
}

/// The messages of a case the reader may read, oldest first, with their files.
pub fn readable(conn: &mut DbConn, case: &Case) -> Result<Vec<(Message, Vec<FileInfo>)>, Error> {
    if case.sight < ComplaintSight::Content {
        return Ok(Vec::new());
    }
    let messages: Vec<Message> = complaint_messages::table
        .filter(complaint_messages::complaint_id.eq(case.complaint.id))
        .order(complaint_messages::id)
        .select(Message::as_select())
        .load(conn)?;
    let files: Vec<FileInfo> = complaint_files::table
        .filter(complaint_files::complaint_id.eq(case.complaint.id))
        .order(complaint_files::id)
        .select(FileInfo::as_select())
        .load(conn)?;
    Ok(messages
        .into_iter()
        .filter(|m| visibility::sees_complaint_message(&case.standing, &m.party, &m.audience))
        .map(|m| {
            let of_message = files
                .iter()
                .filter(|f| f.message_id == m.id)
                .cloned()
                .collect();
            (m, of_message)
        })
        .collect())
}

/// A file, if the reader may read the message it belongs to: (name, type, bytes). The
/// opening is recorded.
pub fn file(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    file_id: i64,
) -> Result<(String, String, Vec<u8>), Error> {
    let case = store::open(conn, actor, id, ComplaintSight::Content, "file")?;
    let row: Option<(FileInfo, String, String, String)> = complaint_files::table
        .inner_join(complaint_messages::table)
        .filter(complaint_files::id.eq(file_id))
        .filter(complaint_files::complaint_id.eq(id))
        .select((
            FileInfo::as_select(),
            complaint_files::content,
            complaint_messages::party,
            complaint_messages::audience,
        ))
        .first(conn)
        .optional()?;
    let Some((info, content, party, audience)) = row else {
        return Err(Error::NotFound);
    };
    if !visibility::sees_complaint_message(&case.standing, &party, &audience) {
        return Err(Error::NotFound);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content)
        .map_err(|e| Error::Internal(format!("complaint file {file_id}: {e}")))?;
    Ok((info.name, info.content_type, bytes))
}

/// Puts the case on a meeting's agenda as a confidential item: a hearing (the panel's
/// choice of a planned meeting) or the plenary it is referred to, which reads the panel's
/// summary only.
pub fn to_meeting(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    meeting_id: i64,
    hearing: bool,
    today: NaiveDate,
) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let case = store::case(conn, actor, id)?;
        if case.sight == ComplaintSight::Nothing {
            return Err(Error::NotFound);
        }
        if case.standing.seat != Seat::Serving {
            return Err(Error::NotFor("the complaint's panel"));
        }
        let c = &case.complaint;
        let (title, description) = if hearing {
            if !matches!(case.stage(), Stage::Dialogue | Stage::Proposed) {
                return Err(Error::Invalid("a hearing belongs to the dialogue".into()));
            }
            (
                format!("Hearing on complaint {}", c.reference),
                "A hearing of the parties by the complaint's panel. Confidential: for the parties and the panel.".to_owned(),
            )
        } else {
            if case.stage() != Stage::Referred {
                return Err(Error::Invalid(
                    "only a case whose proposal was not accepted is referred to the plenary".into(),
                ));
            }
            (
                format!("Complaint {} referred by its panel", c.reference),
                format!("The panel's summary:\n\n{}", c.panel_summary),
            )
        };
        crate::meetings::agenda::add_item_for_procedure(
            conn,
            meeting_id,
            &title,
            &description,
            true,
        )?;
        let target = complaints::table.find(id);
        if hearing {
            diesel::update(target)
                .set(complaints::hearing_meeting_id.eq(Some(meeting_id)))
                .execute(conn)?;
        } else {
            diesel::update(target)
                .set(complaints::plenary_meeting_id.eq(Some(meeting_id)))
                .execute(conn)?;
        }
        audit::record(
            conn,
            Some(actor.id()),
            if hearing {
                "complaint.hearing_scheduled"
            } else {
                "complaint.referred"
            },
            Subject::new("complaint", id),
            json!({ "reference": c.reference, "meeting_id": meeting_id }),
        )?;
        super::notices::update(conn, c, actor.id(), today)?;
        Ok(())
    })
}
