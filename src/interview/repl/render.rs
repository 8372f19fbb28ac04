//! How the session looks in the terminal: colour only on a terminal without
//! `NO_COLOR`, a spinner only until the first token of a model's reply, and
//! plain `Interviewer:` lines when stdout is a pipe so the output reads like
//! the plain-text transcript format. On a terminal, text is wrapped at word
//! boundaries to the width the terminal has when it is shown (read again
//! for every piece, so a resize applies to what comes next).

use std::io::Write;
use std::time::Duration;

use crate::interview::interviewer::Sink;
use crate::ui::{self, Style, Wrapper};

/// The label before an interviewer turn on a terminal, "Interviewer › ".
const LABEL_WIDTH: usize = 14;
/// How much of an answer taken from the editor is shown back.
const TAKEN_SHOWN: usize = 160;

/// The terminal side of an interview: prints interviewer turns as they
/// stream in and notices between them.
pub struct Console {
    pub style: Style,
    spinner: Option<indicatif::ProgressBar>,
    /// Show a spinner while waiting for a model's first token.
    pub spin: bool,
    started: bool,
    wrapper: Wrapper,
}

impl Console {
    pub fn new(style: Style) -> Console {
        Console {
            style,
            spinner: None,
            spin: false,
            started: false,
            wrapper: Wrapper::default(),
        }
    }

    /// The width to wrap to: the terminal's, none in a pipe.
    fn width(&self) -> Option<usize> {
        if self.style.tty {
            ui::term_width()
        } else {
            None
        }
    }

    /// Plain text wrapped to the terminal, continuation lines indented.
    fn fit(&self, text: &str, indent: usize) -> String {
        match self.width() {
            Some(w) => ui::wrap(text, w, 0, indent),
            None => text.to_string(),
        }
    }

    pub fn line(&mut self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }

    /// A note from the tool (not the interviewer).
    pub fn note(&mut self, text: &str) {
        let t = self.fit(&format!("· {text}"), 2);
        let shown = self.style.dim(&t);
        self.line(&shown);
    }

    pub fn warn(&mut self, text: &str) {
        let t = self.fit(&format!("! {text}"), 2);
        let shown = self.style.yellow(&t);
        self.line(&shown);
    }

    /// Plain text from the tool (help, lists), wrapped on a terminal.
    pub fn text(&mut self, text: &str) {
        let t = self.fit(text, 2);
        self.line(&t);
    }

    /// Show an answer that did not come through the prompt (from `/edit`),
    /// so the screen says what was sent; a long one is shortened.
    pub fn taken(&mut self, text: &str) {
        let lines = text.lines().count();
        let chars = text.chars().count();
        let squashed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        // all of it fits: shown whole, no ellipsis; else cut at a word
        let shown = if squashed.chars().count() <= TAKEN_SHOWN {
            squashed
        } else {
            ui::excerpt(text, TAKEN_SHOWN)
        };
        let size = if lines > 1 {
            format!(" ({lines} lines, {chars} characters)")
        } else {
            String::new()
        };
        self.note(&format!("your answer from the editor{size}: {shown}"));
    }

    /// When stdout is not a terminal, write the answer into the output too,
    /// so a scripted session's output reads as a whole transcript.
    pub fn echo_answer(&mut self, text: &str) {
        if !self.style.tty {
            let shown = if text.trim().is_empty() {
                "(no answer)"
            } else {
                text.trim_end()
            };
            self.line(&format!("Candidate: {shown}\n"));
        }
    }

    fn stop_spinner(&mut self) {
        if let Some(s) = self.spinner.take() {
            s.finish_and_clear();
        }
    }

    fn label(&mut self) {
        if !self.started {
            self.started = true;
            self.wrapper = Wrapper::new(if self.style.tty { LABEL_WIDTH } else { 0 }, 0);
            let label = if self.style.tty {
                format!("{} ", self.style.bold(&self.style.cyan("Interviewer ›")))
            } else {
                "Interviewer: ".to_string()
            };
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "{label}");
            let _ = out.flush();
        }
    }
}

impl Sink for Console {
    fn begin(&mut self) {
        self.started = false;
        if self.spin && self.style.color {
            let pb = indicatif::ProgressBar::new_spinner();
            if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {wait}") {
                pb.set_style(style.with_key(
                    "wait",
                    |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = w.write_str(&waiting(state.elapsed()));
                    },
                ));
            }
            pb.enable_steady_tick(Duration::from_millis(90));
            self.spinner = Some(pb);
        }
    }

    fn token(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.stop_spinner();
        self.label();
        let width = self.width();
        let shown = self.wrapper.push(text, width);
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "{shown}");
        let _ = out.flush();
    }

    fn end(&mut self) {
        self.stop_spinner();
        if self.started {
            let width = self.width();
            let rest = self.wrapper.finish(width);
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{rest}\n");
            let _ = out.flush();
        }
        self.started = false;
    }

    fn notice(&mut self, text: &str) {
        self.stop_spinner();
        if self.started {
            let width = self.width();
            let rest = self.wrapper.finish(width);
            self.line(&rest);
            self.started = false;
        }
        self.warn(text);
    }
}

/// What the spinner says: a silent server is visible after a few seconds,
/// with the time it has taken so far.
pub fn waiting(elapsed: Duration) -> String {
    if elapsed < WAITING_AFTER {
        "thinking…".into()
    } else {
        format!("waiting for the model ({} s)…", elapsed.as_secs())
    }
}

/// When the spinner starts counting.
const WAITING_AFTER: Duration = Duration::from_secs(3);

impl Drop for Console {
    fn drop(&mut self) {
        self.stop_spinner();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_model_shows_how_long_it_has_been() {
        assert_eq!(waiting(Duration::from_millis(500)), "thinking…");
        assert_eq!(
            waiting(Duration::from_secs(12)),
            "waiting for the model (12 s)…"
        );
    }
}
