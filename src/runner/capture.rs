//! Reading the child's stdout, stderr and result channel together, each with
//! a cap, until it exits or the wall clock runs out.
//!
//! One poll loop reads all three pipes as data arrives, so a child that
//! prints 100 MB never blocks on a full pipe and never fills our memory:
//! bytes past the cap are counted and dropped. Exit is seen through a pidfd
//! (or `waitid(WNOWAIT)` polling on older kernels) without reaping, so the
//! whole process group can be killed while the zombie leader still holds
//! its id: no leftover child outlives the run, and no recycled pid is hit.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

use super::outcome::Output;

/// After the child exits, how long grandchildren get to close the pipes.
const GRACE: Duration = Duration::from_millis(200);
/// The result channel's own cap: far more than any suite reports.
const CHANNEL_CAP: usize = 4 << 20;

/// What came out of the child.
pub struct Collected {
    pub stdout: Output,
    pub stderr: Output,
    pub channel: Vec<u8>,
    /// The channel went over its cap (something spammed it).
    pub channel_overflow: bool,
    pub status: ExitStatus,
    /// Killed at the wall-clock limit.
    pub timed_out: bool,
    pub elapsed: Duration,
}

/// A pipe being drained into a capped buffer.
struct Sink {
    fd: Option<OwnedFd>,
    kept: Vec<u8>,
    total: u64,
    cap: usize,
}

impl Sink {
    fn new(fd: OwnedFd, cap: usize) -> Sink {
        Sink {
            fd: Some(fd),
            kept: Vec::new(),
            total: 0,
            cap,
        }
    }

    /// One read; closes the sink at end of file or on error.
    fn drain(&mut self, buf: &mut [u8]) {
        let Some(fd) = &self.fd else { return };
        // SAFETY: reading into a buffer we own, from a descriptor we own.
        let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            if n == 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                self.fd = None;
            }
            return;
        }
        let n = n as usize;
        self.total += n as u64;
        let room = self.cap.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&buf[..n.min(room)]);
    }

    fn output(self) -> Output {
        Output {
            text: String::from_utf8_lossy(&self.kept).into_owned(),
            bytes: self.total,
        }
    }
}

/// Drain the child's pipes until it has exited and they are closed, killing
/// its process group at `deadline` (measured from `started`).
pub fn collect(
    child: &mut Child,
    channel: OwnedFd,
    output_cap: usize,
    started: Instant,
    wall: Duration,
) -> io::Result<Collected> {
    let pid = child.id() as libc::pid_t;
    let mut sinks = [
        Sink::new(take(child.stdout.take())?, output_cap),
        Sink::new(take(child.stderr.take())?, output_cap),
        Sink::new(channel, CHANNEL_CAP),
    ];
    let pidfd = pidfd_open(pid);
    let deadline = started + wall;
    let mut buf = vec![0u8; 64 * 1024];
    let mut exited_at: Option<Instant> = None;
    let mut timed_out = false;
    loop {
        let now = Instant::now();
        let open = sinks.iter().any(|s| s.fd.is_some());
        match exited_at {
            Some(t) if !open || now >= t + GRACE => break,
            None if now >= deadline => {
                kill_group(pid);
                timed_out = true;
                exited_at = Some(now);
                continue;
            }
            _ => {}
        }
        let until = exited_at.map_or(deadline, |t| t + GRACE);
        let mut fds: Vec<libc::pollfd> = sinks
            .iter()
            .filter_map(|s| s.fd.as_ref())
            .map(|fd| pollfd(fd.as_raw_fd()))
            .collect();
        let watch_exit = exited_at.is_none();
        if let (true, Some(p)) = (watch_exit, &pidfd) {
            fds.push(pollfd(p.as_raw_fd()));
        }
        let mut wait = until.saturating_duration_since(now);
        if watch_exit && pidfd.is_none() {
            wait = wait.min(Duration::from_millis(10));
        }
        // SAFETY: `fds` is a valid array of pollfd for the duration of the call.
        let ready = unsafe {
            libc::poll(
                fds.as_mut_ptr(),
                fds.len() as libc::nfds_t,
                wait.as_millis().min(i32::MAX as u128) as i32 + 1,
            )
        };
        if ready < 0 && io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return Err(io::Error::last_os_error());
        }
        for fd in fds.iter().filter(|f| f.revents != 0) {
            if let Some(sink) = sinks
                .iter_mut()
                .find(|s| s.fd.as_ref().map(AsRawFd::as_raw_fd) == Some(fd.fd))
            {
                sink.drain(&mut buf);
            }
        }
        if watch_exit && has_exited(pid) {
            // The leader is a zombie until we wait: its group id cannot be reused yet.
            kill_group(pid);
            exited_at = Some(Instant::now());
        }
    }
    let status = child.wait()?;
    let elapsed = started.elapsed();
    let [stdout, stderr, channel] = sinks;
    Ok(Collected {
        channel_overflow: channel.total > channel.kept.len() as u64,
        channel: channel.kept,
        stdout: stdout.output(),
        stderr: stderr.output(),
        status,
        timed_out,
        elapsed,
    })
}

fn take<T: Into<OwnedFd>>(pipe: Option<T>) -> io::Result<OwnedFd> {
    pipe.map(Into::into)
        .ok_or_else(|| io::Error::other("child pipe missing"))
}

fn pollfd(fd: RawFd) -> libc::pollfd {
    libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    }
}

/// Kill the child's whole process group: the harness and anything it forked.
pub fn kill_group(pid: libc::pid_t) {
    // SAFETY: plain syscall; ESRCH (already gone) is fine.
    unsafe {
        libc::killpg(pid, libc::SIGKILL);
    }
}

/// Has the child exited? Leaves it unreaped (WNOWAIT).
fn has_exited(pid: libc::pid_t) -> bool {
    // SAFETY: `info` is a valid out-parameter.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let r = libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOWAIT | libc::WNOHANG,
        );
        r == 0 && info.si_pid() != 0
    }
}

/// A descriptor that becomes readable when the process exits (Linux 5.3+).
fn pidfd_open(pid: libc::pid_t) -> Option<OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: the syscall returns a new descriptor we then own, or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}
