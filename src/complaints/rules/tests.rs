use std::collections::HashSet;

use chrono::{NaiveDate, TimeDelta};

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn ctx(admissible: Option<bool>, closed_on: Option<NaiveDate>) -> Context {
    Context {
        admissible,
        closed_on,
        today: day(2026, 6, 10),
    }
}

/// Every stage against every step: exactly these pairs move, to exactly these stages.
#[test]
fn every_transition_is_allowed_or_refused_as_written() {
    use Stage::*;
    let expected = |from: Stage, step: Step| -> Option<Stage> {
        match (from, step) {
            (Received, Step::Acknowledge) => Some(Acknowledged),
            (Acknowledged, Step::Assess { admissible: true }) => Some(Dialogue),
            (Acknowledged, Step::Assess { admissible: false }) => Some(Closed),
            (Dialogue, Step::Propose) => Some(Proposed),
            (Proposed, Step::Settle { accepted: true }) => Some(Resolved),
            (Proposed, Step::Settle { accepted: false }) => Some(Referred),
            (Resolved | Referred, Step::Close) => Some(Closed),
            (
                Received | Acknowledged | Dialogue | Proposed | Resolved | Referred,
                Step::Withdraw,
            ) => Some(Withdrawn),
            (Closed | Withdrawn, Step::Reopen) => Some(Dialogue),
            _ => None,
        }
    };
    let mut moved = 0;
    for from in Stage::ALL {
        for step in Step::ALL {
            let got = next(from, step, ctx(Some(true), Some(day(2026, 6, 1)))).ok();
            assert_eq!(got, expected(from, step), "{from:?} --{step:?}-->");
            if let Err(why) = next(from, step, ctx(Some(true), Some(day(2026, 6, 1)))) {
                assert!(
                    why.contains(from.label()),
                    "the refusal names the stage: {why}"
                );
            }
            moved += usize::from(got.is_some());
        }
    }
    assert_eq!(moved, 16, "the number of allowed transitions");
}

#[test]
fn reopening_returns_to_the_assessment_unless_it_was_admissible() {
    let closed = Some(day(2026, 6, 1));
    assert_eq!(
        next(Stage::Closed, Step::Reopen, ctx(Some(false), closed)),
        Ok(Stage::Acknowledged)
    );
    assert_eq!(
        next(Stage::Withdrawn, Step::Reopen, ctx(None, closed)),
        Ok(Stage::Acknowledged)
    );
    assert_eq!(
        next(Stage::Withdrawn, Step::Reopen, ctx(Some(true), closed)),
        Ok(Stage::Dialogue)
    );
}

#[test]
fn reopening_is_possible_for_thirty_days_only() {
    let today = day(2026, 6, 10);
    for (closed_days_ago, allowed) in [(0, true), (29, true), (30, true), (31, false), (400, false)]
    {
        let c = Context {
            admissible: Some(true),
            closed_on: Some(today - TimeDelta::days(closed_days_ago)),
            today,
        };
        let result = next(Stage::Closed, Step::Reopen, c);
        assert_eq!(result.is_ok(), allowed, "closed {closed_days_ago} days ago");
        if !allowed {
            assert!(result.expect_err("refused").contains("within 30 days"));
        }
    }
}

#[test]
fn each_step_is_taken_by_whom_it_belongs_to() {
    let nobody = Standing::default();
    let secretariat = Standing {
        secretariat: true,
        ..Standing::default()
    };
    let complainant = Standing {
        complainant: true,
        ..Standing::default()
    };
    let respondent = Standing {
        respondent: true,
        ..Standing::default()
    };
    let appointed = Standing {
        seat: Seat::Appointed,
        ..Standing::default()
    };
    let serving = Standing {
        seat: Seat::Serving,
        ..Standing::default()
    };
    let table: [(Step, [bool; 6]); 9] = [
        // nobody, secretariat, complainant, respondent, appointed, serving
        (Step::Acknowledge, [false, true, false, false, false, false]),
        (
            Step::Assess { admissible: true },
            [false, false, false, false, false, true],
        ),
        (
            Step::Assess { admissible: false },
            [false, false, false, false, false, true],
        ),
        (Step::Propose, [false, false, false, false, false, true]),
        (Step::Settle { accepted: true }, [false; 6]),
        (Step::Settle { accepted: false }, [false; 6]),
        (Step::Close, [false, false, false, false, false, true]),
        (Step::Withdraw, [false, false, true, false, false, false]),
        (Step::Reopen, [false, false, true, false, false, true]),
    ];
    let who = [
        nobody,
        secretariat,
        complainant,
        respondent,
        appointed,
        serving,
    ];
    for (step, expected) in table {
        for (standing, allowed) in who.iter().zip(expected) {
            assert_eq!(
                may_take(standing, step),
                allowed,
                "{step:?} by {standing:?}"
            );
        }
    }
}

#[test]
fn time_limits_count_working_days_from_the_day_the_stage_began() {
    let none = Blocked::default();
    let limits = Limits::default();
    // Friday 2026-06-05: five working days later is Friday 2026-06-12.
    assert_eq!(
        due(Stage::Received, day(2026, 6, 5), &limits, &none),
        Some(day(2026, 6, 12))
    );
    // Received on a Saturday: Monday counts as the first day.
    assert_eq!(
        due(Stage::Received, day(2026, 6, 6), &limits, &none),
        Some(day(2026, 6, 12))
    );
    // Fifteen working days for the assessment: three weeks.
    assert_eq!(
        due(Stage::Acknowledged, day(2026, 6, 1), &limits, &none),
        Some(day(2026, 6, 22))
    );
    for stage in [Stage::Referred, Stage::Closed, Stage::Withdrawn] {
        assert_eq!(
            due(stage, day(2026, 6, 1), &limits, &none),
            None,
            "{stage:?}"
        );
    }
    for stage in [Stage::Dialogue, Stage::Proposed, Stage::Resolved] {
        assert!(
            due(stage, day(2026, 6, 1), &limits, &none).is_some(),
            "{stage:?}"
        );
    }
}

#[test]
fn blocked_dates_and_yearly_holidays_do_not_count() {
    let mut blocked = Blocked::default();
    // Whit Monday 2026 and a yearly holiday on 10 June.
    blocked.days.insert(day(2026, 5, 25));
    blocked.yearly.insert((6, 10));
    // From Friday 22 May: Tue 26, Wed 27, Thu 28, Fri 29, Mon 1 June.
    assert_eq!(
        add_working_days(day(2026, 5, 22), 5, &blocked),
        day(2026, 6, 1)
    );
    // From Monday 8 June: Tue 9, (Wed 10 blocked), Thu 11, Fri 12, Mon 15, Tue 16.
    assert_eq!(
        add_working_days(day(2026, 6, 8), 5, &blocked),
        day(2026, 6, 16)
    );
    // The yearly holiday blocks the next year too.
    assert!(!is_working_day(day(2027, 6, 10), &blocked));
    assert_eq!(
        add_working_days(day(2026, 6, 8), 0, &blocked),
        day(2026, 6, 8)
    );
}

/// Time limits are counted in the coalition's days: a complaint filed late on the night the
/// clocks change counts from that local day, whichever way the offset moved.
#[test]
fn days_around_the_change_of_clocks_are_plain_days() {
    use chrono::TimeZone;
    let zone: chrono_tz::Tz = "Europe/Vienna".parse().expect("zone");
    let none = Blocked::default();
    // 2026-03-29 (clocks forward) and 2026-10-25 (clocks back) are Sundays.
    for (utc, local_day, due_on) in [
        ("2026-03-28T23:30:00Z", day(2026, 3, 29), day(2026, 4, 3)),
        ("2026-03-29T21:59:00Z", day(2026, 3, 29), day(2026, 4, 3)),
        ("2026-10-24T22:30:00Z", day(2026, 10, 25), day(2026, 10, 30)),
        ("2026-10-25T22:59:00Z", day(2026, 10, 25), day(2026, 10, 30)),
        ("2026-10-25T23:00:00Z", day(2026, 10, 26), day(2026, 11, 2)),
    ] {
        let instant: chrono::DateTime<chrono::Utc> = utc.parse().expect("instant");
        let local = zone.from_utc_datetime(&instant.naive_utc()).date_naive();
        assert_eq!(local, local_day, "{utc}");
        assert_eq!(
            due(Stage::Received, local, &Limits::default(), &none),
            Some(due_on),
            "{utc}"
        );
    }
}

fn candidate(person_id: i64, organisation_id: i64, side: Side, served: Option<i64>) -> Candidate {
    Candidate {
        person_id,
        organisation_id,
        side,
        last_served: served
            .map(|d| day(2026, 1, 1).and_hms_opt(0, 0, 0).expect("t") + TimeDelta::days(d)),
    }
}

#[test]
fn the_panel_leaves_out_the_parties_and_balances_the_sides() {
    use Side::{CivilSociety as C, Governmental as G};
    let candidates = vec![
        candidate(1, 10, C, None),
        candidate(2, 11, C, None),
        candidate(3, 12, C, None),
        candidate(4, 20, G, None),
        candidate(5, 21, G, None),
        candidate(6, 22, G, None),
    ];
    let panel = propose_panel(&candidates, &[10, 20], 3);
    let ids: Vec<i64> = panel.iter().map(|c| c.person_id).collect();
    assert_eq!(ids.len(), 3);
    assert!(
        !ids.contains(&1) && !ids.contains(&4),
        "parties' people: {ids:?}"
    );
    let sides: HashSet<Side> = panel.iter().map(|c| c.side).collect();
    assert_eq!(sides.len(), 2, "both sides sit: {panel:?}");
    let governmental = panel.iter().filter(|c| c.side == G).count();
    assert!((1..=2).contains(&governmental));
}

#[test]
fn the_least_recently_served_are_asked_first_and_one_per_organisation() {
    use Side::{CivilSociety as C, Governmental as G};
    let candidates = vec![
        candidate(1, 10, C, Some(50)),
        candidate(2, 11, C, Some(10)),
        candidate(3, 11, C, None),
        candidate(4, 20, G, Some(5)),
        candidate(5, 21, G, Some(1)),
    ];
    let ids: Vec<i64> = propose_panel(&candidates, &[], 3)
        .iter()
        .map(|c| c.person_id)
        .collect();
    // Never served first (3, civil society), then the longest waiting governmental (5),
    // then civil society again: not 2 (same organisation as 3) but 1.
    assert_eq!(ids, vec![3, 5, 1]);
}

#[test]
fn a_one_sided_pool_still_fills_the_panel_as_far_as_it_can() {
    use Side::CivilSociety as C;
    let candidates = vec![
        candidate(1, 10, C, None),
        candidate(2, 11, C, None),
        candidate(3, 12, C, None),
    ];
    assert_eq!(propose_panel(&candidates, &[], 3).len(), 3);
    assert_eq!(propose_panel(&candidates, &[10, 11], 3).len(), 1);
    assert!(propose_panel(&candidates, &[10, 11, 12], 3).is_empty());
}

#[test]
fn cells_under_three_cases_are_suppressed() {
    assert_eq!(cell(0), Some(0));
    assert_eq!(cell(1), None);
    assert_eq!(cell(2), None);
    assert_eq!(cell(3), Some(3));
    assert_eq!(cell(40), Some(40));
}

#[test]
fn stages_and_outcomes_read_back_from_their_names() {
    for stage in Stage::ALL {
        assert_eq!(Stage::parse(stage.as_str()), Some(stage));
    }
    for outcome in Outcome::ALL {
        assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
    }
    for about in About::ALL {
        assert_eq!(About::parse(about.as_str()), Some(about));
    }
    assert_eq!(Outcome::closing_from(Stage::Dialogue), &[]);
    assert!(Outcome::closing_from(Stage::Referred).contains(&Outcome::NotUpheld));
}
