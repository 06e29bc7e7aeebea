//! Where dockerd and the registries take their private keys from.
//!
//! Sources, in report order: for every daemon, `--tlskey` on its command line or `tlskey` in
//! its configuration file; failing both, when TLS is on, dockerd's default
//! `/root/.docker/key.pem`; then every `*.key` / `*-key.pem` in `/etc/docker/certs.d/<registry>/`.
//! Keys are deduplicated by the path they resolve to, keeping every place that names them.

use bulkhead_sdk::daemon::{Daemon, absolute_from_root};
use bulkhead_sdk::dockerd::unquote;
use bulkhead_sdk::{
    DEFAULT_CONFIG_FILE, Error, Facts, FileKind, Finding, Target, describe_error, scan_daemons,
};

/// dockerd's key when TLS is on and no `tlskey` is set: `~/.docker/key.pem` of the daemon's
/// user, root.
pub const DEFAULT_KEY: &str = "/root/.docker/key.pem";

/// Where registry client certificates and keys live, one directory per registry.
pub const CERTS_D: &str = "/etc/docker/certs.d";

/// What a key is for, which words the findings use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `--tlskey` / `tlskey`: the daemon's TLS server key.
    Daemon,
    /// No key configured while TLS is on: dockerd's default key.
    DaemonDefault,
    /// A registry client key in `certs.d`.
    Registry,
}

impl Role {
    /// The noun a message opens with.
    pub fn noun(self) -> &'static str {
        match self {
            Role::Daemon => "TLS key",
            Role::DaemonDefault => "default TLS key",
            Role::Registry => "registry key",
        }
    }
}

/// One key file to judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// The path as first configured or found (the finding's target).
    pub path: String,
    /// What the file resolves to, or why it does not.
    pub resolved: Result<String, Error>,
    /// What it is for (from where it was first named).
    pub role: Role,
    /// Every place that names it.
    pub origins: Vec<String>,
}

/// Every key to judge, plus `error` findings for sources that could not be read.
#[derive(Debug, Default)]
pub struct Discovery {
    /// The keys, deduplicated by resolved path, in the order first named.
    pub keys: Vec<Key>,
    /// Problems with the sources themselves (unreadable or invalid configuration, ...).
    pub problems: Vec<Finding>,
}

impl Discovery {
    fn add(&mut self, facts: &impl Facts, path: String, role: Role, origin: String) {
        let resolved = facts.resolve(&path);
        let same = |key: &Key| match (&key.resolved, &resolved) {
            (Ok(a), Ok(b)) => a == b,
            _ => key.path == path,
        };
        match self.keys.iter_mut().find(|key| same(key)) {
            Some(key) if !key.origins.contains(&origin) => key.origins.push(origin),
            Some(_) => {}
            None => self.keys.push(Key {
                path,
                resolved,
                role,
                origins: vec![origin],
            }),
        }
    }

    fn problem(&mut self, finding: Finding) {
        if !self.problems.iter().any(|p| p.target == finding.target) {
            self.problems.push(finding);
        }
    }
}

/// Find every key (see the module doc).
pub fn discover(facts: &impl Facts) -> Discovery {
    let mut found = Discovery::default();
    let scan = scan_daemons(facts);
    if let Some(err) = &scan.process_error {
        found.problem(Finding::error(
            Target::Host,
            format!(
                "cannot list running dockerd processes ({}); only {DEFAULT_CONFIG_FILE} was read",
                describe_error(err)
            ),
        ));
    }
    for daemon in &scan.daemons {
        daemon_key(facts, daemon, &mut found);
    }
    registry_keys(facts, &mut found);
    found
}

fn daemon_key(facts: &impl Facts, daemon: &Daemon, found: &mut Discovery) {
    if let Some(problem) = daemon.config_problem() {
        found.problem(Finding::error(Target::file(&daemon.config_file), problem));
    }
    let configured = daemon
        .string("tlskey", "tlskey")
        .filter(|s| !unquote(&s.value).is_empty());
    if let Some(setting) = configured {
        let path = absolute_from_root(unquote(&setting.value));
        found.add(facts, path, Role::Daemon, setting.origin);
        return;
    }
    let tls_on = ["tlsverify", "tls"]
        .iter()
        .filter_map(|name| daemon.bool(name, name))
        .find(|setting| setting.value);
    if let Some(tls) = tls_on {
        let origin = format!(
            "dockerd's default key (~/.docker/key.pem of root): TLS is on ({}) and no tlskey is set",
            tls.origin
        );
        found.add(facts, DEFAULT_KEY.to_owned(), Role::DaemonDefault, origin);
    }
}

fn registry_keys(facts: &impl Facts, found: &mut Discovery) {
    let registries = match facts.read_dir(CERTS_D) {
        Ok(names) => names,
        Err(Error::NotFound) => return,
        Err(err) => {
            let why = format!("cannot list {CERTS_D}: {}", describe_error(&err));
            found.problem(Finding::error(Target::file(CERTS_D), why));
            return;
        }
    };
    for registry in registries {
        let dir = format!("{CERTS_D}/{registry}");
        if !matches!(facts.stat(&dir), Ok(info) if info.kind == FileKind::Directory) {
            continue; // a stray file, or a link to nowhere: not a registry directory
        }
        let names = match facts.read_dir(&dir) {
            Ok(names) => names,
            Err(err) => {
                let why = format!("cannot list {dir}: {}", describe_error(&err));
                found.problem(Finding::error(Target::file(&dir), why));
                continue;
            }
        };
        for name in names.iter().filter(|n| is_private_key_name(n)) {
            let origin = format!("client key of registry {registry} in {CERTS_D}");
            found.add(facts, format!("{dir}/{name}"), Role::Registry, origin);
        }
    }
}

/// Whether a file name in a `certs.d/<registry>/` directory names a private key.
pub fn is_private_key_name(name: &str) -> bool {
    name.ends_with(".key") || name.ends_with("-key.pem")
}
