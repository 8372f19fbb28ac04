//! The `mockround` binary: parse arguments, run, turn errors into one line.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    restore_unix_signals();
    let cli = mockround::cli::Cli::parse();
    match mockround::cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("mockround: {}", mockround::ui::one_line(&err));
            ExitCode::from(1)
        }
    }
}

/// Behave like other Unix tools when output goes to `head` (die quietly on
/// SIGPIPE instead of panicking in `println!`), and turn a file-size limit
/// into an error the store reports instead of a silent kill.
fn restore_unix_signals() {
    #[cfg(unix)]
    // SAFETY: setting signal dispositions to default/ignore at start-up,
    // before any threads exist, has no preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}
