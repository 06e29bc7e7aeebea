//! # `container-ports-reviewed`: CIS Docker Benchmark v1.6.0 5.9
//!
//! ### What it checks
//! Shows, per container, the ports it publishes on the host (`HostConfig.PortBindings`,
//! `--publish-all`) and the ports its image exposes (`Config.ExposedPorts`), for a person
//! to confirm each one is needed.
//!
//! This is a manual benchmark item: the control never passes or fails, it reports `info`
//! per container with the facts a person should look at.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate containers publishing only the ports they need (`-p` per port; no `-P`).
//! Nothing is changed automatically: this is a manual item.
//!
//! ### Example
//! A container created with `docker create --name web -p 8080:80 -p 2222:22 nginx` yields
//!
//! ```text
//! info  container:web
//!       container web publishes 2 port(s): :2222->22/tcp, :8080->80/tcp; check each one is needed
//!       published=:2222->22/tcp,:8080->80/tcp exposed=22/tcp,80/tcp publish-all=false state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-ports-reviewed",
    cis: "5.9 (manual)",
    title: "Only needed ports are open on containers (manual review)",
    description: "Shows, per container, the ports it publishes on the host (`HostConfig.PortBindings`, `--publish-all`) and the ports its image exposes (`Config.ExposedPorts`), for a person to confirm each one is needed.",
    rationale: "Every published port is attack surface on the host's networks; which ones a workload needs depends on the application, so a person must confirm the list.",
    remediation: "Recreate containers publishing only the ports they need (`-p` per port; no `-P`).",
    severity: Info,
    fix: "publishing only the ports it needs (-p per port, no -P)",
    judge: judge,
}

/// Always `info`, with the ports.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let published: Vec<String> = doc.port_bindings().iter().map(|b| b.describe()).collect();
    let exposed: Vec<&str> = doc
        .value("/Config/ExposedPorts")
        .and_then(|v| v.as_object())
        .map(|ports| ports.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let publish_all = doc.bool("/HostConfig/PublishAllPorts");
    let message = if publish_all {
        format!(
            "container {name} publishes every exposed port ({}) with -P; check each one is needed",
            exposed.join(", ")
        )
    } else if published.is_empty() {
        format!(
            "container {name} publishes no ports on the host; check the exposed ones ({}) are needed inside its networks",
            exposed.join(", ")
        )
    } else {
        format!(
            "container {name} publishes {} port(s): {}; check each one is needed",
            published.len(),
            published.join(", ")
        )
    };
    Finding::info(doc.target(), message)
        .with_evidence("published", published.join(","))
        .with_evidence("exposed", exposed.join(","))
        .with_evidence("publish-all", publish_all.to_string())
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::runtime::inspected;
    use bulkhead_sdk::testing::control::{assert_container_kit, assert_judges};

    #[rstest::rstest]
    #[case::published(r#"{"Name":"/w","HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]}}}"#, r#"null"#, Status::Info)]
    #[case::none(r#"{"Name":"/w","HostConfig":{}}"#, r#"null"#, Status::Info)]
    fn judges(#[case] inspect: &str, #[case] info: &str, #[case] want: Status) {
        assert_judges(super::judge, inspect, info, want);
    }

    #[test]
    fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
        assert_container_kit(
            super::audit,
            super::remediate,
            "publishing only the ports it needs (-p per port, no -P)",
        );
    }

    #[test]
    fn lists_published_and_exposed_ports() {
        let doc = r#"{"Name":"/w","HostConfig":{"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]}},"Config":{"ExposedPorts":{"80/tcp":{}}}}"#;
        let got = super::judge(&inspected(doc, "null"));
        assert_eq!(got.evidence("published"), Some(":8080->80/tcp"));
        assert_eq!(got.evidence("exposed"), Some("80/tcp"));
    }
}
