//! The statements part of `roundtable demo`: one statement published two months ago, one in
//! an open round where the National Anti-Trafficking Agency approved but its authoriser has
//! not confirmed yet (and the Legal Aid Network, the member login, has not answered), and one
//! back in consultation after its round was superseded by a new version.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;

use super::rounds::{self, AuthorisationInput, PositionInput, RoundInput};
use super::rules::{Decision, DecisionRule, Stance};
use super::store::{self, StatementInput};
use crate::actor::actor_for;
use crate::auth::permissions::Actor;
use crate::db::DbConn;
use crate::db::schema::affiliations;
use crate::error::Error;

/// The agency that stands for "the ministry" in the demo, and its authoriser.
pub const MINISTRY_REPRESENTATIVE: &str = "v.petrov@nata.example";
pub const MINISTRY_AUTHORISER: &str = "b.sokolov@nata.example";
const LEGAL_AID: &str = "c.dubois@legalaid.example";
const COUNCIL: &str = "h.berger@rivertown.example";

const FEES: &str = "# Recruitment fees are a path into forced labour\n\n\
We, the members of the Alliance, call on employers and recruitment agencies to apply the \
**employer pays principle**: no worker pays for being recruited, directly or through debts.\n\n\
- Public procurement should exclude suppliers whose workers paid recruitment fees.\n\
- Labour inspectors should check recruitment costs during every inspection in agriculture, \
construction and care.\n\
- Workers who paid fees must be able to recover them without fear of losing their residence.\n";

const WORLD_DAY: &str = "# 30 July: World Day against Trafficking in Persons\n\n\
On the World Day against Trafficking in Persons, the members of the Alliance renew their \
commitment to identify every person exploited in forced labour and to protect them, whatever \
their residence status.\n\n\
We ask the Government to fund the national referral mechanism for the next three years and to \
give every identified person a recovery and reflection period of at least 90 days.\n";

const REFERRAL_V1: &str = "# Referral guidance for shelters\n\n\
A person identified by any member is referred to a shelter within 24 hours.\n";

const REFERRAL_V2: &str = "# Referral guidance for shelters\n\n\
A person identified by any member is referred to a shelter within 24 hours, \
and to legal aid within 72 hours.\n";

pub(crate) struct Voice {
    pub(crate) organisation_id: i64,
    pub(crate) needs_authorisation: bool,
    pub(crate) representative: Option<Actor>,
    pub(crate) authoriser: Option<Actor>,
    email: Option<String>,
}

pub(crate) fn voices(conn: &mut DbConn) -> Result<Vec<Voice>, Error> {
    let mut out = Vec::new();
    for m in rounds::full_members(conn)? {
        let representative =
            match crate::membership::organisations::primary_representative(conn, m.id)? {
                Some(p) => {
                    let person = crate::auth::store::find(conn, p)?;
                    Some(actor_for(conn, person)?)
                }
                None => None,
            };
        let authoriser_id: Option<i64> = affiliations::table
            .filter(affiliations::organisation_id.eq(m.id))
            .filter(affiliations::is_authoriser.eq(true))
            .select(affiliations::person_id)
            .first(conn)
            .optional()?;
        let authoriser = match authoriser_id {
            Some(p) => {
                let person = crate::auth::store::find(conn, p)?;
                Some(actor_for(conn, person)?)
            }
            None => None,
        };
        let email = representative.as_ref().map(|a| a.person.email.clone());
        out.push(Voice {
            organisation_id: m.id,
            needs_authorisation: m.needs_authorisation,
            representative,
            authoriser,
            email,
        });
    }
    Ok(out)
}

fn position(
    conn: &mut DbConn,
    v: &Voice,
    round: &super::model::Round,
    stance: Stance,
    day: NaiveDate,
) -> Result<(), Error> {
    let Some(rep) = &v.representative else {
        return Ok(());
    };
    let input = PositionInput {
        organisation_id: v.organisation_id,
        stance,
        reason: String::new(),
        content_hash: round.content_hash.clone(),
    };
    rounds::take_position(conn, rep, round.id, &input, day)?;
    Ok(())
}

pub(crate) fn authorise(
    conn: &mut DbConn,
    v: &Voice,
    round: &super::model::Round,
    day: NaiveDate,
    reference: &str,
) -> Result<(), Error> {
    let Some(head) = &v.authoriser else {
        return Ok(());
    };
    let input = AuthorisationInput {
        organisation_id: v.organisation_id,
        decision: Decision::Authorised,
        reference: reference.into(),
        content_hash: round.content_hash.clone(),
    };
    rounds::authorise(conn, head, round.id, &input, day)?;
    Ok(())
}

/// A governmental member without an authoriser cannot authorise: in the demo it abstains.
pub(crate) fn stance_of(v: &Voice) -> Stance {
    if v.needs_authorisation && v.authoriser.is_none() {
        Stance::Abstain
    } else {
        Stance::Approve
    }
}

pub fn seed(conn: &mut DbConn, admin: &Actor, today: NaiveDate) -> Result<(), Error> {
    let voices = voices(conn)?;
    let plenary = |title: &str, body: &str, note: &str| StatementInput {
        title: title.into(),
        context_note: note.into(),
        group_id: None,
        body: body.into(),
    };

    // 1. Published two months ago, under consensus (75 %).
    let s = store::create(
        conn,
        admin,
        &plenary(
            "Recruitment fees are a path into forced labour",
            FEES,
            "Drafted after the spring plenary's discussion on debt bondage.",
        ),
    )?;
    store::open_consultation(conn, admin, s.id)?;
    let opened = today - Duration::days(60);
    let round = rounds::open(
        conn,
        admin,
        s.id,
        RoundInput {
            rule: DecisionRule::Consensus { percent: 75 },
            deadline: opened + Duration::days(14),
        },
        opened,
    )?;
    for (n, v) in voices.iter().enumerate() {
        let stance = stance_of(v);
        position(conn, v, &round, stance, opened + Duration::days(1))?;
        if stance == Stance::Approve && v.needs_authorisation {
            authorise(
                conn,
                v,
                &round,
                opened + Duration::days(5),
                &format!("GOV/{}/{:03}", opened.format("%Y"), 100 + n),
            )?;
        }
    }
    rounds::publish(conn, admin, s.id, opened + Duration::days(15))?;

    // 2. An open round: everyone has answered except the Legal Aid Network, and the agency's
    //    approval is waiting for its authoriser.
    let s = store::create(
        conn,
        admin,
        &plenary(
            "World Day against Trafficking in Persons",
            WORLD_DAY,
            "For release on 30 July; the agency asked for the 90 days.",
        ),
    )?;
    store::open_consultation(conn, admin, s.id)?;
    let round = rounds::open(
        conn,
        admin,
        s.id,
        RoundInput {
            rule: DecisionRule::Consensus { percent: 75 },
            deadline: today + Duration::days(10),
        },
        today,
    )?;
    for v in &voices {
        let email = v.email.as_deref().unwrap_or("");
        if email == LEGAL_AID {
            continue;
        }
        let stance = if email == COUNCIL {
            Stance::Abstain
        } else {
            stance_of(v)
        };
        position(conn, v, &round, stance, today)?;
        if stance == Stance::Approve && v.needs_authorisation && email != MINISTRY_REPRESENTATIVE {
            authorise(conn, v, &round, today, "GOV/2026/WD")?;
        }
    }

    // 3. A working group's statement whose round was superseded by a new version.
    let group = crate::membership::groups::list(conn)?
        .into_iter()
        .find(|g| g.status == "active");
    let s = store::create(
        conn,
        admin,
        &StatementInput {
            title: "Referral guidance for shelters".into(),
            context_note: "From the working group; to be adopted by the plenary.".into(),
            group_id: group.map(|g| g.id),
            body: REFERRAL_V1.into(),
        },
    )?;
    store::open_consultation(conn, admin, s.id)?;
    let round = rounds::open(
        conn,
        admin,
        s.id,
        RoundInput {
            rule: DecisionRule::Signatories,
            deadline: today + Duration::days(7),
        },
        today,
    )?;
    for v in voices.iter().filter(|v| !v.needs_authorisation).take(3) {
        position(conn, v, &round, Stance::Approve, today)?;
    }
    if let Some(commenter) = voices
        .iter()
        .filter_map(|v| v.representative.as_ref())
        .find(|a| a.person.email == LEGAL_AID)
    {
        store::comment(
            conn,
            commenter,
            s.id,
            "Legal aid must be part of the referral, not an afterthought.",
            Some(REFERRAL_V2),
        )?;
    }
    let amendment = store::comments(conn, s.id)?.last().map(|c| c.id);
    store::revise(
        conn,
        admin,
        s.id,
        REFERRAL_V2,
        "legal aid within 72 hours (amendment of the Legal Aid Network)",
        amendment,
    )?;
    Ok(())
}
