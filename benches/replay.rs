//! Replaying a 1 MB session: `mockround replay FILE --instant` on a session
//! of about a megabyte (many turns, long answers), against the cost of just
//! reading the file. Prints figures, asserts nothing.
//!
//! `cargo bench --bench replay`

use std::process::Command;
use std::time::Instant;

use mockround::transcript::store::SessionWriter;
use mockround::transcript::{Backend, Event, Header, Role, Turn, TurnKind, FORMAT_VERSION};

fn main() {
    let home = tempfile::tempdir().unwrap();
    let sessions = home.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    let path = sessions.join("20260101-000000-bench.jsonl");
    let header = Header {
        format: FORMAT_VERSION,
        id: "20260101-000000-bench".into(),
        round: "system-design".into(),
        level: "mid".into(),
        started_at: jiff::Timestamp::now(),
        backend: Backend::offline(),
        seed: Some(1),
        minutes: Some(45),
        questions: Some(4),
        rubric_version: Some(1),
        title: None,
    };
    let mut w = SessionWriter::create(&path, &header).unwrap();
    let answer = "I'd chunk the pages by heading with a little overlap, embed them with a model checked on our own queries, \
                  retrieve with hybrid search and re-rank the top 50, because permissions must be filtered at retrieval time. ";
    let mut q = 0;
    while std::fs::metadata(&path).unwrap().len() < 1_000_000 {
        let qid = [
            "sd-wiki-search",
            "sd-semantic-cache",
            "sd-text-to-sql",
            "sd-travel-agent",
        ][q % 4];
        let kind = if q % 5 == 0 {
            TurnKind::Question
        } else {
            TurnKind::FollowUp
        };
        w.append(&Event::Turn(Turn::new(
            Role::Interviewer,
            kind,
            Some(qid),
            "Where does that fail at 10x the traffic?",
        )))
        .unwrap();
        let mut t = Turn::new(
            Role::Candidate,
            TurnKind::Answer,
            Some(qid),
            &answer.repeat(8),
        );
        t.think_s = Some(30.0);
        w.append(&Event::Turn(t)).unwrap();
        q += 1;
    }
    let size = std::fs::metadata(&path).unwrap().len();

    let t = Instant::now();
    let bytes = std::fs::read(&path).unwrap();
    let read = t.elapsed();
    assert_eq!(bytes.len() as u64, size);

    let mut best = f64::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_mockround"))
            .env("MOCKROUND_HOME", home.path())
            .env("NO_COLOR", "1")
            .args(["replay", path.to_str().unwrap(), "--instant"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "replay --instant of a {:.2} MB session ({} turns): {:.0} ms (reading the file alone: {:.1} ms)",
        size as f64 / 1e6,
        q * 2,
        best * 1000.0,
        read.as_secs_f64() * 1000.0
    );
}
