//! The rules of the complaints procedure, without the database: the stages and the steps
//! between them, who takes each step, the time limits in working days, the panel's
//! composition, and the small-number suppression of the statistics. Tested exhaustively
//! (`rules/tests.rs`).

use chrono::{Datelike, NaiveDate, Weekday};

use crate::meetings::rules::Blocked;
use crate::membership::rules::Side;

/// Where a complaint is (ISO 10002: receipt, acknowledgement, assessment, investigation by
/// dialogue, response, closing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    Received,
    Acknowledged,
    Dialogue,
    Proposed,
    Resolved,
    Referred,
    Closed,
    Withdrawn,
}

impl Stage {
    pub const ALL: [Stage; 8] = [
        Stage::Received,
        Stage::Acknowledged,
        Stage::Dialogue,
        Stage::Proposed,
        Stage::Resolved,
        Stage::Referred,
        Stage::Closed,
        Stage::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Received => "received",
            Stage::Acknowledged => "acknowledged",
            Stage::Dialogue => "dialogue",
            Stage::Proposed => "proposed",
            Stage::Resolved => "resolved",
            Stage::Referred => "referred",
            Stage::Closed => "closed",
            Stage::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// In words, for the pages and mails.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Received => "received, to be acknowledged",
            Stage::Acknowledged => "acknowledged, being assessed",
            Stage::Dialogue => "in dialogue",
            Stage::Proposed => "a resolution is proposed",
            Stage::Resolved => "resolved, to be closed",
            Stage::Referred => "referred to the plenary",
            Stage::Closed => "closed",
            Stage::Withdrawn => "withdrawn",
        }
    }

    /// Still being handled (withdrawal possible, time limits running).
    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Closed | Stage::Withdrawn)
    }

    /// The step the stage waits for, in words (for the register and the dashboards).
    pub fn waits_for(self) -> &'static str {
        match self {
            Stage::Received => "acknowledgement by the secretariat",
            Stage::Acknowledged => "the panel's assessment",
            Stage::Dialogue => "the panel's proposed resolution",
            Stage::Proposed => "the parties' answers",
            Stage::Resolved | Stage::Referred => "closing by the panel",
            Stage::Closed | Stage::Withdrawn => "nothing",
        }
    }
}

/// A step from one stage to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The secretariat confirms receipt.
    Acknowledge,
    /// The panel decides whether the complaint is admissible (with reasons).
    Assess { admissible: bool },
    /// The panel proposes a resolution.
    Propose,
    /// Both parties have answered the proposal: all accepted, or not.
    Settle { accepted: bool },
    /// The panel closes the case with its outcome and lesson learned.
    Close,
    /// The complainant withdraws.
    Withdraw,
    /// The complainant or the panel reopens a closed case within the reopening window.
    Reopen,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Acknowledge => "acknowledge",
            Step::Assess { admissible: true } => "assess_admissible",
            Step::Assess { admissible: false } => "assess_inadmissible",
            Step::Propose => "propose",
            Step::Settle { accepted: true } => "settle_accepted",
            Step::Settle { accepted: false } => "settle_refused",
            Step::Close => "close",
            Step::Withdraw => "withdraw",
            Step::Reopen => "reopen",
        }
    }

    pub const ALL: [Step; 9] = [
        Step::Acknowledge,
        Step::Assess { admissible: true },
        Step::Assess { admissible: false },
        Step::Propose,
        Step::Settle { accepted: true },
        Step::Settle { accepted: false },
        Step::Close,
        Step::Withdraw,
        Step::Reopen,
    ];
}

/// Days after closing during which a case may be reopened.
pub const REOPEN_DAYS: i64 = 30;

/// What a step needs to know besides the stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The assessment found the complaint admissible (reopening returns to the dialogue).
    pub admissible: Option<bool>,
    /// The day the case was closed or withdrawn, if it was.
    pub closed_on: Option<NaiveDate>,
    pub today: NaiveDate,
}

/// The stage a step leads to from `from`, or why it cannot be taken now.
pub fn next(from: Stage, step: Step, ctx: Context) -> Result<Stage, String> {
    use Stage::*;
    let to = match (from, step) {
        (Received, Step::Acknowledge) => Acknowledged,
        (Acknowledged, Step::Assess { admissible: true }) => Dialogue,
        (Acknowledged, Step::Assess { admissible: false }) => Closed,
        (Dialogue, Step::Propose) => Proposed,
        (Proposed, Step::Settle { accepted: true }) => Resolved,
        (Proposed, Step::Settle { accepted: false }) => Referred,
        (Resolved | Referred, Step::Close) => Closed,
        (from, Step::Withdraw) if from.is_open() => Withdrawn,
        (Closed | Withdrawn, Step::Reopen) => {
            let closed = ctx.closed_on.unwrap_or(ctx.today);
            if (ctx.today - closed).num_days() > REOPEN_DAYS {
                return Err(format!(
                    "a case may be reopened within {REOPEN_DAYS} days of closing; this one closed on {closed}"
                ));
            }
            if ctx.admissible == Some(true) {
                Dialogue
            } else {
                Acknowledged
            }
        }
        (from, step) => {
            return Err(format!(
                "a complaint that is {} cannot be taken to the step {:?}",
                from.label(),
                step.as_str()
            ));
        }
    };
    Ok(to)
}

/// Who someone is to a complaint. Several may hold at once (a panel member is never a
/// party, which the panel's composition ensures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    /// The filer, or a representative of the complainant organisation (or the secretariat,
    /// when the secretariat filed).
    pub complainant: bool,
    /// A representative of the respondent (or the secretariat, when it is the respondent),
    /// once notified.
    pub respondent: bool,
    pub seat: Seat,
    /// Holds the secretariat's role now.
    pub secretariat: bool,
}

impl Standing {
    pub fn party(&self) -> Option<Party> {
        if self.complainant {
            Some(Party::Complainant)
        } else if self.respondent {
            Some(Party::Respondent)
        } else {
            None
        }
    }
}

/// A person's seat on a complaint's panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Seat {
    #[default]
    None,
    /// Appointed, has not yet declared (no) conflict of interest: sees only who the parties
    /// are, to know whether they have one.
    Appointed,
    /// Declared no conflict: serves, reads everything.
    Serving,
}

/// Who takes a step: pure, so every pairing is tested.
pub fn may_take(standing: &Standing, step: Step) -> bool {
    match step {
        Step::Acknowledge => standing.secretariat,
        Step::Assess { .. } | Step::Propose | Step::Close => standing.seat == Seat::Serving,
        // Settling follows from the parties' answers; nobody takes it by hand.
        Step::Settle { .. } => false,
        Step::Withdraw => standing.complainant,
        Step::Reopen => standing.complainant || standing.seat == Seat::Serving,
    }
}

/// The two sides of a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Complainant,
    Respondent,
}

impl Party {
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Complainant => "complainant",
            Party::Respondent => "respondent",
        }
    }
    pub fn parse(s: &str) -> Option<Party> {
        [Party::Complainant, Party::Respondent]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// What a complaint is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    /// Another member organisation (the respondent).
    Organisation,
    /// The secretariat (its holders respond).
    Secretariat,
    /// A decision on record: a meeting's, a statement round's, an admission.
    Decision,
    /// A contentious issue with no respondent.
    Issue,
}

impl About {
    pub const ALL: [About; 4] = [
        About::Organisation,
        About::Secretariat,
        About::Decision,
        About::Issue,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            About::Organisation => "organisation",
            About::Secretariat => "secretariat",
            About::Decision => "decision",
            About::Issue => "issue",
        }
    }
    pub fn parse(s: &str) -> Option<About> {
        About::ALL.into_iter().find(|a| a.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            About::Organisation => "another member organisation",
            About::Secretariat => "the secretariat",
            About::Decision => "a decision of the coalition",
            About::Issue => "a contentious issue (no respondent)",
        }
    }
    /// Someone answers for the other side.
    pub fn has_respondent(self) -> bool {
        matches!(self, About::Organisation | About::Secretariat)
    }
}

/// How a closed case ended: the category kept after the content is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    ResolvedByDialogue,
    DecidedByPlenary,
    NotUpheld,
    Inadmissible,
    Withdrawn,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::ResolvedByDialogue,
        Outcome::DecidedByPlenary,
        Outcome::NotUpheld,
        Outcome::Inadmissible,
        Outcome::Withdrawn,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::ResolvedByDialogue => "resolved_by_dialogue",
            Outcome::DecidedByPlenary => "decided_by_plenary",
            Outcome::NotUpheld => "not_upheld",
            Outcome::Inadmissible => "inadmissible",
            Outcome::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Outcome::ResolvedByDialogue => "resolved by dialogue",
            Outcome::DecidedByPlenary => "decided by the plenary",
            Outcome::NotUpheld => "not upheld",
            Outcome::Inadmissible => "not admissible",
            Outcome::Withdrawn => "withdrawn",
        }
    }
    /// The outcomes the panel may choose when closing from `stage`.
    pub fn closing_from(stage: Stage) -> &'static [Outcome] {
        match stage {
            Stage::Resolved => &[Outcome::ResolvedByDialogue],
            Stage::Referred => &[Outcome::DecidedByPlenary, Outcome::NotUpheld],
            _ => &[],
        }
    }
}

/// The time limits, in working days, from the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub acknowledge: u32,
    pub assess: u32,
    pub dialogue: u32,
    pub answer: u32,
    pub close: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            acknowledge: 5,
            assess: 15,
            dialogue: 40,
            answer: 10,
            close: 10,
        }
    }
}

/// The day by which the step a stage waits for is due, counted in working days from the
/// day the stage was entered; none for a stage that waits on nobody's deadline (the
/// plenary sets its own date; a closed case waits for nothing).
pub fn due(
    stage: Stage,
    entered: NaiveDate,
    limits: &Limits,
    blocked: &Blocked,
) -> Option<NaiveDate> {
    let days = match stage {
        Stage::Received => limits.acknowledge,
        Stage::Acknowledged => limits.assess,
        Stage::Dialogue => limits.dialogue,
        Stage::Proposed => limits.answer,
        Stage::Resolved => limits.close,
        Stage::Referred | Stage::Closed | Stage::Withdrawn => return None,
    };
    Some(add_working_days(entered, days, blocked))
}

/// A working day: not a Saturday or Sunday, not one of the coalition's blocked dates.
pub fn is_working_day(day: NaiveDate, blocked: &Blocked) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !blocked.contains(day)
}

/// The `n`th working day after `from` (`from` itself does not count: a complaint received
/// on a Friday with 5 days to acknowledge is due the next Friday).
pub fn add_working_days(from: NaiveDate, n: u32, blocked: &Blocked) -> NaiveDate {
    let mut day = from;
    let mut left = n;
    while left > 0 {
        day = day.succ_opt().unwrap_or(day);
        if is_working_day(day, blocked) {
            left -= 1;
        }
    }
    day
}

/// A person who may sit on panels: of a full member, active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub person_id: i64,
    pub organisation_id: i64,
    pub side: Side,
    /// When they last sat on a panel (None: never), for "least recently served first".
    pub last_served: Option<chrono::NaiveDateTime>,
}

/// Proposes `size` people from `candidates` (already limited to full members, or to the
/// standing committee): none from an organisation in `excluded` (the parties, the
/// secretariat's holders when it is a party, those already asked), at most one per
/// organisation, the sides balanced as far as the candidates allow, least recently served
/// first (then by id, so the proposal is stable).
pub fn propose_panel(candidates: &[Candidate], excluded: &[i64], size: usize) -> Vec<Candidate> {
    let mut by_side: Vec<Vec<&Candidate>> = [Side::Governmental, Side::CivilSociety]
        .into_iter()
        .map(|side| {
            let mut of_side: Vec<&Candidate> = candidates
                .iter()
                .filter(|c| c.side == side && !excluded.contains(&c.organisation_id))
                .collect();
            of_side.sort_by_key(|c| (c.last_served, c.person_id));
            of_side
        })
        .collect();
    let mut chosen: Vec<Candidate> = Vec::new();
    // The side whose best candidate has waited longer starts, so it gets the extra seat.
    let mut turn = match (by_side[0].first(), by_side[1].first()) {
        (Some(g), Some(c)) if (c.last_served, c.person_id) < (g.last_served, g.person_id) => 1,
        (None, Some(_)) => 1,
        _ => 0,
    };
    while chosen.len() < size && by_side.iter().any(|s| !s.is_empty()) {
        if by_side[turn].is_empty() {
            turn = 1 - turn;
        }
        let next = by_side[turn].remove(0);
        if !chosen
            .iter()
            .any(|c| c.organisation_id == next.organisation_id)
        {
            chosen.push(next.clone());
            turn = 1 - turn;
        }
    }
    chosen
}

/// The smallest count a statistics cell shows: fewer cases could point at the people in
/// them. Zero identifies nobody and is shown.
pub const SMALLEST_CELL: i64 = 3;

/// A count as a statistics cell shows it: None (suppressed) for one or two cases.
pub fn cell(count: i64) -> Option<i64> {
    (count == 0 || count >= SMALLEST_CELL).then_some(count)
}

#[cfg(test)]
mod tests;
