//! The panel's composition through the services: the parties never sit, the sides are
//! balanced, the secretariat's holders do not sit when it is a party, a standing committee
//! replaces the per-case panel, a member who declines is replaced by someone else, and
//! only the secretariat appoints.

use std::collections::HashSet;

use roundtable::complaints::store::{self, ComplaintInput, SettingsInput};
use roundtable::complaints::{panel, steps};
use roundtable::error::Error;
use roundtable::membership::rules::Side;

use super::{coalition, file_against, today};
use crate::common::TestApp;
use crate::on_each_backend;

fn default_settings() -> SettingsInput {
    SettingsInput {
        panel_size: 3,
        acknowledge_days: 5,
        assess_days: 15,
        dialogue_days: 40,
        answer_days: 10,
        close_days: 10,
        reminder_days: 2,
        retention_years: 5,
        standing_committee: false,
        committee: Vec::new(),
    }
}

#[actix_web::test]
async fn the_proposed_panel_is_balanced_and_free_of_the_parties() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let co = coalition(&app);
        let day = today(&app);
        let (beta, gamma) = (&co.fx.full[1], &co.fx.full[2]);
        let c = file_against(&app, beta, gamma);
        let proposal = app
            .with_conn(|conn| panel::proposal(conn, co.admin(), c.id, day))
            .expect("proposal");
        assert_eq!(proposal.len(), 3);
        let orgs: HashSet<i64> = proposal
            .iter()
            .map(|p| p.candidate.organisation_id)
            .collect();
        assert_eq!(orgs.len(), 3);
        assert!(!orgs.contains(&beta.id) && !orgs.contains(&gamma.id));
        let governmental = proposal
            .iter()
            .filter(|p| p.candidate.side == Side::Governmental)
            .count();
        assert!(
            (1..=2).contains(&governmental),
            "balanced: {governmental} governmental of 3"
        );

        // A person of a party cannot be appointed, even by hand.
        let refused =
            app.with_conn(|conn| panel::appoint(conn, co.admin(), c.id, &[gamma.rep.id()], day));
        assert!(
            matches!(refused, Err(Error::InvalidFields(_))),
            "{refused:?}"
        );
        // Only the secretariat appoints.
        let ids: Vec<i64> = proposal.iter().map(|p| p.candidate.person_id).collect();
        let by_member = app.with_conn(|conn| panel::appoint(conn, &beta.rep, c.id, &ids, day));
        assert!(matches!(by_member, Err(Error::NotFor(_))), "{by_member:?}");
        app.with_conn(|conn| panel::appoint(conn, co.admin(), c.id, &ids, day))
            .expect("appointed");
        // Full: nobody more.
        let more =
            app.with_conn(|conn| panel::appoint(conn, co.admin(), c.id, &[co.eta.rep.id()], day));
        assert!(more.is_err());

        // One declines: the secretariat is told, and the next proposal leaves them out.
        let decliner_id = ids[0];
        let decliner = crate::statements::actor(
            &app,
            app.with_conn(|conn| roundtable::auth::store::find(conn, decliner_id))
                .expect("person"),
        );
        app.with_conn(|conn| panel::declare(conn, &decliner, c.id, false, day))
            .expect("declined");
        let again = app
            .with_conn(|conn| panel::proposal(conn, co.admin(), c.id, day))
            .expect("proposal");
        assert_eq!(again.len(), 1, "one seat to fill again");
        assert_ne!(again[0].candidate.person_id, decliner_id);
        let seated: HashSet<i64> = ids[1..].iter().copied().collect();
        assert!(!seated.contains(&again[0].candidate.person_id));
        // The decliner sees nothing any more.
        let case = app
            .with_conn(|conn| store::case(conn, &decliner, c.id))
            .expect("case");
        assert_eq!(
            case.sight,
            roundtable::auth::visibility::ComplaintSight::Nothing
        );
    })
}

#[actix_web::test]
async fn a_standing_committee_sits_instead_of_a_panel_per_case() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let co = coalition(&app);
        let day = today(&app);
        let committee: Vec<String> = [&co.zeta, &co.eta, &co.fx.full[0]]
            .iter()
            .map(|o| o.rep_email.clone())
            .collect();
        let settings = SettingsInput {
            standing_committee: true,
            committee: committee.clone(),
            ..default_settings()
        };
        app.with_conn(|conn| store::save_settings(conn, co.admin(), &settings))
            .expect("saved");
        // Alpha (on the committee) complains: its member is left out of its own case.
        let c = file_against(&app, &co.fx.full[0], &co.fx.full[3]);
        let proposal = app
            .with_conn(|conn| panel::proposal(conn, co.admin(), c.id, day))
            .expect("proposal");
        let people: HashSet<i64> = proposal.iter().map(|p| p.candidate.person_id).collect();
        assert_eq!(people, HashSet::from([co.zeta.rep.id(), co.eta.rep.id()]));
        // An unknown address is refused beside the field, and nothing changes.
        let wrong = SettingsInput {
            committee: vec!["nobody@nowhere.example".into()],
            ..settings
        };
        let refused = app.with_conn(|conn| store::save_settings(conn, co.admin(), &wrong));
        assert!(
            matches!(refused, Err(Error::InvalidFields(ref f)) if f.contains_key("committee")),
            "{refused:?}"
        );
        assert_eq!(
            app.with_conn(store::committee_emails)
                .expect("committee")
                .len(),
            3
        );
        // Members may not change the settings.
        assert!(
            app.with_conn(|conn| store::save_settings(conn, &co.zeta.rep, &default_settings()))
                .is_err()
        );
    })
}

#[actix_web::test]
async fn when_the_secretariat_is_a_party_its_holders_do_not_sit() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let co = coalition(&app);
        let day = today(&app);
        app.with_conn(|conn| {
            roundtable::secretariat::store::start_rotation(conn, co.admin(), day, day)
        })
        .expect("rotation");
        let (_, holders) = app
            .with_conn(|conn| roundtable::secretariat::store::holders_on(conn, day))
            .expect("read")
            .expect("a term");
        assert!(!holders.is_empty());
        let holder_org = co
            .full()
            .into_iter()
            .find(|o| holders.contains(&o.id))
            .expect("holder");
        let secretariat = crate::statements::actor(&app, holder_org.rep.person.clone());
        let complainant = co
            .full()
            .into_iter()
            .find(|o| !holders.contains(&o.id))
            .expect("a member");
        let input = ComplaintInput {
            organisation_id: Some(complainant.id),
            about: "secretariat".into(),
            title: "About the secretariat".into(),
            body: "The minutes came late.".into(),
            ..ComplaintInput::default()
        };
        let c = app
            .with_conn(|conn| store::file(conn, &complainant.rep, &input, day))
            .expect("filed");
        app.with_conn(|conn| steps::acknowledge(conn, &secretariat, c.id, day))
            .expect("acknowledged");
        let proposal = app
            .with_conn(|conn| panel::proposal(conn, &secretariat, c.id, day))
            .expect("proposal");
        assert!(!proposal.is_empty());
        for p in &proposal {
            assert!(
                !holders.contains(&p.candidate.organisation_id),
                "a holder proposed: {}",
                p.organisation
            );
            assert_ne!(p.candidate.organisation_id, complainant.id);
        }
        // The administrator, no longer acting for the secretariat, sees nothing of it.
        let admin = crate::statements::actor(&app, co.admin().person.clone());
        let case = app
            .with_conn(|conn| store::case(conn, &admin, c.id))
            .expect("case");
        assert_eq!(
            case.sight,
            roundtable::auth::visibility::ComplaintSight::Nothing
        );
    })
}
