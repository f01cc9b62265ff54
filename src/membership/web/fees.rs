//! The fees page and its actions.

use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::pages::membership::fees as pages;
use serde::Deserialize;

use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::error::Error;
use crate::membership::fees;
use crate::membership::model::{FeeEntry, Organisation};
use crate::membership::rules::{format_amount, parse_amount};
use crate::web::context::Page;
use crate::web::{after_action, parse_date};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/fees", web::get().to(show))
        .route("/fees/tiers", web::post().to(set_tier))
        .route("/fees/ledger", web::post().to(generate))
        .route("/fees/{id}/paid", web::post().to(paid))
        .route("/fees/{id}/waive", web::post().to(waive));
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

fn row(entry: FeeEntry, organisation: Organisation) -> pages::LedgerRow {
    pages::LedgerRow {
        id: entry.id,
        organisation_id: organisation.id,
        organisation: organisation.name,
        year: entry.year,
        tier: entry.tier,
        amount: format_amount(entry.amount_cents, &entry.currency),
        may_settle: entry.status == crate::membership::rules::FeeStatus::Due.as_str(),
        status: entry.status,
        paid: match entry.paid_on {
            Some(d) => format!("{d} {}", entry.reference),
            None => String::new(),
        },
        note: entry.note,
    }
}

async fn show(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<YearQuery>,
) -> Result<Markup, Error> {
    permissions::require(page.actor()?, Action::ManageMembership)?;
    let year = query
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&page.today()));
    let (enabled, schedule, ledger, outstanding) = state
        .db(move |conn| {
            Ok((
                crate::coalition::get(conn)?.is_some_and(|c| c.fees_enabled),
                fees::schedule(conn, year)?,
                fees::ledger_for_year(conn, year)?,
                fees::outstanding(conn)?,
            ))
        })
        .await?;
    let view = pages::FeesView {
        enabled,
        year,
        schedule: schedule
            .into_iter()
            .map(|t| {
                let amount = if t.amount_cents == 0 {
                    "waived".to_owned()
                } else {
                    format_amount(t.amount_cents, &t.currency)
                };
                (t.tier, amount)
            })
            .collect(),
        ledger: ledger.into_iter().map(|(e, o)| row(e, o)).collect(),
        outstanding: outstanding.into_iter().map(|(e, o)| row(e, o)).collect(),
        today: page.today().to_string(),
    };
    Ok(pages::fees(&page.chrome(), &view))
}

#[derive(Deserialize)]
struct TierForm {
    year: i32,
    tier: String,
    amount: String,
    currency: String,
}

async fn set_tier(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<TierForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let form = form.into_inner();
    let back = format!("/fees?year={}", form.year);
    let result = match parse_amount(&form.amount) {
        Some(cents) => {
            state
                .db(move |conn| {
                    fees::set_tier(conn, &actor, form.year, &form.tier, cents, &form.currency)
                })
                .await
        }
        None => Err(Error::Invalid(format!(
            "{:?} is not an amount (for example 250 or 250.00)",
            form.amount
        ))),
    };
    after_action(&page, result, &back, "The tier is saved.")
}

#[derive(Deserialize)]
struct LedgerForm {
    year: i32,
}

async fn generate(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<LedgerForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let year = form.year;
    let result = state
        .db(move |conn| fees::generate_ledger(conn, &actor, year))
        .await;
    let message = match &result {
        Ok(n) => format!("{n} ledger rows written for {year}."),
        Err(_) => String::new(),
    };
    after_action(&page, result, &format!("/fees?year={year}"), &message)
}

#[derive(Deserialize)]
struct PaidForm {
    paid_on: String,
    #[serde(default)]
    reference: String,
}

async fn paid(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<PaidForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let result = match parse_date(&form.paid_on, "date of payment") {
        Ok(date) => {
            state
                .db(move |conn| fees::record_payment(conn, &actor, id, date, &form.reference))
                .await
        }
        Err(e) => Err(e),
    };
    after_action(&page, result, "/fees", "The payment is recorded.")
}

#[derive(Deserialize)]
struct WaiveForm {
    #[serde(default)]
    note: String,
}

async fn waive(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<WaiveForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let note = form.into_inner().note;
    let result = state
        .db(move |conn| fees::waive(conn, &actor, id, &note))
        .await;
    after_action(&page, result, "/fees", "The fee is waived.")
}
