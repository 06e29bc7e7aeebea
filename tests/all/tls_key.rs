//! `docker-tls-key-permissions` against real files with real modes under a temporary
//! root, with a fake process table holding the dockerd command line.

use crate::support::{Host, results_of, status_of};

const ID: &str = "docker-tls-key-permissions";

fn audit(host: &Host) -> serde_json::Value {
    let run = host.run(&["run", "--only", ID, "--format", "json"]);
    let report = run.json();
    let expected = if results_of(&report, ID).iter().any(|(_, s)| s == "error") {
        2
    } else if results_of(&report, ID).iter().any(|(_, s)| s == "fail") {
        1
    } else {
        0
    };
    assert_eq!(
        run.code, expected,
        "exit code vs results: {report:#}\n{}",
        run.stderr
    );
    report
}

#[rstest::rstest]
#[case::separate_argument(&["dockerd", "--tlsverify", "--tlskey", "/etc/docker/tls/key.pem"], 0o644, "fail")]
#[case::equals_form(&["/usr/bin/dockerd", "--tlskey=/etc/docker/tls/key.pem"], 0o644, "fail")]
#[case::owner_read_only(&["dockerd", "--tlskey", "/etc/docker/tls/key.pem"], 0o400, "pass")]
#[case::no_bits_at_all(&["dockerd", "--tlskey", "/etc/docker/tls/key.pem"], 0o000, "pass")]
#[case::owner_write(&["dockerd", "--tlskey", "/etc/docker/tls/key.pem"], 0o600, "fail")]
#[case::group_read(&["dockerd", "--tlskey", "/etc/docker/tls/key.pem"], 0o440, "fail")]
#[case::octal_not_decimal(&["dockerd", "--tlskey", "/etc/docker/tls/key.pem"], 0o407, "fail")]
fn key_from_the_command_line(#[case] argv: &[&str], #[case] mode: u32, #[case] expected: &str) {
    let host = Host::new();
    host.file("/etc/docker/tls/key.pem", "KEY", mode)
        .process(812, argv);
    let report = audit(&host);
    assert_eq!(
        status_of(&report, ID, "file:/etc/docker/tls/key.pem"),
        expected,
        "{report:#}"
    );
    assert_eq!(
        host.mode("/etc/docker/tls/key.pem"),
        mode,
        "an audit must not change modes"
    );
}

#[test]
fn key_from_daemon_json_without_a_running_daemon() {
    let host = Host::new();
    host.file(
        "/etc/docker/daemon.json",
        r#"{"tls": true, "tlskey": "/srv/tls/server-key.pem"}"#,
        0o644,
    )
    .file("/srv/tls/server-key.pem", "KEY", 0o640);
    let report = audit(&host);
    assert_eq!(
        status_of(&report, ID, "file:/srv/tls/server-key.pem"),
        "fail"
    );
}

#[test]
fn key_from_the_config_file_dockerd_was_given() {
    let host = Host::new();
    host.file(
        "/opt/docker/conf.json",
        r#"{"tlskey": "/opt/docker/key.pem"}"#,
        0o644,
    )
    .file("/opt/docker/key.pem", "KEY", 0o400)
    // The default daemon.json is not the one in use and must not be read as such.
    .file(
        "/etc/docker/daemon.json",
        r#"{"tlskey": "/etc/docker/unused.pem"}"#,
        0o644,
    )
    .process(900, &["dockerd", "--config-file", "/opt/docker/conf.json"]);
    let report = audit(&host);
    assert_eq!(status_of(&report, ID, "file:/opt/docker/key.pem"), "pass");
    assert!(
        !results_of(&report, ID)
            .iter()
            .any(|(t, _)| t == "file:/etc/docker/unused.pem"),
        "read a daemon.json dockerd does not use: {report:#}"
    );
}

#[test]
fn registry_keys_in_certs_d() {
    let host = Host::new();
    host.file(
        "/etc/docker/certs.d/registry.local:5000/client.key",
        "K",
        0o600,
    )
    .file(
        "/etc/docker/certs.d/registry.local:5000/client.cert",
        "C",
        0o644,
    )
    .file(
        "/etc/docker/certs.d/mirror.local/client-key.pem",
        "K",
        0o400,
    );
    let report = audit(&host);
    assert_eq!(
        status_of(
            &report,
            ID,
            "file:/etc/docker/certs.d/registry.local:5000/client.key"
        ),
        "fail"
    );
    assert_eq!(
        status_of(
            &report,
            ID,
            "file:/etc/docker/certs.d/mirror.local/client-key.pem"
        ),
        "pass"
    );
    assert!(
        !results_of(&report, ID)
            .iter()
            .any(|(t, _)| t.ends_with("client.cert")),
        "a certificate is not a private key: {report:#}"
    );
}

#[rstest::rstest]
#[case::loose_target(0o644, "fail")]
#[case::tight_target(0o400, "pass")]
fn the_file_a_symlink_resolves_to_is_judged(#[case] mode: u32, #[case] expected: &str) {
    let host = Host::new();
    // The link itself is 0777; only its target's mode matters. The absolute link
    // target is resolved inside the root, never on the real host.
    host.file("/srv/keys/real.pem", "KEY", mode)
        .link("/etc/docker/key.pem", "/srv/keys/real.pem")
        .process(1, &["dockerd", "--tlskey", "/etc/docker/key.pem"]);
    let report = audit(&host);
    assert_eq!(
        status_of(&report, ID, "file:/etc/docker/key.pem"),
        expected,
        "{report:#}"
    );
}

#[rstest::rstest]
#[case::relative_climb(true)]
#[case::absolute_host_path(false)]
fn a_link_pointing_out_of_the_root_stays_inside(#[case] relative: bool) {
    let host = Host::new();
    // A tight key outside the root: if the link escaped, the control would pass.
    let outside = host.outside("outside.pem", 0o400);
    let target = if relative {
        "../../../../../../../../outside.pem".to_owned()
    } else {
        outside.to_str().unwrap().to_owned()
    };
    host.link("/etc/docker/key.pem", &target)
        .process(1, &["dockerd", "--tlskey", "/etc/docker/key.pem"]);
    let report = audit(&host);
    // Inside the root the link leads nowhere: a configured key that does not exist fails.
    assert_eq!(
        status_of(&report, ID, "file:/etc/docker/key.pem"),
        "fail",
        "{report:#}"
    );
}

#[test]
fn a_configured_key_that_does_not_exist_fails() {
    let host = Host::new();
    host.process(1, &["dockerd", "--tlskey=/etc/docker/missing.pem"]);
    let report = audit(&host);
    assert_eq!(
        status_of(&report, ID, "file:/etc/docker/missing.pem"),
        "fail"
    );
}

#[test]
fn nothing_configured_and_nothing_found_is_a_skip_with_a_reason() {
    let host = Host::new();
    host.process(1, &["dockerd", "-H", "fd://"]);
    let report = audit(&host);
    let results = results_of(&report, ID);
    assert_eq!(
        results,
        [("host".to_owned(), "skip".to_owned())],
        "{report:#}"
    );
    let message = report["results"][0]["message"].as_str().unwrap();
    assert!(!message.is_empty());
}

#[test]
fn a_broken_daemon_json_is_an_error_not_a_pass() {
    let host = Host::new();
    host.file("/etc/docker/daemon.json", "{ not json", 0o644);
    let run = host.run(&["run", "--only", ID, "--format", "json"]);
    let report = run.json();
    assert_eq!(
        status_of(&report, ID, "file:/etc/docker/daemon.json"),
        "error"
    );
    assert_eq!(run.code, 2);
}
