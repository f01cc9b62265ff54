//! The fees page and its actions.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::pages::membership::fees::{
    self as pages, LEDGER_FORM, TIER_FORM, paid_form, waive_form,
};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::error::Error;
use crate::membership::fees;
use crate::membership::model::{FeeEntry, Organisation};
use crate::membership::rules::{format_amount, parse_amount};
use crate::web::context::Page;
use crate::web::forms::{self, Sent};
use crate::web::{html, parse_date};

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

/// The year the fees page shows by default (the ledger rows' own forms come back there).
fn this_year(page: &Page) -> i32 {
    chrono::Datelike::year(&page.today())
}

async fn show(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<YearQuery>,
) -> Result<Markup, Error> {
    let year = query
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&page.today()));
    let view = view(&page, &state, year).await?;
    Ok(pages::fees(&page.chrome(), &view))
}

/// The fees page's answer to one of its forms (see `forms::answer`): refused, the page of
/// `year` again with the form as typed.
async fn answer<T: Serialize, R>(
    page: &Page,
    state: &AppState,
    year: i32,
    sent: Sent<'_, T>,
    result: Result<R, Error>,
) -> Result<HttpResponse, Error> {
    forms::answer(page, sent, result, |refusal| async move {
        let mut view = view(page, state, year).await?;
        view.refusal = Some(refusal);
        Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::fees(&page.chrome(), &view),
        ))
    })
    .await
}

async fn view(page: &Page, state: &AppState, year: i32) -> Result<pages::FeesView, Error> {
    permissions::require(page.actor()?, Action::ManageMembership)?;
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
        refusal: None,
    };
    Ok(view)
}

#[derive(Clone, Deserialize, Serialize)]
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
    let typed = form.into_inner();
    let form = typed.clone();
    let year = typed.year;
    let result = match parse_amount(&form.amount) {
        Some(cents) => {
            state
                .db(move |conn| {
                    fees::set_tier(conn, &actor, form.year, &form.tier, cents, &form.currency)
                })
                .await
        }
        None => Err(Error::field(
            "amount",
            format!(
                "{:?} is not an amount (for example 250 or 250.00)",
                form.amount
            ),
        )),
    };
    let sent = Sent {
        form_key: TIER_FORM,
        form: &typed,
        back: format!("/fees?year={year}"),
        success: "The tier is saved.",
    };
    answer(&page, &state, year, sent, result).await
}

#[derive(Deserialize, Serialize)]
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
    let sent = Sent {
        form_key: LEDGER_FORM,
        form: &form.into_inner(),
        back: format!("/fees?year={year}#{LEDGER_FORM}"),
        success: &message,
    };
    answer(&page, &state, year, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
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
    let typed = form.into_inner();
    let form = typed.clone();
    let result = match parse_date(&form.paid_on, "date of payment") {
        Ok(date) => {
            state
                .db(move |conn| fees::record_payment(conn, &actor, id, date, &form.reference))
                .await
        }
        Err(e) => Err(Error::field("paid_on", e.to_string())),
    };
    let key = paid_form(id);
    let sent = Sent {
        form_key: &key,
        form: &typed,
        back: "/fees".into(),
        success: "The payment is recorded.",
    };
    answer(&page, &state, this_year(&page), sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
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
    let typed = form.into_inner();
    let note = typed.note.clone();
    let result = state
        .db(move |conn| fees::waive(conn, &actor, id, &note))
        .await;
    let key = waive_form(id);
    let sent = Sent {
        form_key: &key,
        form: &typed,
        back: "/fees".into(),
        success: "The fee is waived.",
    };
    answer(&page, &state, this_year(&page), sent, result).await
}
