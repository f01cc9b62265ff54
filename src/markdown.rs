//! Markdown written by people (the memorandum, statements), rendered to HTML that is safe to
//! embed: raw HTML in the source is shown as text, and links and images may only point to
//! http(s), mailto or this site.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        return true;
    }
    // Relative links and anchors, but nothing with a scheme of its own (javascript:, data:).
    !lower.contains(':') || lower.starts_with('/') || lower.starts_with('#')
}

fn defuse(url: CowStr<'_>) -> CowStr<'_> {
    if safe_url(&url) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

pub fn render(source: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(source, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: defuse(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: defuse(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn formats_text() {
        assert_eq!(
            render("**Article 1.** Members *cooperate*."),
            "<p><strong>Article 1.</strong> Members <em>cooperate</em>.</p>\n"
        );
    }

    #[test]
    fn raw_html_is_shown_not_run() {
        let out = render("Hello <script>alert(1)</script> <img src=x onerror=alert(1)>");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
    }

    #[test]
    fn dangerous_links_are_defused() {
        let out = render(
            "[click](javascript:alert(1)) [ok](https://example.org) [rel](/meetings) ![x](data:image/png;base64,AAA)",
        );
        assert!(!out.contains("javascript:"), "{out}");
        assert!(!out.contains("data:"), "{out}");
        assert!(out.contains("href=\"https://example.org\""), "{out}");
        assert!(out.contains("href=\"/meetings\""), "{out}");
    }
}

/// Property tests: whatever people write, the HTML holds no script, no raw tag of theirs and
/// no link with a scheme other than http(s) or mailto.
#[cfg(test)]
mod properties {
    use super::render;
    use proptest::prelude::*;

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("<script>alert(1)</script>".to_owned()),
            Just("<img src=x onerror=alert(1)>".to_owned()),
            Just("[click](javascript:alert(1))".to_owned()),
            Just("[x](JaVaScRiPt:alert(1))".to_owned()),
            Just("![i](data:text/html;base64,PHNjcmlwdD4=)".to_owned()),
            Just("[ok](https://example.org)".to_owned()),
            Just("<a href=\"javascript:x\">a</a>".to_owned()),
            Just("[ref]: vbscript:msgbox\n\n[ref]".to_owned()),
            Just("\n".to_owned()),
            Just("`".to_owned()),
            Just("*".to_owned()),
            Just("# ".to_owned()),
            Just("| a | b |\n|---|---|\n".to_owned()),
            "\\PC{0,12}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn rendered_markdown_is_inert(parts in proptest::collection::vec(fragment(), 0..12)) {
            let html = render(&parts.concat()).to_ascii_lowercase();
            prop_assert!(!html.contains("<script"), "{html}");
            prop_assert!(!html.contains("<img src=x"), "{html}");
            // Tags are only pulldown's own (theirs are escaped to &lt;...), and its links
            // and images point nowhere that runs.
            for scheme in ["javascript:", "data:", "vbscript:"] {
                prop_assert!(!html.contains(&format!("<a href=\"{scheme}")), "{html}");
                prop_assert!(!html.contains(&format!("<img src=\"{scheme}")), "{html}");
            }
        }
    }
}
