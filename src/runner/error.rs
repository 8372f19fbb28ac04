//! What can stop a run before the code is judged: no interpreter, a suite
//! that is itself broken, a sandbox that cannot start. Anything the code
//! under test does (crash, loop, exit) is an `Outcome`, never an error.

/// Callers branch on these: `PythonMissing` means "explain and carry on with
/// the session", the others are bugs or broken setups to show as one line.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RunnerError {
    #[error(
        "python3 is not installed, so code cannot be run (install it: `sudo apt install python3`, \
         `brew install python`, or python.org); the rest of the session works without it"
    )]
    PythonMissing,
    #[error("cannot use Python: {0}")]
    Python(String),
    #[error("no test suite for question \"{0}\"")]
    NoSuite(String),
    #[error("the test suite {file} is broken: {message}")]
    BrokenSuite { file: String, message: String },
    #[error("the code is {bytes} bytes long; the runner takes at most {limit}")]
    CodeTooLarge { bytes: usize, limit: usize },
    #[error("cannot start the sandbox: {0}")]
    Sandbox(String),
    #[error("the test harness did not report (stderr: {0})")]
    Harness(String),
}
