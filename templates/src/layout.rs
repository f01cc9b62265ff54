//! The page frame: head, navigation, the signed-in person, flash messages, footer.

use std::sync::LazyLock;

use maud::{DOCTYPE, Markup, html};

use crate::view::{Chrome, FlashKind};

pub const STYLESHEET: &str = include_str!("../static/style.css");

/// The stylesheet's address carries a hash of its content, so it can be cached for a year and
/// still change the moment a new version is deployed.
pub fn stylesheet_href() -> &'static str {
    static HREF: LazyLock<String> = LazyLock::new(|| {
        // FNV-1a: enough to tell versions apart, no crate needed.
        let hash = STYLESHEET.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!("/static/style.css?v={hash:016x}")
    });
    &HREF
}

/// The whole page. `chrome` is absent on error pages rendered before anything is known.
pub fn layout(chrome: Option<&Chrome>, title: &str, body: Markup) -> Markup {
    let coalition = chrome
        .map(|c| c.coalition_name.as_str())
        .filter(|n| !n.is_empty())
        .unwrap_or("Roundtable");
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (coalition) }
                link rel="stylesheet" href=(stylesheet_href());
            }
            body {
                a.skip-link href="#main" { "Skip to content" }
                header.site-header {
                    a.brand href="/" { (coalition) }
                    @if let Some(c) = chrome {
                        // On a phone the menu folds behind this link; opening it targets
                        // #menu, so it works without scripts (the stylesheet shows it).
                        a.menu-toggle href="#menu" aria-controls="menu" { "Menu" }
                        div.menu #menu {
                            (navigation(c))
                            a.menu-close href="#" aria-controls="menu" { "Close menu" }
                        }
                    }
                }
                main #main tabindex="-1" {
                    @if let Some(c) = chrome {
                        @for flash in &c.flashes {
                            div.flash.(flash_class(flash.kind)) role=(if flash.kind == FlashKind::Error { "alert" } else { "status" }) {
                                (flash.message)
                            }
                        }
                    }
                    (body)
                }
                footer.site-footer {
                    p { "Roundtable: the governance of a coalition, kept in the open." }
                }
            }
        }
    }
}

/// The menu entry of `href`, marked as the current page when the person is in its area.
fn entry(chrome: &Chrome, href: &str, label: &str) -> Markup {
    let here = if href == "/" {
        chrome.path == "/"
    } else {
        chrome.path == href || chrome.path.starts_with(&format!("{href}/"))
    };
    html! {
        li { a href=(href) aria-current=[here.then_some("page")] { (label) } }
    }
}

fn navigation(chrome: &Chrome) -> Markup {
    html! {
        @if let Some(person) = &chrome.person {
            nav aria-label="Main" {
                ul {
                    (entry(chrome, "/", "Dashboard"))
                    @if person.sees_directory {
                        (entry(chrome, "/meetings", "Meetings"))
                        (entry(chrome, "/statements", "Statements"))
                        (entry(chrome, "/organisations", "Members"))
                        (entry(chrome, "/groups", "Working groups"))
                        (entry(chrome, "/secretariat", "Secretariat"))
                        (entry(chrome, "/memorandum", "Memorandum"))
                    }
                    @if person.sees_complaints {
                        (entry(chrome, "/complaints", "Complaints"))
                    }
                    @if person.sees_evaluations {
                        (entry(chrome, "/evaluations", "Evaluations"))
                    }
                    @if person.is_secretariat {
                        (entry(chrome, "/admission", "Admission"))
                        (entry(chrome, "/fees", "Fees"))
                        (entry(chrome, "/mail", "Mail"))
                        (entry(chrome, "/settings", "Settings"))
                    }
                    @if person.is_admin {
                        (entry(chrome, "/admin/audit", "Audit record"))
                        (entry(chrome, "/admin/care", "Data care"))
                    }
                }
            }
            div.signed-in {
                a href="/account" aria-current=[(chrome.path.starts_with("/account")).then_some("page")] { (person.name) }
                form method="post" action="/logout" {
                    (crate::components::csrf_field(&chrome.csrf_token))
                    button.link type="submit" { "Sign out" }
                }
            }
        } @else {
            nav aria-label="Main" {
                ul { (entry(chrome, "/login", "Sign in")) }
            }
        }
    }
}

fn flash_class(kind: FlashKind) -> &'static str {
    match kind {
        FlashKind::Success => "flash-success",
        FlashKind::Info => "flash-info",
        FlashKind::Error => "flash-error",
    }
}
