//! The memorandum of understanding: the current text, who signed it, earlier versions.

use maud::{Markup, PreEscaped, html};

use crate::components::{anchored_form, badge, field, textarea};
use crate::layout;
use crate::view::{Chrome, Refusal};

pub struct SignatureRow {
    pub organisation_id: i64,
    pub organisation: String,
    /// "signed by X on D" or None.
    pub signed: Option<String>,
}

pub struct MemorandumView {
    /// version id, "Version N, adopted D", title, rendered and sanitised HTML
    pub current: Option<(i64, String, String, String)>,
    pub signatures: Vec<SignatureRow>,
    pub signed_count: usize,
    pub earlier: Vec<String>,
    pub can_manage: bool,
    pub today: String,
    /// A form of this page the server refused, shown again as it was typed.
    pub refusal: Option<Refusal>,
}

/// The anchor of the adoption form, which the handler names when it is refused.
pub const ADOPT_FORM: &str = "adopt-form";
/// The anchor of the form that records a member's signature.
pub const SIGN_FORM: &str = "sign-form";

pub fn memorandum(chrome: &Chrome, v: &MemorandumView) -> Markup {
    layout(
        Some(chrome),
        "Memorandum of understanding",
        html! {
            h1 { "Memorandum of understanding" }
            @match &v.current {
                None => p.empty { "The coalition has not adopted a memorandum yet." },
                Some((version_id, label, title, body)) => {
                    p.lead { (label) }
                    section.prose #memorandum-text {
                        h2 { (title) }
                        (PreEscaped(body))
                    }
                    section aria-labelledby="signatures" {
                        h2 #signatures { "Signatures of this version" }
                        p #signature-count { (v.signed_count) " of " (v.signatures.len()) " members have signed." }
                        table #signature-table {
                            thead { tr { th { "Member" } th { "Signature" } } }
                            tbody { @for s in &v.signatures { tr {
                                td { a href=(format!("/organisations/{}", s.organisation_id)) { (s.organisation) } }
                                td { @match &s.signed { Some(t) => { (badge("signed", "signed")) " " (t) }, None => (badge("not yet signed", "unsigned")) } }
                            } } }
                        }
                        @if v.can_manage {
                            @let sign = Refusal::state_of(v.refusal.as_ref(), SIGN_FORM).or_values(&[("signed_on", &v.today)]);
                            (anchored_form(&chrome.csrf_token, SIGN_FORM, &format!("/memorandum/{version_id}/signatures"), "Record a signature", &sign, html! {
                                (crate::components::select(&sign, "organisation_id", "Member", &v.signatures.iter().filter(|s| s.signed.is_none()).map(|s| (s.organisation_id.to_string(), s.organisation.clone())).collect::<Vec<_>>(), None))
                                (field(&sign, "signed_by_name", "Signed on its behalf by", "text", None))
                                (field(&sign, "signed_on", "Date of signature", "date", None))
                                (field(&sign, "reference", "Reference (optional)", "text", None))
                            }))
                        }
                    }
                }
            }
            @if !v.earlier.is_empty() {
                section { h2 { "Earlier versions" } ul { @for e in &v.earlier { li { (e) } } } }
            }
            @if v.can_manage {
                section {
                    h2 { "Adopt a new version" }
                    p.hint { "Every member will then show as not yet signed until it signs the new version." }
                    @let form = Refusal::state_of(v.refusal.as_ref(), ADOPT_FORM).or_values(&[("adopted_on", &v.today)]);
                    (anchored_form(&chrome.csrf_token, ADOPT_FORM, "/memorandum", "Adopt", &form, html! {
                        (field(&form, "title", "Title", "text", None))
                        (textarea(&form, "body", "Text (Markdown)", 14, None))
                        (field(&form, "adopted_on", "Adopted on", "date", None))
                    }))
                }
            }
        },
    )
}
