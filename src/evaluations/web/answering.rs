//! The answer forms: an organisation's, given through its representatives, and (when the
//! evaluation asks it) a person's own. A refused answer comes back as it was typed.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use roundtable_templates::FormState;
use roundtable_templates::pages::evaluations::{self as pages, ANSWER_FORM};

use super::questionnaire::row;
use crate::AppState;
use crate::error::Error;
use crate::evaluations::answering::{self, Given, Respondent};
use crate::evaluations::{questionnaire, store};
use crate::web::context::Page;
use crate::web::forms;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/evaluations/{id}/questionnaire",
        web::get().to(organisation_form),
    )
    .route(
        "/evaluations/{id}/questionnaire",
        web::post().to(organisation_answer),
    )
    .route(
        "/evaluations/{id}/questionnaire/personal",
        web::get().to(personal_form),
    )
    .route(
        "/evaluations/{id}/questionnaire/personal",
        web::post().to(personal_answer),
    );
}

async fn view(
    page: &Page,
    state: &AppState,
    id: i64,
    respondent: Respondent,
    form: FormState,
) -> Result<pages::AnswerView, Error> {
    let actor = page.actor()?.clone();
    let today = page.today();
    state
        .db(move |conn| {
            let organisation_id = match respondent {
                Respondent::Organisation => answering::answers_for(&actor)
                    .ok_or(Error::NotFor("a member organisation's representatives"))?,
                Respondent::Person => answering::answers_personally(&actor)
                    .ok_or(Error::NotFor("the people of member organisations"))?,
            };
            let e = store::get(conn, id)?;
            if respondent == Respondent::Person && !e.people_answer {
                return Err(Error::NotFound);
            }
            let organisation = crate::membership::organisations::get(conn, organisation_id)?.name;
            let closed = if answering::has_given(conn, &actor, id, respondent)? {
                Some(match respondent {
                    Respondent::Organisation => {
                        "Your organisation has answered this questionnaire. Thank you."
                    }
                    Respondent::Person => "You have answered this questionnaire. Thank you.",
                })
            } else if !answering::is_open(&e, today) {
                Some("The questionnaire is not open for answers.")
            } else {
                None
            };
            Ok(pages::AnswerView {
                id,
                title: e.title.clone(),
                organisation,
                personal: respondent == Respondent::Person,
                items: questionnaire::items(conn, id)?.iter().map(row).collect(),
                closed: closed.map(str::to_owned),
                form,
            })
        })
        .await
}

fn address(id: i64, respondent: Respondent) -> String {
    match respondent {
        Respondent::Organisation => format!("/evaluations/{id}/questionnaire"),
        Respondent::Person => format!("/evaluations/{id}/questionnaire/personal"),
    }
}

async fn organisation_form(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<maud::Markup, Error> {
    form(page, state, path.into_inner(), Respondent::Organisation).await
}

async fn personal_form(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<maud::Markup, Error> {
    form(page, state, path.into_inner(), Respondent::Person).await
}

async fn form(
    page: Page,
    state: web::Data<AppState>,
    id: i64,
    respondent: Respondent,
) -> Result<maud::Markup, Error> {
    let view = view(&page, &state, id, respondent, FormState::default()).await?;
    Ok(pages::answer_page(&page.chrome(), &view))
}

async fn organisation_answer(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, Error> {
    answer(
        page,
        state,
        path.into_inner(),
        Respondent::Organisation,
        form.into_inner(),
    )
    .await
}

async fn personal_answer(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, Error> {
    answer(
        page,
        state,
        path.into_inner(),
        Respondent::Person,
        form.into_inner(),
    )
    .await
}

/// The items' values as sent: `item-{id}` fields, several for several choices.
fn given_of(pairs: &[(String, String)]) -> Vec<Given> {
    let mut given: Vec<Given> = Vec::new();
    for (name, value) in pairs {
        if let Some(item_id) = name
            .strip_prefix("item-")
            .and_then(|n| n.parse::<i64>().ok())
        {
            match given.iter_mut().find(|g| g.item_id == item_id) {
                Some(g) => g.values.push(value.clone()),
                None => given.push(Given {
                    item_id,
                    values: vec![value.clone()],
                }),
            }
        }
    }
    given
}

async fn answer(
    page: Page,
    state: web::Data<AppState>,
    id: i64,
    respondent: Respondent,
    pairs: Vec<(String, String)>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let today = page.today();
    let given = given_of(&pairs);
    let result = state
        .db(move |conn| answering::answer(conn, &actor, id, respondent, &given, today))
        .await;
    match result {
        Ok(()) => {
            page.flash(
                roundtable_templates::FlashKind::Success,
                match respondent {
                    Respondent::Organisation => "Thank you: your organisation's answers are in.",
                    Respondent::Person => "Thank you: your answers are in.",
                },
            );
            Ok(crate::web::see_other(&address(id, respondent)))
        }
        Err(e) => {
            // As typed: every value of a field, one per line (several choices).
            let mut values = std::collections::BTreeMap::<String, String>::new();
            for (name, value) in pairs.into_iter().filter(|(n, _)| n != "csrf_token") {
                values
                    .entry(name)
                    .and_modify(|v| {
                        v.push('\n');
                        v.push_str(&value)
                    })
                    .or_insert(value);
            }
            match forms::refusal(ANSWER_FORM, &values, &e) {
                Some(refused) => {
                    let view = view(&page, &state, id, respondent, refused.state).await?;
                    Ok(crate::web::html(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        pages::answer_page(&page.chrome(), &view),
                    ))
                }
                None => Err(e),
            }
        }
    }
}
