//! # `daemon-storage-driver-not-aufs`: CIS Docker Benchmark v1.6.0 2.6
//!
//! ### What it checks
//! The storage driver of every dockerd. When exactly one dockerd runs and the daemon answers
//! (with a matching data root), `Driver` from `docker info` is the driver really in use. Otherwise
//! the configuration: `--storage-driver`/`-s` (either form) or `"storage-driver"` in the
//! configuration file. `aufs` fails, any other driver passes. When neither says and docker info is
//! not usable, dockerd picks one at start and the control skips with the reason.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Set `"storage-driver": "overlay2"` and restart dockerd. Images and containers do not
//! carry over between drivers: export or rebuild them first.
//!
//! ### Example
//! `dockerd -s aufs` (daemon unreachable) fails: `dockerd (pid 812): uses the aufs storage
//! driver`, evidence `source = --storage-driver on the command line of dockerd (pid 812)`.

use bulkhead_sdk::options::{DaemonOption, Fallback, InfoField, Kind, OptionRule, Value, Verdict};

/// `--storage-driver` / `-s` / `"storage-driver"`; unset, dockerd picks one itself.
pub const STORAGE_DRIVER: DaemonOption = DaemonOption {
    flag: "storage-driver",
    key: "storage-driver",
    kind: Kind::Text,
    default: Fallback::Text(""),
};

bulkhead_sdk::option_control! {
    id: "daemon-storage-driver-not-aufs",
    cis: "2.6",
    title: "The Docker daemon does not use the aufs storage driver",
    description: "The storage driver dockerd uses must not be aufs. When exactly one dockerd runs and answers, its `docker info` Driver is the truth; otherwise `--storage-driver`/`-s` or `\"storage-driver\"` in daemon.json. With neither, dockerd picks a driver itself and the control skips unless docker info says which.",
    rationale: "aufs is unmaintained, not in mainline kernels, and has a history of kernel crashes and security bugs; Docker itself removed it.",
    remediation: "Set \"storage-driver\": \"overlay2\" in /etc/docker/daemon.json (or --storage-driver=overlay2), migrate images and containers (they do not carry over between drivers), restart dockerd.",
    severity: Medium,
    rule: OptionRule {
        option: STORAGE_DRIVER,
        info: Some(InfoField {
            field: "Driver",
            read: |info| info["Driver"].as_str().map(|d| Value::Text(d.to_owned())),
        }),
        judge: |driver, _| match driver.value.as_text().unwrap_or_default() {
            "aufs" => Verdict::fail("uses the aufs storage driver"),
            "" => Verdict::skip(
                "the storage driver is left to dockerd and docker info of this daemon is not available to tell which it picked",
            ),
            other => Verdict::pass(format!("uses the {other} storage driver, not aufs")),
        },
        fix: "set \"storage-driver\": \"overlay2\" in daemon.json (or --storage-driver=overlay2)",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_answering, dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::shorthand("dockerd -s aufs", "{}", Status::Fail)]
    #[case::file("dockerd", r#"{"storage-driver": "aufs"}"#, Status::Fail)]
    #[case::overlay("dockerd --storage-driver=overlay2", "{}", Status::Pass)]
    #[case::unknown("dockerd", "{}", Status::Skip)]
    fn judges_the_configured_driver(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }

    #[test]
    fn docker_info_tells_the_driver_in_use() {
        let host = dockerd_answering(r#"{"Driver": "aufs", "DockerRootDir": "/var/lib/docker"}"#);
        let got = one(super::audit(&host));
        assert_eq!(got.status, Status::Fail, "{got:?}");
        assert_eq!(
            got.evidence("source"),
            Some("docker info (Driver) of dockerd (pid 812)")
        );
    }
}
