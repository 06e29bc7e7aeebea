//! # `container-host-devices-reviewed`: CIS Docker Benchmark v1.6.0 5.18
//!
//! ### What it checks
//! Shows, per container, the host devices passed to it (`HostConfig.Devices`, `--device`,
//! with their `rwm` permissions), its device cgroup rules (`--device-cgroup-rule`) and
//! whether it is privileged (all devices), for a person to confirm each is needed.
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
//! Recreate containers with only the devices they need, with the narrowest permissions
//! (`--device /dev/x:/dev/x:r`), and never `--privileged` for device access. Nothing is
//! changed automatically: this is a manual item.
//!
//! ### Example
//! A container created with `docker create --name disk --device /dev/sda:/dev/xvda:rwm
//! busybox` yields
//!
//! ```text
//! info  container:disk
//!       container disk has host devices /dev/sda:/dev/xvda:rwm; check each is needed, with the narrowest permissions
//!       devices=/dev/sda:/dev/xvda:rwm device-cgroup-rules= privileged=false state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-host-devices-reviewed",
    cis: "5.18 (manual)",
    title: "Host devices exposed to containers (manual review)",
    description: "Shows, per container, the host devices passed to it (`HostConfig.Devices`, `--device`, with their `rwm` permissions), its device cgroup rules (`--device-cgroup-rule`) and whether it is privileged (all devices), for a person to confirm each is needed.",
    rationale: "A host device in a container (a disk, `/dev/mem`, a GPU, a TTY) is direct access to host hardware and kernel drivers, outside the namespaces; with `w` or `m` permission it can change the host.",
    remediation: "Recreate containers with only the devices they need, with the narrowest permissions (`--device /dev/x:/dev/x:r`), and never `--privileged` for device access.",
    severity: Info,
    fix: "with only the devices it needs (--device <host>:<container>:r)",
    judge: judge,
}

/// Always `info`, with the devices.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let devices: Vec<String> = doc
        .items("/HostConfig/Devices")
        .iter()
        .map(|d| {
            let field = |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or_default();
            format!(
                "{}:{}:{}",
                field("PathOnHost"),
                field("PathInContainer"),
                field("CgroupPermissions")
            )
        })
        .collect();
    let rules = doc.strings("/HostConfig/DeviceCgroupRules");
    let privileged = doc.bool("/HostConfig/Privileged");
    let message = if privileged {
        format!(
            "container {name} is privileged: it has every host device; check that is needed (see 5.5)"
        )
    } else if devices.is_empty() && rules.is_empty() {
        format!("container {name} has no host devices")
    } else {
        format!(
            "container {name} has host devices {}{}; check each is needed, with the narrowest permissions",
            devices.join(", "),
            if rules.is_empty() {
                String::new()
            } else {
                format!(" and device cgroup rules {}", rules.join(", "))
            }
        )
    };
    Finding::info(doc.target(), message)
        .with_evidence("devices", devices.join(","))
        .with_evidence("device-cgroup-rules", rules.join(","))
        .with_evidence("privileged", privileged.to_string())
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::runtime::inspected;

    bulkhead_sdk::container_control_tests! {
        fix: "with only the devices it needs (--device <host>:<container>:r)",
        judges: {
            device: (r#"{"Name":"/w","HostConfig":{"Devices":[{"PathOnHost":"/dev/sda","PathInContainer":"/dev/xvda","CgroupPermissions":"rwm"}]}}"#, "null") => Info,
            none: (r#"{"Name":"/w","HostConfig":{"Devices":[]}}"#, "null") => Info,
        },
    }

    #[test]
    fn shows_devices_and_privilege() {
        let doc = r#"{"Name":"/w","HostConfig":{"Devices":[{"PathOnHost":"/dev/sda","PathInContainer":"/dev/xvda","CgroupPermissions":"rwm"}]}}"#;
        let got = super::judge(&inspected(doc, "null"));
        assert_eq!(got.evidence("devices"), Some("/dev/sda:/dev/xvda:rwm"));
        let got = super::judge(&inspected(
            r#"{"Name":"/w","HostConfig":{"Privileged":true}}"#,
            "null",
        ));
        assert!(got.message.contains("every host device"), "{}", got.message);
    }
}
