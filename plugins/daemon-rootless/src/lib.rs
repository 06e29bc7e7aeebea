//! # `daemon-rootless`: CIS Docker Benchmark v1.6.0 2.1
//!
//! ### What it checks
//! Manual item. For every dockerd, the fact a person needs: whether it runs rootless,
//! from `docker info` (`name=rootless` in `SecurityOptions`) when exactly one dockerd runs and
//! answers, else the `--rootless` flag / `"rootless"` key (dockerd's default: not rootless).
//! The finding is always `info` with what to look at: whether the workloads here could run
//! under rootless Docker (no privileged containers, no low ports without `setcap`, a supported
//! storage driver, cgroup v2 for resource limits).
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Where the workloads allow it, `dockerd-rootless-setuptool.sh install` as the service user
//! and move the workloads over; record the decision either way.
//!
//! ### Example
//! This host's default daemon yields `info  host  dockerd (pid 812): runs as root (not
//! rootless): check whether its workloads can run under rootless Docker`, with evidence
//! `rootless = false`, `source = docker info (SecurityOptions) of dockerd (pid 812)`.

use bulkhead_sdk::options::{
    DaemonOption, Fallback, InfoField, Kind, OptionRule, Value, Verdict, security_option,
};

/// `--rootless` / `"rootless"` (set by the rootless setup tool).
pub const ROOTLESS: DaemonOption = DaemonOption {
    flag: "rootless",
    key: "rootless",
    kind: Kind::Bool,
    default: Fallback::Bool(false),
};

bulkhead_sdk::option_control! {
    id: "daemon-rootless",
    cis: "2.1 (manual)",
    title: "Run the Docker daemon as a non-root user, if possible (manual)",
    description: "Manual item: reports whether each dockerd runs rootless (docker info SecurityOptions name=rootless when exactly one dockerd runs and answers, else --rootless / \"rootless\" in daemon.json) so a person can decide whether rootless Docker fits this host. Always info, never a pass.",
    rationale: "A rootless daemon and its containers run without root on the host, so a daemon or container escape does not give root.",
    remediation: "Where the workloads allow it (no privileged containers, no ports below 1024 without setcap, supported storage), install rootless Docker with dockerd-rootless-setuptool.sh install and move workloads to it.",
    severity: Info,
    rule: OptionRule {
        option: ROOTLESS,
        info: Some(InfoField {
            field: "SecurityOptions",
            read: |info| {
                info["SecurityOptions"]
                    .is_array()
                    .then(|| Value::Bool(security_option(info, "rootless").is_some()))
            },
        }),
        judge: |rootless, _| match rootless.value.as_bool() {
            Some(true) => Verdict::info(
                "runs rootless: confirm the workloads work within its limits (no privileged containers, low ports, cgroup v2 limits)",
            ),
            _ => Verdict::info(
                "runs as root (not rootless): check whether its workloads can run under rootless Docker (dockerd-rootless-setuptool.sh) and record the decision",
            ),
        },
        fix: "install rootless Docker (dockerd-rootless-setuptool.sh install) where the workloads allow it",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_answering, dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::rootful("dockerd", "{}", "false")]
    #[case::rootless("dockerd --rootless", "{}", "true")]
    fn always_info_with_the_fact(#[case] line: &str, #[case] json: &str, #[case] rootless: &str) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, Status::Info, "{got:?}");
        assert_eq!(got.evidence("rootless"), Some(rootless));
    }

    #[test]
    fn docker_info_tells_a_rootless_daemon() {
        let host = dockerd_answering(
            r#"{"SecurityOptions": ["name=seccomp,profile=default", "name=rootless"]}"#,
        );
        let got = one(super::audit(&host));
        assert_eq!(got.status, Status::Info);
        assert_eq!(got.evidence("rootless"), Some("true"));
    }
}
