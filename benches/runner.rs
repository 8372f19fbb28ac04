//! The sandbox's cost: the attention suite's reference solution run through
//! the runner (namespaces, limits, the unprivileged user, the nonce-tagged
//! channel, output capture) against the same harness and suite run directly
//! by the same interpreter, no sandbox, with numpy's BLAS on one thread as
//! the sandbox sets it. Both import numpy and run every case; the
//! difference is what the sandbox adds. Goal: at most 1.5x. Figures only, no
//! assertions: timings depend on the machine.
//!
//! `cargo bench --bench runner`

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mockround::runner::{Interpreter, Runner, Status, Suite, Variant};

const RUNS: usize = 21;
const SUITE: &str = "code-attention-numpy";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time(mut f: impl FnMut()) -> Duration {
    f(); // warm the page cache and the interpreter's own caches
    median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let python = match Interpreter::find() {
        Ok(p) => p.clone(),
        Err(e) => {
            println!("runner bench skipped: {e}");
            return;
        }
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let harness = format!("{root}/src/runner/harness.py");
    let suite_file = format!("{root}/rubrics/coding/{SUITE}.py");
    // The sandbox pins numpy's BLAS to one thread; the fair baseline does
    // too, or the figure measures thread start-up on a busy machine instead
    // of the sandbox. The default (threaded) start is printed beside it.
    let direct = |one_thread: bool| {
        time(|| {
            let mut cmd = Command::new(&python.executable);
            cmd.args(["-I", "-B", &harness, &suite_file, "reference"]);
            if one_thread {
                for var in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"] {
                    cmd.env(var, "1");
                }
            }
            let out = cmd
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                !text.contains("failed") && text.contains("passed"),
                "{text}"
            );
        })
    };
    let threaded = direct(false);
    let direct = direct(true);
    let runner = Runner::new().unwrap();
    let suite = Suite::builtin(SUITE).unwrap();
    let mut isolation = String::new();
    let sandboxed = time(|| {
        let out = runner.check(&suite, Variant::Reference).unwrap();
        assert!(out.cases.iter().all(|c| c.status == Status::Passed));
        isolation = out.sandbox.describe();
    });
    println!("attention suite, reference solution, median of {RUNS} runs:");
    println!("  python3 harness.py suite.py (no sandbox, default BLAS threads): {threaded:.1?}");
    println!("  python3 harness.py suite.py (no sandbox, one BLAS thread): {direct:.1?}");
    println!("  through the runner ({isolation}): {sandboxed:.1?}");
    println!(
        "  ratio: {:.2}x (goal <= 1.5x)",
        sandboxed.as_secs_f64() / direct.as_secs_f64()
    );
}
