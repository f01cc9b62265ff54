//! HEAD over a real connection: what a calendar subscription checker or `curl -I` sees.

use std::io::{Read, Write};
use std::net::TcpStream;

use crate::common::TestApp;
use crate::on_each_backend;

/// Sends one raw HTTP/1.1 request and reads the whole answer (the server closes).
fn raw(address: std::net::SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

fn header<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    answer.split("\r\n\r\n").next()?.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[actix_web::test]
async fn head_answers_like_get_without_a_body() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let state = app.state.clone();
        let server = actix_web::HttpServer::new(move || roundtable::build_app(state.clone()))
            .workers(1)
            .bind("127.0.0.1:0")
            .expect("bind");
        let address = server.addrs()[0];
        let running = server.run();
        let handle = running.handle();
        actix_web::rt::spawn(running);

        for path in ["/healthz", "/calendar/public.ics"] {
            let get = actix_web::web::block(move || {
                raw(
                    address,
                    &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                )
            })
            .await
            .expect("GET");
            let head = actix_web::web::block(move || {
                raw(
                    address,
                    &format!("HEAD {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                )
            })
            .await
            .expect("HEAD");
            assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}");
            let (_, body) = head.split_once("\r\n\r\n").expect("headers end");
            assert!(body.is_empty(), "{path}: HEAD sent a body: {body:?}");
            for name in ["content-type", "content-length", "etag", "cache-control"] {
                assert_eq!(header(&head, name), header(&get, name), "{path}: {name}");
            }
            let length: usize = header(&get, "content-length")
                .expect("GET has a length")
                .parse()
                .expect("a number");
            assert!(length > 0, "{path}");
        }
        // HEAD on a route that only takes POST is no back door.
        let post_only = actix_web::web::block(move || {
            raw(
                address,
                "HEAD /logout HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            )
        })
        .await
        .expect("HEAD");
        assert!(!post_only.starts_with("HTTP/1.1 2"), "{post_only}");
        handle.stop(false).await;
    })
}
