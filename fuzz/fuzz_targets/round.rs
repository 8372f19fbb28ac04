//! The round-file (rubric) parser on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mockround::rounds;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(e) = rounds::parse("fuzz.toml", text) {
            assert!(e.line >= 1);
        }
    }
});
