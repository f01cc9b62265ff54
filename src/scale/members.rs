//! The large coalition's members: organisations in every sector, each with its primary
//! representative, an alternate, an authoriser where its side needs one, and staff; and
//! more working groups, each with its members.

use chrono::{Months, NaiveDate};

use super::{Progress, Size};
use crate::auth::permissions::Actor;
use crate::db::DbConn;
use crate::error::Error;
use crate::membership::groups::{self, GroupInput};
use crate::membership::organisations::{self, OrganisationInput};
use crate::membership::people::{self, PersonInput};
use crate::membership::rules::Status;

const TOWNS: [&str; 30] = [
    "Aldbrook",
    "Bramford",
    "Calder",
    "Dunmere",
    "Eastwick",
    "Fairholm",
    "Glenrock",
    "Harwood",
    "Ivybridge",
    "Kestrel",
    "Lindale",
    "Marlow",
    "Northam",
    "Oakridge",
    "Pembury",
    "Queensford",
    "Redcliff",
    "Stonehaven",
    "Thornbury",
    "Upfield",
    "Valewood",
    "Westmere",
    "Yarrow",
    "Ashcombe",
    "Birchley",
    "Coldharbour",
    "Deepdale",
    "Elmstead",
    "Foxley",
    "Greystone",
];

const GROUPS: [(&str, &str); 8] = [
    (
        "Data and research",
        "Shared indicators and the yearly situation report.",
    ),
    (
        "Legal aid and compensation",
        "Access to legal aid and to compensation for survivors.",
    ),
    (
        "Supply chains",
        "Due diligence in public procurement and business supply chains.",
    ),
    (
        "Regional coordination",
        "Referral between the regions' round tables.",
    ),
    ("Training", "Training for front-line staff of every member."),
    (
        "Health care",
        "Identification of victims in hospitals and clinics.",
    ),
    (
        "Agriculture",
        "Seasonal work, housing and recruitment in agriculture.",
    ),
    ("Care work", "Live-in care and domestic work."),
];

pub fn grow(
    conn: &mut DbConn,
    actor: &Actor,
    today: NaiveDate,
    size: Size,
    quiet: bool,
) -> Result<(), Error> {
    let sectors = organisations::sectors(conn)?;
    let existing: i64 = {
        use crate::db::schema::organisations as o;
        use diesel::prelude::*;
        o::table
            .filter(o::status.eq_any(["full", "associate"]))
            .count()
            .get_result(conn)?
    };
    let existing = usize::try_from(existing).unwrap_or(0);
    let new = size.organisations.saturating_sub(existing);
    let first_day = today
        .checked_sub_months(Months::new(12 * size.years as u32))
        .unwrap_or(today);
    let mut progress = Progress::new("organisations", new, quiet);
    let mut ids = Vec::with_capacity(new);
    for i in 0..new {
        let sector = &sectors[i % sectors.len()];
        let town = TOWNS[(i / sectors.len()) % TOWNS.len()];
        let slug = format!("m{i:03}");
        let input = OrganisationInput {
            name: format!(
                "{town} {} {}",
                sector.name,
                i / (sectors.len() * TOWNS.len()) + 1
            ),
            short_name: slug.to_uppercase(),
            sector_id: sector.id,
            region: format!("{town} region"),
            address: format!("{} Station Road, {town}", 1 + i % 90),
            website: format!("https://{slug}.example"),
            email: format!("office@{slug}.example"),
            phone: String::new(),
            needs_authorisation: None,
            offers_venue: i % 25 == 0,
            fee_tier: None,
        };
        // Members joined over the years, the first ones at the start.
        let joined = first_day
            .checked_add_months(Months::new(
                (i * 12 * size.years as usize / new.max(1)) as u32,
            ))
            .unwrap_or(first_day)
            .min(today);
        let person = |k: usize, representation: Option<&str>, authoriser: bool| PersonInput {
            name: format!("Person {k} of {}", slug.to_uppercase()),
            email: format!("p{k}@{slug}.example"),
            representation: representation.map(str::to_owned),
            is_authoriser: authoriser,
            job_title: String::new(),
            phone: String::new(),
        };
        let (o, _) = organisations::create(
            conn,
            actor,
            &input,
            Status::Full,
            joined,
            "member of the large demo",
            Some(&person(1, None, false)),
        )?;
        let governmental = sector.side == "governmental";
        for k in 2..=size.people_per_organisation {
            let p = match k {
                2 => person(k, Some("alternate"), false),
                3 if governmental => person(k, None, true),
                _ => person(k, None, false),
            };
            people::add_to_organisation(conn, actor, o.id, &p)?;
        }
        ids.push(o.id);
        progress.step();
    }
    progress.finish();
    let groups = &GROUPS[..size.working_groups.min(GROUPS.len())];
    let mut progress = Progress::new("working groups", groups.len(), quiet);
    for (n, (name, mandate)) in groups.iter().enumerate() {
        let members: Vec<i64> = ids
            .iter()
            .skip(n)
            .step_by(ids.len() / 8 + 1)
            .copied()
            .collect();
        let convenor = match members.first() {
            Some(o) => organisations::primary_representative(conn, *o)?,
            None => None,
        };
        let input = GroupInput {
            name: (*name).into(),
            mandate: (*mandate).into(),
            convenor_id: convenor,
        };
        let g = groups::create(conn, actor, &input, first_day)?;
        for o in members {
            groups::add_member(conn, actor, g.id, o, first_day)?;
        }
        progress.step();
    }
    progress.finish();
    Ok(())
}
