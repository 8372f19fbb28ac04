//! The JSON Lines session loader on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mockround::transcript::store;

fuzz_target!(|data: &[u8]| {
    let _ = store::parse("fuzz.jsonl", data);
});
