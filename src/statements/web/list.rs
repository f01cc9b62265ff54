//! The list of statements and the form that starts one.

use crate::auth::visibility::StatementSight;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use roundtable_templates::FormState;
use roundtable_templates::pages::statements as pages;
use serde::{Deserialize, Serialize};

use std::collections::HashMap;

use super::{day, origin_among};
use crate::AppState;
use crate::auth::permissions::{self, Action, Actor};
use crate::error::Error;
use crate::membership::model::WorkingGroup;
use crate::statements::model::Round;
use crate::statements::rounds;
use crate::statements::rules::Standing;
use crate::statements::store::{self, StatementInput};
use crate::web::context::Page;
use crate::web::{forms, html, see_other};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/statements", web::get().to(show))
        .route("/statements", web::post().to(create));
}

/// The bodies the person may start a statement for: the plenary (secretariat) and the groups
/// they convene.
fn origins(groups: &[WorkingGroup], actor: &Actor) -> pages::Options {
    let mut options = Vec::new();
    if permissions::may(actor, Action::DraftStatement { group_id: None }) {
        options.push((String::new(), "The plenary".to_owned()));
    }
    for g in groups {
        let group_id = Some(g.id);
        if g.status == "active" && permissions::may(actor, Action::DraftStatement { group_id }) {
            options.push((g.id.to_string(), format!("Working group: {}", g.name)));
        }
    }
    options
}

async fn render(page: &Page, state: &AppState, form: FormState) -> Result<maud::Markup, Error> {
    let actor = page.actor()?.clone();
    if !store::may_see(Some(&actor)) {
        return Err(Error::Forbidden);
    }
    let today = page.today();
    let (rows, origins) = state
        .db(move |conn| {
            let groups = crate::membership::groups::list(conn)?;
            let open: HashMap<i64, Round> = rounds::open_rounds(conn)?
                .into_iter()
                .map(|(s, r)| (s.id, r))
                .collect();
            let mut boards = rounds::standings(conn, &open.values().collect::<Vec<_>>())?;
            let mut rows = Vec::new();
            let readable = store::list(conn)?
                .into_iter()
                .filter(|s| store::sight(&actor, s) > StatementSight::Nothing);
            for s in readable {
                let mut note = String::new();
                if let Some(round) = open.get(&s.id) {
                    let board = boards.remove(&round.id).unwrap_or_default();
                    let mine = board.iter().any(|r| {
                        r.standing == Standing::NoAnswer
                            && permissions::may(
                                &actor,
                                Action::TakePosition {
                                    organisation_id: r.member.id,
                                },
                            )
                    });
                    note = if mine && today <= round.deadline {
                        format!("Your position is needed by {}", round.deadline)
                    } else {
                        format!("Round open until {}", round.deadline)
                    };
                }
                let status = store::status_of(&s);
                rows.push(pages::StatementRow {
                    id: s.id,
                    title: s.title.clone(),
                    origin: origin_among(&groups, &s),
                    status_key: status.as_str().into(),
                    status: status.label().into(),
                    updated: day(s.updated_at),
                    note,
                });
            }
            Ok((rows, origins(&groups, &actor)))
        })
        .await?;
    Ok(pages::list(&page.chrome(), &rows, &origins, &form))
}

async fn show(page: Page, state: web::Data<AppState>) -> Result<maud::Markup, Error> {
    render(&page, &state, FormState::default()).await
}

#[derive(Deserialize, Serialize)]
struct NewForm {
    title: String,
    #[serde(default)]
    group_id: String,
    #[serde(default)]
    context_note: String,
    body: String,
}

async fn create(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<NewForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let form = form.into_inner();
    let result = match form.group_id.trim() {
        "" => Ok(None),
        g => g
            .parse::<i64>()
            .map(Some)
            .map_err(|_| Error::field("group_id", "choose where the statement comes from")),
    };
    let result = match result {
        Ok(group_id) => {
            let input = StatementInput {
                title: form.title.clone(),
                context_note: form.context_note.clone(),
                group_id,
                body: form.body.clone(),
            };
            state
                .db(move |conn| store::create(conn, &actor, &input))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(s) => {
            page.flash(
                roundtable_templates::FlashKind::Success,
                "The statement is started. Open it for comments when the draft is ready.",
            );
            Ok(see_other(&format!("/statements/{}", s.id)))
        }
        // The form comes back with what was typed, nothing lost.
        Err(e) => match forms::refusal("new-statement", &form, &e) {
            Some(refusal) => {
                let markup = render(&page, &state, refusal.state).await?;
                Ok(html(StatusCode::UNPROCESSABLE_ENTITY, markup))
            }
            None => Err(e),
        },
    }
}
