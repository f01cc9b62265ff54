//! The questionnaire's building (items, the default set, whether people answer too) and
//! the anonymous answers as CSV.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use roundtable_templates::pages::evaluations::{DEFAULT_FORM, ITEM_FORM, ItemRow, PEOPLE_FORM};
use serde::{Deserialize, Serialize};

use super::cycle::refused;
use crate::AppState;
use crate::auth::visibility::EvaluationSight;
use crate::error::Error;
use crate::evaluations::answering::{self, Respondent};
use crate::evaluations::questionnaire::{self, Item, ItemInput};
use crate::evaluations::store;
use crate::web::context::Page;
use crate::web::forms::{self, NoFields, Sent};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/evaluations/{id}/items", web::post().to(add))
        .route("/evaluations/{id}/items/default", web::post().to(default))
        .route(
            "/evaluations/{id}/items/{item_id}/remove",
            web::post().to(remove),
        )
        .route(
            "/evaluations/{id}/questionnaire/people",
            web::post().to(people_answer),
        )
        .route("/evaluations/{id}/answers.csv", web::get().to(csv));
}

/// An item as the pages show it.
pub fn row(item: &Item) -> ItemRow {
    ItemRow {
        id: item.id,
        theme: item.theme.clone(),
        kind: item.kind.clone(),
        text: item.text.clone(),
        choices: item.choice_list().iter().map(|c| (*c).to_owned()).collect(),
    }
}

#[derive(Clone, Deserialize, Serialize)]
struct ItemForm {
    #[serde(default)]
    theme: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    choices: String,
}

async fn add(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<ItemForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, today) = (path.into_inner(), page.today());
    let form = form.into_inner();
    let input = ItemInput {
        theme: form.theme.clone(),
        kind: form.kind.clone(),
        text: form.text.clone(),
        choices: form.choices.clone(),
    };
    let result = state
        .db(move |conn| questionnaire::add_item(conn, &actor, id, &input, today))
        .await;
    let sent = Sent {
        form_key: ITEM_FORM,
        form: &form,
        back: format!("/evaluations/{id}#questionnaire"),
        success: "The item is added.",
    };
    forms::answer(&page, sent, result, |r| refused(&page, &state, id, r)).await
}

async fn default(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, today) = (path.into_inner(), page.today());
    let result = state
        .db(move |conn| questionnaire::use_default(conn, &actor, id, today))
        .await;
    let sent = Sent {
        form_key: DEFAULT_FORM,
        form: &NoFields {},
        back: format!("/evaluations/{id}#questionnaire"),
        success: "The default questionnaire is in place: change it as you need.",
    };
    forms::answer(&page, sent, result, |r| refused(&page, &state, id, r)).await
}

async fn remove(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let ((id, item_id), today) = (path.into_inner(), page.today());
    let result = state
        .db(move |conn| questionnaire::remove_item(conn, &actor, id, item_id, today))
        .await;
    let sent = Sent {
        form_key: ITEM_FORM,
        form: &NoFields {},
        back: format!("/evaluations/{id}#questionnaire"),
        success: "The item is removed.",
    };
    forms::answer(&page, sent, result, |r| refused(&page, &state, id, r)).await
}

#[derive(Clone, Deserialize, Serialize)]
struct PeopleForm {
    /// "on" when every person answers too (a checkbox: absent when not ticked).
    #[serde(default)]
    people_answer: String,
}

async fn people_answer(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<PeopleForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, today) = (path.into_inner(), page.today());
    let form = form.into_inner();
    let on = form.people_answer == "on";
    let result = state
        .db(move |conn| questionnaire::set_people_answer(conn, &actor, id, on, today))
        .await;
    let sent = Sent {
        form_key: PEOPLE_FORM,
        form: &form,
        back: format!("/evaluations/{id}#questionnaire"),
        success: if on {
            "Every person of a member answers too, for themselves."
        } else {
            "The organisations answer, once each."
        },
    };
    forms::answer(&page, sent, result, |r| refused(&page, &state, id, r)).await
}

/// The anonymous answers: a random key per response, whether an organisation or a person
/// gave it, the side only where three or more responses of that kind share it, the item and
/// the answer. No sector (in a small coalition a sector may be one organisation), no time,
/// no name.
async fn csv(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = path.into_inner();
    let (items, answers) = state
        .db(move |conn| {
            store::readable(
                conn,
                &actor,
                id,
                EvaluationSight::Work,
                "the anonymous answers (CSV)",
            )?;
            let mut answers = Vec::new();
            for respondent in [Respondent::Organisation, Respondent::Person] {
                answers.push((respondent, answering::all_answers(conn, id, respondent)?));
            }
            Ok((questionnaire::items(conn, id)?, answers))
        })
        .await?;
    let mut rows = Vec::new();
    for (respondent, answers) in &answers {
        let responses_of = |side: &str| {
            let mut keys: Vec<&str> = answers
                .iter()
                .filter(|a| a.1 == side)
                .map(|a| a.0.as_str())
                .collect();
            keys.sort_unstable();
            keys.dedup();
            keys.len()
        };
        for (key, side, item_id, rating, answer) in answers {
            let Some(item) = items.iter().find(|i| i.id == *item_id) else {
                continue;
            };
            let side = if responses_of(side) >= crate::evaluations::results::SMALLEST_CELL {
                side.clone()
            } else {
                String::new()
            };
            rows.push(vec![
                key[..8.min(key.len())].to_owned(),
                respondent.as_str().to_owned(),
                side,
                item.theme.clone(),
                item.text.clone(),
                rating.map(|r| r.to_string()).unwrap_or_default(),
                answer.clone(),
            ]);
        }
    }
    let out = super::csv_file(
        &[
            "response",
            "respondent",
            "side",
            "theme",
            "item",
            "rating",
            "answer",
        ],
        &rows,
    )?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"anonymous-answers.csv\"",
        ))
        .body(out))
}
