//! ARCHITECTURE.md stays true (issue 22): every source file under `crates/*/src` is named
//! in its crate's section of the code map, and every source file the map names exists.
//!
//! A crate's section runs from its heading (``### `crates/<dir>` ``) to the next heading. A
//! file is named by a code span holding its path below `src/` or the end of it (`tx.rs`,
//! `sql/tx.rs`), its module path without `.rs` (`users`, `render/view`), or, for a
//! directory's `mod.rs`, the directory (`sql/`); `{a,b}.rs` stands for `a.rs` and `b.rs`.
//! `lib.rs` and `main.rs` are the crate itself.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The text of each crate's section, by directory name.
fn sections(map: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in map.lines() {
        if line.starts_with("## ") || line.starts_with("### ") {
            if let Some(done) = current.take() {
                out.push(done);
            }
            if let Some(rest) = line.strip_prefix("### `crates/") {
                if let Some(dir) = rest.split('`').next() {
                    current = Some((dir.trim_end_matches('/').to_owned(), String::new()));
                }
            }
            continue;
        }
        if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    out.extend(current);
    out
}

/// Every code span of `text`, with `{a,b}` alternatives expanded.
fn spans(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, span) in text.split('`').enumerate() {
        if i % 2 == 1 && !span.contains(char::is_whitespace) && !span.is_empty() {
            out.extend(expand(span));
        }
    }
    out
}

fn expand(span: &str) -> Vec<String> {
    let (Some(open), Some(close)) = (span.find('{'), span.find('}')) else {
        return vec![span.to_owned()];
    };
    if close < open {
        return vec![span.to_owned()];
    }
    span[open + 1..close]
        .split(',')
        .flat_map(|alt| expand(&format!("{}{alt}{}", &span[..open], &span[close + 1..])))
        .collect()
}

/// Every `.rs` file below `dir`, as paths relative to it with `/` separators.
fn sources(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            sources(&path, &format!("{prefix}{name}/"), out);
        } else if name.ends_with(".rs") {
            out.push(format!("{prefix}{name}"));
        }
    }
}

fn ends_with_path(path: &str, suffix: &str) -> bool {
    path == suffix || path.ends_with(&format!("/{suffix}"))
}

fn is_named(file: &str, names: &BTreeSet<String>) -> bool {
    if file == "lib.rs" || file == "main.rs" {
        return true;
    }
    let stem = file.trim_end_matches(".rs");
    names.iter().any(|n| {
        ends_with_path(file, n)
            || ends_with_path(stem, n)
            || file
                .strip_suffix("mod.rs")
                .is_some_and(|dir| !dir.is_empty() && ends_with_path(dir, n.as_str()))
    })
}

#[test]
fn every_source_file_is_in_the_code_map_and_every_file_it_names_exists() {
    let map = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let sections = sections(&map);
    let mut problems = Vec::new();
    let mut crates: Vec<String> = std::fs::read_dir(repo().join("crates"))
        .expect("crates/")
        .flatten()
        .filter(|e| e.path().join("src").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    crates.sort();
    for krate in &crates {
        let mut files = Vec::new();
        sources(
            &repo().join("crates").join(krate).join("src"),
            "",
            &mut files,
        );
        files.sort();
        let Some((_, text)) = sections.iter().find(|(dir, _)| dir == krate) else {
            problems.push(format!(
                "crates/{krate}: no section ### `crates/{krate}` in the code map"
            ));
            continue;
        };
        let names = spans(text);
        for file in &files {
            if !is_named(file, &names) {
                problems.push(format!(
                    "crates/{krate}/src/{file}: not named in its section"
                ));
            }
        }
        for name in names.iter().filter(|n| n.ends_with(".rs")) {
            let elsewhere = ["crates/", "tests/", "benches/", "fuzz/", "src/", "../"]
                .iter()
                .any(|p| name.starts_with(p));
            if !elsewhere && !files.iter().any(|f| ends_with_path(f, name)) {
                problems.push(format!(
                    "crates/{krate}: the code map names {name}, which is not in src/"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "ARCHITECTURE.md:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_rules_hold_on_a_small_map() {
    let map = "## Code map\n### `crates/x` (`x`)\n- `users`, `sql/{tx,row}.rs`, `render/`, `gone.rs`\n### `crates/y`\n";
    let s = sections(map);
    assert_eq!(s.len(), 2);
    let names = spans(&s[0].1);
    for file in [
        "users.rs",
        "store/sql/tx.rs",
        "sql/row.rs",
        "render/mod.rs",
        "lib.rs",
    ] {
        assert!(is_named(file, &names), "{file}");
    }
    for file in ["other.rs", "sql/mod.rs", "render/view.rs", "xusers.rs"] {
        assert!(!is_named(file, &names), "{file}");
    }
}
