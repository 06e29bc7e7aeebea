//! # `container-host-userns-not-shared`: CIS Docker Benchmark v1.6.0 5.31
//!
//! ### What it checks
//! A container's `HostConfig.UsernsMode` must not be `host` (`docker run --userns host`).
//! Joining another container's namespace (`container:<name>`) passes here; that container
//! is judged on its own.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! When the daemon remaps users (`userns-remap`), `--userns host` opts one container out:
//! root in it is root on the host again, undoing the isolation the daemon was configured
//! for.
//!
//! ### Remediation
//! Recreate the container without `--userns host`. bulkhead cannot change this setting of
//! an existing container: `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web --userns host nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web shares the host's user namespace (UsernsMode host)
//!       UsernsMode=host state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::{Inspected, namespace_not_host};

bulkhead_sdk::container_control! {
    id: "container-host-userns-not-shared",
    cis: "5.31",
    title: "Containers do not share the host's user namespace",
    description: "A container's `HostConfig.UsernsMode` must not be `host` (`docker run --userns host`). Joining another container's namespace (`container:<name>`) passes here; that container is judged on its own.",
    rationale: "When the daemon remaps users (`userns-remap`), `--userns host` opts one container out: root in it is root on the host again, undoing the isolation the daemon was configured for.",
    remediation: "Recreate the container without `--userns host`.",
    severity: High,
    fix: "without --userns host",
    judge: judge,
}

/// `host` fails (see the crate doc).
pub fn judge(doc: &Inspected) -> Finding {
    namespace_not_host(doc, "UsernsMode", "user")
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::runtime::inspected;
    use bulkhead_sdk::testing::{FakeHost, container};
    use bulkhead_sdk::{Status, Target};

    #[rstest::rstest]
    #[case::host(
        r#"{"Name":"/w","HostConfig":{"UsernsMode":"host"}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::private(
        r#"{"Name":"/w","HostConfig":{"UsernsMode":""}}"#,
        r#"null"#,
        Status::Pass
    )]
    #[case::another_container(
        r#"{"Name":"/w","HostConfig":{"UsernsMode":"container:db"}}"#,
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
            format!("{err:?}").contains("without --userns host"),
            "{err:?}"
        );
    }
}
