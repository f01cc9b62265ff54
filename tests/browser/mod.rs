//! Journeys in a real browser: headless Chromium driven through chromedriver against the real
//! app served over HTTP. They run when Chromium and chromedriver are on this machine and say
//! clearly when they are skipped; with ROUNDTABLE_REQUIRE_BROWSER set (as `.ci/run` does) a
//! missing browser fails the run instead.
//!
//! On every page a journey visits, axe-core (shipped in this folder) must find no critical or
//! serious violation, and at phone width nothing may scroll sideways.

mod journeys;
pub mod webdriver;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Backend, TestApp, free_port};
use webdriver::Session;

/// A phone's viewport width, in CSS pixels.
pub const PHONE_WIDTH: u32 = 390;

const AXE: &str = include_str!("axe.min.js");

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// Chromium and chromedriver, or why the journeys are skipped.
fn tools() -> Option<(PathBuf, PathBuf)> {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        // Debian's /usr/bin/chromium is a launcher script; the browser itself lives here.
        .or_else(|| Some(PathBuf::from("/usr/lib/chromium/chromium")).filter(|p| p.is_file()))
        .or_else(|| on_path("chromium"))
        .or_else(|| on_path("chromium-browser"))
        .or_else(|| on_path("google-chrome"));
    let driver = std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .or_else(|| on_path("chromedriver"));
    match (chromium, driver) {
        (Some(chromium), Some(driver)) => Some((chromium, driver)),
        _ => {
            assert!(
                std::env::var_os("ROUNDTABLE_REQUIRE_BROWSER").is_none(),
                "ROUNDTABLE_REQUIRE_BROWSER is set but Chromium or chromedriver is missing \
                 (apt-get install chromium chromium-driver)"
            );
            eprintln!(
                "SKIPPED: browser journeys need Chromium and chromedriver \
                 (apt-get install chromium chromium-driver); `.ci/run` installs them"
            );
            None
        }
    }
}

/// A chromedriver process, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(binary: &Path) -> Driver {
        let port = free_port();
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The app served over real HTTP on a free port, in a thread of its own.
struct Server {
    handle: actix_web::dev::ServerHandle,
}

impl Server {
    fn start(app: &TestApp, listener: TcpListener) -> Server {
        let state = app.state.clone();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server =
                    actix_web::HttpServer::new(move || roundtable::build_app(state.clone()))
                        .workers(2)
                        .disable_signals()
                        .listen(listener)
                        .expect("listen")
                        .run();
                sender.send(server.handle()).expect("hand over");
                let _ = server.await;
            });
        });
        let handle = receiver.recv().expect("the server started");
        Server { handle }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        actix_web::rt::System::new().block_on(self.handle.stop(false));
    }
}

/// One journey's world: the app over HTTP, a browser, and the checks every page gets.
pub struct Journey {
    pub app: TestApp,
    pub browser: Session,
    pub base: String,
    /// Pages already checked with axe and for sideways scrolling.
    checked: Vec<String>,
    width: u32,
    _server: Server,
    _driver: Driver,
}

impl Journey {
    /// None when the browser is missing (and not required).
    pub fn start(backend: &Backend, width: u32) -> Option<Journey> {
        let (chromium, driver_binary) = tools()?;
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let base = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("address").port()
        );
        // Links in mail name the address the browser uses.
        let app = TestApp::with_settings(backend, |s| s.base_url = base.clone());
        let server = Server::start(&app, listener);
        let driver = Driver::start(&driver_binary);
        let browser = Session::start(driver.port, &chromium.to_string_lossy(), width, 900)
            .expect("a Chromium session");
        Some(Journey {
            app,
            browser,
            base,
            checked: Vec::new(),
            width,
            _server: server,
            _driver: driver,
        })
    }

    /// Makes the viewport `width` wide (a phone, a desktop); pages are checked again at it.
    pub fn resize(&mut self, width: u32) {
        self.browser.set_viewport(width, 900);
        self.width = width;
        self.checked.clear();
    }

    /// Opens `path` and checks the page.
    pub fn open(&mut self, path: &str) {
        self.browser.goto(&format!("{}{path}", self.base));
        self.check_page();
    }

    /// Clicks the submit button labelled `label` inside `form_css`, then checks the page the
    /// browser lands on.
    pub fn submit(&mut self, form_css: &str, label: &str) {
        let button = self
            .browser
            .find_with_text(&format!("{form_css} button"), label);
        self.browser.click_to_load(&button);
        self.check_page();
    }

    /// The visible text of the page's main content.
    pub fn main_text(&self) -> String {
        let main = self.browser.find("main");
        self.browser.text(&main)
    }

    /// axe-core finds no critical or serious violation, and nothing scrolls sideways at the
    /// journey's width. Each distinct page (path without query) is checked once.
    pub fn check_page(&mut self) {
        let url = self.browser.url();
        let page = url.split(['?', '#']).next().unwrap_or_default().to_owned();
        if self.checked.contains(&page) {
            return;
        }
        self.checked.push(page.clone());
        let overflow = self.browser.script(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            &[],
        );
        let (content, viewport) = (overflow[0].as_u64(), overflow[1].as_u64());
        if content > viewport {
            // Name the outermost elements that reach past the right edge.
            let culprits = self.browser.script(
                "const w = window.innerWidth; return [...document.querySelectorAll('body *')] \
                 .filter(e => e.getBoundingClientRect().right > w + 0.5 && \
                   !(e.parentElement && e.parentElement.getBoundingClientRect().right > w + 0.5)) \
                 .slice(0, 5).map(e => e.outerHTML.slice(0, 160));",
                &[],
            );
            panic!(
                "{page} scrolls sideways at {} px: content is {content:?} px wide; {culprits}",
                self.width
            );
        }
        let report = self.browser.script_async(
            &format!(
                "{AXE}\n;const done = arguments[arguments.length - 1]; \
                 axe.run(document, {{ resultTypes: ['violations'] }}) \
                 .then(r => done(r.violations.filter(v => v.impact === 'critical' || \
                 v.impact === 'serious').map(v => ({{ id: v.id, help: v.help, \
                 nodes: v.nodes.slice(0, 3).map(n => n.html) }})))) \
                 .catch(e => done([{{ id: 'axe-error', help: String(e) }}]));"
            ),
            &[],
        );
        let violations = report.as_array().cloned().unwrap_or_default();
        assert!(
            violations.is_empty(),
            "axe-core on {page}: {}",
            serde_json::to_string_pretty(&Value::Array(violations)).unwrap_or_default()
        );
    }

    /// Saves a screenshot of the current page as `target/screenshots/NAME.png`, and as
    /// `docs/screenshots/NAME.png` (the README's) when ROUNDTABLE_SCREENSHOTS is set.
    pub fn screenshot(&self, name: &str) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut folders = vec![root.join("target/screenshots")];
        if std::env::var_os("ROUNDTABLE_SCREENSHOTS").is_some() {
            folders.push(root.join("docs/screenshots"));
        }
        let png = self.browser.screenshot();
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        for folder in folders {
            std::fs::create_dir_all(&folder).expect("screenshots folder");
            std::fs::write(folder.join(format!("{name}.png")), &png).expect("write screenshot");
        }
    }
}
