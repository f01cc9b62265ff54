//! The directory, its CSV export, the public member list and the CSV import.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::pages::membership::directory as pages;
use roundtable_templates::{FlashKind, FormState};
use serde::Deserialize;

use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::error::Error;
use crate::membership::directory::{self, Filter};
use crate::membership::rules::{Side, Status};
use crate::membership::{groups, import, organisations};
use crate::web::context::Page;
use crate::web::{html, uploads};
use actix_multipart::Multipart;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/organisations", web::get().to(list))
        .route("/organisations/export.csv", web::get().to(export))
        .route("/import", web::get().to(import_page))
        .route("/import", web::post().to(import_csv));
}

#[derive(Deserialize, Default)]
struct FilterQuery {
    sector: Option<String>,
    side: Option<String>,
    status: Option<String>,
    group: Option<String>,
}

fn any_option(label: &str) -> (String, String) {
    (String::new(), label.to_owned())
}

async fn list(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<FilterQuery>,
) -> Result<Markup, Error> {
    let may_view = page
        .actor
        .as_ref()
        .is_some_and(|a| permissions::may(a, Action::ViewDirectory));
    if !may_view {
        // The public sees the list only when the coalition publishes it, and so does a
        // signed-in outsider (an applicant, the person of a withdrawn member): no less than
        // anyone, no more.
        let refused = if page.actor.is_some() {
            Error::Forbidden
        } else {
            Error::SignInRequired
        };
        let members = state.db(directory::public_list).await?.ok_or(refused)?;
        return Ok(pages::public_list(&page.chrome(), &members));
    }
    let actor = page.actor()?;
    let q = query.into_inner();
    let filter = Filter {
        sector_id: q.sector.as_deref().and_then(|s| s.parse().ok()),
        side: q.side.as_deref().and_then(Side::parse),
        status: q.status.as_deref().and_then(Status::parse),
        group_id: q.group.as_deref().and_then(|s| s.parse().ok()),
    };
    let (listing, sectors, all_groups) = state
        .db(move |conn| {
            Ok((
                directory::list(conn, &filter)?,
                organisations::sectors(conn)?,
                groups::list(conn)?,
            ))
        })
        .await?;
    let mut filter_state = FormState::default();
    for (k, v) in [
        ("sector", &q.sector),
        ("side", &q.side),
        ("status", &q.status),
        ("group", &q.group),
    ] {
        if let Some(v) = v {
            filter_state.values.insert(k.into(), v.clone());
        }
    }
    let mut counts: Vec<(String, usize)> = listing
        .by_side
        .iter()
        .map(|(k, v)| ((*k).to_owned(), *v))
        .collect();
    counts.extend(listing.by_status.iter().map(|(k, v)| ((*k).to_owned(), *v)));
    let view = pages::DirectoryView {
        rows: listing
            .entries
            .iter()
            .map(|e| pages::DirectoryRow {
                id: e.organisation.id,
                name: e.organisation.name.clone(),
                short_name: e.organisation.short_name.clone(),
                sector: e.sector.name.clone(),
                side: e.side.label().to_owned(),
                status: e.status.label().to_owned(),
                status_key: e.status.as_str().to_owned(),
                region: e.organisation.region.clone(),
                email: e.organisation.email.clone(),
                phone: e.organisation.phone.clone(),
            })
            .collect(),
        counts,
        sectors: std::iter::once(any_option("any sector"))
            .chain(sectors.iter().map(|s| (s.id.to_string(), s.name.clone())))
            .collect(),
        sides: vec![
            any_option("both sides"),
            ("governmental".into(), "Governmental".into()),
            ("civil_society".into(), "Civil society".into()),
        ],
        statuses: std::iter::once(any_option("members (full and associate)"))
            .chain(
                Status::ALL
                    .iter()
                    .map(|s| (s.as_str().to_owned(), s.label().to_owned())),
            )
            .collect(),
        groups: std::iter::once(any_option("any group"))
            .chain(
                all_groups
                    .iter()
                    .map(|g| (g.id.to_string(), g.name.clone())),
            )
            .collect(),
        filter: filter_state,
        can_manage: permissions::may(actor, Action::ManageMembership),
        export_href: "/organisations/export.csv".into(),
    };
    Ok(pages::directory(&page.chrome(), &view))
}

async fn export(page: Page, state: web::Data<AppState>) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    let csv = state.db(move |conn| import::export(conn, &actor)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"members-{}.csv\"", today),
        ))
        .body(csv))
}

async fn import_page(page: Page) -> Result<Markup, Error> {
    permissions::require(page.actor()?, Action::ManageMembership)?;
    Ok(pages::import(&page.chrome(), &import::COLUMNS, None))
}

/// The largest CSV file the import reads.
const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

async fn import_csv(
    page: Page,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ManageMembership)?;
    let file = async {
        let mut upload = uploads::read(payload, MAX_IMPORT_BYTES, "a CSV file").await?;
        let text = uploads::text(&mut upload, "file", "the CSV file")?;
        if text.trim().is_empty() {
            return Err(Error::Invalid("choose a CSV file".into()));
        }
        Ok(text)
    }
    .await;
    let text = match file {
        Ok(text) => text,
        Err(e @ (Error::Invalid(_) | Error::TooLarge(_))) => {
            let report = pages::ImportReport {
                problems: vec![(0, crate::web::capitalise(&e.to_string()))],
            };
            return Ok(html(
                e.status(),
                pages::import(&page.chrome(), &import::COLUMNS, Some(&report)),
            ));
        }
        Err(e) => return Err(e),
    };
    let outcome = state
        .db(move |conn| {
            let outcome = import::import(conn, &actor, &text, today)?;
            crate::schedule::membership_changed(conn)?;
            Ok(outcome)
        })
        .await?;
    match outcome {
        // Post/redirect/get: the directory lists what was imported, and reloading it sends
        // nothing again.
        Ok(done) => {
            page.flash(
                FlashKind::Success,
                &format!(
                    "Imported {} organisations and {} people. Each person is mailed an invitation to set a password (the link works for 14 days and reaches only them).",
                    done.organisations,
                    done.invitations.len()
                ),
            );
            Ok(crate::web::see_other("/organisations"))
        }
        Err(problems) => {
            let report = pages::ImportReport {
                problems: problems.into_iter().map(|p| (p.line, p.message)).collect(),
            };
            Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                pages::import(&page.chrome(), &import::COLUMNS, Some(&report)),
            ))
        }
    }
}
