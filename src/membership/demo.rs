//! The membership part of `roundtable demo`: a realistic coalition against trafficking for
//! forced labour, built through the same services the pages use.

use chrono::{Datelike, Months, NaiveDate};

use super::admission::{self, AnswerInput, ApplicationInput};
use super::organisations::{self, OrganisationInput};
use super::people::{self, PersonInput};
use super::rules::Status;
use super::{fees, groups, mou};
use crate::auth::permissions::Actor;
use crate::coalition;
use crate::db::DbConn;
use crate::error::Error;

struct DemoOrg {
    name: &'static str,
    short: &'static str,
    sector: &'static str,
    status: Status,
    tier: &'static str,
    venue: bool,
    /// (name, email, role): role is "primary", "alternate" or "authoriser".
    people: &'static [(&'static str, &'static str, &'static str)],
}

const ORGANISATIONS: &[DemoOrg] = &[
    DemoOrg {
        name: "City Council of Rivertown",
        short: "Council",
        sector: "Local authority",
        status: Status::Full,
        tier: "governmental",
        venue: true,
        people: &[
            ("Hanna Berger", "h.berger@rivertown.example", "primary"),
            ("Paul Weiss", "p.weiss@rivertown.example", "alternate"),
            (
                "Dr. Ilse Brandt",
                "i.brandt@rivertown.example",
                "authoriser",
            ),
        ],
    },
    DemoOrg {
        name: "National Police, Anti-Trafficking Unit",
        short: "Police ATU",
        sector: "Police",
        status: Status::Full,
        tier: "governmental",
        venue: false,
        people: &[
            (
                "Chief Insp. Marko Novak",
                "m.novak@police.example",
                "primary",
            ),
            ("Insp. Lea Horvat", "l.horvat@police.example", "alternate"),
            ("Supt. Jana Kovac", "j.kovac@police.example", "authoriser"),
        ],
    },
    DemoOrg {
        name: "Labour Inspectorate",
        short: "LI",
        sector: "Labour inspectorate",
        status: Status::Full,
        tier: "governmental",
        venue: true,
        people: &[
            (
                "Stefan Ionescu",
                "s.ionescu@labour-inspection.example",
                "primary",
            ),
            (
                "Ana Popescu",
                "a.popescu@labour-inspection.example",
                "alternate",
            ),
            (
                "Mihai Dumitru",
                "m.dumitru@labour-inspection.example",
                "authoriser",
            ),
        ],
    },
    DemoOrg {
        name: "Intergovernmental Migration Office, country mission",
        short: "IMO",
        sector: "Intergovernmental body",
        status: Status::Full,
        tier: "governmental",
        venue: true,
        people: &[
            (
                "Sofia Papadopoulou",
                "s.papadopoulou@imo.example",
                "primary",
            ),
            ("Nikos Georgiou", "n.georgiou@imo.example", "authoriser"),
        ],
    },
    DemoOrg {
        name: "University Human Rights Centre",
        short: "UHRC",
        sector: "Academia",
        status: Status::Full,
        tier: "standard",
        venue: true,
        people: &[
            ("Prof. Amara Okafor", "a.okafor@uni.example", "primary"),
            ("Dr. Tomas Lind", "t.lind@uni.example", "alternate"),
        ],
    },
    DemoOrg {
        name: "Migrant Rights Centre",
        short: "MRC",
        sector: "Migrant or self-organised group",
        status: Status::Full,
        tier: "small",
        venue: false,
        people: &[
            ("Maria Santos", "maria@migrantrights.example", "primary"),
            ("Yusuf Demir", "yusuf@migrantrights.example", "alternate"),
        ],
    },
    DemoOrg {
        name: "General Workers' Union",
        short: "GWU",
        sector: "Trade union",
        status: Status::Full,
        tier: "standard",
        venue: true,
        people: &[
            ("Jakob Müller", "j.mueller@gwu.example", "primary"),
            ("Eva Schmid", "e.schmid@gwu.example", "alternate"),
            ("Karl Huber", "k.huber@gwu.example", "authoriser"),
        ],
    },
    DemoOrg {
        name: "Church Social Service",
        short: "CSS",
        sector: "Faith-based organisation",
        status: Status::Full,
        tier: "small",
        venue: true,
        people: &[
            (
                "Sr. Teresa Wójcik",
                "t.wojcik@churchsocial.example",
                "primary",
            ),
            (
                "Piotr Zielinski",
                "p.zielinski@churchsocial.example",
                "alternate",
            ),
        ],
    },
    DemoOrg {
        name: "Legal Aid Network",
        short: "LAN",
        sector: "NGO",
        status: Status::Full,
        tier: "small",
        venue: false,
        people: &[
            ("Claire Dubois", "c.dubois@legalaid.example", "primary"),
            ("Hugo Martin", "h.martin@legalaid.example", "alternate"),
        ],
    },
    DemoOrg {
        name: "Employers' Association for Fair Recruitment",
        short: "EAFR",
        sector: "Business association",
        status: Status::Full,
        tier: "standard",
        venue: true,
        people: &[
            ("Oliver Grant", "o.grant@employers.example", "primary"),
            ("Emma Clarke", "e.clarke@employers.example", "authoriser"),
        ],
    },
    DemoOrg {
        name: "Safe House Shelter",
        short: "SHS",
        sector: "NGO",
        status: Status::Full,
        tier: "small",
        venue: false,
        people: &[
            ("Ayesha Rahman", "a.rahman@safehouse.example", "primary"),
            ("Lina Haddad", "l.haddad@safehouse.example", "alternate"),
        ],
    },
    DemoOrg {
        name: "National Anti-Trafficking Agency",
        short: "NATA",
        sector: "Anti-trafficking agency",
        status: Status::Full,
        tier: "governmental",
        venue: true,
        people: &[
            ("Dr. Viktor Petrov", "v.petrov@nata.example", "primary"),
            ("Elena Ivanova", "e.ivanova@nata.example", "alternate"),
            (
                "Director Boris Sokolov",
                "b.sokolov@nata.example",
                "authoriser",
            ),
        ],
    },
    DemoOrg {
        name: "Public Prosecutor's Office",
        short: "PPO",
        sector: "Prosecution and judiciary",
        status: Status::Associate,
        tier: "governmental",
        venue: false,
        people: &[(
            "Prosecutor Ines Ferreira",
            "i.ferreira@prosecution.example",
            "primary",
        )],
    },
    DemoOrg {
        name: "Investigative Journalists Network",
        short: "IJN",
        sector: "Media",
        status: Status::Associate,
        tier: "small",
        venue: false,
        people: &[("Sam Okonkwo", "s.okonkwo@ijn.example", "primary")],
    },
];

/// Who can try the demo as a member (not the secretariat).
pub const MEMBER_EMAIL: &str = "c.dubois@legalaid.example";

const MEMORANDUM: &str = "## Purpose\n\nThe members cooperate to prevent trafficking for forced labour, to identify and protect \
victims, and to hold perpetrators to account.\n\n## Principles\n\n1. Participation is institutional: each member acts \
through the people it designates.\n2. Every joint statement is approved by each signing member, with its internal \
authorisation where required.\n3. Information shared in confidence stays with those who need it.\n\n## Secretariat\n\nThe \
secretariat rotates yearly, held jointly by one civil-society and one governmental member.\n";

/// Builds the coalition's membership. Returns the member whose password the demo prints.
pub fn seed(
    conn: &mut DbConn,
    admin: &Actor,
    today: NaiveDate,
    member_password: &str,
) -> Result<(), Error> {
    let founded = today.checked_sub_months(Months::new(36)).unwrap_or(today);
    coalition::set_options(
        conn,
        admin,
        coalition::Options {
            publish_member_list: true,
            public_applications: true,
            fees_enabled: true,
            publish_statements: true,
        },
    )?;
    let sectors = organisations::sectors(conn)?;
    let mut ids = Vec::new();
    for (i, org) in ORGANISATIONS.iter().enumerate() {
        let sector = sectors
            .iter()
            .find(|s| s.name == org.sector)
            .ok_or_else(|| Error::Internal(format!("demo sector {} missing", org.sector)))?;
        let input = OrganisationInput {
            name: org.name.into(),
            short_name: org.short.into(),
            sector_id: sector.id,
            region: "Rivertown region".into(),
            address: format!("{} Main Street, Rivertown", 10 + i * 7),
            website: format!(
                "https://{}.example",
                org.short.to_lowercase().replace(' ', "-")
            ),
            email: format!(
                "office@{}.example",
                org.short.to_lowercase().replace(' ', "-")
            ),
            phone: format!("+43 1 555 01{i:02}"),
            needs_authorisation: None,
            offers_venue: org.venue,
            fee_tier: Some(org.tier.into()),
        };
        // Founding members joined over the first months; the primary representative first.
        let joined = founded
            .checked_add_months(Months::new((i / 4) as u32))
            .unwrap_or(founded);
        let (primary_name, primary_email, _) = org.people[0];
        let primary = PersonInput {
            name: primary_name.into(),
            email: primary_email.into(),
            ..PersonInput::default()
        };
        let (o, _) = organisations::create(
            conn,
            admin,
            &input,
            org.status,
            joined,
            "founding member",
            Some(&primary),
        )?;
        for (name, email, role) in &org.people[1..] {
            let person = PersonInput {
                name: (*name).into(),
                email: (*email).into(),
                representation: (*role == "alternate").then(|| "alternate".to_owned()),
                is_authoriser: *role == "authoriser",
                job_title: if *role == "authoriser" {
                    "Head of unit".into()
                } else {
                    String::new()
                },
                phone: String::new(),
            };
            people::add_to_organisation(conn, admin, o.id, &person)?;
        }
        ids.push(o.id);
    }
    // One member can sign in to try the pages as a member.
    let member = crate::auth::store::find_by_email(conn, MEMBER_EMAIL)?.ok_or(Error::NotFound)?;
    crate::db::write_tx(conn, |conn| {
        crate::auth::store::set_password(conn, member.id, member_password)
    })?;

    // Working groups, convened by members' representatives.
    let convenor = |conn: &mut DbConn, email: &str| -> Result<Option<i64>, Error> {
        Ok(crate::auth::store::find_by_email(conn, email)?.map(|p| p.id))
    };
    let plan: [(&str, &str, &str, &[usize]); 3] = [
        (
            "Identification and referral",
            "Common indicators, the referral pathway from first contact to shelter and legal aid, and training for front-line staff.",
            "a.rahman@safehouse.example",
            &[1, 5, 8, 10, 11],
        ),
        (
            "Labour inspection and outreach",
            "Joint inspections in high-risk sectors (agriculture, construction, care), outreach to workers in their languages.",
            "s.ionescu@labour-inspection.example",
            &[2, 5, 6, 9],
        ),
        (
            "Awareness campaigns",
            "The coalition's public campaigns and its statements to the press.",
            "a.okafor@uni.example",
            &[0, 4, 7, 13],
        ),
    ];
    for (name, mandate, convenor_email, members) in plan {
        let input = groups::GroupInput {
            name: name.into(),
            mandate: mandate.into(),
            convenor_id: convenor(conn, convenor_email)?,
        };
        let g = groups::create(
            conn,
            admin,
            &input,
            founded
                .checked_add_months(Months::new(6))
                .unwrap_or(founded),
        )?;
        for &m in members {
            groups::add_member(
                conn,
                admin,
                g.id,
                ids[m],
                founded
                    .checked_add_months(Months::new(6))
                    .unwrap_or(founded),
            )?;
            if let Some(primary) = organisations::primary_representative(conn, ids[m])? {
                groups::nominate(conn, admin, g.id, primary)?;
            }
        }
    }

    // The memorandum, signed by most members.
    let v = mou::adopt(
        conn,
        admin,
        "Memorandum of understanding",
        MEMORANDUM,
        founded,
    )?;
    for (i, id) in ids.iter().enumerate() {
        if [3usize, 9, 13].contains(&i) {
            continue;
        }
        let signer = ORGANISATIONS[i].people[0].0;
        let signed_on = founded
            .checked_add_months(Months::new((i / 4) as u32))
            .unwrap_or(founded);
        mou::sign(
            conn,
            admin,
            v.id,
            *id,
            signer,
            signed_on,
            &format!("MoU/{}/{:02}", founded.year(), i + 1),
        )?;
    }

    // Admission criteria and one application waiting for a decision.
    let criteria = [
        "We work against trafficking in human beings or for the rights of those affected.",
        "We accept the memorandum of understanding and the coalition's confidentiality rules.",
        "We will designate a representative and an alternate who attend the plenaries.",
    ];
    let mut criterion_ids = Vec::new();
    for text in criteria {
        criterion_ids.push(admission::add_criterion(conn, admin, text)?.id);
    }
    let ngo = sectors
        .iter()
        .find(|s| s.name == "Migrant or self-organised group")
        .ok_or(Error::NotFound)?;
    admission::submit(
        conn,
        Some(admin),
        &ApplicationInput {
            organisation: OrganisationInput {
                name: "Domestic Workers' Collective".into(),
                short_name: "DWC".into(),
                sector_id: ngo.id,
                region: "Rivertown region".into(),
                ..OrganisationInput::default()
            },
            contact: PersonInput { name: "Rosa Lima".into(), email: "rosa@dwc.example".into(), ..PersonInput::default() },
            motivation: "We organise live-in domestic workers, many of them recruited abroad through agencies charging illegal fees.".into(),
            answers: criterion_ids.iter().map(|id| AnswerInput { criterion_id: *id, attested: true, comment: String::new() }).collect(),
            sponsor_ids: vec![ids[5], ids[6]],
        },
        today,
    )?;

    // Fees for this year: governmental members waived.
    let year = today.year();
    for (tier, cents) in [("standard", 25_000), ("small", 5_000), ("governmental", 0)] {
        fees::set_tier(conn, admin, year, tier, cents, "EUR")?;
    }
    fees::generate_ledger(conn, admin, year)?;
    let ledger = fees::ledger_for_year(conn, year)?;
    for (entry, _) in ledger.iter().filter(|(e, _)| e.status == "due").take(3) {
        fees::record_payment(
            conn,
            admin,
            entry.id,
            today.with_day(1).unwrap_or(today),
            "bank transfer",
        )?;
    }
    Ok(())
}
