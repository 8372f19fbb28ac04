//! The file formats are public contracts: every line of the shipped example
//! sessions and of fixtures written by the mockround of format 1 (every
//! event kind, every optional field, every scorer, flag, target and source
//! it wrote) loads into the typed events and is written back byte for byte.

use std::path::Path;

use mockround::transcript::Event;

fn round_trip(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    for (i, line) in text.lines().enumerate() {
        let event: Event = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1));
        let again = serde_json::to_string(&event).unwrap();
        assert_eq!(
            again,
            line,
            "{}:{} changed on the way back",
            path.display(),
            i + 1
        );
    }
}

#[test]
fn shipped_sessions_and_format_1_fixtures_write_back_unchanged() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = 0;
    for dir in ["transcripts", "tests/data/format"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|x| x == "jsonl") {
                round_trip(&path);
                files += 1;
            }
        }
    }
    assert!(files >= 6, "{files} files");
}
