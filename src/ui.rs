//! Output helpers every layer that prints shares: colour and terminal
//! detection, the terminal's width and word wrap, the interview clock,
//! one-line errors, quiet broken pipes, short quotes, how this binary was
//! invoked, and private (0600) output files.
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

/// The width of the terminal on stdout, read afresh on each call so text
/// shown after a resize fits the new width. None when stdout is not a
/// terminal (a pipe gets lines as they are).
pub fn term_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    // SAFETY: TIOCGWINSZ writes one winsize into the struct we own.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    if ok && size.ws_col > 0 {
        return Some(size.ws_col as usize);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|c: &usize| *c > 0)
}

/// Wrap text at word boundaries to `width` columns, the first line starting
/// at column `start` and later lines indented by `indent` spaces.
pub fn wrap(text: &str, width: usize, start: usize, indent: usize) -> String {
    let mut w = Wrapper::new(start, indent);
    let mut out = w.push(text, Some(width));
    out.push_str(&w.finish(Some(width)));
    out
}

/// Word wrap for text that arrives in pieces (a model's reply streaming
/// in): a word is held back until it is complete, then placed on the line
/// or on the next one. Existing line breaks are kept; a word longer than a
/// line is split, as nothing else fits. Code inside a ``` fence is never
/// wrapped (a broken code line reads as different code). Widths count
/// characters, which is right for the text an interview shows. With no
/// width, text passes through untouched.
#[derive(Debug, Default)]
pub struct Wrapper {
    col: usize,
    indent: usize,
    /// At the start of a line: the next word goes here whatever its length.
    fresh: bool,
    word: String,
    spaces: usize,
    /// Inside a ``` fence: lines pass as they are.
    code: bool,
}

impl Wrapper {
    pub fn new(start: usize, indent: usize) -> Wrapper {
        Wrapper {
            col: start,
            indent,
            fresh: start == 0,
            ..Wrapper::default()
        }
    }

    /// What to print for `text` now.
    pub fn push(&mut self, text: &str, width: Option<usize>) -> String {
        let Some(width) = width else {
            return text.to_string();
        };
        let width = width.max(self.indent + 10);
        let mut out = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            match c {
                '\n' => {
                    self.place(&mut out, width);
                    self.spaces = 0;
                    out.push('\n');
                    self.col = 0;
                    self.fresh = true;
                }
                ' ' => {
                    self.place(&mut out, width);
                    self.spaces += 1;
                }
                _ => self.word.push(c),
            }
        }
        out
    }

    /// The held-back end of the text.
    pub fn finish(&mut self, width: Option<usize>) -> String {
        let mut out = String::new();
        if let Some(width) = width {
            self.place(&mut out, width.max(self.indent + 10));
        }
        self.spaces = 0;
        out
    }

    fn place(&mut self, out: &mut String, width: usize) {
        if self.word.is_empty() {
            return;
        }
        if self.fresh && self.word.starts_with("```") {
            self.code = !self.code;
        }
        let w = self.word.chars().count();
        if self.code || (self.fresh && self.word.starts_with("```")) {
            out.push_str(&" ".repeat(self.spaces));
            out.push_str(&std::mem::take(&mut self.word));
            self.col += self.spaces + w;
            self.spaces = 0;
            self.fresh = false;
            return;
        }
        if !self.fresh && self.col + self.spaces + w > width {
            self.new_line(out);
        } else {
            out.push_str(&" ".repeat(self.spaces));
            self.col += self.spaces;
        }
        self.spaces = 0;
        for c in std::mem::take(&mut self.word).chars() {
            if self.col >= width {
                self.new_line(out);
            }
            out.push(c);
            self.col += 1;
        }
        self.fresh = false;
    }

    fn new_line(&mut self, out: &mut String) {
        out.push('\n');
        out.push_str(&" ".repeat(self.indent));
        self.col = self.indent;
    }
}

/// A quote for a one-line display: at most `max` characters, cut at a word
/// boundary, with an ellipsis wherever the quote stops short of the end of
/// a sentence, so a cut is never mistaken for what was said in full.
pub fn excerpt(quote: &str, max: usize) -> String {
    let squashed = quote.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut shown = if squashed.chars().count() > max {
        let cut: String = squashed.chars().take(max).collect();
        match cut.rfind(' ') {
            Some(i) if i > 0 => cut[..i].to_string(),
            _ => cut,
        }
    } else {
        squashed
    };
    let ends_sentence = shown.ends_with(['.', '!', '?', '…', ')', '"', '`']);
    if !ends_sentence {
        shown = shown
            .trim_end_matches([',', ';', ':', ' ', '-'])
            .to_string();
        shown.push('…');
    }
    shown
}

/// How to run this binary again in a hint: `mockround` when it was found on
/// the PATH, the `cargo run` form when it runs from a cargo target
/// directory (the README's set-up), else the path it was started by.
pub fn invoked_as() -> String {
    let arg0 = std::env::args_os().next().unwrap_or_default();
    invoked_form(Path::new(&arg0))
}

fn invoked_form(arg0: &Path) -> String {
    let parent = arg0.parent().filter(|p| !p.as_os_str().is_empty());
    let Some(dir) = parent else {
        return "mockround".into();
    };
    let in_target = |profile: &str| {
        dir.file_name().is_some_and(|d| d == profile)
            && dir
                .parent()
                .and_then(|p| p.file_name())
                .is_some_and(|t| t == "target")
    };
    if in_target("release") {
        "cargo run --release --".into()
    } else if in_target("debug") {
        "cargo run --".into()
    } else {
        arg0.display().to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_words_and_keeps_lines() {
        let text = "the summariser reads which chunks\nmatter most";
        let got = wrap(text, 12, 0, 0);
        assert_eq!(got, "the\nsummariser\nreads which\nchunks\nmatter most");
        let wrapped = wrap("a b c d e f g h i j k l m n o p", 14, 4, 2);
        assert!(wrapped.lines().count() > 1, "{wrapped:?}");
        for line in wrapped.lines().skip(1) {
            assert!(
                line.starts_with("  ") && line.chars().count() <= 14,
                "{line:?}"
            );
        }
        // the first line starts after a label
        assert_eq!(wrap("alpha beta", 14, 8, 0), "alpha\nbeta");
        // pieces as they stream in wrap the same as the whole text
        let mut w = Wrapper::new(14, 0);
        let pieces = ["The summ", "ariser reads ", "which", " chunks matter most"];
        let mut streamed: String = pieces.iter().map(|p| w.push(p, Some(24))).collect();
        streamed.push_str(&w.finish(Some(24)));
        assert_eq!(streamed, wrap(&pieces.concat(), 24, 14, 0));
        assert_eq!(streamed, "The\nsummariser reads which\nchunks matter most");
        // code in a fence keeps its lines, the text after it wraps again
        let fenced = "Look:\n```python\nx = compute(alpha, beta)\n```\nwhat breaks";
        assert_eq!(
            wrap(fenced, 12, 0, 0),
            "Look:\n```python\nx = compute(alpha, beta)\n```\nwhat breaks"
        );
        assert_eq!(
            wrap("```\ncode\n```\none two three", 10, 0, 0)
                .lines()
                .last(),
            Some("three")
        );
        // a word longer than the line is split rather than overflowing
        assert!(wrap(&"x".repeat(25), 10, 0, 0)
            .lines()
            .all(|l| l.len() <= 10));
    }

    #[test]
    fn excerpts_end_at_a_word_with_an_ellipsis_unless_a_sentence_ends() {
        assert_eq!(excerpt("It returns early.", 80), "It returns early.");
        assert_eq!(
            excerpt("so the empty list returns", 80),
            "so the empty list returns…"
        );
        let long = excerpt("one two three four five six", 15);
        assert_eq!(long, "one two three…");
        assert_eq!(excerpt("we cache it, then", 80), "we cache it, then…");
        assert_eq!(excerpt("first,", 80), "first…");
    }

    #[test]
    fn the_hint_names_the_command_the_way_it_was_run() {
        assert_eq!(invoked_form(Path::new("mockround")), "mockround");
        assert_eq!(
            invoked_form(Path::new("/src/mockround/target/release/mockround")),
            "cargo run --release --"
        );
        assert_eq!(
            invoked_form(Path::new("target/debug/mockround")),
            "cargo run --"
        );
        assert_eq!(
            invoked_form(Path::new("/opt/bin/mockround")),
            "/opt/bin/mockround"
        );
    }
}
