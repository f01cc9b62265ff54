//! Files of the dialogue: PDF, images and office documents up to 10 MB, checked by their
//! first bytes, kept in the database, read by whoever reads the message they belong to,
//! always as a download.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use roundtable::complaints::thread::{self, Upload};
use roundtable::db::schema::complaint_files;
use roundtable::error::Error;

use super::{PASSWORD, coalition, file_against, seated, today};
use crate::common::TestApp;
use crate::on_each_backend;

#[test]
fn only_the_kinds_named_pass_and_by_their_content() {
    assert_eq!(
        thread::kind_of("a.pdf", b"%PDF-1.7 ..."),
        Some("application/pdf")
    );
    assert_eq!(
        thread::kind_of("a.PNG", b"\x89PNG\r\n\x1a\n...."),
        Some("image/png")
    );
    assert!(thread::kind_of("a.docx", b"PK\x03\x04....").is_some());
    assert_eq!(
        thread::kind_of("a.pdf", b"<html>"),
        None,
        "a page named .pdf"
    );
    assert_eq!(thread::kind_of("a.exe", b"MZ...."), None);
    assert_eq!(
        thread::kind_of("a.html", b"%PDF-"),
        None,
        "a PDF named .html"
    );
}

#[actix_web::test]
async fn files_follow_their_message_and_are_refused_when_not_allowed() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let co = coalition(&app);
        let (alpha, delta) = (&co.fx.full[0], &co.fx.full[3]);
        let c = file_against(&app, alpha, delta);
        let panel = seated(&app, &co, &c);
        let day = today(&app);
        app.with_conn(|conn| {
            roundtable::complaints::steps::assess(conn, &panel[0], c.id, true, "ok", day)
        })
        .expect("assessed");
        let pdf = |name: &str| Upload {
            name: name.into(),
            bytes: b"%PDF-1.4\n%%EOF\n".to_vec(),
        };
        app.with_conn(|conn| {
            thread::post(
                conn,
                &alpha.rep,
                c.id,
                "parties",
                "For both.",
                vec![pdf("both.pdf")],
                day,
            )
        })
        .expect("posted");
        app.with_conn(|conn| {
            thread::post(
                conn,
                &alpha.rep,
                c.id,
                "panel",
                "For the panel.",
                vec![pdf("panel.pdf")],
                day,
            )
        })
        .expect("posted");
        let ids: Vec<(i64, String)> = app
            .with_conn(|conn| {
                complaint_files::table
                    .order(complaint_files::id)
                    .select((complaint_files::id, complaint_files::name))
                    .load(conn)
            })
            .expect("files");
        assert_eq!(ids.len(), 2);

        let mut respondent = app.client().await;
        respondent.sign_in(&delta.rep_email, PASSWORD).await;
        let both = respondent
            .get(&format!("/complaints/{}/files/{}", c.id, ids[0].0))
            .await;
        assert_eq!(both.status, StatusCode::OK);
        assert!(both.body.starts_with("%PDF-"));
        assert!(
            both.header("content-disposition")
                .is_some_and(|d| d.starts_with("attachment"))
        );
        assert_eq!(both.header("content-type"), Some("application/pdf"));
        let hidden = respondent
            .get(&format!("/complaints/{}/files/{}", c.id, ids[1].0))
            .await;
        assert_eq!(
            hidden.status,
            StatusCode::NOT_FOUND,
            "a file sent to the panel alone"
        );
        let mut member = app.client().await;
        member.sign_in(&panel[0].person.email, PASSWORD).await;
        assert_eq!(
            member
                .get(&format!("/complaints/{}/files/{}", c.id, ids[1].0))
                .await
                .status,
            StatusCode::OK
        );
        // A file of another complaint is not reached through this one.
        let other = file_against(&app, &co.fx.full[1], &co.fx.full[2]);
        assert_eq!(
            respondent
                .get(&format!("/complaints/{}/files/{}", other.id, ids[0].0))
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // Refused: a program, a page named .pdf, a file over 10 MB; nothing is written.
        for upload in [
            Upload {
                name: "tool.exe".into(),
                bytes: b"MZ\x90\x00".to_vec(),
            },
            Upload {
                name: "fake.pdf".into(),
                bytes: b"<html><script>".to_vec(),
            },
            Upload {
                name: "huge.pdf".into(),
                bytes: [b"%PDF-".as_slice(), &vec![b'x'; thread::MAX_FILE]].concat(),
            },
        ] {
            let name = upload.name.clone();
            let refused = app.with_conn(|conn| {
                thread::post(
                    conn,
                    &alpha.rep,
                    c.id,
                    "parties",
                    "With a file.",
                    vec![upload],
                    day,
                )
            });
            assert!(
                matches!(refused, Err(Error::InvalidFields(ref f)) if f.contains_key("file")),
                "{name}: {refused:?}"
            );
        }
        let count: i64 = app
            .with_conn(|conn| complaint_files::table.count().get_result(conn))
            .expect("count");
        assert_eq!(count, 2);

        // Through the page: refused beside the field, the statement typed kept.
        let mut complainant = app.client().await;
        complainant.sign_in(&alpha.rep_email, PASSWORD).await;
        complainant.get(&format!("/complaints/{}", c.id)).await;
        let refused = complainant
            .post_multipart(
                &format!("/complaints/{}/messages", c.id),
                &[
                    ("audience", None, "parties"),
                    ("body", None, "Kept when refused."),
                    ("file", Some("page.pdf"), "<html>"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("Kept when refused.") && refused.body.contains("attach PDF"),
            "{}",
            refused.body
        );
    })
}
