//! # `daemon-no-insecure-registries`: CIS Docker Benchmark v1.6.0 2.5
//!
//! ### What it checks
//! The insecure registries configured for every dockerd: each `--insecure-registry`
//! (either flag form; the flag repeats) on its command line, else the `"insecure-registries"`
//! list in its configuration file. Any entry fails. `docker info` always lists `127.0.0.0/8`
//! as insecure (dockerd adds it by itself), so it is not used here; the configuration is.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Remove the flags and the `"insecure-registries"` key, give the registry a valid
//! certificate (or install its CA in `/etc/docker/certs.d/<registry>/ca.crt`), restart
//! dockerd.
//!
//! ### Example
//! `dockerd --insecure-registry registry.lan:5000` fails: `dockerd (pid 812): trusts
//! insecure registries: registry.lan:5000`.

use bulkhead_sdk::options::{DaemonOption, Fallback, Kind, OptionRule, Verdict};

/// `--insecure-registry` (repeatable) / `"insecure-registries"`.
pub const INSECURE_REGISTRIES: DaemonOption = DaemonOption {
    flag: "insecure-registry",
    key: "insecure-registries",
    kind: Kind::List,
    default: Fallback::Empty,
};

bulkhead_sdk::option_control! {
    id: "daemon-no-insecure-registries",
    cis: "2.5",
    title: "The Docker daemon uses no insecure registries",
    description: "dockerd must not be configured with insecure registries (`--insecure-registry`, repeatable, or `\"insecure-registries\"` in daemon.json). dockerd's own implicit trust of 127.0.0.0/8 is not a configured registry and does not fail.",
    rationale: "An insecure registry is reached over plain HTTP or with unverified TLS: anyone on the path can swap the images this host pulls and runs.",
    remediation: "Remove every --insecure-registry flag and the \"insecure-registries\" key, give those registries valid TLS certificates (or a CA under /etc/docker/certs.d/<registry>/), and restart dockerd.",
    severity: High,
    rule: OptionRule {
        option: INSECURE_REGISTRIES,
        info: None,
        judge: |registries, _| match registries.value.as_list() {
            [] => Verdict::pass("no insecure registry is configured"),
            list => Verdict::fail(format!("trusts insecure registries: {}", list.join(", "))),
        },
        fix: "remove every --insecure-registry flag and the \"insecure-registries\" key",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::default("dockerd", "{}", Status::Pass)]
    #[case::empty_list("dockerd", r#"{"insecure-registries": []}"#, Status::Pass)]
    #[case::flag("dockerd --insecure-registry r:5000", "{}", Status::Fail)]
    #[case::flag_equals("dockerd --insecure-registry=10.0.0.0/8", "{}", Status::Fail)]
    #[case::file("dockerd", r#"{"insecure-registries": ["r:5000"]}"#, Status::Fail)]
    fn judges_registries(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }
}
