//! Containers' processes in the machine's own process table under `--proc`, scanned
//! once per run, on the first call: every process whose `<proc>/<pid>/cgroup` names a
//! container id (a run of 64 hex digits: `/docker/<id>`, `docker-<id>.scope`, or a
//! nested cgroup below one), with its parent, user and command line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::sources::proc::split_cmdline;

/// One process of a container, as read under `--proc`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Its pid.
    pub pid: u32,
    /// Its parent's pid.
    pub ppid: u32,
    /// Its real uid.
    pub uid: u32,
    /// The command line, arguments joined by spaces; `[comm]` when it has none.
    pub cmd: String,
}

/// Per-run state: where the process table is, and the processes found per container id.
pub struct TasksCtx {
    proc: PathBuf,
    scan: OnceLock<HashMap<String, Vec<Task>>>,
}

impl TasksCtx {
    /// The process table rooted at `proc` (normally `/proc`).
    pub fn new(proc: &Path) -> Self {
        TasksCtx {
            proc: proc.to_path_buf(),
            scan: OnceLock::new(),
        }
    }

    /// The processes of container `id` (full id) if the scan shows `init_pid` among them.
    pub(crate) fn of(&self, id: &str, init_pid: u32) -> Option<&[Task]> {
        let tasks = self.scan.get_or_init(|| scan(&self.proc)).get(id)?;
        tasks
            .iter()
            .any(|t| t.pid == init_pid)
            .then_some(tasks.as_slice())
    }
}

/// Every process under `proc` whose cgroup names a container id, by id, sorted by pid.
/// A process that ends while it is read is left out; an unreadable table is empty.
pub(crate) fn scan(proc: &Path) -> HashMap<String, Vec<Task>> {
    let mut found: HashMap<String, Vec<Task>> = HashMap::new();
    let Ok(entries) = std::fs::read_dir(proc) else {
        return found;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let dir = entry.path();
        let Ok(cgroup) = std::fs::read_to_string(dir.join("cgroup")) else {
            continue;
        };
        let ids = container_ids(&cgroup);
        if ids.is_empty() {
            continue;
        }
        let Some(task) = read_task(&dir, pid) else {
            continue;
        };
        for id in ids {
            found.entry(id.to_owned()).or_default().push(task.clone());
        }
    }
    for tasks in found.values_mut() {
        tasks.sort_by_key(|t| t.pid);
    }
    found
}

/// Parent, real user and command line of the process at `dir`.
pub(crate) fn read_task(dir: &Path, pid: u32) -> Option<Task> {
    let status = std::fs::read_to_string(dir.join("status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
    };
    let (ppid, uid) = (field("PPid:")?, field("Uid:")?);
    let args = split_cmdline(&std::fs::read(dir.join("cmdline")).ok()?);
    let cmd = if args.is_empty() {
        let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        format!("[{}]", comm.trim_end())
    } else {
        args.join(" ")
    };
    Some(Task {
        pid,
        ppid,
        uid,
        cmd,
    })
}

/// The container ids a `cgroup` file names: runs of exactly 64 hex digits, once each.
pub(crate) fn container_ids(cgroup: &str) -> Vec<&str> {
    let mut ids: Vec<&str> = cgroup
        .split(|c: char| !c.is_ascii_hexdigit())
        .filter(|run| run.len() == 64)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111111111111111111111111111";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn process(proc: &Path, pid: u32, ppid: u32, uid: u32, cgroup: &str, cmdline: &[u8]) {
        let dir = proc.join(pid.to_string());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("cgroup"), cgroup).unwrap();
        let status = format!("Name:\tx\nPPid:\t{ppid}\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\n");
        std::fs::write(dir.join("status"), status).unwrap();
        std::fs::write(dir.join("cmdline"), cmdline).unwrap();
        std::fs::write(dir.join("comm"), "worker\n").unwrap();
    }

    #[test]
    fn groups_processes_by_the_container_id_their_cgroup_names() {
        let proc = tempfile::tempdir().unwrap();
        let p = proc.path();
        // cgroup v2 with the cgroupfs driver, a nested cgroup, the systemd driver (v1).
        process(p, 40, 20, 0, &format!("0::/docker/{A}\n"), b"/pause\0");
        process(
            p,
            41,
            40,
            1000,
            &format!("0::/docker/{A}/init.scope\n"),
            b"sshd: alice@pts/0\0\0\0",
        );
        process(p, 42, 40, 0, &format!("0::/docker/{A}\n"), b"");
        let systemd = format!(
            "12:pids:/system.slice/docker-{B}.scope\n1:name=systemd:/system.slice/docker-{B}.scope\n"
        );
        process(p, 50, 20, 0, &systemd, b"nginx\0-g\0daemon off;\0");
        // The host's own processes, and an entry that is no process.
        process(p, 1, 0, 0, "0::/init.scope\n", b"/sbin/init\0");
        process(
            p,
            20,
            1,
            0,
            "0::/system.slice/containerd.service\n",
            b"containerd\0",
        );
        std::fs::create_dir(p.join("self-ish")).unwrap();

        let found = scan(p);
        assert_eq!(found.len(), 2, "{found:?}");
        let a: Vec<(u32, u32, u32, &str)> = found[A]
            .iter()
            .map(|t| (t.pid, t.ppid, t.uid, t.cmd.as_str()))
            .collect();
        assert_eq!(
            a,
            [
                (40, 20, 0, "/pause"),
                (41, 40, 1000, "sshd: alice@pts/0"),
                (42, 40, 0, "[worker]"),
            ]
        );
        assert_eq!(found[B].len(), 1);
        assert_eq!(found[B][0].cmd, "nginx -g daemon off;");
    }

    #[test]
    fn a_container_is_served_only_when_its_init_process_is_found() {
        let proc = tempfile::tempdir().unwrap();
        process(
            proc.path(),
            40,
            20,
            0,
            &format!("0::/docker/{A}\n"),
            b"/pause\0",
        );
        let ctx = TasksCtx::new(proc.path());
        assert_eq!(ctx.of(A, 40).map(<[Task]>::len), Some(1));
        // The daemon names another pid: this is not its machine's table.
        assert_eq!(ctx.of(A, 41), None);
        assert_eq!(ctx.of(B, 40), None);
        // No table at all.
        let ctx = TasksCtx::new(Path::new("/nonexistent-proc"));
        assert_eq!(ctx.of(A, 40), None);
    }

    #[test]
    fn ids_are_exactly_64_hex_digits() {
        let long = format!("{A}0");
        assert_eq!(container_ids(&format!("0::/docker/{A}\n")), [A]);
        assert!(container_ids(&format!("0::/x/{long}\n")).is_empty());
        assert!(container_ids("0::/user.slice/user-1000.slice\n").is_empty());
        assert_eq!(
            container_ids(&format!("2:cpu:/docker/{A}\n1:mem:/docker/{A}\n")),
            [A]
        );
    }
}
