//! What anyone may read: published statements with their signatories and hash, and the
//! receipt a signatory keeps.

use maud::{Markup, PreEscaped, html};

use crate::layout;
use crate::view::Chrome;

pub struct PublicRow {
    pub id: i64,
    pub title: String,
    pub published: String,
}

pub fn list(chrome: &Chrome, rows: &[PublicRow]) -> Markup {
    layout(
        Some(chrome),
        "Published statements",
        html! {
            h1 { "Published joint statements" }
            @if rows.is_empty() { p.empty { "Nothing has been published yet." } }
            ul #published { @for r in rows {
                li { a href=(format!("/public/statements/{}", r.id)) { (r.title) } " · " (r.published) }
            } }
        },
    )
}

pub struct PublicStatement {
    pub title: String,
    pub coalition: String,
    pub published: String,
    /// Rendered and sanitised Markdown.
    pub html: String,
    pub content_hash: String,
    pub signatories: Vec<String>,
}

pub fn statement(chrome: &Chrome, v: &PublicStatement) -> Markup {
    layout(
        Some(chrome),
        &v.title,
        html! {
            article #public-statement {
                h1 { (v.title) }
                p.muted { "A joint statement of " (v.coalition) ", published " (v.published) "." }
                div.statement-text { (PreEscaped(&v.html)) }
                h2 { "Signed by" }
                ul #signatories { @for name in &v.signatories { li { (name) } } }
                p { "SHA-256 of the text: " code.hash #content-hash { (v.content_hash) } }
                p.muted { "Each signatory holds a receipt with this hash; compare the two to check that it approved exactly this text." }
            }
        },
    )
}

/// The plain-text receipt a signatory downloads.
pub struct ReceiptView {
    pub coalition: String,
    pub title: String,
    pub organisation: String,
    pub content_hash: String,
    pub published: String,
    pub approved: String,
    pub approved_by: String,
    pub authorised: Option<(String, String, String)>,
    pub public_url: String,
    /// The head of the audit record at publication, as SEQ:HASH.
    pub witness: Option<String>,
}

pub fn receipt_text(v: &ReceiptView) -> String {
    let authorisation = match &v.authorised {
        Some((when, by, reference)) => {
            format!("Authorised:    {when} by {by} (internal reference {reference})\n")
        }
        None => "Authorised:    not required for this organisation\n".to_owned(),
    };
    format!(
        "Receipt of a joint statement of {coalition}\n\
         \n\
         Statement:     {title}\n\
         Published:     {published}\n\
         Signatory:     {organisation}\n\
         Approved:      {approved} by {approved_by}\n\
         {authorisation}\
         Text SHA-256:  {hash}\n\
         \n\
         Check it: the public page {url} names {organisation} among the signatories\n\
         and shows the same SHA-256. The hash is of the text normalised to Unicode NFC,\n\
         LF line endings and no trailing spaces.\n\
         {witness}",
        coalition = v.coalition,
        title = v.title,
        published = v.published,
        organisation = v.organisation,
        approved = v.approved,
        approved_by = v.approved_by,
        hash = v.content_hash,
        url = v.public_url,
        witness = match &v.witness {
            Some(w) => format!(
                "\nAudit record:  {w}\n\
                 This is the coalition's audit record as the statement was published. Keep this\n\
                 receipt: `roundtable audit verify --witness {w}` on the coalition's server\n\
                 shows that the record still holds it, unchanged.\n"
            ),
            None => String::new(),
        },
    )
}
