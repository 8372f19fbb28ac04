//! Starting Python in a sandbox: an empty environment, a fresh temporary
//! directory, resource limits, its own process group, a wall-clock kill.
//!
//! `python3 -I -B` (isolated mode: no PYTHON* variables, no user site, no
//! script directory on the path; but the site-packages where numpy lives)
//! runs the harness with the job on stdin and a result pipe on fd 3. What
//! the child does before exec (namespaces, hidden directories, the
//! unprivileged user) is in `isolation`; the strongest level that starts on
//! this machine is remembered for the rest of the process.

use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::capture::{self, Collected};
use super::error::RunnerError;
use super::isolation::{Level, Plan, Setup, NOBODY};
use super::outcome::Isolation;
use super::python::Interpreter;

/// The harness, passed with `-c` so nothing needs writing to disk.
const HARNESS: &str = include_str!("harness.py");

/// What one run may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The whole run, start to kill.
    pub wall: Duration,
    /// One case (or loading the code): the harness's alarm.
    pub case: Duration,
    pub cpu_seconds: u64,
    /// Address space (RLIMIT_AS): a 10 GB allocation gets a MemoryError.
    pub memory_bytes: u64,
    /// Largest file the code may write (RLIMIT_FSIZE).
    pub file_bytes: u64,
    /// Processes and threads above those already running as the sandbox's user.
    pub processes: u64,
    /// Bytes kept of stdout and of stderr each; the rest is counted and dropped.
    pub output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            wall: Duration::from_secs(20),
            case: Duration::from_secs(3),
            cpu_seconds: 20,
            memory_bytes: 1 << 30,
            file_bytes: 16 << 20,
            processes: 32,
            output_bytes: 64 << 10,
        }
    }
}

/// Limits plus what to hide.
#[derive(Debug, Clone, Default)]
pub struct Sandbox {
    pub limits: Limits,
    /// Directories the code must not see, on top of the home directories.
    pub hide: Vec<PathBuf>,
}

/// The level to start from: the strongest that worked last time (index into the ladder).
static START_LEVEL: AtomicUsize = AtomicUsize::new(0);
/// Why the stronger levels were given up, reported on every later run too.
static FALLBACK: OnceLock<String> = OnceLock::new();

/// What came back, and under which isolation.
pub struct Raw {
    pub collected: Collected,
    pub isolation: Isolation,
}

impl Sandbox {
    /// Run the harness on `job` (bytes for its stdin).
    pub fn run(&self, python: &Interpreter, job: &[u8]) -> Result<Raw, RunnerError> {
        let tempdir = tempfile::Builder::new()
            .prefix("mockround-run-")
            .tempdir()
            .map_err(|e| RunnerError::Sandbox(format!("cannot make a temporary directory: {e}")))?;
        // SAFETY: getuid/getgid cannot fail.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        let hide = self.hidden();
        let setup = Setup {
            limits: &self.limits,
            hide: &hide,
            roots: &python.roots,
            tempdir: tempdir.path(),
            uid,
            gid,
        };
        if uid == 0 {
            // Without namespaces the code works in this directory as nobody.
            let _ = std::os::unix::fs::chown(tempdir.path(), Some(NOBODY), Some(NOBODY));
        }
        let ladder = Level::ladder(uid == 0);
        let start = START_LEVEL.load(Ordering::Relaxed).min(ladder.len() - 1);
        let mut fallback = FALLBACK.get().cloned().filter(|_| start > 0);
        for (i, level) in ladder.iter().enumerate().skip(start) {
            let plan = Plan::new(*level, &setup);
            match self.spawn(python, plan, job, tempdir.path()) {
                Ok(mut raw) => {
                    START_LEVEL.store(i, Ordering::Relaxed);
                    if let Some(why) = &fallback {
                        let _ = FALLBACK.set(why.clone());
                    }
                    raw.isolation.fallback = fallback;
                    return Ok(raw);
                }
                Err(Spawn::Refused(e)) if i + 1 < ladder.len() => {
                    fallback.get_or_insert(format!("{} unavailable ({e})", level.name()));
                }
                Err(Spawn::Refused(e)) | Err(Spawn::Failed(e)) => {
                    return Err(RunnerError::Sandbox(format!(
                        "cannot start {}: {e}",
                        python.executable.display()
                    )))
                }
            }
        }
        unreachable!("the ladder always ends with a level that is tried")
    }

    /// Homes, and whatever the caller named: `/root`, `/home`, `$HOME`.
    fn hidden(&self) -> Vec<PathBuf> {
        let mut dirs = vec![PathBuf::from("/root"), PathBuf::from("/home")];
        if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            dirs.push(PathBuf::from(home));
        }
        dirs.extend(self.hide.iter().cloned());
        dirs
    }

    fn spawn(
        &self,
        python: &Interpreter,
        plan: Plan,
        job: &[u8],
        workdir: &Path,
    ) -> Result<Raw, Spawn> {
        let (channel_read, channel_write) = pipe().map_err(Spawn::Failed)?;
        let mut cmd = Command::new(&python.executable);
        let (level, isolation) = (plan.level, plan.isolation.clone());
        // With namespaces the code works in the private /tmp; otherwise in the run's own directory.
        let home = if level == Level::Namespaces {
            Path::new("/tmp")
        } else {
            workdir
        };
        cmd.args(["-I", "-B", "-c", HARNESS])
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", home)
            .env("TMPDIR", home)
            .env("LC_ALL", "C.UTF-8")
            .env("LANG", "C.UTF-8")
            // One thread each: deterministic timings, and no thread pools against the process cap.
            .env("OPENBLAS_NUM_THREADS", "1")
            .env("OMP_NUM_THREADS", "1")
            .env("MKL_NUM_THREADS", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .current_dir(workdir)
            .process_group(0);
        let write_fd = channel_write.as_raw_fd();
        // SAFETY: the closure only makes system calls on data prepared before the fork.
        unsafe {
            cmd.pre_exec(move || {
                move_to_fd3(write_fd)?;
                plan.apply()
            });
        }
        let started = Instant::now();
        let mut child = cmd.spawn().map_err(|e| match e.raw_os_error() {
            // Not EAGAIN: a full process table is no reason to run with less isolation.
            Some(
                libc::EPERM
                | libc::EACCES
                | libc::EINVAL
                | libc::ENOSYS
                | libc::EOPNOTSUPP
                | libc::ENOENT,
            ) if level != Level::LimitsOnly => Spawn::Refused(e),
            _ => Spawn::Failed(e),
        })?;
        drop(channel_write);
        let stdin = child.stdin.take();
        let collected = std::thread::scope(|s| {
            s.spawn(move || {
                if let Some(mut stdin) = stdin {
                    // A child that dies before reading its job gives EPIPE: its exit says why.
                    let _ = stdin.write_all(job);
                }
            });
            capture::collect(
                &mut child,
                channel_read,
                self.limits.output_bytes,
                started,
                self.limits.wall,
            )
        })
        .map_err(Spawn::Failed)?;
        Ok(Raw {
            collected,
            isolation,
        })
    }
}

enum Spawn {
    /// This level is not available here: try the next one.
    Refused(std::io::Error),
    Failed(std::io::Error),
}

/// The result pipe; both ends close on exec unless moved to fd 3.
fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` is a valid two-element array.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: pipe2 just returned these two descriptors to us.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// In the child: the write end becomes fd 3, inherited by exec.
fn move_to_fd3(fd: libc::c_int) -> std::io::Result<()> {
    // SAFETY: plain descriptor calls in the forked child.
    unsafe {
        if fd == 3 {
            let flags = libc::fcntl(3, libc::F_GETFD);
            if flags < 0 || libc::fcntl(3, libc::F_SETFD, flags & !libc::FD_CLOEXEC) < 0 {
                return Err(std::io::Error::last_os_error());
            }
        } else if libc::dup2(fd, 3) < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}
