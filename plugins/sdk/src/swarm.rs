//! The swarm state of the daemon, from `docker info`, for the swarm items (CIS section 7).

use serde_json::Value;

use crate::{Facts, Finding, Target, describe_error};

/// What `docker info` says of the swarm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swarm {
    /// `Swarm.LocalNodeState`: `inactive`, `pending`, `active`, `error`, `locked`.
    pub state: String,
    /// `Swarm.ControlAvailable`: this node is a manager.
    pub manager: bool,
    /// `Swarm.Managers`: how many managers the swarm has.
    pub managers: u64,
    /// `Swarm.Cluster.Spec.EncryptionConfig.AutoLockManagers`.
    pub autolock: bool,
    /// `Swarm.NodeAddr`: the address this node advertises.
    pub node_addr: String,
    /// The port of this node's own entry in `Swarm.RemoteManagers` (a manager's API port).
    pub manager_port: Option<u16>,
    /// `Swarm.Cluster.DataPathPort` (managers see it), when set.
    pub data_path_port: Option<u64>,
}

impl Swarm {
    /// Read it from the daemon.
    pub fn load(facts: &impl Facts) -> Result<Self, String> {
        let json = facts
            .info()
            .map_err(|e| format!("cannot read docker info: {}", describe_error(&e)))?;
        let doc: Value =
            serde_json::from_str(&json).map_err(|e| format!("docker info is not JSON: {e}"))?;
        let swarm = &doc["Swarm"];
        let node_id = swarm["NodeID"].as_str().unwrap_or_default();
        let manager_port = swarm["RemoteManagers"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|peer| !node_id.is_empty() && peer["NodeID"].as_str() == Some(node_id))
            .and_then(|peer| peer["Addr"].as_str())
            .and_then(|addr| addr.rsplit_once(':'))
            .and_then(|(_, port)| port.parse().ok());
        Ok(Swarm {
            state: swarm["LocalNodeState"]
                .as_str()
                .unwrap_or("inactive")
                .to_owned(),
            manager: swarm["ControlAvailable"].as_bool().unwrap_or(false),
            managers: swarm["Managers"].as_u64().unwrap_or(0),
            autolock: swarm["Cluster"]["Spec"]["EncryptionConfig"]["AutoLockManagers"]
                .as_bool()
                .unwrap_or(false),
            node_addr: swarm["NodeAddr"].as_str().unwrap_or_default().to_owned(),
            manager_port,
            data_path_port: swarm["Cluster"]["DataPathPort"]
                .as_u64()
                .filter(|port| *port > 0),
        })
    }

    /// For an item about any swarm node: the swarm when it is active, else the finding to
    /// return instead of judging (`skip` naming `what` there is not to judge; `error` when
    /// the daemon cannot be read).
    pub fn active(facts: &impl Facts, what: &str) -> Result<Self, Finding> {
        let swarm = Self::load(facts).map_err(|why| Finding::error(Target::Host, why))?;
        if swarm.state != "active" {
            return Err(Finding::skip(
                Target::Host,
                format!(
                    "swarm mode is not active (LocalNodeState {}): no {what} to judge",
                    swarm.state
                ),
            ));
        }
        Ok(swarm)
    }

    /// For an item about swarm managers: the finding to return instead of judging, when
    /// swarm mode is off, this node is not a manager, or the daemon cannot be read.
    pub fn not_applicable(facts: &impl Facts) -> Result<Self, Finding> {
        let swarm = Self::load(facts).map_err(|why| Finding::error(Target::Host, why))?;
        if swarm.state != "active" && swarm.state != "locked" {
            return Err(Finding::skip(
                Target::Host,
                format!("swarm mode is not active (LocalNodeState {})", swarm.state),
            ));
        }
        if !swarm.manager {
            return Err(Finding::skip(
                Target::Host,
                "this node is a swarm worker; manager settings are judged on a manager",
            ));
        }
        Ok(swarm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::testing::FakeHost;

    #[test]
    fn inactive_skips_workers_skip_managers_judge() {
        let off = FakeHost::new().info_json(r#"{"Swarm":{"LocalNodeState":"inactive"}}"#);
        assert_eq!(
            Swarm::not_applicable(&off).unwrap_err().status,
            Status::Skip
        );
        let worker = FakeHost::new()
            .info_json(r#"{"Swarm":{"LocalNodeState":"active","ControlAvailable":false}}"#);
        assert_eq!(
            Swarm::not_applicable(&worker).unwrap_err().status,
            Status::Skip
        );
        let manager = FakeHost::new().info_json(
            r#"{"Swarm":{"LocalNodeState":"active","ControlAvailable":true,"Managers":3,
                "Cluster":{"Spec":{"EncryptionConfig":{"AutoLockManagers":true}}}}}"#,
        );
        let s = Swarm::not_applicable(&manager).unwrap();
        assert_eq!((s.managers, s.autolock), (3, true));
        let broken = FakeHost::new().info_json("not json");
        assert_eq!(
            Swarm::not_applicable(&broken).unwrap_err().status,
            Status::Error
        );
    }
}
