//! The `mockround` binary: parse arguments, run, turn errors into one line.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = mockround::cli::Cli::parse();
    match mockround::app::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("mockround: {}", mockround::app::one_line(&err));
            ExitCode::from(1)
        }
    }
}
