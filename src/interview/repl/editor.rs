//! `/edit`: write a long answer in the person's own editor.

use std::io::Write;
use std::process::Command;

use anyhow::{bail, Context, Result};

const MARKER: &str = "--- write your answer above this line; everything below it is ignored ---";

/// Open `$VISUAL`, then `$EDITOR`, then `vi` on a private temporary file and
/// return what was written above the marker line. `None` when left empty.
pub fn edit_answer(question: &str) -> Result<Option<String>> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".to_string());
    let mut file = tempfile::Builder::new()
        .prefix("mockround-answer-")
        .suffix(".md")
        .tempfile()
        .context("cannot create a temporary file for /edit")?;
    writeln!(file, "\n\n{MARKER}\n\n{question}")?;
    file.flush()?;
    let path = file.path().to_path_buf();
    // The editor value may carry arguments ("code --wait").
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = Command::new(program)
        .args(parts)
        .arg(&path)
        .status()
        .with_context(|| format!("cannot start the editor \"{editor}\"; set $VISUAL or $EDITOR"))?;
    if !status.success() {
        bail!("the editor \"{editor}\" exited with {status}; the answer was not taken");
    }
    let text = std::fs::read_to_string(&path).context("cannot read back the edited answer")?;
    let answer = text.split(MARKER).next().unwrap_or("").trim().to_string();
    Ok((!answer.is_empty()).then_some(answer))
}
