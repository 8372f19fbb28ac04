//! mockround: a terminal mock interviewer for AI-engineer interviews.
//!
//! The binary in `main.rs` is a thin shell over this library; the flow is
//! `cli` -> `config` -> `session` (structure) + `interviewer` (words) ->
//! `transcript` (saved as it happens) -> `scoring` -> the review commands.

pub mod app;
pub mod cli;
pub mod config;
pub mod coverage;
pub mod diagnose;
pub mod doctor;
pub mod interview;
pub mod interviewer;
pub mod llm;
pub mod plan;
pub mod progress;
pub mod repl;
pub mod replay;
pub mod report;
pub mod review;
pub mod rng;
pub mod rounds;
pub mod runner;
pub mod scoring;
pub mod session;
pub mod templates;
pub mod text;
pub mod transcript;
