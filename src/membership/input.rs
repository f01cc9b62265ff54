//! What is sent about organisations, people and working groups, from the pages or the JSON
//! API: the same fields, the same rules, parsed once (see `crate::fields`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use super::groups::GroupInput;
use super::organisations::OrganisationInput;
use super::people::PersonInput;
use super::rules::Status;
use crate::error::Error;
use crate::fields::{Problems, text, ticked};

fn optional_email(value: &str) -> Result<(), ValidationError> {
    let value = value.trim();
    if value.is_empty() || validator::ValidateEmail::validate_email(&value) {
        Ok(())
    } else {
        Err(ValidationError::new("email")
            .with_message("enter a valid email address or leave it empty".into()))
    }
}

/// An organisation: its details and, when it is recorded, its first status and primary
/// representative.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate)]
pub struct OrganisationFields {
    #[serde(default, deserialize_with = "text")]
    #[validate(length(min = 1, max = 200, message = "give the organisation's name"))]
    pub name: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = 50, message = "keep the short name under 50 characters"))]
    pub short_name: String,
    #[serde(default, deserialize_with = "text")]
    pub sector_id: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = 200, message = "keep the region under 200 characters"))]
    pub region: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = 1000, message = "keep the address under 1,000 characters"))]
    pub address: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = crate::clean::max::LINE, message = "keep the website under 1,000 characters"))]
    pub website: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(custom(function = "optional_email"))]
    pub email: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = 50, message = "keep the telephone number under 50 characters"))]
    pub phone: String,
    /// "yes", "no" or empty (as its side usually does); JSON may say true or false.
    #[serde(default, deserialize_with = "text")]
    pub needs_authorisation: String,
    #[serde(default, deserialize_with = "text")]
    pub offers_venue: String,
    #[serde(default, deserialize_with = "text")]
    pub fee_tier: String,
    // Only when the organisation is recorded:
    #[serde(default, deserialize_with = "text")]
    pub status: String,
    #[serde(default, deserialize_with = "text")]
    pub effective_on: String,
    #[serde(default, deserialize_with = "text")]
    pub reason: String,
    #[serde(default, deserialize_with = "text")]
    pub primary_name: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(custom(function = "optional_email"))]
    pub primary_email: String,
}

/// A new organisation, understood.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub details: OrganisationInput,
    pub status: Status,
    pub effective_on: NaiveDate,
    pub reason: String,
    pub primary: Option<PersonInput>,
}

impl OrganisationFields {
    /// The details alone (a change to a recorded organisation).
    pub fn details(&self) -> Result<OrganisationInput, Error> {
        let mut p = Problems::of(self);
        let details = self.details_in(&mut p);
        p.finish(details)
    }

    /// A new organisation with its first status and, if named, its primary representative.
    pub fn new_organisation(&self) -> Result<NewOrganisation, Error> {
        let mut p = Problems::of(self);
        let details = self.details_in(&mut p);
        let status = p.need(
            "status",
            Status::parse(self.status.trim()),
            "choose the status",
        );
        let effective_on = p.date("effective_on", &self.effective_on, "with effect from");
        let named = !self.primary_name.trim().is_empty() || !self.primary_email.trim().is_empty();
        // Everything the service would refuse about the representative, said at once with
        // the other fields' problems rather than on the next submit.
        if status == Some(Status::Full) && !named {
            p.add(
                "primary_name",
                "a full member needs its primary representative: give their name and email",
            );
        }
        if named && self.primary_name.trim().is_empty() {
            p.add("primary_name", "give the representative's name");
        }
        if named && !validator::ValidateEmail::validate_email(&self.primary_email.trim()) {
            p.add("primary_email", "give the representative's email address");
        }
        let primary = named.then(|| PersonInput {
            name: self.primary_name.clone(),
            email: self.primary_email.clone(),
            ..PersonInput::default()
        });
        let new = match (details, status, effective_on) {
            (Some(details), Some(status), Some(effective_on)) => Some(NewOrganisation {
                details,
                status,
                effective_on,
                reason: self.reason.clone(),
                primary,
            }),
            _ => None,
        };
        p.finish(new)
    }

    fn details_in(&self, p: &mut Problems) -> Option<OrganisationInput> {
        let sector = p.optional_id("sector_id", &self.sector_id, "choose a sector");
        if self.sector_id.trim().is_empty() {
            p.add("sector_id", "choose a sector");
        }
        let needs_authorisation = match self.needs_authorisation.trim() {
            "yes" | "true" => Some(true),
            "no" | "false" => Some(false),
            _ => None,
        };
        sector.map(|sector_id| OrganisationInput {
            name: self.name.clone(),
            short_name: self.short_name.clone(),
            sector_id,
            region: self.region.clone(),
            address: self.address.clone(),
            website: self.website.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            needs_authorisation,
            offers_venue: ticked(&self.offers_venue),
            fee_tier: Some(self.fee_tier.trim().to_owned()).filter(|t| !t.is_empty()),
        })
    }
}

/// A membership decision: the new status, from when, and why.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate)]
pub struct StatusFields {
    #[serde(default, deserialize_with = "text")]
    pub status: String,
    #[serde(default, deserialize_with = "text")]
    pub effective_on: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = crate::clean::max::NOTE, message = "keep the reason under 5,000 characters"))]
    pub reason: String,
}

impl StatusFields {
    pub fn parse(&self) -> Result<(Status, NaiveDate, String), Error> {
        let mut p = Problems::of(self);
        let status = p.need(
            "status",
            Status::parse(self.status.trim()),
            "choose the new status",
        );
        let date = p.date("effective_on", &self.effective_on, "with effect from");
        let decision = status
            .zip(date)
            .map(|(status, date)| (status, date, self.reason.clone()));
        p.finish(decision)
    }
}

/// A person the secretariat adds to an organisation.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate)]
pub struct PersonFields {
    #[serde(default, deserialize_with = "text")]
    #[validate(length(min = 1, max = 200, message = "give the person's name"))]
    pub name: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(email(message = "enter a valid email address"))]
    pub email: String,
    /// "", "alternate" or "primary".
    #[serde(default, deserialize_with = "text")]
    pub representation: String,
    #[serde(default, deserialize_with = "text")]
    pub is_authoriser: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = 200, message = "keep the position under 200 characters"))]
    pub job_title: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = 50, message = "keep the telephone number under 50 characters"))]
    pub phone: String,
}

impl PersonFields {
    pub fn parse(&self) -> Result<PersonInput, Error> {
        let p = Problems::of(self);
        let representation =
            Some(self.representation.trim().to_owned()).filter(|r| !r.is_empty() && r != "none");
        p.finish(Some(PersonInput {
            name: self.name.trim().to_owned(),
            email: self.email.trim().to_owned(),
            representation,
            is_authoriser: ticked(&self.is_authoriser),
            job_title: self.job_title.clone(),
            phone: self.phone.clone(),
        }))
    }
}

/// A working group: its name, mandate and convenor, and when it starts (when created).
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate)]
pub struct GroupFields {
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = 5000, message = "keep the mandate under 5,000 characters"))]
    pub mandate: String,
    #[serde(default, deserialize_with = "text")]
    pub convenor_id: String,
    #[serde(default, deserialize_with = "text")]
    pub started_on: String,
}

impl GroupFields {
    /// The group's name, mandate and convenor (a change to an existing group).
    pub fn parse(&self) -> Result<GroupInput, Error> {
        let mut p = Problems::of(self);
        let group = self.group_in(&mut p);
        p.finish(Some(group))
    }

    /// A new group and the day it starts.
    pub fn new_group(&self) -> Result<(GroupInput, NaiveDate), Error> {
        let mut p = Problems::of(self);
        let group = self.group_in(&mut p);
        let started = p.date("started_on", &self.started_on, "started on");
        p.finish(started.map(|day| (group, day)))
    }

    fn group_in(&self, p: &mut Problems) -> GroupInput {
        let convenor_id = p.optional_id(
            "convenor_id",
            &self.convenor_id,
            "choose a convenor from the list",
        );
        GroupInput {
            name: self.name.clone(),
            mandate: self.mandate.clone(),
            convenor_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organisation_from_json_reads_like_one_from_the_form() {
        let json: OrganisationFields = serde_json::from_str(
            r#"{"name": "Ministry of Labour", "sector_id": 3, "needs_authorisation": true,
                "offers_venue": false, "status": "associate", "effective_on": "2026-01-01"}"#,
        )
        .expect("json");
        let new = json.new_organisation().expect("an organisation");
        assert_eq!(new.details.sector_id, 3);
        assert_eq!(new.details.needs_authorisation, Some(true));
        assert!(!new.details.offers_venue);
        assert!(new.primary.is_none());
        // A full member comes with its primary representative.
        let full = OrganisationFields {
            status: "full".into(),
            ..json
        };
        match full.new_organisation() {
            Err(Error::InvalidFields(f)) => assert!(f.contains_key("primary_name"), "{f:?}"),
            other => panic!("expected the representative asked for, got {other:?}"),
        }

        let refused = OrganisationFields {
            name: String::new(),
            sector_id: "ministries".into(),
            email: "not an address".into(),
            status: "friend".into(),
            effective_on: "soon".into(),
            ..OrganisationFields::default()
        };
        match refused.new_organisation() {
            Err(Error::InvalidFields(f)) => assert_eq!(
                f.keys().collect::<Vec<_>>(),
                ["effective_on", "email", "name", "sector_id", "status"]
            ),
            other => panic!("expected field errors, got {other:?}"),
        }
    }
}
