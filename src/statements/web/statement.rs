//! A statement's page (text, round board, versions, comments, history, drafting forms) and
//! the word diff between two versions. The actions on it are in `actions`.

use crate::auth::visibility::StatementSight;
use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::Refusal;
use roundtable_templates::pages::statements::statement as pages;
use serde::Deserialize;

use super::{day, minute};
use crate::AppState;
use crate::auth::permissions::{self, Action, Actor};
use crate::error::Error;
use crate::markdown;
use crate::statements::model::{Round, Version};
use crate::statements::rounds::{self, BoardRow};
use crate::statements::rules::{Outcome, Situation, Status, next_actions};
use crate::statements::store;
use crate::statements::text::{self, Piece};
use crate::web::context::Page;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/statements/{id}", web::get().to(show))
        .route("/statements/{id}/diff", web::get().to(diff));
}

pub fn pieces(diff: Vec<Piece>) -> Vec<pages::DiffPiece> {
    diff.into_iter()
        .map(|p| match p {
            Piece::Same(t) => pages::DiffPiece::Same(t),
            Piece::Removed(t) => pages::DiffPiece::Removed(t),
            Piece::Added(t) => pages::DiffPiece::Added(t),
        })
        .collect()
}

/// Who answered for the organisation and when, its reason, the authorisation's reference.
fn detail(row: &BoardRow, names: &HashMap<i64, String>) -> String {
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let mut parts = Vec::new();
    if let Some(p) = &row.position {
        let who = name(p.person_id);
        parts.push(format!(
            "{} by {who}, {}",
            p.position,
            minute(p.recorded_at)
        ));
        if !p.reason.is_empty() {
            parts.push(format!("“{}”", p.reason));
        }
    }
    if let Some(a) = &row.authorisation {
        let who = name(a.person_id);
        let reference = if a.reference.is_empty() {
            String::new()
        } else {
            format!(", ref. {}", a.reference)
        };
        parts.push(format!(
            "{} by {who}, {}{reference}",
            a.decision,
            minute(a.decided_at)
        ));
    }
    let approving = row
        .position
        .as_ref()
        .is_none_or(|p| p.position == "approve");
    if row.member.needs_authorisation && row.authorisation.is_none() && approving {
        parts.push("needs internal authorisation".into());
    }
    parts.join("; ")
}

fn outcome_text(result: &Outcome) -> (String, bool) {
    match result {
        Outcome::Met { signatories } => (
            format!(
                "The decision rule is met: {} signator{}.",
                signatories.len(),
                if signatories.len() == 1 { "y" } else { "ies" }
            ),
            true,
        ),
        Outcome::Pending(why) => (format!("Not adopted yet: {why}."), false),
        Outcome::Failed(why) => (format!("The deadline has passed: {why}."), false),
    }
}

fn round_view(
    round: &Round,
    rows: &[BoardRow],
    versions: &[Version],
    names: &HashMap<i64, String>,
    today: chrono::NaiveDate,
) -> pages::RoundView {
    let version = versions
        .iter()
        .find(|v| v.id == round.version_id)
        .map(|v| v.version_no)
        .unwrap_or(0);
    let result = rounds::outcome(rounds::rule_of(round), rows, round.deadline, today);
    let (outcome, met) = outcome_text(&result);
    let t = rounds::tally(rounds::rule_of(round), rows);
    let tally = format!(
        "Approvals: {} of the {} needed · objections: {} · abstentions: {} · awaiting authorisation: {} · not answered: {} · full members: {}",
        t.approvals,
        t.needed,
        t.objections,
        t.abstentions,
        t.awaiting_authorisation,
        t.unanswered,
        t.members
    );
    let lines = rows
        .iter()
        .map(|row| pages::BoardLine {
            organisation: row.member.name.clone(),
            standing_key: row.standing.key().into(),
            standing: row.standing.label().into(),
            detail: detail(row, names),
        })
        .collect();
    pages::RoundView {
        id: round.id,
        version,
        content_hash: round.content_hash.clone(),
        rule: rounds::rule_of(round).describe(),
        deadline: round.deadline.to_string(),
        outcome,
        tally,
        met,
        lines,
    }
}

#[derive(Deserialize)]
struct ShowQuery {
    amendment: Option<i64>,
}

async fn show(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ShowQuery>,
) -> Result<Markup, Error> {
    let actor = page.actor()?.clone();
    if !store::may_see(Some(&actor)) {
        return Err(Error::Forbidden);
    }
    let id = id.into_inner();
    let amendment_id = query.amendment;
    let context = context_of(&page);
    let view = state
        .db(move |conn| build_view(conn, &actor, id, amendment_id, &context))
        .await?;
    Ok(pages::statement(&page.chrome(), &view))
}

fn context_of(page: &Page) -> Context {
    Context {
        publishes: page
            .coalition
            .as_ref()
            .is_some_and(|c| c.publish_statements),
        own_organisation: page.actor.as_ref().and_then(|a| {
            a.roles.iter().find_map(|r| match r {
                crate::auth::permissions::Role::Member { organisation_id }
                | crate::auth::permissions::Role::FullMember { organisation_id }
                | crate::auth::permissions::Role::Authoriser { organisation_id } => {
                    Some(*organisation_id)
                }
                _ => None,
            })
        }),
        today: page.today(),
    }
}

/// The page again, with a refused form as the person typed it and why (422).
pub async fn refused(
    page: &Page,
    state: &AppState,
    id: i64,
    amendment_id: Option<i64>,
    refusal: Refusal,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let context = context_of(page);
    let mut view = state
        .db(move |conn| build_view(conn, &actor, id, amendment_id, &context))
        .await?;
    view.refusal = Some(refusal);
    Ok(crate::web::html(
        StatusCode::UNPROCESSABLE_ENTITY,
        pages::statement(&page.chrome(), &view),
    ))
}

/// What the page needs beyond the statement, read the same way whatever its size.
struct Context {
    /// Whether the coalition publishes statements on a public page.
    publishes: bool,
    /// The organisation the person acts for, if any.
    own_organisation: Option<i64>,
    today: chrono::NaiveDate,
}

fn build_view(
    conn: &mut crate::db::DbConn,
    actor: &Actor,
    id: i64,
    amendment_id: Option<i64>,
    context: &Context,
) -> Result<pages::StatementView, Error> {
    let today = context.today;
    let (s, group) = store::with_group(conn, id)?;
    let status = store::status_of(&s);
    let can_draft = store::may_draft(actor, &s);
    // A draft is not found by those who may not read it; the board of a round (positions,
    // reasons, internal references) is left out for those who read only the text.
    let sight = store::sight(actor, &s);
    if sight == StatementSight::Nothing {
        return Err(Error::NotFound);
    }
    let sees_board = sight == StatementSight::Board;
    let versions = store::versions(conn, id)?;
    let shown = match s.published_version_id {
        Some(v) => versions.iter().find(|x| x.id == v),
        None => versions.last(),
    }
    .cloned()
    .ok_or(Error::NotFound)?;
    let by_id = |vid: i64| versions.iter().find(|v| v.id == vid);
    let all_comments = store::comments(conn, id)?;
    let all_rounds = rounds::rounds_of(conn, id)?;
    let open = all_rounds
        .iter()
        .find(|r| rounds::status_of_round(r) == crate::statements::rules::RoundStatus::Open)
        .cloned();
    let rows = match &open {
        Some(r) if sees_board => rounds::board(conn, r)?,
        _ => Vec::new(),
    };
    let rule_met = open.as_ref().is_some_and(|r| {
        matches!(
            rounds::outcome(rounds::rule_of(r), &rows, r.deadline, today),
            Outcome::Met { .. }
        )
    });
    let next = next_actions(Situation {
        status,
        drafts: can_draft,
        round_open: open.is_some(),
        rule_met,
    });
    let mut events = crate::statements::history::events(conn, id)?;
    if !sees_board {
        events.keep_outcome_only();
    }
    // Everyone the page names, read in one query each for people and organisations.
    let people: Vec<i64> = all_comments
        .iter()
        .map(|c| c.person_id)
        .chain(rows.iter().flat_map(|r| {
            let position = r.position.as_ref().map(|p| p.person_id);
            let authorisation = r.authorisation.as_ref().map(|a| a.person_id);
            position.into_iter().chain(authorisation)
        }))
        .chain(events.people())
        .collect();
    let names = crate::auth::store::names(conn, &people)?;
    let organisations: Vec<i64> = all_comments
        .iter()
        .filter_map(|c| c.organisation_id)
        .chain(events.organisations())
        .collect();
    let organisation_names = crate::membership::organisations::names(conn, &organisations)?;
    let mut comments = Vec::new();
    for c in all_comments {
        let who = names.get(&c.person_id).cloned().unwrap_or_default();
        let organisation = c
            .organisation_id
            .and_then(|o| organisation_names.get(&o))
            .map(|name| format!(" ({name})"))
            .unwrap_or_default();
        let base = by_id(c.version_id);
        comments.push(pages::CommentRow {
            id: c.id,
            who: format!("{who}{organisation}"),
            created: minute(c.created_at),
            version: base.map(|v| v.version_no).unwrap_or(0),
            body: c.body.clone(),
            may_take: next.revise && c.proposed_text.is_some() && c.status == "open",
            amendment: c.proposed_text.as_ref().map(|proposed| {
                let old = base.map(|v| v.body.as_str()).unwrap_or("");
                (c.status.clone(), pieces(text::word_diff(old, proposed)))
            }),
        });
    }
    let amendment = match amendment_id {
        Some(a) if can_draft => {
            let c = store::get_comment(conn, a)?;
            match (c.statement_id == id, c.proposed_text) {
                (true, Some(t)) => Some((c.id, t)),
                _ => None,
            }
        }
        _ => None,
    };
    let (round, position_forms, authorisation_forms) = match &open {
        Some(r) if sees_board => {
            let view = round_view(r, &rows, &versions, &names, today);
            let mut positions = Vec::new();
            let mut authorisations = Vec::new();
            for row in &rows {
                let organisation_id = row.member.id;
                if permissions::may(actor, Action::TakePosition { organisation_id }) {
                    positions.push(pages::OrganisationForm {
                        organisation_id,
                        organisation: row.member.name.clone(),
                        current: row.standing.label().into(),
                    });
                }
                if row.member.needs_authorisation
                    && permissions::may(actor, Action::AuthoriseStatement { organisation_id })
                {
                    authorisations.push(pages::OrganisationForm {
                        organisation_id,
                        organisation: row.member.name.clone(),
                        current: row.standing.label().into(),
                    });
                }
            }
            (Some(view), positions, authorisations)
        }
        _ => (None, Vec::new(), Vec::new()),
    };
    let mut past_rounds = Vec::new();
    for r in &all_rounds {
        if open.as_ref().is_some_and(|o| o.id == r.id) {
            continue;
        }
        let version = by_id(r.version_id).map(|v| v.version_no).unwrap_or(0);
        let status = rounds::status_of_round(r);
        past_rounds.push(pages::PastRound {
            opened: day(r.opened_at),
            version,
            content_hash: r.content_hash.clone(),
            rule: rounds::rule_of(r).describe(),
            status_key: status.as_str().into(),
            status: match status {
                crate::statements::rules::RoundStatus::Superseded => {
                    "superseded: its positions are void".into()
                }
                other => other.as_str().into(),
            },
        });
    }
    let publishes = context.publishes;
    let own_organisation = context.own_organisation;
    let mut signatories = Vec::new();
    for sig in rounds::signatories_of(conn, id)? {
        let own = own_organisation == Some(sig.organisation_id);
        let receipt = (own || can_draft)
            .then(|| format!("/statements/{id}/receipts/{}", sig.organisation_id));
        signatories.push((
            sig.organisation_name.clone(),
            minute(sig.approved_at),
            match sig.authorised_at {
                Some(t) => format!("{} (ref. {})", minute(t), sig.authorisation_reference),
                None => "not required".into(),
            },
            receipt,
        ));
    }
    let html = markdown::render(&shown.body);
    Ok(pages::StatementView {
        id,
        title: s.title.clone(),
        context_note: s.context_note.clone(),
        origin: group
            .map(|g| g.name)
            .unwrap_or_else(|| "the plenary".into()),
        status_key: status.as_str().into(),
        status: status.label().into(),
        closing_reason: s.closing_reason.clone(),
        version: shown.version_no,
        html,
        source: shown.body.clone(),
        content_hash: shown.content_hash.clone(),
        versions: versions
            .iter()
            .map(|v| pages::VersionRow {
                number: v.version_no,
                created: minute(v.created_at),
                note: v.note.clone(),
                content_hash: v.content_hash.clone(),
            })
            .collect(),
        comments,
        can_comment: next.comment,
        may_revise: next.revise,
        may_edit_details: next.edit_details,
        may_open_consultation: next.open_consultation,
        may_open_round: next.open_round,
        round,
        past_rounds,
        position_forms,
        authorisation_forms,
        may_adopt: next.adopt,
        may_remind: Some(
            rows.iter()
                .filter(|r| r.standing == crate::statements::rules::Standing::NoAnswer)
                .count(),
        )
        .filter(|silent| next.remind && *silent > 0),
        may_publish: next.publish,
        may_withdraw: next.withdraw,
        signatories,
        public_url: (status == Status::Published && publishes)
            .then(|| format!("/public/statements/{id}")),
        amendment,
        default_deadline: (today + chrono::Duration::days(14)).to_string(),
        history: crate::statements::history::entries(&events, &names, &organisation_names)
            .into_iter()
            .map(|e| (minute(e.at), e.who, e.what))
            .collect(),
        refusal: None,
    })
}

#[derive(Deserialize)]
struct DiffQuery {
    from: Option<i32>,
    to: Option<i32>,
}

async fn diff(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<DiffQuery>,
) -> Result<Markup, Error> {
    let actor = page.actor()?.clone();
    if !store::may_see(Some(&actor)) {
        return Err(Error::Forbidden);
    }
    let id = id.into_inner();
    let query = query.into_inner();
    let view = state
        .db(move |conn| {
            let s = store::readable(conn, &actor, id, StatementSight::Text)?;
            let versions = store::versions(conn, id)?;
            let last = versions.last().map(|v| v.version_no).unwrap_or(1);
            let to = query.to.unwrap_or(last);
            let from = query.from.unwrap_or((to - 1).max(1));
            let old = store::version(conn, id, from)?;
            let new = store::version(conn, id, to)?;
            Ok(pages::DiffView {
                id,
                title: s.title,
                from,
                to,
                from_hash: old.content_hash.clone(),
                to_hash: new.content_hash.clone(),
                pieces: pieces(text::word_diff(&old.body, &new.body)),
                versions: versions.iter().map(|v| v.version_no).collect(),
            })
        })
        .await?;
    Ok(pages::diff_page(&page.chrome(), &view))
}
