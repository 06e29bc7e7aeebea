//! Unit tests: Docker's capability arithmetic as seen through this control.

use super::*;
use bulkhead_sdk::testing::{AdminCall, FakeHost, container};
use bulkhead_sdk::{Guest, Severity, Status};
use rstest::rstest;

fn with(name: &str, privileged: bool, add: &[&str], drop: &[&str], user: &str) -> Container {
    let mut c = container(name);
    c.privileged = privileged;
    c.cap_add = add.iter().map(|s| s.to_string()).collect();
    c.cap_drop = drop.iter().map(|s| s.to_string()).collect();
    c.user = user.to_owned();
    c
}

const NONE: &[&str] = &[];

#[rstest]
#[case::default(false, NONE, NONE, "", Status::Fail, "default capability set")]
#[case::dropped(false, NONE, &["NET_RAW"], "", Status::Pass, "runs without NET_RAW")]
#[case::dropped_lowercase(false, NONE, &["net_raw"], "", Status::Pass, "without")]
#[case::dropped_cap_prefix(false, NONE, &["CAP_NET_RAW"], "", Status::Pass, "without")]
#[case::dropped_among_others(false, NONE, &["MKNOD", "cap_net_raw"], "", Status::Pass, "without")]
#[case::privileged(true, NONE, NONE, "", Status::Fail, "is privileged")]
#[case::privileged_drop_ignored(true, NONE, &["NET_RAW"], "", Status::Fail, "is privileged")]
#[case::add_all(false, &["ALL"], NONE, "", Status::Fail, "adds ALL capabilities")]
#[case::add_all_drop_net_raw(false, &["ALL"], &["NET_RAW"], "", Status::Pass, "without")]
#[case::drop_all(false, NONE, &["ALL"], "", Status::Pass, "without")]
#[case::drop_all_add_net_raw(false, &["NET_RAW"], &["ALL"], "", Status::Fail, "adds NET_RAW")]
#[case::drop_all_add_other(false, &["NET_BIND_SERVICE"], &["all"], "", Status::Pass, "without")]
#[case::add_beats_drop(false, &["net_raw"], &["CAP_NET_RAW"], "", Status::Fail, "adds NET_RAW")]
#[case::non_root_user(
    false,
    NONE,
    NONE,
    "1000",
    Status::Fail,
    "user 1000 does not remove it"
)]
#[case::named_user(
    false,
    NONE,
    NONE,
    "nobody:nogroup",
    Status::Fail,
    "user nobody:nogroup"
)]
#[case::root_user(false, NONE, NONE, "root", Status::Fail, "default capability set")]
#[case::unknown_cap(false, &["NOT_A_CAP"], NONE, "", Status::Error, "unknown capability")]
fn verdicts(
    #[case] privileged: bool,
    #[case] add: &[&str],
    #[case] drop: &[&str],
    #[case] user: &str,
    #[case] status: Status,
    #[case] says: &str,
) {
    let host = FakeHost::new().container(with("web", privileged, add, drop, user));
    let findings = audit(&host);
    assert_eq!(findings.len(), 1);
    let finding = &findings[0];
    assert_eq!(
        (&finding.target, finding.status),
        (&Target::container("web"), status)
    );
    assert!(finding.message.contains(says), "{}", finding.message);
    assert_eq!(
        finding.evidence("privileged"),
        Some(privileged.to_string().as_str())
    );
    assert_eq!(finding.evidence("cap-add"), Some(add.join(",").as_str()));
    assert_eq!(finding.evidence("cap-drop"), Some(drop.join(",").as_str()));
    assert_eq!(finding.evidence("user"), Some(user));
}

#[test]
fn root_user_message_does_not_mention_users() {
    let finding = judge(&with("web", false, NONE, NONE, "0:0"));
    assert!(!finding.message.contains("user"), "{}", finding.message);
}

#[test]
fn every_container_running_or_not_gets_a_finding() {
    let mut stopped = with("db", false, NONE, &["NET_RAW"], "");
    stopped.state = "exited".into();
    let mut created = with("job", false, NONE, NONE, "");
    created.state = "created".into();
    let host = FakeHost::new()
        .container(with("web", false, NONE, NONE, ""))
        .container(stopped)
        .container(created);
    let verdicts: Vec<(String, Status)> = audit(&host)
        .into_iter()
        .map(|f| (f.target.to_string(), f.status))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("container:db".to_owned(), Status::Pass),
            ("container:job".to_owned(), Status::Fail),
            ("container:web".to_owned(), Status::Fail),
        ]
    );
}

#[test]
fn no_containers_is_a_skip() {
    let findings = audit(&FakeHost::new());
    assert_eq!(findings.len(), 1);
    assert_eq!(
        (&findings[0].target, findings[0].status),
        (&Target::Host, Status::Skip)
    );
}

#[test]
fn docker_error_is_one_host_error_with_the_hosts_message() {
    let why = "cannot connect to the Docker daemon at unix:///var/run/docker.sock";
    let host = FakeHost::new().containers_error(Error::Unavailable(why.into()));
    let findings = audit(&host);
    assert_eq!(findings.len(), 1);
    assert_eq!(
        (&findings[0].target, findings[0].status),
        (&Target::Host, Status::Error)
    );
    assert!(findings[0].message.contains(why), "{}", findings[0].message);
}

#[rstest]
#[case::default(false, NONE, NONE)]
#[case::all_added(false, &["ALL"], NONE)]
fn remediation_replaces_with_a_drop(
    #[case] privileged: bool,
    #[case] add: &[&str],
    #[case] drop: &[&str],
) {
    let host = FakeHost::new().container(with("web", privileged, add, drop, ""));
    assert_eq!(remediate(&host, Target::container("web")), Ok(()));
    let change = Tightening {
        cap_drop: vec!["NET_RAW".into()],
    };
    assert_eq!(
        host.admin_calls(),
        [AdminCall::ReplaceContainer("web".into(), change)]
    );
}

#[rstest]
#[case::privileged(true, NONE, NONE, "privileged")]
#[case::added(false, &["NET_RAW"], NONE, "--cap-add NET_RAW")]
#[case::added_after_drop_all(false, &["CAP_NET_RAW"], &["ALL"], "--cap-add NET_RAW")]
fn remediation_refuses_what_a_drop_cannot_fix(
    #[case] privileged: bool,
    #[case] add: &[&str],
    #[case] drop: &[&str],
    #[case] says: &str,
) {
    let host = FakeHost::new().container(with("web", privileged, add, drop, ""));
    match remediate(&host, Target::container("web")) {
        Err(Error::Other(why)) => assert!(why.contains(says), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(host.admin_calls(), []);
}

#[test]
fn remediation_leaves_compliant_containers_alone() {
    let host = FakeHost::new().container(with("web", false, NONE, &["ALL"], ""));
    assert_eq!(remediate(&host, Target::container("web")), Ok(()));
    assert_eq!(host.admin_calls(), []);
}

#[rstest]
#[case::host(Target::Host)]
#[case::file(Target::file("/etc/docker/daemon.json"))]
fn remediation_rejects_other_targets(#[case] target: Target) {
    let host = FakeHost::new().container(container("web"));
    assert!(matches!(remediate(&host, target), Err(Error::Invalid(_))));
}

#[test]
fn remediation_of_unknown_container_is_not_found() {
    let host = FakeHost::new().container(container("web"));
    assert_eq!(
        remediate(&host, Target::container("gone")),
        Err(Error::NotFound)
    );
}

#[test]
fn remediation_passes_host_errors_on() {
    let host = FakeHost::new()
        .container(container("web"))
        .admin_error(Error::Denied);
    assert_eq!(
        remediate(&host, Target::container("web")),
        Err(Error::Denied)
    );
}

#[test]
fn metadata_is_complete() {
    let meta = Control::metadata();
    assert_eq!(meta.id, "container-net-raw-dropped");
    assert_eq!(meta.references, ["CIS Docker Benchmark v1.6.0 5.4"]);
    assert_eq!(meta.severity, Severity::High);
    assert!(meta.reads.is_empty());
}
