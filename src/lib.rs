//! mockround: a terminal mock interviewer for AI-engineer interviews.
//!
//! The folders follow the flow: `rounds` (the bank and rubric) feed the
//! `session` state machine; the `interview` loop joins it with an
//! interviewer engine and the terminal and saves every turn to a
//! `transcript`; `scoring` turns a transcript into a score with evidence;
//! `review` looks back over sessions; `cmd` has one module per subcommand.
//!
//! The layers, each using only the ones below it:
//!
//! | layer     | modules |
//! |-----------|---------|
//! | entry     | `cmd`, then `cli` (the clap definitions) |
//! | review    | `review` |
//! | scoring   | `scoring` |
//! | interview | `interview` |
//! | core      | `session`, `llm`, `transcript`, `coverage`, `runner`, `rounds`, `config`, `templates`, `text`, `rng` |
//!
//! Within core, a module uses only those after it in the list.
//! `ui` (colour, the clock, one-line errors, broken pipes, private files)
//! imports nothing from the crate, so every layer that prints may use it.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod coverage;
pub mod interview;
pub mod llm;
pub mod review;
pub mod rng;
pub mod rounds;
pub mod runner;
pub mod scoring;
pub mod session;
pub mod templates;
pub mod text;
pub mod transcript;
pub mod ui;
