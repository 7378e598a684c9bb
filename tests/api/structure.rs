//! The layering of the code (issue 21): no circle of files, so that a file can be read (and
//! changed) knowing only what lies below it. A file's dependencies are the `crate::…`,
//! `super::…` and `self::…` paths it names outside comments and its test module; a parent's own
//! children and a child's ancestors (the `mod.rs` that declares it) do not count, nor does
//! sea-orm's relation pair (`entities::session` ↔ `entities::user`), which the ORM's relations
//! require.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`evaluate::report`) → file text, for every `.rs` file under `src/`.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).expect("under src");
                let mut parts: Vec<String> = rel
                    .with_extension("")
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect();
                if parts.last().is_some_and(|p| p == "mod") {
                    parts.pop();
                }
                if parts == ["lib"] || parts == ["main"] {
                    parts.clear();
                }
                let text = std::fs::read_to_string(&path).expect("source file");
                out.insert(parts.join("::"), text);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// The code of a file without its comments and its `#[cfg(test)] mod tests { … }`.
fn code(text: &str) -> String {
    let body = text
        .split("#[cfg(test)]\nmod tests {")
        .next()
        .unwrap_or_default();
    body.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The modules a file names through `crate::`, `super::` and `self::` paths.
fn dependencies(module: &str, text: &str, all: &BTreeSet<String>) -> BTreeSet<String> {
    let here: Vec<&str> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").collect()
    };
    let mut out = BTreeSet::new();
    let code = code(text);
    let bytes = code.as_bytes();
    for head in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(head) {
            let start = from + at;
            from = start + head.len();
            // A whole word: not the end of another identifier.
            if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
                continue;
            }
            let rest: Vec<&str> = code[start..]
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .next()
                .unwrap_or_default()
                .split("::")
                .filter(|s| !s.is_empty())
                .collect();
            let mut base: Vec<&str> = match rest.first() {
                Some(&"crate") => Vec::new(),
                // In `a/b.rs` (module a::b) `super` is `a`; in `a/mod.rs` (module a) it is the
                // parent of `a`: either way the module path without its last part.
                Some(&"super") => here[..here.len().saturating_sub(1)].to_vec(),
                _ => here.clone(),
            };
            let mut tail = &rest[1.min(rest.len())..];
            while tail.first() == Some(&"super") {
                base.pop();
                tail = &tail[1..];
            }
            let path: Vec<&str> = base.iter().chain(tail.iter()).copied().collect();
            let target = (1..=path.len())
                .rev()
                .map(|k| path[..k].join("::"))
                .find(|m| all.contains(m));
            if let Some(target) = target {
                let related = target == module
                    || target.starts_with(&format!("{module}::"))
                    || module.starts_with(&format!("{target}::"))
                    || target.is_empty();
                if !related {
                    out.insert(target);
                }
            }
        }
    }
    out
}

/// The circles of the graph (strongly connected groups of two or more files).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Kosaraju: finish order on the graph, then groups on the reversed graph.
    fn visit(
        v: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        seen: &mut BTreeSet<String>,
        order: &mut Vec<String>,
    ) {
        if !seen.insert(v.to_owned()) {
            return;
        }
        for w in edges.get(v).into_iter().flatten() {
            visit(w, edges, seen, order);
        }
        order.push(v.to_owned());
    }
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    for v in edges.keys() {
        visit(v, edges, &mut seen, &mut order);
    }
    let mut reversed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (v, ws) in edges {
        for w in ws {
            reversed.entry(w.clone()).or_default().insert(v.clone());
        }
    }
    let mut assigned = BTreeSet::new();
    let mut out = Vec::new();
    for v in order.iter().rev() {
        let mut group = Vec::new();
        visit(v, &reversed, &mut assigned, &mut group);
        if group.len() > 1 {
            group.sort();
            out.push(group);
        }
    }
    out
}

#[test]
fn no_file_of_the_code_imports_one_that_imports_it_back() {
    let modules = modules();
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    let edges: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|(m, text)| (m.clone(), dependencies(m, text, &names)))
        .collect();
    assert!(
        edges
            .get("evaluate::report")
            .is_some_and(|d| d.contains("evaluate::report_plan")),
        "the reader sees dependencies at all: {:?}",
        edges.get("evaluate::report")
    );
    let allowed = vec!["entities::session".to_owned(), "entities::user".to_owned()];
    let found: Vec<Vec<String>> = circles(&edges)
        .into_iter()
        .filter(|c| *c != allowed)
        .collect();
    assert!(
        found.is_empty(),
        "files that import each other (directly or round a circle): {found:?}"
    );
}

#[test]
fn a_circle_is_found_when_there_is_one() {
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        circles(&edges),
        vec![vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]]
    );
}

/// Functions longer than this many lines are split (issue 21), tests and migrations aside.
const LONGEST: usize = 120;

/// `(file fn, lines)` of every function of `text` (before its test module): from the line of
/// `fn` to the closing brace at the same indentation.
fn function_lengths(file: &str, text: &str) -> Vec<(String, usize)> {
    let code = text
        .split("#[cfg(test)]\nmod tests {")
        .next()
        .unwrap_or_default();
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let indent = line.len() - line.trim_start().len();
        let mut words = line.trim_start();
        for prefix in ["pub(crate) ", "pub(super) ", "pub ", "async ", "const "] {
            words = words.strip_prefix(prefix).unwrap_or(words);
        }
        if let Some(rest) = words.strip_prefix("fn ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let close = format!("{}}}", " ".repeat(indent));
            if let Some(end) = (i + 1..lines.len()).find(|&j| lines[j] == close) {
                out.push((format!("{file} {name}"), end - i));
                i = end;
            }
        }
        i += 1;
    }
    out
}

#[test]
fn no_function_is_longer_than_the_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    fn walk(dir: &Path, root: &Path, found: &mut BTreeMap<String, usize>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if path.is_dir() {
                if name != "tests" {
                    walk(&path, root, found);
                }
            } else if name.ends_with(".rs") && name != "tests.rs" {
                let rel = path
                    .strip_prefix(root)
                    .expect("under src")
                    .to_string_lossy()
                    .into_owned();
                let text = std::fs::read_to_string(&path).expect("source file");
                found.extend(function_lengths(&rel, &text));
            }
        }
    }
    walk(&root, &root, &mut found);
    assert!(
        found.len() > 1000,
        "the reader finds the functions: {}",
        found.len()
    );
    let problems: Vec<String> = (found.iter())
        .filter(|(_, n)| **n > LONGEST)
        .map(|(f, n)| format!("{f}: {n} lines (at most {LONGEST}; split it)"))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn a_function_is_measured_from_fn_to_its_closing_brace() {
    let text =
        "fn a() {\n    let x = 1;\n}\n\npub(crate) async fn b(\n    y: u8,\n) -> u8 {\n    y\n}\n";
    assert_eq!(
        function_lengths("f.rs", text),
        vec![("f.rs a".to_owned(), 2), ("f.rs b".to_owned(), 4)]
    );
}

/// `src/web/` is the shared floor and one folder per audience (DESIGN.md's module map): nothing
/// else at its top, so that an audience's pages cannot drift back beside the floor.
#[test]
fn the_web_layer_holds_the_shared_floor_and_one_folder_per_audience() {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let found: BTreeSet<String> = std::fs::read_dir(&web)
        .expect("src/web")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let floor = [
        "mod.rs",
        "error.rs",
        "extract.rs",
        "middleware.rs",
        "markup",
        "auth.rs",
        "auth",
        "home.rs",
        "home",
        "account.rs",
        "account",
    ];
    let audiences = ["respond", "school", "admin", "evaluate", "public", "api"];
    let expected: BTreeSet<String> = floor
        .iter()
        .chain(audiences.iter())
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(
        found, expected,
        "src/web/ holds the shared floor and one folder per audience, nothing else"
    );
}

/// A page's markup is in the `view` module of its handler (`admin/waves.rs` and
/// `admin/waves/view.rs`), or among the shared components of `web/markup/`: no other file of the
/// web layer writes maud's `html!`.
#[test]
fn markup_is_written_only_in_view_modules_and_the_shared_components() {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source file");
                if code(&text).contains("html!") {
                    out.push(path.to_string_lossy().into_owned());
                }
            }
        }
    }
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut with_markup = Vec::new();
    walk(&web, &mut with_markup);
    assert!(!with_markup.is_empty(), "the reader finds markup at all");
    let astray: Vec<&String> = with_markup
        .iter()
        .filter(|path| {
            let rel = Path::new(path.as_str())
                .strip_prefix(&web)
                .expect("under src/web");
            let in_view = rel.file_stem().is_some_and(|s| s == "view")
                || rel.components().any(|c| c.as_os_str() == "view");
            let shared = rel.starts_with("markup");
            !(in_view || shared)
        })
        .collect();
    assert!(
        astray.is_empty(),
        "markup outside a view module or web/markup/: {astray:?}"
    );
}
