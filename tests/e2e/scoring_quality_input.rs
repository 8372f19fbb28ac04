//! Length, repetition and junk buy nothing: a sentence said a thousand
//! times counts once, and text without sentence structure (word salad,
//! pasted logs, numbered dumps, one token over and over) is recognised,
//! never quoted, and leaves the rest of the answer to be scored on its own.

use mockround::scoring::ScoreReport;

use crate::reader_trust::{overall, score, transcript, BASE};

/// A deterministic pseudo-random sequence (no dependency, same every run).
struct Lcg(u64);

impl Lcg {
    fn pick(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// The words of the strong base answers, drawn at random: every cue and
/// signal word of a strong answer is in it, but no sentence is.
fn salad(chars: usize, seed: u64, numbered: bool, stops: bool) -> String {
    let words: Vec<&str> = BASE
        .iter()
        .flat_map(|(_, a)| a.split_whitespace())
        .collect();
    let mut rng = Lcg(seed);
    let mut out = String::new();
    let mut line = 1;
    while out.len() < chars {
        if numbered {
            out.push_str(&format!("L{line:05} "));
        }
        for k in 0..12 {
            let w = words[rng.pick(words.len())].trim_matches(|c: char| !c.is_alphanumeric());
            out.push_str(w);
            out.push(if stops && k == 11 { '.' } else { ' ' });
            if stops && k == 11 {
                out.push(' ');
            }
        }
        out.push('\n');
        line += 1;
    }
    out
}

fn one_answer(answer: &str) -> String {
    format!(
        "# Round: system-design\n\nInterviewer: {}\n\nCandidate: {answer}\n\n",
        BASE[0].0
    )
}

fn quotes(r: &ScoreReport) -> Vec<String> {
    r.dimensions
        .iter()
        .flat_map(|d| d.evidence.iter().cloned())
        .collect()
}

/// Every quote is a piece of a real base answer, not of the paste.
fn quotes_are_real(r: &ScoreReport) {
    for q in quotes(r) {
        assert!(
            BASE.iter()
                .any(|(_, a)| mockround::text::squash_ws(a).contains(&q)),
            "quoted from the paste: {q:?}"
        );
    }
}

#[test]
fn a_sentence_repeated_scores_no_higher_than_once() {
    let s = "I would validate the SQL against the schema before running it.";
    let once = overall(&score(&one_answer(s)));
    for n in [2, 5, 100, 1000] {
        let r = score(&one_answer(&vec![s; n].join(" ")));
        assert!(overall(&r) <= once, "x{n}: {} > {once}", overall(&r));
        if n > 1 {
            assert!(
                r.notes.iter().any(|x| x.contains("counted once")),
                "x{n}: {:?}",
                r.notes
            );
        }
    }
    // a paragraph per copy, and copies spread over the answers
    let r = score(&one_answer(&vec![s; 50].join("\n\n")));
    assert!(overall(&r) <= once);
}

#[test]
fn near_duplicates_count_once_and_a_repeated_strong_answer_gains_nothing() {
    let base = score(&transcript(&[]));
    let twice: Vec<(usize, &str)> = BASE.iter().enumerate().map(|(i, (_, a))| (i, *a)).collect();
    let r = score(&transcript(&twice));
    assert!(
        overall(&r) <= overall(&base),
        "{} > {}",
        overall(&r),
        overall(&base)
    );
    let variants = "I'd validate the SQL against the schema before running it. I would validate the generated SQL against the schema before running it. We validate that SQL against the schema before running it.";
    let once = overall(&score(&one_answer(
        "I would validate the SQL against the schema before running it.",
    )));
    assert!(overall(&score(&one_answer(variants))) <= once);
}

#[test]
fn a_pasted_word_salad_does_not_displace_the_real_answer() {
    let base = score(&transcript(&[]));
    for (seed, numbered, stops) in [(1, false, false), (2, true, false), (3, false, true)] {
        let paste = format!("\n\n{}", salad(60_000, seed, numbered, stops));
        let r = score(&transcript(&[(1, &paste)]));
        quotes_are_real(&r);
        assert!(
            (overall(&r) - overall(&base)).abs() <= 0.25,
            "seed {seed}: {} vs {}",
            overall(&r),
            overall(&base)
        );
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("without sentence structure")),
            "seed {seed}: {:?}",
            r.notes
        );
        assert!(r.flags.is_empty(), "{:?}", r.flags);
    }
}

#[test]
fn junk_alone_is_not_evidence() {
    for junk in [
        salad(5_000, 7, false, false),
        salad(5_000, 8, true, false),
        "latency ".repeat(400),
        "2024-05-01 12:00:01 INFO retrieval started\n2024-05-01 12:00:02 WARN reranker slow 812ms\n2024-05-01 12:00:03 ERROR timeout after 30s\n2024-05-01 12:00:04 INFO retry 1\n".repeat(20),
    ] {
        let r = score(&one_answer(&junk));
        assert!(quotes(&r).is_empty(), "{:?}", quotes(&r));
        assert!(overall(&r) <= 1.0, "{}", overall(&r));
        assert!(!r.notes.is_empty());
    }
}

#[test]
fn a_short_log_in_a_debugging_answer_leaves_the_reasoning_scored() {
    let answer = "The retries are what hurt us, because each one re-runs the whole retrieval.\n2024-05-01 12:00:02 WARN reranker slow 812ms\n2024-05-01 12:00:03 ERROR timeout after 30s\n2024-05-01 12:00:04 INFO retry 1\nIf the reranker takes more than 500 ms, I'd skip it and answer from the first-stage ranking, which costs some precision but keeps the page under two seconds.";
    let r = score(&one_answer(answer));
    let q = quotes(&r);
    assert!(
        q.iter()
            .all(|x| !x.contains("ERROR") && !x.contains("WARN")),
        "{q:?}"
    );
    assert!(
        q.iter()
            .any(|x| x.contains("reranker takes more than 500 ms")),
        "{q:?}"
    );
}

#[test]
fn what_was_set_aside_is_said_on_the_screen_in_the_json_and_in_the_report() {
    use crate::common::*;
    let home = home();
    let paste = format!("\n\n{}", salad(8_000, 11, true, false));
    let file = home.path().join("t.txt");
    std::fs::write(&file, transcript(&[(1, &paste)])).unwrap();
    let file = file.to_string_lossy().into_owned();
    for args in [
        vec!["score", &file, "--offline"],
        vec!["score", &file, "--offline", "--json"],
        vec!["report", &file, "--offline", "--format", "md"],
    ] {
        let out = mockround(home.path()).args(&args).output().unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        let text = stdout_of(&out);
        // the report shows the transcript; the score never quotes the paste
        assert!(
            text.contains("without sentence structure")
                && (args[0] == "report" || !text.contains("L00002")),
            "{args:?}: {text}"
        );
    }
}
