//! Tera templates: interviewer personas, judge prompts and report layouts.
//!
//! The files in `prompts/` are compiled into the binary; a file with the same
//! name in `<config dir>/prompts/` replaces one, so people can tune a persona
//! or a report without rebuilding. Only `.html` templates are autoescaped:
//! prompts must reach the model exactly as written.

use std::path::Path;

use anyhow::{Context as _, Result};

/// Every built-in template: (name, source). Names are paths under prompts/.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "judge-system.tera",
        include_str!("../prompts/judge-system.tera"),
    ),
    (
        "judge-dimension.tera",
        include_str!("../prompts/judge-dimension.tera"),
    ),
    (
        "judge-round.tera",
        include_str!("../prompts/judge-round.tera"),
    ),
    ("report.md.tera", include_str!("../prompts/report.md.tera")),
    (
        "report.html.tera",
        include_str!("../prompts/report.html.tera"),
    ),
    (
        "interviewer-base.tera",
        include_str!("../prompts/interviewer-base.tera"),
    ),
    (
        "interviewer-rules.tera",
        include_str!("../prompts/interviewer-rules.tera"),
    ),
    (
        "interviewer-default.tera",
        include_str!("../prompts/interviewer-default.tera"),
    ),
    (
        "interviewer-ml-fundamentals.tera",
        include_str!("../prompts/interviewer-ml-fundamentals.tera"),
    ),
    (
        "interviewer-system-design.tera",
        include_str!("../prompts/interviewer-system-design.tera"),
    ),
    (
        "interviewer-coding.tera",
        include_str!("../prompts/interviewer-coding.tera"),
    ),
    (
        "interviewer-behavioral.tera",
        include_str!("../prompts/interviewer-behavioral.tera"),
    ),
    (
        "interviewer-turn.tera",
        include_str!("../prompts/interviewer-turn.tera"),
    ),
    (
        "interviewer-answer.tera",
        include_str!("../prompts/interviewer-answer.tera"),
    ),
    (
        "interviewer-task.tera",
        include_str!("../prompts/interviewer-task.tera"),
    ),
];

/// A loaded set of templates.
pub struct Templates {
    tera: tera::Tera,
}

impl Templates {
    /// Built-in templates plus overrides from `<config_dir>/prompts/`.
    pub fn load(config_dir: Option<&Path>) -> Result<Templates> {
        let mut sources: Vec<(String, String)> = BUILTIN
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        if let Some(dir) = config_dir.map(|d| d.join("prompts")) {
            if let Ok(entries) = std::fs::read_dir(&dir) {
                let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                files.sort();
                for path in files {
                    if !path.is_file() {
                        continue;
                    }
                    let Some(name) = path
                        .file_name()
                        .and_then(|n| n.to_str())
                        .map(str::to_string)
                    else {
                        continue;
                    };
                    if !name.ends_with(".tera") {
                        continue;
                    }
                    let src = std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read template {}", path.display()))?;
                    match sources.iter_mut().find(|(n, _)| *n == name) {
                        Some(existing) => existing.1 = src,
                        None => sources.push((name, src)),
                    }
                }
            }
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html.tera", ".html"]);
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| anyhow::anyhow!("invalid template: {}", tera_error(&e)))?;
        Ok(Templates { tera })
    }

    /// Render a template; errors name the template and the problem in one line.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String> {
        self.tera
            .render(name, context)
            .map_err(|e| anyhow::anyhow!("cannot render template {name}: {}", tera_error(&e)))
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }
}

/// Tera nests the real cause in `source()`; flatten it to one line.
fn tera_error(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(c) = cur {
        parts.push(c.to_string());
        cur = c.source();
    }
    crate::text::squash_ws(&parts.join(": "))
}
