//! Statement mail over a real SMTP conversation: the round's text reaches every representative
//! with its hash, rendered and sanitised in the HTML part; raw HTML in a statement never
//! becomes markup, in mail or on the page.

use roundtable::statements::rules::DecisionRule;
use roundtable::statements::store::{self, StatementInput};

use super::{fixture, open};
use crate::common::smtp::SmtpServer;
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::mail::{app_with_smtp, header, leaves};
use crate::on_each_backend;

const HOSTILE: &str = "We call for **decent work**.\n\n<script>alert(1)</script>\n";

#[actix_web::test]
async fn the_round_s_text_is_mailed_with_its_hash_and_nothing_runs() {
    on_each_backend!(|backend| async {
        let server = SmtpServer::start();
        let app = app_with_smtp(&backend, &server);
        let f = fixture(&app);
        let s = app
            .with_conn(|c| {
                store::create(
                    c,
                    &f.admin,
                    &StatementInput {
                        title: "Decent work".into(),
                        context_note: String::new(),
                        group_id: None,
                        body: HOSTILE.into(),
                    },
                )
            })
            .expect("statement");
        let round = open(&app, &f.admin, s.id, DecisionRule::Unanimity);
        roundtable::schedule::deliver_mail(&app.state, "test")
            .await
            .expect("deliver");
        let rounds: Vec<_> = server
            .messages()
            .into_iter()
            .filter(|r| r.data.contains("Your position by"))
            .collect();
        let mut to: Vec<String> = rounds.iter().flat_map(|r| r.to.clone()).collect();
        to.sort();
        assert_eq!(
            to,
            [
                "rep@alpha.example",
                "rep@beta.example",
                "rep@delta.example",
                "rep@gamma.example"
            ]
        );
        let mail = mailparse::parse_mail(rounds[0].data.as_bytes()).expect("MIME");
        assert!(header(&mail, "Subject").contains("Decent work"));
        let parts = leaves(&mail);
        let text = parts
            .iter()
            .find(|(ct, _)| ct.starts_with("text/plain"))
            .map(|(_, body)| body.clone())
            .expect("a text part");
        let html = parts
            .iter()
            .find(|(ct, _)| ct.starts_with("text/html"))
            .map(|(_, body)| body.clone())
            .expect("an HTML part");
        assert!(text.contains(&round.content_hash), "{text}");
        assert!(text.contains(&round.deadline.to_string()));
        assert!(html.contains(&round.content_hash));
        assert!(html.contains("<strong>decent work</strong>"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");

        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = browser.get(&format!("/statements/{}", s.id)).await;
        assert!(page.body.contains("<strong>decent work</strong>"));
        assert!(!page.body.contains("<script>alert"), "raw HTML on the page");
    });
}
