//! # `container-host-ipc-not-shared`: CIS Docker Benchmark v1.6.0 5.17
//!
//! ### What it checks
//! A container's `HostConfig.IpcMode` must not be `host` (`docker run --ipc host`). Joining
//! another container's namespace (`container:<name>`) passes here; that container is judged
//! on its own.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! The host's IPC namespace gives the container the host's shared memory segments,
//! semaphores and message queues: it can read or corrupt data of host processes that use
//! them.
//!
//! ### Remediation
//! Recreate the container without `--ipc host`. bulkhead cannot change this setting of an
//! existing container: `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web --ipc host nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web shares the host's IPC namespace (IpcMode host)
//!       IpcMode=host state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::{Inspected, namespace_not_host};

bulkhead_sdk::container_control! {
    id: "container-host-ipc-not-shared",
    cis: "5.17",
    title: "Containers do not share the host's IPC namespace",
    description: "A container's `HostConfig.IpcMode` must not be `host` (`docker run --ipc host`). Joining another container's namespace (`container:<name>`) passes here; that container is judged on its own.",
    rationale: "The host's IPC namespace gives the container the host's shared memory segments, semaphores and message queues: it can read or corrupt data of host processes that use them.",
    remediation: "Recreate the container without `--ipc host`.",
    severity: High,
    fix: "without --ipc host",
    judge: judge,
}

/// `host` fails (see the crate doc).
pub fn judge(doc: &Inspected) -> Finding {
    namespace_not_host(doc, "IpcMode", "IPC")
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::runtime::inspected;
    use bulkhead_sdk::testing::{FakeHost, container};
    use bulkhead_sdk::{Status, Target};

    #[rstest::rstest]
    #[case::host(
        r#"{"Name":"/w","HostConfig":{"IpcMode":"host"}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::private(
        r#"{"Name":"/w","HostConfig":{"IpcMode":"private"}}"#,
        r#"null"#,
        Status::Pass
    )]
    #[case::another_container(
        r#"{"Name":"/w","HostConfig":{"IpcMode":"container:db"}}"#,
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
        assert!(format!("{err:?}").contains("without --ipc host"), "{err:?}");
    }
}
