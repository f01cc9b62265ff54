//! What a representative sends about a round, from the statement page or the JSON API: the
//! same fields, the same rules, parsed once (see `crate::fields`).

use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::error::Error;
use crate::fields::{Problems, text};
use crate::statements::rounds::{AuthorisationInput, PositionInput};
use crate::statements::rules::{Decision, Stance};

/// The longest reason or reference kept with a position (a page of text).
pub const MAX_REASON: u64 = crate::clean::max::NOTE;

/// A position on the text of a round.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate)]
pub struct PositionFields {
    #[serde(default, deserialize_with = "text")]
    pub organisation_id: String,
    /// approve, abstain or object.
    #[serde(default, deserialize_with = "text")]
    pub position: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = MAX_REASON, message = "keep the reason under 5,000 characters"))]
    pub reason: String,
    /// The hash of the text the position is given for; refused if it is not the round's.
    #[serde(default, deserialize_with = "text")]
    pub content_hash: String,
}

impl PositionFields {
    pub fn parse(&self) -> Result<PositionInput, Error> {
        let mut p = Problems::of(self);
        let organisation = organisation(&mut p, &self.organisation_id);
        let stance = p.need(
            "position",
            Stance::parse(self.position.trim()),
            "choose your organisation's position: approve, abstain or object",
        );
        let input = organisation
            .zip(stance)
            .map(|(organisation_id, stance)| PositionInput {
                organisation_id,
                stance,
                reason: self.reason.clone(),
                content_hash: self.content_hash.clone(),
            });
        p.finish(input)
    }
}

/// An organisation's internal authorisation (or refusal) of the text of a round.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate)]
pub struct AuthorisationFields {
    #[serde(default, deserialize_with = "text")]
    pub organisation_id: String,
    /// authorised or refused.
    #[serde(default, deserialize_with = "text")]
    pub decision: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = 200, message = "keep the reference under 200 characters"))]
    pub reference: String,
    #[serde(default, deserialize_with = "text")]
    pub content_hash: String,
}

impl AuthorisationFields {
    pub fn parse(&self) -> Result<AuthorisationInput, Error> {
        let mut p = Problems::of(self);
        let organisation = organisation(&mut p, &self.organisation_id);
        let decision = p.need(
            "decision",
            Decision::parse(self.decision.trim()),
            "choose to authorise or to refuse",
        );
        let input = organisation
            .zip(decision)
            .map(|(organisation_id, decision)| AuthorisationInput {
                organisation_id,
                decision,
                reference: self.reference.clone(),
                content_hash: self.content_hash.clone(),
            });
        p.finish(input)
    }
}

fn organisation(p: &mut Problems, value: &str) -> Option<i64> {
    let message = "choose the organisation you answer for";
    let id = p.optional_id("organisation_id", value, message);
    if value.trim().is_empty() {
        p.add("organisation_id", message);
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_names_every_problem_beside_its_field() {
        let sent = PositionFields {
            organisation_id: "".into(),
            position: "maybe".into(),
            reason: "x".repeat(MAX_REASON as usize + 1),
            content_hash: "abc".into(),
        };
        match sent.parse() {
            Err(Error::InvalidFields(f)) => assert_eq!(
                f.keys().collect::<Vec<_>>(),
                ["organisation_id", "position", "reason"]
            ),
            other => panic!("expected field errors, got {other:?}"),
        }
        let fine = PositionFields {
            organisation_id: "4".into(),
            position: "object".into(),
            reason: "The text names no remedy.".into(),
            content_hash: "abc".into(),
        };
        let input = fine.parse().expect("a position");
        assert_eq!((input.organisation_id, input.stance), (4, Stance::Object));
    }
}
