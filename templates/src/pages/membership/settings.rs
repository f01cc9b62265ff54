//! The coalition's settings: what it publishes, fees, sectors and their sides.

use maud::{Markup, html};

use crate::components::{action_form, checkbox, field, select};
use crate::layout;
use crate::view::{Chrome, FormState};

pub struct SettingsView {
    pub publish_member_list: bool,
    pub public_applications: bool,
    pub fees_enabled: bool,
    pub publish_statements: bool,
    /// name, side label
    pub sectors: Vec<(String, String)>,
}

pub fn settings(chrome: &Chrome, v: &SettingsView) -> Markup {
    let mut options = FormState::default();
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
                    (action_form(&chrome.csrf_token, "/settings", "Save", html! {
                        (checkbox(&options, "publish_member_list", "Publish the member list (names and sectors only) at /organisations"))
                        (checkbox(&options, "public_applications", "Accept applications through the public form at /apply"))
                        (checkbox(&options, "fees_enabled", "Keep yearly membership fees"))
                        (checkbox(&options, "publish_statements", "Publish adopted joint statements at /statements/public"))
                    }))
                }
                section {
                    h2 { "Sectors and their side" }
                    table #sectors { tbody { @for (name, side) in &v.sectors { tr { td { (name) } td { (side) } } } } }
                    (action_form(&chrome.csrf_token, "/settings/sectors", "Save the sector", html! {
                        (field(&FormState::default(), "name", "Sector", "text", Some("A new name adds a sector; an existing name moves it to the side chosen.")))
                        (select(&FormState::default(), "side", "Side", &sides, None))
                    }))
                }
            }
        },
    )
}
