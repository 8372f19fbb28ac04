//! The code runner end to end: every suite validated against its own
//! solutions, and hostile snippets contained.

use mockround::runner::{Runner, Status, Suite, Variant};

fn runner() -> Runner {
    Runner::new().expect("python3 is needed for these tests")
}

#[test]
fn smoke() {
    let suite = Suite::builtin("code-attention-numpy").unwrap();
    let out = runner().check(&suite, Variant::Reference).unwrap();
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
    assert!(out.cases.iter().all(|c| c.status == Status::Passed));
}
