//! The write-ahead journal of `fix --apply`: every change is recorded and synced to disk
//! before it is made, so `rollback` can undo a run, even one that crashed half-way.
//!
//! One file per run, `<journal>/<run-id>.jsonl`: a header line (root, Docker endpoint),
//! then for each change an `intent` line written before it and a `done` line after it,
//! and `undone` lines as rollback restores them. Every line is synced before the action
//! it announces.

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

/// The default journal directory.
pub const DEFAULT_JOURNAL: &str = "/var/lib/bulkhead/journal";

/// Journal failures.
#[derive(Debug, Error)]
pub enum JournalError {
    /// The journal could not be written or read.
    #[error("journal {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A journal file is not what bulkhead writes.
    #[error("journal {path} is not a bulkhead journal: {reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// No run to roll back.
    #[error("no runs in journal directory {0}")]
    Empty(PathBuf),
}

type Result<T> = std::result::Result<T, JournalError>;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> JournalError + '_ {
    move |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// One change, as recorded before it is made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Change {
    /// A file's mode, from `before` to `after`.
    Chmod {
        /// Absolute path under the root (links resolved).
        path: String,
        /// Permission bits before.
        before: u32,
        /// Permission bits after.
        after: u32,
    },
    /// A file's owner, from `before` to `after`.
    Chown {
        /// Absolute path under the root (links resolved).
        path: String,
        /// Owner before.
        before: Ids,
        /// Owner after.
        after: Ids,
        /// Permission bits before: a chown clears set-id bits of an executable, and
        /// rollback puts them back.
        mode: u32,
    },
    /// A container replaced by a tighter copy; the original kept as `backup_name`.
    ReplaceContainer {
        /// The container's name (the copy takes it).
        name: String,
        /// The original's full id.
        original_id: String,
        /// The name the original is kept under.
        backup_name: String,
        /// Whether the original was running.
        was_running: bool,
        /// The original's `HostConfig.RestartPolicy` (JSON), restored on rollback.
        restart_policy: Value,
        /// `CapDrop` of the copy.
        cap_drop: Vec<String>,
    },
}

/// Who owns a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ids {
    /// User id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
}

impl std::fmt::Display for Ids {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.uid, self.gid)
    }
}

/// One line of the journal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Line {
    /// The first line: what the run acted on.
    Run {
        /// The run id (the file's stem).
        run_id: String,
        /// The audited root.
        root: String,
        /// The Docker endpoint.
        docker_host: String,
        /// Seconds since the epoch.
        created: u64,
        /// bulkhead's version.
        bulkhead_version: String,
    },
    /// About to make change `seq`.
    Intent {
        /// Sequence number within the run.
        seq: u32,
        /// The change.
        change: Change,
    },
    /// A step of change `seq` done (e.g. the copy's id once created).
    Progress {
        /// Sequence number.
        seq: u32,
        /// What was done.
        step: String,
    },
    /// Change `seq` is complete.
    Done {
        /// Sequence number.
        seq: u32,
    },
    /// Change `seq` was undone by rollback.
    Undone {
        /// Sequence number.
        seq: u32,
    },
}

/// An open journal file, appending synced lines.
pub struct Journal {
    path: PathBuf,
    file: File,
    next_seq: u32,
    /// The run id.
    pub run_id: String,
}

impl Journal {
    /// Start a new run's journal in `dir` (created 0700 if missing).
    pub fn create(dir: &Path, root: &str, docker_host: &str) -> Result<Journal> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io(dir))?;
        let created = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let run_id = format!("{created:011}-{}", std::process::id());
        let path = dir.join(format!("{run_id}.jsonl"));
        let file = OpenOptions::new()
            .append(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(io(&path))?;
        // The new file's directory entry must survive a crash too.
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io(dir))?;
        let mut journal = Journal {
            path,
            file,
            next_seq: 1,
            run_id: run_id.clone(),
        };
        journal.append(&Line::Run {
            run_id,
            root: root.to_owned(),
            docker_host: docker_host.to_owned(),
            created,
            bulkhead_version: env!("CARGO_PKG_VERSION").to_owned(),
        })?;
        Ok(journal)
    }

    /// Reopen an existing journal to append rollback records.
    pub fn reopen(path: &Path) -> Result<Journal> {
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(io(path))?;
        let run_id = run_id_of(path);
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            next_seq: 0,
            run_id,
        })
    }

    /// Append one line and sync it to disk.
    pub fn append(&mut self, line: &Line) -> Result<()> {
        let mut text = serde_json::to_string(line).map_err(|e| JournalError::Invalid {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        text.push('\n');
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(io(&self.path))
    }

    /// Record the intent to make `change`; returns its sequence number.
    pub fn intent(&mut self, change: Change) -> Result<u32> {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.append(&Line::Intent { seq, change })?;
        Ok(seq)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn run_id_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A run read back from its journal.
#[derive(Debug)]
pub struct Recorded {
    /// The file.
    pub path: PathBuf,
    /// The run id.
    pub run_id: String,
    /// The audited root.
    pub root: String,
    /// The Docker endpoint.
    pub docker_host: String,
    /// Every intended change, in order, with what became of it.
    pub changes: Vec<RecordedChange>,
}

/// One change as the journal tells it.
#[derive(Debug, Clone)]
pub struct RecordedChange {
    /// Sequence number.
    pub seq: u32,
    /// The change.
    pub change: Change,
    /// Steps recorded after the intent.
    pub steps: Vec<String>,
    /// Whether it completed.
    pub done: bool,
    /// Whether rollback already undid it.
    pub undone: bool,
}

/// Read the journal at `path`. A torn last line (a crash mid-write) is ignored.
pub fn read(path: &Path) -> Result<Recorded> {
    let file = File::open(path).map_err(io(path))?;
    let invalid = |reason: String| JournalError::Invalid {
        path: path.to_path_buf(),
        reason,
    };
    let raw: Vec<String> = BufReader::new(file)
        .lines()
        .collect::<std::io::Result<_>>()
        .map_err(io(path))?;
    let mut lines = Vec::new();
    for (index, line) in raw.iter().enumerate() {
        match serde_json::from_str::<Line>(line) {
            Ok(parsed) => lines.push(parsed),
            // Only the last line can be torn by a crash; anything else is not ours.
            Err(_) if index + 1 == raw.len() => {}
            Err(e) => return Err(invalid(format!("line {}: {e}", index + 1))),
        }
    }
    let mut iter = lines.into_iter();
    let Some(Line::Run {
        run_id,
        root,
        docker_host,
        ..
    }) = iter.next()
    else {
        return Err(invalid("it does not start with a run header".to_owned()));
    };
    let mut changes: Vec<RecordedChange> = Vec::new();
    for line in iter {
        match line {
            Line::Intent { seq, change } => changes.push(RecordedChange {
                seq,
                change,
                steps: Vec::new(),
                done: false,
                undone: false,
            }),
            Line::Progress { seq, step } => {
                if let Some(c) = changes.iter_mut().find(|c| c.seq == seq) {
                    c.steps.push(step);
                }
            }
            Line::Done { seq } => {
                if let Some(c) = changes.iter_mut().find(|c| c.seq == seq) {
                    c.done = true;
                }
            }
            Line::Undone { seq } => {
                if let Some(c) = changes.iter_mut().find(|c| c.seq == seq) {
                    c.undone = true;
                }
            }
            Line::Run { .. } => return Err(invalid("a second run header".to_owned())),
        }
    }
    Ok(Recorded {
        path: path.to_path_buf(),
        run_id,
        root,
        docker_host,
        changes,
    })
}

/// The journal file of `run_id` in `dir`, or of the newest run when `run_id` is `None`.
pub fn find(dir: &Path, run_id: Option<&str>) -> Result<PathBuf> {
    if let Some(id) = run_id {
        let path = dir.join(format!("{id}.jsonl"));
        return if path.is_file() {
            Ok(path)
        } else {
            Err(JournalError::Io {
                path,
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such run"),
            })
        };
    }
    let mut runs: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    runs.sort();
    runs.pop()
        .ok_or_else(|| JournalError::Empty(dir.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_read_back_with_a_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::create(dir.path(), "/srv/root", "unix:///x.sock").unwrap();
        let a = j
            .intent(Change::Chmod {
                path: "/etc/docker/key.pem".into(),
                before: 0o644,
                after: 0o400,
            })
            .unwrap();
        j.append(&Line::Done { seq: a }).unwrap();
        let b = j
            .intent(Change::Chmod {
                path: "/etc/docker/other.pem".into(),
                before: 0o640,
                after: 0o400,
            })
            .unwrap();
        assert_eq!((a, b), (1, 2));
        // A crash in the middle of a write leaves half a line.
        let mut f = OpenOptions::new().append(true).open(j.path()).unwrap();
        f.write_all(b"{\"type\":\"done\",\"se").unwrap();

        let path = find(dir.path(), None).unwrap();
        let run = read(&path).unwrap();
        assert_eq!(run.root, "/srv/root");
        assert_eq!(run.changes.len(), 2);
        assert!(run.changes[0].done);
        assert!(!run.changes[1].done, "the torn line is not a done record");
    }

    #[test]
    fn a_chown_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::create(dir.path(), "/", "unix:///x.sock").unwrap();
        let change = Change::Chown {
            path: "/run/docker.sock".into(),
            before: Ids {
                uid: 1000,
                gid: 998,
            },
            after: Ids { uid: 0, gid: 998 },
            mode: 0o4755,
        };
        let seq = j.intent(change.clone()).unwrap();
        j.append(&Line::Done { seq }).unwrap();
        let text = fs::read_to_string(j.path()).unwrap();
        assert!(
            text.contains(
                r#""op":"chown","path":"/run/docker.sock","before":{"uid":1000,"gid":998}"#
            ),
            "{text}"
        );
        let run = read(j.path()).unwrap();
        assert_eq!(run.changes.len(), 1);
        assert_eq!(run.changes[0].change, change);
        assert!(run.changes[0].done);
    }

    #[test]
    fn a_foreign_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.jsonl");
        fs::write(&path, "hello\n").unwrap();
        assert!(read(&path).is_err());
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(
            find(empty.path(), None),
            Err(JournalError::Empty(_))
        ));
    }
}
