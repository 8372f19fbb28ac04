//! The REPL's slash commands, in one table that also generates `/help`.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Help,
    Hint,
    Repeat,
    Skip,
    Time,
    Edit,
    Run,
    End,
    Quit,
}

pub struct Spec {
    pub command: Command,
    pub name: &'static str,
    pub help: &'static str,
}

pub const COMMANDS: &[Spec] = &[
    Spec {
        command: Command::Help,
        name: "/help",
        help: "show this list",
    },
    Spec {
        command: Command::Hint,
        name: "/hint",
        help: "a nudge toward what the interviewer is looking for (recorded)",
    },
    Spec {
        command: Command::Repeat,
        name: "/repeat",
        help: "show the question again, with the latest follow-up",
    },
    Spec {
        command: Command::Skip,
        name: "/skip",
        help: "skip this question and move to the next one",
    },
    Spec {
        command: Command::Time,
        name: "/time",
        help: "time left and where you are in the round",
    },
    Spec {
        command: Command::Edit,
        name: "/edit",
        help: "write the answer in $VISUAL / $EDITOR",
    },
    Spec {
        command: Command::Run,
        name: "/run",
        help: "run your latest code block against the question's tests (/run 2: your second block)",
    },
    Spec {
        command: Command::End,
        name: "/end",
        help: "wrap up now and score the session",
    },
    Spec {
        command: Command::Quit,
        name: "/quit",
        help: "leave without scoring (the session stays saved)",
    },
];

/// How answers are typed; README.md, "In the interview", says the same.
const HOW_TO_ANSWER: &str = "\
Answers: type and press Enter. A command may be shortened while it stays unique (/sk for /skip).
Several lines: Alt-Enter starts a new line without sending; a ``` fence keeps the answer open
  until it is closed; a pasted block arrives whole; /edit opens your editor.
Ctrl-C discards what you are typing (a whole open block too) and says so; press Up to get it back.
Ctrl-D saves and stops (resume later).";

/// The `/help` text.
pub fn help() -> String {
    let mut out = String::from("Commands:\n");
    for spec in COMMANDS {
        out.push_str(&format!("  {:<8} {}\n", spec.name, spec.help));
    }
    out.push_str(HOW_TO_ANSWER);
    out
}

/// What follows the command word (`/run 2`), if anything.
pub fn argument(line: &str) -> Option<String> {
    let rest = line.trim().split_once(char::is_whitespace)?.1.trim();
    (!rest.is_empty()).then(|| rest.to_string())
}

/// Parse a line that starts with '/'. `Err` carries the message for an
/// unknown command; `Ok(None)` means the line is not a command at all.
pub fn parse(line: &str) -> Result<Option<Command>, String> {
    let trimmed = line.trim();
    if !trimmed.starts_with('/') || trimmed.contains('\n') {
        return Ok(None);
    }
    let word = trimmed.split_whitespace().next().unwrap_or("");
    // "/usr/bin is..." or "/ 2" are answers, not commands
    if word.len() < 2
        || word[1..].contains('/')
        || !word[1..].chars().all(|c| c.is_ascii_alphabetic())
    {
        return Ok(None);
    }
    let lower = word.to_ascii_lowercase();
    if let Some(spec) = COMMANDS.iter().find(|s| s.name == lower) {
        return Ok(Some(spec.command));
    }
    let matches: Vec<&Spec> = COMMANDS
        .iter()
        .filter(|s| s.name.starts_with(&lower))
        .collect();
    match matches.as_slice() {
        [one] => Ok(Some(one.command)),
        [] => Err(format!("unknown command {word}; /help lists the commands")),
        many => Err(format!("{word} could be {}", either(many))),
    }
}

/// "/help or /hint", "/a, /b or /c".
fn either(specs: &[&Spec]) -> String {
    let names: Vec<&str> = specs.iter().map(|s| s.name).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_and_unknown_ones_explain() {
        assert_eq!(parse("/hint"), Ok(Some(Command::Hint)));
        assert_eq!(parse("  /END "), Ok(Some(Command::End)));
        assert_eq!(parse("/sk"), Ok(Some(Command::Skip)));
        assert!(parse("/bogus").unwrap_err().contains("/help"));
        assert_eq!(parse("/usr/bin/python is where"), Ok(None));
        assert_eq!(parse("plain answer"), Ok(None));
        assert!(help().contains("/edit"));
        assert_eq!(parse("/run 2"), Ok(Some(Command::Run)));
        assert_eq!(argument("/run  2 "), Some("2".into()));
        assert_eq!(argument("/run"), None);
    }

    #[test]
    fn an_ambiguous_prefix_names_the_commands_it_could_be() {
        assert_eq!(parse("/h"), Err("/h could be /help or /hint".into()));
        assert_eq!(parse("/he"), Ok(Some(Command::Help)));
        assert_eq!(parse("/hi"), Ok(Some(Command::Hint)));
        // every command is reachable by its own full name
        for spec in COMMANDS {
            assert_eq!(parse(spec.name), Ok(Some(spec.command)));
        }
    }
}
