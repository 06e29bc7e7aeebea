//! One container's inspect document, read through JSON pointers: [`Inspected`], with its
//! mounts ([`MountPoint`]) and published ports ([`PortBinding`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde_json::Value;

use crate::{Container, Facts, Target, describe_error};

/// One container's `docker inspect` document, with the daemon's `docker info` beside it.
///
/// It holds either the whole document ([`Inspected::parse`], unit tests) or only the
/// members the host picked out for it (`container-fields`, how
/// [`judge_all`](super::judge_all) reads containers): then a pointer it was not given
/// reads as absent and is noted, and `judge_all` asks again with it (see there).
#[derive(Debug, Clone)]
pub struct Inspected {
    name: String,
    source: Source,
    info: Rc<Value>,
}

#[derive(Debug, Clone)]
enum Source {
    /// The whole document.
    Whole(Value),
    /// The members at the pointers asked for (`None`: the document has none there), and
    /// the pointers read that were not asked for.
    Picked {
        members: HashMap<String, Option<Value>>,
        missed: RefCell<Vec<String>>,
    },
}

impl Inspected {
    /// Parse an inspect document (`docker.inspect`) and an info document (`docker.info`;
    /// give `"null"` when unknown). The name comes from `Name`, without Docker's `/`.
    pub fn parse(inspect: &str, info: &str) -> Result<Self, String> {
        let doc: Value = serde_json::from_str(inspect)
            .map_err(|e| format!("the inspect document is not JSON: {e}"))?;
        let info = serde_json::from_str(info).unwrap_or(Value::Null);
        Ok(Self::new(doc, Rc::new(info)))
    }

    pub(super) fn new(doc: Value, info: Rc<Value>) -> Self {
        let name = doc
            .pointer("/Name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim_start_matches('/')
            .to_owned();
        Inspected {
            name,
            source: Source::Whole(doc),
            info,
        }
    }

    /// The container `name` as far as `members` (the JSON text of the member at each of
    /// `pointers`, in order, as `container-fields` answers) shows it. `Err` names a member
    /// that is not JSON.
    pub(super) fn picked(
        name: String,
        pointers: &[String],
        members: Vec<Option<String>>,
        info: Rc<Value>,
    ) -> Result<Self, String> {
        let members = pointers
            .iter()
            .cloned()
            .zip(members)
            .map(|(pointer, text)| {
                let value = text
                    .map(|text| serde_json::from_str(&text))
                    .transpose()
                    .map_err(|e| format!("member {pointer} is not JSON: {e}"))?;
                Ok((pointer, value))
            })
            .collect::<Result<_, String>>()?;
        Ok(Inspected {
            name,
            source: Source::Picked {
                members,
                missed: RefCell::new(Vec::new()),
            },
            info,
        })
    }

    /// The members of container `c`'s inspect document at `pointers`, picked out by the
    /// host (`container-fields`): for a control that reads a few fields of a container
    /// outside [`judge_all`](super::judge_all). Any other pointer reads as absent. `Err`
    /// says why they cannot be had.
    pub fn pick(facts: &impl Facts, c: &Container, pointers: &[&str]) -> Result<Self, String> {
        let pointers: Vec<String> = pointers.iter().map(|p| (*p).to_owned()).collect();
        let members = facts
            .inspect_fields(&c.id, &pointers)
            .map_err(|err| describe_error(&err))?;
        Self::picked(c.name.clone(), &pointers, members, Rc::new(Value::Null))
    }

    /// The pointers read that were not among those picked (none for a whole document).
    pub(super) fn missed(&self) -> Vec<String> {
        match &self.source {
            Source::Whole(_) => Vec::new(),
            Source::Picked { missed, .. } => missed.take(),
        }
    }

    /// The container's name, without Docker's leading `/`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `container:<name>`.
    pub fn target(&self) -> Target {
        Target::container(&self.name)
    }

    /// The value at a JSON pointer (`/HostConfig/Privileged`), if present and not null.
    pub fn value(&self, pointer: &str) -> Option<&Value> {
        let value = match &self.source {
            Source::Whole(doc) => doc.pointer(pointer),
            Source::Picked { members, missed } => match members.get(pointer) {
                Some(member) => member.as_ref(),
                None => {
                    let mut missed = missed.borrow_mut();
                    if !missed.iter().any(|m| m == pointer) {
                        missed.push(pointer.to_owned());
                    }
                    None
                }
            },
        };
        value.filter(|v| !v.is_null())
    }

    /// The string at `pointer`; empty when absent or not a string.
    pub fn str(&self, pointer: &str) -> &str {
        self.value(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The boolean at `pointer`; `false` when absent.
    pub fn bool(&self, pointer: &str) -> bool {
        self.value(pointer)
            .and_then(Value::as_bool)
            .unwrap_or_default()
    }

    /// The integer at `pointer`; `None` when absent or null (Docker's "unset").
    pub fn int(&self, pointer: &str) -> Option<i64> {
        self.value(pointer).and_then(Value::as_i64)
    }

    /// The items of the array at `pointer` (`/HostConfig/Devices`); empty when absent or
    /// null.
    pub fn items(&self, pointer: &str) -> &[Value] {
        self.value(pointer)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The strings of the array at `pointer`; empty when absent or null.
    pub fn strings(&self, pointer: &str) -> Vec<&str> {
        self.items(pointer)
            .iter()
            .filter_map(Value::as_str)
            .collect()
    }

    /// The values of the `--security-opt` entries named `key` (`apparmor`, `label`,
    /// `seccomp`, `no-new-privileges`), in both spellings Docker accepts (`key=value` and
    /// the older `key:value`); a bare `key` gives an empty value.
    pub fn security_opt(&self, key: &str) -> Vec<&str> {
        self.strings("/HostConfig/SecurityOpt")
            .into_iter()
            .filter_map(|opt| {
                let rest = opt.strip_prefix(key)?;
                if rest.is_empty() {
                    Some("")
                } else {
                    rest.strip_prefix('=').or_else(|| rest.strip_prefix(':'))
                }
            })
            .collect()
    }

    /// `HostConfig.SecurityOpt` joined with commas, for evidence.
    pub fn security_opts(&self) -> String {
        self.strings("/HostConfig/SecurityOpt").join(",")
    }

    /// Whether the daemon reports `name` (`apparmor`, `selinux`, `seccomp`, ...) among its
    /// `SecurityOptions` in `docker info`; `None` when info is unknown.
    pub fn daemon_security_option(&self, name: &str) -> Option<bool> {
        let options = self.info.pointer("/SecurityOptions")?.as_array()?;
        Some(options.iter().filter_map(Value::as_str).any(|o| {
            o.split(',')
                .any(|part| part == format!("name={name}") || part == name)
        }))
    }

    /// The daemon's `docker info` document (`Null` when it could not be read).
    pub fn info(&self) -> &Value {
        &self.info
    }

    /// The daemon's state: `created`, `running`, `exited`, ...
    pub fn state(&self) -> &str {
        self.str("/State/Status")
    }

    /// The bind and volume mounts as `(source, destination, rw, propagation)`.
    pub fn mounts(&self) -> Vec<MountPoint<'_>> {
        self.items("/Mounts")
            .iter()
            .map(|m| MountPoint {
                kind: m.get("Type").and_then(Value::as_str).unwrap_or_default(),
                source: m.get("Source").and_then(Value::as_str).unwrap_or_default(),
                destination: m
                    .get("Destination")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
                writable: m.get("RW").and_then(Value::as_bool).unwrap_or_default(),
                propagation: m
                    .get("Propagation")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// The published ports (`HostConfig.PortBindings`), one per binding.
    pub fn port_bindings(&self) -> Vec<PortBinding<'_>> {
        let Some(map) = self
            .value("/HostConfig/PortBindings")
            .and_then(Value::as_object)
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (port, bindings) in map {
            for binding in bindings.as_array().into_iter().flatten() {
                out.push(PortBinding {
                    container_port: port,
                    host_ip: binding
                        .get("HostIp")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                    host_port: binding
                        .get("HostPort")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                });
            }
        }
        out
    }
}

/// One mount of a container, from the inspect document's `Mounts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MountPoint<'a> {
    /// `bind`, `volume`, `tmpfs`, ...
    pub kind: &'a str,
    /// The host path (binds) or the volume's path on the host.
    pub source: &'a str,
    /// The path inside the container.
    pub destination: &'a str,
    /// Whether the container may write to it.
    pub writable: bool,
    /// `rprivate`, `shared`, `rshared`, `slave`, ... (empty for volumes).
    pub propagation: &'a str,
}

impl MountPoint<'_> {
    /// `source:destination:ro|rw`, for evidence.
    pub fn describe(&self) -> String {
        let mode = if self.writable { "rw" } else { "ro" };
        format!("{}:{}:{mode}", self.source, self.destination)
    }
}

/// One published port, from `HostConfig.PortBindings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortBinding<'a> {
    /// `80/tcp`.
    pub container_port: &'a str,
    /// The host address; empty means the daemon's default (all interfaces unless `--ip`).
    pub host_ip: &'a str,
    /// The host port or range (`8080`, `8000-8010`); empty means one chosen by Docker.
    pub host_port: &'a str,
}

impl PortBinding<'_> {
    /// The lowest host port of the binding; `None` when Docker picks one (ephemeral).
    pub fn lowest_host_port(&self) -> Option<u16> {
        let first = self.host_port.split('-').next().unwrap_or_default().trim();
        first.parse::<u16>().ok().filter(|p| *p != 0)
    }

    /// `host_ip:host_port->container_port`, for evidence.
    pub fn describe(&self) -> String {
        format!(
            "{}:{}->{}",
            self.host_ip, self.host_port, self.container_port
        )
    }
}
