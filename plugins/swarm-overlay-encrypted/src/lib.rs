//! # `swarm-overlay-encrypted`: CIS Docker Benchmark v1.6.0 7.3
//!
//! ### What it checks
//! On an active swarm node (`Swarm.LocalNodeState` from `docker info` is `active`), every
//! network with driver `overlay` and scope `swarm` has the `encrypted` driver option: IPsec
//! between the nodes for the traffic of its containers. The key's presence is what counts,
//! whatever its value: the overlay driver turns encryption on when `encrypted` is among the
//! options at all (`--opt encrypted`, `--opt encrypted=`, even `--opt encrypted=false`).
//!
//! The built-in `ingress` network is judged like any other, with no exemption: the
//! benchmark's audit (`docker network ls --filter driver=overlay --quiet | xargs docker
//! network inspect --format '{{.Name}} {{ .Options }}'`) lists it with the others,
//! docker-bench-security flags it (`Unencrypted overlay network: ingress (swarm)`), it
//! carries the routing mesh's traffic between nodes (a request to a published port, on its
//! way to a task on another node), and Docker's documentation shows how to recreate it
//! encrypted (`docker network create --driver overlay --ingress --opt encrypted ...`).
//!
//! One finding for the host, not one per network: the 0.1.0 targets are the host, a file
//! and a container, and a network is none of them, so several `host` findings would be
//! told apart only by their messages. The one finding fails naming every unencrypted
//! network in its message and evidence (`unencrypted`, and `encrypted` for the others), or
//! passes. A worker lists only the swarm networks its tasks use (and `ingress`): it judges
//! those, and says so; a manager sees them all. A node not in a swarm (or locked, pending,
//! in error) gives `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! An existing network cannot be switched to encrypted: create an encrypted one and move
//! the services to it, by hand (`docker network create --driver overlay --opt encrypted
//! NAME`, then `docker service update --network-rm OLD --network-add NAME SERVICE`, then
//! `docker network rm OLD`). For `ingress`: once no service publishes ports through it,
//! `docker network rm ingress` and `docker network create --driver overlay --ingress --opt
//! encrypted NAME`. The nodes must let IPsec ESP (IP protocol 50) through to each other,
//! and Windows nodes do not support overlay encryption. Not changed automatically.
//!
//! ### Example
//! A manager after `docker swarm init` and `docker network create -d overlay backend`
//! yields
//!
//! ```text
//! fail  host
//!       2 swarm overlay networks are not encrypted: backend, ingress; recreate them with --opt encrypted
//!       unencrypted=backend,ingress
//! ```

use bulkhead_sdk::swarm::Swarm;
use bulkhead_sdk::{Error, Facts, Finding, Network, Target, describe_error};

/// The driver option that turns IPsec on for an overlay network.
const ENCRYPTED: &str = "encrypted";

/// Whether `network` is a swarm-scoped overlay network.
fn swarm_overlay(network: &Network) -> bool {
    network.driver == "overlay" && network.scope == "swarm"
}

/// Whether `network` asks for encryption (the key's presence, whatever its value).
fn encrypted(network: &Network) -> bool {
    network.options.iter().any(|(key, _)| key == ENCRYPTED)
}

/// Judge the host.
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    let swarm = match Swarm::active(facts, "swarm overlay networks") {
        Ok(swarm) => swarm,
        Err(finding) => return vec![finding],
    };
    let networks = match facts.networks() {
        Ok(networks) => networks,
        Err(err) => {
            return vec![Finding::error(
                Target::Host,
                format!(
                    "cannot list the daemon's networks: {}",
                    describe_error(&err)
                ),
            )];
        }
    };
    vec![judge(&networks, swarm.manager)]
}

/// The verdict on the swarm overlay networks among `networks`.
fn judge(networks: &[Network], manager: bool) -> Finding {
    let (sealed, open): (Vec<&Network>, Vec<&Network>) = networks
        .iter()
        .filter(|n| swarm_overlay(n))
        .partition(|n| encrypted(n));
    let names = |list: &[&Network], sep: &str| {
        list.iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>()
            .join(sep)
    };
    let seen = if manager {
        ""
    } else {
        " (as this worker sees them: it lists only the swarm networks its tasks use)"
    };
    let mut finding = if !open.is_empty() {
        let (count, them) = match open.len() {
            1 => ("1 swarm overlay network is".to_owned(), "it"),
            n => (format!("{n} swarm overlay networks are"), "them"),
        };
        Finding::fail(
            Target::Host,
            format!(
                "{count} not encrypted{seen}: {}; recreate {them} with --opt encrypted",
                names(&open, ", ")
            ),
        )
        .with_evidence("unencrypted", names(&open, ","))
    } else if sealed.is_empty() {
        Finding::pass(
            Target::Host,
            format!("no swarm overlay network to encrypt{seen}"),
        )
    } else {
        Finding::pass(
            Target::Host,
            format!(
                "every swarm overlay network is encrypted{seen}: {}",
                names(&sealed, ", ")
            ),
        )
    };
    if !sealed.is_empty() {
        finding = finding.with_evidence("encrypted", names(&sealed, ","));
    }
    finding
}

bulkhead_sdk::cis_control! {
    id: "swarm-overlay-encrypted",
    title: "All Docker swarm overlay networks are encrypted",
    description: "On a swarm node: every swarm-scoped overlay network, ingress \
                          included, has the encrypted driver option.",
    rationale: "Overlay traffic between nodes is plain VXLAN unless the network asks \
                        for IPsec: the network between the hosts reads it.",
    remediation: "Create an encrypted network (docker network create --driver overlay \
                          --opt encrypted NAME), move the services to it, remove the old one; \
                          recreate ingress with --ingress --opt encrypted.",
    severity: Medium,
    cis: "7.3",
    reads: [],
    remediate: |target| {
        Err(Error::Invalid(format!(
            "no automatic fix is safe: a network is encrypted only when created, so its \
             services must move to a new one (docker network create --opt encrypted, docker \
             service update --network-add/--network-rm); do it by hand; not for {target}"
        )))
        },
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::Guest;
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::{FakeHost, network};

    const MANAGER: &str = r#"{"Swarm":{"NodeID":"n1","LocalNodeState":"active",
        "ControlAvailable":true,"Managers":1}}"#;
    const WORKER: &str = r#"{"Swarm":{"NodeID":"n2","LocalNodeState":"active",
        "ControlAvailable":false}}"#;

    /// A swarm overlay network with these driver options.
    fn overlay(name: &str, options: &[(&str, &str)]) -> Network {
        Network {
            options: options
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..network(name, "overlay", "swarm")
        }
    }

    /// The local networks every daemon has: never judged.
    fn host(info: &str) -> FakeHost {
        FakeHost::new()
            .info_json(info)
            .network(network("bridge", "bridge", "local"))
            .network(network("host", "host", "local"))
            .network(network("none", "null", "local"))
            .network(network("docker_gwbridge", "bridge", "local"))
    }

    const VXLAN: (&str, &str) = ("com.docker.network.driver.overlay.vxlanid_list", "4097");

    #[rstest::rstest]
    #[case::fresh_swarm(vec![overlay("ingress", &[VXLAN])], Status::Fail)]
    #[case::user_network(vec![overlay("ingress", &[("encrypted", ""), VXLAN]), overlay("backend", &[VXLAN])], Status::Fail)]
    #[case::all_encrypted(vec![overlay("ingress", &[("encrypted", ""), VXLAN]), overlay("backend", &[("encrypted", "true")])], Status::Pass)]
    #[case::any_value_encrypts(vec![overlay("ingress", &[("encrypted", "false")])], Status::Pass)]
    #[case::similar_key_is_not_it(vec![overlay("ingress", &[("encryption", "true")])], Status::Fail)]
    #[case::none(vec![], Status::Pass)]
    #[case::local_overlay_ignored(vec![network("old", "overlay", "global")], Status::Pass)]
    fn overlay_networks(#[case] networks: Vec<Network>, #[case] want: Status) {
        let host = networks.into_iter().fold(host(MANAGER), FakeHost::network);
        let findings = audit(&host);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, want, "{}", findings[0].message);
        assert_eq!(findings[0].target, Target::Host);
    }

    #[test]
    fn a_failure_names_every_unencrypted_network() {
        let host = host(MANAGER)
            .network(overlay("ingress", &[VXLAN]))
            .network(overlay("backend", &[]))
            .network(overlay("frontend", &[("encrypted", "")]));
        let f = &audit(&host)[0];
        assert_eq!(f.status, Status::Fail);
        assert_eq!(
            f.message,
            "2 swarm overlay networks are not encrypted: backend, ingress; recreate them with \
             --opt encrypted"
        );
        assert_eq!(f.evidence("unencrypted"), Some("backend,ingress"));
        assert_eq!(f.evidence("encrypted"), Some("frontend"));
    }

    #[test]
    fn a_worker_says_what_it_sees() {
        let host = host(WORKER).network(overlay("ingress", &[("encrypted", "")]));
        let f = &audit(&host)[0];
        assert_eq!(f.status, Status::Pass);
        assert!(
            f.message.contains("as this worker sees them"),
            "{}",
            f.message
        );
    }

    #[rstest::rstest]
    #[case::inactive("inactive")]
    #[case::locked("locked")]
    #[case::pending("pending")]
    fn off_swarm_skips(#[case] state: &str) {
        let json = format!(r#"{{"Swarm":{{"LocalNodeState":"{state}"}}}}"#);
        let host = FakeHost::new()
            .info_json(&json)
            .network(overlay("ingress", &[]));
        let f = &audit(&host)[0];
        assert_eq!(f.status, Status::Skip);
        assert!(f.message.contains(state), "{}", f.message);
    }

    #[test]
    fn unreadable_facts_are_errors() {
        let host = FakeHost::new()
            .info_json(MANAGER)
            .networks_error(Error::Unavailable("daemon gone".into()));
        let f = &audit(&host)[0];
        assert_eq!(f.status, Status::Error);
        assert!(f.message.contains("daemon gone"), "{}", f.message);
        let f = &audit(&FakeHost::new().docker_info(Err(Error::Denied)))[0];
        assert_eq!(f.status, Status::Error);
    }

    #[test]
    fn no_automatic_fix() {
        let err = <Control as Guest>::remediate(Target::Host).unwrap_err();
        assert!(
            format!("{err:?}").contains("no automatic fix is safe"),
            "{err:?}"
        );
    }

    #[test]
    fn metadata_names_the_item() {
        let m = <Control as Guest>::metadata();
        assert_eq!(m.id, "swarm-overlay-encrypted");
        assert_eq!(m.references, ["CIS Docker Benchmark v1.6.0 7.3"]);
        assert_eq!(m.items[0].item, "7.3");
    }
}
