use std::io::BufReader;

use actix_web::http::StatusCode;
use chrono::NaiveTime;
use roundtable::meetings::agenda::{self, ItemInput};
use roundtable::meetings::ical::unescape_text;
use roundtable::meetings::rules::Kind;
use roundtable::meetings::store::{self, MeetingInput};
use roundtable::membership::rules::Status;

use super::coalition;
use crate::common::TestApp;
use crate::common::fixtures;
use crate::membership::{MEMBER_PASSWORD, member_org};
use crate::on_each_backend;

const GREEK: &str =
    "Ολομέλεια: καταπολέμηση της εμπορίας ανθρώπων, «καταναγκαστική εργασία»; σχέδιο δράσης";
const ROMANIAN: &str =
    "Ședința plenară; traficul de persoane, munca forțată și inspecția muncii în agricultură";
const GERMAN: &str =
    "Plenarsitzung: Maßnahmen gegen Menschenhandel, Überblick über Straßenbau\\Baustellen";
const SECRET: &str = "Case review: the Novak family (confidential)";

fn input(title: &str, public: bool, day: u32) -> MeetingInput {
    MeetingInput {
        online_url: "https://meet.example.org/a;b,c".into(),
        public,
        ..fixtures::meeting(title, fixtures::date(2027, 3, day))
    }
}

/// Every check a feed must pass: CRLF, 75 octets, both parsers, no secret.
fn check_feed(body: &str, expected_titles: &[&str]) -> Vec<(String, i64)> {
    assert!(body.starts_with("BEGIN:VCALENDAR\r\n") && body.ends_with("END:VCALENDAR\r\n"));
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        assert!(!line.contains('\n'), "a bare LF inside a line");
    }
    assert!(
        !body.contains("Novak"),
        "a confidential item leaked into a feed"
    );
    // The `ical` crate reads it...
    let calendar = ical::IcalParser::new(BufReader::new(body.as_bytes()))
        .next()
        .expect("a calendar")
        .expect("parses");
    let mut seen = Vec::new();
    for event in &calendar.events {
        let get = |name: &str| {
            event
                .properties
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.value.clone())
                .unwrap_or_default()
        };
        let summary = unescape_text(&get("SUMMARY"));
        assert!(get("DTSTAMP").ends_with('Z') && get("DTSTART").ends_with('Z'));
        assert!(!get("UID").is_empty());
        seen.push((summary, get("SEQUENCE").parse::<i64>().expect("a SEQUENCE")));
    }
    // ...and so does an independent parser, with the same text.
    let parsed: icalendar::Calendar = body.parse().expect("icalendar parses the feed");
    let titles: Vec<String> = parsed
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .filter_map(|e| icalendar::Component::get_summary(e).map(str::to_owned))
        .collect();
    for expected in expected_titles {
        assert!(
            seen.iter().any(|(s, _)| s.starts_with(expected)),
            "{expected} not in {seen:?}"
        );
        assert!(
            titles.iter().any(|s| s.starts_with(expected)),
            "{expected} not in {titles:?} (icalendar)"
        );
    }
    seen
}

#[actix_web::test]
async fn feeds_are_valid_round_trip_text_and_hold_no_secret() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, _) = coalition(&app);
        let public = app
            .with_conn(|c| store::create(c, &admin, &input(GREEK, true, 9)))
            .expect("m1");
        let members = app
            .with_conn(|c| store::create(c, &admin, &input(ROMANIAN, false, 16)))
            .expect("m2");
        let third = app
            .with_conn(|c| store::create(c, &admin, &input(GERMAN, false, 23)))
            .expect("m3");
        for (title, confidential) in [
            ("Adoption of the agenda; minutes, last time", false),
            (SECRET, true),
        ] {
            let item = ItemInput {
                title: title.into(),
                presenter: String::new(),
                duration_minutes: 10,
                description: "Line one\nline two".into(),
                confidential,
            };
            app.with_conn(|c| agenda::add_item(c, &admin, public.id, &item))
                .expect("item");
        }
        app.with_conn(|c| agenda::publish(c, &admin, public.id))
            .expect("publish");

        let mut anonymous = app.client().await;
        let feed = anonymous.get("/calendar/public.ics").await;
        assert_eq!(feed.status, StatusCode::OK);
        assert_eq!(
            feed.header("content-type"),
            Some("text/calendar; charset=utf-8")
        );
        let events = check_feed(&feed.body, &[GREEK]);
        assert_eq!(events.len(), 1, "only public meetings");
        assert!(
            feed.body
                .contains("Adoption of the agenda\\; minutes\\, last time"),
            "TEXT escaped"
        );

        // The public page of the public meeting hides the confidential item too.
        let page = anonymous.get(&format!("/meetings/{}", public.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("Novak"));
        assert_eq!(
            anonymous
                .get(&format!("/meetings/{}", members.id))
                .await
                .location(),
            Some("/login")
        );

        // 304 when nothing changed; a new SEQUENCE and a new ETag when the meeting moves.
        let etag = feed.header("etag").expect("an ETag").to_owned();
        let again = anonymous
            .get_with("/calendar/public.ics", ("If-None-Match", &etag))
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert!(again.body.is_empty());
        // A 304 carries the validators and the caching rule of the full answer.
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        assert_eq!(again.header("cache-control"), feed.header("cache-control"));
        let modified = feed
            .header("last-modified")
            .expect("Last-Modified")
            .to_owned();
        assert_eq!(again.header("last-modified"), Some(modified.as_str()));
        // Proxies hand tags on weakened: W/"x" is the same representation.
        let weak = anonymous
            .get_with(
                "/calendar/public.ics",
                ("If-None-Match", &format!("W/{etag}")),
            )
            .await;
        assert_eq!(weak.status, StatusCode::NOT_MODIFIED);
        // Without a tag, the date decides.
        let by_date = anonymous
            .get_with("/calendar/public.ics", ("If-Modified-Since", &modified))
            .await;
        assert_eq!(by_date.status, StatusCode::NOT_MODIFIED);
        let stale = anonymous
            .get_with(
                "/calendar/public.ics",
                ("If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT"),
            )
            .await;
        assert_eq!(stale.status, StatusCode::OK);
        let mut moved = input(GREEK, true, 10);
        moved.start = NaiveTime::from_hms_opt(9, 0, 0).expect("t");
        app.with_conn(|c| store::update(c, &admin, public.id, &moved))
            .expect("move");
        let changed = anonymous
            .get_with("/calendar/public.ics", ("If-None-Match", &etag))
            .await;
        assert_eq!(changed.status, StatusCode::OK);
        assert_ne!(changed.header("etag"), Some(etag.as_str()));
        let after = check_feed(&changed.body, &[GREEK]);
        assert!(
            after[0].1 > events[0].1,
            "SEQUENCE rises: {} -> {}",
            events[0].1,
            after[0].1
        );
        app.with_conn(|c| {
            store::set_status(
                c,
                &admin,
                third.id,
                roundtable::meetings::rules::Status::Cancelled,
                "venue flooded",
            )
        })
        .expect("cancel");

        // A member's personal feed: every coalition meeting, cancelled ones marked so.
        let (_, rep) = member_org(
            &app,
            &admin,
            "Epsilon NGO",
            "NGO",
            Status::Full,
            "rep@epsilon.example",
        );
        let mut member = app.client().await;
        member.sign_in(&rep.email, MEMBER_PASSWORD).await;
        member.get("/meetings").await;
        let renewed = member.post_form("/calendar/feed", &[]).await;
        assert_eq!(renewed.status, StatusCode::SEE_OTHER);
        let flash = member
            .get("/meetings")
            .await
            .texts(".flash-success")
            .join(" ");
        let url = flash
            .split_whitespace()
            .find(|w| w.contains("/calendar/feed/"))
            .expect("the feed address")
            .to_owned();
        let path = url.trim_start_matches("http://roundtable.test").to_owned();
        let personal = anonymous.get(&path).await;
        assert_eq!(
            personal.status,
            StatusCode::OK,
            "calendar programs fetch without a session"
        );
        check_feed(&personal.body, &[GREEK, ROMANIAN, GERMAN]);
        assert!(personal.body.contains("STATUS:CANCELLED"));
        // A new address revokes the old one.
        member.post_form("/calendar/feed", &[]).await;
        assert_eq!(anonymous.get(&path).await.status, StatusCode::NOT_FOUND);
        let flash = member
            .get("/meetings")
            .await
            .texts(".flash-success")
            .join(" ");
        let renewed_path = flash
            .split_whitespace()
            .find(|w| w.contains("/calendar/feed/"))
            .expect("the new feed address")
            .trim_start_matches("http://roundtable.test")
            .to_owned();
        assert_ne!(renewed_path, path);

        // The feed of a working group the member's organisation belongs to.
        let group = app
            .with_conn(|c| {
                roundtable::membership::groups::create(
                    c,
                    &admin,
                    &roundtable::membership::groups::GroupInput {
                        name: "Outreach".into(),
                        mandate: "m".into(),
                        convenor_id: None,
                    },
                    chrono::NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"),
                )
            })
            .expect("group");
        let epsilon = app
            .with_conn(|c| roundtable::membership::people::affiliation_of(c, rep.id))
            .expect("read")
            .expect("affiliated")
            .1;
        app.with_conn(|c| {
            roundtable::membership::groups::add_member(
                c,
                &admin,
                group.id,
                epsilon.id,
                chrono::NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"),
            )
        })
        .expect("member");
        let mut wg = input("Outreach: Θεσσαλονίκη, Brașov, Müllheim", false, 18);
        wg.kind = Kind::WorkingGroup;
        wg.group_id = Some(group.id);
        app.with_conn(|c| store::create(c, &admin, &wg))
            .expect("group meeting");
        // A new address now also lists the group's feed (issue 13, point 20: it had no link).
        member.get("/meetings").await;
        member.post_form("/calendar/feed", &[]).await;
        let flash = member
            .get("/meetings")
            .await
            .texts(".flash-success")
            .join(" ");
        let links: Vec<String> = flash
            .split_whitespace()
            .filter(|w| w.contains("/calendar/feed/"))
            .map(|w| w.trim_start_matches("http://roundtable.test").to_owned())
            .collect();
        let new_path = links[0].clone();
        let group_path = links
            .iter()
            .find(|l| l.contains("/groups/"))
            .expect("the group's feed is shown with the personal one")
            .clone();
        assert_eq!(
            group_path,
            new_path.replace(".ics", &format!("/groups/{}.ics", group.id))
        );
        let group_feed = anonymous.get(&group_path).await;
        assert_eq!(group_feed.status, StatusCode::OK);
        assert_eq!(
            check_feed(
                &group_feed.body,
                &["Outreach: Θεσσαλονίκη, Brașov, Müllheim"]
            )
            .len(),
            1
        );
        let other_group = group_path.replace(
            &format!("/groups/{}.ics", group.id),
            &format!("/groups/{}.ics", group.id + 100),
        );
        assert_eq!(
            anonymous.get(&other_group).await.status,
            StatusCode::NOT_FOUND
        );

        // One meeting's .ics, for members.
        let single = member.get(&format!("/meetings/{}.ics", members.id)).await;
        assert_eq!(single.status, StatusCode::OK);
        check_feed(&single.body, &[ROMANIAN]);
        // And the confidential item is shown to a full member on the page, not in any feed.
        let page = member.get(&format!("/meetings/{}", public.id)).await;
        assert!(
            page.texts("ol.agenda li strong")
                .iter()
                .any(|t| t == SECRET)
        );

        // The organisation withdraws: its person's feeds answer 404 from the next fetch on,
        // like its pages, though nobody renewed or revoked anything.
        assert_eq!(anonymous.get(&new_path).await.status, StatusCode::OK);
        app.with_conn(|c| {
            roundtable::membership::organisations::change_status(
                c,
                &admin,
                epsilon.id,
                Status::Withdrawn,
                chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
                "left the coalition",
            )
        })
        .expect("withdrawn");
        assert_eq!(member.get("/meetings").await.status, StatusCode::FORBIDDEN);
        assert_eq!(anonymous.get(&new_path).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            anonymous.get(&group_path).await.status,
            StatusCode::NOT_FOUND
        );
    })
}
