//! A meeting: its page (`page`), its form (`form`), the actions on its agenda, attendance
//! and guests (`actions`), and on its record: minutes and action items (`record`).

use actix_web::web;
use roundtable_templates::pages::meetings::meeting as pages;

use crate::meetings::model::AgendaItem;

mod actions;
mod form;
mod page;
mod record;

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
