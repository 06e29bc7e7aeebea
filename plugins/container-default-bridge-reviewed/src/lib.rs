//! # `container-default-bridge-reviewed`: CIS Docker Benchmark v1.6.0 5.30
//!
//! ### What it checks
//! Shows, per container, the networks it is attached to (`NetworkSettings.Networks`,
//! `HostConfig.NetworkMode`) and says when one is Docker's default `bridge` (docker0), for
//! a person to decide whether it should move to a user-defined network.
//!
//! This is a manual benchmark item: the control never passes or fails, it reports `info`
//! per container with the facts a person should look at. Whether inter-container traffic on
//! docker0 is restricted is a daemon setting (`--icc=false`, section 2).
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Run containers on user-defined networks (`docker network create app; docker run
//! --network app ...`), not on the default bridge. Nothing is changed automatically: this
//! is a manual item.
//!
//! ### Example
//! A container created with `docker create --name web nginx` yields
//!
//! ```text
//! info  container:web
//!       container web is on Docker's default bridge (docker0); consider a user-defined network
//!       networks=bridge network-mode=default state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-default-bridge-reviewed",
    cis: "5.30 (manual)",
    title: "Containers avoid the default bridge docker0 (manual review)",
    description: "Shows, per container, the networks it is attached to (`NetworkSettings.Networks`, `HostConfig.NetworkMode`) and says when one is Docker's default `bridge` (docker0), for a person to decide whether it should move to a user-defined network.",
    rationale: "On the default bridge every container can reach every other one (unless the daemon sets `--icc=false`) and is exposed to ARP and MAC spoofing from its neighbours; user-defined networks isolate groups of containers from each other.",
    remediation: "Run containers on user-defined networks (`docker network create app; docker run --network app ...`), not on the default bridge.",
    severity: Info,
    fix: "with --network <user-defined network>",
    judge: judge,
}

/// Always `info`, with the networks.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let mode = doc.str("/HostConfig/NetworkMode");
    let networks: Vec<&str> = doc
        .value("/NetworkSettings/Networks")
        .and_then(|v| v.as_object())
        .map(|n| n.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let on_bridge = networks.contains(&"bridge")
        || (networks.is_empty() && matches!(mode, "" | "default" | "bridge"));
    let message = if on_bridge {
        format!(
            "container {name} is on Docker's default bridge (docker0); consider a user-defined network"
        )
    } else {
        format!(
            "container {name} is not on the default bridge (networks: {}; mode {mode})",
            networks.join(", ")
        )
    };
    Finding::info(doc.target(), message)
        .with_evidence("networks", networks.join(","))
        .with_evidence("network-mode", mode)
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::runtime::inspected;
    use bulkhead_sdk::testing::control::{assert_container_kit, assert_judges};

    #[rstest::rstest]
    #[case::bridge(r#"{"Name":"/w","HostConfig":{"NetworkMode":"default"},"NetworkSettings":{"Networks":{"bridge":{}}}}"#, r#"null"#, Status::Info)]
    #[case::user_network(r#"{"Name":"/w","HostConfig":{"NetworkMode":"app"},"NetworkSettings":{"Networks":{"app":{}}}}"#, r#"null"#, Status::Info)]
    fn judges(#[case] inspect: &str, #[case] info: &str, #[case] want: Status) {
        assert_judges(super::judge, inspect, info, want);
    }

    #[test]
    fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
        assert_container_kit(
            super::audit,
            super::remediate,
            "with --network <user-defined network>",
        );
    }

    #[rstest::rstest]
    #[case::bridge(r#"{"Name":"/w","NetworkSettings":{"Networks":{"bridge":{}}}}"#, true)]
    #[case::created_default(r#"{"Name":"/w","HostConfig":{"NetworkMode":"default"}}"#, true)]
    #[case::user_network(r#"{"Name":"/w","NetworkSettings":{"Networks":{"app":{}}}}"#, false)]
    #[case::none(r#"{"Name":"/w","HostConfig":{"NetworkMode":"none"},"NetworkSettings":{"Networks":{"none":{}}}}"#, false)]
    fn says_when_on_the_default_bridge(#[case] inspect: &str, #[case] on_bridge: bool) {
        let got = super::judge(&inspected(inspect, "null"));
        assert_eq!(
            got.message.contains("is on Docker's default bridge"),
            on_bridge,
            "{}",
            got.message
        );
    }
}
