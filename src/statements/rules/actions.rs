//! What may be done next on a statement, decided once here from its state, so that pages,
//! the API and their templates ask the same question and get the same answer.

use super::{Status, check_transition};

/// Where a statement stands, as far as the next steps depend on it.
#[derive(Debug, Clone, Copy)]
pub struct Situation {
    pub status: Status,
    /// The person drafts this statement (the secretariat, or the convenor of its group).
    pub drafts: bool,
    /// An approval round is open.
    pub round_open: bool,
    /// The open round's decision rule is met today.
    pub rule_met: bool,
}

/// The next steps the page offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NextActions {
    /// Members may comment and propose amendments.
    pub comment: bool,
    /// A drafter may write a new version (voiding an open round) and take amendments in.
    pub revise: bool,
    /// A drafter may change the title and context note.
    pub edit_details: bool,
    /// A drafter may open the draft for members' comments.
    pub open_consultation: bool,
    /// A drafter may open an approval round.
    pub open_round: bool,
    pub adopt: bool,
    pub publish: bool,
    pub withdraw: bool,
    /// A drafter may remind the members who have not answered an open round.
    pub remind: bool,
}

pub fn next_actions(s: Situation) -> NextActions {
    let drafter = |allowed: bool| s.drafts && allowed;
    NextActions {
        comment: s.status.open_for_comments(),
        revise: drafter(s.status.text_may_change()),
        edit_details: drafter(matches!(s.status, Status::Drafting | Status::Consultation)),
        open_consultation: drafter(s.status == Status::Drafting),
        open_round: drafter(
            !s.round_open
                && matches!(
                    s.status,
                    Status::Drafting | Status::Consultation | Status::Lapsed
                ),
        ),
        adopt: drafter(s.round_open && s.rule_met && s.status == Status::Approval),
        publish: drafter(
            s.round_open && s.rule_met && matches!(s.status, Status::Approval | Status::Adopted),
        ),
        withdraw: drafter(check_transition(s.status, Status::Withdrawn).is_ok()),
        remind: drafter(s.round_open && s.status == Status::Approval),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every state and every combination of flags, against the rules as written in words.
    #[test]
    fn every_situation_offers_what_its_state_allows() {
        for status in Status::ALL {
            for (drafts, round_open, rule_met) in
                (0..8).map(|n| (n & 1 == 1, n & 2 == 2, n & 4 == 4))
            {
                let next = next_actions(Situation {
                    status,
                    drafts,
                    round_open,
                    rule_met,
                });
                let finished = matches!(status, Status::Published | Status::Withdrawn);
                assert_eq!(
                    next.comment,
                    matches!(status, Status::Consultation | Status::Approval)
                );
                if !drafts {
                    // Only a drafter steers a statement.
                    assert_eq!(
                        next,
                        NextActions {
                            comment: next.comment,
                            ..NextActions::default()
                        }
                    );
                    continue;
                }
                assert_eq!(next.revise, !finished, "{status:?}");
                assert_eq!(next.withdraw, !finished, "{status:?}");
                assert_eq!(next.open_consultation, status == Status::Drafting);
                assert_eq!(
                    next.edit_details,
                    matches!(status, Status::Drafting | Status::Consultation)
                );
                assert_eq!(
                    next.open_round,
                    !round_open
                        && matches!(
                            status,
                            Status::Drafting | Status::Consultation | Status::Lapsed
                        )
                );
                // Reminding the silent members while a round is open for positions.
                assert_eq!(next.remind, round_open && status == Status::Approval);
                // Adoption and publication only when the open round's rule is met.
                assert_eq!(
                    next.adopt,
                    round_open && rule_met && status == Status::Approval
                );
                assert_eq!(
                    next.publish,
                    round_open && rule_met && matches!(status, Status::Approval | Status::Adopted)
                );
            }
        }
    }
}
