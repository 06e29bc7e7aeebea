//! # `docker-tls-key-permissions`
//!
//! ### What it checks
//! The Docker daemon's TLS server key, and the registry client keys in
//! `/etc/docker/certs.d/<registry>/` (`*.key`, `*-key.pem`), must be mode `0400` or more
//! restrictive: no permission bit beyond owner-read (CIS Docker Benchmark v1.6.0 §3.14).
//!
//! The daemon key is taken from where dockerd really reads it, for every running `dockerd`:
//! `--tlskey PATH` / `--tlskey=PATH` on its command line, else `tlskey` in its configuration
//! file (`--config-file`, default `/etc/docker/daemon.json`); when no daemon runs, the default
//! configuration file is still read. If TLS is on (`--tls`, `--tlsverify`, or `tls` /
//! `tlsverify` in the file) and no key is set, dockerd uses `~/.docker/key.pem` of its user:
//! `/root/.docker/key.pem` is checked, and the finding says why. Symbolic links are followed
//! (inside the audited root) and the file they lead to is judged; keys named twice are
//! reported once.
//!
//! The control declares reads of `/etc/docker`, `/root/.docker` and the host-computed set
//! `dockerd-config` (the daemon's configuration files and every path they or its command line
//! name), so a key configured anywhere (`--tlskey /srv/tls/key.pem`) is readable while the
//! rest of the host is not. A read the host denies gives an `error` finding, never a pass.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! `chmod 400 <key>` (bulkhead: `fix --apply` does it through `file-admin.chmod`). No daemon
//! restart is needed for a mode change; `bulkhead rollback` restores the recorded mode.
//!
//! ### Example
//! With `dockerd --tlsverify --tlskey /etc/docker/tls/server-key.pem` and
//!
//! ```text
//! -rw-r--r-- 1 root root 1679 /etc/docker/tls/server-key.pem
//! ```
//!
//! the control yields
//!
//! ```text
//! fail  file:/etc/docker/tls/server-key.pem
//!       TLS key /etc/docker/tls/server-key.pem is mode 0644, more than owner read (0400);
//!       run chmod 400 /etc/docker/tls/server-key.pem
//!       mode=0644 uid=0 gid=0
//!       configured-by=--tlskey on the command line of dockerd (pid 812)
//! ```
//!
//! A key that is configured but missing, a directory, or a `daemon.json` that is not valid
//! JSON (an `error` finding: dockerd would not start with it either) never passes. With no key
//! configured and none found, the control reports one `skip` for `host`.

pub mod discover;
pub mod judge;

use bulkhead_sdk::{Admin, Error, Facts, FileKind, Finding, Target, mode_at_most};
use discover::{CERTS_D, DEFAULT_KEY, discover};
use judge::{ALLOWED_MODE, judge};

/// This control's id (its crate name).
pub const ID: &str = "docker-tls-key-permissions";

bulkhead_sdk::cis_control! {
    id: ID,
    title: "Docker TLS key files are mode 0400 or more restrictive",
    description: "The TLS key dockerd uses (--tlskey, tlskey in daemon.json, or the \
        default ~/.docker/key.pem when TLS is on) and the registry client keys in \
        /etc/docker/certs.d/<registry>/ must have no permission bit beyond owner read.",
    rationale: "A readable private key lets anyone on the host impersonate the Docker \
        daemon or this host's registry client, and attack the daemon's management channel.",
    remediation: "chmod 400 <key file>; no daemon restart is needed.",
    severity: High,
    cis: "3.14",
    // `dockerd-config`: the daemon's configuration files and the paths they name,
    // wherever they are (the key named by --tlskey or daemon.json).
    reads: ["/etc/docker", "/root/.docker", "dockerd-config"],
    remediate: |target| remediate(&bulkhead_sdk::Host, target),
}

/// Judge every key dockerd and the registries use (see the crate doc).
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    let found = discover(facts);
    let mut findings = found.problems;
    findings.extend(found.keys.iter().map(|key| judge(facts, key)));
    if findings.is_empty() {
        findings.push(Finding::skip(
            Target::Host,
            format!(
                "no TLS key configured for dockerd (no --tlskey, no tlskey in daemon.json, TLS \
                 off, so {DEFAULT_KEY} is unused) and no private keys in {CERTS_D}"
            ),
        ));
    }
    findings
}

/// `chmod 400` the key file named by a `file:` target (links followed). A key already at
/// 0400 or tighter is left alone (0000 must not become 0400).
pub fn remediate(host: &(impl Facts + Admin), target: Target) -> Result<(), Error> {
    let Target::File(path) = target else {
        return Err(Error::Invalid(format!(
            "{ID} only fixes file: targets, not {target}"
        )));
    };
    match host.stat(&path) {
        Ok(info) if info.kind == FileKind::Directory => Err(Error::Invalid(format!(
            "{path} is a directory; not changing its mode"
        ))),
        Ok(info) if mode_at_most(info.mode, ALLOWED_MODE) => Ok(()),
        Err(Error::NotFound) => Err(Error::NotFound),
        _ => host.chmod(&path, ALLOWED_MODE),
    }
}

#[cfg(test)]
mod tests;
