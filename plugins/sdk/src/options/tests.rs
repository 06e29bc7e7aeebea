//! Unit tests of the option rules: sources, defaults, `docker info`, several daemons.

use super::*;
use crate::testing::FakeHost;
use rstest::rstest;

const LIVE: DaemonOption = DaemonOption {
    flag: "live-restore",
    key: "live-restore",
    kind: Kind::Bool,
    default: Fallback::Bool(false),
};

const RULE: OptionRule = OptionRule {
    option: LIVE,
    info: Some(InfoField {
        field: "LiveRestoreEnabled",
        read: |doc| doc["LiveRestoreEnabled"].as_bool().map(Value::Bool),
    }),
    judge: |o, _| match o.value.as_bool() {
        Some(true) => Verdict::pass("live restore is on"),
        _ => Verdict::fail("live restore is off"),
    },
    fix: "\"live-restore\": true",
};

fn one(host: &FakeHost) -> Finding {
    let mut all = judge(host, &RULE);
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

#[rstest]
#[case::bare_flag(
    "dockerd --live-restore",
    "{}",
    Status::Pass,
    "--live-restore on the command line"
)]
#[case::equals_false(
    "dockerd --live-restore=false",
    "{}",
    Status::Fail,
    "--live-restore on"
)]
#[case::file(
    "dockerd",
    r#"{"live-restore": true}"#,
    Status::Pass,
    "\"live-restore\" in /etc/docker/daemon.json"
)]
#[case::default("dockerd", "{}", Status::Fail, "dockerd's default (no --live-restore")]
fn sources_without_info(
    #[case] line: &str,
    #[case] json: &str,
    #[case] want: Status,
    #[case] origin: &str,
) {
    let host = FakeHost::new()
        .dockerd(7, line)
        .file("/etc/docker/daemon.json", 0o644, json)
        .docker_info(Err(Error::Unavailable("down".into())));
    let got = one(&host);
    assert_eq!(got.status, want, "{got:?}");
    assert!(
        got.evidence("source").unwrap().starts_with(origin),
        "{got:?}"
    );
    assert!(
        got.evidence("docker_info")
            .unwrap()
            .contains("did not answer")
    );
    assert!(
        got.message.starts_with("dockerd (pid 7): "),
        "{}",
        got.message
    );
}

#[test]
fn text_and_list_options_in_both_flag_forms() {
    let level = DaemonOption {
        flag: "log-level",
        key: "log-level",
        kind: Kind::Text,
        default: Fallback::Text("info"),
    };
    let regs = DaemonOption {
        flag: "insecure-registry",
        key: "insecure-registries",
        kind: Kind::List,
        default: Fallback::Empty,
    };
    for line in [
        "dockerd --log-level debug",
        "dockerd --log-level=debug",
        "dockerd -l debug",
    ] {
        let host = FakeHost::new().dockerd(1, line);
        let d = &scan_daemons(&host).daemons[0];
        assert_eq!(
            level.read(d).unwrap().value,
            Value::Text("debug".into()),
            "{line}"
        );
    }
    let host = FakeHost::new().dockerd(
        1,
        "dockerd --insecure-registry a:5000 --insecure-registry=b",
    );
    let d = &scan_daemons(&host).daemons[0];
    assert_eq!(regs.read(d).unwrap().value.as_list(), ["a:5000", "b"]);
    let host = FakeHost::new().file(
        "/etc/docker/daemon.json",
        0o644,
        r#"{"insecure-registries": ["c"], "log-level": 3, "default-ulimits": {"nofile": {"Hard": 9}}}"#,
    );
    let d = &scan_daemons(&host).daemons[0];
    assert_eq!(regs.read(d).unwrap().value.as_list(), ["c"]);
    let err = level.read(d).unwrap_err();
    assert!(err.contains("is not a string; dockerd refuses"), "{err}");
    let ulimits = DaemonOption {
        flag: "default-ulimit",
        key: "default-ulimits",
        kind: Kind::List,
        default: Fallback::Empty,
    };
    assert_eq!(
        ulimits.read(d).unwrap().value.as_list(),
        [r#"nofile={"Hard":9}"#]
    );
}

#[test]
fn wrong_json_type_and_invalid_file_are_errors() {
    let host = FakeHost::new().file(
        "/etc/docker/daemon.json",
        0o644,
        r#"{"live-restore": "yes"}"#,
    );
    let got = one(&host);
    assert_eq!(got.status, Status::Error);
    assert!(got.message.contains("is not a boolean"), "{}", got.message);
    let host = FakeHost::new().file("/etc/docker/daemon.json", 0o644, "{nope");
    let got = one(&host);
    assert_eq!(got.status, Status::Error);
    assert_eq!(got.target, Target::file("/etc/docker/daemon.json"));
}

#[test]
fn docker_info_is_the_truth_for_the_only_running_daemon() {
    let host = FakeHost::new()
        .dockerd(7, "dockerd --live-restore")
        .docker_info(Ok(
            r#"{"LiveRestoreEnabled": false, "DockerRootDir": "/var/lib/docker"}"#,
        ));
    let got = one(&host);
    assert_eq!(got.status, Status::Fail, "{got:?}");
    assert_eq!(
        got.evidence("source"),
        Some("docker info (LiveRestoreEnabled) of dockerd (pid 7)")
    );
    assert!(
        got.message.contains("not yet applied: restart dockerd"),
        "{}",
        got.message
    );
    assert!(
        got.evidence("configured")
            .unwrap()
            .starts_with("true (--live-restore")
    );
    assert_eq!(got.evidence("fix"), Some("\"live-restore\": true"));
}

#[rstest]
#[case::no_daemon(FakeHost::new(), "no dockerd runs")]
#[case::two_daemons(
    FakeHost::new().dockerd(1, "dockerd").dockerd(2, "dockerd --config-file /b.json"),
    "2 dockerd processes run"
)]
#[case::other_data_root(
    FakeHost::new().dockerd(1, "dockerd --data-root /srv/docker"),
    "data root /var/lib/docker, not /srv/docker"
)]
#[case::process_table(FakeHost::new().dockerd_error(Error::Denied), "cannot list dockerd processes")]
fn docker_info_is_not_used_when_it_may_describe_another_daemon(
    #[case] host: FakeHost,
    #[case] why: &str,
) {
    let host = host.docker_info(Ok(
        r#"{"LiveRestoreEnabled": true, "DockerRootDir": "/var/lib/docker"}"#,
    ));
    for got in judge(&host, &RULE) {
        assert_eq!(got.status, Status::Fail, "{got:?}");
        assert!(
            got.evidence("docker_info").unwrap().contains(why),
            "{got:?}"
        );
    }
}

#[test]
fn several_daemons_are_each_judged() {
    let host = FakeHost::new()
        .dockerd(1, "dockerd --live-restore")
        .dockerd(2, "dockerd --config-file /b.json")
        .file("/b.json", 0o644, "{}");
    let got: Vec<Status> = judge(&host, &RULE).into_iter().map(|f| f.status).collect();
    assert_eq!(got, [Status::Pass, Status::Fail]);
}

#[test]
fn security_options_are_matched_by_name() {
    let doc: Json = serde_json::from_str(
        r#"{"SecurityOptions": ["name=seccomp,profile=default", "name=userns"]}"#,
    )
    .unwrap();
    assert_eq!(
        security_option(&doc, "seccomp"),
        Some("name=seccomp,profile=default")
    );
    assert_eq!(security_option(&doc, "userns"), Some("name=userns"));
    assert_eq!(security_option(&doc, "rootless"), None);
    assert_eq!(security_option(&doc, "secc"), None);
}

#[test]
fn remediation_is_refused_with_what_to_set() {
    let err = remediate("daemon-x", &RULE, Target::Host).unwrap_err();
    assert!(matches!(err, Error::Invalid(m) if m.contains("\"live-restore\": true")));
}
