//! Unit tests: every key source, link and mode case against an in-memory host.

use super::*;
use bulkhead_sdk::testing::{AdminCall, FakeHost};
use bulkhead_sdk::{Guest, Severity, Status, format_mode};
use rstest::rstest;

const KEY: &str = "/etc/docker/tls/server-key.pem";

/// (target, status) of every finding, in order.
fn verdicts(host: &FakeHost) -> Vec<(String, Status)> {
    audit(host)
        .into_iter()
        .map(|f| (f.target.to_string(), f.status))
        .collect()
}

fn one(host: &FakeHost) -> Finding {
    let mut findings = audit(host);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    findings.remove(0)
}

fn file(path: &str) -> String {
    format!("file:{path}")
}

#[rstest]
#[case::separate("dockerd --tlsverify --tlskey /etc/docker/tls/server-key.pem")]
#[case::equals("dockerd --tlsverify --tlskey=/etc/docker/tls/server-key.pem")]
#[case::single_dash("dockerd -tlsverify -tlskey /etc/docker/tls/server-key.pem")]
#[case::quoted("dockerd --tlskey=\"/etc/docker/tls/server-key.pem\"")]
#[case::tls_off_still_checked("dockerd --tlskey /etc/docker/tls/server-key.pem")]
fn command_line_key(#[case] line: &str) {
    let host = FakeHost::new().dockerd(812, line).file(KEY, 0o644, "k");
    let finding = one(&host);
    assert_eq!(
        (finding.target.to_string(), finding.status),
        (file(KEY), Status::Fail)
    );
    assert_eq!(
        finding.evidence("configured-by"),
        Some("--tlskey on the command line of dockerd (pid 812)")
    );
    assert!(
        finding
            .message
            .contains("run chmod 400 /etc/docker/tls/server-key.pem")
    );
}

#[rstest]
#[case::owner_read(0o400, Status::Pass)]
#[case::nothing(0o000, Status::Pass)]
#[case::owner_read_write(0o600, Status::Fail)]
#[case::world_readable(0o644, Status::Fail)]
#[case::group_readable(0o440, Status::Fail)]
#[case::other_rwx(0o407, Status::Fail)]
#[case::setuid(0o4400, Status::Fail)]
fn modes(#[case] mode: u32, #[case] expected: Status) {
    let host = FakeHost::new().dockerd(1, "dockerd --tlskey /etc/docker/tls/server-key.pem");
    let finding = one(&host.file(KEY, mode, "k"));
    assert_eq!(finding.status, expected, "{finding:?}");
    assert_eq!(finding.evidence("mode"), Some(format_mode(mode).as_str()));
    assert!(
        finding.message.contains(&format_mode(mode)),
        "{}",
        finding.message
    );
}

#[test]
fn daemon_json_key_without_running_daemon() {
    let host = FakeHost::new()
        .file(
            "/etc/docker/daemon.json",
            0o644,
            r#"{"tlsverify": true, "tlskey": "/etc/docker/tls/server-key.pem"}"#,
        )
        .file(KEY, 0o400, "k");
    let finding = one(&host);
    assert_eq!(finding.status, Status::Pass);
    assert_eq!(
        finding.evidence("configured-by"),
        Some("\"tlskey\" in /etc/docker/daemon.json")
    );
}

#[test]
fn config_file_flag_names_the_json() {
    let host = FakeHost::new()
        .dockerd(9, "/usr/bin/dockerd --config-file /srv/docker/daemon.json")
        .file(
            "/srv/docker/daemon.json",
            0o644,
            r#"{"tlskey": "/srv/docker/key.pem"}"#,
        )
        .file(
            "/etc/docker/daemon.json",
            0o644,
            r#"{"tlskey": "/etc/docker/ignored.pem"}"#,
        )
        .file("/srv/docker/key.pem", 0o600, "k");
    assert_eq!(
        verdicts(&host),
        [(file("/srv/docker/key.pem"), Status::Fail)]
    );
}

#[test]
fn registry_keys_in_certs_d() {
    let host = FakeHost::new()
        .file(
            "/etc/docker/certs.d/registry.example:5000/client.key",
            0o600,
            "k",
        )
        .file(
            "/etc/docker/certs.d/registry.example:5000/client.cert",
            0o644,
            "c",
        )
        .file(
            "/etc/docker/certs.d/registry.example:5000/ca.crt",
            0o644,
            "c",
        )
        .file("/etc/docker/certs.d/other/client-key.pem", 0o400, "k")
        .file("/etc/docker/certs.d/other/client.pem", 0o644, "c")
        .file(
            "/etc/docker/certs.d/stray.key",
            0o644,
            "not in a registry directory",
        );
    assert_eq!(
        verdicts(&host),
        [
            (
                file("/etc/docker/certs.d/other/client-key.pem"),
                Status::Pass
            ),
            (
                file("/etc/docker/certs.d/registry.example:5000/client.key"),
                Status::Fail
            ),
        ]
    );
    let finding = &audit(&host)[1];
    assert!(
        finding.message.starts_with("registry key "),
        "{}",
        finding.message
    );
}

#[test]
fn symlink_is_judged_by_its_target() {
    let host = FakeHost::new()
        .dockerd(1, "dockerd --tlsverify --tlskey /etc/docker/key.pem")
        .symlink("/etc/docker/key.pem", "tls/server-key.pem")
        .file(KEY, 0o644, "k")
        .owner(KEY, 0, 999);
    let finding = one(&host);
    assert_eq!(finding.target, Target::file("/etc/docker/key.pem"));
    assert_eq!(finding.status, Status::Fail);
    assert_eq!(finding.evidence("resolved"), Some(KEY));
    assert_eq!(finding.evidence("gid"), Some("999"));
}

#[test]
fn same_file_named_twice_is_reported_once() {
    let host = FakeHost::new()
        .dockerd(1, "dockerd --tlskey /etc/docker/certs.d/local/client.key")
        .symlink(
            "/etc/docker/certs.d/local/client.key",
            "/etc/docker/tls/server-key.pem",
        )
        .file(KEY, 0o400, "k");
    let finding = one(&host);
    assert_eq!(finding.status, Status::Pass);
    let origins = finding.evidence("configured-by").unwrap();
    assert!(
        origins.contains("--tlskey") && origins.contains("registry local"),
        "{origins}"
    );
}

#[rstest]
#[case::missing(FakeHost::new(), "does not exist")]
#[case::dangling(
    FakeHost::new().symlink(KEY, "/etc/docker/tls/gone.pem"),
    "is a symbolic link to /etc/docker/tls/gone.pem, which does not exist"
)]
#[case::directory(FakeHost::new().dir(KEY, 0o700), "is a directory")]
fn configured_key_that_is_not_a_key_file_fails(#[case] host: FakeHost, #[case] why: &str) {
    let host = host.dockerd(
        1,
        "dockerd --tlsverify --tlskey=/etc/docker/tls/server-key.pem",
    );
    let finding = one(&host);
    assert_eq!(finding.status, Status::Fail);
    assert!(finding.message.contains(why), "{}", finding.message);
}

#[rstest]
#[case::denied(Error::Denied, "denied")]
#[case::unavailable(Error::Unavailable("I/O error".into()), "I/O error")]
fn unreadable_key_is_an_error(#[case] error: Error, #[case] why: &str) {
    let host = FakeHost::new()
        .dockerd(1, "dockerd --tlskey /srv/tls/key.pem")
        .file("/srv/tls/key.pem", 0o400, "k")
        .fail("/srv/tls/key.pem", error);
    let finding = one(&host);
    assert_eq!(finding.status, Status::Error);
    assert!(finding.message.contains(why), "{}", finding.message);
}

#[rstest]
#[case::flag_tlsverify("dockerd --tlsverify", "")]
#[case::flag_tls("dockerd --tls", "")]
#[case::json_tlsverify("dockerd", r#"{"tlsverify": true}"#)]
#[case::json_tls("dockerd", r#"{"tls": true}"#)]
fn tls_without_key_checks_the_default(#[case] line: &str, #[case] json: &str) {
    let host = FakeHost::new()
        .dockerd(1, line)
        .file("/etc/docker/daemon.json", 0o644, json)
        .file("/root/.docker/key.pem", 0o600, "k");
    let finding = one(&host);
    assert_eq!(finding.target, Target::file("/root/.docker/key.pem"));
    assert_eq!(finding.status, Status::Fail);
    assert!(
        finding.message.starts_with("default TLS key"),
        "{}",
        finding.message
    );
    assert!(
        finding
            .evidence("configured-by")
            .unwrap()
            .contains("~/.docker/key.pem")
    );
}

#[rstest]
#[case::nothing(FakeHost::new())]
#[case::tls_off(FakeHost::new().dockerd(1, "dockerd --tlsverify=false -H fd://"))]
#[case::json_tls_off(FakeHost::new().file("/etc/docker/daemon.json", 0o644, r#"{"tls": false}"#))]
#[case::empty_certs_d(FakeHost::new().dir("/etc/docker/certs.d/registry", 0o755))]
#[case::default_key_unused(FakeHost::new().file("/root/.docker/key.pem", 0o644, "k"))]
fn nothing_configured_is_a_skip(#[case] host: FakeHost) {
    let finding = one(&host);
    assert_eq!(
        (finding.target, finding.status),
        (Target::Host, Status::Skip)
    );
    assert!(
        finding.message.contains("no TLS key configured"),
        "{}",
        finding.message
    );
}

#[test]
fn invalid_daemon_json_is_an_error() {
    let host = FakeHost::new()
        .file(
            "/etc/docker/daemon.json",
            0o644,
            r#"{"tlskey": "/etc/docker/k.pem",}"#,
        )
        .file("/etc/docker/certs.d/r/client.key", 0o400, "k");
    let findings = audit(&host);
    assert_eq!(findings[0].target, Target::file("/etc/docker/daemon.json"));
    assert_eq!(findings[0].status, Status::Error);
    assert!(
        findings[0].message.contains("not valid JSON"),
        "{}",
        findings[0].message
    );
    assert!(findings[0].message.contains("dockerd refuses to start"));
    assert_eq!(
        findings[1].status,
        Status::Pass,
        "the other sources are still judged"
    );
}

#[test]
fn shared_config_file_problem_is_reported_once() {
    let host = FakeHost::new()
        .dockerd(1, "dockerd")
        .dockerd(2, "dockerd -H unix:///run/docker2.sock")
        .file("/etc/docker/daemon.json", 0o644, "nope");
    assert_eq!(
        verdicts(&host),
        [(file("/etc/docker/daemon.json"), Status::Error)]
    );
}

#[test]
fn process_table_error_is_reported_and_default_config_still_read() {
    let host = FakeHost::new()
        .dockerd_error(Error::Unavailable("cannot read /proc".into()))
        .file(
            "/etc/docker/daemon.json",
            0o644,
            r#"{"tlskey": "/etc/docker/tls/server-key.pem"}"#,
        )
        .file(KEY, 0o400, "k");
    assert_eq!(
        verdicts(&host),
        [("host".into(), Status::Error), (file(KEY), Status::Pass)]
    );
}

#[test]
fn unlistable_certs_d_is_an_error() {
    let host = FakeHost::new()
        .dir(CERTS_D, 0o700)
        .fail(CERTS_D, Error::Denied);
    assert_eq!(verdicts(&host), [(file(CERTS_D), Status::Error)]);
}

#[rstest]
#[case::loose(0o644, vec![AdminCall::Chmod(KEY.into(), 0o400)])]
#[case::setuid(0o4400, vec![AdminCall::Chmod(KEY.into(), 0o400)])]
#[case::already_fine(0o400, vec![])]
#[case::zero_not_loosened(0o000, vec![])]
fn remediation_chmods(#[case] mode: u32, #[case] expected: Vec<AdminCall>) {
    let host = FakeHost::new().file(KEY, mode, "k");
    assert_eq!(remediate(&host, Target::file(KEY)), Ok(()));
    assert_eq!(host.admin_calls(), expected);
}

#[rstest]
#[case::host(FakeHost::new(), Target::Host)]
#[case::container(FakeHost::new(), Target::container("web"))]
#[case::directory(FakeHost::new().dir(KEY, 0o755), Target::file(KEY))]
fn remediation_refuses_other_targets(#[case] host: FakeHost, #[case] target: Target) {
    assert!(matches!(remediate(&host, target), Err(Error::Invalid(_))));
    assert_eq!(host.admin_calls(), []);
}

#[test]
fn remediation_reports_denial() {
    let host = FakeHost::new()
        .file(KEY, 0o644, "k")
        .admin_error(Error::Denied);
    assert_eq!(remediate(&host, Target::file(KEY)), Err(Error::Denied));
}

#[test]
fn metadata_is_complete() {
    let meta = Control::metadata();
    assert_eq!(meta.id, "docker-tls-key-permissions");
    assert_eq!(meta.references, ["CIS Docker Benchmark v1.6.0 3.14"]);
    assert_eq!(meta.severity, Severity::High);
    assert!(meta.reads.iter().any(|r| r == "/etc/docker"));
    assert!(!meta.title.is_empty() && !meta.remediation.is_empty());
}
