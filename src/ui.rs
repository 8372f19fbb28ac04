//! Output helpers every layer that prints shares: colour and terminal
//! detection, the interview clock, one-line errors, quiet broken pipes and
//! private (0600) output files.
//!
//! This module imports nothing else from the crate, so the interview, the
//! review side and the commands can all use it without a cycle.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, Result};
use jiff::Timestamp;

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub tty: bool,
}

impl Style {
    pub fn detect() -> Style {
        let tty = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        Style {
            color: tty && !no_color && !dumb,
            tty,
        }
    }

    pub fn plain() -> Style {
        Style {
            color: false,
            tty: false,
        }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    pub fn cyan(&self, s: &str) -> String {
        self.paint("36", s)
    }
    pub fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    pub fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }
    pub fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }
    pub fn magenta(&self, s: &str) -> String {
        self.paint("35", s)
    }
}

/// mm:ss
pub fn clock(d: Duration) -> String {
    let s = d.as_secs();
    format!("{}:{:02}", s / 60, s % 60)
}

/// Render an error chain on one line: bad input gets one line that says
/// what went wrong and what to do, never a multi-line dump.
pub fn one_line(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let s = cause
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    parts.join(": ")
}

/// `mockround progress | head` closing the pipe early is not an error.
pub fn quiet_broken_pipe(r: Result<std::process::ExitCode>) -> Result<std::process::ExitCode> {
    match r {
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            Ok(std::process::ExitCode::SUCCESS)
        }
        other => other,
    }
}

/// A timestamp as people read it: local date and time to the minute.
pub fn local_time(ts: Timestamp) -> String {
    ts.to_zoned_datetime(jiff::tz::TimeZone::system())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// Write a file only its owner can read, replacing it atomically so a
/// failed write never leaves half a report (or a world-readable one).
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let shown = path.display();
    if path.is_dir() {
        anyhow::bail!("{shown} is a directory; give a file name, e.g. -o {shown}/report.html");
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if !dir.is_dir() {
        anyhow::bail!(
            "cannot write {shown}: the directory {} does not exist",
            dir.display()
        );
    }
    // tempfile creates its files 0600 on unix.
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).with_context(|| {
        format!(
            "cannot write {shown}: cannot create a file in {}",
            dir.display()
        )
    })?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {shown}"))?;
    tmp.persist(path)
        .map_err(|e| anyhow::anyhow!("cannot write {shown}: {}", e.error))?;
    Ok(())
}
