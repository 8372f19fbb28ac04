//! Offline scoring throughput: every labelled transcript in tests/data,
//! scored over and over in one process. Goal: at least 1,000 transcripts a
//! second. Prints figures; asserts nothing.
//!
//! cargo bench --bench scoring

use std::time::Instant;

use mockround::rounds::Catalog;
use mockround::scoring::reader;
use mockround::transcript::{import, Transcript};

fn main() {
    let cat = Catalog::builtin();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let mut transcripts: Vec<Transcript> = Vec::new();
    let mut bytes = 0usize;
    for dir in ["samples", "holdout", "holdout2", "holdout3", "holdout4"] {
        let Ok(entries) = std::fs::read_dir(format!("{root}/{dir}")) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "txt") {
                let text = std::fs::read_to_string(&p).unwrap();
                bytes += text.len();
                transcripts.push(import::parse(&p.to_string_lossy(), &text, None).unwrap());
            }
        }
    }
    // warm up the lexicon automaton and caches
    for t in &transcripts {
        reader::score(cat.get(&t.header.round).unwrap(), t);
    }
    let rounds = 20;
    let start = Instant::now();
    let mut sink = 0.0;
    for _ in 0..rounds {
        for t in &transcripts {
            let r = reader::score(cat.get(&t.header.round).unwrap(), t);
            sink += r.overall.unwrap_or(0.0);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let n = transcripts.len() * rounds;
    println!(
        "offline scoring: {n} transcripts ({} distinct, {:.1} KB average) in {secs:.2} s = {:.0} transcripts/s (goal >= 1000) [checksum {sink:.1}]",
        transcripts.len(),
        bytes as f64 / transcripts.len() as f64 / 1024.0,
        n as f64 / secs
    );
}
