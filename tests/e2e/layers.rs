//! The module graph stays layered (src/lib.rs has the table): a module
//! only uses modules below it, so the folders keep showing the flow and a
//! change knows where it belongs. Read off the sources' `crate::` paths,
//! test modules left out.

use std::collections::BTreeSet;
use std::path::Path;

/// Top to bottom; `ui` imports nothing from the crate and may be used by all.
const LAYERS: &[&[&str]] = &[
    &["main", "lib"],
    &["cmd"],
    &["cli"],
    &["review"],
    &["scoring"],
    &["interview"],
    &["session"],
    &["llm"],
    &["transcript"],
    &["coverage"],
    &["runner"],
    &["rounds"],
    &["config"],
    &["templates"],
    &["text"],
    &["rng"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn uses(dir: &Path, out: &mut Vec<(String, String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            uses(&path, out);
            continue;
        }
        if path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let rel = path
            .strip_prefix(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
            .unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() && name != top {
                out.push((top.clone(), name, rel.display().to_string()));
            }
        }
    }
}

#[test]
fn modules_only_use_the_layers_below_them() {
    let mut found = Vec::new();
    uses(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut found,
    );
    assert!(found.len() > 100, "the scan found {} uses", found.len());
    let mut wrong = BTreeSet::new();
    for (from, to, file) in &found {
        if from == "ui" {
            wrong.insert(format!("{file}: ui must not import crate::{to}"));
            continue;
        }
        if to == "ui" {
            continue;
        }
        match (layer(from), layer(to)) {
            (Some(a), Some(b)) if b > a => {}
            (Some(_), Some(_)) => {
                wrong.insert(format!(
                    "{file}: {from} uses crate::{to}, which is not below it"
                ));
            }
            _ => {
                wrong.insert(format!(
                    "{file}: {from} -> {to}: add the module to LAYERS and src/lib.rs"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{:#?}", wrong);
}
