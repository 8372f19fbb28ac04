//! What the child does between fork and exec: resource limits, namespaces,
//! hidden directories and the unprivileged user, strongest level first.
//!
//! Levels, tried in order until one starts (`Level::ladder`):
//!
//! - `Namespaces`: a network namespace (no interface but a downed loopback)
//!   and a mount namespace in which every home directory, `/tmp`,
//!   `/var/tmp`, `/dev/shm` and the caller's extra paths (mockround's data
//!   and config directories) are covered by small empty tmpfs mounts; the
//!   interpreter's own directories are bound back read-only at their paths,
//!   so a pyenv Python under `/root` still starts. As root this needs no
//!   user namespace and the child then drops to uid/gid 65534; as a normal
//!   user it needs an unprivileged user namespace (some distributions turn
//!   those off).
//! - `DropUser` (root only): no namespaces, but uid/gid 65534, so the
//!   process cap holds (the kernel never applies RLIMIT_NPROC to uid 0) and
//!   0600 files of other users stay unreadable.
//! - `LimitsOnly`: the rlimits alone, as the caller.
//!
//! Everything `apply` does runs in the forked child before exec, so it only
//! makes raw system calls on data prepared by the parent: no allocation, no
//! locks.

use std::ffi::CString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::outcome::{Files, Isolation, Network, RunAs};
use super::sandbox::Limits;

/// The unprivileged user and group root drops to: `nobody`/`nogroup` on Debian.
pub const NOBODY: u32 = 65534;
/// Where the interpreter directories' handles sit while the mounts change.
const FD_BASE: i32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Namespaces,
    DropUser,
    LimitsOnly,
}

impl Level {
    /// The levels worth trying for this caller, strongest first.
    pub fn ladder(root: bool) -> &'static [Level] {
        if root {
            &[Level::Namespaces, Level::DropUser, Level::LimitsOnly]
        } else {
            &[Level::Namespaces, Level::LimitsOnly]
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Level::Namespaces => "namespaces",
            Level::DropUser => "unprivileged user",
            Level::LimitsOnly => "resource limits only",
        }
    }
}

/// Everything the child needs, as C strings and numbers.
pub struct Plan {
    pub level: Level,
    rlimits: Vec<(libc::__rlimit_resource_t, u64, u64)>,
    /// Unprivileged caller: map our ids into a new user namespace.
    user_ns: Option<(Vec<u8>, Vec<u8>)>,
    /// Interpreter directories that a cover hides, rebound after covering.
    rebinds: Vec<(CString, CString)>,
    covers: Vec<(CString, CString)>,
    mkdirs: Vec<CString>,
    /// The directory to work in once the mounts are made.
    workdir: CString,
    drop_to: Option<u32>,
    pub isolation: Isolation,
}

/// What the parent knows when it makes a plan.
pub struct Setup<'a> {
    pub limits: &'a Limits,
    /// Directories the code must not see (homes, mockround's data).
    pub hide: &'a [PathBuf],
    /// The interpreter's directories, kept readable.
    pub roots: &'a [PathBuf],
    /// The run's own temporary directory (the working directory without namespaces).
    pub tempdir: &'a Path,
    pub uid: u32,
    pub gid: u32,
}

impl Plan {
    pub fn new(level: Level, setup: &Setup) -> Plan {
        let root = setup.uid == 0;
        let runs_as = match level {
            Level::LimitsOnly => setup.uid,
            _ if root => NOBODY,
            _ => setup.uid,
        };
        let max_processes = count_tasks(runs_as) + setup.limits.processes;
        let l = setup.limits;
        let rlimits = vec![
            (libc::RLIMIT_CPU, l.cpu_seconds, l.cpu_seconds + 1),
            (libc::RLIMIT_AS, l.memory_bytes, l.memory_bytes),
            (libc::RLIMIT_FSIZE, l.file_bytes, l.file_bytes),
            (libc::RLIMIT_NPROC, max_processes, max_processes),
            (libc::RLIMIT_CORE, 0, 0),
            (libc::RLIMIT_NOFILE, 256, 256),
        ];
        let namespaces = level == Level::Namespaces;
        let (covers, hidden) = if namespaces {
            covers(setup.hide, setup.roots)
        } else {
            (Vec::new(), Vec::new())
        };
        let rebinds: Vec<&PathBuf> = setup
            .roots
            .iter()
            .filter(|r| hidden.iter().any(|h| r.starts_with(h)))
            .collect();
        let isolation = Isolation {
            network: if namespaces {
                Network::None
            } else {
                Network::Open
            },
            files: if namespaces {
                Files::HomesHidden
            } else {
                Files::Open
            },
            user: match runs_as {
                0 => RunAs::Root,
                u if u == setup.uid => RunAs::Caller,
                _ => RunAs::Nobody,
            },
            max_processes: (runs_as != 0).then_some(max_processes),
            fallback: None,
        };
        Plan {
            level,
            rlimits,
            user_ns: (namespaces && !root).then(|| {
                (
                    format!("{0} {0} 1", setup.uid).into_bytes(),
                    format!("{0} {0} 1", setup.gid).into_bytes(),
                )
            }),
            mkdirs: mkdirs(&rebinds, &hidden),
            rebinds: rebinds
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    (
                        cstr(format!("/proc/self/fd/{}", FD_BASE + i as i32)),
                        path(r),
                    )
                })
                .collect(),
            covers: covers
                .iter()
                .map(|(p, opts)| (path(p), cstr(opts.to_string())))
                .collect(),
            workdir: if namespaces {
                cstr("/tmp".into())
            } else {
                path(setup.tempdir)
            },
            drop_to: (root && level != Level::LimitsOnly).then_some(NOBODY),
            isolation,
        }
    }

    /// The steps, in the child. Each failure is returned so spawn fails and the
    /// parent can try the next level.
    ///
    /// # Safety
    /// Only call between fork and exec (it changes the calling process for good).
    pub unsafe fn apply(&self) -> io::Result<()> {
        for &(resource, soft, hard) in &self.rlimits {
            let lim = libc::rlimit {
                rlim_cur: soft,
                rlim_max: hard,
            };
            check(libc::setrlimit(resource, &lim))?;
        }
        if self.level == Level::Namespaces {
            self.enter_namespaces()?;
        }
        check(libc::chdir(self.workdir.as_ptr()))?;
        if let Some(id) = self.drop_to {
            check(libc::setgroups(0, std::ptr::null()))?;
            check(libc::setgid(id))?;
            check(libc::setuid(id))?;
        }
        // No setuid binary can hand the code privileges back, and the code dies with us.
        check(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))?;
        check(libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0))?;
        Ok(())
    }

    unsafe fn enter_namespaces(&self) -> io::Result<()> {
        let mut flags = libc::CLONE_NEWNS | libc::CLONE_NEWNET;
        if self.user_ns.is_some() {
            flags |= libc::CLONE_NEWUSER;
        }
        check(libc::unshare(flags))?;
        if let Some((uid_map, gid_map)) = &self.user_ns {
            write_file(c"/proc/self/setgroups", b"deny")?;
            write_file(c"/proc/self/uid_map", uid_map)?;
            write_file(c"/proc/self/gid_map", gid_map)?;
        }
        // Nothing done here may leak back into the caller's mount table.
        check(libc::mount(
            std::ptr::null(),
            c"/".as_ptr(),
            std::ptr::null(),
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        ))?;
        // Hold the interpreter's directories open: their paths vanish under the covers.
        for (i, (_, target)) in self.rebinds.iter().enumerate() {
            let fd = libc::open(
                target.as_ptr(),
                libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC,
            );
            check(fd)?;
            check(libc::dup2(fd, FD_BASE + i as i32))?;
            libc::close(fd);
        }
        for (dir, opts) in &self.covers {
            check(libc::mount(
                c"tmpfs".as_ptr(),
                dir.as_ptr(),
                c"tmpfs".as_ptr(),
                libc::MS_NOSUID | libc::MS_NODEV,
                opts.as_ptr().cast(),
            ))?;
        }
        for dir in &self.mkdirs {
            if libc::mkdir(dir.as_ptr(), 0o755) != 0 && errno() != libc::EEXIST {
                return Err(io::Error::last_os_error());
            }
        }
        for (i, (source, target)) in self.rebinds.iter().enumerate() {
            check(libc::mount(
                source.as_ptr(),
                target.as_ptr(),
                std::ptr::null(),
                libc::MS_BIND | libc::MS_REC,
                std::ptr::null(),
            ))?;
            // Read-only where the kernel lets us (a user namespace may refuse it).
            libc::mount(
                std::ptr::null(),
                target.as_ptr(),
                std::ptr::null(),
                libc::MS_REMOUNT
                    | libc::MS_BIND
                    | libc::MS_RDONLY
                    | libc::MS_NOSUID
                    | libc::MS_NODEV,
                std::ptr::null(),
            );
            libc::close(FD_BASE + i as i32);
        }
        Ok(())
    }
}

/// The tmpfs covers: each hidden directory that exists and holds no interpreter
/// root wholesale, plus the shared scratch places. Returns the covers and the
/// hidden directories (the ones under which interpreter roots must be rebound).
fn covers(hide: &[PathBuf], roots: &[PathBuf]) -> (Vec<(PathBuf, &'static str)>, Vec<PathBuf>) {
    let mut out: Vec<(PathBuf, &'static str)> = Vec::new();
    let mut wanted: Vec<PathBuf> = hide.to_vec();
    wanted.sort();
    wanted.dedup();
    for dir in wanted {
        let covered = out.iter().any(|(c, _)| dir.starts_with(c));
        // Covering a directory that is (or sits inside) an interpreter root would hide Python itself.
        let holds_python = roots.iter().any(|r| dir.starts_with(r));
        // A service user's HOME can be "/": covering it would hide the whole system.
        let root = dir.parent().is_none();
        if covered || holds_python || root || !dir.is_dir() || !dir.is_absolute() {
            continue;
        }
        out.retain(|(c, _)| !c.starts_with(&dir));
        out.push((dir, "size=64k,mode=755"));
    }
    for (dir, opts) in [
        ("/tmp", "size=16m,mode=1777"),
        ("/var/tmp", "size=1m,mode=1777"),
        ("/dev/shm", "size=1m,mode=1777"),
    ] {
        let dir = PathBuf::from(dir);
        let holds_python = roots.iter().any(|r| dir.starts_with(r));
        if dir.is_dir() && !holds_python && !out.iter().any(|(c, _)| dir.starts_with(c)) {
            out.push((dir, opts));
        }
    }
    let hidden = out.iter().map(|(d, _)| d.clone()).collect();
    (out, hidden)
}

/// The directories to create inside the covers so the rebinds have mount points.
fn mkdirs(rebinds: &[&PathBuf], hidden: &[PathBuf]) -> Vec<CString> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for root in rebinds {
        let Some(cover) = hidden.iter().find(|h| root.starts_with(h)) else {
            continue;
        };
        let mut below: Vec<PathBuf> = root
            .ancestors()
            .take_while(|a| a != cover)
            .map(Path::to_path_buf)
            .collect();
        below.reverse();
        dirs.extend(below);
    }
    dirs.dedup();
    dirs.iter().map(|d| path(d)).collect()
}

/// Processes and threads now running as `uid`: RLIMIT_NPROC counts them all,
/// so the cap is set this far above what is already there.
pub fn count_tasks(uid: u32) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let mut tasks = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.as_bytes().iter().all(u8::is_ascii_digit) {
            continue;
        }
        if entry.metadata().map(|m| m.uid()).ok() != Some(uid) {
            continue;
        }
        let status = std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
        tasks += status
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .and_then(|n| n.trim().parse::<u64>().ok())
            .unwrap_or(1);
    }
    tasks
}

fn path(p: &Path) -> CString {
    CString::new(p.as_os_str().as_bytes()).unwrap_or_default()
}

fn cstr(s: String) -> CString {
    CString::new(s).unwrap_or_default()
}

fn errno() -> i32 {
    io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn check(ret: libc::c_int) -> io::Result<()> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

unsafe fn write_file(path: &std::ffi::CStr, data: &[u8]) -> io::Result<()> {
    let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
    check(fd)?;
    let n = libc::write(fd, data.as_ptr().cast(), data.len());
    libc::close(fd);
    if n != data.len() as isize {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_skip_nested_and_python_homes() {
        let hide = [
            PathBuf::from("/proc/self"),
            PathBuf::from("/proc"),
            PathBuf::from("/no/such/dir"),
        ];
        let (covers, _) = covers(&hide, &[]);
        let dirs: Vec<&Path> = covers.iter().map(|(d, _)| d.as_path()).collect();
        assert!(dirs.contains(&Path::new("/proc")));
        assert!(!dirs.contains(&Path::new("/proc/self")));
        assert!(!dirs.contains(&Path::new("/no/such/dir")));
        assert!(covers_of(&[PathBuf::from("/")], &[])
            .0
            .iter()
            .all(|d| d != Path::new("/")));
        // A directory that is an interpreter root is never covered.
        let (covers, _) = covers_of(&[PathBuf::from("/proc")], &[PathBuf::from("/proc")]);
        assert!(!covers.contains(&PathBuf::from("/proc")));
    }

    fn covers_of(hide: &[PathBuf], roots: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let (c, h) = covers(hide, roots);
        (c.into_iter().map(|(d, _)| d).collect(), h)
    }

    #[test]
    fn mount_points_are_made_below_the_cover_only() {
        let root = PathBuf::from("/root/.pyenv/versions/3.11.7");
        let made = mkdirs(&[&root], &[PathBuf::from("/root")]);
        let made: Vec<&str> = made.iter().map(|c| c.to_str().unwrap()).collect();
        assert_eq!(
            made,
            [
                "/root/.pyenv",
                "/root/.pyenv/versions",
                "/root/.pyenv/versions/3.11.7"
            ]
        );
    }
}
