//! Every indicator on a fixed dataset, against numbers worked out by hand: the records of
//! 2025 are written straight into the database (the services would date them today), on
//! the statements' coalition (Alpha Shelter, NGO, and Beta Union, trade union: civil
//! society; Gamma Police and Delta Ministry: governmental; all full members).

use chrono::NaiveDate;
use diesel::prelude::*;
use roundtable::evaluations::indicators::{self, Indicator};
use roundtable::evaluations::records::{self, Area};

use crate::common::TestApp;
use crate::on_each_backend;
use crate::statements::fixture;

fn run(app: &TestApp, sql: &str) {
    app.with_conn(|c| diesel::sql_query(sql).execute(c))
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn id_of(app: &TestApp, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    app.with_conn(|c| diesel::sql_query(sql).get_result::<Id>(c))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .id
}

/// A meeting of three hours: [title, kind, group id or NULL, start, status, plan year or
/// NULL, times moved]. Its SEQUENCE is three more than its moves (agenda, status): a
/// calendar's changes are not moves.
fn meeting(app: &TestApp, m: [&str; 7]) -> i64 {
    let [title, kind, group, at, status, plan_year, moved] = m;
    let ends = at.replace("10:00:00", "13:00:00");
    run(
        app,
        &format!(
            "INSERT INTO meetings (kind, group_id, title, starts_at, ends_at, time_zone, online_url, status, visibility, media_open, media_reason, uid, sequence, times_moved, plan_year, created_at, updated_at) \
             VALUES ('{kind}', {group}, '{title}', '{at}', '{ends}', 'Europe/Brussels', '', '{status}', 'members', FALSE, '', 'fixed-{title}', {moved} + 3, {moved}, {plan_year}, '2024-12-01 09:00:00', '2024-12-01 09:00:00')"
        ),
    );
    id_of(
        app,
        &format!("SELECT id FROM meetings WHERE uid = 'fixed-{title}'"),
    )
}

fn value(list: &[Indicator], key: &str) -> Option<f64> {
    list.iter()
        .find(|i| i.key == key)
        .unwrap_or_else(|| panic!("no indicator {key}"))
        .value
}

#[actix_web::test]
async fn every_indicator_counts_a_fixed_year_as_worked_out_by_hand() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let fx = fixture(&app);
        let (alpha, beta, gamma, delta) =
            (fx.full[0].id, fx.full[1].id, fx.full[2].id, fx.full[3].id);
        let admin = fx.admin.id();
        run(
            &app,
            "INSERT INTO working_groups (name, mandate, status, started_on, created_at) VALUES ('Fixed group', 'm', 'active', '2024-01-01', '2024-01-01 09:00:00')",
        );
        let group_id = id_of(
            &app,
            "SELECT id FROM working_groups WHERE name = 'Fixed group'",
        )
        .to_string();
        // Three plenaries in 2025 (two from the year plan, two moved, one cancelled), one
        // working-group meeting, one plenary in 2024.
        let p1 = meeting(
            &app,
            [
                "P1",
                "plenary",
                "NULL",
                "2025-03-11 10:00:00",
                "held",
                "2025",
                "0",
            ],
        );
        let p2 = meeting(
            &app,
            [
                "P2",
                "plenary",
                "NULL",
                "2025-06-10 10:00:00",
                "minutes_approved",
                "2025",
                "2",
            ],
        );
        meeting(
            &app,
            [
                "P3",
                "plenary",
                "NULL",
                "2025-09-09 10:00:00",
                "cancelled",
                "NULL",
                "1",
            ],
        );
        let w1 = meeting(
            &app,
            [
                "W1",
                "working_group",
                &group_id,
                "2025-05-05 10:00:00",
                "held",
                "NULL",
                "0",
            ],
        );
        meeting(
            &app,
            [
                "P0",
                "plenary",
                "NULL",
                "2024-12-10 10:00:00",
                "held",
                "2024",
                "0",
            ],
        );
        // Agendas: P1 ten days before (on time), P2 four days before (late), W1 none.
        for (m, at) in [
            (p1, "2025-03-01 09:00:00"),
            (p2, "2025-06-06 09:00:00"),
            (p2, "2025-06-08 09:00:00"),
        ] {
            run(
                &app,
                &format!(
                    "INSERT INTO agenda_versions (meeting_id, version_no, items, published_at) VALUES ({m}, (SELECT COUNT(*) + 1 FROM agenda_versions WHERE meeting_id = {m}), '[]', '{at}')"
                ),
            );
        }
        // Minutes approved 10 and 20 days after.
        for (m, at) in [(p1, "2025-03-21 10:00:00"), (p2, "2025-06-30 10:00:00")] {
            run(
                &app,
                &format!(
                    "INSERT INTO minutes (meeting_id, status, approved_at, updated_at) VALUES ({m}, 'approved', '{at}', '{at}')"
                ),
            );
        }
        // Action items agreed in 2025: one done, one open and overdue, one open not yet due,
        // one dropped.
        for (status, due) in [
            ("done", "'2025-04-01'"),
            ("open", "'2025-10-01'"),
            ("open", "'2026-03-01'"),
            ("dropped", "'2025-05-01'"),
        ] {
            run(
                &app,
                &format!(
                    "INSERT INTO action_items (meeting_id, title, due_on, status, created_at, updated_at) VALUES ({p1}, 'Act', {due}, '{status}', '2025-03-11 12:00:00', '2025-03-11 12:00:00')"
                ),
            );
        }
        // Attendance: P1 Alpha, Beta, Delta present, Gamma absent; P2 Alpha, Gamma, Delta
        // present, Beta apologies; W1 Alpha present, Gamma absent.
        for (m, o, status) in [
            (p1, alpha, "present"),
            (p1, beta, "present"),
            (p1, gamma, "absent"),
            (p1, delta, "present"),
            (p2, alpha, "present"),
            (p2, beta, "apologies"),
            (p2, gamma, "present"),
            (p2, delta, "present"),
            (w1, alpha, "present"),
            (w1, gamma, "absent"),
        ] {
            run(
                &app,
                &format!(
                    "INSERT INTO attendance (meeting_id, organisation_id, status, represented_by, recorded_at) VALUES ({m}, {o}, '{status}', '', '2025-01-01 00:00:00')"
                ),
            );
        }
        // A statement: a round opened 1 March, adopted 11 March, published 1 April; Alpha and
        // Delta approve, Beta objects; Delta authorised two days after its approval.
        run(
            &app,
            &format!(
                "INSERT INTO statements (title, context_note, status, created_by, created_at, updated_at, published_at, closing_reason) VALUES ('Fixed statement', '', 'published', {admin}, '2025-02-01 09:00:00', '2025-04-01 09:00:00', '2025-04-01 09:00:00', '')"
            ),
        );
        let s = id_of(
            &app,
            "SELECT id FROM statements WHERE title = 'Fixed statement'",
        );
        run(
            &app,
            &format!(
                "INSERT INTO statement_versions (statement_id, version_no, body, content_hash, note, created_by, created_at) VALUES ({s}, 1, 'Text', 'h', '', {admin}, '2025-02-01 09:00:00')"
            ),
        );
        let v = id_of(
            &app,
            &format!("SELECT id FROM statement_versions WHERE statement_id = {s}"),
        );
        run(
            &app,
            &format!(
                "INSERT INTO approval_rounds (statement_id, version_id, content_hash, decision_rule, consensus_percent, deadline, status, opened_by, opened_at, adopted_at, closed_at, changes) VALUES ({s}, {v}, 'h', 'consensus', 75, '2025-03-15', 'adopted', {admin}, '2025-03-01 09:00:00', '2025-03-11 09:00:00', '2025-03-11 09:00:00', 0)"
            ),
        );
        let r = id_of(
            &app,
            &format!("SELECT id FROM approval_rounds WHERE statement_id = {s}"),
        );
        for (o, position, at) in [
            (alpha, "approve", "2025-03-02 10:00:00"),
            (beta, "object", "2025-03-02 10:00:00"),
            (delta, "approve", "2025-03-03 10:00:00"),
        ] {
            run(
                &app,
                &format!(
                    "INSERT INTO statement_positions (round_id, organisation_id, position, reason, content_hash, person_id, recorded_at) VALUES ({r}, {o}, '{position}', 'r', 'h', {admin}, '{at}')"
                ),
            );
        }
        run(
            &app,
            &format!(
                "INSERT INTO statement_authorisations (round_id, organisation_id, decision, reference, content_hash, person_id, decided_at) VALUES ({r}, {delta}, 'authorised', 'M/1', 'h', {admin}, '2025-03-05 10:00:00')"
            ),
        );
        // Membership in 2025: two admissions, one suspension.
        for (o, to, on) in [
            (alpha, "full", "2025-02-01"),
            (beta, "suspended", "2025-04-01"),
            (beta, "full", "2025-05-01"),
        ] {
            run(
                &app,
                &format!(
                    "INSERT INTO membership_events (organisation_id, to_status, effective_on, reason, recorded_at) VALUES ({o}, '{to}', '{on}', 'fixed', '2025-01-01 00:00:00')"
                ),
            );
        }
        // Fees for 2025: 100.00 paid, 50.00 due, 25.00 waived.
        for (o, cents, status) in [
            (alpha, 10_000, "paid"),
            (beta, 5_000, "due"),
            (gamma, 2_500, "waived"),
        ] {
            run(
                &app,
                &format!(
                    "INSERT INTO fee_ledger (organisation_id, year, tier, amount_cents, currency, status, reference, note, updated_at) VALUES ({o}, 2025, 't', {cents}, 'EUR', '{status}', '', '', '2025-01-01 00:00:00')"
                ),
            );
        }
        // Three secretariat terms: the second half of 2024 (the previous period), the first
        // half of 2025 held by both sides and taken over seamlessly with its notice on its
        // first day, and the second half of 2025 held by Beta alone after a two-week gap.
        for (starts, ends, civil, governmental, notice) in [
            (
                "2024-07-01",
                "2025-01-01",
                alpha.to_string(),
                gamma.to_string(),
                None,
            ),
            (
                "2025-01-01",
                "2025-07-01",
                alpha.to_string(),
                delta.to_string(),
                Some("2025-01-01 06:00:00"),
            ),
            (
                "2025-07-15",
                "2026-01-01",
                beta.to_string(),
                "NULL".into(),
                Some("2025-07-15 06:00:00"),
            ),
        ] {
            run(
                &app,
                &format!(
                    "INSERT INTO secretariat_terms (starts_on, ends_on, civil_society_org, governmental_org, pinned, note, created_at) VALUES ('{starts}', '{ends}', {civil}, {governmental}, FALSE, '', '2024-06-01 00:00:00')"
                ),
            );
            if let Some(sent) = notice {
                let term = id_of(
                    &app,
                    &format!("SELECT id FROM secretariat_terms WHERE starts_on = '{starts}'"),
                );
                run(
                    &app,
                    &format!(
                        "INSERT INTO mail_reminders (kind, subject_id, sent_at) VALUES ('handover', {term}, '{sent}')"
                    ),
                );
            }
        }
        // Mail queued in 2025: four sent, one failed for good.
        run(
            &app,
            "INSERT INTO outbox_messages (kind, essential, subject, text_body, html_body, list_id, auto_submitted, created_at) VALUES ('fixed', TRUE, 's', 't', 'h', 'l', TRUE, '2025-05-01 00:00:00')",
        );
        let message = id_of(&app, "SELECT id FROM outbox_messages WHERE kind = 'fixed'");
        for (n, status) in ["sent", "sent", "sent", "sent", "failed"]
            .iter()
            .enumerate()
        {
            run(
                &app,
                &format!(
                    "INSERT INTO outbox_deliveries (message_id, recipient_name, recipient_email, message_id_header, status, next_attempt_at, created_at) VALUES ({message}, 'n', 'n{n}@x.example', '<fixed-{n}@x>', '{status}', '2025-05-01 00:00:00', '2025-05-01 00:00:00')"
                ),
            );
        }

        let from = NaiveDate::from_ymd_opt(2025, 1, 1).expect("date");
        let until = NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
        let list = app
            .with_conn(|c| indicators::compute(c, from, until))
            .expect("indicators");
        let expected: &[(&str, Option<f64>)] = &[
            ("meetings.plenaries", Some(3.0)),
            ("meetings.planned_ahead", Some(2.0)),
            ("meetings.held", Some(2.0)),
            ("meetings.cancelled", Some(1.0)),
            ("meetings.moved", Some(2.0)),
            // Of P1, P2 and W1 held, only P1's agenda went out seven days before.
            ("meetings.agenda_on_time", Some(33.3)),
            ("meetings.minutes_approved", Some(2.0)),
            ("meetings.days_to_minutes", Some(15.0)),
            ("actions.done", Some(1.0)),
            ("actions.open", Some(2.0)),
            ("actions.overdue", Some(1.0)),
            // Present 7 of 10 recorded; governmental 3 of 5; civil society 4 of 5.
            ("attendance.rate", Some(70.0)),
            ("attendance.governmental", Some(60.0)),
            ("attendance.civil_society", Some(80.0)),
            // P1 and P2 each had 3 of 4 full members present, over the 50 % quorum.
            ("meetings.quorum", Some(100.0)),
            ("attendance.sector.ngo", Some(100.0)),
            ("attendance.sector.trade_union", Some(50.0)),
            ("attendance.sector.police", Some(33.3)),
            ("attendance.sector.ministry", Some(100.0)),
            ("statements.rounds", Some(1.0)),
            ("statements.adopted", Some(1.0)),
            ("statements.days_to_adoption", Some(10.0)),
            ("statements.published", Some(1.0)),
            ("statements.lapsed", Some(0.0)),
            // 3 positions of the 4 the full members could take in the one round.
            ("statements.participation", Some(75.0)),
            ("statements.objections", Some(1.0)),
            ("statements.days_to_authorisation", Some(2.0)),
            // The fixture admitted its five organisations on 15 January 2025, and two
            // more admissions were written above.
            ("members.joined", Some(7.0)),
            ("members.suspended", Some(1.0)),
            ("members.withdrawn", Some(0.0)),
            ("members.applications_decided", Some(0.0)),
            ("members.days_to_decide", None),
            ("members.memorandum_signed", Some(0.0)),
            ("fees.invoiced", Some(175.0)),
            ("fees.paid", Some(100.0)),
            ("fees.waived", Some(25.0)),
            ("groups.active", Some(1.0)),
            ("groups.meetings", Some(1.0)),
            ("secretariat.terms", Some(2.0)),
            ("secretariat.balanced", Some(50.0)),
            // Two hand-overs: January's on time, July's after a gap.
            ("secretariat.handovers_on_time", Some(50.0)),
            ("complaints.filed", Some(0.0)),
            ("complaints.within_limits", None),
            ("complaints.days_to_close", None),
            ("mail.deliveries", Some(5.0)),
            ("mail.failed", Some(20.0)),
        ];
        let mut wrong = Vec::new();
        for (key, want) in expected {
            let got = value(&list, key);
            if got != *want {
                wrong.push(format!("{key}: expected {want:?}, got {got:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        // Every indicator computed is checked here.
        let unchecked: Vec<&str> = list
            .iter()
            .map(|i| i.key.as_str())
            .filter(|k| !expected.iter().any(|(e, _)| e == k))
            .collect();
        assert!(
            unchecked.is_empty(),
            "indicators without a hand-worked number: {unchecked:?}"
        );
        // Over the year, by quarter: attendance by side and statement throughput.
        let series = app
            .with_conn(|c| roundtable::evaluations::series::compute(c, from, until))
            .expect("series");
        assert_eq!(series.steps, ["2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4"]);
        assert_eq!(series.governmental, [Some(50.0), Some(66.7), None, None]);
        assert_eq!(series.civil_society, [Some(100.0), Some(66.7), None, None]);
        assert_eq!(series.rounds_opened, [1, 0, 0, 0]);
        assert_eq!(series.adopted, [1, 0, 0, 0]);
        // Each member's part: attendance recorded and positions in the year's one round.
        let parts = app
            .with_conn(|c| indicators::per_organisation(c, from, until))
            .expect("parts");
        let part = |id: i64| {
            let p = parts
                .iter()
                .find(|p| p.organisation_id == id)
                .expect("a member");
            (p.present, p.recorded, p.positions)
        };
        assert_eq!(part(alpha), (3, 3, 1));
        assert_eq!(part(beta), (1, 2, 1));
        assert_eq!(part(gamma), (1, 3, 0));
        assert_eq!(part(delta), (2, 2, 1));
        // The records behind the indicators, as the evaluators read them.
        let records = |area| {
            app.with_conn(|c| records::tables(c, area, from, until))
                .expect("records")
        };
        let meetings = records(Area::Meetings);
        let rows = &meetings[0].rows;
        let titles: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
        assert_eq!(titles, ["P1", "W1", "P2", "P3"]);
        // Date, from the plan, times changed, agenda first sent, days before, minutes
        // approved, present, action items done.
        let facts = |r: &[String]| [0, 4, 5, 6, 7, 8, 9, 10].map(|i| r[i].clone()).join(" | ");
        assert_eq!(
            facts(&rows[0]),
            "2025-03-11 | yes | 0 | 2025-03-01 | 10 | 2025-03-21 | 3 of 4 | 1 of 4"
        );
        assert_eq!(
            facts(&rows[1]),
            "2025-05-05 | no | 0 |  |  |  | 1 of 2 | 0 of 0"
        );
        assert_eq!(
            facts(&rows[2]),
            "2025-06-10 | yes | 2 | 2025-06-06 | 4 | 2025-06-30 | 3 of 4 | 0 of 0"
        );
        assert_eq!(facts(&rows[3]), "2025-09-09 | no | 1 |  |  |  |  | 0 of 0");
        assert!(rows[1][2].contains("Fixed group"), "{:?}", rows[1]);
        let statements = records(Area::Statements);
        assert_eq!(
            statements[0].rows,
            [[
                "Fixed statement",
                "2025-03-01",
                "2025-03-15",
                "adopted",
                "2025-03-11",
                "10",
                "2",
                "1",
                "0"
            ]
            .map(String::from)]
        );
        assert_eq!(
            statements[1].rows,
            [["Fixed statement", "2025-04-01"].map(String::from)]
        );
        let membership = records(Area::Membership);
        // The fixture's five admissions and the three changes written above.
        assert_eq!(membership[0].rows.len(), 8);
        assert!(
            membership[0].rows.contains(
                &["2025-04-01", "Beta Union", "", "suspended"]
                    .map(String::from)
                    .to_vec()
            )
        );
        assert!(membership[1].rows.is_empty(), "no application decided");
        let groups = records(Area::Groups);
        assert_eq!(
            groups[0].rows,
            [["Fixed group", "2024-01-01", "", "1"].map(String::from)]
        );
        let terms = records(Area::Secretariat);
        assert_eq!(
            terms[0].rows,
            [
                [
                    "2025-01-01",
                    "2025-06-30",
                    "Alpha Shelter",
                    "Delta Ministry",
                    "2025-01-01"
                ]
                .map(String::from),
                [
                    "2025-07-15",
                    "2025-12-31",
                    "Beta Union",
                    "(none)",
                    "2025-07-15"
                ]
                .map(String::from),
            ]
        );
        // The previous year holds P0 alone.
        let (pf, pu) = roundtable::evaluations::rules::previous_period(from, until);
        let before = app
            .with_conn(|c| indicators::compute(c, pf, pu))
            .expect("indicators");
        assert_eq!(value(&before, "meetings.plenaries"), Some(1.0));
        assert_eq!(value(&before, "meetings.held"), Some(1.0));
        assert_eq!(value(&before, "statements.rounds"), Some(0.0));
        // 2024's one term followed none: no hand-over to count.
        assert_eq!(value(&before, "secretariat.handovers_on_time"), None);
    })
}
