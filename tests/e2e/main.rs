//! The end-to-end and quality tests, in one binary so the library is linked
//! once: most of `cargo test`'s time on a 2-core machine was linking a
//! binary per file.

// Each area uses its own part of the shared helpers.
#![allow(dead_code)]

mod common;

mod coverage_quality;

mod formats;
mod interview;
mod judge;
mod judge_calibrate;
mod judge_recorded;
mod layers;
mod listening;
mod llm;
mod llm_client;
mod llm_real;
mod polish;
mod properties;
mod reader_trust;
mod reliability;
mod review;
mod run_cmd;
mod run_in_session;
mod runner;
mod scoring_cli;
mod scoring_quality;
mod scoring_quality_input;
mod scoring_quality_talk;
mod secrets;
mod simulated_candidates;
mod terminal;
