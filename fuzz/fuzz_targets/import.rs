//! The plain-text importer, then the offline scorer on whatever it accepts.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mockround::rounds::Catalog;
use mockround::scoring::reader;
use mockround::transcript::import;

fn catalog() -> &'static Catalog {
    // Parsing the four round files per input would dominate the run.
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::builtin)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(t) = import::parse("fuzz.txt", &text, None) {
        let cat = catalog();
        let round = cat.get(&t.header.round).unwrap_or(&cat.rounds[0]);
        let report = reader::score(round, &t);
        if let Some(o) = report.overall {
            assert!((1.0..=4.0).contains(&o));
        }
    }
});
