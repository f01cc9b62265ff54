//! The pure decisions of membership: statuses and the transitions between them, sides, what
//! a status entitles an organisation to. No database, no HTTP.

use std::fmt;

/// Where an organisation stands in the coalition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Applicant,
    /// Takes positions, rotates the secretariat.
    Full,
    /// Ad-hoc participant: attends, takes no positions, does not hold the secretariat.
    Associate,
    Suspended,
    Withdrawn,
    Declined,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Applicant,
        Status::Full,
        Status::Associate,
        Status::Suspended,
        Status::Withdrawn,
        Status::Declined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applicant => "applicant",
            Status::Full => "full",
            Status::Associate => "associate",
            Status::Suspended => "suspended",
            Status::Withdrawn => "withdrawn",
            Status::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Applicant => "Applicant",
            Status::Full => "Full member",
            Status::Associate => "Associate",
            Status::Suspended => "Suspended",
            Status::Withdrawn => "Withdrawn",
            Status::Declined => "Declined",
        }
    }

    /// Full members and associates take part in the coalition's life.
    pub fn participates(self) -> bool {
        matches!(self, Status::Full | Status::Associate)
    }

    /// Only full members take positions and hold representative rights.
    pub fn takes_positions(self) -> bool {
        self == Status::Full
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether `from` may become `to`; the refusal says why in words a secretariat understands.
pub fn check_transition(from: Status, to: Status) -> Result<(), String> {
    use Status::*;
    let allowed = matches!(
        (from, to),
        (Applicant, Full | Associate | Declined)
            | (Full, Associate | Suspended | Withdrawn)
            | (Associate, Full | Suspended | Withdrawn)
            | (Suspended, Full | Associate | Withdrawn)
            | (Withdrawn, Full | Associate)
            | (Declined, Applicant)
    );
    if allowed {
        return Ok(());
    }
    let hint = match (from, to) {
        (a, b) if a == b => "it already is",
        (Applicant, _) => {
            "an applicant is first admitted (as full member or associate) or declined"
        }
        (Withdrawn, _) => {
            "a withdrawn organisation can only be re-admitted, as full member or associate"
        }
        (Declined, _) => "a declined organisation must apply again first",
        (_, Applicant | Declined) => {
            "only applications are declined; a member can be suspended or withdraw"
        }
        _ => "this change is not part of the membership procedure",
    };
    Err(format!(
        "an organisation that is {} cannot become {}: {hint}",
        from.label().to_lowercase(),
        to.label().to_lowercase()
    ))
}

/// Which side of the coalition a sector stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Governmental,
    CivilSociety,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Governmental => "governmental",
            Side::CivilSociety => "civil_society",
        }
    }

    pub fn parse(s: &str) -> Option<Side> {
        match s {
            "governmental" => Some(Side::Governmental),
            "civil_society" => Some(Side::CivilSociety),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Side::Governmental => "Governmental",
            Side::CivilSociety => "Civil society",
        }
    }

    /// Governmental members usually need internal authorisation before signing a statement.
    pub fn needs_authorisation_by_default(self) -> bool {
        self == Side::Governmental
    }
}

/// A person's standing inside their organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Representation {
    Primary,
    Alternate,
}

impl Representation {
    pub fn as_str(self) -> &'static str {
        match self {
            Representation::Primary => "primary",
            Representation::Alternate => "alternate",
        }
    }

    pub fn parse(s: &str) -> Option<Representation> {
        match s {
            "primary" => Some(Representation::Primary),
            "alternate" => Some(Representation::Alternate),
            _ => None,
        }
    }
}

/// Fee ledger states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeStatus {
    Due,
    Paid,
    Waived,
}

impl FeeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FeeStatus::Due => "due",
            FeeStatus::Paid => "paid",
            FeeStatus::Waived => "waived",
        }
    }
}

/// An amount in cents, written the way people read it: 1250 -> "12.50".
pub fn format_amount(cents: i64, currency: &str) -> String {
    format!("{}.{:02} {currency}", cents / 100, (cents % 100).abs())
}

/// Parses "12", "12.5" or "12.50" into cents; refuses negatives and more than two decimals.
pub fn parse_amount(text: &str) -> Option<i64> {
    let text = text.trim();
    let (whole, frac) = match text.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 {
        return None;
    }
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    whole.checked_mul(100)?.checked_add(frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transition_is_either_allowed_or_refused_with_a_reason() {
        use Status::*;
        let allowed = [
            (Applicant, Full),
            (Applicant, Associate),
            (Applicant, Declined),
            (Full, Associate),
            (Full, Suspended),
            (Full, Withdrawn),
            (Associate, Full),
            (Associate, Suspended),
            (Associate, Withdrawn),
            (Suspended, Full),
            (Suspended, Associate),
            (Suspended, Withdrawn),
            (Withdrawn, Full),
            (Withdrawn, Associate),
            (Declined, Applicant),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                let result = check_transition(from, to);
                if allowed.contains(&(from, to)) {
                    assert!(result.is_ok(), "{from} -> {to} should be allowed");
                } else {
                    let message = result.expect_err(&format!("{from} -> {to} should be refused"));
                    assert!(message.contains("cannot become"), "{message}");
                }
            }
        }
    }

    #[test]
    fn only_full_members_take_positions() {
        for s in Status::ALL {
            assert_eq!(s.takes_positions(), s == Status::Full);
            assert_eq!(
                s.participates(),
                matches!(s, Status::Full | Status::Associate)
            );
        }
    }

    #[test]
    fn status_and_side_names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        for side in [Side::Governmental, Side::CivilSociety] {
            assert_eq!(Side::parse(side.as_str()), Some(side));
        }
        assert!(Side::Governmental.needs_authorisation_by_default());
        assert!(!Side::CivilSociety.needs_authorisation_by_default());
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("12"), Some(1200));
        assert_eq!(parse_amount("12.5"), Some(1250));
        assert_eq!(parse_amount("12,05"), Some(1205));
        assert_eq!(parse_amount("-3"), None);
        assert_eq!(parse_amount("1.234"), None);
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(format_amount(1205, "EUR"), "12.05 EUR");
    }
}
