//! Where sessions live on disk and how they are written and read.
//!
//! Every event is one line, written with a single `write` and `fsync`ed
//! before the interview moves on, so a crash or a `kill -9` loses at most the
//! line being written. Files are created 0600: they hold people's stories
//! about their work. Listing reads only the first line and the tail of each
//! file, so it stays instant with thousands of sessions.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use jiff::Timestamp;
use serde::Serialize;

use super::{EndStatus, Event, Header, Transcript, FORMAT_VERSION};
use crate::transcript::score::Scorer;

/// Appends events to one session file.
pub struct SessionWriter {
    file: File,
    path: PathBuf,
}

impl SessionWriter {
    /// Create a new session file (fails if it exists) and write its header.
    pub fn create(path: &Path, header: &Header) -> Result<SessionWriter> {
        let mut opts = OpenOptions::new();
        opts.append(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts
            .open(path)
            .with_context(|| format!("cannot create session file {}", path.display()))?;
        let mut w = SessionWriter {
            file,
            path: path.to_path_buf(),
        };
        w.append(&Event::Header(header.clone()))?;
        Ok(w)
    }

    /// Reopen an existing session to append to it (resume, scoring). A
    /// truncated last line left by a crash is cut off first so the next
    /// event starts on its own line.
    pub fn open(path: &Path) -> Result<SessionWriter> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open session file {} for writing", path.display()))?;
        let len = file.metadata()?.len();
        if len > 0 {
            file.seek(SeekFrom::Start(len - 1))?;
            let mut last = [0u8; 1];
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                let keep = last_newline_end(&mut file, len)?;
                file.set_len(keep)?;
                file.sync_data()?;
            }
        }
        Ok(SessionWriter {
            file,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one event and make it durable before returning.
    pub fn append(&mut self, event: &Event) -> Result<()> {
        let mut line = serde_json::to_vec(event).context("cannot encode event")?;
        line.push(b'\n');
        self.file
            .write_all(&line)
            .and_then(|_| self.file.sync_data())
            .map_err(|e| disk_error(e, &self.path))
    }
}

/// The offset just past the last newline before `len` (0 if none).
fn last_newline_end(file: &mut File, len: u64) -> io::Result<u64> {
    let mut end = len;
    let mut buf = vec![0u8; 8192];
    while end > 0 {
        let start = end.saturating_sub(buf.len() as u64);
        let n = (end - start) as usize;
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut buf[..n])?;
        if let Some(p) = buf[..n].iter().rposition(|&b| b == b'\n') {
            return Ok(start + p as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

fn disk_error(e: io::Error, path: &Path) -> anyhow::Error {
    let why = match e.raw_os_error() {
        Some(28) => "the disk is full".to_string(),
        Some(27) => "the file size limit was reached".to_string(),
        Some(30) => "the file system is read-only".to_string(),
        _ => e.to_string(),
    };
    anyhow::anyhow!(
        "cannot save to {}: {why}; everything before this turn is saved",
        path.display()
    )
}

/// A line of a transcript that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct LineProblem {
    pub line: usize,
    pub message: String,
}

/// A transcript and whatever could not be read in it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub transcript: Transcript,
    /// Broken lines that were skipped (a truncated last line is not listed).
    pub problems: Vec<LineProblem>,
    /// The last line was cut off mid-write (crash) and was ignored.
    pub truncated_tail: bool,
}

/// Typed errors for callers that branch on them.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path} was written by a newer mockround (transcript format {found}, this build reads up to {FORMAT_VERSION}); upgrade mockround to open it")]
    NewerFormat { path: String, found: u32 },
    #[error("{path} is not a mockround session: {why}")]
    NotATranscript { path: String, why: String },
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: io::Error },
}

/// Read a session file. A truncated last line is tolerated; other broken
/// lines are skipped and reported so callers can show what can be read.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: shown.clone(),
        source,
    })?;
    parse(&shown, &bytes)
}

/// Parse the bytes of a session file (see [`load`]).
pub fn parse(shown: &str, bytes: &[u8]) -> Result<Loaded, LoadError> {
    let ends_clean = bytes.last().is_none_or(|&b| b == b'\n');
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.split('\n').collect();
    let count = if ends_clean {
        lines.len().saturating_sub(1)
    } else {
        lines.len()
    };
    let mut header: Option<Header> = None;
    let mut events = Vec::new();
    let mut problems = Vec::new();
    let mut truncated_tail = false;
    for (i, raw) in lines.iter().take(count).enumerate() {
        let line_no = i + 1;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        if header.is_none() {
            header = Some(parse_header(shown, raw)?);
            continue;
        }
        match serde_json::from_str::<Event>(raw) {
            Ok(Event::Header(_)) => problems.push(LineProblem {
                line: line_no,
                message: "a second header".into(),
            }),
            Ok(e) => events.push(e),
            Err(e) => {
                let last = line_no == count;
                if last && !ends_clean {
                    truncated_tail = true;
                } else {
                    problems.push(LineProblem {
                        line: line_no,
                        message: e.to_string(),
                    });
                }
            }
        }
    }
    let header = header.ok_or_else(|| LoadError::NotATranscript {
        path: shown.into(),
        why: "it is empty".into(),
    })?;
    Ok(Loaded {
        transcript: Transcript { header, events },
        problems,
        truncated_tail,
    })
}

/// A header line as mockround writes it (`type` first), parsed straight
/// into [`Header`]: listing thousands of sessions spends its time here, and
/// the probe plus the tagged-enum path costs several times more. Anything
/// else, including a newer format, goes through [`parse_header`].
fn fast_header(raw: &str) -> Option<Header> {
    if !raw.starts_with("{\"type\":\"header\"") {
        return None;
    }
    serde_json::from_str::<Header>(raw).ok()
}

fn parse_header(shown: &str, raw: &str) -> Result<Header, LoadError> {
    if let Some(h) = fast_header(raw).filter(|h| h.format <= FORMAT_VERSION) {
        return Ok(h);
    }
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(rename = "type")]
        kind: Option<String>,
        format: Option<u32>,
    }
    let not = |why: String| LoadError::NotATranscript {
        path: shown.into(),
        why,
    };
    let probe: Probe =
        serde_json::from_str(raw).map_err(|e| not(format!("line 1 is not a JSON header ({e})")))?;
    if probe.kind.as_deref() != Some("header") {
        return Err(not("line 1 is not a header event".into()));
    }
    if let Some(found) = probe.format {
        if found > FORMAT_VERSION {
            return Err(LoadError::NewerFormat {
                path: shown.into(),
                found,
            });
        }
    }
    match serde_json::from_str::<Event>(raw) {
        Ok(Event::Header(h)) => Ok(h),
        Ok(_) => Err(not("line 1 is not a header event".into())),
        Err(e) => Err(not(format!("line 1: {e}"))),
    }
}

/// What `sessions` and `progress` need to know about a session without
/// reading its turns.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub id: String,
    pub path: PathBuf,
    pub round: String,
    pub level: String,
    pub started_at: Timestamp,
    pub backend: String,
    pub status: SessionStatus,
    pub questions: Option<u32>,
    pub answers: Option<u32>,
    pub duration_s: Option<u64>,
    /// The latest score's overall, if the session was scored.
    pub overall: Option<f64>,
    pub scorer: Option<Scorer>,
    /// The latest score's per-dimension scores (null: not enough evidence).
    pub dimensions: Vec<(String, Option<u8>)>,
    /// What was wrong with the file but did not stop it being listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// The longest interview a session can plausibly record: rounds are at
/// most four hours, and breaks between resumes are left out.
pub const MAX_DURATION_S: u64 = 24 * 3600;

/// Where a session stands, as listing shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Completed,
    Quit,
    Interrupted,
    /// No end event: killed, or still running.
    Unfinished,
}

impl From<EndStatus> for SessionStatus {
    fn from(s: EndStatus) -> SessionStatus {
        match s {
            EndStatus::Completed => SessionStatus::Completed,
            EndStatus::Quit => SessionStatus::Quit,
            EndStatus::Interrupted => SessionStatus::Interrupted,
        }
    }
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Completed => "completed",
            SessionStatus::Quit => "quit",
            SessionStatus::Interrupted => "interrupted",
            SessionStatus::Unfinished => "unfinished",
        }
    }
}

/// Summarise a session from its first line and its tail.
pub fn summarize(path: &Path) -> Result<Summary> {
    let mut file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    // One read of the start usually holds the header line, and for small
    // files the whole tail too, so most sessions cost a single read (and no
    // stat: a short read means the file is all there).
    let mut head = Vec::with_capacity(HEAD_READ);
    Read::by_ref(&mut file)
        .take(HEAD_READ as u64)
        .read_to_end(&mut head)?;
    let len = if head.len() < HEAD_READ {
        head.len() as u64
    } else {
        file.metadata()?.len().max(head.len() as u64)
    };
    let whole = head.len() as u64 >= len;
    let header = read_header(path, &mut file, &head, whole)?;
    let mut summary = Summary {
        id: header.id,
        path: path.to_path_buf(),
        round: header.round,
        level: header.level,
        started_at: header.started_at,
        backend: header
            .backend
            .model
            .unwrap_or_else(|| header.backend.kind.as_str().to_string()),
        status: SessionStatus::Unfinished,
        questions: None,
        answers: None,
        duration_s: None,
        overall: None,
        scorer: None,
        dimensions: Vec::new(),
        problems: Vec::new(),
    };
    if read_tail(&mut file, &head, whole, len, &mut summary)? {
        return Ok(summary);
    }
    // No end event: killed, crashed, or still running. Those are rare and
    // small, so read them whole for the counts.
    if let Ok(loaded) = load(path) {
        let t = &loaded.transcript;
        summary.questions = Some(t.question_ids().len() as u32);
        summary.answers = Some(t.candidate_turns().count() as u32);
        summary.duration_s = Some(t.duration_s());
        if let Some(s) = t.latest_score() {
            summary.apply_score(s);
        }
    }
    Ok(summary)
}

/// The header from the first line, which `head` (the first read) usually
/// holds whole.
fn read_header(path: &Path, file: &mut File, head: &[u8], whole: bool) -> Result<Header> {
    let first: std::borrow::Cow<'_, str> = match head.iter().position(|&b| b == b'\n') {
        Some(i) => String::from_utf8_lossy(&head[..i]),
        None if whole => String::from_utf8_lossy(head),
        None => {
            // A header longer than the first read (a very long title).
            file.seek(SeekFrom::Start(0))?;
            let mut line = String::new();
            BufReader::new(file).take(1 << 20).read_line(&mut line)?;
            std::borrow::Cow::Owned(line)
        }
    };
    let first = first.trim_end();
    match fast_header(first) {
        Some(h) if h.format <= FORMAT_VERSION => Ok(h),
        _ => match parse_header(&path.display().to_string(), first) {
            Ok(h) => Ok(h),
            Err(e) => bail!("{e}"),
        },
    }
}

/// Fill the summary from the file's tail. A finished session ends with its
/// `end` event followed only by `score` and `self_score` events, so the tail
/// from the last `end` to EOF holds everything listing needs: the window
/// grows until it reaches that `end`. False when there is none.
fn read_tail(
    file: &mut File,
    head: &[u8],
    whole: bool,
    len: u64,
    summary: &mut Summary,
) -> Result<bool> {
    let mut window: u64 = TAIL_READ;
    let mut tail = Vec::new();
    loop {
        let start = len.saturating_sub(window);
        let buf: &[u8] = if whole {
            &head[start as usize..]
        } else {
            file.seek(SeekFrom::Start(start))?;
            tail.clear();
            Read::by_ref(file)
                .take(len - start)
                .read_to_end(&mut tail)?;
            &tail
        };
        // The first line of a window that does not start the file is
        // probably cut; never parse it.
        let body = if start > 0 {
            match buf.iter().position(|&b| b == b'\n') {
                Some(i) => &buf[i + 1..],
                None => &[][..],
            }
        } else {
            buf
        };
        if summarize_lines(body, summary) {
            return Ok(true);
        }
        if start == 0 {
            return Ok(false);
        }
        window = window.saturating_mul(8);
    }
}

/// Read lines from the end back: the latest score, up to the last `end`
/// event. True when the `end` was found.
fn summarize_lines(body: &[u8], summary: &mut Summary) -> bool {
    let mut found_score = false;
    for raw in (RevLines { rest: Some(body) }) {
        let raw = raw.trim_ascii();
        if raw.starts_with(b"{\"type\":\"end\"") {
            if let Ok(end) = serde_json::from_slice::<EndSummary>(raw) {
                summary.status = end.status.into();
                summary.questions = Some(end.questions);
                summary.answers = Some(end.answers);
                summary.duration_s = Some(end.duration_s);
                if end.duration_s > MAX_DURATION_S {
                    summary.duration_s = None;
                    summary.problems.push(format!(
                        "its end event says it lasted {} s, which no interview does; its time is counted as unknown",
                        end.duration_s
                    ));
                }
                return true;
            }
        } else if raw.starts_with(b"{\"type\":\"score\"") && !found_score {
            if let Ok(s) = serde_json::from_slice::<ScoreSummary>(raw) {
                found_score = true;
                summary.overall = s.overall;
                summary.scorer = Some(s.scorer);
                summary.dimensions = s.dimensions.into_iter().map(|d| (d.id, d.score)).collect();
            }
        }
    }
    false
}

/// Lines from the last to the first, like `rsplit(b'\n')`, finding
/// newlines eight bytes at a time: listing walks the tail of every session,
/// and a byte-by-byte scan was a tenth of its time.
struct RevLines<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for RevLines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let b = self.rest?;
        match last_newline(b) {
            Some(i) => {
                self.rest = Some(&b[..i]);
                Some(&b[i + 1..])
            }
            None => {
                self.rest = None;
                Some(b)
            }
        }
    }
}

fn last_newline(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const NL: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let mut end = b.len();
    while end >= 8 {
        let chunk = &b[end - 8..end];
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let x = word ^ NL;
        // some byte of x is zero, i.e. some byte of the chunk is '\n'
        if x.wrapping_sub(ONES) & !x & HIGH != 0 {
            return chunk.iter().rposition(|&c| c == b'\n').map(|p| end - 8 + p);
        }
        end -= 8;
    }
    b[..end].iter().rposition(|&c| c == b'\n')
}

/// Bytes read from the start of a session for its header (and, when the
/// file is no longer, for everything).
const HEAD_READ: usize = 16 * 1024;
/// The first tail window; an `end` and a `score` event fit in it.
const TAIL_READ: u64 = 8 * 1024;

/// The part of a `score` event listing needs. Required fields of the full
/// event are still required (as `IgnoredAny`), so a line that would not load
/// as a score is not taken for one here either.
#[derive(serde::Deserialize)]
struct ScoreSummary {
    overall: Option<f64>,
    scorer: Scorer,
    dimensions: Vec<DimensionSummary>,
    #[allow(dead_code)]
    at: serde::de::IgnoredAny,
    #[allow(dead_code)]
    rubric_version: serde::de::IgnoredAny,
    #[allow(dead_code)]
    prompt_version: serde::de::IgnoredAny,
    #[allow(dead_code)]
    round: serde::de::IgnoredAny,
    #[allow(dead_code)]
    verdict: serde::de::IgnoredAny,
    #[allow(dead_code)]
    checklist: serde::de::IgnoredAny,
    #[allow(dead_code)]
    flags: serde::de::IgnoredAny,
}

/// An `end` event without its timestamp, which listing never shows.
#[derive(serde::Deserialize)]
struct EndSummary {
    status: EndStatus,
    #[serde(default)]
    questions: u32,
    #[serde(default)]
    answers: u32,
    #[serde(default)]
    duration_s: u64,
    #[allow(dead_code)]
    at: serde::de::IgnoredAny,
}

#[derive(serde::Deserialize)]
struct DimensionSummary {
    id: String,
    score: Option<u8>,
    #[allow(dead_code)]
    rationale: serde::de::IgnoredAny,
    #[allow(dead_code)]
    evidence: serde::de::IgnoredAny,
}

impl Summary {
    fn apply_score(&mut self, s: &super::ScoreEvent) {
        self.overall = s.report.overall;
        self.scorer = Some(s.report.scorer.clone());
        self.dimensions = s
            .report
            .dimensions
            .iter()
            .map(|d| (d.id.clone(), d.score))
            .collect();
    }
}

/// The sessions directory, with a check that it can be written to.
pub fn ensure_writable(dir: &Path) -> Result<()> {
    let existed = dir.exists();
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "cannot create the data directory {} (set MOCKROUND_HOME to a writable directory)",
            dir.display()
        )
    })?;
    #[cfg(unix)]
    if !existed {
        // The sessions hold people's stories about their work: private.
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    let probe = dir.join(format!(".write-test-{}", std::process::id()));
    match File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => bail!(
            "cannot write to the data directory {} ({e}); fix its permissions or set MOCKROUND_HOME to a writable directory",
            dir.display()
        ),
    }
}

/// Every session file in `dir`, newest first (ids sort by time).
pub fn session_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    // Sorted by name, not by path: the same order in one directory, without
    // taking thousands of paths apart into components.
    let mut files: Vec<(std::ffi::OsString, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .map(|e| (e.file_name(), e))
        .filter(|(name, _)| Path::new(name).extension().is_some_and(|x| x == "jsonl"))
        .map(|(name, e)| (name, e.path()))
        .collect();
    files.sort_unstable_by(|a, b| b.0.cmp(&a.0));
    files.into_iter().map(|(_, p)| p).collect()
}

/// Resolve a SESSION argument: an id, a unique id prefix, `last`, or a path.
pub fn resolve(dir: &Path, spec: &str) -> Result<PathBuf> {
    let as_path = Path::new(spec);
    if spec.contains('/')
        || spec.ends_with(".jsonl")
        || spec.ends_with(".txt")
        || spec.ends_with(".md")
    {
        if as_path.exists() {
            return Ok(as_path.to_path_buf());
        }
        if spec.contains('/') {
            bail!("no such file: {spec}");
        }
    }
    if as_path.is_file() {
        return Ok(as_path.to_path_buf());
    }
    let files = session_files(dir);
    if files.is_empty() {
        bail!(
            "no saved sessions in {} yet; start one with `mockround start`",
            dir.display()
        );
    }
    if spec == "last" || spec == "latest" {
        return Ok(files[0].clone());
    }
    let id_of = |p: &PathBuf| {
        p.file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string()
    };
    if let Some(exact) = files.iter().find(|p| id_of(p) == spec) {
        return Ok(exact.clone());
    }
    let matches: Vec<&PathBuf> = files
        .iter()
        .filter(|p| id_of(p).starts_with(spec))
        .collect();
    match matches.len() {
        1 => Ok(matches[0].clone()),
        0 => {
            let recent: Vec<String> = files.iter().take(5).map(id_of).collect();
            bail!(
                "no session matches \"{spec}\"; recent sessions: {} (or use `last`, or a file path)",
                recent.join(", ")
            )
        }
        n => {
            let shown: Vec<String> = matches.iter().take(8).map(|p| id_of(p)).collect();
            bail!(
                "\"{spec}\" matches {n} sessions: {}{}; type more of the id",
                shown.join(", "),
                if n > 8 { ", …" } else { "" }
            )
        }
    }
}

/// Is this end status one that `resume` can continue?
pub fn resumable(status: SessionStatus) -> bool {
    matches!(
        status,
        SessionStatus::Unfinished | SessionStatus::Interrupted
    )
}

#[cfg(test)]
mod summary_tests {
    use super::*;
    use crate::transcript::score::{DimensionScore, ScoreReport};
    use crate::transcript::{Backend, EndEvent, Role, ScoreEvent, Turn, TurnKind};

    fn write(path: &Path, events: &[Event]) {
        let text: String = events
            .iter()
            .map(|e| format!("{}\n", serde_json::to_string(e).unwrap()))
            .collect();
        std::fs::write(path, text).unwrap();
    }

    fn header(title: Option<String>) -> Event {
        Event::Header(Header {
            format: FORMAT_VERSION,
            id: "20260101-000000-abcd".into(),
            round: "coding".into(),
            level: "senior".into(),
            started_at: Timestamp::UNIX_EPOCH,
            backend: Backend::offline(),
            seed: None,
            minutes: None,
            questions: None,
            rubric_version: None,
            title,
        })
    }

    fn score(overall: f64, evidence: &str) -> Event {
        Event::Score(ScoreEvent {
            at: Timestamp::UNIX_EPOCH,
            model: None,
            rubric_version: 1,
            prompt_version: 1,
            report: ScoreReport {
                round: "coding".into(),
                scorer: Scorer::Offline,
                overall: Some(overall),
                verdict: "hire".into(),
                dimensions: vec![DimensionScore {
                    id: "debugging".into(),
                    score: Some(3),
                    rationale: "r".into(),
                    evidence: vec![evidence.into()],
                    insufficient_evidence: false,
                    capped: false,
                    spread: None,
                }],
                checklist: vec![],
                flags: vec![],
                flag_details: vec![],
                notes: vec![],
                practice: vec![],
                samples: None,
            },
        })
    }

    /// Small files (one read), big ones (growing tail window, a header
    /// longer than the first read) and unfinished ones summarise the same.
    #[test]
    fn summaries_of_small_big_and_unfinished_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let answer = Event::Turn(Turn::new(
            Role::Candidate,
            TurnKind::Answer,
            Some("q"),
            &"word ".repeat(4000),
        ));
        let end = Event::End(EndEvent {
            at: Timestamp::UNIX_EPOCH,
            status: crate::transcript::EndStatus::Completed,
            questions: 3,
            answers: 7,
            duration_s: 1800,
        });
        let cases = [
            (
                "small",
                vec![
                    header(None),
                    end.clone(),
                    score(2.0, "old"),
                    score(3.25, "new"),
                ],
            ),
            (
                "big",
                vec![
                    header(Some("t".repeat(40_000))),
                    answer.clone(),
                    answer.clone(),
                    end.clone(),
                    score(2.0, "old"),
                    score(3.25, &"long evidence ".repeat(3000)),
                ],
            ),
        ];
        for (name, events) in cases {
            let path = dir.path().join(format!("{name}.jsonl"));
            write(&path, &events);
            let s = summarize(&path).unwrap();
            assert_eq!(s.status, SessionStatus::Completed, "{name}");
            assert_eq!(
                (s.questions, s.answers, s.duration_s),
                (Some(3), Some(7), Some(1800))
            );
            assert_eq!(s.overall, Some(3.25), "{name}: the latest score");
            assert_eq!(s.dimensions, vec![("debugging".to_string(), Some(3))]);
            assert_eq!(s.level, "senior");
        }
        let path = dir.path().join("killed.jsonl");
        write(&path, &[header(None), answer.clone()]);
        let s = summarize(&path).unwrap();
        assert_eq!((s.status, s.answers), (SessionStatus::Unfinished, Some(1)));
        std::fs::write(&path, "{\"type\":\"turn\"}\n").unwrap();
        assert!(summarize(&path)
            .unwrap_err()
            .to_string()
            .contains("not a header"));
    }
}

#[cfg(test)]
mod rev_lines_tests {
    use super::RevLines;

    #[test]
    fn reverse_lines_match_rsplit() {
        for text in [
            &b""[..],
            b"\n",
            b"a",
            b"a\nb\n",
            b"one line longer than eight bytes\nand another one, also long\n\nx",
            b"\n\n\n\n\n\n\n\n\n\n",
        ] {
            let ours: Vec<&[u8]> = RevLines { rest: Some(text) }.collect();
            let std: Vec<&[u8]> = text.rsplit(|&b| b == b'\n').collect();
            assert_eq!(ours, std, "{:?}", String::from_utf8_lossy(text));
        }
    }
}
