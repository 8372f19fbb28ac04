//! The REPL's slash commands, in one table that also generates `/help`.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Help,
    Hint,
    Repeat,
    Skip,
    Time,
    Edit,
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
        help: "show the interviewer's last message again",
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

/// The `/help` text.
pub fn help() -> String {
    let mut out = String::from("Commands:\n");
    for spec in COMMANDS {
        out.push_str(&format!("  {:<8} {}\n", spec.name, spec.help));
    }
    out.push_str(
        "Answers: type and press Enter. For several lines, open a ``` fence (the answer continues until it is closed),\n\
         paste a block, or use /edit. Ctrl-C discards the line you are typing; Ctrl-D saves and stops (resume later).",
    );
    out
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
    if matches.len() == 1 {
        return Ok(Some(matches[0].command));
    }
    Err(format!("unknown command {word}; /help lists the commands"))
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
    }
}
