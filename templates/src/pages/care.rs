//! The administrator's data-care page: backups and retention periods.

use maud::{Markup, html};

use crate::components::{anchored_form, checkbox, field};
use crate::layout;
use crate::view::{Chrome, FormState};

pub const CARE_FORM: &str = "care-form";

pub struct CareView {
    /// Where scheduled backups go.
    pub folder: String,
    /// When the last scheduled backup ran and how it went.
    pub last_backup: Option<(String, String)>,
    pub form: FormState,
}

pub fn care(chrome: &Chrome, v: &CareView) -> Markup {
    layout(
        Some(chrome),
        "Data care",
        html! {
            h1 { "Data care" }
            section aria-labelledby="backups" {
                h2 #backups { "Backups" }
                @match &v.last_backup {
                    Some((when, result)) => p #last-backup { "Last scheduled backup, " (when) " UTC: " (result) },
                    None => p #last-backup { "No scheduled backup has run yet." },
                }
                p { "Scheduled backups go to " code { (v.folder) } ". Copy them off this machine, with the " code { "secret_key" } " file: a backup restores only under the key its audit record was written with." }
                p { "By hand, while the service runs: " code { "roundtable backup --to FILE" } "; into a new, empty database: " code { "roundtable restore --from FILE" } " (SQLite or PostgreSQL, either way)." }
            }
            section aria-labelledby="care-settings" {
                h2 #care-settings { "Settings" }
                (anchored_form(&chrome.csrf_token, CARE_FORM, "/admin/care", "Save", &v.form, html! {
                    fieldset {
                        legend { "Backups" }
                        (checkbox(&v.form, "backup_daily", "Make a backup every day"))
                        (field(&v.form, "backup_keep", "Backups to keep (the oldest go first)", "number", None))
                    }
                    fieldset {
                        legend { "Retention" }
                        p.hint { "What only serves for a while goes once its period is over. The record itself (minutes, statements, positions, the audit record) is kept." }
                        (field(&v.form, "mail_body_days", "Days to keep the text of sent mail (who got what, and when, stays)", "number", None))
                        (field(&v.form, "session_days", "Days to keep ended sign-ins (at least 30: the sign-in limits use them)", "number", None))
                        (field(&v.form, "throttle_days", "Days to keep records of failed sign-ins", "number", None))
                    }
                }))
            }
        },
    )
}
