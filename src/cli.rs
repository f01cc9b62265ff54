//! The command-line verbs other than `serve`: what an administrator runs on the server.

use std::io::BufRead;

use crate::AppState;
use crate::audit::{self, Verdict};
use crate::auth::store::{self, PersonDraft};
use crate::auth::tokens;
use crate::error::Error;

/// The password for `user add`: one line from standard input with `--password-stdin`,
/// otherwise a new random one that is printed once.
fn password_for(from_stdin: bool) -> Result<(String, bool), Error> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| {
            Error::Invalid(format!("cannot read the password from standard input: {e}"))
        })?;
        Ok((line.trim_end_matches(['\r', '\n']).to_owned(), false))
    } else {
        Ok((tokens::random_token(12), true))
    }
}

pub struct UserAdd {
    pub name: String,
    pub email: String,
    pub admin: bool,
    pub coalition_name: Option<String>,
    pub time_zone: String,
    pub password_stdin: bool,
}

/// Adds a person. On an empty database this is the first-run set-up: it names the coalition
/// and makes the person its first administrator.
pub fn user_add(state: &AppState, args: UserAdd) -> Result<(), Error> {
    let mut conn = state.pool.get()?;
    let (password, generated) = password_for(args.password_stdin)?;
    let draft = PersonDraft {
        name: &args.name,
        email: &args.email,
        password: Some(&password),
        is_admin: args.admin,
    };
    let person = if store::count(&mut conn)? == 0 {
        let name = args.coalition_name.as_deref().ok_or_else(|| {
            Error::Invalid("nobody exists yet: name the coalition with --coalition-name".into())
        })?;
        store::bootstrap(&mut conn, None, name, &args.time_zone, &draft)?
    } else {
        store::add_person_from_console(&mut conn, &draft)?
    };
    println!(
        "Added {} <{}>{}.",
        person.name,
        person.email,
        if person.is_admin {
            " as an administrator"
        } else {
            ""
        }
    );
    if generated {
        println!("Password: {password}");
    }
    println!("Sign in at {}/login", state.settings.base_url);
    Ok(())
}

pub fn token_create(state: &AppState, email: &str, label: &str) -> Result<(), Error> {
    let mut conn = state.pool.get()?;
    let person = store::find_by_email(&mut conn, email)?
        .filter(|p| p.active)
        .ok_or_else(|| Error::Invalid(format!("no active person has the email {email}")))?;
    let token = tokens::create_api_token(&mut conn, &person, label)?;
    println!("{token}");
    Ok(())
}

/// Prints a password-reset link for a person, on the console only.
pub fn user_reset(state: &AppState, email: &str) -> Result<(), Error> {
    let mut conn = state.pool.get()?;
    let (person, token) = store::issue_reset_link(&mut conn, email)?;
    println!(
        "A link for {} to choose a new password (it works once, for 2 hours):",
        person.name
    );
    println!("    {}/password/reset/{token}", state.settings.base_url);
    Ok(())
}

/// Walks the audit chain, and checks a witnessed head if given. A broken chain is an error,
/// so scripts see a non-zero exit.
pub fn audit_verify(state: &AppState, witness: Option<&str>) -> Result<(), Error> {
    let mut conn = state.pool.get()?;
    let verdict = match witness {
        Some(w) => {
            let (seq, hash) = w
                .split_once(':')
                .and_then(|(seq, hash)| {
                    Some((seq.trim().trim_start_matches('#').parse().ok()?, hash))
                })
                .ok_or_else(|| Error::Invalid(format!("{w:?} is not a witness: write SEQ:HASH")))?;
            audit::verify_witnessed(&mut conn, seq, hash)?
        }
        None => audit::verify(&mut conn)?,
    };
    match verdict {
        Verdict::Intact { events } => {
            println!("The audit record is intact: {events} events, each linked to the one before.");
            Ok(())
        }
        Verdict::Broken { event_id, reason } => Err(Error::Conflict(format!(
            "the audit record is broken at event #{event_id}: {reason}"
        ))),
    }
}

/// `roundtable backup --to FILE`.
pub fn backup(state: &AppState, to: &std::path::Path) -> Result<(), Error> {
    let mut conn = state.pool.get()?;
    let report = crate::care::backup::backup_to(&mut conn, to)?;
    println!(
        "Backed up {} rows of {} tables to {} and read them back: whole, and the audit record's {} events verify (head {}).",
        report.rows,
        report.tables,
        to.display(),
        report.audit_events,
        report.header.audit_head.as_deref().unwrap_or("none")
    );
    Ok(())
}

/// `roundtable complaints purge [--dry-run]`.
pub fn complaints_purge(state: &AppState, dry_run: bool) -> Result<(), Error> {
    let mut conn = state.pool.get()?;
    let references = crate::complaints::retention::purge(&mut conn, crate::db::now(), dry_run)?;
    let verb = if dry_run { "Would erase" } else { "Erased" };
    if references.is_empty() {
        println!("No closed complaint is past its retention period.");
    } else {
        println!(
            "{verb} the content of {} complaint(s) past the retention period: {}",
            references.len(),
            references.join(", ")
        );
    }
    Ok(())
}

/// `roundtable restore --from FILE`.
pub fn restore(state: &AppState, from: &std::path::Path) -> Result<(), Error> {
    let mut conn = state.pool.get()?;
    let report = crate::care::backup::restore_from(&mut conn, from)?;
    println!(
        "Restored {} rows of {} tables from {} (taken on {} UTC from {}); the audit record's {} events verify.",
        report.rows,
        report.tables,
        from.display(),
        report.header.created_at,
        report.header.backend,
        report.audit_events
    );
    Ok(())
}

/// Someone who holds the secretariat on `today` (its first holder's primary representative).
pub(crate) fn secretariat_actor(
    conn: &mut crate::db::DbConn,
    today: chrono::NaiveDate,
) -> Result<crate::auth::permissions::Actor, Error> {
    let (_, holders) =
        crate::secretariat::store::holders_on(conn, today)?.ok_or(Error::NotFound)?;
    let person_id = holders
        .iter()
        .find_map(|o| {
            crate::membership::organisations::primary_representative(conn, *o)
                .ok()
                .flatten()
        })
        .ok_or(Error::NotFound)?;
    let person = store::find(conn, person_id)?;
    crate::actor::actor_for(conn, person)
}

/// The example coalition, on an empty database.
/// The logins the demo prints: (role line, email, password).
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub role: String,
    pub email: String,
    pub password: String,
}

/// Builds the example coalition in an empty database and gives every kind of user a fresh
/// password: the secretariat's two holders, a member, the agency's representative and
/// authoriser, the administrator.
pub fn seed_demo(conn: &mut crate::db::DbConn) -> Result<Vec<DemoLogin>, Error> {
    if store::count(conn)? > 0 {
        return Err(Error::Conflict(
            "this database already holds a coalition; run the demo on a new one (for example ROUNDTABLE_DATA_DIR=./demo-data)".into(),
        ));
    }
    let password = tokens::random_token(12);
    let admin = PersonDraft {
        name: "Ada Administrator",
        email: "admin@demo.example",
        password: Some(&password),
        is_admin: true,
    };
    let person = store::bootstrap(
        conn,
        None,
        "Alliance against Forced Labour",
        "Europe/Brussels",
        &admin,
    )?;
    let actor = crate::actor::actor_for(conn, person)?;
    let today = crate::coalition::today(conn)?;
    let member_password = tokens::random_token(12);
    crate::membership::demo::seed(conn, &actor, today, &member_password)?;
    crate::meetings::demo::seed(conn, &actor, today)?;
    crate::statements::demo::seed(conn, &actor, today)?;
    // The rotation started two years ago; from now on the secretariat holds the power.
    let first_term =
        chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today) - 2, 1, 1).unwrap_or(today);
    crate::secretariat::store::start_rotation(conn, &actor, first_term, today)?;
    // What the demo's history queued (invitations of 2024, agendas long past) was "sent" back
    // then; a first `serve` with SMTP must not mail it to the made-up addresses now.
    let secretariat = secretariat_actor(conn, today)?;
    let panel_member = crate::complaints::demo::seed(conn, &secretariat, today)?;
    let evaluator = crate::evaluations::demo::seed(conn, &secretariat, today)?;
    crate::mail::outbox::mark_all_sent(conn, "demo history")?;
    let mut logins = Vec::new();
    if let Some((_, holders)) = crate::secretariat::store::holders_on(conn, today)? {
        for organisation in holders {
            if let Some(person_id) =
                crate::membership::organisations::primary_representative(conn, organisation)?
            {
                let password = tokens::random_token(12);
                crate::db::write_tx(conn, |c| store::set_password(c, person_id, &password))?;
                let person = store::find(conn, person_id)?;
                let organisation = crate::membership::organisations::get(conn, organisation)?;
                logins.push(DemoLogin {
                    role: format!(
                        "as the secretariat ({}, holding the current term)",
                        organisation.name
                    ),
                    email: person.email,
                    password,
                });
            }
        }
    }
    logins.push(DemoLogin {
        role: "as a member (the Legal Aid Network's representative)".into(),
        email: crate::membership::demo::MEMBER_EMAIL.into(),
        password: member_password,
    });
    // The agency's representative and authoriser, to try the authorisation of a statement.
    for (role, email) in [
        (
            "representative",
            crate::statements::demo::MINISTRY_REPRESENTATIVE,
        ),
        ("authoriser", crate::statements::demo::MINISTRY_AUTHORISER),
    ] {
        if let Some(person) = store::find_by_email(conn, email)? {
            let password = tokens::random_token(12);
            crate::db::write_tx(conn, |c| store::set_password(c, person.id, &password))?;
            logins.push(DemoLogin {
                role: format!(
                    "as the National Anti-Trafficking Agency's {role} (statements awaiting authorisation)"
                ),
                email: person.email,
                password,
            });
        }
    }
    {
        let password = tokens::random_token(12);
        let person = store::find_by_email(conn, &panel_member)?.ok_or(Error::NotFound)?;
        crate::db::write_tx(conn, |c| store::set_password(c, person.id, &password))?;
        logins.push(DemoLogin {
            role: "as a member of a complaints panel (complaints C-... on the Complaints page)"
                .into(),
            email: person.email,
            password,
        });
    }
    {
        let password = tokens::random_token(12);
        let person = store::find_by_email(conn, evaluator)?.ok_or(Error::NotFound)?;
        crate::db::write_tx(conn, |c| store::set_password(c, person.id, &password))?;
        logins.push(DemoLogin {
            role: "as the external evaluator of this year's review (Evaluations)".into(),
            email: person.email,
            password,
        });
    }
    logins.push(DemoLogin {
        role: "as the administrator (install and configuration)".into(),
        email: "admin@demo.example".into(),
        password,
    });
    Ok(logins)
}

/// Brings data written by an earlier release to today's shape, before anything is served:
/// minutes whose confidential sections were marked only by a heading get them moved into
/// their confidential part (read first; nothing is written when nothing needs it).
pub fn upgrade_data(state: &AppState) -> Result<(), Error> {
    let mut conn = state.pool.get()?;
    let moved = crate::meetings::minutes::separate_marked_sections(&mut conn)?;
    if moved > 0 {
        tracing::info!(
            minutes = moved,
            "confidential sections moved into their own part"
        );
    }
    Ok(())
}

pub fn demo(state: &AppState, large: bool) -> Result<(), Error> {
    let mut conn = state.pool.get()?;
    let logins = if large {
        let started = std::time::Instant::now();
        let logins = crate::scale::seed(&mut conn, crate::scale::LARGE, false)?;
        println!(
            "The large coalition was built in {:.0} s.",
            started.elapsed().as_secs_f64()
        );
        logins
    } else {
        seed_demo(&mut conn)?
    };
    println!("The demo coalition \"Alliance against Forced Labour\" is ready.");
    println!("Sign in at {}/login", state.settings.base_url);
    for login in &logins {
        println!("  {}:", login.role);
        println!("    email:    {}", login.email);
        println!("    password: {}", login.password);
    }
    Ok(())
}
