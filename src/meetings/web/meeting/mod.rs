//! A meeting: its page (`page`), its form (`form`), the actions on its agenda, attendance
//! and guests (`actions`), and on its record: minutes and action items (`record`).

use actix_web::{HttpResponse, web};
use roundtable_templates::pages::meetings::meeting as pages;
use serde::Serialize;

use crate::AppState;
use crate::error::Error;
use crate::meetings::model::AgendaItem;
use crate::web::context::Page;
use crate::web::forms::{self, Sent};

mod actions;
mod form;
mod page;
mod record;

/// The meeting page's answer to one of its forms (see `forms::answer`): refused, the page
/// again with the form as typed.
async fn answer<T: Serialize, R>(
    page: &Page,
    state: &AppState,
    meeting_id: i64,
    sent: Sent<'_, T>,
    result: Result<R, Error>,
) -> Result<HttpResponse, Error> {
    forms::answer(page, sent, result, |refusal| {
        page::refused(page, state, meeting_id, refusal)
    })
    .await
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    // The form first: "/meetings/new" must not be read as the page of meeting "new".
    form::routes(cfg);
    page::routes(cfg);
    actions::routes(cfg);
    record::routes(cfg);
}

fn item_row(i: &AgendaItem) -> pages::ItemRow {
    pages::ItemRow {
        id: i.id,
        title: i.title.clone(),
        presenter: i.presenter.clone(),
        duration: i.duration_minutes,
        description: i.description.clone(),
        confidential: i.confidential,
    }
}
