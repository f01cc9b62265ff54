//! The questionnaire's pages: building it (items, the default set), a member
//! organisation's answer form, and the anonymous answers as CSV.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use roundtable_templates::FormState;
use roundtable_templates::pages::evaluations::{
    self as pages, ANSWER_FORM, DEFAULT_FORM, ITEM_FORM, ItemRow,
};
use serde::{Deserialize, Serialize};

use super::cycle::refused;
use crate::AppState;
use crate::auth::visibility::EvaluationSight;
use crate::error::Error;
use crate::evaluations::questionnaire::{self, Given, Item, ItemInput};
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
        .route("/evaluations/{id}/questionnaire", web::get().to(form))
        .route("/evaluations/{id}/questionnaire", web::post().to(answer))
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

async fn view(
    page: &Page,
    state: &AppState,
    id: i64,
    form: FormState,
) -> Result<pages::AnswerView, Error> {
    let actor = page.actor()?.clone();
    let today = page.today();
    state
        .db(move |conn| {
            let Some(organisation_id) = questionnaire::answers_for(&actor) else {
                return Err(Error::NotFor("a member organisation's representatives"));
            };
            let e = store::get(conn, id)?;
            let organisation = crate::membership::organisations::get(conn, organisation_id)?.name;
            let closed = if questionnaire::has_answered(conn, id, organisation_id)? {
                Some("Your organisation has answered this questionnaire. Thank you.".to_owned())
            } else if !questionnaire::is_open(&e, today) {
                Some("The questionnaire is not open for answers.".to_owned())
            } else {
                None
            };
            Ok(pages::AnswerView {
                id,
                title: e.title.clone(),
                organisation,
                items: questionnaire::items(conn, id)?.iter().map(row).collect(),
                closed,
                form,
            })
        })
        .await
}

async fn form(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<maud::Markup, Error> {
    let view = view(&page, &state, path.into_inner(), FormState::default()).await?;
    Ok(pages::answer_page(&page.chrome(), &view))
}

async fn answer(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, today) = (path.into_inner(), page.today());
    let pairs = form.into_inner();
    let mut given: Vec<Given> = Vec::new();
    for (name, value) in &pairs {
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
    let result = state
        .db(move |conn| questionnaire::answer(conn, &actor, id, &given, today))
        .await;
    match result {
        Ok(()) => {
            page.flash(
                roundtable_templates::FlashKind::Success,
                "Thank you: your organisation's answers are in.",
            );
            Ok(crate::web::see_other(&format!(
                "/evaluations/{id}/questionnaire"
            )))
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
                    let view = view(&page, &state, id, refused.state).await?;
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

/// The anonymous answers: a random key per response, the side only where three or more
/// responses share it, the item and the answer. No sector (in a small coalition a sector
/// may be one organisation), no time, no name.
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
            Ok((
                questionnaire::items(conn, id)?,
                questionnaire::all_answers(conn, id)?,
            ))
        })
        .await?;
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
    let mut rows = Vec::new();
    for (key, side, item_id, rating, answer) in &answers {
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
            side,
            item.theme.clone(),
            item.text.clone(),
            rating.map(|r| r.to_string()).unwrap_or_default(),
            answer.clone(),
        ]);
    }
    let out = super::csv_file(
        &["response", "side", "theme", "item", "rating", "answer"],
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
