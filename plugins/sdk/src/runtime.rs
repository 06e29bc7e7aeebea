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

use std::rc::Rc;

use serde_json::Value;

use crate::facts::Facts;
use crate::{Container, Error, Finding, Target, describe_error};

/// Host directories a container must not mount (CIS 5.6): the host's root and its system
/// directories. A mount of one of them, or of anything under one of them but `/`, is judged
/// sensitive.
pub const SENSITIVE_HOST_PATHS: [&str; 14] = [
    "/",
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/proc",
    "/root",
    "/sbin",
    "/sys",
    "/usr",
    "/var/lib/docker",
];

/// Where the Docker daemon's socket usually is (CIS 5.32).
pub const DOCKER_SOCKETS: [&str; 2] = ["/var/run/docker.sock", "/run/docker.sock"];

/// Whether `path` (a host path) is one of [`SENSITIVE_HOST_PATHS`] or lies under one
/// (but `/`, which only counts itself). Trailing slashes and `.`/`//` are ignored.
pub fn is_sensitive_host_path(path: &str) -> bool {
    let path = normalize_path(path);
    SENSITIVE_HOST_PATHS
        .iter()
        .any(|dir| path == *dir || (*dir != "/" && is_under(&path, dir)))
}

/// Whether a bind of host `path` exposes the Docker socket: the socket itself or a
/// directory holding it (`/var/run`, `/run`, `/var`, `/`).
pub fn exposes_docker_socket(path: &str) -> bool {
    let path = normalize_path(path);
    DOCKER_SOCKETS
        .iter()
        .any(|sock| path == *sock || is_under(sock, &path) || path == "/")
}

/// `path` with empty and `.` components removed (`/etc//ssl/` → `/etc/ssl`).
fn normalize_path(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

/// Whether `path` is strictly under directory `dir` (both normalized).
fn is_under(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.starts_with('/') || dir == "/")
}

/// One container's `docker inspect` document, with the daemon's `docker info` beside it.
#[derive(Debug, Clone)]
pub struct Inspected {
    name: String,
    doc: Value,
    info: Rc<Value>,
}

impl Inspected {
    /// Parse an inspect document (`docker.inspect`) and an info document (`docker.info`;
    /// give `"null"` when unknown). The name comes from `Name`, without Docker's `/`.
    pub fn parse(inspect: &str, info: &str) -> Result<Self, String> {
        let doc: Value = serde_json::from_str(inspect)
            .map_err(|e| format!("the inspect document is not JSON: {e}"))?;
        let info = serde_json::from_str(info).unwrap_or(Value::Null);
        Ok(Self::new(doc, Rc::new(info)))
    }

    fn new(doc: Value, info: Rc<Value>) -> Self {
        let name = doc
            .pointer("/Name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim_start_matches('/')
            .to_owned();
        Inspected { name, doc, info }
    }

    /// The container's name, without Docker's leading `/`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `container:<name>`.
    pub fn target(&self) -> Target {
        Target::container(&self.name)
    }

    /// The value at a JSON pointer (`/HostConfig/Privileged`), if present and not null.
    pub fn value(&self, pointer: &str) -> Option<&Value> {
        self.doc.pointer(pointer).filter(|v| !v.is_null())
    }

    /// The string at `pointer`; empty when absent or not a string.
    pub fn str(&self, pointer: &str) -> &str {
        self.value(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The boolean at `pointer`; `false` when absent.
    pub fn bool(&self, pointer: &str) -> bool {
        self.value(pointer)
            .and_then(Value::as_bool)
            .unwrap_or_default()
    }

    /// The integer at `pointer`; `None` when absent or null (Docker's "unset").
    pub fn int(&self, pointer: &str) -> Option<i64> {
        self.value(pointer).and_then(Value::as_i64)
    }

    /// The items of the array at `pointer` (`/HostConfig/Devices`); empty when absent or
    /// null.
    pub fn items(&self, pointer: &str) -> &[Value] {
        self.value(pointer)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The strings of the array at `pointer`; empty when absent or null.
    pub fn strings(&self, pointer: &str) -> Vec<&str> {
        self.items(pointer)
            .iter()
            .filter_map(Value::as_str)
            .collect()
    }

    /// The values of the `--security-opt` entries named `key` (`apparmor`, `label`,
    /// `seccomp`, `no-new-privileges`), in both spellings Docker accepts (`key=value` and
    /// the older `key:value`); a bare `key` gives an empty value.
    pub fn security_opt(&self, key: &str) -> Vec<&str> {
        self.strings("/HostConfig/SecurityOpt")
            .into_iter()
            .filter_map(|opt| {
                let rest = opt.strip_prefix(key)?;
                if rest.is_empty() {
                    Some("")
                } else {
                    rest.strip_prefix('=').or_else(|| rest.strip_prefix(':'))
                }
            })
            .collect()
    }

    /// `HostConfig.SecurityOpt` joined with commas, for evidence.
    pub fn security_opts(&self) -> String {
        self.strings("/HostConfig/SecurityOpt").join(",")
    }

    /// Whether the daemon reports `name` (`apparmor`, `selinux`, `seccomp`, ...) among its
    /// `SecurityOptions` in `docker info`; `None` when info is unknown.
    pub fn daemon_security_option(&self, name: &str) -> Option<bool> {
        let options = self.info.pointer("/SecurityOptions")?.as_array()?;
        Some(options.iter().filter_map(Value::as_str).any(|o| {
            o.split(',')
                .any(|part| part == format!("name={name}") || part == name)
        }))
    }

    /// The daemon's `docker info` document (`Null` when it could not be read).
    pub fn info(&self) -> &Value {
        &self.info
    }

    /// The daemon's state: `created`, `running`, `exited`, ...
    pub fn state(&self) -> &str {
        self.str("/State/Status")
    }

    /// The bind and volume mounts as `(source, destination, rw, propagation)`.
    pub fn mounts(&self) -> Vec<MountPoint<'_>> {
        self.items("/Mounts")
            .iter()
            .map(|m| MountPoint {
                kind: m.get("Type").and_then(Value::as_str).unwrap_or_default(),
                source: m.get("Source").and_then(Value::as_str).unwrap_or_default(),
                destination: m
                    .get("Destination")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
                writable: m.get("RW").and_then(Value::as_bool).unwrap_or_default(),
                propagation: m
                    .get("Propagation")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// The published ports (`HostConfig.PortBindings`), one per binding.
    pub fn port_bindings(&self) -> Vec<PortBinding<'_>> {
        let Some(map) = self
            .value("/HostConfig/PortBindings")
            .and_then(Value::as_object)
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (port, bindings) in map {
            for binding in bindings.as_array().into_iter().flatten() {
                out.push(PortBinding {
                    container_port: port,
                    host_ip: binding
                        .get("HostIp")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                    host_port: binding
                        .get("HostPort")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                });
            }
        }
        out
    }
}

/// One mount of a container, from the inspect document's `Mounts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MountPoint<'a> {
    /// `bind`, `volume`, `tmpfs`, ...
    pub kind: &'a str,
    /// The host path (binds) or the volume's path on the host.
    pub source: &'a str,
    /// The path inside the container.
    pub destination: &'a str,
    /// Whether the container may write to it.
    pub writable: bool,
    /// `rprivate`, `shared`, `rshared`, `slave`, ... (empty for volumes).
    pub propagation: &'a str,
}

impl MountPoint<'_> {
    /// `source:destination:ro|rw`, for evidence.
    pub fn describe(&self) -> String {
        let mode = if self.writable { "rw" } else { "ro" };
        format!("{}:{}:{mode}", self.source, self.destination)
    }
}

/// One published port, from `HostConfig.PortBindings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortBinding<'a> {
    /// `80/tcp`.
    pub container_port: &'a str,
    /// The host address; empty means the daemon's default (all interfaces unless `--ip`).
    pub host_ip: &'a str,
    /// The host port or range (`8080`, `8000-8010`); empty means one chosen by Docker.
    pub host_port: &'a str,
}

impl PortBinding<'_> {
    /// The lowest host port of the binding; `None` when Docker picks one (ephemeral).
    pub fn lowest_host_port(&self) -> Option<u16> {
        let first = self.host_port.split('-').next().unwrap_or_default().trim();
        first.parse::<u16>().ok().filter(|p| *p != 0)
    }

    /// `host_ip:host_port->container_port`, for evidence.
    pub fn describe(&self) -> String {
        format!(
            "{}:{}->{}",
            self.host_ip, self.host_port, self.container_port
        )
    }
}

/// The verdict for a namespace the container may share with the host (CIS 5.10, 5.16,
/// 5.17, 5.21, 5.31): `field` is the `HostConfig` key (`PidMode`), `namespace` names it for
/// messages (`PID`). `host` fails; anything else (private, another container's) passes.
pub fn namespace_not_host(doc: &Inspected, field: &str, namespace: &str) -> Finding {
    let mode = doc.str(&format!("/HostConfig/{field}"));
    let name = doc.name();
    let finding = if mode == "host" {
        Finding::fail(
            doc.target(),
            format!("container {name} shares the host's {namespace} namespace ({field} host)"),
        )
    } else if let Some(other) = mode.strip_prefix("container:") {
        Finding::pass(
            doc.target(),
            format!(
                "container {name} does not share the host's {namespace} namespace (it joins \
                 container {other}'s; judge that one too)"
            ),
        )
    } else {
        Finding::pass(
            doc.target(),
            format!("container {name} does not share the host's {namespace} namespace"),
        )
    };
    let shown = if mode.is_empty() { "(default)" } else { mode };
    finding.with_evidence(field, shown)
}

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

/// The verdict for a rule over a container's mounts (CIS 5.6, 5.20, 5.32): `offends`
/// describes each mount that breaks it (`None` for the others). None passes with `container
/// <name> <clean>`; any fails with `container <name> <offending> <those mounts>`. The
/// evidence `key` lists them, comma-separated.
pub fn judge_mounts(
    doc: &Inspected,
    key: &str,
    offends: impl Fn(&MountPoint<'_>) -> Option<String>,
    clean: &str,
    offending: &str,
) -> Finding {
    let name = doc.name();
    let found: Vec<String> = doc.mounts().iter().filter_map(offends).collect();
    let finding = if found.is_empty() {
        Finding::pass(doc.target(), format!("container {name} {clean}"))
    } else {
        Finding::fail(
            doc.target(),
            format!("container {name} {offending} {}", found.join(", ")),
        )
    };
    finding.with_evidence(key, found.join(","))
}

/// The verdict for a container that sets no option of a Linux security module (AppArmor,
/// SELinux: CIS 5.2, 5.3) and so gets what the daemon applies: `applies` passes when
/// `docker info` lists the security option `option` (`apparmor`, `selinux`); `not_enabled`
/// skips when it does not (the item does not apply); unknown info is an `error`, naming the
/// module as `module` (`AppArmor`).
pub fn daemon_lsm_default(
    doc: &Inspected,
    option: &str,
    module: &str,
    applies: String,
    not_enabled: String,
) -> Finding {
    let target = doc.target();
    match doc.daemon_security_option(option) {
        Some(true) => Finding::pass(target, applies),
        Some(false) => Finding::skip(target, not_enabled),
        None => Finding::error(
            target,
            format!(
                "cannot tell whether {module} applies to container {}: docker info is unavailable",
                doc.name()
            ),
        ),
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
