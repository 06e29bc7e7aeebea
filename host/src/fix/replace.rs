//! Replacing a container with a strictly tighter copy of itself, and putting the
//! original back: the Docker side of `fix --apply` and `rollback`.
//!
//! The copy is created from the original's own inspect document (`Config`,
//! `HostConfig`, networks, and its volumes, anonymous ones included, so no data is
//! left behind) with the tightening applied. The original is stopped, its restart
//! policy set to `no` (so the daemon never starts the backup by itself), renamed to a
//! backup name, and kept.

use std::collections::BTreeSet;

use bollard::Docker;
use bollard::models::{ContainerCreateBody, ContainerUpdateBody, NetworkConnectRequest};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, RemoveContainerOptionsBuilder, RenameContainerOptionsBuilder,
    StopContainerOptionsBuilder,
};
use serde_json::{Value, json};

/// Seconds `docker stop` waits before it kills.
const STOP_TIMEOUT: i32 = 10;

/// `CAP_NET_RAW`, `net_raw` → `NET_RAW`.
pub fn normalize_cap(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    upper
        .strip_prefix("CAP_")
        .map(str::to_owned)
        .unwrap_or(upper)
}

/// Every capability name Docker accepts (plus `ALL`).
const KNOWN_CAPS: &[&str] = &[
    "ALL",
    "AUDIT_CONTROL",
    "AUDIT_READ",
    "AUDIT_WRITE",
    "BLOCK_SUSPEND",
    "BPF",
    "CHECKPOINT_RESTORE",
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "IPC_LOCK",
    "IPC_OWNER",
    "KILL",
    "LEASE",
    "LINUX_IMMUTABLE",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "MKNOD",
    "NET_ADMIN",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_RAW",
    "PERFMON",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYSLOG",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_CHROOT",
    "SYS_MODULE",
    "SYS_NICE",
    "SYS_PACCT",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "WAKE_ALARM",
];

/// The `CapDrop` of the copy: the original's plus `extra`, or why it is refused.
/// `None` when nothing would change.
pub fn tightened_cap_drop(
    current: &[String],
    extra: &[String],
) -> Result<Option<Vec<String>>, String> {
    let mut merged: Vec<String> = current.iter().map(|c| normalize_cap(c)).collect();
    let before: BTreeSet<String> = merged.iter().cloned().collect();
    for cap in extra {
        let cap = normalize_cap(cap);
        if !KNOWN_CAPS.contains(&cap.as_str()) {
            return Err(format!("{cap:?} is not a capability Docker knows"));
        }
        if !merged.contains(&cap) {
            merged.push(cap);
        }
    }
    let after: BTreeSet<String> = merged.iter().cloned().collect();
    Ok((after != before).then_some(merged))
}

/// The `docker create` body of a copy of the container described by `inspect`, with
/// `cap_drop` as its `CapDrop`. Returns the body and the networks to connect after
/// creation (the daemon accepts one network at create time on older APIs).
pub fn copy_body(
    inspect: &Value,
    cap_drop: &[String],
) -> Result<(ContainerCreateBody, Vec<(String, Value)>), String> {
    let mut body = inspect["Config"].clone();
    let Some(obj) = body.as_object_mut() else {
        return Err("inspect document has no Config".to_owned());
    };
    let mut host = inspect["HostConfig"].clone();
    let Some(host_obj) = host.as_object_mut() else {
        return Err("inspect document has no HostConfig".to_owned());
    };
    host_obj.insert("CapDrop".to_owned(), json!(cap_drop));
    // Keep every volume, anonymous ones included, mounted where it was.
    let mut mounts: Vec<Value> = host_obj
        .get("Mounts")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let bound: BTreeSet<String> = host_obj
        .get("Binds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|b| b.as_str()?.split(':').nth(1).map(str::to_owned))
        .chain(
            mounts
                .iter()
                .filter_map(|m| m["Target"].as_str().map(str::to_owned)),
        )
        .collect();
    for m in inspect["Mounts"].as_array().into_iter().flatten() {
        let dest = m["Destination"].as_str().unwrap_or_default();
        if m["Type"] == "volume" && !bound.contains(dest) {
            mounts.push(json!({
                "Type": "volume",
                "Source": m["Name"],
                "Target": dest,
                "ReadOnly": !m["RW"].as_bool().unwrap_or(true),
            }));
        }
    }
    if !mounts.is_empty() {
        host_obj.insert("Mounts".to_owned(), Value::Array(mounts));
    }
    obj.insert("HostConfig".to_owned(), host);

    let short_id: String = inspect["Id"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .take(12)
        .collect();
    let mut networks: Vec<(String, Value)> = inspect["NetworkSettings"]["Networks"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, ep)| {
            let aliases: Vec<Value> = ep["Aliases"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|a| a.as_str() != Some(short_id.as_str()))
                .cloned()
                .collect();
            let endpoint = json!({
                "Aliases": aliases,
                "IPAMConfig": ep["IPAMConfig"],
                "Links": ep["Links"],
                "DriverOpts": ep["DriverOpts"],
            });
            (name.clone(), endpoint)
        })
        .collect();
    let mode = inspect["HostConfig"]["NetworkMode"]
        .as_str()
        .unwrap_or_default();
    // The network named by NetworkMode is joined at create; the rest after.
    let first = networks.iter().position(|(n, _)| n == mode);
    if let Some(i) = first {
        let (name, ep) = networks.remove(i);
        obj.insert(
            "NetworkingConfig".to_owned(),
            json!({"EndpointsConfig": {name: ep}}),
        );
    }
    let body: ContainerCreateBody =
        serde_json::from_value(body).map_err(|e| format!("cannot copy the configuration: {e}"))?;
    Ok((body, networks))
}

/// The `docker run` line equivalent to the copy, for the plan.
pub fn docker_run_line(inspect: &Value, cap_drop: &[String]) -> String {
    let mut line = vec!["docker run -d".to_owned()];
    let name = inspect["Name"]
        .as_str()
        .unwrap_or_default()
        .trim_start_matches('/');
    line.push(format!("--name {name}"));
    let host = &inspect["HostConfig"];
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect()
    };
    if host["Privileged"].as_bool() == Some(true) {
        line.push("--privileged".to_owned());
    }
    line.extend(
        strings(&host["CapAdd"])
            .iter()
            .map(|c| format!("--cap-add {c}")),
    );
    line.extend(cap_drop.iter().map(|c| format!("--cap-drop {c}")));
    if let Some(user) = inspect["Config"]["User"].as_str().filter(|u| !u.is_empty()) {
        line.push(format!("--user {user}"));
    }
    line.extend(strings(&host["Binds"]).iter().map(|b| format!("-v {b}")));
    if let Some(mode) = host["NetworkMode"]
        .as_str()
        .filter(|m| !m.is_empty() && *m != "default")
    {
        line.push(format!("--network {mode}"));
    }
    if let Some(policy) = host["RestartPolicy"]["Name"]
        .as_str()
        .filter(|p| !p.is_empty() && *p != "no")
    {
        line.push(format!("--restart {policy}"));
    }
    line.extend(
        strings(&host["SecurityOpt"])
            .iter()
            .map(|o| format!("--security-opt {o}")),
    );
    line.push("...".to_owned());
    line.push(
        inspect["Config"]["Image"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    );
    line.join(" ")
}

fn err(e: bollard::errors::Error) -> String {
    e.to_string()
}

/// Fetch one container's inspect document as JSON.
pub async fn inspect(docker: &Docker, id: &str) -> Result<Option<Value>, String> {
    match docker.inspect_container(id, None).await {
        Ok(doc) => serde_json::to_value(doc)
            .map(Some)
            .map_err(|e| e.to_string()),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(None),
        Err(e) => Err(err(e)),
    }
}

/// Stop (if running), disable restart and rename the original to its backup name.
pub async fn retire_original(docker: &Docker, id: &str, backup_name: &str) -> Result<(), String> {
    let stop = StopContainerOptionsBuilder::default()
        .t(STOP_TIMEOUT)
        .build();
    match docker.stop_container(id, Some(stop)).await {
        Ok(())
        | Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 304, ..
        }) => {}
        Err(e) => return Err(format!("stop: {}", err(e))),
    }
    set_restart_policy(docker, id, &json!({"Name": "no", "MaximumRetryCount": 0})).await?;
    rename(docker, id, backup_name).await
}

/// Create the copy under `name` and connect its other networks; returns its id.
pub async fn create_copy(
    docker: &Docker,
    name: &str,
    body: ContainerCreateBody,
    networks: &[(String, Value)],
) -> Result<String, String> {
    let options = CreateContainerOptionsBuilder::default().name(name).build();
    let created = docker
        .create_container(Some(options), body)
        .await
        .map_err(|e| format!("create: {}", err(e)))?;
    for (network, endpoint) in networks {
        let request: NetworkConnectRequest = serde_json::from_value(json!({
            "Container": created.id,
            "EndpointConfig": endpoint,
        }))
        .map_err(|e| e.to_string())?;
        docker
            .connect_network(network, request)
            .await
            .map_err(|e| format!("connect {network}: {}", err(e)))?;
    }
    Ok(created.id)
}

/// Start a container.
pub async fn start(docker: &Docker, id: &str) -> Result<(), String> {
    match docker.start_container(id, None).await {
        Ok(())
        | Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 304, ..
        }) => Ok(()),
        Err(e) => Err(format!("start: {}", err(e))),
    }
}

/// Rename a container.
pub async fn rename(docker: &Docker, id: &str, name: &str) -> Result<(), String> {
    let options = RenameContainerOptionsBuilder::default().name(name).build();
    docker
        .rename_container(id, options)
        .await
        .map_err(|e| format!("rename to {name}: {}", err(e)))
}

/// Force-remove a container.
pub async fn remove(docker: &Docker, id: &str) -> Result<(), String> {
    let options = RemoveContainerOptionsBuilder::default().force(true).build();
    docker
        .remove_container(id, Some(options))
        .await
        .map_err(|e| format!("remove: {}", err(e)))
}

/// Set a container's restart policy (JSON as in `HostConfig.RestartPolicy`).
pub async fn set_restart_policy(docker: &Docker, id: &str, policy: &Value) -> Result<(), String> {
    let mut policy = policy.clone();
    if policy["Name"].as_str().is_none_or(str::is_empty) {
        policy = json!({"Name": "no", "MaximumRetryCount": 0});
    }
    let body: ContainerUpdateBody =
        serde_json::from_value(json!({"RestartPolicy": policy})).map_err(|e| e.to_string())?;
    docker
        .update_container(id, body)
        .await
        .map_err(|e| format!("update restart policy: {}", err(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rstest::rstest]
    #[case::adds_a_drop(&[], &["NET_RAW"], Some(vec!["NET_RAW"]))]
    #[case::keeps_existing(&["CAP_CHOWN"], &["net_raw"], Some(vec!["CHOWN", "NET_RAW"]))]
    #[case::already_dropped(&["CAP_NET_RAW"], &["NET_RAW"], None)]
    fn cap_drop_only_grows(
        #[case] current: &[&str],
        #[case] extra: &[&str],
        #[case] expected: Option<Vec<&str>>,
    ) {
        let current: Vec<String> = current.iter().map(|s| s.to_string()).collect();
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        let got = tightened_cap_drop(&current, &extra).unwrap();
        assert_eq!(
            got,
            expected.map(|v| v.into_iter().map(String::from).collect::<Vec<_>>())
        );
    }

    #[test]
    fn unknown_capabilities_are_refused() {
        assert!(tightened_cap_drop(&[], &["NET_RAWR".into()]).is_err());
    }

    #[test]
    fn the_copy_keeps_configuration_and_volumes() {
        let inspect = json!({
            "Id": "0123456789abcdef",
            "Name": "/web",
            "Config": {"Image": "img:1", "Env": ["A=1"], "Labels": {"x": "y"}, "User": "1000"},
            "HostConfig": {"CapAdd": ["NET_ADMIN"], "CapDrop": null, "Binds": ["/srv:/data:ro"],
                           "NetworkMode": "appnet", "RestartPolicy": {"Name": "always"}},
            "Mounts": [
                {"Type": "bind", "Source": "/srv", "Destination": "/data", "RW": false},
                {"Type": "volume", "Name": "abc123", "Destination": "/var/lib/x", "RW": true}
            ],
            "NetworkSettings": {"Networks": {
                "appnet": {"Aliases": ["0123456789ab", "web"]},
                "other": {"Aliases": null}
            }}
        });
        let (body, later) = copy_body(&inspect, &["NET_RAW".to_owned()]).unwrap();
        let v = serde_json::to_value(&body).unwrap();
        assert_eq!(v["Image"], "img:1");
        assert_eq!(v["User"], "1000");
        assert_eq!(v["Env"], json!(["A=1"]));
        assert_eq!(v["HostConfig"]["CapAdd"], json!(["NET_ADMIN"]));
        assert_eq!(v["HostConfig"]["CapDrop"], json!(["NET_RAW"]));
        assert_eq!(v["HostConfig"]["Binds"], json!(["/srv:/data:ro"]));
        let mounts = v["HostConfig"]["Mounts"].as_array().unwrap();
        assert_eq!(
            mounts.len(),
            1,
            "the anonymous volume is carried over, the bind is not doubled"
        );
        assert_eq!(mounts[0]["Source"], "abc123");
        assert_eq!(
            v["NetworkingConfig"]["EndpointsConfig"]["appnet"]["Aliases"],
            json!(["web"])
        );
        assert_eq!(later.len(), 1);
        assert_eq!(later[0].0, "other");
        let line = docker_run_line(&inspect, &["NET_RAW".to_owned()]);
        assert!(
            line.contains("--cap-drop NET_RAW") && line.contains("--name web"),
            "{line}"
        );
    }
}
