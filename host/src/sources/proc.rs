//! The process table under `--proc`: the Docker daemon's command lines, scanned once
//! per run whatever the number of controls that ask.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::sandbox::bindings::process::DaemonProcess;
use crate::sandbox::bindings::types::Error as WitError;

/// Per-run state: where the process table is, and what the scan found.
pub struct ProcCtx {
    proc: PathBuf,
    scan: OnceLock<Result<Vec<DaemonProcess>, WitError>>,
}

impl ProcCtx {
    /// A process table rooted at `proc` (normally `/proc`).
    pub fn new(proc: &Path) -> Self {
        ProcCtx {
            proc: proc.to_path_buf(),
            scan: OnceLock::new(),
        }
    }

    /// Every process whose `argv[0]` names `dockerd`, sorted by pid (scanned on the
    /// first call of the run).
    pub fn dockerd(&self) -> Result<Vec<DaemonProcess>, WitError> {
        self.scan.get_or_init(|| self.scan_now()).clone()
    }

    pub(crate) fn scan_now(&self) -> Result<Vec<DaemonProcess>, WitError> {
        let entries = std::fs::read_dir(&self.proc).map_err(|e| {
            WitError::Unavailable(format!(
                "cannot read the process table {}: {e}",
                self.proc.display()
            ))
        })?;
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            // A process may exit between listing and reading: skip it.
            let Ok(raw) = std::fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            let args = split_cmdline(&raw);
            if args.first().is_some_and(|argv0| is_dockerd(argv0)) {
                found.push(DaemonProcess { pid, args });
            }
        }
        found.sort_by_key(|p| p.pid);
        Ok(found)
    }
}

/// `/proc/<pid>/cmdline` is NUL-separated with a trailing NUL.
pub(crate) fn split_cmdline(raw: &[u8]) -> Vec<String> {
    raw.split(|b| *b == 0)
        .filter(|arg| !arg.is_empty())
        .map(|arg| String::from_utf8_lossy(arg).into_owned())
        .collect()
}

pub(crate) fn is_dockerd(argv0: &str) -> bool {
    Path::new(argv0)
        .file_name()
        .is_some_and(|name| name == "dockerd")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_dockerd_by_argv0_only() {
        let proc = tempfile::tempdir().unwrap();
        let write = |pid: &str, cmdline: &[u8]| {
            let dir = proc.path().join(pid);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("cmdline"), cmdline).unwrap();
        };
        write("1", b"/sbin/init\0");
        write("42", b"/usr/bin/dockerd\0--tlskey\0/etc/docker/key.pem\0");
        write("7", b"dockerd\0-H\0fd://\0");
        write("99", b"grep\0dockerd\0");
        write("self", b"dockerd\0");
        let ctx = ProcCtx::new(proc.path());
        let found = ctx.dockerd().unwrap();
        let pids: Vec<u32> = found.iter().map(|p| p.pid).collect();
        assert_eq!(pids, [7, 42]);
        assert_eq!(
            found[1].args,
            ["/usr/bin/dockerd", "--tlskey", "/etc/docker/key.pem"]
        );
    }

    #[test]
    fn missing_proc_is_unavailable() {
        let ctx = ProcCtx::new(Path::new("/definitely/not/here"));
        assert!(matches!(ctx.dockerd(), Err(WitError::Unavailable(_))));
    }
}
