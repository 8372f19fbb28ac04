//! What only a terminal shows, driven through a pseudo-terminal: text
//! wrapped to the terminal's width and re-wrapped after a resize, Ctrl-C
//! inside an open ``` fence (the block comes back with Up), and `/edit`
//! showing the answer it took. Each test skips with a note when this
//! machine has no pseudo-terminal (or no `stty` to size it). Waits are
//! generous deadlines for output to appear, never timing assertions.

use std::path::Path;
use std::process::Command;

use rexpect::session::{spawn_command, PtySession};

use crate::common::*;

/// How long to wait for expected output before failing: a loaded shared
/// machine can be slow, and only a hang should fail a test.
const PATIENCE_MS: u64 = 60_000;

/// The binary in a pseudo-terminal `cols` wide, with a clean environment.
/// `stty` sizes the terminal before the program starts, so the first
/// thing it prints already sees the width. None when no pty is available.
fn spawn(home: &Path, cols: u16, args: &[&str], env: &[(&str, &str)]) -> Option<PtySession> {
    if !Path::new("/dev/ptmx").exists() {
        eprintln!("skipped: no pseudo-terminal on this machine");
        return None;
    }
    let stty_ok = Command::new("stty")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !stty_ok {
        eprintln!("skipped: no stty to size the pseudo-terminal");
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("mockround");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("stty cols {cols} rows 50 && exec \"$0\" \"$@\""))
        .arg(&bin)
        .args(args);
    for var in [
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "MOCKROUND_MODEL",
        "VISUAL",
        "EDITOR",
        "COLUMNS",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("MOCKROUND_HOME", home)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    for (k, v) in env {
        cmd.env(k, v);
    }
    match spawn_command(cmd, Some(PATIENCE_MS)) {
        Ok(s) => Some(s),
        Err(e) => {
            eprintln!("skipped: cannot open a pseudo-terminal ({e})");
            None
        }
    }
}

/// The prompt's `›` as the expect library hands it over: it reads the
/// output byte by byte, one char per byte.
const PROMPT_MARK: &str = "\u{e2}\u{80}\u{ba} ";

/// Terminal output as text: bytes decoded as UTF-8 again, escape sequences
/// removed, CR LF as LF, and what a carriage return overwrote dropped.
fn screen_text(raw: &str) -> String {
    let bytes: Vec<u8> = raw.chars().map(|c| c as u32 as u8).collect();
    let decoded = String::from_utf8_lossy(&bytes);
    let mut out = String::new();
    let mut chars = decoded.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    // parameters, then one final byte
                    for f in chars.by_ref() {
                        if ('@'..='~').contains(&f) {
                            break;
                        }
                    }
                } else {
                    chars.next();
                }
            }
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    let start = out.rfind('\n').map(|i| i + 1).unwrap_or(0);
                    out.truncate(start);
                }
            }
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// Wait for the next prompt (the status line, then `› `) and return what
/// was shown before it.
fn until_prompt(s: &mut PtySession) -> String {
    let (before, _) = s
        .exp_regex(&format!(r"left\]\r\n[^\u{{e2}}]*{PROMPT_MARK}"))
        .expect("the prompt comes back");
    screen_text(&before)
}

/// The last interviewer message on screen, without its label.
fn last_message(shown: &str) -> String {
    let at = shown
        .rfind("Interviewer › ")
        .expect("an interviewer message");
    let rest = &shown[at + "Interviewer › ".len()..];
    let end = rest.find("\n[").unwrap_or(rest.len());
    rest[..end].trim_end().to_string()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lines of a message outside its ``` fences (code is never wrapped).
fn prose_lines(message: &str) -> Vec<&str> {
    let mut code = false;
    let mut out = Vec::new();
    for line in message.lines() {
        if line.trim_start().starts_with("```") {
            code = !code;
        } else if !code {
            out.push(line);
        }
    }
    out
}

const LABEL: usize = "Interviewer › ".len() - 2; // "›" is one column, three bytes

fn interviewer_turn(home: &Path, kind: &str) -> String {
    let ev = events(&session_files(home)[0]);
    turns(&ev)
        .iter()
        .rev()
        .find(|t| t["role"] == "interviewer" && t["kind"] == kind)
        .and_then(|t| t["text"].as_str())
        .expect("the turn is saved")
        .to_string()
}

/// Checks a message on screen against the saved text: the same words in
/// the same order (nothing cut inside a word), no prose line wider than
/// `cols`, and, for a message longer than 60 columns, some line wider than
/// 60 (so the width used was `cols`, not a narrower one).
fn assert_wrapped(shown: &str, saved: &str, cols: usize) {
    assert_eq!(squash(shown), squash(saved), "words kept whole:\n{shown}");
    let prose = prose_lines(shown);
    for (i, line) in prose.iter().enumerate() {
        let width = line.chars().count() + if i == 0 { LABEL } else { 0 };
        assert!(width <= cols, "{width} > {cols}: {line:?}");
    }
    let longest = prose_lines(saved)
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    if longest + LABEL > cols {
        assert!(
            shown.lines().count() > saved.lines().count(),
            "a line longer than the terminal is wrapped:\n{shown}"
        );
    }
}

#[test]
fn interviewer_text_wraps_to_the_width_and_again_after_a_resize() {
    let home = home();
    let args = [
        "start",
        "coding",
        "--questions",
        "1",
        "--seed",
        "4",
        "--no-score",
    ];
    let Some(mut s) = spawn(home.path(), 60, &args, &[]) else {
        return;
    };
    let first = until_prompt(&mut s);
    let question = last_message(&first);
    // wider now: the kernel tells the program (SIGWINCH), and the next
    // message is wrapped to the new width
    resize(&s, 100);
    s.send("I would use a dict.\r").unwrap();
    s.flush().unwrap();
    let second = until_prompt(&mut s);
    let follow_up = last_message(&second);
    s.send_control('d').unwrap();
    s.exp_eof().expect("Ctrl-D saves and stops");

    assert_wrapped(&question, &interviewer_turn(home.path(), "question"), 60);
    let saved = interviewer_turn(home.path(), "follow_up");
    assert!(
        saved.chars().count() + LABEL > 100,
        "the fixture's follow-up wraps at 100: {saved}"
    );
    assert_wrapped(&follow_up, &saved, 100);
    assert!(
        follow_up.lines().any(|l| l.chars().count() > 60),
        "after the resize lines use the new width:\n{follow_up}"
    );
}

/// Set the pseudo-terminal's size from the outside, as a terminal window
/// does when it is resized.
fn resize(s: &PtySession, cols: u16) {
    use std::os::fd::AsRawFd;
    let master = s.process().get_file_handle().unwrap();
    let size = libc::winsize {
        ws_row: 50,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCSWINSZ reads one winsize from a struct we own.
    let rc = unsafe { libc::ioctl(master.as_raw_fd(), libc::TIOCSWINSZ, &size) };
    assert_eq!(rc, 0, "cannot resize the pseudo-terminal");
}

#[test]
fn ctrl_c_in_an_open_fence_says_so_and_up_brings_the_block_back() {
    let home = home();
    let args = [
        "start",
        "coding",
        "--questions",
        "1",
        "--seed",
        "4",
        "--no-score",
    ];
    let Some(mut s) = spawn(home.path(), 80, &args, &[]) else {
        return;
    };
    until_prompt(&mut s);
    s.send("```python\rx = compute(1)\r").unwrap();
    s.flush().unwrap();
    s.exp_string("x = compute(1)").unwrap();
    s.send_control('c').unwrap();
    let shown = until_prompt(&mut s);
    assert!(
        shown.contains("discarded the 2 lines you were typing; press Up to get them back"),
        "{shown}"
    );
    // Up brings the block back, still open; closing it sends it whole
    s.send("\x1b[A").unwrap();
    s.flush().unwrap();
    s.exp_string("x = compute(1)").unwrap();
    s.send("```\r").unwrap();
    s.flush().unwrap();
    until_prompt(&mut s);
    s.send_control('d').unwrap();
    s.exp_eof().unwrap();
    let ev = events(&session_files(home.path())[0]);
    let answers: Vec<String> = turns(&ev)
        .iter()
        .filter(|t| t["role"] == "candidate")
        .map(|t| t["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(answers.len(), 1, "{answers:?}");
    assert_eq!(
        squash(&answers[0]),
        "```python x = compute(1) ```",
        "{answers:?}"
    );
}

#[test]
fn edit_shows_the_answer_it_took() {
    let home = home();
    let editor = home.path().join("fake-editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'Gradients pile up: zero_grad is never called.\\n\\nSo each step adds to the last.\\n' > \"$1\"\n",
    )
    .unwrap();
    let exec = std::os::unix::fs::PermissionsExt::from_mode(0o755);
    std::fs::set_permissions(&editor, exec).unwrap();
    let args = [
        "start",
        "coding",
        "--questions",
        "1",
        "--seed",
        "4",
        "--no-score",
    ];
    let editor_path = editor.to_str().unwrap();
    let Some(mut s) = spawn(home.path(), 100, &args, &[("EDITOR", editor_path)]) else {
        return;
    };
    until_prompt(&mut s);
    s.send("/edit\r").unwrap();
    s.flush().unwrap();
    let shown = squash(&until_prompt(&mut s));
    assert!(
        shown.contains("your answer from the editor (3 lines, ")
            && shown.contains(
                "Gradients pile up: zero_grad is never called. So each step adds to the last."
            ),
        "{shown}"
    );
    s.send_control('d').unwrap();
    s.exp_eof().unwrap();
}

#[test]
fn a_resize_mid_answer_redraws_the_answer_but_not_the_status_line() {
    let home = home();
    let args = [
        "start",
        "coding",
        "--questions",
        "1",
        "--seed",
        "4",
        "--no-score",
    ];
    let Some(mut s) = spawn(home.path(), 100, &args, &[]) else {
        return;
    };
    until_prompt(&mut s);
    // Longer than the new width, so the line editor must redraw it; its
    // first 58 characters and the 2-column prompt fill a 60-column row, so
    // the terminal's own wrap falls between words and the last word is
    // drawn whole.
    let answer = "The gradients are never zeroed, so every step adds to the \
                  last one, and momentum makes it worse";
    s.send(answer).unwrap();
    s.flush().unwrap();
    s.exp_string("worse").unwrap();
    resize(&s, 60);
    // the redraw shows the answer again, after the short prompt only
    let redraw = screen_text(&s.exp_string("worse").unwrap());
    assert!(
        !redraw.contains("left]"),
        "the status line is not redrawn: {redraw:?}"
    );
    s.send("\r").unwrap();
    s.flush().unwrap();
    until_prompt(&mut s);
    s.send_control('d').unwrap();
    s.exp_eof().unwrap();
    let ev = events(&session_files(home.path())[0]);
    let kept: Vec<&str> = turns(&ev)
        .iter()
        .filter(|t| t["role"] == "candidate")
        .filter_map(|t| t["text"].as_str())
        .collect();
    assert_eq!(
        kept,
        vec![answer],
        "the answer is taken whole after the resize"
    );
}
