//! # `container-sshd-absent`: CIS Docker Benchmark v1.6.0 5.7
//!
//! ### What it checks
//! No running container runs an SSH daemon: none of its processes has `sshd` as its program
//! name. The processes come from `container-tasks.processes`: the machine's own process table
//! under `--proc` (every process whose cgroup names the container) when the daemon runs on
//! this machine, else the daemon's top API (`docker top <container> -ef`); evidence `source`
//! says which. The program
//! name is the last path component of the first word of the command line, with a trailing
//! `:` removed, so `/usr/sbin/sshd -D`, `sshd: /usr/sbin/sshd -D [listener] 0 of 10-100
//! startups` and `sshd: alice@pts/0` all count; so do OpenSSH's per-session programs
//! `sshd-session` and `sshd-auth` (OpenSSH 9.8 and later).
//!
//! Every container is looked at (like `docker ps --all`): a running one passes or fails, one
//! that is not running has no processes and gets `skip`. Nothing is ever run inside a
//! container (never `docker exec ps`), nor a `ps` per container on the machine. No
//! containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Remove the SSH server from the image (and from its entrypoint or supervisor), rebuild the
//! image and recreate the container; use `docker exec` for the rare shell a person needs.
//! bulkhead does not stop processes or change images: there is no automatic fix.
//!
//! ### Example
//! A container started with `docker run -d --name box some/image-with-openssh` whose
//! entrypoint starts `/usr/sbin/sshd -D` yields
//!
//! ```text
//! fail  container:box
//!       container box runs an SSH daemon: PID 4242 (root): /usr/sbin/sshd -D
//!       sshd=PID 4242 (root): /usr/sbin/sshd -D processes=1 source=--proc state=running
//! ```

use bulkhead_sdk::runtime::each_container;
use bulkhead_sdk::text::{cut, listed};
use bulkhead_sdk::{Container, Error, Facts, Finding, ProcessTable, Target, describe_error};

/// At most this many sshd processes are shown in evidence.
const MAX_LISTED: usize = 10;

/// The longest command line shown in evidence, in bytes.
const MAX_COMMAND: usize = 256;

/// Program names of an SSH daemon's processes.
const SSHD_PROGRAMS: [&str; 3] = ["sshd", "sshd-session", "sshd-auth"];

/// Judge every container by its processes.
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    each_container(facts, |c| {
        let target = Target::container(&c.name);
        let finding = match facts.processes(&c.id) {
            Ok(table) => judge(c, &table),
            Err(Error::Invalid(_)) => Finding::skip(
                target,
                format!(
                    "container {} is not running: it has no processes to look at",
                    c.name
                ),
            ),
            Err(err) => Finding::error(
                target,
                format!(
                    "cannot list the processes of container {}: {}",
                    c.name,
                    describe_error(&err)
                ),
            ),
        };
        finding.with_evidence("state", c.state.as_str())
    })
}

/// The verdict for one running container from its process table.
fn judge(c: &Container, table: &ProcessTable) -> Finding {
    let target = Target::container(&c.name);
    let column = |title: &str| table.titles.iter().position(|t| t == title);
    let Some(cmd) = column("CMD").or_else(|| column("COMMAND")) else {
        return Finding::error(
            target,
            format!(
                "the process table of container {} has no CMD column (titles: {})",
                c.name,
                table.titles.join(" ")
            ),
        );
    };
    let (pid, uid) = (column("PID"), column("UID"));
    let cell = |row: &[String], at: Option<usize>| {
        at.and_then(|i| row.get(i)).cloned().unwrap_or_default()
    };
    let sshd: Vec<String> = table
        .processes
        .iter()
        .filter(|row| row.get(cmd).is_some_and(|line| is_sshd(line)))
        .map(|row| {
            format!(
                "PID {} ({}): {}",
                cell(row, pid),
                cell(row, uid),
                cut(&cell(row, Some(cmd)), MAX_COMMAND)
            )
        })
        .collect();
    let count = table.processes.len().to_string();
    // `container-tasks` names the machine's own table by its four titles.
    let source = if table.titles == ["UID", "PID", "PPID", "CMD"] {
        "--proc"
    } else {
        "daemon top API"
    };
    let Some(first) = sshd.first() else {
        return Finding::pass(
            target,
            format!(
                "container {} runs no SSH daemon ({count} processes)",
                c.name
            ),
        )
        .with_evidence("processes", count)
        .with_evidence("source", source);
    };
    let more = match sshd.len() {
        1 => String::new(),
        n => format!(" and {} more sshd processes", n - 1),
    };
    Finding::fail(
        target,
        format!("container {} runs an SSH daemon: {first}{more}", c.name),
    )
    .with_evidence("sshd", listed(&sshd, MAX_LISTED, "; "))
    .with_evidence("processes", count)
    .with_evidence("source", source)
}

/// The program name of a command line: the last path component of its first word, without
/// a trailing `:` (`sshd: alice@pts/0` names `sshd`).
pub fn program_name(command: &str) -> &str {
    let first = command.split_whitespace().next().unwrap_or_default();
    let base = first.rsplit('/').next().unwrap_or(first);
    base.strip_suffix(':').unwrap_or(base)
}

/// Whether a command line is one of an SSH daemon's processes.
pub fn is_sshd(command: &str) -> bool {
    SSHD_PROGRAMS.contains(&program_name(command))
}

/// Fix one failing target: not possible; the image is rebuilt without an SSH server.
pub fn remediate(target: Target) -> Result<(), Error> {
    Err(Error::Invalid(format!(
        "no automatic fix is safe for {target}: remove the SSH server from the image, rebuild \
         it and recreate the container (docker exec serves the occasional shell)"
    )))
}

bulkhead_sdk::cis_control! {
    id: "container-sshd-absent",
    title: "Containers do not run sshd",
    description: "No running container has a process whose program is sshd (or \
                          OpenSSH's sshd-session/sshd-auth), from the machine's process table \
                          when the daemon runs here, else the daemon's (docker top); \
                          containers that are not running are skipped.",
    rationale: "An SSH server in a container is one more service to secure and patch, \
                        with its own keys and access policy that Docker's controls do not see, \
                        and a way in that bypasses them; docker exec already gives a shell.",
    remediation: "Remove the SSH server from the image and its entrypoint, rebuild the \
                          image and recreate the container; use docker exec when a shell is \
                          needed.",
    severity: Medium,
    cis: "5.7",
    reads: [],
    remediate: |target| remediate(target),
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::Guest;
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::{FakeHost, container, process_table, statuses};

    #[rstest::rstest]
    #[case::absolute("/usr/sbin/sshd -D", true)]
    #[case::bare("sshd", true)]
    #[case::listener("sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", true)]
    #[case::session("sshd: alice@pts/0", true)]
    #[case::privsep("sshd: alice [priv]", true)]
    #[case::openssh_98_session("sshd-session: alice [priv]", true)]
    #[case::openssh_98_auth("/usr/libexec/openssh/sshd-auth", true)]
    #[case::leading_space("  /usr/sbin/sshd -D", true)]
    #[case::client("ssh -N tunnel@example.com", false)]
    #[case::argument_only("tail -f /var/log/sshd.log", false)]
    #[case::lookalike("/opt/sshd-exporter --port 9100", false)]
    #[case::directory_named_sshd("/opt/sshd/bin/server", false)]
    #[case::shell_wrapper("sh -c /usr/sbin/sshd", false)]
    #[case::empty("", false)]
    fn recognises_sshd(#[case] command: &str, #[case] want: bool) {
        assert_eq!(is_sshd(command), want, "{command:?}");
    }

    #[test]
    fn a_container_running_sshd_fails_with_the_process() {
        let host = FakeHost::new().container(container("box")).processes(
            "box",
            Ok(process_table(&["/bin/init", "/usr/sbin/sshd -D"])),
        );
        let got = audit(&host);
        assert_eq!(statuses(&got), [Status::Fail]);
        assert_eq!(got[0].target, Target::container("box"));
        assert_eq!(
            got[0].evidence("sshd"),
            Some("PID 101 (root): /usr/sbin/sshd -D")
        );
        assert_eq!(got[0].evidence("processes"), Some("2"));
        assert_eq!(got[0].evidence("state"), Some("running"));
        assert!(
            got[0].message.contains("/usr/sbin/sshd -D"),
            "{}",
            got[0].message
        );
    }

    #[test]
    fn many_sshd_processes_are_counted_and_the_list_is_cut() {
        let commands: Vec<String> = (0..15).map(|n| format!("sshd: user{n}@pts/{n}")).collect();
        let refs: Vec<&str> = commands.iter().map(String::as_str).collect();
        let host = FakeHost::new()
            .container(container("box"))
            .processes("box", Ok(process_table(&refs)));
        let got = audit(&host);
        assert!(
            got[0].message.ends_with("and 14 more sshd processes"),
            "{}",
            got[0].message
        );
        assert!(got[0].evidence("sshd").unwrap().ends_with("; and 5 more"));
    }

    #[test]
    fn a_running_container_without_sshd_passes() {
        let host = FakeHost::new().container(container("web")).processes(
            "web",
            Ok(process_table(&["nginx: master process", "ssh -N x"])),
        );
        let got = audit(&host);
        assert_eq!(statuses(&got), [Status::Pass]);
        assert_eq!(got[0].evidence("processes"), Some("2"));
    }

    #[test]
    fn stopped_containers_skip_and_other_errors_are_errors() {
        let mut stopped = container("old");
        stopped.state = "exited".into();
        let host = FakeHost::new()
            .container(stopped)
            .container(container("web"))
            .processes("web", Err(Error::Unavailable("daemon gone".into())));
        let got = audit(&host);
        assert_eq!(statuses(&got), [Status::Skip, Status::Error]);
        assert_eq!(got[0].target, Target::container("old"));
        assert!(got[1].message.contains("daemon gone"), "{}", got[1].message);
    }

    #[test]
    fn a_table_without_a_command_column_is_an_error() {
        let table = ProcessTable {
            titles: vec!["PID".into()],
            processes: vec![vec!["1".into()]],
        };
        let host = FakeHost::new()
            .container(container("web"))
            .processes("web", Ok(table));
        assert_eq!(statuses(&audit(&host)), [Status::Error]);
    }

    #[test]
    fn no_containers_skip_and_a_daemon_error_is_an_error() {
        assert_eq!(statuses(&audit(&FakeHost::new())), [Status::Skip]);
        let down = FakeHost::new().containers_error(Error::Unavailable("socket".into()));
        assert_eq!(statuses(&audit(&down)), [Status::Error]);
    }

    #[test]
    fn long_command_lines_are_cut() {
        let long = format!("/usr/sbin/sshd {}", "é".repeat(300));
        let host = FakeHost::new()
            .container(container("box"))
            .processes("box", Ok(process_table(&[&long])));
        let shown = audit(&host)[0].evidence("sshd").unwrap().to_owned();
        assert!(
            shown.len() < MAX_COMMAND + 64 && shown.ends_with("..."),
            "{shown}"
        );
    }

    #[test]
    fn no_automatic_fix() {
        let err = remediate(Target::container("box")).unwrap_err();
        assert!(matches!(err, Error::Invalid(m) if m.contains("no automatic fix")));
        assert_eq!(Control::metadata().id, "container-sshd-absent");
    }
}
