//! The direction of dependencies, checked on the source: web/api -> capability services ->
//! rules -> db, capabilities -> mail core, never back. Every `crate::` path in a module of
//! `src/` (its unit tests left out) must name a module of the same layer or a lower one.

use std::collections::BTreeSet;
use std::path::Path;

/// The layers, lowest first: the one place the order is written. A pattern names a module
/// and everything below it (`meetings`), exactly one module (`=auth`, the re-exports of the
/// pure permission types), or a module of that name in any capability (`*::rules`).
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "error",
            "config",
            "clock",
            "markdown",
            "secret",
            "task",
            "db",
            "fields",
            "addresses",
            "clean",
            "page_cache",
            "icalendar",
            "allocator",
        ],
    ),
    (
        "pure rules and rows",
        &[
            "=auth",
            "auth::model",
            "auth::permissions",
            "auth::visibility",
            "auth::password",
            "*::rules",
            "*::model",
        ],
    ),
    ("audit record", &["audit"]),
    ("coalition settings", &["coalition"]),
    ("mail core", &["mail"]),
    ("application state", &["state"]),
    ("people and sign-in", &["auth"]),
    ("membership", &["membership"]),
    ("secretariat", &["secretariat"]),
    ("who is acting", &["actor"]),
    ("meetings", &["meetings"]),
    ("statements", &["statements"]),
    ("complaints", &["complaints"]),
    ("evaluations", &["evaluations"]),
    ("data care", &["care"]),
    ("personal data", &["personal"]),
    ("periodic work", &["schedule"]),
    (
        "web, API and command line",
        &["web", "*::web", "*::api", "cli", "scale", "lib", "main"],
    ),
];

/// Layers whose modules may use one another (they hold several independent parts).
const SHARED_LAYERS: &[&str] = &[
    "foundation",
    "pure rules and rows",
    "web, API and command line",
];

fn matches(pattern: &str, module: &str) -> bool {
    if let Some(exact) = pattern.strip_prefix('=') {
        return module == exact;
    }
    if let Some(name) = pattern.strip_prefix("*::") {
        let segments: Vec<&str> = module.split("::").collect();
        return segments.iter().skip(1).any(|s| *s == name);
    }
    module == pattern || module.starts_with(&format!("{pattern}::"))
}

/// The layer of a module. The most specific pattern decides: a name in any capability
/// (`*::web`) first, then one exact module (`=auth`), then the longest prefix; so
/// `meetings::web::calendar` is web and `meetings::rules` pure, not meetings.
fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .enumerate()
        .flat_map(|(layer, (_, patterns))| patterns.iter().map(move |p| (layer, *p)))
        .filter(|(_, pattern)| matches(pattern, module))
        .max_by_key(|(_, pattern)| {
            if pattern.starts_with("*::") {
                2000
            } else if pattern.starts_with('=') {
                1000
            } else {
                pattern.len()
            }
        })
        .map(|(layer, _)| layer)
}

/// Every module of `src/`, as `a::b::c`, with its text (unit tests cut off).
fn modules() -> Vec<(String, String)> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("src is readable")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(base).expect("inside src");
                let mut name = relative
                    .with_extension("")
                    .to_string_lossy()
                    .replace('/', "::");
                if let Some(parent) = name.strip_suffix("::mod") {
                    name = parent.to_owned();
                }
                let text = std::fs::read_to_string(&path).expect("readable");
                let text = match text.find("#[cfg(test)]") {
                    Some(cut) => text[..cut].to_owned(),
                    None => text,
                };
                out.push((name, text));
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    walk(&src, &src, &mut out);
    out
}

/// The modules a text names with `crate::`, including inside `use crate::{a, b::c}` groups,
/// each resolved to the longest path that is a module; an item of the crate root
/// (`crate::AppState`) is `lib`.
fn imports(text: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut paths = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                paths.push(path_of(part.trim()));
            }
        } else {
            paths.push(path_of(after));
        }
        rest = after;
    }
    paths
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|p| {
            let segments: Vec<&str> = p.split("::").collect();
            (1..=segments.len())
                .rev()
                .map(|n| segments[..n].join("::"))
                .find(|candidate| known.contains(candidate))
                .unwrap_or_else(|| "lib".to_owned())
        })
        .collect()
}

fn path_of(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
        .collect::<String>()
        .trim_end_matches(':')
        .to_owned()
}

#[test]
fn dependencies_point_one_way() {
    let modules = modules();
    let known: BTreeSet<String> = modules.iter().map(|(name, _)| name.clone()).collect();
    let mut wrong = Vec::new();
    for (module, text) in &modules {
        let Some(own) = layer_of(module) else {
            wrong.push(format!("{module} is in no layer: add it to LAYERS"));
            continue;
        };
        for target in imports(text, &known) {
            if target == *module || module.starts_with(&format!("{target}::")) {
                continue;
            }
            let Some(theirs) = layer_of(&target) else {
                continue;
            };
            let same_part = target.split("::").next() == module.split("::").next();
            let allowed = theirs < own
                || (theirs == own && (same_part || SHARED_LAYERS.contains(&LAYERS[own].0)));
            if !allowed {
                wrong.push(format!(
                    "{module} ({}) uses {target} ({})",
                    LAYERS[own].0, LAYERS[theirs].0
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies that point the wrong way:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn the_checker_sees_a_wrong_import() {
    let known: BTreeSet<String> = ["mail::outbox", "meetings::store", "meetings::web"]
        .into_iter()
        .map(String::from)
        .collect();
    let found = imports(
        "use crate::{meetings::store::get, mail::outbox};\nlet x = crate::meetings::web::when(m);\nuse crate::AppState;",
        &known,
    );
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["lib", "mail::outbox", "meetings::store", "meetings::web"]
    );
    let mail = layer_of("mail::outbox").expect("layer");
    let meetings = layer_of("meetings::store").expect("layer");
    let web = layer_of("meetings::web").expect("layer");
    assert!(mail < meetings && meetings < web);
    assert!(layer_of("statements::rules::tests").expect("layer") < mail);
    assert_eq!(layer_of("mail::web"), Some(LAYERS.len() - 1));
}
