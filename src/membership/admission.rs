//! The admission procedure: criteria the applicant attests to, applications (entered by the
//! secretariat or through the public form), sponsors, and the decision.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::model::{Answer, Application, Criterion, Organisation};
use super::organisations::{self, OrganisationInput};
use super::people::{self, PersonInput};
use super::rules::Status;
use crate::audit::{self, Subject};
use crate::auth::model::Person;
use crate::auth::permissions::{self, Action, Actor};
use crate::auth::store::PersonDraft;
use crate::clean;
use crate::coalition;
use crate::db::schema::{
    admission_criteria, application_answers, application_sponsors, applications, held_applications,
    organisations as orgs, people as people_table,
};
use crate::db::{self, DbConn};
use crate::error::Error;

pub fn criteria(conn: &mut DbConn, include_retired: bool) -> Result<Vec<Criterion>, Error> {
    let mut query = admission_criteria::table.into_boxed();
    if !include_retired {
        query = query.filter(admission_criteria::active.eq(true));
    }
    Ok(query
        .order((admission_criteria::position, admission_criteria::id))
        .select(Criterion::as_select())
        .load(conn)?)
}

pub fn add_criterion(conn: &mut DbConn, actor: &Actor, text: &str) -> Result<Criterion, Error> {
    permissions::require(actor, Action::ManageMembership)?;
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 1000 {
        return Err(Error::Invalid(
            "a criterion needs a text of 1 to 1000 characters".into(),
        ));
    }
    db::write_tx(conn, |conn| {
        let position: Option<i32> = admission_criteria::table
            .select(diesel::dsl::max(admission_criteria::position))
            .first(conn)?;
        let id: i64 = diesel::insert_into(admission_criteria::table)
            .values((
                admission_criteria::position.eq(position.unwrap_or(0) + 1),
                admission_criteria::text.eq(text),
                admission_criteria::active.eq(true),
                admission_criteria::created_at.eq(db::now()),
            ))
            .returning(admission_criteria::id)
            .get_result(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "criterion.added",
            Subject::new("criterion", id),
            json!({ "text": text }),
        )?;
        Ok(admission_criteria::table
            .find(id)
            .select(Criterion::as_select())
            .first(conn)?)
    })
}

/// Retires a criterion: new applications no longer answer it; past answers keep its text.
pub fn retire_criterion(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<(), Error> {
    permissions::require(actor, Action::ManageMembership)?;
    db::write_tx(conn, |conn| {
        let updated = diesel::update(admission_criteria::table.find(id))
            .set(admission_criteria::active.eq(false))
            .execute(conn)?;
        if updated == 0 {
            return Err(Error::NotFound);
        }
        audit::record(
            conn,
            Some(actor.id()),
            "criterion.retired",
            Subject::new("criterion", id),
            json!({}),
        )
    })
}

/// One answer to one criterion.
#[derive(Debug, Clone)]
pub struct AnswerInput {
    pub criterion_id: i64,
    pub attested: bool,
    pub comment: String,
}

#[derive(Debug, Clone)]
pub struct ApplicationInput {
    pub organisation: OrganisationInput,
    pub contact: PersonInput,
    pub motivation: String,
    pub answers: Vec<AnswerInput>,
    pub sponsor_ids: Vec<i64>,
}

/// What became of an application.
#[derive(Debug)]
pub enum Submitted {
    Recorded(Application),
    /// From the public form, naming an organisation or an email the coalition already knows:
    /// held for the secretariat (`held`), while the applicant sees the same answer as anyone.
    Held,
}

/// Records an application. `actor` is the secretariat entering it on the applicant's behalf,
/// or None for the public form, which only works when the coalition has opened it.
pub fn submit(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    input: &ApplicationInput,
    today: NaiveDate,
) -> Result<Submitted, Error> {
    match actor {
        Some(a) => permissions::require(a, Action::ManageMembership)?,
        None => {
            let open = coalition::get(conn)?.is_some_and(|c| c.public_applications);
            if !open {
                return Err(Error::Forbidden);
            }
        }
    }
    let actor_id = actor.map(Actor::id);
    clean::text(&input.motivation, "the motivation", clean::limits::NOTE)
        .map_err(|m| Error::field("motivation", m))?;
    for answer in &input.answers {
        clean::text(
            &answer.comment,
            "a criterion's comment",
            clean::limits::NAME,
        )
        .map_err(|m| Error::field(&format!("comment_{}", answer.criterion_id), m))?;
    }
    db::write_tx(conn, |conn| {
        let wanted = criteria(conn, false)?;
        for criterion in &wanted {
            if !input.answers.iter().any(|a| a.criterion_id == criterion.id) {
                return Err(Error::Invalid(format!(
                    "answer the criterion: {}",
                    criterion.text
                )));
            }
        }
        if actor.is_none()
            && let Some(matches) = already_known(conn, input)?
        {
            organisations::validate(conn, &input.organisation)?;
            crate::auth::store::check_draft(&PersonDraft {
                name: &input.contact.name,
                email: &input.contact.email,
                password: None,
                is_admin: false,
            })?;
            hold(conn, input, &matches)?;
            return Ok(Submitted::Held);
        }
        let organisation = organisations::insert(
            conn,
            actor_id,
            &input.organisation,
            Status::Applicant,
            today,
            "applied for membership",
        )?;
        let contact = PersonInput {
            representation: None,
            ..input.contact.clone()
        };
        let person = people::insert_uninvited(conn, actor_id, organisation.id, &contact)?;
        let id: i64 = diesel::insert_into(applications::table)
            .values((
                applications::organisation_id.eq(organisation.id),
                applications::contact_person_id.eq(person.id),
                applications::motivation.eq(input.motivation.trim()),
                applications::submitted_via.eq(if actor.is_some() {
                    "secretariat"
                } else {
                    "public"
                }),
                applications::submitted_by.eq(actor_id),
                applications::submitted_at.eq(db::now()),
            ))
            .returning(applications::id)
            .get_result(conn)?;
        for criterion in &wanted {
            let answer = input
                .answers
                .iter()
                .find(|a| a.criterion_id == criterion.id);
            diesel::insert_into(application_answers::table)
                .values((
                    application_answers::application_id.eq(id),
                    application_answers::criterion_id.eq(criterion.id),
                    application_answers::criterion_text.eq(&criterion.text),
                    application_answers::attested.eq(answer.is_some_and(|a| a.attested)),
                    application_answers::comment.eq(answer.map(|a| a.comment.trim()).unwrap_or("")),
                ))
                .execute(conn)?;
        }
        for sponsor in &input.sponsor_ids {
            let sponsor_org = organisations::get(conn, *sponsor)?;
            if organisations::status_of(&sponsor_org) != Status::Full {
                return Err(Error::Invalid(format!(
                    "{} is not a full member and cannot sponsor",
                    sponsor_org.name
                )));
            }
            diesel::insert_into(application_sponsors::table)
                .values((
                    application_sponsors::application_id.eq(id),
                    application_sponsors::organisation_id.eq(*sponsor),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            actor_id,
            "application.submitted",
            Subject::new("application", id),
            json!({ "organisation": organisation.name, "via": if actor.is_some() { "secretariat" } else { "public" } }),
        )?;
        get(conn, id).map(Submitted::Recorded)
    })
}

/// What an application names that the coalition already has, said for the secretariat.
fn already_known(conn: &mut DbConn, input: &ApplicationInput) -> Result<Option<String>, Error> {
    let mut found = Vec::new();
    if let Some(organisation) = organisations::find_by_name(conn, &input.organisation.name)? {
        found.push(format!(
            "the organisation {} ({})",
            organisation.name,
            organisations::status_of(&organisation)
                .label()
                .to_lowercase()
        ));
    }
    if let Some(person) = crate::auth::store::find_by_email(conn, &input.contact.email)? {
        found.push(format!("the contact email of {}", person.name));
    }
    Ok((!found.is_empty()).then(|| found.join("; ")))
}

fn hold(conn: &mut DbConn, input: &ApplicationInput, matches: &str) -> Result<(), Error> {
    let id: i64 = diesel::insert_into(held_applications::table)
        .values((
            held_applications::organisation_name.eq(input.organisation.name.trim()),
            held_applications::contact_name.eq(input.contact.name.trim()),
            held_applications::contact_email
                .eq(crate::auth::store::normalise_email(&input.contact.email)),
            held_applications::motivation.eq(input.motivation.trim()),
            held_applications::matches.eq(matches),
            held_applications::submitted_at.eq(db::now()),
        ))
        .returning(held_applications::id)
        .get_result(conn)?;
    audit::record(
        conn,
        None,
        "application.held",
        Subject::new("held_application", id),
        json!({ "organisation": input.organisation.name.trim() }),
    )?;
    Ok(())
}

/// A public application held because it matched existing records.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = held_applications)]
pub struct HeldApplication {
    pub id: i64,
    pub organisation_name: String,
    pub contact_name: String,
    pub contact_email: String,
    pub motivation: String,
    pub matches: String,
    pub submitted_at: chrono::NaiveDateTime,
}

/// The held applications the secretariat has not yet dismissed, oldest first.
pub fn held(conn: &mut DbConn) -> Result<Vec<HeldApplication>, Error> {
    Ok(held_applications::table
        .filter(held_applications::dismissed_at.is_null())
        .order(held_applications::id)
        .select(HeldApplication::as_select())
        .load(conn)?)
}

/// The secretariat has dealt with a held application (answered it, or found it was noise).
pub fn dismiss_held(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<(), Error> {
    permissions::require(actor, Action::ManageMembership)?;
    db::write_tx(conn, |conn| {
        let changed = diesel::update(
            held_applications::table
                .find(id)
                .filter(held_applications::dismissed_at.is_null()),
        )
        .set((
            held_applications::dismissed_at.eq(Some(db::now())),
            held_applications::dismissed_by.eq(Some(actor.id())),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(Error::NotFound);
        }
        audit::record(
            conn,
            Some(actor.id()),
            "application.held_dismissed",
            Subject::new("held_application", id),
            json!({}),
        )
    })
}

pub fn get(conn: &mut DbConn, id: i64) -> Result<Application, Error> {
    Ok(applications::table
        .find(id)
        .select(Application::as_select())
        .first(conn)?)
}

/// An application with everything the secretariat needs to decide on it.
pub struct Dossier {
    pub application: Application,
    pub organisation: Organisation,
    pub contact: Person,
    pub answers: Vec<Answer>,
    pub sponsors: Vec<Organisation>,
}

pub fn dossier(conn: &mut DbConn, id: i64) -> Result<Dossier, Error> {
    let application = get(conn, id)?;
    let organisation = organisations::get(conn, application.organisation_id)?;
    let contact = crate::auth::store::find(conn, application.contact_person_id)?;
    let answers = application_answers::table
        .filter(application_answers::application_id.eq(id))
        .order(application_answers::id)
        .select(Answer::as_select())
        .load(conn)?;
    let sponsors = orgs::table
        .inner_join(application_sponsors::table)
        .filter(application_sponsors::application_id.eq(id))
        .select(Organisation::as_select())
        .load(conn)?;
    Ok(Dossier {
        application,
        organisation,
        contact,
        answers,
        sponsors,
    })
}

/// Applications still waiting for a decision, oldest first.
pub fn queue(conn: &mut DbConn) -> Result<Vec<(Application, Organisation, Person)>, Error> {
    Ok(applications::table
        .inner_join(orgs::table)
        .inner_join(people_table::table.on(people_table::id.eq(applications::contact_person_id)))
        .filter(applications::decision.is_null())
        .order(applications::submitted_at)
        .select((
            Application::as_select(),
            Organisation::as_select(),
            Person::as_select(),
        ))
        .load(conn)?)
}

/// What the secretariat decides on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    AdmitFull,
    AdmitAssociate,
    Decline,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "full" => Some(Decision::AdmitFull),
            "associate" => Some(Decision::AdmitAssociate),
            "declined" => Some(Decision::Decline),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Decision::AdmitFull => "full",
            Decision::AdmitAssociate => "associate",
            Decision::Decline => "declined",
        }
    }
}

/// Decides an application. Admission as a full member makes the contact person the primary
/// representative. Returns an invitation link for the contact when they are admitted.
pub fn decide(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    decision: Decision,
    reason: &str,
    effective_on: NaiveDate,
) -> Result<Option<crate::auth::model::Person>, Error> {
    permissions::require(actor, Action::ManageMembership)?;
    if reason.trim().is_empty() {
        return Err(Error::Invalid("give the reason for this decision".into()));
    }
    db::write_tx(conn, |conn| {
        let application = get(conn, id)?;
        // The conditional update is the guard: a second, racing decision finds nothing to do.
        let updated = diesel::update(applications::table.find(id))
            .filter(applications::decision.is_null())
            .set((
                applications::decision.eq(decision.as_str()),
                applications::decided_by.eq(actor.id()),
                applications::decided_at.eq(db::now()),
                applications::decision_reason.eq(reason.trim()),
            ))
            .execute(conn)?;
        if updated != 1 {
            return Err(Error::Conflict(
                "this application has already been decided".into(),
            ));
        }
        let (status, invite) = match decision {
            Decision::AdmitFull => (Status::Full, true),
            Decision::AdmitAssociate => (Status::Associate, true),
            Decision::Decline => (Status::Declined, false),
        };
        if status == Status::Full
            && organisations::primary_representative(conn, application.organisation_id)?.is_none()
        {
            diesel::update(crate::db::schema::affiliations::table.filter(
                crate::db::schema::affiliations::person_id.eq(application.contact_person_id),
            ))
            .set(crate::db::schema::affiliations::representation.eq("primary"))
            .execute(conn)?;
        }
        organisations::apply_status(
            conn,
            Some(actor.id()),
            application.organisation_id,
            status,
            effective_on,
            reason,
            true,
        )?;
        audit::record(
            conn,
            Some(actor.id()),
            "application.decided",
            Subject::new("application", id),
            json!({ "decision": decision.as_str(), "reason": reason.trim() }),
        )?;
        if invite {
            let contact = crate::auth::store::find(conn, application.contact_person_id)?;
            people::invite(conn, &contact)?;
            Ok(Some(contact))
        } else {
            Ok(None)
        }
    })
}
