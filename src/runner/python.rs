//! Finding the Python interpreter the user has, once per process.
//!
//! `python3` on the user's PATH is often not the interpreter itself (pyenv's
//! shim is a bash script that needs the user's environment), and the sandbox
//! runs with an empty environment, so the interpreter is asked once, with the
//! user's environment and no candidate code, where it really lives: the real
//! executable and the directories it loads from (the sandbox keeps those
//! readable when it hides home directories).

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde::Deserialize;

use super::error::RunnerError;

/// The oldest Python the harness is written for.
const MIN_VERSION: (u32, u32) = (3, 8);

/// Asks the interpreter where it is; `-I` so nothing of the user's setup leaks in.
const PROBE: &str = r#"
import json, os, site, sys
dirs = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
dirs += [p for p in site.getsitepackages() + sys.path if p and os.path.isdir(p)]
print(json.dumps({"executable": os.path.realpath(sys.executable),
                  "version": list(sys.version_info[:3]),
                  "dirs": [os.path.realpath(d) for d in dirs]}))
"#;

/// A Python interpreter, found and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreter {
    /// The real executable (symlinks and shims resolved).
    pub executable: PathBuf,
    pub version: (u32, u32, u32),
    /// The directories it loads code from, none inside another.
    pub roots: Vec<PathBuf>,
}

#[derive(Deserialize)]
struct Probe {
    executable: PathBuf,
    version: (u32, u32, u32),
    dirs: Vec<PathBuf>,
}

impl Interpreter {
    /// `python3` from the PATH, looked up once and remembered for the process.
    pub fn find() -> Result<&'static Interpreter, RunnerError> {
        static FOUND: OnceLock<Result<Interpreter, RunnerError>> = OnceLock::new();
        FOUND
            .get_or_init(|| Interpreter::discover(&default_program()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Ask `program` (a name on the PATH or a path) where it lives.
    pub fn discover(program: &OsStr) -> Result<Interpreter, RunnerError> {
        let out = Command::new(program)
            .args(["-I", "-c", PROBE])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => RunnerError::PythonMissing,
                _ => RunnerError::Python(format!("{}: {e}", Path::new(program).display())),
            })?;
        let probe: Probe = serde_json::from_slice(&out.stdout).map_err(|_| {
            RunnerError::Python(format!(
                "{} does not behave like Python 3 (exit {})",
                Path::new(program).display(),
                out.status
            ))
        })?;
        let (major, minor, _) = probe.version;
        if (major, minor) < MIN_VERSION {
            return Err(RunnerError::Python(format!(
                "Python {major}.{minor} is too old: the code runner needs {}.{} or newer",
                MIN_VERSION.0, MIN_VERSION.1
            )));
        }
        let mut dirs = probe.dirs;
        dirs.push(
            probe
                .executable
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        );
        Ok(Interpreter {
            executable: probe.executable,
            version: probe.version,
            roots: outermost(dirs),
        })
    }
}

/// `MOCKROUND_PYTHON` names another interpreter; `python3` otherwise.
fn default_program() -> OsString {
    std::env::var_os("MOCKROUND_PYTHON")
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".into())
}

/// The directories that are not inside another one of the list.
fn outermost(mut dirs: Vec<PathBuf>) -> Vec<PathBuf> {
    dirs.retain(|d| d.is_absolute() && d.as_os_str().len() > 1);
    dirs.sort();
    dirs.dedup();
    let mut kept: Vec<PathBuf> = Vec::new();
    for d in dirs {
        if !kept.iter().any(|k| d.starts_with(k)) {
            kept.push(d);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outermost_drops_nested_and_root() {
        let dirs = ["/a/b", "/a", "/c/d", "/", "/c/d/e", "rel"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(
            outermost(dirs),
            vec![PathBuf::from("/a"), PathBuf::from("/c/d")]
        );
    }

    #[test]
    fn a_missing_interpreter_is_a_typed_error() {
        let err = Interpreter::discover(OsStr::new("mockround-no-such-python")).unwrap_err();
        assert!(matches!(err, RunnerError::PythonMissing), "{err}");
        assert!(err.to_string().contains("install"), "{err}");
    }
}
