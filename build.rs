//! Compiles the calibration gold set into the binary: every part the
//! manifest (`tests/data/gold.manifest`) lists whose directory exists, each
//! of its `.txt` and `.json` files, so a part is added by editing data only.

use std::fmt::Write as _;
use std::path::Path;

const MANIFEST: &str = "tests/data/gold.manifest";

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&root);
    println!("cargo:rerun-if-changed={MANIFEST}");
    let manifest = std::fs::read_to_string(root.join(MANIFEST)).unwrap_or_default();
    let mut files = String::new();
    for line in manifest.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some(dir) = line.split_whitespace().nth(1) else {
            continue;
        };
        let path = root.join(dir);
        // a part added later is picked up: watch where it will appear
        let watched = if path.is_dir() {
            path.clone()
        } else {
            path.parent().unwrap_or(root).to_path_buf()
        };
        println!("cargo:rerun-if-changed={}", watched.display());
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".txt") || n.ends_with(".json"))
            .collect();
        names.sort();
        for n in names {
            let full = path.join(&n);
            let _ = writeln!(
                files,
                "    ({dir:?}, {n:?}, include_str!({:?})),",
                full.display().to_string()
            );
        }
    }
    let out = format!(
        "/// The gold manifest as it was when built.\npub const MANIFEST: &str = include_str!({:?});\n\n/// (directory, file name, contents) of every gold file.\npub const FILES: &[(&str, &str, &str)] = &[\n{files}];\n",
        root.join(MANIFEST).display().to_string()
    );
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("gold.rs");
    if std::fs::read_to_string(&dest).ok().as_deref() != Some(out.as_str()) {
        std::fs::write(dest, out).expect("OUT_DIR is writable");
    }
}
