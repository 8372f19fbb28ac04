//! Test suites: one Python file per coding question, `rubrics/coding/<id>.py`.
//!
//! The built-in suites are compiled in, like the round files, so the binary
//! runs code from any directory; `<config dir>/rubrics/coding/<id>.py`
//! replaces the built-in suite of that question, or adds one for a question
//! that has none (a custom round's, say). The file format is described in
//! `rubrics/README.md` and checked when the harness loads it: a broken
//! override is reported with its path, never run as if it were fine.

use std::path::{Path, PathBuf};

use super::error::RunnerError;

/// The built-in suites, by question id.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "code-lru-cache",
        include_str!("../../rubrics/coding/code-lru-cache.py"),
    ),
    (
        "code-topk-words",
        include_str!("../../rubrics/coding/code-topk-words.py"),
    ),
    (
        "code-window-k-distinct",
        include_str!("../../rubrics/coding/code-window-k-distinct.py"),
    ),
    (
        "code-grid-bfs",
        include_str!("../../rubrics/coding/code-grid-bfs.py"),
    ),
    (
        "code-pipeline-toposort",
        include_str!("../../rubrics/coding/code-pipeline-toposort.py"),
    ),
    (
        "code-merge-intervals",
        include_str!("../../rubrics/coding/code-merge-intervals.py"),
    ),
    (
        "code-wer-edit-distance",
        include_str!("../../rubrics/coding/code-wer-edit-distance.py"),
    ),
    (
        "code-pack-pairs",
        include_str!("../../rubrics/coding/code-pack-pairs.py"),
    ),
    (
        "code-word-tokenizer",
        include_str!("../../rubrics/coding/code-word-tokenizer.py"),
    ),
    (
        "code-bpe-tokenizer",
        include_str!("../../rubrics/coding/code-bpe-tokenizer.py"),
    ),
    (
        "code-softmax-xent",
        include_str!("../../rubrics/coding/code-softmax-xent.py"),
    ),
    (
        "code-attention-numpy",
        include_str!("../../rubrics/coding/code-attention-numpy.py"),
    ),
    (
        "code-kmeans",
        include_str!("../../rubrics/coding/code-kmeans.py"),
    ),
    (
        "code-beam-search",
        include_str!("../../rubrics/coding/code-beam-search.py"),
    ),
    (
        "code-padding-mask",
        include_str!("../../rubrics/coding/code-padding-mask.py"),
    ),
    (
        "code-cosine-topk",
        include_str!("../../rubrics/coding/code-cosine-topk.py"),
    ),
];

/// Where a suite came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    File(PathBuf),
}

/// One question's suite, as source; the harness interprets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suite {
    /// The question id.
    pub id: String,
    pub source: String,
    pub origin: Origin,
}

impl Suite {
    /// A suite from source (tests and tools build their own).
    pub fn new(id: &str, source: &str) -> Suite {
        Suite {
            id: id.into(),
            source: source.into(),
            origin: Origin::BuiltIn,
        }
    }

    /// The compiled-in suite of a question.
    pub fn builtin(id: &str) -> Option<Suite> {
        BUILTIN
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(i, src)| Suite::new(i, src))
    }

    /// The user's override if there is one, else the built-in suite, else `None`
    /// (a question that asks for no code, like the debugging ones).
    pub fn load(config_dir: Option<&Path>, id: &str) -> Result<Option<Suite>, RunnerError> {
        if !is_plain_id(id) {
            return Ok(None);
        }
        if let Some(path) = config_dir.map(|d| override_path(d, id)) {
            match std::fs::read_to_string(&path) {
                Ok(source) => {
                    return Ok(Some(Suite {
                        id: id.into(),
                        source,
                        origin: Origin::File(path),
                    }))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(RunnerError::BrokenSuite {
                        file: path.display().to_string(),
                        message: format!("cannot be read: {e}"),
                    })
                }
            }
        }
        Ok(Suite::builtin(id))
    }

    /// Every question id with a suite: the built-in ones and the config dir's, sorted.
    pub fn available(config_dir: Option<&Path>) -> Vec<String> {
        let mut ids: Vec<String> = builtin_ids().map(str::to_string).collect();
        let dir = config_dir.map(|d| d.join("rubrics").join("coding"));
        if let Some(entries) = dir.and_then(|d| std::fs::read_dir(d).ok()) {
            for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
                let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                if path.extension().is_some_and(|x| x == "py") && is_plain_id(id) {
                    ids.push(id.to_string());
                }
            }
        }
        ids.sort();
        ids.dedup();
        ids
    }

    /// Whether some of its cases need numpy (they are skipped without it).
    pub fn needs_numpy(&self) -> bool {
        self.source.contains("\"numpy\"")
    }

    /// The name shown in messages and tracebacks: the path, or `rubrics/coding/<id>.py`.
    pub fn file_name(&self) -> String {
        match &self.origin {
            Origin::BuiltIn => format!("rubrics/coding/{}.py", self.id),
            Origin::File(p) => p.display().to_string(),
        }
    }
}

/// The question ids that have a built-in suite.
pub fn builtin_ids() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(id, _)| *id)
}

/// Question ids are names, never paths: `--question ../x` finds no suite.
fn is_plain_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn override_path(config_dir: &Path, id: &str) -> PathBuf {
    config_dir
        .join("rubrics")
        .join("coding")
        .join(format!("{id}.py"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_override_replaces_the_builtin_suite() {
        let dir = tempfile::tempdir().unwrap();
        let id = BUILTIN[0].0;
        let path = override_path(dir.path(), id);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "ENTRY = 'f'\n").unwrap();
        let suite = Suite::load(Some(dir.path()), id).unwrap().unwrap();
        assert_eq!(suite.source, "ENTRY = 'f'\n");
        assert_eq!(suite.origin, Origin::File(path));
        let builtin = Suite::load(None, id).unwrap().unwrap();
        assert_eq!(builtin.origin, Origin::BuiltIn);
    }

    #[test]
    fn questions_without_code_have_no_suite() {
        assert_eq!(Suite::load(None, "code-debug-loss-flat").unwrap(), None);
    }

    #[test]
    fn ids_list_overrides_and_refuse_paths() {
        let dir = tempfile::tempdir().unwrap();
        let coding = dir.path().join("rubrics").join("coding");
        std::fs::create_dir_all(&coding).unwrap();
        std::fs::write(coding.join("my-question.py"), "ENTRY = 'f'\n").unwrap();
        std::fs::write(coding.join("notes.txt"), "not a suite").unwrap();
        let all = Suite::available(Some(dir.path()));
        assert!(all.contains(&"my-question".to_string()), "{all:?}");
        assert!(all.contains(&BUILTIN[0].0.to_string()));
        assert!(!all.iter().any(|i| i == "notes"));
        std::fs::write(dir.path().join("rubrics").join("escape.py"), "x").unwrap();
        assert_eq!(Suite::load(Some(dir.path()), "../escape").unwrap(), None);
        assert_eq!(Suite::load(Some(dir.path()), "").unwrap(), None);
    }

    #[test]
    fn every_builtin_suite_belongs_to_a_coding_question() {
        let catalog = crate::rounds::Catalog::builtin();
        let coding = catalog.get("coding").unwrap();
        for id in builtin_ids() {
            assert!(coding.question(id).is_some(), "suite {id} has no question");
        }
    }
}
