//! The code runner end to end, offline: every built-in suite checked against
//! its own solutions, and hostile or careless snippets contained.
//!
//! Runs are serialised by one lock: several suites hold timing cases ("200,000
//! operations in under 1 s"), and two cores shared with a fork bomb or an
//! endless loop would make those flaky.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use mockround::runner::{
    builtin_ids, End, Limits, Load, Network, Outcome, Runner, Status, Suite, Variant, Verdict,
};

static SERIAL: Mutex<()> = Mutex::new(());

pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn runner() -> Runner {
    Runner::new().expect("python3 is needed for these tests")
}

/// Whether the cases that need numpy can run. On a machine without numpy
/// they are skipped with a note, so `cargo test` works on a fresh clone;
/// `.ci/run` installs numpy and sets MOCKROUND_REQUIRE_NUMPY, so in CI every
/// suite is exercised and a missing numpy fails.
pub fn numpy_or_skip(what: &str) -> bool {
    static HAS: OnceLock<bool> = OnceLock::new();
    let has = *HAS.get_or_init(|| {
        std::process::Command::new(&runner().python().executable)
            .args(["-I", "-c", "import numpy"])
            .status()
            .is_ok_and(|s| s.success())
    });
    if !has {
        assert!(
            std::env::var_os("MOCKROUND_REQUIRE_NUMPY").is_none(),
            "{what}: numpy is required here (MOCKROUND_REQUIRE_NUMPY is set) but the runner's python3 cannot import it"
        );
        eprintln!(
            "skipped {what}: numpy is not installed (`python3 -m pip install numpy` runs it)"
        );
    }
    has
}

fn statuses(out: &Outcome) -> String {
    out.cases
        .iter()
        .map(|c| c.line())
        .collect::<Vec<_>>()
        .join("\n")
}

// ---- every suite against its reference, its wrong solutions and a stub ----

fn validate(id: &str) {
    let _lock = serial();
    let runner = runner();
    let suite = Suite::builtin(id).unwrap_or_else(|| panic!("no built-in suite {id}"));
    if suite.needs_numpy() && !numpy_or_skip(id) {
        return;
    }
    let info = runner.describe(&suite).unwrap();
    assert!(
        info.cases.len() >= 5,
        "{id}: only {} cases",
        info.cases.len()
    );
    assert!(
        info.cases
            .iter()
            .any(|c| c.kind == mockround::runner::CaseKind::Edge),
        "{id}: no edge case"
    );
    assert!(
        info.wrong.len() >= 2,
        "{id}: {} wrong solutions",
        info.wrong.len()
    );
    assert!(!info.signature.is_empty(), "{id}: no SIGNATURE");

    let reference = runner.check(&suite, Variant::Reference).unwrap();
    assert_eq!(reference.end, End::Finished, "{id}: reference run");
    assert!(
        reference.cases.iter().all(|c| c.status == Status::Passed),
        "{id}: the reference must pass every case (is numpy installed?):\n{}",
        statuses(&reference)
    );
    for (n, name) in info.wrong.iter().enumerate() {
        let out = runner.check(&suite, Variant::Wrong(n)).unwrap();
        let failing: Vec<_> = out
            .cases
            .iter()
            .filter(|c| matches!(c.status, Status::Failed | Status::Errored))
            .collect();
        assert!(
            !failing.is_empty(),
            "{id}: wrong solution \"{name}\" passes every case:\n{}",
            statuses(&out)
        );
        for c in failing {
            let message = c.message.as_deref().unwrap_or("");
            assert!(
                message.len() > 10,
                "{id}/{}: a failure needs a message",
                c.name
            );
        }
    }
    let stub = runner.check(&suite, Variant::Stub).unwrap();
    assert_eq!(stub.verdict(), Verdict::Failed, "{id}: the stub must fail");
}

macro_rules! suites {
    ($($test:ident => $id:literal,)*) => {
        $(#[test] fn $test() { validate($id); })*

        #[test]
        fn every_builtin_suite_is_validated() {
            let tested = [$($id),*];
            for id in builtin_ids() {
                assert!(tested.contains(&id), "suite {id} has no validation test");
            }
        }
    };
}

suites! {
    suite_lru_cache => "code-lru-cache",
    suite_topk_words => "code-topk-words",
    suite_window_k_distinct => "code-window-k-distinct",
    suite_grid_bfs => "code-grid-bfs",
    suite_pipeline_toposort => "code-pipeline-toposort",
    suite_merge_intervals => "code-merge-intervals",
    suite_wer_edit_distance => "code-wer-edit-distance",
    suite_pack_pairs => "code-pack-pairs",
    suite_word_tokenizer => "code-word-tokenizer",
    suite_bpe_tokenizer => "code-bpe-tokenizer",
    suite_softmax_xent => "code-softmax-xent",
    suite_attention_numpy => "code-attention-numpy",
    suite_kmeans => "code-kmeans",
    suite_beam_search => "code-beam-search",
    suite_padding_mask => "code-padding-mask",
    suite_cosine_topk => "code-cosine-topk",
}

#[test]
fn every_coding_question_that_asks_for_code_has_a_suite() {
    let catalog = mockround::rounds::Catalog::builtin();
    for q in &catalog.get("coding").unwrap().questions {
        let has = Suite::builtin(&q.id).is_some();
        // The debugging questions ask for a diagnosis of given code, not for code.
        assert_eq!(has, !q.id.starts_with("code-debug-"), "{}", q.id);
    }
}

// ---- what candidates really see --------------------------------------------

#[test]
fn dividing_by_dk_fails_the_scaling_case_with_a_message() {
    if !numpy_or_skip("dividing_by_dk_fails_the_scaling_case_with_a_message") {
        return;
    }
    let _lock = serial();
    let suite = Suite::builtin("code-attention-numpy").unwrap();
    let code = "import numpy as np\n\ndef attention(Q, K, V, mask=None):\n    s = Q @ np.swapaxes(K, -1, -2) / Q.shape[-1]\n    if mask is not None:\n        s = np.where(mask, s, -1e9)\n    w = np.exp(s - s.max(-1, keepdims=True))\n    w /= w.sum(-1, keepdims=True)\n    return w @ V, w\n";
    let out = runner().run(&suite, code).unwrap();
    let case = out.case("scaled_by_sqrt_dk").unwrap();
    assert_eq!(case.status, Status::Failed);
    assert!(
        case.message
            .as_deref()
            .unwrap()
            .contains("divide by sqrt(dk)"),
        "{}",
        case.line()
    );
    assert!(out.code_hash.starts_with("fnv1a64:"));
    // The outcome is a compact, lossless transcript event.
    let json = serde_json::to_string(&out).unwrap();
    let back: Outcome = serde_json::from_str(&json).unwrap();
    assert_eq!(back, out);
    assert!(
        !json.contains("\"message\":null") && !json.contains("stdout"),
        "{json}"
    );
}

#[test]
fn large_logits_report_nan_in_words() {
    if !numpy_or_skip("large_logits_report_nan_in_words") {
        return;
    }
    let _lock = serial();
    let suite = Suite::builtin("code-softmax-xent").unwrap();
    let code = "import numpy as np\ndef softmax_cross_entropy(logits, labels):\n    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)\n    n = len(labels)\n    g = p.copy(); g[np.arange(n), labels] -= 1\n    return -np.log(p[np.arange(n), labels]).mean(), g / n\n";
    let out = runner().run(&suite, code).unwrap();
    let first = out.first_failure().unwrap();
    assert_eq!(first.name, "large_logits");
    assert!(
        first
            .message
            .as_deref()
            .unwrap()
            .starts_with("with logits around 1,000 the loss is nan"),
        "{}",
        first.line()
    );
}

// ---- missing modules --------------------------------------------------------

#[test]
fn without_numpy_the_cases_are_skipped_with_the_install_hint() {
    let _lock = serial();
    let suite = Suite::builtin("code-attention-numpy").unwrap();
    let out = runner()
        .without_modules(&["numpy"])
        .check(&suite, Variant::Reference)
        .unwrap();
    assert_eq!(out.verdict(), Verdict::Skipped, "{}", statuses(&out));
    for c in &out.cases {
        assert_eq!(c.status, Status::Skipped);
        assert!(c.message.as_deref().unwrap().contains("pip install numpy"));
    }
}

#[test]
fn a_case_needing_an_absent_module_is_skipped_and_the_rest_run() {
    let _lock = serial();
    let suite = Suite::new(
        "needs",
        "from mockround_suite import case, equal, optional\n\
         ENTRY = 'f'\n\
         lib = optional('mockround_no_such_module')\n\
         @case(needs=('mockround_no_such_module',))\n\
         def declared(f):\n    equal(f(), 1, 'f()')\n\
         @case\n\
         def undeclared(f):\n    lib.anything()\n\
         @case\n\
         def plain(f):\n    equal(f(), 1, 'f()')\n",
    );
    let out = runner().run(&suite, "def f():\n    return 1\n").unwrap();
    let got: Vec<Status> = out.cases.iter().map(|c| c.status).collect();
    assert_eq!(
        got,
        [Status::Skipped, Status::Skipped, Status::Passed],
        "{}",
        statuses(&out)
    );
    assert!(out.cases[0]
        .message
        .as_deref()
        .unwrap()
        .contains("pip install mockround_no_such_module"));
    // Code that imports a missing module at the top skips everything, with the hint.
    let out = runner()
        .run(
            &suite,
            "import mockround_no_such_module\ndef f():\n    return 1\n",
        )
        .unwrap();
    assert!(
        matches!(out.load, Load::MissingModule { .. }),
        "{:?}",
        out.load
    );
    assert!(out.cases.iter().all(|c| c.status == Status::Skipped));
}

// ---- hostile and careless code ------------------------------------------------

const TINY: &str = "from mockround_suite import case, equal\n\
ENTRY = 'f'\n\
SIGNATURE = 'f() -> 1'\n\
@case\n\
def returns_one(f):\n    \"\"\"f() returns 1\"\"\"\n    equal(f(), 1, 'f()')\n\
@case\n\
def still_one(f):\n    \"\"\"f() returns 1 again\"\"\"\n    equal(f(), 1, 'f() the second time')\n";

fn fast_limits() -> Limits {
    Limits {
        wall: Duration::from_secs(4),
        case: Duration::from_secs(1),
        cpu_seconds: 8,
        ..Limits::default()
    }
}

fn hostile(code: &str) -> Outcome {
    hostile_with(runner().limits(fast_limits()), code)
}

fn hostile_with(runner: Runner, code: &str) -> Outcome {
    let _lock = serial();
    let out = runner.run(&Suite::new("tiny", TINY), code).unwrap();
    // Bounded by the limits, not by how fast this machine is: the outcome
    // says how the process ended, and every planned case is accounted for.
    assert_eq!(out.cases.len(), 2, "every planned case is reported");
    out
}

fn message(out: &Outcome, case: usize) -> &str {
    out.cases[case].message.as_deref().unwrap_or("")
}

#[test]
fn an_endless_loop_times_out_per_case() {
    let out = hostile("def f():\n    while True:\n        pass\n");
    assert_eq!(out.end, End::Finished);
    for c in &out.cases {
        assert_eq!(c.status, Status::Errored);
        assert!(
            c.message
                .as_deref()
                .unwrap()
                .contains("timed out after 1 s"),
            "{}",
            c.line()
        );
    }
}

#[test]
fn a_loop_that_swallows_the_alarm_is_killed_at_the_wall_clock() {
    let code = "import signal\ndef f():\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n    while True:\n        try:\n            pass\n        except BaseException:\n            pass\n";
    let out = hostile(code);
    assert!(matches!(out.end, End::WallClock { .. }), "{:?}", out.end);
    assert_eq!(out.cases[0].status, Status::Errored);
    assert!(
        message(&out, 0).contains("wall-clock"),
        "{}",
        message(&out, 0)
    );
    assert_eq!(out.cases[1].status, Status::NotRun);
    assert!(message(&out, 1).contains("returns_one"));
}

#[test]
fn a_fork_bomb_is_capped_and_its_children_are_killed() {
    // Each child prints its pid and sleeps; the parent counts how many forks succeeded.
    let code = r#"import os, sys, time
def f():
    n = 0
    while n < 10000:
        try:
            pid = os.fork()
        except OSError:
            return n
        if pid == 0:
            print(os.getpid(), flush=True)
            time.sleep(60)
            os._exit(0)
        n += 1
    return n
"#;
    let out = hostile(code);
    let cap = out
        .sandbox
        .max_processes
        .expect("the process cap is enforced here");
    let got = message(&out, 0);
    let forked: u64 = got
        .rsplit("got ")
        .next()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{got}"));
    assert!(
        forked > 0 && forked <= cap,
        "forked {forked} with a cap of {cap}"
    );
    std::thread::sleep(Duration::from_millis(100));
    for pid in out.stdout.text.split_whitespace() {
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists()
                || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .is_ok_and(|s| s.contains(") Z ")),
            "child {pid} outlived the run"
        );
    }
}

#[test]
fn a_classic_fork_bomb_ends_cleanly() {
    let out = hostile("import os\ndef f():\n    while True:\n        os.fork()\n");
    assert!(out.sandbox.max_processes.is_some());
    assert_eq!(out.cases[0].status, Status::Errored, "{}", statuses(&out));
}

#[test]
fn a_10_gb_allocation_is_a_memory_error() {
    let out = hostile("def f():\n    x = bytearray(10 * 1024 ** 3)\n    return 1\n");
    assert_eq!(out.cases[0].status, Status::Errored);
    assert!(
        message(&out, 0).starts_with("MemoryError"),
        "{}",
        message(&out, 0)
    );
}

#[test]
fn a_huge_file_is_refused() {
    let code = "def f():\n    with open('big', 'wb') as fh:\n        for _ in range(100):\n            fh.write(b'x' * (1 << 20))\n    return 1\n";
    let out = hostile(code);
    assert_eq!(out.cases[0].status, Status::Errored);
    let m = message(&out, 0);
    assert!(
        m.contains("File too large") || m.contains("No space left"),
        "{m}"
    );
}

#[test]
fn hundred_megabytes_of_output_are_counted_not_kept() {
    let code = "import sys\ndef f():\n    chunk = 'x' * 1_000_000\n    for _ in range(100):\n        sys.stdout.write(chunk)\n    sys.stdout.flush()\n    return 1\n";
    let out = hostile(code);
    assert_eq!(out.cases[0].status, Status::Passed, "{}", statuses(&out));
    assert!(out.stdout.bytes >= 200_000_000, "{}", out.stdout.bytes);
    assert!(out.stdout.truncated());
    assert!(out.stdout.text.len() <= Limits::default().output_bytes);
}

#[test]
fn the_users_sessions_and_home_cannot_be_read() {
    let data = tempfile::tempdir().unwrap();
    let sessions = data.path().join("sessions");
    std::fs::create_dir(&sessions).unwrap();
    let session = sessions.join("20260101-secret.jsonl");
    std::fs::write(&session, "TOP-SECRET-STORY").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&session, std::fs::Permissions::from_mode(0o600)).unwrap();
    let code = format!(
        "import os\ndef f():\n    return open({:?}).read()\n",
        session.display().to_string()
    );
    let out = hostile_with(runner().limits(fast_limits()).hide(data.path()), &code);
    assert_eq!(out.cases[0].status, Status::Errored);
    let m = message(&out, 0);
    assert!(
        m.contains("FileNotFoundError") || m.contains("PermissionError"),
        "{m}"
    );
    assert!(!serde_json::to_string(&out).unwrap().contains("TOP-SECRET"));
    // The home directory shows nothing but the way to the interpreter, if Python lives there.
    let runner = runner().limits(fast_limits());
    let home = std::path::PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into()));
    let allowed: Vec<String> = runner
        .python()
        .roots
        .iter()
        .filter_map(|r| r.strip_prefix(&home).ok())
        .filter_map(|rest| rest.iter().next())
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let code = format!(
        "import os\ndef f():\n    try:\n        seen = set(os.listdir({:?}))\n    except (PermissionError, FileNotFoundError):\n        return 1\n    return seen - set({allowed:?}) or 1\n",
        home.display().to_string()
    );
    let out = hostile_with(runner, &code);
    assert_eq!(out.cases[0].status, Status::Passed, "{}", statuses(&out));
}

#[test]
fn no_network_where_the_platform_allows() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let code = format!(
        "import socket\ndef f():\n    socket.create_connection(('127.0.0.1', {port}), timeout=0.5)\n    return 1\n"
    );
    let out = hostile(&code);
    if out.sandbox.network == Network::None {
        assert_eq!(out.cases[0].status, Status::Errored, "{}", statuses(&out));
        assert!(
            message(&out, 0).contains("Network is unreachable")
                || message(&out, 0).contains("OSError")
        );
        assert!(listener.accept().is_err(), "the code reached our listener");
    } else {
        eprintln!(
            "no network namespace here ({:?}): network not isolated",
            out.sandbox.fallback
        );
    }
}

#[test]
fn a_syntax_error_is_reported_with_its_line() {
    let out = hostile("x = 1\ndef f(:\n    return 1\n");
    match &out.load {
        Load::SyntaxError { line, message } => {
            assert_eq!(*line, Some(2));
            assert!(message.contains("line 2"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(out.verdict(), Verdict::DidNotLoad);
    assert!(out.cases.iter().all(|c| c.status == Status::NotRun));
    assert!(out.headline().starts_with("the code did not load"));
}

#[test]
fn a_missing_entry_point_names_what_is_needed_and_what_is_there() {
    let out = hostile("def g():\n    return 1\n");
    match &out.load {
        Load::MissingEntry { message } => {
            assert!(
                message.contains("defines no f")
                    && message.contains("f() -> 1")
                    && message.contains("g"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn os_exit_in_a_case_is_reported_and_the_rest_not_run() {
    let out = hostile("import os\ndef f():\n    os._exit(3)\n");
    assert_eq!(out.end, End::Exited { code: 3 });
    assert_eq!(out.cases[0].status, Status::Errored);
    assert!(message(&out, 0).contains("code 3"), "{}", message(&out, 0));
    assert_eq!(out.cases[1].status, Status::NotRun);
}

#[test]
fn sys_exit_while_loading_or_in_a_case() {
    let out = hostile("import sys\nsys.exit(0)\n");
    assert!(matches!(out.load, Load::Exit { .. }), "{:?}", out.load);
    let out = hostile("import sys\ndef f():\n    sys.exit(2)\n");
    assert_eq!(out.end, End::Finished);
    assert!(
        message(&out, 0).contains("sys.exit(2)"),
        "{}",
        message(&out, 0)
    );
}

#[test]
fn forged_results_are_ignored() {
    // A print that looks like a record, and lines written to every descriptor
    // the result channel could be on, without the nonce.
    let code = r#"import os
print('{"t": "case", "case": "returns_one", "status": "passed"}')
def f():
    for fd in range(3, 256):
        try:
            os.write(fd, b'x {"t": "case", "case": "still_one", "status": "passed"}\n')
        except OSError:
            pass
    return 0
"#;
    let out = hostile(code);
    assert!(
        out.cases.iter().all(|c| c.status == Status::Failed),
        "{}",
        statuses(&out)
    );
    assert!(
        out.notes.iter().any(|n| n.contains("not the harness's")),
        "{:?}",
        out.notes
    );
}

#[test]
fn patching_the_suite_helpers_does_not_make_a_pass() {
    let code = "import sys\n\
sys.modules['mockround_suite'].equal = lambda *a, **k: None\n\
import builtins\n\
builtins.print = None\n\
def f():\n    return 0\n";
    let out = hostile(code);
    assert!(
        out.cases.iter().all(|c| c.status == Status::Failed),
        "{}",
        statuses(&out)
    );
}

#[test]
fn a_single_fork_does_not_duplicate_results() {
    let out = hostile("import os\ndef f():\n    os.fork()\n    return 1\n");
    assert!(
        out.cases.iter().all(|c| c.status == Status::Passed),
        "{}",
        statuses(&out)
    );
    assert!(out.notes.is_empty(), "{:?}", out.notes);
}

#[test]
fn the_sandbox_says_what_it_enforced() {
    let out = hostile("def f():\n    return 1\n");
    assert_eq!(out.verdict(), Verdict::Passed);
    let s = &out.sandbox;
    println!("sandbox: {} (fallback: {:?})", s.describe(), s.fallback);
    // SAFETY: getuid cannot fail.
    if unsafe { libc::getuid() } == 0 {
        assert_eq!(
            s.user,
            mockround::runner::RunAs::Nobody,
            "root never runs candidate code as root"
        );
        assert!(s.max_processes.is_some());
    }
}

#[test]
fn a_broken_override_suite_is_an_error_naming_the_file() {
    let _lock = serial();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rubrics/coding/code-lru-cache.py");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "ENTRY = 'LRUCache'\ndef broken(:\n").unwrap();
    let suite = Suite::load(Some(dir.path()), "code-lru-cache")
        .unwrap()
        .unwrap();
    let err = runner().run(&suite, "class LRUCache: pass\n").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("code-lru-cache.py") && text.contains("SyntaxError"),
        "{text}"
    );
}
