//! The rules of joint statements, without the database: the statement's life, the decision
//! rules of an approval round, each organisation's standing, and what may change when.
//!
//! The gate is `evaluate`: a statement is adopted (and may be published) only when it says
//! `Met`, and publishing asks it again inside the publishing transaction.

use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Drafting,
    Consultation,
    Approval,
    Adopted,
    Published,
    Withdrawn,
    Lapsed,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Drafting,
        Status::Consultation,
        Status::Approval,
        Status::Adopted,
        Status::Published,
        Status::Withdrawn,
        Status::Lapsed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Drafting => "drafting",
            Status::Consultation => "consultation",
            Status::Approval => "approval",
            Status::Adopted => "adopted",
            Status::Published => "published",
            Status::Withdrawn => "withdrawn",
            Status::Lapsed => "lapsed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Drafting => "being drafted",
            Status::Consultation => "open for comments",
            Status::Approval => "in an approval round",
            Status::Adopted => "adopted, not yet published",
            Status::Published => "published",
            Status::Withdrawn => "withdrawn",
            Status::Lapsed => "lapsed",
        }
    }

    /// A new version may be written (during a round this supersedes it).
    pub fn text_may_change(self) -> bool {
        !matches!(self, Status::Published | Status::Withdrawn)
    }

    /// Members may comment and propose amendments.
    pub fn open_for_comments(self) -> bool {
        matches!(self, Status::Consultation | Status::Approval)
    }
}

/// The statement's life. A change of text sends a statement in a round (or adopted) back to
/// consultation; a lapsed one may get a new round.
pub fn check_transition(from: Status, to: Status) -> Result<(), String> {
    use Status::*;
    let allowed = matches!(
        (from, to),
        (Drafting, Consultation)
            | (Drafting | Consultation | Lapsed, Approval)
            | (Approval, Adopted)
            | (Adopted, Approval)
            | (Approval | Adopted, Published)
            | (Approval | Adopted | Lapsed, Consultation)
            | (Approval | Adopted, Lapsed)
            | (
                Drafting | Consultation | Approval | Adopted | Lapsed,
                Withdrawn
            )
    );
    if allowed {
        Ok(())
    } else {
        Err(format!(
            "a statement {} cannot become {}",
            from.label(),
            to.label()
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundStatus {
    Open,
    /// Closed by publication: its positions are the record of who signed.
    Adopted,
    /// Closed because the text changed: every position in it is void.
    Superseded,
    Lapsed,
    /// Closed because the statement was withdrawn.
    Closed,
}

impl RoundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundStatus::Open => "open",
            RoundStatus::Adopted => "adopted",
            RoundStatus::Superseded => "superseded",
            RoundStatus::Lapsed => "lapsed",
            RoundStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<RoundStatus> {
        [
            RoundStatus::Open,
            RoundStatus::Adopted,
            RoundStatus::Superseded,
            RoundStatus::Lapsed,
            RoundStatus::Closed,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionRule {
    /// Every active full member approves.
    Unanimity,
    /// No full member objects, and at least `percent` of them approve.
    Consensus { percent: u8 },
    /// Published in the name of those who approve (and authorise); the others are not named.
    Signatories,
}

impl DecisionRule {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionRule::Unanimity => "unanimity",
            DecisionRule::Consensus { .. } => "consensus",
            DecisionRule::Signatories => "signatories",
        }
    }

    pub fn parse(name: &str, percent: i32) -> Result<DecisionRule, String> {
        match name {
            "unanimity" => Ok(DecisionRule::Unanimity),
            "signatories" => Ok(DecisionRule::Signatories),
            "consensus" => match u8::try_from(percent) {
                Ok(p) if (1..=100).contains(&p) => Ok(DecisionRule::Consensus { percent: p }),
                _ => Err("the share of approvals consensus needs is 1 to 100 percent".into()),
            },
            other => Err(format!(
                "{other:?} is not a decision rule (unanimity, consensus or signatories)"
            )),
        }
    }

    pub fn percent(self) -> i32 {
        match self {
            DecisionRule::Consensus { percent } => i32::from(percent),
            _ => 0,
        }
    }

    pub fn describe(self) -> String {
        match self {
            DecisionRule::Unanimity => "unanimity: every full member approves".into(),
            DecisionRule::Consensus { percent } => {
                format!("consensus: no full member objects and at least {percent}% of them approve")
            }
            DecisionRule::Signatories => {
                "signatories: published in the name of those who approve".into()
            }
        }
    }
}

/// A position an organisation takes in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    Approve,
    Abstain,
    Object,
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Approve => "approve",
            Stance::Abstain => "abstain",
            Stance::Object => "object",
        }
    }

    pub fn parse(s: &str) -> Option<Stance> {
        [Stance::Approve, Stance::Abstain, Stance::Object]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// An authoriser's decision on an approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Authorised,
    Refused,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Authorised => "authorised",
            Decision::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "authorised" => Some(Decision::Authorised),
            "refused" => Some(Decision::Refused),
            _ => None,
        }
    }
}

/// Where an organisation stands in a round, as the board shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    NoAnswer,
    /// Approved; the organisation needs no authorisation.
    Approved,
    /// Approved, but its authorisers have not confirmed yet: not an approval yet.
    AwaitingAuthorisation,
    /// Approved and authorised for the round's text.
    Authorised,
    /// An authoriser refused: the approval counts as withdrawn.
    AuthorisationRefused,
    Abstained,
    Objected,
}

impl Standing {
    pub fn of(
        position: Option<Stance>,
        needs_authorisation: bool,
        authorisation: Option<Decision>,
    ) -> Standing {
        match position {
            None => Standing::NoAnswer,
            Some(Stance::Abstain) => Standing::Abstained,
            Some(Stance::Object) => Standing::Objected,
            Some(Stance::Approve) if !needs_authorisation => Standing::Approved,
            Some(Stance::Approve) => match authorisation {
                None => Standing::AwaitingAuthorisation,
                Some(Decision::Authorised) => Standing::Authorised,
                Some(Decision::Refused) => Standing::AuthorisationRefused,
            },
        }
    }

    /// An approval that may carry the organisation's name.
    pub fn counts_as_approval(self) -> bool {
        matches!(self, Standing::Approved | Standing::Authorised)
    }

    pub fn key(self) -> &'static str {
        match self {
            Standing::NoAnswer => "no_answer",
            Standing::Approved => "approved",
            Standing::AwaitingAuthorisation => "awaiting_authorisation",
            Standing::Authorised => "authorised",
            Standing::AuthorisationRefused => "authorisation_refused",
            Standing::Abstained => "abstained",
            Standing::Objected => "objected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::NoAnswer => "no answer yet",
            Standing::Approved => "approved",
            Standing::AwaitingAuthorisation => "approved, awaiting authorisation",
            Standing::Authorised => "approved and authorised",
            Standing::AuthorisationRefused => "authorisation refused (approval withdrawn)",
            Standing::Abstained => "abstained",
            Standing::Objected => "objected",
        }
    }
}

/// What a round's positions add up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The rule is met: these organisations sign.
    Met { signatories: Vec<i64> },
    /// Not yet; positions may still change before the deadline.
    Pending(String),
    /// The deadline has passed and the rule is not met: the round lapses.
    Failed(String),
}

fn count(board: &[(i64, Standing)], wanted: Standing) -> usize {
    board.iter().filter(|(_, s)| *s == wanted).count()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "1 approval is waiting for authorisation", and who has not answered, which holds the
/// round up as much.
fn waiting_message(awaiting: usize, unanswered: usize) -> String {
    let mut why = format!(
        "{} waiting for authorisation",
        plural(awaiting, "approval is", "approvals are")
    );
    if unanswered > 0 {
        why.push_str(&format!(
            "; {} yet",
            plural(
                unanswered,
                "member has not answered",
                "members have not answered"
            )
        ));
    }
    why
}

/// The count of a round against its rule: what the board shows at a glance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub members: usize,
    pub approvals: usize,
    /// Approvals the rule needs (every member for unanimity; one for signatories).
    pub needed: usize,
    pub objections: usize,
    pub abstentions: usize,
    pub awaiting_authorisation: usize,
    pub unanswered: usize,
}

pub fn tally(rule: DecisionRule, board: &[(i64, Standing)]) -> Tally {
    let members = board.len();
    Tally {
        members,
        approvals: board.iter().filter(|(_, s)| s.counts_as_approval()).count(),
        needed: match rule {
            DecisionRule::Unanimity => members,
            DecisionRule::Consensus { percent } => {
                (members * usize::from(percent)).div_ceil(100).max(1)
            }
            DecisionRule::Signatories => 1,
        },
        objections: count(board, Standing::Objected),
        abstentions: count(board, Standing::Abstained),
        awaiting_authorisation: count(board, Standing::AwaitingAuthorisation),
        unanswered: count(board, Standing::NoAnswer),
    }
}

/// Applies a decision rule to the standing of every active full member.
///
/// Before the deadline a round is decided early only when nobody can be cut off: unanimity
/// once everyone has approved; consensus and signatories once every member has answered.
/// An approval awaiting authorisation holds everything up until the deadline; after it, such
/// an organisation is simply not a signatory (consensus, signatories) or blocks (unanimity).
pub fn evaluate(rule: DecisionRule, board: &[(i64, Standing)], deadline_passed: bool) -> Outcome {
    let members = board.len();
    let approvals: Vec<i64> = board
        .iter()
        .filter(|(_, s)| s.counts_as_approval())
        .map(|(id, _)| *id)
        .collect();
    let awaiting = count(board, Standing::AwaitingAuthorisation);
    let unanswered = count(board, Standing::NoAnswer);
    let objections = count(board, Standing::Objected);
    let not_yet = |why: String| {
        if deadline_passed {
            Outcome::Failed(why)
        } else {
            Outcome::Pending(why)
        }
    };
    if members == 0 {
        return not_yet("there is no active full member to decide".into());
    }
    let waiting_for_authorisation = awaiting > 0 && !deadline_passed;
    let everyone_answered = unanswered == 0;
    match rule {
        DecisionRule::Unanimity => {
            if approvals.len() == members {
                return Outcome::Met {
                    signatories: approvals,
                };
            }
            let mut missing = Vec::new();
            for (standing, one, many) in [
                (Standing::Objected, "objection", "objections"),
                (Standing::Abstained, "abstention", "abstentions"),
                (
                    Standing::AuthorisationRefused,
                    "refused authorisation",
                    "refused authorisations",
                ),
                (
                    Standing::AwaitingAuthorisation,
                    "approval awaiting authorisation",
                    "approvals awaiting authorisation",
                ),
                (
                    Standing::NoAnswer,
                    "member without an answer",
                    "members without an answer",
                ),
            ] {
                let n = count(board, standing);
                if n > 0 {
                    missing.push(plural(n, one, many));
                }
            }
            not_yet(format!(
                "unanimity needs every full member's approval; {}",
                missing.join(", ")
            ))
        }
        DecisionRule::Consensus { percent } => {
            let needed = (members * usize::from(percent)).div_ceil(100).max(1);
            if objections > 0 {
                return not_yet(format!(
                    "consensus needs no objection; there {}",
                    if objections == 1 {
                        "is 1".to_owned()
                    } else {
                        format!("are {objections}")
                    }
                ));
            }
            if approvals.len() < needed {
                return not_yet(format!(
                    "consensus needs {needed} approvals of {members} full members; there {} {}",
                    if approvals.len() == 1 { "is" } else { "are" },
                    approvals.len()
                ));
            }
            if waiting_for_authorisation {
                return Outcome::Pending(waiting_message(awaiting, unanswered));
            }
            if !everyone_answered && !deadline_passed {
                return Outcome::Pending(format!(
                    "members may still object until the deadline; {} yet",
                    plural(
                        unanswered,
                        "member has not answered",
                        "members have not answered"
                    )
                ));
            }
            Outcome::Met {
                signatories: approvals,
            }
        }
        DecisionRule::Signatories => {
            if waiting_for_authorisation {
                return Outcome::Pending(waiting_message(awaiting, unanswered));
            }
            if !everyone_answered && !deadline_passed {
                return Outcome::Pending(format!(
                    "members may still sign until the deadline; {} yet",
                    plural(
                        unanswered,
                        "member has not answered",
                        "members have not answered"
                    )
                ));
            }
            if approvals.is_empty() {
                return not_yet("no member approves, so there is nobody to sign".into());
            }
            Outcome::Met {
                signatories: approvals,
            }
        }
    }
}

/// Whether a position may be taken or changed on `today`. Until the deadline anything goes;
/// after it an approval may still be withdrawn (until publication), nothing else.
pub fn check_position(
    previous: Option<Stance>,
    new: Stance,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Result<(), String> {
    if today <= deadline || (previous == Some(Stance::Approve) && new != Stance::Approve) {
        Ok(())
    } else {
        Err(format!(
            "the deadline ({deadline}) has passed; after it an approval can only be withdrawn"
        ))
    }
}

/// Whether an authoriser may decide on `today`: an authorisation is given until the deadline,
/// a refusal (or withdrawal of an authorisation) at any time before publication.
pub fn check_authorisation(
    decision: Decision,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Result<(), String> {
    if decision == Decision::Refused || today <= deadline {
        Ok(())
    } else {
        Err(format!(
            "the deadline ({deadline}) has passed; an authorisation can no longer be given"
        ))
    }
}

mod actions;
pub use actions::{NextActions, Situation, next_actions};

#[cfg(test)]
mod tests;
