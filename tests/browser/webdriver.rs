//! A small W3C WebDriver client over plain HTTP to a local chromedriver: the dozen commands the
//! journeys use. Hand-written rather than a crate so the test binary does not pull a second
//! HTTP stack; every command is one request on a fresh loopback connection.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The key under which WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One browser session.
pub struct Session {
    port: u16,
    id: String,
}

/// An element of the current page.
#[derive(Clone)]
pub struct Element {
    pub id: String,
}

fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let payload = body.map(Value::to_string).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .map_err(|e| e.to_string())?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{payload}",
        payload.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let body = read_answer(&mut stream).map_err(|e| format!("{method} {path}: {e}"))?;
    let value: Value =
        serde_json::from_str(&body).map_err(|e| format!("{e}: {method} {path}: {body}"))?;
    let value = value.get("value").cloned().unwrap_or(Value::Null);
    if let Some(error) = value.get("error").and_then(Value::as_str) {
        let message = value.get("message").and_then(Value::as_str).unwrap_or("");
        return Err(format!("{method} {path}: {error}: {message}"));
    }
    Ok(value)
}

/// Reads one HTTP answer's body: chromedriver keeps the connection open, so the body ends at
/// its Content-Length (or its last chunk), not when the connection closes.
fn read_answer(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut raw = Vec::new();
    let mut buffer = [0_u8; 64 * 1024];
    loop {
        let read = stream.read(&mut buffer)?;
        raw.extend_from_slice(&buffer[..read]);
        let Some(head_end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            if read == 0 {
                return Ok(String::new());
            }
            continue;
        };
        let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
        let body = &raw[head_end + 4..];
        let complete = if head.contains("transfer-encoding: chunked") {
            body.ends_with(b"0\r\n\r\n")
        } else {
            head.lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|n| n.trim().parse::<usize>().ok())
                .is_some_and(|n| body.len() >= n)
        };
        if complete || read == 0 {
            let body = String::from_utf8_lossy(body).into_owned();
            return Ok(if head.contains("transfer-encoding: chunked") {
                dechunk(&body)
            } else {
                body
            });
        }
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

impl Session {
    /// A headless Chromium at the given window size.
    pub fn start(port: u16, chromium: &str, width: u32, height: u32) -> Result<Session, String> {
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chromium,
                    "args": [
                        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                        "--disable-gpu", "--hide-scrollbars", "--lang=en-GB",
                        format!("--window-size={width},{height}"),
                    ],
                },
            }}
        });
        let value = http(port, "POST", "/session", Some(&capabilities))?;
        let id = value["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session id: {value}"))?
            .to_owned();
        let session = Session { port, id };
        session.set_viewport(width, height);
        Ok(session)
    }

    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.id);
        http(self.port, method, &path, body.as_ref())
            .unwrap_or_else(|e| panic!("WebDriver: {e} (on {})", self.current_url_quiet()))
    }

    fn current_url_quiet(&self) -> String {
        http(self.port, "GET", &format!("/session/{}/url", self.id), None)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// Makes the page's viewport (not the window) `width` wide, as a phone's is.
    pub fn set_viewport(&self, width: u32, height: u32) {
        self.command(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        );
        let inner: Value = self.script("return [window.innerWidth, window.innerHeight];", &[]);
        let extra_w = inner[0].as_u64().map_or(0, |w| i64::from(width) - w as i64);
        let extra_h = inner[1]
            .as_u64()
            .map_or(0, |h| i64::from(height) - h as i64);
        if extra_w != 0 || extra_h != 0 {
            self.command(
                "POST",
                "/window/rect",
                Some(json!({ "width": i64::from(width) + extra_w,
                             "height": i64::from(height) + extra_h })),
            );
        }
    }

    pub fn goto(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        self.command("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The element matching `css`, waiting up to five seconds for it to appear.
    pub fn find(&self, css: &str) -> Element {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let path = format!("/session/{}/element", self.id);
            let body = json!({ "using": "css selector", "value": css });
            match http(self.port, "POST", &path, Some(&body)) {
                Ok(value) => return element(&value),
                Err(e) if Instant::now() > deadline => {
                    panic!("no element `{css}` on {}: {e}", self.url())
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let body = json!({ "using": "css selector", "value": css });
        match self.command("POST", "/elements", Some(body)) {
            Value::Array(items) => items.iter().map(element).collect(),
            _ => Vec::new(),
        }
    }

    /// The first element matching `css` whose text contains `text`.
    pub fn find_with_text(&self, css: &str, text: &str) -> Element {
        self.find_all(css)
            .into_iter()
            .find(|e| self.text(e).contains(text))
            .unwrap_or_else(|| panic!("no `{css}` saying {text:?} on {}", self.url()))
    }

    pub fn text(&self, element: &Element) -> String {
        self.command("GET", &format!("/element/{}/text", element.id), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn property(&self, element: &Element, name: &str) -> Value {
        self.command(
            "GET",
            &format!("/element/{}/property/{name}", element.id),
            None,
        )
    }

    pub fn click(&self, element: &Element) {
        self.command(
            "POST",
            &format!("/element/{}/click", element.id),
            Some(json!({})),
        );
    }

    /// Clicks `element` and waits until the browser has loaded the next page.
    pub fn click_to_load(&self, element: &Element) {
        self.script("window.__roundtableOldPage = true;", &[]);
        self.click(element);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let loaded = self.script(
                "return !window.__roundtableOldPage && document.readyState === 'complete';",
                &[],
            );
            if loaded == Value::Bool(true) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no new page after a click, still on {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Replaces what a field holds with `text`, as typing would.
    pub fn type_into(&self, element: &Element, text: &str) {
        self.command(
            "POST",
            &format!("/element/{}/clear", element.id),
            Some(json!({})),
        );
        self.command(
            "POST",
            &format!("/element/{}/value", element.id),
            Some(json!({ "text": text })),
        );
    }

    /// Fills the field `css` with `text`.
    pub fn fill(&self, css: &str, text: &str) {
        let field = self.find(css);
        self.type_into(&field, text);
    }

    /// Chooses the option of the select `css` whose visible label contains `label`.
    pub fn choose(&self, css: &str, label: &str) {
        let select = self.find(css);
        let chosen: Value = self.script(
            "const s = arguments[0]; \
             const o = [...s.options].find(o => o.textContent.includes(arguments[1])); \
             if (!o) return false; s.value = o.value; \
             s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
            &[element_ref(&select), json!(label)],
        );
        assert_eq!(
            chosen,
            Value::Bool(true),
            "no option {label:?} in `{css}` on {}",
            self.url()
        );
    }

    /// Runs `script` in the page; `arguments[i]` are `args`.
    pub fn script(&self, script: &str, args: &[Value]) -> Value {
        self.command(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Runs an asynchronous `script` whose last argument is the callback.
    pub fn script_async(&self, script: &str, args: &[Value]) -> Value {
        self.command("POST", "/timeouts", Some(json!({ "script": 60_000 })));
        self.command(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Sets the field `css` to `value` as its picker would (date fields take typed digits in
    /// the browser's locale order; this is independent of it).
    pub fn set_value(&self, css: &str, value: &str) {
        let field = self.find(css);
        self.script(
            "arguments[0].value = arguments[1]; \
             arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            &[element_ref(&field), json!(value)],
        );
    }

    /// Ticks the checkbox `css` (once; a ticked box stays ticked).
    pub fn tick(&self, css: &str) {
        let checkbox = self.find(css);
        if self.property(&checkbox, "checked") != Value::Bool(true) {
            self.click(&checkbox);
        }
    }

    /// Chooses `path` (a file on this machine) in the file field `css`.
    pub fn attach(&self, css: &str, path: &str) {
        let field = self.find(css);
        self.command(
            "POST",
            &format!("/element/{}/value", field.id),
            Some(json!({ "text": path })),
        );
    }

    /// Whether `element` is on screen now (wholly inside the viewport).
    pub fn in_view(&self, element: &Element) -> bool {
        self.script(
            "const r = arguments[0].getBoundingClientRect(); \
             return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;",
            &[element_ref(element)],
        ) == Value::Bool(true)
    }

    /// The value of the form control `element` (what a select has chosen, what a field holds).
    pub fn value(&self, element: &Element) -> String {
        self.property(element, "value")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The page as a PNG.
    pub fn screenshot(&self) -> Vec<u8> {
        use base64::Engine;
        let encoded = self.command("GET", "/screenshot", None);
        base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap_or_default())
            .expect("a PNG in base64")
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = http(self.port, "DELETE", &format!("/session/{}", self.id), None);
    }
}

fn element(value: &Value) -> Element {
    Element {
        id: value[ELEMENT_KEY].as_str().unwrap_or_default().to_owned(),
    }
}

/// An element as a script argument.
pub fn element_ref(element: &Element) -> Value {
    json!({ ELEMENT_KEY: element.id })
}
