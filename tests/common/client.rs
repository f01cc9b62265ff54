//! A client for the in-process app that behaves like a browser: it keeps the session cookie,
//! remembers the CSRF token of the last page, and parses HTML.

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::test::{self, TestRequest};
use scraper::{Html, Selector};

pub const COOKIE_NAME: &str = "roundtable_session";

/// The app as actix's test harness hands it out.
pub trait AppService:
    Service<Request, Response = ServiceResponse<Self::Body>, Error = actix_web::Error>
{
    type Body: MessageBody;
}

impl<S, B> AppService for S
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    type Body = B;
}

pub struct Response {
    pub status: StatusCode,
    pub headers: header::HeaderMap,
    pub body: String,
    /// The body as sent (a compressed one is not text).
    pub bytes: actix_web::web::Bytes,
}

impl Response {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// The text of every element the CSS selector matches.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let sel = Selector::parse(selector).expect("a valid selector");
        self.html()
            .select(&sel)
            .map(|e| e.text().collect::<String>().trim().to_owned())
            .collect()
    }

    /// The value of an attribute on the first element the selector matches.
    pub fn attr(&self, selector: &str, attribute: &str) -> Option<String> {
        let sel = Selector::parse(selector).expect("a valid selector");
        self.html()
            .select(&sel)
            .next()
            .and_then(|e| e.value().attr(attribute).map(str::to_owned))
    }

    /// What a browser would submit for the first drop-down `select` matches: the chosen
    /// option's value, or its text (whitespace collapsed) when it has none; without a chosen
    /// option, the first.
    pub fn chosen(&self, select: &str) -> Option<String> {
        let sel = Selector::parse(select).expect("a valid selector");
        let any = Selector::parse("option").expect("a valid selector");
        let html = self.html();
        let options: Vec<_> = html.select(&sel).next()?.select(&any).collect();
        let option = options
            .iter()
            .find(|o| o.value().attr("selected").is_some())
            .or(options.first())?;
        Some(option.value().attr("value").map_or_else(
            || {
                option
                    .text()
                    .collect::<String>()
                    .split_ascii_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            },
            str::to_owned,
        ))
    }

    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

pub struct Client<S> {
    service: S,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub peer: std::net::SocketAddr,
    /// Sent as `X-Forwarded-For`, as a reverse proxy would (or a client pretending).
    pub forwarded_for: Option<String>,
}

impl<S: AppService> Client<S> {
    pub fn new(service: S) -> Self {
        Client {
            service,
            cookie: None,
            csrf: None,
            peer: "192.0.2.10:40000".parse().expect("an address"),
            forwarded_for: None,
        }
    }

    pub async fn send(&mut self, request: TestRequest) -> Response {
        let mut request = request.peer_addr(self.peer);
        if let Some(chain) = &self.forwarded_for {
            request = request.insert_header(("x-forwarded-for", chain.as_str()));
        }
        if let Some(cookie) = &self.cookie {
            request = request.insert_header((header::COOKIE, format!("{COOKIE_NAME}={cookie}")));
        }
        let (status, headers, body) =
            match test::try_call_service(&self.service, request.to_request()).await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let body = test::read_body(response).await;
                    (status, headers, body)
                }
                // Errors raised by middleware become responses in the real server too.
                Err(error) => {
                    let response = error.error_response();
                    let status = response.status();
                    let headers = response.headers().clone();
                    let body = actix_web::body::to_bytes(response.into_body())
                        .await
                        .expect("error body");
                    (status, headers, body)
                }
            };
        self.keep_cookie(&headers);
        let response = Response {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            bytes: body,
        };
        if let Some(token) = response.attr("input[name=csrf_token]", "value") {
            self.csrf = Some(token);
        }
        response
    }

    fn keep_cookie(&mut self, headers: &header::HeaderMap) {
        for value in headers.get_all(header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let Ok(cookie) = actix_web::cookie::Cookie::parse_encoded(text.to_owned()) else {
                continue;
            };
            if cookie.name() != COOKIE_NAME {
                continue;
            }
            let removed = cookie.value().is_empty()
                || cookie
                    .max_age()
                    .is_some_and(|age| age.is_zero() || age.is_negative());
            self.cookie = if removed {
                None
            } else {
                Some(cookie.value().to_owned())
            };
        }
    }

    pub async fn get(&mut self, path: &str) -> Response {
        self.send(TestRequest::get().uri(path)).await
    }

    /// A GET with one more header, as a calendar client asks with its copy's condition
    /// (`If-None-Match`, `If-Modified-Since`).
    pub async fn get_with(&mut self, path: &str, header: (&str, &str)) -> Response {
        self.send(TestRequest::get().uri(path).insert_header(header))
            .await
    }

    /// Posts a form with the CSRF token of the last page, as a browser submitting it would.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self
            .csrf
            .clone()
            .expect("a page with a form was loaded first");
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.send(TestRequest::post().uri(path).set_form(&all))
            .await
    }

    /// Posts a form exactly as given, with no CSRF token added.
    pub async fn post_form_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.send(TestRequest::post().uri(path).set_form(fields))
            .await
    }

    /// Uploads a multipart form with the CSRF token as its first part, as the page's form does.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, Option<&str>, &str)],
    ) -> Response {
        let token = self
            .csrf
            .clone()
            .expect("a page with a form was loaded first");
        let boundary = "----roundtable-test-boundary";
        let mut body = String::new();
        let token_part = [("csrf_token", None, token.as_str())];
        for (name, filename, content) in token_part.iter().chain(fields) {
            body.push_str(&format!("--{boundary}\r\n"));
            match filename {
                Some(f) => body.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/calendar\r\n\r\n"
                )),
                None => body.push_str(&format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n")),
            }
            body.push_str(content);
            body.push_str("\r\n");
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let request = TestRequest::post()
            .uri(path)
            .insert_header((
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            ))
            .set_payload(body);
        self.send(request).await
    }

    pub async fn api_get(&mut self, path: &str, token: &str) -> Response {
        self.send(
            TestRequest::get()
                .uri(path)
                .insert_header((header::AUTHORIZATION, format!("Bearer {token}"))),
        )
        .await
    }

    pub async fn api_post(
        &mut self,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> Response {
        self.send(
            TestRequest::post()
                .uri(path)
                .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
                .set_json(body),
        )
        .await
    }

    /// Signs in through the form and checks it worked.
    pub async fn sign_in(&mut self, email: &str, password: &str) {
        self.get("/login").await;
        let response = self
            .post_form("/login", &[("email", email), ("password", password)])
            .await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "sign-in failed: {}",
            response.body
        );
        assert_eq!(response.location(), Some("/"));
    }
}
