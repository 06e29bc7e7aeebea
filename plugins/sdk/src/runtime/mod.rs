//! Container runtime rules (CIS Docker Benchmark section 5), written once.
//!
//! A container control is a judge: a function from one container's full inspect document
//! (an [`Inspected`]) to its [`Finding`]. [`judge_all`] runs it over every container,
//! running or not (like `docker ps --all`): one finding per container, one `skip` for the
//! host when there are no containers, one `error` when Docker cannot be asked, and an
//! `error` for a container whose inspect document cannot be read. Every finding carries
//! the container's `state`.
//!
//! Manual benchmark items use the same machinery: their judge returns
//! [`Finding::info`] with the facts a person should look at, never a pass.
//!
//! The contract can only replace a container with a copy that drops capabilities, so for
//! everything else [`refuse`] tells the person which `docker run` flag to recreate it with.
//!
//! The [`container_control!`](crate::container_control) macro writes a whole control from a
//! judge. Shared facts live here too: [`SENSITIVE_HOST_PATHS`], [`DOCKER_SOCKETS`],
//! `--security-opt` parsing ([`Inspected::security_opt`]), and judgements several controls
//! make: [`namespace_not_host`], [`judge_mounts`], [`daemon_lsm_default`]. Their unit-test
//! scaffolding is in [`testing::control`](crate::testing::control).

mod inspected;
mod judges;

use std::rc::Rc;

use serde_json::Value;

pub use inspected::{Inspected, MountPoint, PortBinding};
pub use judges::{
    DOCKER_SOCKETS, SENSITIVE_HOST_PATHS, daemon_lsm_default, exposes_docker_socket,
    is_sensitive_host_path, judge_mounts, namespace_not_host,
};

use crate::facts::Facts;
use crate::{Container, Error, Finding, Target, describe_error};

/// One finding per container, running or not, from `judge`: an `error` when the
/// containers cannot be listed, a `skip` when there are none.
pub fn each_container(
    facts: &impl Facts,
    judge: impl FnMut(&Container) -> Finding,
) -> Vec<Finding> {
    match facts.containers() {
        Ok(list) if list.is_empty() => vec![Finding::skip(
            Target::Host,
            "no containers on this host (docker ps --all is empty)",
        )],
        Ok(list) => list.iter().map(judge).collect(),
        Err(err) => vec![Finding::error(
            Target::Host,
            format!("cannot list containers: {}", describe_error(&err)),
        )],
    }
}

/// Judge every container with `judge` (see the module doc).
pub fn judge_all(facts: &impl Facts, judge: fn(&Inspected) -> Finding) -> Vec<Finding> {
    let info = Rc::new(
        facts
            .info()
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Value::Null),
    );
    each_container(facts, |c| {
        let target = Target::container(&c.name);
        let doc = match facts.inspect(&c.id) {
            Ok(text) => text,
            Err(err) => {
                return Finding::error(
                    target,
                    format!(
                        "cannot inspect container {}: {}",
                        c.name,
                        describe_error(&err)
                    ),
                );
            }
        };
        match serde_json::from_str::<Value>(&doc) {
            Ok(doc) => {
                let inspected = Inspected::new(doc, Rc::clone(&info));
                let state = inspected.state().to_owned();
                let state = if state.is_empty() {
                    c.state.clone()
                } else {
                    state
                };
                judge(&inspected).with_evidence("state", state)
            }
            Err(e) => Finding::error(
                target,
                format!(
                    "the inspect document of container {} is not JSON: {e}",
                    c.name
                ),
            ),
        }
    })
}

/// The answer of `remediate` for a container setting the contract cannot change: recreate
/// the container by hand as `fix` says (`with --pids-limit 100`, `without --pid host`).
pub fn refuse(id: &str, target: &Target, fix: &str) -> Error {
    match target {
        Target::Container(name) => Error::Invalid(format!(
            "bulkhead cannot change container {name} in place: recreate it (docker run) {fix}"
        )),
        other => Error::Invalid(format!("{id} fixes container: targets, not {other}")),
    }
}

/// Write a whole container control from a judge: metadata, audit over every container,
/// remediate (refused with the `docker run` flag to use), exported as the component.
///
/// ```text
/// bulkhead_sdk::container_control! {
///     id: "container-not-privileged",
///     cis: "5.5",
///     title: "Containers are not privileged",
///     description: "...", rationale: "...", remediation: "...",
///     severity: Critical,
///     fix: "--privileged=false",
///     judge: judge,
/// }
/// ```
///
/// `judge` is a `fn(&Inspected) -> Finding`. The macro defines `pub fn audit(&impl Facts)`
/// and `pub fn remediate(Target)` for unit tests, and the exported `Control`.
#[macro_export]
macro_rules! container_control {
    (
        id: $id:literal,
        cis: $cis:literal,
        title: $title:literal,
        description: $description:literal,
        rationale: $rationale:literal,
        remediation: $remediation:literal,
        severity: $severity:ident,
        fix: $fix:literal,
        judge: $judge:path $(,)?
    ) => {
        /// Judge every container.
        pub fn audit(facts: &impl $crate::Facts) -> ::std::vec::Vec<$crate::Finding> {
            $crate::runtime::judge_all(facts, $judge)
        }

        /// Fix one failing target: not possible through the contract; says which flag to use.
        pub fn remediate(target: $crate::Target) -> ::std::result::Result<(), $crate::Error> {
            ::std::result::Result::Err($crate::runtime::refuse($id, &target, $fix))
        }

        $crate::cis_control! {
            id: $id,
            title: $title,
            description: $description,
            rationale: $rationale,
            remediation: $remediation,
            severity: $severity,
            cis: $cis,
            reads: [],
            remediate: |target| remediate(target),
        }
    };
}

/// Parse an inspect document for a unit test; `info` is the `docker info` document.
///
/// Panics on malformed JSON (a broken test, not a finding).
pub fn inspected(inspect: &str, info: &str) -> Inspected {
    Inspected::parse(inspect, info).expect("test inspect document")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::testing::{FakeHost, container};

    fn named(doc: &Inspected) -> Finding {
        Finding::pass(doc.target(), doc.name().to_owned())
    }

    #[test]
    fn judges_every_container_and_skips_or_errors_for_the_host() {
        let host = FakeHost::new()
            .container(container("web"))
            .container(container("db"));
        let got = judge_all(&host, named);
        let names: Vec<String> = got.iter().map(|f| f.target.to_string()).collect();
        assert_eq!(names, ["container:db", "container:web"]);
        assert_eq!(got[0].evidence("state"), Some("running"));

        let none = judge_all(&FakeHost::new(), named);
        assert_eq!(none.len(), 1);
        assert_eq!(
            (none[0].status, &none[0].target),
            (Status::Skip, &Target::Host)
        );

        let down = FakeHost::new().containers_error(Error::Unavailable("socket".into()));
        assert_eq!(judge_all(&down, named)[0].status, Status::Error);
    }

    #[test]
    fn reads_security_options_in_both_spellings() {
        let doc = inspected(
            r#"{"Name":"/w","HostConfig":{"SecurityOpt":["apparmor:unconfined","label=disable","no-new-privileges","seccomp=/p.json"]}}"#,
            "null",
        );
        assert_eq!(doc.name(), "w");
        assert_eq!(doc.security_opt("apparmor"), ["unconfined"]);
        assert_eq!(doc.security_opt("label"), ["disable"]);
        assert_eq!(doc.security_opt("no-new-privileges"), [""]);
        assert_eq!(doc.security_opt("seccomp"), ["/p.json"]);
        assert!(doc.security_opt("selinux").is_empty());
    }

    #[test]
    fn daemon_security_options_from_info() {
        let info = r#"{"SecurityOptions":["name=apparmor","name=seccomp,profile=default"]}"#;
        let doc = inspected(r#"{"Name":"/w"}"#, info);
        assert_eq!(doc.daemon_security_option("apparmor"), Some(true));
        assert_eq!(doc.daemon_security_option("seccomp"), Some(true));
        assert_eq!(doc.daemon_security_option("selinux"), Some(false));
        assert_eq!(
            inspected("{}", "null").daemon_security_option("apparmor"),
            None
        );
    }

    #[rstest::rstest]
    #[case::root("/", true)]
    #[case::etc("/etc", true)]
    #[case::under_etc("/etc/ssl/", true)]
    #[case::double_slash("//proc", true)]
    #[case::docker_data("/var/lib/docker/volumes", true)]
    #[case::not_prefix("/etcetera", false)]
    #[case::home("/home/app/data", false)]
    #[case::tmp("/tmp", false)]
    fn sensitive_paths(#[case] path: &str, #[case] want: bool) {
        assert_eq!(is_sensitive_host_path(path), want, "{path}");
    }

    #[rstest::rstest]
    #[case::socket("/var/run/docker.sock", true)]
    #[case::run_socket("/run/docker.sock", true)]
    #[case::var_run("/var/run/", true)]
    #[case::run("/run", true)]
    #[case::root("/", true)]
    #[case::other_socket("/run/containerd/containerd.sock", false)]
    #[case::tmp("/tmp", false)]
    fn docker_socket_exposure(#[case] path: &str, #[case] want: bool) {
        assert_eq!(exposes_docker_socket(path), want, "{path}");
    }

    #[test]
    fn ports_and_mounts() {
        let doc = inspected(
            r#"{"Name":"/w","HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"80"}],"53/udp":[{"HostIp":"127.0.0.1","HostPort":""}]}},
               "Mounts":[{"Type":"bind","Source":"/etc","Destination":"/h","RW":false,"Propagation":"rshared"}]}"#,
            "null",
        );
        let ports = doc.port_bindings();
        assert_eq!(ports.len(), 2);
        let low: Vec<Option<u16>> = ports.iter().map(PortBinding::lowest_host_port).collect();
        assert!(low.contains(&Some(80)) && low.contains(&None), "{low:?}");
        let mounts = doc.mounts();
        assert_eq!(mounts[0].describe(), "/etc:/h:ro");
        assert_eq!(mounts[0].propagation, "rshared");
    }

    #[rstest::rstest]
    #[case::host("host", false)]
    #[case::private("private", true)]
    #[case::default("", true)]
    #[case::other_container("container:db", true)]
    fn namespaces(#[case] mode: &str, #[case] passes: bool) {
        let doc = inspected(
            &format!(r#"{{"Name":"/w","HostConfig":{{"PidMode":"{mode}"}}}}"#),
            "null",
        );
        let got = namespace_not_host(&doc, "PidMode", "PID");
        let want = if passes { Status::Pass } else { Status::Fail };
        assert_eq!(got.status, want, "{}", got.message);
    }

    #[test]
    fn judges_mounts_by_the_rule_given() {
        let doc = inspected(
            r#"{"Name":"/w","Mounts":[{"Type":"bind","Source":"/etc","Destination":"/h","RW":false},
               {"Type":"bind","Source":"/srv","Destination":"/s","RW":true}]}"#,
            "null",
        );
        let rule = |m: &MountPoint<'_>| (m.source == "/etc").then(|| m.describe());
        let got = judge_mounts(&doc, "etc-mounts", rule, "mounts no /etc", "mounts");
        assert_eq!(got.status, Status::Fail);
        assert_eq!(got.message, "container w mounts /etc:/h:ro");
        assert_eq!(got.evidence("etc-mounts"), Some("/etc:/h:ro"));
        let none = inspected(r#"{"Name":"/w"}"#, "null");
        let got = judge_mounts(&none, "etc-mounts", rule, "mounts no /etc", "mounts");
        assert_eq!(
            (got.status, got.message.as_str()),
            (Status::Pass, "container w mounts no /etc")
        );
        assert_eq!(none.items("/Mounts").len(), 0);
    }

    #[rstest::rstest]
    #[case::enabled(r#"{"SecurityOptions":["name=apparmor"]}"#, Status::Pass)]
    #[case::not_enabled(
        r#"{"SecurityOptions":["name=seccomp,profile=default"]}"#,
        Status::Skip
    )]
    #[case::unknown("null", Status::Error)]
    fn lsm_defaults_follow_the_daemon(#[case] info: &str, #[case] want: Status) {
        let doc = inspected(r#"{"Name":"/w"}"#, info);
        let got = daemon_lsm_default(&doc, "apparmor", "AppArmor", "on".into(), "off".into());
        assert_eq!(got.status, want, "{}", got.message);
        if want == Status::Error {
            assert_eq!(
                got.message,
                "cannot tell whether AppArmor applies to container w: docker info is unavailable"
            );
        }
    }

    #[test]
    fn refuses_with_the_flag_to_use() {
        let err = refuse("x", &Target::container("web"), "with --pids-limit 100");
        assert!(
            matches!(err, Error::Invalid(m) if m.contains("--pids-limit 100") && m.contains("web"))
        );
        assert!(matches!(
            refuse("x", &Target::Host, "-f"),
            Error::Invalid(_)
        ));
    }
}
