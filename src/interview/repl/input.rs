//! Reading answers: a rustyline editor on a terminal, a plain reader when
//! stdin is a pipe (so sessions can be scripted and tested end to end).
//!
//! Piped format: one line is one answer. A line that is exactly `"""` starts
//! a multi-line answer that runs to the next `"""` line, and a ``` fence
//! keeps the answer open until it is closed. Slash commands go on their own
//! line. Bytes that are not UTF-8 are replaced, never fatal.

use std::io::{BufRead, Write};

use rustyline::completion::Completer;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{
    Cmd, ConditionalEventHandler, Editor, Event, EventContext, EventHandler, Helper, KeyCode,
    KeyEvent, Modifiers, RepeatCount,
};
use std::sync::{Arc, Mutex};

use super::commands::{self, Command};

/// What the person did at the prompt.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Answer(String),
    Command(Command),
    /// `/run`, with what follows it (a block number).
    Run(Option<String>),
    /// A slash command that does not exist (message ready to show).
    BadCommand(String),
    /// Ctrl-C at the prompt; `discarded` lines of typed text were put in
    /// the history, so Up brings them back.
    Interrupted {
        discarded: usize,
    },
    /// Ctrl-D or end of input.
    Eof,
}

pub trait LineSource {
    fn read(&mut self, prompt: &str) -> Input;
    /// True for a person at a terminal (prompts, editor, self-scoring).
    fn interactive(&self) -> bool;
    /// Read one short line (yes/no, a 1-4 score). None at end of input.
    fn read_short(&mut self, prompt: &str) -> Option<String>;
}

/// Does this text leave a ``` fence or a `"""` block open?
pub fn open_block(text: &str) -> bool {
    let mut fence = false;
    let mut quotes = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            fence = !fence;
        } else if t == "\"\"\"" && !fence {
            quotes = !quotes;
        }
    }
    fence || quotes
}

fn classify(text: String) -> Input {
    match commands::parse(&text) {
        Ok(Some(Command::Run)) => Input::Run(commands::argument(&text)),
        Ok(Some(c)) => Input::Command(c),
        Err(msg) => Input::BadCommand(msg),
        Ok(None) => Input::Answer(strip_block_quotes(&text)),
    }
}

/// Remove the `"""` lines that only delimit a multi-line answer.
fn strip_block_quotes(text: &str) -> String {
    if !text.lines().any(|l| l.trim() == "\"\"\"") {
        return text.to_string();
    }
    let mut fence = false;
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            let t = l.trim();
            if t.starts_with("```") {
                fence = !fence;
            }
            fence || t != "\"\"\""
        })
        .collect();
    kept.join("\n").trim_matches('\n').to_string()
}

// ---- terminal -------------------------------------------------------------

struct AnswerHelper;

impl Completer for AnswerHelper {
    type Candidate = String;
}
impl Hinter for AnswerHelper {
    type Hint = String;
}
impl Highlighter for AnswerHelper {}
impl Validator for AnswerHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        if open_block(ctx.input()) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}
impl Helper for AnswerHelper {}

/// Ctrl-C: keep what was typed (a whole open block too) before the line
/// editor drops it, so it can go into the history.
struct KeepOnInterrupt(Arc<Mutex<String>>);

impl ConditionalEventHandler for KeepOnInterrupt {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        if let Ok(mut kept) = self.0.lock() {
            *kept = ctx.line().to_string();
        }
        Some(Cmd::Interrupt)
    }
}

pub struct Terminal {
    editor: Editor<AnswerHelper, DefaultHistory>,
    interrupted: Arc<Mutex<String>>,
}

impl Terminal {
    pub fn new() -> anyhow::Result<Terminal> {
        let config = rustyline::Config::builder()
            .auto_add_history(false)
            .max_history_size(200)?
            .build();
        let mut editor: Editor<AnswerHelper, DefaultHistory> = Editor::with_config(config)?;
        editor.set_helper(Some(AnswerHelper));
        // Alt-Enter inserts a newline without submitting.
        editor.bind_sequence(
            KeyEvent(KeyCode::Enter, Modifiers::ALT),
            EventHandler::Simple(Cmd::Newline),
        );
        let interrupted = Arc::new(Mutex::new(String::new()));
        editor.bind_sequence(
            KeyEvent::ctrl('C'),
            EventHandler::Conditional(Box::new(KeepOnInterrupt(interrupted.clone()))),
        );
        Ok(Terminal {
            editor,
            interrupted,
        })
    }

    /// After Ctrl-C: put what was being typed into the history (Up brings
    /// it back) and say how many lines that was.
    fn keep_interrupted_text(&mut self) -> String {
        self.interrupted
            .lock()
            .map(|mut k| std::mem::take(&mut *k))
            .unwrap_or_default()
    }

    fn keep_interrupted(&mut self) -> Input {
        let kept = self.keep_interrupted_text();
        if kept.trim().is_empty() {
            return Input::Interrupted { discarded: 0 };
        }
        let _ = self.editor.add_history_entry(kept.as_str());
        Input::Interrupted {
            discarded: kept.lines().count(),
        }
    }
}

impl LineSource for Terminal {
    fn read(&mut self, prompt: &str) -> Input {
        use rustyline::error::ReadlineError;
        match self.editor.readline(prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = self.editor.add_history_entry(line.as_str());
                }
                classify(line)
            }
            Err(ReadlineError::Interrupted) => self.keep_interrupted(),
            Err(ReadlineError::Eof) => Input::Eof,
            Err(_) => Input::Eof,
        }
    }

    fn interactive(&self) -> bool {
        true
    }

    fn read_short(&mut self, prompt: &str) -> Option<String> {
        let line = self.editor.readline(prompt);
        // a yes/no or a score is not worth keeping after Ctrl-C
        let _ = self.keep_interrupted_text();
        line.ok().map(|l| l.trim().to_string())
    }
}

// ---- pipe -----------------------------------------------------------------

pub struct Piped<R: BufRead> {
    reader: R,
    eof: bool,
}

impl<R: BufRead> Piped<R> {
    pub fn new(reader: R) -> Piped<R> {
        Piped { reader, eof: false }
    }

    fn line(&mut self) -> Option<String> {
        if self.eof {
            return None;
        }
        let mut buf = Vec::new();
        match self.reader.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => {
                self.eof = true;
                None
            }
            Ok(_) => {
                while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    buf.pop();
                }
                Some(String::from_utf8_lossy(&buf).into_owned())
            }
        }
    }
}

impl<R: BufRead> LineSource for Piped<R> {
    fn read(&mut self, _prompt: &str) -> Input {
        let Some(first) = self.line() else {
            return Input::Eof;
        };
        let mut text = first;
        while open_block(&text) {
            match self.line() {
                Some(next) => {
                    text.push('\n');
                    text.push_str(&next);
                }
                None => break, // an unclosed block at EOF is still an answer
            }
        }
        classify(text)
    }

    fn interactive(&self) -> bool {
        false
    }

    fn read_short(&mut self, prompt: &str) -> Option<String> {
        let mut out = std::io::stdout();
        let _ = write!(out, "{prompt}");
        let _ = out.flush();
        self.line().map(|l| l.trim().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8]) -> Vec<Input> {
        let mut p = Piped::new(input);
        let mut out = Vec::new();
        loop {
            let i = p.read("");
            if i == Input::Eof {
                break;
            }
            out.push(i);
        }
        out
    }

    #[test]
    fn piped_lines_blocks_fences_and_commands() {
        let got = read_all(b"one line\n\"\"\"\nfirst\n\nsecond\n\"\"\"\n```py\nx = 1\n\n```\n/hint\n/nope\n\xff\xfe bytes\n");
        assert_eq!(got[0], Input::Answer("one line".into()));
        assert_eq!(got[1], Input::Answer("first\n\nsecond".into()));
        assert_eq!(got[2], Input::Answer("```py\nx = 1\n\n```".into()));
        assert_eq!(got[3], Input::Command(Command::Hint));
        assert!(matches!(got[4], Input::BadCommand(_)));
        assert!(matches!(&got[5], Input::Answer(s) if s.ends_with(" bytes")));
    }

    #[test]
    fn open_block_detection() {
        assert!(open_block("```python\nx=1"));
        assert!(!open_block("```python\nx=1\n```"));
        assert!(open_block("\"\"\"\nsome"));
        assert!(!open_block("plain"));
    }
}
