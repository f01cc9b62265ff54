//! The three journeys of issue 13, on each backend: (a) a fresh install set up from nothing to
//! approved minutes, (b) a joint statement on the demo from objection to publication, (c) a
//! member on a phone.

use roundtable::cli::{DemoLogin, seed_demo};

use super::{Journey, PHONE_WIDTH};

const DESKTOP_WIDTH: u32 = 1280;
use crate::common::{backends, demo_login};

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
        sign_in(&mut journey, demo_login(&logins, "as a member"));
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

/// The open round of the demo's statement that waits for the agency's authorisation.
fn open_statement_path(journey: &Journey) -> String {
    use roundtable::statements::store;
    let statement = journey
        .app
        .with_conn(store::list)
        .expect("statements")
        .into_iter()
        .find(|s| s.status == "approval")
        .expect("the demo's statement in its approval round");
    format!("/statements/{}", statement.id)
}

/// Records the signed-in representative's position on the statement page.
fn take_position(journey: &mut Journey, position: &str, reason: &str) {
    journey
        .browser
        .choose("form[id^='position-'] select[name=position]", position);
    journey
        .browser
        .fill("form[id^='position-'] textarea[name=reason]", reason);
    journey.submit("form[id^='position-']", "position");
}

/// (b) A joint statement on the demo: the Legal Aid Network's representative objects without
/// a reason (refused beside the field, in view, the choice kept), then with one; the
/// secretariat is told why it cannot publish; the objection is resolved; the agency's
/// authoriser confirms the exact text; the secretariat publishes it.
#[test]
fn b_a_joint_statement_from_objection_to_publication() {
    for backend in backends() {
        eprintln!("--- on {}", backend.name());
        let Some(mut journey) = Journey::start(&backend, DESKTOP_WIDTH) else {
            return;
        };
        let logins = journey.app.with_conn(seed_demo).expect("the demo");
        let statement = open_statement_path(&journey);
        let member = demo_login(&logins, "as a member").clone();
        let secretariat = demo_login(&logins, "as the secretariat").clone();
        let authoriser = demo_login(&logins, "Agency's authoriser").clone();

        // An objection without a reason comes back with the choice kept and the message in view.
        sign_in(&mut journey, &member);
        journey.open(&statement);
        take_position(&mut journey, "Object", "");
        let errors = journey.browser.find("form[id^='position-'] .field-errors");
        assert!(
            journey.browser.text(&errors).contains("reason"),
            "{}",
            journey.browser.text(&errors)
        );
        assert!(
            journey.browser.in_view(&errors),
            "the message is where the person is"
        );
        let kept = journey
            .browser
            .find("form[id^='position-'] select[name=position]");
        assert_eq!(journey.browser.value(&kept), "object", "the choice is kept");
        take_position(
            &mut journey,
            "Object",
            "The text must name the labour inspectorate's role.",
        );
        assert!(
            journey
                .main_text()
                .contains("Your organisation's position is recorded."),
            "{}",
            journey.main_text()
        );
        sign_out(&mut journey);

        // Too early: the secretariat is told why, and offered no Publish.
        sign_in(&mut journey, &secretariat);
        journey.open(&statement);
        journey.screenshot("statement-round");
        let summary = journey.main_text();
        assert!(
            summary.contains("consensus needs no objection"),
            "the reason is on the page"
        );
        assert!(
            journey
                .browser
                .find_all("form#publish-form button")
                .is_empty(),
            "no Publish while an objection stands"
        );
        sign_out(&mut journey);

        // The objection is resolved in discussion: the member approves.
        sign_in(&mut journey, &member);
        journey.open(&statement);
        take_position(&mut journey, "Approve", "");
        sign_out(&mut journey);

        sign_in(&mut journey, &secretariat);
        journey.open(&statement);
        assert!(
            journey.main_text().contains("waiting for authorisation"),
            "the agency's authorisation still holds it up"
        );
        assert!(
            journey
                .browser
                .find_all("form#publish-form button")
                .is_empty()
        );
        sign_out(&mut journey);

        // The authoriser confirms the exact text, with the ministry's file number.
        sign_in(&mut journey, &authoriser);
        journey.open(&statement);
        journey.browser.choose(
            "form[id^='authorisation-'] select[name=decision]",
            "Authorise",
        );
        journey.submit("form[id^='authorisation-']", "decision");
        let missing = journey
            .browser
            .find("form[id^='authorisation-'] .field-errors");
        assert!(
            journey.browser.in_view(&missing),
            "an authorisation without its reference is refused in view"
        );
        journey.browser.fill(
            "form[id^='authorisation-'] input[name=reference]",
            "NATA/2026/114",
        );
        journey.submit("form[id^='authorisation-']", "decision");
        assert!(
            journey
                .main_text()
                .contains("The authorisation decision is recorded.")
        );
        sign_out(&mut journey);

        // Now it may be published, and the public page shows it.
        sign_in(&mut journey, &secretariat);
        journey.open(&statement);
        journey.submit("form#publish-form", "Publish");
        assert!(
            journey.main_text().contains("The statement is published."),
            "{}",
            journey.main_text()
        );
        sign_out(&mut journey);
        journey.open("/public/statements");
        assert!(
            journey
                .main_text()
                .contains("World Day against Trafficking in Persons"),
            "the public page shows it to anyone"
        );
    }
}

/// The six founding members, three on each side: (name, sector, representative, email).
const FOUNDERS: [(&str, &str, &str, &str); 6] = [
    ("Harbour Shelter", "NGO", "Ana Lima", "ana@harbour.example"),
    (
        "Dockworkers' Union",
        "Trade union",
        "Ben Okafor",
        "ben@dockers.example",
    ),
    (
        "Migrant Voices",
        "Migrant or self-organised group",
        "Chen Wei",
        "chen@voices.example",
    ),
    (
        "Ministry of Labour",
        "Ministry",
        "Dora Novak",
        "dora@labour.example",
    ),
    ("Port Police", "Police", "Emil Berg", "emil@police.example"),
    (
        "Labour Inspectorate",
        "Labour inspectorate",
        "Fay Murphy",
        "fay@inspect.example",
    ),
];

const FOUNDER_PASSWORD: &str = "harbour lights over grey water";

fn add_organisation(
    journey: &mut Journey,
    (name, sector, person, email): (&str, &str, &str, &str),
) {
    journey.open("/organisations/new");
    journey.browser.fill("#field-name", name);
    journey.browser.choose("#field-sector_id", sector);
    journey.browser.fill("#field-region", "Harbour City");
    journey.browser.choose("#field-status", "Full member");
    journey
        .browser
        .set_value("#field-effective_on", "2026-01-15");
    journey.browser.fill("#field-reason", "founding member");
    journey.browser.fill("#field-primary_name", person);
    journey.browser.fill("#field-primary_email", email);
    journey.submit("main form", "Save");
    assert!(
        journey.main_text().contains(name) && !journey.browser.url().ends_with("/new"),
        "{name} was not added: {}",
        journey.main_text()
    );
}

/// Signs in the person behind `email` through the invitation they were mailed.
fn accept_invitation(journey: &mut Journey, email: &str) {
    let link = journey
        .app
        .mailed_link(email, "/invitation/")
        .expect("an invitation was mailed");
    journey.open(&link);
    journey.browser.fill("#field-password", FOUNDER_PASSWORD);
    journey
        .browser
        .fill("#field-password_confirm", FOUNDER_PASSWORD);
    journey.submit("main form", "Set password and sign in");
}

/// (a) A fresh install, set up from nothing to a plenary's approved minutes, by the
/// administrator and then by the secretariat the rotation put in place.
#[test]
fn a_a_fresh_install_to_approved_minutes() {
    for backend in backends() {
        eprintln!("--- on {}", backend.name());
        let Some(mut journey) = Journey::start(&backend, DESKTOP_WIDTH) else {
            return;
        };
        let token = journey
            .app
            .with_conn(|c| {
                roundtable::auth::store::issue_setup_link(c, std::time::Duration::from_secs(3600))
            })
            .expect("set-up link")
            .expect("not set up yet");

        // Set-up: the coalition and its first administrator.
        journey.open(&format!("/setup/{token}"));
        journey.browser.fill(
            "#field-coalition_name",
            "Harbour Coalition against Forced Labour",
        );
        journey.browser.fill("#field-time_zone", "Europe/Lisbon");
        journey.browser.fill("#field-name", "Ines Admin");
        journey.browser.fill("#field-email", "ines@harbour.example");
        journey
            .browser
            .fill("#field-password", "a quiet admin password for the harbour");
        journey.browser.fill(
            "#field-password_confirm",
            "a quiet admin password for the harbour",
        );
        journey.submit("main form", "Create the coalition");
        assert!(
            journey.main_text().contains("Add the member organisations"),
            "an empty coalition's dashboard is a set-up checklist: {}",
            journey.main_text()
        );

        // Six organisations, three on each side.
        for founder in FOUNDERS {
            add_organisation(&mut journey, founder);
        }
        journey.open("/organisations");
        for (name, ..) in FOUNDERS {
            assert!(journey.main_text().contains(name));
        }

        // A working group, convened by the shelter's representative.
        journey.open("/groups");
        journey.browser.fill("#field-name", "Outreach in the port");
        journey.browser.fill(
            "#field-mandate",
            "Reach seafarers and dock workers in their languages.",
        );
        journey.browser.choose("#field-convenor_id", "Ana Lima");
        journey.browser.set_value("#field-started_on", "2026-02-01");
        journey.submit("form#create-group-form", "Create");
        assert!(journey.main_text().contains("Outreach in the port"));

        // The administrator's own pages pass the same checks: data care, the audit record,
        // a person's page with the download and the erasure form.
        journey.open("/admin/care");
        assert!(journey.main_text().contains("Make a backup every day"));
        journey.open("/admin/audit");
        let ana = journey
            .app
            .with_conn(|c| roundtable::auth::store::find_by_email(c, "ana@harbour.example"))
            .expect("read")
            .expect("Ana");
        journey.open(&format!("/people/{}", ana.id));
        assert!(journey.main_text().contains("Erase this person"));
        journey.screenshot("person-admin");

        // The rotation starts today: two holders, one per side.
        journey.open("/secretariat");
        let today = chrono::Utc::now().date_naive();
        journey
            .browser
            .set_value("#field-first_term_starts", &today.to_string());
        journey.submit("form#start-form", "Start the rotation");
        let holders = journey
            .app
            .with_conn(|c| roundtable::secretariat::store::holders_on(c, today))
            .expect("holders")
            .expect("a running term")
            .1;
        assert_eq!(holders.len(), 2, "a co-secretariat");
        let holder = journey
            .app
            .with_conn(|c| {
                let person =
                    roundtable::membership::organisations::primary_representative(c, holders[0])?
                        .expect("a primary representative");
                roundtable::auth::store::find(c, person)
            })
            .expect("the holder's representative");
        sign_out(&mut journey);

        // The secretariat's representative accepts the invitation and plans the year around
        // the public holidays.
        accept_invitation(&mut journey, &holder.email);
        journey.open("/meetings/plan");
        journey.browser.fill("#calendar-name", "Public holidays");
        let holidays = format!(
            "{}/tests/data/ics/austrian-public-holidays.ics",
            env!("CARGO_MANIFEST_DIR")
        );
        journey.browser.attach("#calendar-file", &holidays);
        journey.submit("form[enctype='multipart/form-data']", "Import");
        assert!(
            journey.browser.url().ends_with("/meetings/plan#dates"),
            "post/redirect/get: {}",
            journey.browser.url()
        );
        assert!(journey.main_text().contains("Imported \"Public holidays\""));
        journey.submit("form#confirm-form", "Confirm these plenaries");
        journey.open("/meetings");
        let plenary = journey
            .browser
            .find_all("#upcoming-table a[href^='/meetings/']")
            .into_iter()
            .next()
            .expect("a confirmed plenary");
        journey.browser.click_to_load(&plenary);
        journey.check_page();
        let meeting = journey.browser.url();

        // An agenda with a confidential item, published.
        for (title, confidential) in [
            ("Round of members", false),
            ("Case review: the fishing fleet", true),
        ] {
            journey.browser.fill("form#item-form #field-title", title);
            journey
                .browser
                .fill("form#item-form #field-presenter", "Secretariat");
            journey
                .browser
                .fill("form#item-form #field-duration_minutes", "30");
            if confidential {
                journey
                    .browser
                    .tick("form#item-form input[name=confidential]");
            }
            journey.submit("form#item-form", "Add the item");
        }
        journey.submit("form#publish-form", "Publish the agenda");
        assert!(
            journey
                .main_text()
                .contains("Case review: the fishing fleet")
        );

        // Held; attendance in one form with each organisation's people to choose from. Present
        // without saying who came is refused beside that row, in view, every choice kept.
        journey
            .browser
            .choose("form#status-form select[name=status]", "Held");
        journey.submit("form#status-form", "Change the state");
        let first = journey
            .app
            .with_conn(|c| roundtable::membership::organisations::find_by_name(c, FOUNDERS[0].0))
            .expect("read")
            .expect("a founder")
            .id;
        journey
            .browser
            .choose(&format!("select[name='status-{first}']"), "present");
        journey.submit("form#attendance-form", "Save the attendance");
        let refusal = journey
            .browser
            .find(&format!("#represented_by-{first}-errors"));
        assert!(journey.browser.in_view(&refusal), "the refusal is in view");
        let kept = journey
            .browser
            .find(&format!("select[name='status-{first}']"));
        assert_eq!(journey.browser.value(&kept), "present");
        for (n, (name, _, person, _)) in FOUNDERS.iter().enumerate() {
            let id = journey
                .app
                .with_conn(|c| roundtable::membership::organisations::find_by_name(c, name))
                .expect("read")
                .expect("a founder")
                .id;
            let status = if n == 5 { "apologies" } else { "present" };
            journey
                .browser
                .choose(&format!("select[name='status-{id}']"), status);
            if n != 5 {
                journey
                    .browser
                    .choose(&format!("select[name='represented_by-{id}']"), person);
            }
        }
        journey.submit("form#attendance-form", "Save the attendance");
        assert!(
            journey.main_text().contains("quorum 5 of 6"),
            "{}",
            journey.main_text()
        );

        // Minutes drafted, then approved after confirming what approval means.
        journey.submit("form#start-minutes-form", "Start the minutes");
        journey.browser.fill(
            "form#minutes-form textarea[name=body]",
            "## 1. Round of members\n\nEvery member reported on the season's inspections.",
        );
        journey.submit("form#minutes-form", "Save the draft");
        journey
            .browser
            .fill("form#approve-form input[name=note]", "the plenary itself");
        journey.submit("form#approve-form", "Approve the minutes");
        let unconfirmed = journey.browser.find("#approve-form-confirm-errors");
        assert!(
            journey.browser.in_view(&unconfirmed),
            "the refusal is in view"
        );
        journey
            .browser
            .tick("form#approve-form input[name=confirm]");
        journey.submit("form#approve-form", "Approve the minutes");
        assert!(
            journey.main_text().contains("The minutes are approved"),
            "{}",
            journey.main_text()
        );
        journey.browser.goto(&meeting);
        journey.screenshot("meeting");
        // The secretariat's meeting page on a phone: attendance and minutes fit the screen.
        let meeting_path = meeting.trim_start_matches(journey.base.as_str()).to_owned();
        journey.resize(PHONE_WIDTH);
        journey.open(&meeting_path);
        journey.resize(DESKTOP_WIDTH);
        journey.open("/");
        assert!(journey.main_text().contains("What needs you"));
    }
}

/// (d) The complaints procedure on the demo: a member files a complaint about a statement
/// round through the form (refused once, nothing typed lost); the secretariat sees the
/// register without a word of it and acknowledges; a panel member on a phone reads a case,
/// its thread and the access record, and assesses the overdue one.
#[test]
fn d_a_complaint_from_filing_to_the_panel() {
    for backend in backends() {
        eprintln!("--- on {}", backend.name());
        let Some(mut journey) = Journey::start(&backend, DESKTOP_WIDTH) else {
            return;
        };
        let logins = journey.app.with_conn(seed_demo).expect("the demo");
        let member = demo_login(&logins, "as a member").clone();
        let secretariat = demo_login(&logins, "as the secretariat").clone();
        let panelist = demo_login(&logins, "complaints panel").clone();

        sign_in(&mut journey, &member);
        follow(&mut journey, "header a", "Complaints");
        journey
            .browser
            .choose("#field-about", "A decision of the coalition");
        journey
            .browser
            .choose("#field-record_kind", "A statement round");
        journey.browser.fill(
            "#field-title",
            "The round's deadline fell on our board week",
        );
        journey.submit("#file-complaint", "File the complaint");
        // Refused: no number for the statement, no text; the title typed is still there.
        let title = journey.browser.find("#field-title");
        assert_eq!(
            journey.browser.value(&title),
            "The round's deadline fell on our board week"
        );
        assert!(
            journey.main_text().contains("Name the decision"),
            "{}",
            journey.main_text()
        );
        journey.browser.fill("#field-record_id", "1");
        journey
            .browser
            .fill("#field-body", "We could not authorise the text in time.");
        journey.submit("#file-complaint", "File the complaint");
        let filed = journey.main_text();
        assert!(
            filed.contains("is filed")
                && filed.contains("We could not authorise the text in time."),
            "{filed}"
        );
        let case = journey.browser.url();
        sign_out(&mut journey);

        // The secretariat's register: the reference and the stage, not a word of the case.
        sign_in(&mut journey, &secretariat);
        follow(&mut journey, "header a", "Complaints");
        journey.browser.goto(&case);
        journey.check_page();
        let register = journey.main_text();
        assert!(!register.contains("We could not authorise"), "{register}");
        journey.submit("#acknowledge", "Acknowledge receipt");
        assert!(journey.main_text().contains("Receipt is acknowledged"));
        journey.screenshot("complaint-register");
        sign_out(&mut journey);

        // A panel member on a phone: the demo's cases, one read whole.
        journey.resize(super::PHONE_WIDTH);
        sign_in(&mut journey, &panelist);
        journey.open("/complaints");
        let cases = journey.browser.find_all("main a[href^='/complaints/']");
        assert!(!cases.is_empty(), "the panel's cases are listed");
        journey.browser.click_to_load(&cases[0]);
        journey.check_page();
        let page = journey.main_text();
        assert!(
            page.contains("The dialogue") && page.contains("Who opened this case"),
            "{page}"
        );
        journey.screenshot("phone-complaint");
        sign_out(&mut journey);
    }
}

/// (e) The external evaluator of the demo's open review, at desktop then phone width: the
/// evaluations page, the indicators beside last year's with the charts, the anonymous
/// results by side, the report written and shared.
#[test]
fn e_an_external_evaluator_writes_and_shares_the_report() {
    for backend in backends() {
        eprintln!("--- on {}", backend.name());
        let Some(mut journey) = Journey::start(&backend, DESKTOP_WIDTH) else {
            return;
        };
        let logins = journey.app.with_conn(seed_demo).expect("the demo");
        let evaluator = demo_login(&logins, "external evaluator").clone();
        sign_in(&mut journey, &evaluator);
        follow(&mut journey, "header a", "Evaluations");
        follow(&mut journey, "main a", "Annual review");
        let page = journey.main_text();
        assert!(
            page.contains("Attendance rate") && page.contains("Previous period"),
            "{page}"
        );
        assert!(page.contains("The questionnaire's results"), "{page}");
        assert!(
            !journey.browser.find_all("figure.chart svg").is_empty(),
            "the charts"
        );
        journey.screenshot("evaluation");
        // The records an indicator counts, one area at a time.
        follow(&mut journey, "main a", "Plenaries in the period");
        let records = journey.main_text();
        assert!(
            records.contains("Meetings dated in the period"),
            "{records}"
        );
        assert!(records.contains("Your reading is recorded"), "{records}");
        journey.screenshot("evaluation-records");
        let records_path = journey.browser.url().replacen(&journey.base, "", 1);
        follow(&mut journey, "main a", "Annual review");
        journey.browser.fill(
            "#field-findings",
            "Meetings worked well; statements took long.",
        );
        journey.browser.fill(
            "#field-recommendations",
            "1. Leave two weeks for authorisation.",
        );
        journey.submit("#report", "Save the report");
        assert!(journey.main_text().contains("The report is saved"));
        journey
            .browser
            .choose("#field-status", "shared with the members for comment");
        journey.submit("#stage", "Move the report");
        assert!(journey.main_text().contains("The report has moved on"));
        journey.resize(super::PHONE_WIDTH);
        journey.open("/evaluations");
        follow(&mut journey, "main a", "Annual review");
        journey.screenshot("phone-evaluation");
        journey.open(&records_path);
        journey.screenshot("phone-evaluation-records");
        sign_out(&mut journey);
    }
}
