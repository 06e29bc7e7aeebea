//! # `container-host-network-not-shared`: CIS Docker Benchmark v1.6.0 5.10
//!
//! ### What it checks
//! A container's `HostConfig.NetworkMode` must not be `host` (`docker run --network host`).
//! Joining another container's namespace (`container:<name>`) passes here; that container
//! is judged on its own.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! With the host's network namespace a container sees every host interface, can bind any
//! host port and reach services listening on localhost (the Docker API on a TCP socket,
//! metadata endpoints), and escapes the network isolation Docker otherwise gives it.
//!
//! ### Remediation
//! Recreate the container without `--network host`. bulkhead cannot change this setting of
//! an existing container: `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web --network host nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web shares the host's network namespace (NetworkMode host)
//!       NetworkMode=host state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::{Inspected, namespace_not_host};

bulkhead_sdk::container_control! {
    id: "container-host-network-not-shared",
    cis: "5.10",
    title: "Containers do not share the host's network namespace",
    description: "A container's `HostConfig.NetworkMode` must not be `host` (`docker run --network host`). Joining another container's namespace (`container:<name>`) passes here; that container is judged on its own.",
    rationale: "With the host's network namespace a container sees every host interface, can bind any host port and reach services listening on localhost (the Docker API on a TCP socket, metadata endpoints), and escapes the network isolation Docker otherwise gives it.",
    remediation: "Recreate the container without `--network host`.",
    severity: High,
    fix: "without --network host",
    judge: judge,
}

/// `host` fails (see the crate doc).
pub fn judge(doc: &Inspected) -> Finding {
    namespace_not_host(doc, "NetworkMode", "network")
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::runtime::inspected;
    use bulkhead_sdk::testing::{FakeHost, container};
    use bulkhead_sdk::{Status, Target};

    #[rstest::rstest]
    #[case::host(
        r#"{"Name":"/w","HostConfig":{"NetworkMode":"host"}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::private(
        r#"{"Name":"/w","HostConfig":{"NetworkMode":""}}"#,
        r#"null"#,
        Status::Pass
    )]
    #[case::another_container(
        r#"{"Name":"/w","HostConfig":{"NetworkMode":"container:db"}}"#,
        r#"null"#,
        Status::Pass
    )]
    #[case::absent(r#"{"Name":"/w"}"#, r#"null"#, Status::Pass)]
    fn judges(#[case] inspect: &str, #[case] info: &str, #[case] want: Status) {
        let got = super::judge(&inspected(inspect, info));
        assert_eq!(got.status, want, "{}", got.message);
        assert_eq!(got.target, Target::container("w"));
    }

    #[test]
    fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
        let host = FakeHost::new()
            .container(container("web"))
            .container(container("db"));
        assert_eq!(super::audit(&host).len(), 2);
        assert_eq!(super::audit(&FakeHost::new())[0].status, Status::Skip);
        let err = super::remediate(Target::container("web")).unwrap_err();
        assert!(
            format!("{err:?}").contains("without --network host"),
            "{err:?}"
        );
    }
}
