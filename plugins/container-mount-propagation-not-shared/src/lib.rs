//! # `container-mount-propagation-not-shared`: CIS Docker Benchmark v1.6.0 5.20
//!
//! ### What it checks
//! No container mount may use `shared` or `rshared` propagation (`-v src:dst:shared`,
//! `--mount ...,bind-propagation=rshared`).
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! With shared propagation, mounts made inside the container appear on the host (and the
//! host's in the container): a container can then change the host's mount table, for
//! example mount over host paths.
//!
//! ### Remediation
//! Recreate the container with the default (`rprivate`) or a `slave`/`rslave` propagation
//! on its binds. bulkhead cannot change this setting of an existing container: `bulkhead
//! fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web -v /srv/data:/data:shared nginx`
//! yields
//!
//! ```text
//! fail  container:web
//!       container web has mounts with shared propagation: /srv/data:/data:rw (shared)
//!       shared-mounts=/srv/data:/data:rw (shared) state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-mount-propagation-not-shared",
    cis: "5.20",
    title: "Container mounts do not use shared propagation",
    description: "No container mount may use `shared` or `rshared` propagation (`-v src:dst:shared`, `--mount ...,bind-propagation=rshared`).",
    rationale: "With shared propagation, mounts made inside the container appear on the host (and the host's in the container): a container can then change the host's mount table, for example mount over host paths.",
    remediation: "Recreate the container with the default (`rprivate`) or a `slave`/`rslave` propagation on its binds.",
    severity: Medium,
    fix: "without :shared/:rshared on its -v binds (or bind-propagation=rprivate)",
    judge: judge,
}

/// Any `shared`/`rshared` mount fails.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let shared: Vec<String> = doc
        .mounts()
        .iter()
        .filter(|m| matches!(m.propagation, "shared" | "rshared"))
        .map(|m| format!("{} ({})", m.describe(), m.propagation))
        .collect();
    let finding = if shared.is_empty() {
        Finding::pass(
            doc.target(),
            format!("container {name} has no mount with shared propagation"),
        )
    } else {
        Finding::fail(
            doc.target(),
            format!(
                "container {name} has mounts with shared propagation: {}",
                shared.join(", ")
            ),
        )
    };
    finding.with_evidence("shared-mounts", shared.join(","))
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::runtime::inspected;
    use bulkhead_sdk::testing::{FakeHost, container};
    use bulkhead_sdk::{Status, Target};

    #[rstest::rstest]
    #[case::shared(r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/srv","Destination":"/h","RW":true,"Propagation":"shared"}]}"#, r#"null"#, Status::Fail)]
    #[case::rshared(r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/srv","Destination":"/h","RW":true,"Propagation":"rprivate"},{"Type":"bind","Source":"/a","Destination":"/b","RW":true,"Propagation":"rshared"}]}"#, r#"null"#, Status::Fail)]
    #[case::rprivate(r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/srv","Destination":"/h","RW":true,"Propagation":"rprivate"}]}"#, r#"null"#, Status::Pass)]
    #[case::rslave(r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/srv","Destination":"/h","RW":true,"Propagation":"rslave"}]}"#, r#"null"#, Status::Pass)]
    #[case::none(r#"{"Name":"/w","HostConfig":{}}"#, r#"null"#, Status::Pass)]
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
            format!("{err:?}").contains(
                "without :shared/:rshared on its -v binds (or bind-propagation=rprivate)"
            ),
            "{err:?}"
        );
    }
}
