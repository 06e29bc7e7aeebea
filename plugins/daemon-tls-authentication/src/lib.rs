//! # `daemon-tls-authentication`: CIS Docker Benchmark v1.6.0 2.7
//!
//! ### What it checks
//! Every dockerd's listeners: `-H`/`--host` (repeatable, any flag form) on its command line,
//! else `"hosts"` in its configuration file. If one is TCP (`tcp://...`, or `host:port` without
//! a scheme, which dockerd reads as TCP), `tlsverify` must be on; the CA, certificate and key in
//! use are shown (`--tlscacert`/`"tlscacert"` etc., or dockerd's defaults under `~/.docker`
//! when unset). `tls` without `tlsverify` encrypts but accepts any client, so it fails.
//! Without a TCP listener the item does not apply (`skip`); with `fd://` the systemd socket
//! unit decides the listeners, which the evidence points out.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Use `--tlsverify` with `--tlscacert`, `--tlscert` and `--tlskey` (or the same keys in
//! `daemon.json`), hand clients certificates signed by that CA, and restart dockerd; or stop
//! listening on TCP.
//!
//! ### Example
//! `dockerd -H tcp://0.0.0.0:2375` fails: `dockerd (pid 812): listens on tcp://0.0.0.0:2375
//! without TLS: anyone who reaches the port controls the daemon`.

use bulkhead_sdk::options::{DaemonOption, Fallback, Kind, OptionRule, Verdict};

/// `--tlsverify` / `"tlsverify"`.
pub const TLSVERIFY: DaemonOption = DaemonOption {
    flag: "tlsverify",
    key: "tlsverify",
    kind: Kind::Bool,
    default: Fallback::Bool(false),
};

/// `--tls` / `"tls"`: encryption without client verification.
pub const TLS: DaemonOption = DaemonOption {
    flag: "tls",
    key: "tls",
    kind: Kind::Bool,
    default: Fallback::Bool(false),
};

/// `-H`/`--host` (repeatable) / `"hosts"`.
pub const HOSTS: DaemonOption = DaemonOption {
    flag: "host",
    key: "hosts",
    kind: Kind::List,
    default: Fallback::Empty,
};

/// The files of a verifying daemon: (option, dockerd's default when unset).
pub const FILES: [(DaemonOption, &str); 3] = [
    (text("tlscacert"), "~/.docker/ca.pem"),
    (text("tlscert"), "~/.docker/cert.pem"),
    (text("tlskey"), "~/.docker/key.pem"),
];

const fn text(name: &'static str) -> DaemonOption {
    DaemonOption {
        flag: name,
        key: name,
        kind: Kind::Text,
        default: Fallback::Text(""),
    }
}

/// Whether a `-H` value is a TCP listener (`tcp://`, or `host:port` without a scheme).
pub fn is_tcp(host: &str) -> bool {
    host.starts_with("tcp://") || (!host.contains("://") && host.contains(':'))
}

bulkhead_sdk::option_control! {
    id: "daemon-tls-authentication",
    cis: "2.7",
    title: "A Docker daemon listening on TCP authenticates clients with TLS",
    description: "When dockerd listens on TCP (`-H`/`--host tcp://...` or a bare host:port, or `\"hosts\"` in daemon.json), it must verify client certificates: tlsverify on, with the CA, certificate and key it uses (`--tlscacert`, `--tlscert`, `--tlskey`, or dockerd's defaults in ~/.docker). Skips when the daemon listens on no TCP socket.",
    rationale: "The Docker API is root on the host. On TCP without client-certificate verification, anyone who can reach the port controls every container and the host.",
    remediation: "Start dockerd with --tlsverify --tlscacert=ca.pem --tlscert=server-cert.pem --tlskey=server-key.pem (or \"tlsverify\": true and the three paths in daemon.json), or stop listening on TCP.",
    severity: Critical,
    rule: OptionRule {
        option: TLSVERIFY,
        info: None,
        judge: |verify, ctx| {
            let hosts = match ctx.get(&HOSTS) {
                Ok(hosts) => hosts,
                Err(why) => return Verdict::error(why),
            };
            let listeners = hosts.value.as_list();
            let tcp: Vec<&str> = listeners
                .iter()
                .map(String::as_str)
                .filter(|h| is_tcp(h))
                .collect();
            if tcp.is_empty() {
                let on = if listeners.is_empty() {
                    "only dockerd's default unix:///var/run/docker.sock".to_owned()
                } else {
                    listeners.join(", ")
                };
                let mut verdict = Verdict::skip(format!(
                    "listens on no TCP socket ({on}), so TLS client authentication does not apply"
                ))
                .with("hosts", hosts.origin);
                if listeners.iter().any(|h| h.starts_with("fd://")) {
                    verdict = verdict.with(
                        "note",
                        "fd://: the systemd socket unit (docker.socket) decides the listeners; check it has no TCP ListenStream",
                    );
                }
                return verdict;
            }
            let tcp = tcp.join(", ");
            if verify.value.as_bool() != Some(true) {
                return match ctx.get(&TLS) {
                    Ok(tls) if tls.value.as_bool() == Some(true) => Verdict::fail(format!(
                        "listens on {tcp} with TLS but does not verify client certificates (no tlsverify): any client may connect"
                    )),
                    Ok(_) => Verdict::fail(format!(
                        "listens on {tcp} without TLS: anyone who reaches the port controls the daemon"
                    )),
                    Err(why) => Verdict::error(why),
                }
                .with("hosts", hosts.origin);
            }
            let mut verdict = Verdict::pass(format!(
                "listens on {tcp} and verifies client certificates (tlsverify)"
            ))
            .with("hosts", hosts.origin);
            for (option, default) in FILES {
                let shown = match ctx.get(&option) {
                    Ok(set) if !set.value.as_text().unwrap_or_default().is_empty() => {
                        format!("{} ({})", set.value, set.origin)
                    }
                    Ok(_) => format!("{default} of dockerd's user (dockerd's default)"),
                    Err(why) => return Verdict::error(why),
                };
                verdict = verdict.with(option.key, shown);
            }
            verdict
        },
        fix: "start dockerd with --tlsverify --tlscacert <ca.pem> --tlscert <cert.pem> --tlskey <key.pem> (or \"tlsverify\": true and the three paths in daemon.json), or stop listening on TCP",
    },
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{dockerd_host, one};
    use rstest::rstest;

    #[rstest]
    #[case::verified(
        "dockerd -H tcp://0.0.0.0:2376 --tlsverify --tlscacert /c --tlscert /e --tlskey /k",
        "{}",
        Status::Pass
    )]
    #[case::verified_in_file(
        "dockerd",
        r#"{"hosts": ["tcp://0.0.0.0:2376"], "tlsverify": true, "tlscacert": "/c"}"#,
        Status::Pass
    )]
    #[case::plain_tcp("dockerd -H tcp://0.0.0.0:2375", "{}", Status::Fail)]
    #[case::bare_address("dockerd --host=0.0.0.0:2375", "{}", Status::Fail)]
    #[case::tls_only("dockerd -H unix:///r.sock -H tcp://0:2376 --tls", "{}", Status::Fail)]
    #[case::verify_off("dockerd -Htcp://0:2376 --tlsverify=false", "{}", Status::Fail)]
    #[case::unix_only("dockerd -H unix:///var/run/docker.sock", "{}", Status::Skip)]
    #[case::socket_activated("dockerd -H fd://", "{}", Status::Skip)]
    fn judges_tcp_listeners(#[case] line: &str, #[case] json: &str, #[case] want: Status) {
        let got = one(super::audit(&dockerd_host(line, json)));
        assert_eq!(got.status, want, "{got:?}");
    }

    #[test]
    fn names_the_files_in_use() {
        let got = one(super::audit(&dockerd_host(
            "dockerd -H tcp://0:2376 --tlsverify --tlskey=/k.pem",
            "{}",
        )));
        assert!(
            got.evidence("tlskey")
                .unwrap()
                .starts_with("/k.pem (--tlskey"),
            "{got:?}"
        );
        assert!(
            got.evidence("tlscacert")
                .unwrap()
                .contains("dockerd's default"),
            "{got:?}"
        );
    }
}
