//! Finding a control's files.

use super::Located;
use crate::daemon::{absolute_from_root, scan_daemons};
use crate::facts::Facts;
use crate::{Error, describe_error};

/// Where systemd looks for unit files, most specific first: what the host searches
/// for `machine.unit-file`, and what a unit control declares it reads.
pub const UNIT_DIRS: [&str; 5] = [
    "/etc/systemd/system",
    "/run/systemd/system",
    "/usr/local/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
];

/// One path, if it exists.
pub fn path(facts: &impl Facts, path: &str, what: &str) -> Located {
    existing(facts, vec![path.to_owned()], what)
}

/// Where Docker keeps its data unless `--data-root` says otherwise.
pub const DEFAULT_DATA_ROOT: &str = "/var/lib/docker";
/// Where dockerd keeps its run-time state unless `--exec-root` says otherwise.
pub const DEFAULT_EXEC_ROOT: &str = "/var/run/docker";
/// Where a containerd installed on its own listens unless configured otherwise.
pub const SYSTEM_CONTAINERD_SOCKET: &str = "/run/containerd/containerd.sock";

/// The daemons' data directories, once each: for each daemon, `--data-root` or
/// `"data-root"` in its configuration, else [`DEFAULT_DATA_ROOT`]; and `DockerRootDir`
/// from `docker info`, the audited daemon's own answer, when that is none of them (a
/// rootless daemon's `~/.local/share/docker`, named on no command line). A control that
/// reads these declares the `dockerd-config` read set, which grants them.
pub fn data_roots(facts: &impl Facts) -> Vec<String> {
    let mut roots: Vec<String> = Vec::new();
    let mut add = |root: &str| {
        let root = trim_slash(root);
        if !roots.contains(&root) {
            roots.push(root);
        }
    };
    for daemon in scan_daemons(facts).daemons {
        match daemon.string("data-root", "data-root") {
            Some(set) => add(&absolute_from_root(&set.value)),
            None => add(DEFAULT_DATA_ROOT),
        }
    }
    let reported = facts
        .info()
        .ok()
        .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok())
        .and_then(|doc| doc["DockerRootDir"].as_str().map(str::to_owned))
        .filter(|dir| dir.starts_with('/'));
    if let Some(dir) = reported {
        add(&dir);
    }
    roots
}

/// The containerd socket each daemon talks to, once each: `--containerd` or
/// `"containerd"` in its configuration; else the system containerd's
/// [`SYSTEM_CONTAINERD_SOCKET`] when it exists (dockerd uses a running system containerd);
/// else the one dockerd starts itself, under its exec root
/// (`<exec-root>/containerd/containerd.sock`, exec root from `--exec-root` or
/// `"exec-root"`, default [`DEFAULT_EXEC_ROOT`]).
pub fn containerd_sockets(facts: &impl Facts) -> Vec<String> {
    let system = facts.lstat(SYSTEM_CONTAINERD_SOCKET).is_ok();
    let mut sockets: Vec<String> = Vec::new();
    for daemon in scan_daemons(facts).daemons {
        let socket = match daemon.string("containerd", "containerd") {
            Some(set) => {
                let value = set.value.strip_prefix("unix://").unwrap_or(&set.value);
                absolute_from_root(value)
            }
            None if system => SYSTEM_CONTAINERD_SOCKET.to_owned(),
            None => {
                let exec_root = daemon.string("exec-root", "exec-root").map_or_else(
                    || DEFAULT_EXEC_ROOT.to_owned(),
                    |set| absolute_from_root(&set.value),
                );
                format!("{}/containerd/containerd.sock", trim_slash(&exec_root))
            }
        };
        if !sockets.contains(&socket) {
            sockets.push(socket);
        }
    }
    sockets
}

/// `path` without trailing slashes (`/` stays `/`).
fn trim_slash(path: &str) -> String {
    match path.trim_end_matches('/') {
        "" => "/".to_owned(),
        trimmed => trimmed.to_owned(),
    }
}

/// Those of `paths` that exist: `Absent` naming them all when none does.
pub fn existing(facts: &impl Facts, paths: Vec<String>, what: &str) -> Located {
    let mut found = Vec::new();
    for path in &paths {
        match facts.lstat(path) {
            Ok(_) => found.push(path.clone()),
            Err(Error::NotFound) => {}
            Err(err) => {
                return Located::Failed(format!("cannot stat {path}: {}", describe_error(&err)));
            }
        }
    }
    if found.is_empty() {
        return Located::Absent(format!("{what} {} does not exist", paths.join(", ")));
    }
    Located::Paths(found)
}

/// The first of several candidate paths that exists.
pub fn first_of(facts: &impl Facts, paths: &[&str], what: &str) -> Located {
    for candidate in paths {
        match facts.lstat(candidate) {
            Ok(_) => return Located::Paths(vec![(*candidate).to_owned()]),
            Err(Error::NotFound) => {}
            Err(err) => {
                return Located::Failed(format!(
                    "cannot stat {candidate}: {}",
                    describe_error(&err)
                ));
            }
        }
    }
    Located::Absent(format!("no {what} ({})", paths.join(", ")))
}

/// The unit file systemd would use for `unit` (`docker.service`), as the host finds
/// it (`machine.unit-file`).
pub fn systemd_unit(facts: &impl Facts, unit: &str) -> Located {
    match facts.unit_file(unit) {
        Ok(Some(path)) => Located::Paths(vec![path]),
        Ok(None) => Located::Absent(format!(
            "no {unit} unit file in {} (Docker is not managed by systemd here)",
            UNIT_DIRS.join(", ")
        )),
        Err(err) => Located::Failed(format!(
            "cannot look up the {unit} unit file: {}",
            describe_error(&err)
        )),
    }
}

/// Every regular file directly in the subdirectories of `dir`
/// (`/etc/docker/certs.d/<registry>/<file>`).
pub fn files_in_subdirs(facts: &impl Facts, dir: &str, what: &str) -> Located {
    let subdirs = match facts.read_dir(dir) {
        Ok(names) => names,
        Err(Error::NotFound) => return Located::Absent(format!("{dir} does not exist")),
        Err(err) => {
            return Located::Failed(format!("cannot list {dir}: {}", describe_error(&err)));
        }
    };
    let mut paths = Vec::new();
    for sub in subdirs {
        let sub = format!("{dir}/{sub}");
        // Plain files directly in `dir` count too.
        match facts.read_dir(&sub) {
            Ok(names) => paths.extend(names.into_iter().map(|n| format!("{sub}/{n}"))),
            Err(Error::Invalid(_)) | Err(Error::NotFound) => paths.push(sub),
            Err(err) => {
                return Located::Failed(format!("cannot list {sub}: {}", describe_error(&err)));
            }
        }
    }
    if paths.is_empty() {
        Located::Absent(format!("no {what} under {dir}"))
    } else {
        Located::Paths(paths)
    }
}

/// The files a daemon option names (flag `tlscacert`, without dashes / key
/// `"tlscacert"`), for every daemon;
/// with `default` when the option is not set but TLS is on (`--tlsverify`/`--tls`).
pub fn daemon_option(
    facts: &impl Facts,
    flag: &str,
    key: &str,
    tls_default: Option<&str>,
    what: &str,
) -> Located {
    let scan = scan_daemons(facts);
    let mut paths: Vec<String> = Vec::new();
    for daemon in &scan.daemons {
        if let Some(problem) = daemon.config_problem() {
            return Located::Failed(problem);
        }
        let tls_on = ["tlsverify", "tls"]
            .iter()
            .any(|name| daemon.bool(name, name).is_some_and(|s| s.value));
        let path = match daemon.string(flag, key) {
            Some(setting) => Some(absolute_from_root(&setting.value)),
            None if tls_on => tls_default.map(str::to_owned),
            None => None,
        };
        if let Some(path) = path
            && !paths.contains(&path)
        {
            paths.push(path);
        }
    }
    if paths.is_empty() {
        return Located::Absent(format!(
            "no {what}: the daemon does not set --{flag} and does not use TLS"
        ));
    }
    Located::Paths(paths)
}

/// Every daemon's configuration file (`--config-file`, default
/// `/etc/docker/daemon.json`) that exists.
pub fn daemon_configs(facts: &impl Facts) -> Located {
    let scan = scan_daemons(facts);
    let mut paths: Vec<String> = Vec::new();
    for daemon in &scan.daemons {
        if !paths.contains(&daemon.config_file) && facts.lstat(&daemon.config_file).is_ok() {
            paths.push(daemon.config_file.clone());
        }
    }
    if paths.is_empty() {
        let named: Vec<&str> = scan
            .daemons
            .iter()
            .map(|d| d.config_file.as_str())
            .collect();
        return Located::Absent(format!(
            "no daemon configuration file ({}): dockerd runs on flags alone",
            named.join(", ")
        ));
    }
    Located::Paths(paths)
}

/// The unix sockets the daemons listen on (`-H unix://...`, `"hosts"`), or
/// `/var/run/docker.sock` when none names one.
pub fn docker_sockets(facts: &impl Facts) -> Located {
    let scan = scan_daemons(facts);
    let mut paths: Vec<String> = Vec::new();
    for daemon in &scan.daemons {
        let mut hosts: Vec<String> = daemon
            .command_line
            .values("host")
            .into_iter()
            .map(str::to_owned)
            .collect();
        if let Some(json) = daemon.json() {
            hosts.extend(json.strings("hosts").into_iter().map(str::to_owned));
        }
        for host in hosts {
            if let Some(path) = host.strip_prefix("unix://")
                && !path.is_empty()
                && !paths.contains(&path.to_owned())
            {
                paths.push(path.to_owned());
            }
        }
    }
    if paths.is_empty() {
        return first_of(
            facts,
            &["/var/run/docker.sock", "/run/docker.sock"],
            "Docker socket",
        );
    }
    let existing: Vec<String> = paths
        .iter()
        .filter(|p| facts.lstat(p).is_ok())
        .cloned()
        .collect();
    if existing.is_empty() {
        Located::Absent(format!("no Docker socket at {}", paths.join(", ")))
    } else {
        Located::Paths(existing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::fixtures::accounts_host;
    use crate::files::locate;

    #[test]
    fn locates_units_registry_files_and_sockets() {
        let host = accounts_host()
            .file("/lib/systemd/system/docker.service", 0o644, "")
            .file("/etc/docker/certs.d/r:5000/ca.crt", 0o444, "")
            .file("/etc/docker/certs.d/r:5000/client.key", 0o400, "");
        assert_eq!(
            locate::systemd_unit(&host, "docker.service"),
            Located::Paths(vec!["/lib/systemd/system/docker.service".into()])
        );
        assert!(matches!(
            locate::systemd_unit(&host, "docker.socket"),
            Located::Absent(_)
        ));
        assert_eq!(
            locate::files_in_subdirs(&host, "/etc/docker/certs.d", "registry certificates"),
            Located::Paths(vec![
                "/etc/docker/certs.d/r:5000/ca.crt".into(),
                "/etc/docker/certs.d/r:5000/client.key".into()
            ])
        );
        let host = host
            .dockerd(
                7,
                "dockerd -H unix:///run/d.sock --tlsverify --tlscacert /c/ca.pem",
            )
            .file("/run/d.sock", 0o660, "");
        assert_eq!(
            locate::docker_sockets(&host),
            Located::Paths(vec!["/run/d.sock".into()])
        );
        assert_eq!(
            locate::daemon_option(
                &host,
                "tlscacert",
                "tlscacert",
                Some("/root/.docker/ca.pem"),
                "CA"
            ),
            Located::Paths(vec!["/c/ca.pem".into()])
        );
        assert_eq!(
            locate::daemon_option(
                &host,
                "tlscert",
                "tlscert",
                Some("/root/.docker/cert.pem"),
                "cert"
            ),
            Located::Paths(vec!["/root/.docker/cert.pem".into()]),
            "TLS on without the option: dockerd's default"
        );
    }
}
