//! Print how the offline reader reads each candidate sentence of a
//! transcript (signals, dimensions, strong/weak), for tuning the scorer:
//! `cargo run --example dump_reading -- FILE`.

fn main() -> anyhow::Result<()> {
    let path = std::env::args().nth(1).expect("usage: dump_reading FILE");
    let text = std::fs::read_to_string(&path)?;
    let t = mockround::transcript::import::parse(&path, &text, None)?;
    let cat = mockround::rounds::Catalog::builtin();
    let round = cat
        .get(&t.header.round)
        .ok_or_else(|| anyhow::anyhow!("unknown round"))?;
    print!("{}", mockround::scoring::reader::debug_dump(round, &t));
    Ok(())
}
