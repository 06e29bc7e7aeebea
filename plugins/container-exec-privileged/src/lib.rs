//! # `container-exec-privileged`: CIS Docker Benchmark v1.6.0 5.23
//!
//! ### What it checks
//! No container has an exec session started with `docker exec --privileged`: of the exec
//! sessions the daemon still holds for each container (`ExecIDs`, each inspected), none has
//! `privileged` set. A privileged session fails whether it still runs or has ended: either
//! way, a fully privileged process was started in the container.
//!
//! Every container is looked at (like `docker ps --all`). The daemon is not a complete
//! record: it only holds the sessions of a running container, and forgets ended ones after
//! a while (and all of them when the container stops). A pass therefore says "none the
//! daemon remembers"; the full history is in the host's audit log, when auditd watches the
//! Docker daemon and its socket (CIS 1.1), e.g. `ausearch -k docker`. No containers gives
//! one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Do not use `--privileged` with `docker exec`: give the exec session only the capability
//! it needs by recreating the container with `--cap-add`, or do the work on the host. Find
//! who ran it in the audit log and stop any session still running (it ends with its
//! process, or with `docker restart <container>`). bulkhead does not stop processes: there
//! is no automatic fix.
//!
//! ### Example
//! `docker exec -d --privileged web sleep 3600` yields
//!
//! ```text
//! fail  container:web
//!       container web has a privileged exec session: 3f2a9c1d0b7e (running): sleep 3600
//!       exec=3f2a9c1d0b7e... command=sleep 3600 running=true sessions=1 state=running
//! ```

use bulkhead_sdk::runtime::each_container;
use bulkhead_sdk::text::{cut, listed};
use bulkhead_sdk::{Container, Error, ExecSession, Facts, Finding, Target, describe_error};

/// At most this many privileged sessions are shown in evidence.
const MAX_LISTED: usize = 10;

/// The longest command line shown, in bytes.
const MAX_COMMAND: usize = 256;

/// Judge every container by the exec sessions the daemon holds for it.
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    each_container(facts, |c| {
        let finding = match facts.execs(&c.id) {
            Ok(sessions) => judge(c, &sessions),
            Err(err) => Finding::error(
                Target::container(&c.name),
                format!(
                    "cannot list the exec sessions of container {}: {}",
                    c.name,
                    describe_error(&err)
                ),
            ),
        };
        finding.with_evidence("state", c.state.as_str())
    })
}

/// The verdict for one container from the sessions the daemon holds for it.
fn judge(c: &Container, sessions: &[ExecSession]) -> Finding {
    let target = Target::container(&c.name);
    let name = &c.name;
    let count = sessions.len().to_string();
    let privileged: Vec<&ExecSession> = sessions.iter().filter(|s| s.privileged).collect();
    let Some(first) = privileged.first() else {
        let message = if c.state == "running" {
            format!(
                "container {name} has no privileged exec session among the {count} the daemon \
                 still holds; it forgets ended sessions after a while, so the audit log \
                 (auditd) is the full history"
            )
        } else {
            format!(
                "container {name} has no privileged exec session the daemon remembers; it is \
                 not running, and the daemon keeps no sessions for a stopped container, so the \
                 audit log (auditd) is the full history"
            )
        };
        return Finding::pass(target, message).with_evidence("sessions", count);
    };
    let more = match privileged.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    let join = |f: fn(&ExecSession) -> String| {
        let all: Vec<String> = privileged.iter().map(|s| f(s)).collect();
        listed(&all, MAX_LISTED, "; ")
    };
    Finding::fail(
        target,
        format!(
            "container {name} has a privileged exec session: {} ({}): {}{more}",
            short_id(&first.id),
            if first.running { "running" } else { "ended" },
            command_of(first)
        ),
    )
    .with_evidence("exec", join(|s| s.id.clone()))
    .with_evidence("command", join(command_of))
    .with_evidence("running", join(|s| s.running.to_string()))
    .with_evidence("sessions", count)
}

/// The first 12 characters of an exec id, as Docker shows ids.
fn short_id(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// A session's command line, bounded to [`MAX_COMMAND`] bytes.
fn command_of(session: &ExecSession) -> String {
    let text = session.command.join(" ");
    if text.is_empty() {
        return "(no command)".to_owned();
    }
    cut(&text, MAX_COMMAND)
}

/// Fix one failing target: not possible; a session cannot be taken back.
pub fn remediate(target: Target) -> Result<(), Error> {
    Err(Error::Invalid(format!(
        "no automatic fix is safe for {target}: a privileged exec session cannot be undone; \
         find who started it in the audit log and stop using docker exec --privileged"
    )))
}

bulkhead_sdk::cis_control! {
    id: "container-exec-privileged",
    title: "docker exec is not used with --privileged",
    description: "No container has a privileged exec session (docker exec \
                          --privileged), running or ended, among those the daemon still holds; \
                          the daemon forgets sessions, so the audit log holds the full history.",
    rationale: "docker exec --privileged gives the new process every capability and \
                        lifts seccomp, AppArmor and device restrictions, whatever the container \
                        was started with: root on the host, one escape away.",
    remediation: "Do not use docker exec --privileged: recreate the container with the \
                          one capability needed (--cap-add), or work on the host; find who ran \
                          it in the audit log (auditd).",
    severity: High,
    cis: "5.23",
    reads: [],
    remediate: |target| remediate(target),
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::Guest;
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::{FakeHost, container, statuses};

    fn session(id: &str, privileged: bool, running: bool, command: &[&str]) -> ExecSession {
        ExecSession {
            id: id.to_owned(),
            running,
            privileged,
            user: String::new(),
            command: command.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[rstest::rstest]
    #[case::none(&[], Status::Pass)]
    #[case::plain(&[(false, true)], Status::Pass)]
    #[case::privileged_running(&[(true, true)], Status::Fail)]
    #[case::privileged_ended(&[(true, false)], Status::Fail)]
    #[case::mixed(&[(false, true), (true, false)], Status::Fail)]
    fn judges_the_sessions(#[case] sessions: &[(bool, bool)], #[case] want: Status) {
        let mut host = FakeHost::new().container(container("web"));
        for (n, (privileged, running)) in sessions.iter().enumerate() {
            let id = format!("{n}{}", "a".repeat(63));
            host = host.exec(
                "web",
                session(&id, *privileged, *running, &["sleep", "3600"]),
            );
        }
        let got = audit(&host);
        assert_eq!(statuses(&got), [want], "{}", got[0].message);
        assert_eq!(got[0].target, Target::container("web"));
        assert_eq!(
            got[0].evidence("sessions"),
            Some(&*sessions.len().to_string())
        );
    }

    #[test]
    fn a_privileged_session_is_shown_in_evidence() {
        let id = "3f2a9c1d0b7e".repeat(5);
        let host = FakeHost::new()
            .container(container("web"))
            .exec("web", session("0plain", false, true, &["top"]))
            .exec("web", session(&id, true, true, &["sleep", "3600"]));
        let got = audit(&host);
        assert_eq!(
            got[0].message,
            "container web has a privileged exec session: 3f2a9c1d0b7e (running): sleep 3600"
        );
        assert_eq!(got[0].evidence("exec"), Some(id.as_str()));
        assert_eq!(got[0].evidence("command"), Some("sleep 3600"));
        assert_eq!(got[0].evidence("running"), Some("true"));
        assert_eq!(got[0].evidence("sessions"), Some("2"));
    }

    #[test]
    fn many_privileged_sessions_are_cut() {
        let mut host = FakeHost::new().container(container("web"));
        for n in 0..13 {
            host = host.exec("web", session(&format!("id{n:02}"), true, false, &[]));
        }
        let got = audit(&host);
        assert!(
            got[0].message.ends_with("(no command) and 12 more"),
            "{}",
            got[0].message
        );
        let running = got[0].evidence("running").unwrap();
        assert!(running.ends_with("false; and 3 more"), "{running}");
    }

    #[test]
    fn a_pass_says_the_daemon_forgets_and_auditd_remembers() {
        let mut stopped = container("old");
        stopped.state = "exited".into();
        let host = FakeHost::new()
            .container(stopped)
            .container(container("web"));
        let got = audit(&host);
        assert_eq!(statuses(&got), [Status::Pass, Status::Pass]);
        for finding in &got {
            assert!(finding.message.contains("auditd"), "{}", finding.message);
        }
        assert!(got[0].message.contains("not running"), "{}", got[0].message);
        assert!(got[1].message.contains("forgets"), "{}", got[1].message);
    }

    #[test]
    fn no_containers_skip_and_daemon_errors_are_errors() {
        assert_eq!(statuses(&audit(&FakeHost::new())), [Status::Skip]);
        let down = FakeHost::new().containers_error(Error::Unavailable("socket".into()));
        assert_eq!(statuses(&audit(&down)), [Status::Error]);
    }

    #[test]
    fn long_commands_are_cut() {
        let long = "x".repeat(1000);
        let shown = command_of(&session("a", true, true, &["sh", "-c", &long]));
        assert!(shown.len() <= MAX_COMMAND + 3 && shown.ends_with("..."));
    }

    #[test]
    fn no_automatic_fix() {
        let err = remediate(Target::container("web")).unwrap_err();
        assert!(matches!(err, Error::Invalid(m) if m.contains("no automatic fix")));
        assert_eq!(Control::metadata().id, "container-exec-privileged");
    }
}
