//! The three journeys of issue 13, on each backend: (a) a fresh install set up from nothing to
//! approved minutes, (b) a joint statement on the demo from objection to publication, (c) a
//! member on a phone.

use roundtable::cli::{DemoLogin, seed_demo};

use super::{Journey, PHONE_WIDTH};
use crate::common::backends;

/// The demo's login whose role line contains `role`.
fn login_for<'a>(logins: &'a [DemoLogin], role: &str) -> &'a DemoLogin {
    logins
        .iter()
        .find(|l| l.role.contains(role))
        .unwrap_or_else(|| panic!("no demo login {role:?}"))
}

fn sign_in(journey: &mut Journey, login: &DemoLogin) {
    journey.open("/login");
    journey.browser.fill("#field-email", &login.email);
    journey.browser.fill("#field-password", &login.password);
    journey.submit("form[action='/login']", "Sign in");
    assert!(
        !journey.browser.url().ends_with("/login"),
        "{} could not sign in: {}",
        login.email,
        journey.main_text()
    );
}

fn sign_out(journey: &mut Journey) {
    // On a phone the button is in the folded menu.
    if let Some(toggle) = journey
        .browser
        .find_all("header a.menu-toggle")
        .into_iter()
        .find(|t| !journey.browser.text(t).is_empty())
    {
        journey.browser.click(&toggle);
    }
    let button = journey
        .browser
        .find_with_text("form[action='/logout'] button", "Sign out");
    journey.browser.click_to_load(&button);
}

/// Opens the link whose text contains `text` (inside `css`) as a person would, by clicking it.
fn follow(journey: &mut Journey, css: &str, text: &str) {
    let link = journey.browser.find_with_text(css, text);
    journey.browser.click_to_load(&link);
    journey.check_page();
}

/// (c) A member's representative on a 390 px phone: the menu collapses behind one button and
/// reaches every area; no page scrolls sideways (checked on each page by the journey).
#[test]
fn c_a_member_on_a_phone() {
    for backend in backends() {
        eprintln!("--- on {}", backend.name());
        let Some(mut journey) = Journey::start(&backend, PHONE_WIDTH) else {
            return;
        };
        let logins = journey.app.with_conn(seed_demo).expect("the demo");
        sign_in(&mut journey, login_for(&logins, "as a member"));
        assert!(journey.main_text().contains("What needs you"));

        // The menu is folded away; its button opens it.
        let menu_link = journey.browser.find("header a[href='/meetings']");
        assert!(
            !journey
                .browser
                .property(&menu_link, "checkVisibility")
                .is_null(),
            "a menu entry exists"
        );
        let visible = |journey: &Journey, css: &str| {
            let element = journey.browser.find(css);
            journey.browser.script(
                "return arguments[0].checkVisibility();",
                &[super::webdriver::element_ref(&element)],
            ) == serde_json::Value::Bool(true)
        };
        assert!(
            !visible(&journey, "header a[href='/meetings']"),
            "the menu is folded at phone width"
        );
        let toggle = journey.browser.find_with_text("header a", "Menu");
        journey.browser.click(&toggle);
        assert!(visible(&journey, "header a[href='/meetings']"));
        follow(&mut journey, "header a", "Meetings");
        journey.screenshot("phone-meetings");

        // The month calendar shows the whole week, the meeting page its attendance.
        follow(&mut journey, "main a", "Past meetings");
        let held = journey.browser.find_all("main a[href^='/meetings/']");
        assert!(!held.is_empty(), "past meetings are listed");
        journey.browser.click_to_load(&held[0]);
        journey.check_page();

        journey.open("/organisations");
        follow(&mut journey, "main a", "Legal Aid Network");
        journey.open("/statements");
        let open = journey.browser.find_all("main a[href^='/statements/']");
        journey.browser.click_to_load(&open[0]);
        journey.check_page();
        journey.open("/account");
        sign_out(&mut journey);
        assert!(
            journey.browser.url().ends_with("/login") || journey.main_text().contains("Sign in")
        );
    }
}
