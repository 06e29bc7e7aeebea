//! # `example-daemon-json-present`
//!
//! An example of a third-party bulkhead control, built outside bulkhead's workspace against
//! the published WIT through `bulkhead-sdk`. Copy it to start your own.
//!
//! ### What it checks
//! The configuration file of every running Docker daemon (`--config-file`, default
//! `/etc/docker/daemon.json`; the default one when no daemon runs) exists, is a regular file,
//! and is not world-writable.
//!
//! ### Why it matters
//! Without a `daemon.json`, the daemon's hardening lives only in flags that are easy to lose
//! in an upgrade. A world-writable one lets any local user reconfigure the daemon (for
//! example to listen on TCP without TLS), which is root on the host at the next restart.
//!
//! ### Remediation
//! Create the file (`{}` is valid), and `chmod o-w` it. `bulkhead fix --apply` removes the
//! world-write bit; it does not create files.
//!
//! ### Example
//! With `-rw-rw-rw- root root /etc/docker/daemon.json` the control yields
//!
//! ```text
//! fail  file:/etc/docker/daemon.json
//!       /etc/docker/daemon.json is world-writable (mode 0666); run chmod o-w /etc/docker/daemon.json
//!       mode=0666 uid=0 gid=0
//! ```

use bulkhead_sdk::{
    Admin, ControlMetadata, Error, Facts, FileKind, Finding, Guest, Host, Severity, Target,
    describe_error, format_mode, scan_daemons,
};

/// The permission bit this control forbids: write by others.
const WORLD_WRITE: u32 = 0o002;

/// What this control is. Must not call any import.
pub fn metadata() -> ControlMetadata {
    ControlMetadata {
        id: "example-daemon-json-present".to_owned(),
        title: "daemon.json exists and is not world-writable".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        description: "The Docker daemon's configuration file exists, is a regular file, and \
            has no world-write bit."
            .to_owned(),
        rationale: "A world-writable daemon.json lets any local user reconfigure dockerd."
            .to_owned(),
        remediation: "Create /etc/docker/daemon.json ({} is valid) and chmod o-w it.".to_owned(),
        severity: Severity::Medium,
        references: vec!["example".to_owned()],
        items: Vec::new(),
        // bulkhead grants file reads only under these paths; `dockerd-config` adds the
        // daemon's configuration file wherever `--config-file` puts it.
        reads: vec!["/etc/docker".to_owned(), "dockerd-config".to_owned()],
    }
}

/// One finding per configuration file in use.
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    let mut files: Vec<String> = Vec::new();
    for daemon in scan_daemons(facts).daemons {
        if !files.contains(&daemon.config_file) {
            files.push(daemon.config_file);
        }
    }
    files.iter().map(|path| judge(facts, path)).collect()
}

fn judge(facts: &impl Facts, path: &str) -> Finding {
    let target = Target::file(path);
    match facts.stat(path) {
        Err(Error::NotFound) => Finding::fail(
            target,
            format!("{path} does not exist; dockerd runs on flags and defaults only"),
        ),
        Err(err) => Finding::error(
            target,
            format!("cannot check {path}: {}", describe_error(&err)),
        ),
        Ok(info) => {
            let mode = format_mode(info.mode);
            let finding = if info.kind != FileKind::File {
                Finding::fail(target, format!("{path} is not a regular file"))
            } else if info.mode & WORLD_WRITE != 0 {
                Finding::fail(
                    target,
                    format!("{path} is world-writable (mode {mode}); run chmod o-w {path}"),
                )
            } else {
                Finding::pass(target, format!("{path} exists and is not world-writable"))
            };
            finding
                .with_evidence("mode", mode)
                .with_evidence("uid", info.uid.to_string())
                .with_evidence("gid", info.gid.to_string())
        }
    }
}

/// Remove the world-write bit of the file named by a `file:` target.
pub fn remediate(host: &(impl Facts + Admin), target: Target) -> Result<(), Error> {
    let Target::File(path) = target else {
        return Err(Error::Invalid(format!(
            "only file: targets can be fixed, not {target}"
        )));
    };
    let info = host.stat(&path)?;
    if info.mode & WORLD_WRITE == 0 {
        return Ok(());
    }
    host.chmod(&path, info.mode & !WORLD_WRITE)
}

/// The component's exports: glue between the WIT and the functions above, over the real host.
pub struct Control;

impl Guest for Control {
    fn metadata() -> ControlMetadata {
        metadata()
    }

    fn audit() -> Vec<Finding> {
        audit(&Host)
    }

    fn remediate(target: Target) -> Result<(), Error> {
        remediate(&Host, target)
    }
}

bulkhead_sdk::export!(Control);

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::{AdminCall, FakeHost};

    const JSON: &str = "/etc/docker/daemon.json";

    fn status(host: &FakeHost) -> Vec<Status> {
        audit(host).into_iter().map(|f| f.status).collect()
    }

    #[test]
    fn passes_when_present_and_not_world_writable() {
        assert_eq!(
            status(&FakeHost::new().file(JSON, 0o644, "{}")),
            [Status::Pass]
        );
    }

    #[test]
    fn fails_when_world_writable() {
        let finding = audit(&FakeHost::new().file(JSON, 0o666, "{}")).remove(0);
        assert_eq!(finding.status, Status::Fail);
        assert_eq!(finding.evidence("mode"), Some("0666"));
    }

    #[test]
    fn fails_when_missing() {
        assert_eq!(status(&FakeHost::new()), [Status::Fail]);
    }

    #[test]
    fn follows_config_file_flag() {
        let host = FakeHost::new()
            .dockerd(1, "dockerd --config-file /etc/docker/custom.json")
            .file("/etc/docker/custom.json", 0o600, "{}");
        let finding = audit(&host).remove(0);
        assert_eq!(finding.target, Target::file("/etc/docker/custom.json"));
        assert_eq!(finding.status, Status::Pass);
    }

    #[test]
    fn error_when_denied() {
        assert_eq!(
            status(&FakeHost::new().fail(JSON, Error::Denied)),
            [Status::Error]
        );
    }

    #[test]
    fn remediation_removes_only_world_write() {
        let host = FakeHost::new().file(JSON, 0o666, "{}");
        assert_eq!(remediate(&host, Target::file(JSON)), Ok(()));
        assert_eq!(host.admin_calls(), [AdminCall::Chmod(JSON.into(), 0o664)]);
    }
}
