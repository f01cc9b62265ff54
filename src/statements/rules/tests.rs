//! The round's state machine, exhaustively: every decision rule against every mix of
//! standings of three members, before and after the deadline, checked against the rules as the
//! issue states them (written independently of `evaluate`).

use super::*;

const ALL_STANDINGS: [Standing; 7] = [
    Standing::NoAnswer,
    Standing::Approved,
    Standing::AwaitingAuthorisation,
    Standing::Authorised,
    Standing::AuthorisationRefused,
    Standing::Abstained,
    Standing::Objected,
];

/// Every board of `n` members, each member in every standing.
fn boards(n: usize) -> Vec<Vec<(i64, Standing)>> {
    let mut all = vec![Vec::new()];
    for member in 0..n {
        let mut next = Vec::new();
        for board in &all {
            for s in ALL_STANDINGS {
                let mut b: Vec<(i64, Standing)> = board.clone();
                b.push((member as i64 + 10, s));
                next.push(b);
            }
        }
        all = next;
    }
    all
}

fn approvers(board: &[(i64, Standing)]) -> Vec<i64> {
    board
        .iter()
        .filter(|(_, s)| matches!(s, Standing::Approved | Standing::Authorised))
        .map(|(id, _)| *id)
        .collect()
}

fn has(board: &[(i64, Standing)], s: Standing) -> bool {
    board.iter().any(|(_, x)| *x == s)
}

/// The rule as written in the issue.
fn expected_met(rule: DecisionRule, board: &[(i64, Standing)], passed: bool) -> bool {
    let n = board.len();
    let approvals = approvers(board).len();
    let settled =
        passed || (!has(board, Standing::NoAnswer) && !has(board, Standing::AwaitingAuthorisation));
    match rule {
        DecisionRule::Unanimity => n > 0 && approvals == n,
        DecisionRule::Consensus { percent } => {
            n > 0
                && !has(board, Standing::Objected)
                && approvals * 100 >= n * usize::from(percent)
                && settled
        }
        DecisionRule::Signatories => approvals >= 1 && settled,
    }
}

#[test]
fn every_rule_against_every_mix_of_positions() {
    let rules = [
        DecisionRule::Unanimity,
        DecisionRule::Consensus { percent: 1 },
        DecisionRule::Consensus { percent: 50 },
        DecisionRule::Consensus { percent: 67 },
        DecisionRule::Consensus { percent: 100 },
        DecisionRule::Signatories,
    ];
    let mut checked = 0;
    for n in 0..=3 {
        for board in boards(n) {
            for rule in rules {
                for passed in [false, true] {
                    let outcome = evaluate(rule, &board, passed);
                    let want = expected_met(rule, &board, passed);
                    match &outcome {
                        Outcome::Met { signatories } => {
                            assert!(want, "{rule:?} {board:?} passed={passed}: met");
                            // Nobody is named who has not approved (with authorisation).
                            assert_eq!(signatories, &approvers(&board), "{rule:?} {board:?}");
                        }
                        Outcome::Pending(why) => {
                            assert!(!want && !passed, "{rule:?} {board:?} passed={passed}");
                            assert!(!why.is_empty());
                        }
                        Outcome::Failed(why) => {
                            assert!(!want && passed, "{rule:?} {board:?} passed={passed}");
                            assert!(!why.is_empty());
                        }
                    }
                    checked += 1;
                }
            }
        }
    }
    // 1 + 7 + 49 + 343 boards, six rules, before and after the deadline.
    assert_eq!(checked, 400 * 6 * 2);
}

#[test]
fn an_approval_awaiting_authorisation_is_never_counted() {
    let board = [
        (1, Standing::Approved),
        (2, Standing::AwaitingAuthorisation),
    ];
    for rule in [
        DecisionRule::Unanimity,
        DecisionRule::Consensus { percent: 50 },
        DecisionRule::Signatories,
    ] {
        assert!(
            matches!(evaluate(rule, &board, false), Outcome::Pending(_)),
            "{rule:?}"
        );
    }
    // After the deadline the ministry is simply not a signatory, or unanimity fails.
    assert_eq!(
        evaluate(DecisionRule::Signatories, &board, true),
        Outcome::Met {
            signatories: vec![1]
        }
    );
    assert!(matches!(
        evaluate(DecisionRule::Unanimity, &board, true),
        Outcome::Failed(_)
    ));
    let authorised = [(1, Standing::Approved), (2, Standing::Authorised)];
    assert_eq!(
        evaluate(DecisionRule::Unanimity, &authorised, false),
        Outcome::Met {
            signatories: vec![1, 2]
        }
    );
}

#[test]
fn standing_follows_position_and_authorisation() {
    for needs in [false, true] {
        for auth in [None, Some(Decision::Authorised), Some(Decision::Refused)] {
            assert_eq!(Standing::of(None, needs, auth), Standing::NoAnswer);
            assert_eq!(
                Standing::of(Some(Stance::Object), needs, auth),
                Standing::Objected
            );
            assert_eq!(
                Standing::of(Some(Stance::Abstain), needs, auth),
                Standing::Abstained
            );
            let approve = Standing::of(Some(Stance::Approve), needs, auth);
            let want = match (needs, auth) {
                (false, _) => Standing::Approved,
                (true, None) => Standing::AwaitingAuthorisation,
                (true, Some(Decision::Authorised)) => Standing::Authorised,
                (true, Some(Decision::Refused)) => Standing::AuthorisationRefused,
            };
            assert_eq!(approve, want);
        }
    }
}

#[test]
fn positions_change_until_the_deadline_then_only_withdraw() {
    let deadline = NaiveDate::from_ymd_opt(2026, 12, 10).expect("date");
    let before = deadline;
    let after = deadline.succ_opt().expect("date");
    let stances = [Stance::Approve, Stance::Abstain, Stance::Object];
    for previous in [
        None,
        Some(Stance::Approve),
        Some(Stance::Abstain),
        Some(Stance::Object),
    ] {
        for new in stances {
            assert!(check_position(previous, new, deadline, before).is_ok());
            let late = check_position(previous, new, deadline, after);
            let withdrawal = previous == Some(Stance::Approve) && new != Stance::Approve;
            assert_eq!(late.is_ok(), withdrawal, "{previous:?} -> {new:?}");
        }
    }
    assert!(check_authorisation(Decision::Authorised, deadline, before).is_ok());
    assert!(check_authorisation(Decision::Authorised, deadline, after).is_err());
    assert!(check_authorisation(Decision::Refused, deadline, after).is_ok());
}

#[test]
fn the_statement_life_allows_only_these_steps() {
    use Status::*;
    let allowed = [
        (Drafting, Consultation),
        (Drafting, Approval),
        (Consultation, Approval),
        (Lapsed, Approval),
        (Approval, Adopted),
        (Adopted, Approval),
        (Approval, Published),
        (Adopted, Published),
        (Approval, Consultation),
        (Adopted, Consultation),
        (Lapsed, Consultation),
        (Approval, Lapsed),
        (Adopted, Lapsed),
        (Drafting, Withdrawn),
        (Consultation, Withdrawn),
        (Approval, Withdrawn),
        (Adopted, Withdrawn),
        (Lapsed, Withdrawn),
    ];
    for from in Status::ALL {
        for to in Status::ALL {
            assert_eq!(
                check_transition(from, to).is_ok(),
                allowed.contains(&(from, to)),
                "{from:?} -> {to:?}"
            );
        }
        assert_eq!(Status::parse(from.as_str()), Some(from));
    }
    // Nothing follows publication or withdrawal; their text never changes.
    assert!(!Published.text_may_change() && !Withdrawn.text_may_change());
}

#[test]
fn decision_rules_read_back() {
    assert_eq!(
        DecisionRule::parse("consensus", 67),
        Ok(DecisionRule::Consensus { percent: 67 })
    );
    assert!(DecisionRule::parse("consensus", 0).is_err());
    assert!(DecisionRule::parse("consensus", 101).is_err());
    assert!(DecisionRule::parse("majority", 50).is_err());
    for rule in [DecisionRule::Unanimity, DecisionRule::Signatories] {
        assert_eq!(DecisionRule::parse(rule.as_str(), 0), Ok(rule));
    }
}

/// Issue 13, point 9: waiting for an authorisation does not hide who has not answered, and
/// the tally counts against the rule's threshold.
#[test]
fn the_summary_names_who_has_not_answered_and_the_tally_counts_to_the_threshold() {
    let board = [
        (1, Standing::Approved),
        (2, Standing::AwaitingAuthorisation),
        (3, Standing::NoAnswer),
        (4, Standing::Abstained),
    ];
    let rule = DecisionRule::Consensus { percent: 25 };
    match evaluate(rule, &board, false) {
        Outcome::Pending(why) => {
            assert!(
                why.contains("1 approval is waiting for authorisation"),
                "{why}"
            );
            assert!(why.contains("1 member has not answered"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        tally(rule, &board),
        Tally {
            members: 4,
            approvals: 1,
            needed: 1,
            objections: 0,
            abstentions: 1,
            awaiting_authorisation: 1,
            unanswered: 1,
        }
    );
    assert_eq!(tally(DecisionRule::Unanimity, &board).needed, 4);
    assert_eq!(tally(DecisionRule::Signatories, &board).needed, 1);
}
