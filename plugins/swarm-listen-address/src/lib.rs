//! # `swarm-listen-address`: CIS Docker Benchmark v1.6.0 7.2
//!
//! ### What it checks
//! On an active swarm node (`Swarm.LocalNodeState` from `docker info` is `active`), the
//! swarm's TCP ports listen on a specific address, not on every interface (`0.0.0.0` or
//! `::`), according to the TCP sockets listening in the network namespace of `--proc`/1:
//! - the manager API, on a manager (`Swarm.ControlAvailable`): the port of this node's own
//!   entry in `Swarm.RemoteManagers` (its advertised `ADDR:PORT`), 2377 when it has none;
//! - the gossip port 7946 (TCP), on every node.
//!
//! Both follow the address the node was given with `--listen-addr` when it ran `docker
//! swarm init` or `join` (default `0.0.0.0:2377`: every interface). Go opens a wildcard
//! listener as one dual-stack `::` socket, so a default node shows `[::]:2377`.
//!
//! A swarm port nothing listens on gives `error`: bulkhead is not seeing the node's
//! sockets (is `--proc` the host's?) and cannot judge. The data-path (VXLAN) port that a
//! manager's `Swarm.Cluster.DataPathPort` names is UDP, which the listener facts
//! (`machine.listeners`, TCP only) do not cover: it is shown as evidence, not judged.
//! A node that is not in a swarm, or is locked, pending or in error, gives `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! The listen address is fixed when a node joins: leave and rejoin with one, by hand
//! (`docker swarm leave`, then `docker swarm join --listen-addr 10.0.0.5:2377
//! --advertise-addr 10.0.0.5 ...`; a manager is demoted first, a single-manager swarm is
//! re-initialised with `docker swarm init --listen-addr ...`). Not changed automatically:
//! leaving a swarm stops the node's tasks.
//!
//! ### Example
//! A manager that ran a plain `docker swarm init` yields
//!
//! ```text
//! fail  host
//!       swarm ports listen on every interface: [::]:2377 (manager API), [::]:7946 (gossip); rejoin the swarm with --listen-addr <an address of this node>
//!       every-interface=[::]:2377,[::]:7946 node-addr=10.0.0.5 data-path-port=4789/udp (not judged: listeners are TCP only)
//! ```

use std::net::IpAddr;

use bulkhead_sdk::swarm::Swarm;
use bulkhead_sdk::{Error, Facts, Finding, Listener, Target, describe_error};

/// The manager API's port when `docker info` does not say otherwise.
const MANAGER_PORT: u16 = 2377;
/// The gossip (network control plane) port: fixed in Docker.
const GOSSIP_PORT: u16 = 7946;

/// One swarm port this node should listen on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SwarmPort {
    port: u16,
    role: &'static str,
}

/// Whether a listener's address is every interface: `0.0.0.0`, `::` (or `::ffff:0.0.0.0`).
fn every_interface(address: &str) -> bool {
    match address.trim_matches(['[', ']']).parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_unspecified(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_unspecified() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_unspecified())
        }
        Err(_) => matches!(address, "" | "*"),
    }
}

/// `ADDR:PORT`, with IPv6 addresses in brackets.
fn show(listener: &Listener) -> String {
    if listener.address.contains(':') {
        format!("[{}]:{}", listener.address, listener.port)
    } else {
        format!("{}:{}", listener.address, listener.port)
    }
}

/// Judge the host.
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    let swarm = match Swarm::active(facts, "swarm ports") {
        Ok(swarm) => swarm,
        Err(finding) => return vec![finding],
    };
    let listeners = match facts.listeners() {
        Ok(listeners) => listeners,
        Err(err) => {
            return vec![Finding::error(
                Target::Host,
                format!(
                    "cannot list the machine's listening TCP sockets: {}",
                    describe_error(&err)
                ),
            )];
        }
    };
    let mut ports = Vec::new();
    if swarm.manager {
        ports.push(SwarmPort {
            port: swarm.manager_port.unwrap_or(MANAGER_PORT),
            role: "manager API",
        });
    }
    ports.push(SwarmPort {
        port: GOSSIP_PORT,
        role: "gossip",
    });
    vec![judge(&ports, &listeners, &swarm)]
}

/// The verdict on `ports` from the machine's `listeners`.
fn judge(ports: &[SwarmPort], listeners: &[Listener], node: &Swarm) -> Finding {
    let (mut open, mut bound, mut missing) = (Vec::new(), Vec::new(), Vec::new());
    for port in ports {
        let on: Vec<&Listener> = listeners.iter().filter(|l| l.port == port.port).collect();
        if on.is_empty() {
            missing.push(format!("{} ({})", port.port, port.role));
        }
        for listener in on {
            let entry = (show(listener), port.role);
            if every_interface(&listener.address) {
                open.push(entry);
            } else {
                bound.push(entry);
            }
        }
    }
    let described = |list: &[(String, &str)]| {
        list.iter()
            .map(|(addr, role)| format!("{addr} ({role})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let addresses = |list: &[(String, &str)]| {
        list.iter()
            .map(|(a, _)| a.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut finding = if !open.is_empty() {
        Finding::fail(
            Target::Host,
            format!(
                "swarm ports listen on every interface: {}; rejoin the swarm with --listen-addr \
                 <an address of this node>",
                described(&open)
            ),
        )
    } else if !missing.is_empty() {
        Finding::error(
            Target::Host,
            format!(
                "nothing listens on swarm port {} in the network namespace of --proc/1: \
                 cannot judge (is --proc the host's /proc?)",
                missing.join(", ")
            ),
        )
    } else {
        Finding::pass(
            Target::Host,
            format!(
                "swarm ports are bound to specific addresses: {}",
                described(&bound)
            ),
        )
    };
    if !open.is_empty() {
        finding = finding.with_evidence("every-interface", addresses(&open));
    }
    if !bound.is_empty() {
        finding = finding.with_evidence("specific", addresses(&bound));
    }
    if !missing.is_empty() {
        finding = finding.with_evidence("not-listening", missing.join(","));
    }
    if !node.node_addr.is_empty() {
        finding = finding.with_evidence("node-addr", node.node_addr.clone());
    }
    if let Some(port) = node.data_path_port {
        finding = finding.with_evidence(
            "data-path-port",
            format!("{port}/udp (not judged: listeners are TCP only)"),
        );
    }
    finding
}

bulkhead_sdk::cis_control! {
    id: "swarm-listen-address",
    title: "Swarm services are bound to a specific host interface",
    description: "On a swarm node: the manager API (2377) and gossip (7946) TCP ports \
                          listen on a specific address, not on 0.0.0.0 or ::.",
    rationale: "A swarm port on every interface faces every network the host is on, \
                        the public one included.",
    remediation: "Leave and rejoin the swarm with docker swarm join --listen-addr \
                          ADDR:2377 (docker swarm init --listen-addr on a lone manager).",
    severity: Medium,
    cis: "7.2",
    reads: [],
    remediate: |target| {
        Err(Error::Invalid(format!(
            "no automatic fix is safe: the listen address changes only by leaving and rejoining \
             the swarm (docker swarm join --listen-addr), which stops this node's tasks; do it \
             by hand; not for {target}"
        )))
        },
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::Guest;
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::FakeHost;

    /// `docker info` of a one-manager swarm whose node advertises 10.0.0.5:2377.
    const MANAGER: &str = r#"{"Swarm":{"NodeID":"n1","NodeAddr":"10.0.0.5",
        "LocalNodeState":"active","ControlAvailable":true,"Error":"",
        "RemoteManagers":[{"NodeID":"n1","Addr":"10.0.0.5:2377"}],"Nodes":1,"Managers":1,
        "Cluster":{"ID":"c1","DataPathPort":4789}}}"#;
    /// A worker of that swarm (no `Cluster`: workers are not told).
    const WORKER: &str = r#"{"Swarm":{"NodeID":"n2","NodeAddr":"10.0.0.6",
        "LocalNodeState":"active","ControlAvailable":false,"Error":"",
        "RemoteManagers":[{"NodeID":"n1","Addr":"10.0.0.5:2377"}]}}"#;
    /// A manager listening on a port of its own choosing.
    const MANAGER_4000: &str = r#"{"Swarm":{"NodeID":"n1","NodeAddr":"10.0.0.5",
        "LocalNodeState":"active","ControlAvailable":true,
        "RemoteManagers":[{"NodeID":"n9","Addr":"10.0.0.9:2377"},{"NodeID":"n1","Addr":"10.0.0.5:4000"}]}}"#;

    fn host(info: &str, listeners: &[(&str, u16)]) -> FakeHost {
        listeners
            .iter()
            .fold(FakeHost::new().info_json(info), |h, (addr, port)| {
                h.listener(addr, *port)
            })
            // Unrelated sockets never count.
            .listener("0.0.0.0", 22)
            .listener("::", 80)
    }

    #[rstest::rstest]
    #[case::default_init(MANAGER, &[("::", 2377), ("::", 7946)], Status::Fail)]
    #[case::ipv4_wildcard(MANAGER, &[("10.0.0.5", 2377), ("0.0.0.0", 7946)], Status::Fail)]
    #[case::one_of_two_wild(MANAGER, &[("10.0.0.5", 2377), ("::", 2377), ("10.0.0.5", 7946)], Status::Fail)]
    #[case::mapped_wildcard(MANAGER, &[("10.0.0.5", 2377), ("::ffff:0.0.0.0", 7946)], Status::Fail)]
    #[case::bound(MANAGER, &[("10.0.0.5", 2377), ("10.0.0.5", 7946)], Status::Pass)]
    #[case::bound_v6(MANAGER, &[("fd00::5", 2377), ("fd00::5", 7946)], Status::Pass)]
    #[case::worker_bound(WORKER, &[("10.0.0.6", 7946)], Status::Pass)]
    #[case::worker_wild(WORKER, &[("::", 7946)], Status::Fail)]
    #[case::own_port(MANAGER_4000, &[("10.0.0.5", 4000), ("10.0.0.5", 7946)], Status::Pass)]
    #[case::own_port_wild(MANAGER_4000, &[("::", 4000), ("10.0.0.5", 7946), ("::", 2377)], Status::Fail)]
    #[case::not_seen(MANAGER, &[("10.0.0.5", 7946)], Status::Error)]
    #[case::nothing_seen(WORKER, &[], Status::Error)]
    fn swarm_ports(#[case] info: &str, #[case] listeners: &[(&str, u16)], #[case] want: Status) {
        let findings = audit(&host(info, listeners));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, want, "{}", findings[0].message);
        assert_eq!(findings[0].target, Target::Host);
    }

    #[test]
    fn a_failure_names_the_ports_and_addresses() {
        let f = &audit(&host(MANAGER, &[("::", 2377), ("10.0.0.5", 7946)]))[0];
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.message.contains("[::]:2377 (manager API)"),
            "{}",
            f.message
        );
        assert!(!f.message.contains("7946"), "{}", f.message);
        assert_eq!(f.evidence("every-interface"), Some("[::]:2377"));
        assert_eq!(f.evidence("specific"), Some("10.0.0.5:7946"));
        assert_eq!(f.evidence("node-addr"), Some("10.0.0.5"));
        assert_eq!(
            f.evidence("data-path-port"),
            Some("4789/udp (not judged: listeners are TCP only)")
        );
        let f = &audit(&host(MANAGER, &[("10.0.0.5", 7946)]))[0];
        assert_eq!(f.evidence("not-listening"), Some("2377 (manager API)"));
    }

    #[rstest::rstest]
    #[case::inactive("inactive")]
    #[case::locked("locked")]
    #[case::pending("pending")]
    #[case::error("error")]
    fn off_swarm_skips_without_reading_sockets(#[case] state: &str) {
        let json = format!(r#"{{"Swarm":{{"LocalNodeState":"{state}"}}}}"#);
        let host = FakeHost::new()
            .info_json(&json)
            .listeners_error(Error::Denied);
        let f = &audit(&host)[0];
        assert_eq!(f.status, Status::Skip);
        assert!(f.message.contains(state), "{}", f.message);
    }

    #[test]
    fn unreadable_facts_are_errors() {
        let host = FakeHost::new()
            .info_json(MANAGER)
            .listeners_error(Error::Unavailable("cannot read /proc/1/net/tcp".into()));
        let f = &audit(&host)[0];
        assert_eq!(f.status, Status::Error);
        assert!(f.message.contains("/proc/1/net/tcp"), "{}", f.message);
        let f = &audit(&FakeHost::new().docker_info(Err(Error::Denied)))[0];
        assert_eq!(f.status, Status::Error);
        assert_eq!(
            audit(&FakeHost::new().info_json("not json"))[0].status,
            Status::Error
        );
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
        assert_eq!(m.id, "swarm-listen-address");
        assert_eq!(m.references, ["CIS Docker Benchmark v1.6.0 7.2"]);
        assert_eq!(m.items[0].item, "7.2");
    }
}
