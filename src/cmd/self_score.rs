//! Self-scoring: the candidate rates themselves on each dimension before
//! seeing the score, so the gap between how they think they did and what
//! the evidence shows becomes visible (and trackable over sessions).

use std::path::Path;

use anyhow::Result;
use jiff::Timestamp;

use crate::interview::repl::input::LineSource;
use crate::rounds::Round;
use crate::transcript::store::SessionWriter;
use crate::transcript::{Event, SelfScore, SelfScoreEvent};
use crate::ui::Style;

/// Ask for a 1–4 on each dimension (Enter skips one) and return the answers.
pub fn ask(round: &Round, input: &mut dyn LineSource) -> Vec<SelfScore> {
    let style = Style::detect();
    println!(
        "{}",
        style.bold("Rate yourself 1–4 on each dimension (1 = the weak column, 4 = the strong column; Enter skips).")
    );
    let mut scores = Vec::new();
    for d in &round.dimensions {
        println!("\n{}", style.bold(&d.name));
        println!("  1 weak:   {}", d.weak);
        println!("  4 strong: {}", d.strong);
        loop {
            let Some(line) = input.read_short("  your score (1-4): ") else {
                return scores;
            };
            if line.is_empty() {
                break;
            }
            match line.parse::<u8>() {
                Ok(n) if (1..=4).contains(&n) => {
                    scores.push(SelfScore {
                        id: d.id.clone(),
                        score: n,
                    });
                    break;
                }
                _ => println!("  type a number from 1 to 4, or press Enter to skip"),
            }
        }
    }
    println!();
    scores
}

/// Ask and append a `self_score` event to the session at `path`.
pub fn ask_and_save(
    round: &Round,
    path: &Path,
    input: &mut dyn LineSource,
) -> Result<Option<SelfScoreEvent>> {
    let scores = ask(round, input);
    if scores.is_empty() {
        return Ok(None);
    }
    let event = SelfScoreEvent {
        at: Timestamp::now(),
        scores,
    };
    SessionWriter::open(path)?.append(&Event::SelfScore(event.clone()))?;
    Ok(Some(event))
}
