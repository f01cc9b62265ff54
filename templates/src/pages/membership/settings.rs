//! The coalition's settings: what it publishes, fees, sectors and their sides.

use maud::{Markup, html};

use crate::components::{anchored_form, checkbox, field, select};
use crate::layout;
use crate::view::{Chrome, FormState, Refusal};

pub const OPTIONS_FORM: &str = "options-form";
pub const SECTOR_FORM: &str = "sector-form";

pub struct SettingsView {
    pub publish_member_list: bool,
    pub public_applications: bool,
    pub fees_enabled: bool,
    pub publish_statements: bool,
    /// name, side label
    pub sectors: Vec<(String, String)>,
    /// A form on this page the service refused, as it was typed.
    pub refusal: Option<Refusal>,
}

pub fn settings(chrome: &Chrome, v: &SettingsView) -> Markup {
    let mut options = FormState::default();
    if let Some(typed) = v.refusal.as_ref().filter(|r| r.form == OPTIONS_FORM) {
        options = typed.state.clone();
    } else {
        for (key, on) in [
            ("publish_member_list", v.publish_member_list),
            ("public_applications", v.public_applications),
            ("fees_enabled", v.fees_enabled),
            ("publish_statements", v.publish_statements),
        ] {
            if on {
                options.values.insert(key.into(), "on".into());
            }
        }
    }
    let sector = Refusal::state_of(v.refusal.as_ref(), SECTOR_FORM);
    let sides = vec![
        ("civil_society".into(), "Civil society".into()),
        ("governmental".into(), "Governmental".into()),
    ];
    layout(
        Some(chrome),
        "Settings",
        html! {
            h1 { "Coalition settings" }
            div.columns {
                section {
                    h2 { "What the coalition does in public" }
                    (anchored_form(&chrome.csrf_token, OPTIONS_FORM, "/settings", "Save", &options, html! {
                        (checkbox(&options, "publish_member_list", "Publish the member list (names and sectors only) at /organisations"))
                        (checkbox(&options, "public_applications", "Accept applications through the public form at /apply"))
                        (checkbox(&options, "fees_enabled", "Keep yearly membership fees"))
                        (checkbox(&options, "publish_statements", "Publish adopted joint statements at /public/statements"))
                    }))
                }
                section {
                    h2 { "Sectors and their side" }
                    table #sectors { tbody { @for (name, side) in &v.sectors { tr { td { (name) } td { (side) } } } } }
                    (anchored_form(&chrome.csrf_token, SECTOR_FORM, "/settings/sectors", "Save the sector", &sector, html! {
                        (field(&sector, "name", "Sector", "text", Some("A new name adds a sector; an existing name moves it to the side chosen.")))
                        (select(&sector, "side", "Side", &sides, None))
                    }))
                }
            }
        },
    )
}
