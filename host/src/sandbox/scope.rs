//! Read scopes: which files a control may read, decided before it runs from what its
//! metadata declares.
//!
//! An entry of `reads` is either an absolute path, granting that file or directory and
//! everything under it, or the name of a set the host computes:
//! [`DOCKERD_CONFIG`] grants exactly the Docker daemon's configuration files and every
//! absolute path its command line or configuration names (`unix://` sockets included, and
//! where each one leads),
//! so a control can judge `--tlskey /anywhere/key.pem` without being granted `/`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::sandbox::grants::ReadScope;
use crate::sandbox::state::RunContext;
use crate::sources::root::normalize;

/// The named read set "the daemon's configuration and every path it names".
pub const DOCKERD_CONFIG: &str = "dockerd-config";
/// Where dockerd reads its configuration unless `--config-file` says otherwise.
const DEFAULT_DAEMON_JSON: &str = "/etc/docker/daemon.json";

/// Check a control's declared reads: absolute paths or known set names.
pub fn validate_reads(id: &str, reads: &[String]) -> Result<(), String> {
    for entry in reads {
        if entry != DOCKERD_CONFIG && normalize(entry).is_err() {
            return Err(format!(
                "metadata of {id} declares read {entry:?}, which is neither an absolute path \
                 nor a known set ({DOCKERD_CONFIG})"
            ));
        }
    }
    Ok(())
}

/// The declared reads that cover the whole root or all of `/etc`: a control declaring
/// one can read nearly every configuration file of the host (never its private keys
/// and password hashes, see [`crate::sources::secrets`]), so `plugins inspect` flags it and
/// `[trust] require_pinned` wants it pinned by id.
pub fn broad_reads(reads: &[String]) -> Vec<String> {
    reads
        .iter()
        .filter(|r| normalize(r).is_ok_and(|p| p == "/" || p == "/etc"))
        .cloned()
        .collect()
}

/// Whether any declared entry needs the daemon's paths computed.
pub fn needs_dockerd_paths(reads: &[String]) -> bool {
    reads.iter().any(|r| r == DOCKERD_CONFIG)
}

/// The read scope for a control declaring `reads`, given the run's daemon paths.
pub fn scope_for(reads: &[String], dockerd_paths: &[String]) -> ReadScope {
    let prefixes = reads
        .iter()
        .filter(|r| *r != DOCKERD_CONFIG)
        .filter_map(|r| normalize(r).ok())
        .collect();
    let exact = if needs_dockerd_paths(reads) {
        dockerd_paths.to_vec()
    } else {
        Vec::new()
    };
    ReadScope::new(prefixes, exact)
}

/// Where dockerd keeps its run-time state unless `--exec-root` says otherwise.
const DEFAULT_EXEC_ROOT: &str = "/var/run/docker";

/// The daemon's configuration files, every absolute path named on its command lines or
/// in those files, and the containerd socket each daemon starts under its exec root
/// (`<exec-root>/containerd/containerd.sock`, which nothing names), each also as the path
/// it resolves to under the root. See also [`with_info`].
pub fn dockerd_paths(run: &RunContext) -> Vec<String> {
    let processes = run.proc.dockerd().unwrap_or_default();
    let mut named = BTreeSet::new();
    let mut configs = Vec::new();
    for process in &processes {
        let args = process.args.get(1..).unwrap_or_default();
        named.extend(args.iter().filter_map(|arg| path_in_arg(arg)));
        let config =
            flag_value(args, "config-file").unwrap_or_else(|| DEFAULT_DAEMON_JSON.to_owned());
        configs.push((config, flag_value(args, "exec-root")));
    }
    if processes.is_empty() {
        configs.push((DEFAULT_DAEMON_JSON.to_owned(), None));
    }
    for (config, exec_root) in &configs {
        let json = run
            .fs
            .read_small_file(config)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
        if let Some(json) = &json {
            collect_paths(json, &mut named);
        }
        let exec_root = exec_root
            .clone()
            .or_else(|| json.as_ref()?.get("exec-root")?.as_str().map(str::to_owned))
            .unwrap_or_else(|| DEFAULT_EXEC_ROOT.to_owned());
        if let Some(exec_root) = as_path(&exec_root) {
            named.insert(format!(
                "{}/containerd/containerd.sock",
                exec_root.trim_end_matches('/')
            ));
        }
        named.insert(config.clone());
    }
    resolved(run, named)
}

/// `paths` plus the data root the daemon itself reports (`DockerRootDir` of `docker
/// info`, e.g. a rootless daemon's `~/.local/share/docker`, named on no command line),
/// when it is absolute.
pub fn with_info(run: &RunContext, mut paths: Vec<String>, info: Option<&str>) -> Vec<String> {
    let root = info
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .and_then(|doc| doc.get("DockerRootDir")?.as_str().map(str::to_owned));
    if let Some(root) = root.as_deref().and_then(as_path) {
        paths.extend(resolved(run, BTreeSet::from([root])));
        paths.sort();
        paths.dedup();
    }
    paths
}

/// Each of `named`, normalised, and the path it resolves to under the root.
fn resolved(run: &RunContext, named: BTreeSet<String>) -> Vec<String> {
    let mut out = BTreeSet::new();
    for path in named {
        let Ok(path) = normalize(&path) else { continue };
        if let Ok(rel) = run.fs.resolve(&path, true) {
            out.insert(crate::sources::root::host_path(&rel));
        }
        out.insert(path);
    }
    out.into_iter().collect()
}

/// The value of flag `--name` (either form, one or two dashes, `=` or a separate
/// argument), the last one winning; none after `--`.
fn flag_value(args: &[String], name: &str) -> Option<String> {
    let mut found = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        if !arg.starts_with('-') {
            continue;
        }
        let flag = arg.trim_start_matches('-');
        if flag == name {
            found = iter.next().map(|v| unquote(v).to_owned());
        } else if let Some(value) = flag.strip_prefix(name).and_then(|v| v.strip_prefix('=')) {
            found = Some(unquote(value).to_owned());
        }
    }
    found
}

/// An absolute path in one argument: the argument itself, or the value after `=`; a
/// `unix://` socket URL names its socket's path.
fn path_in_arg(arg: &str) -> Option<String> {
    let value = match arg.split_once('=') {
        Some((flag, value)) if flag.starts_with('-') => value,
        _ => arg,
    };
    as_path(unquote(value))
}

/// `value` as an absolute path: itself, or the path of a `unix://` URL.
fn as_path(value: &str) -> Option<String> {
    let value = value.strip_prefix("unix://").unwrap_or(value);
    value.starts_with('/').then(|| value.to_owned())
}

fn unquote(value: &str) -> &str {
    value.trim_matches(|c| c == '"' || c == '\'')
}

fn collect_paths(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => out.extend(as_path(s)),
        Value::Array(items) => items.iter().for_each(|v| collect_paths(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_paths(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[rstest::rstest]
    #[case::separate("--config-file /opt/d.json", Some("/opt/d.json"))]
    #[case::equals("--config-file=/opt/d.json", Some("/opt/d.json"))]
    #[case::single_dash("-config-file=/opt/d.json", Some("/opt/d.json"))]
    #[case::quoted("--config-file=\"/opt/d.json\"", Some("/opt/d.json"))]
    #[case::last_wins("--config-file /a.json --config-file=/b.json", Some("/b.json"))]
    #[case::after_double_dash("-- --config-file /a.json", None)]
    #[case::absent("-H fd://", None)]
    fn config_file_flag(#[case] line: &str, #[case] expected: Option<&str>) {
        assert_eq!(flag_value(&args(line), "config-file").as_deref(), expected);
    }

    #[rstest::rstest]
    #[case::separate("--exec-root /srv/exec", Some("/srv/exec"))]
    #[case::equals("--exec-root=/srv/exec/", Some("/srv/exec/"))]
    #[case::a_longer_flag_is_another("--exec-root-opt=/x", None)]
    #[case::a_value_is_not_a_flag("--label exec-root=/x", None)]
    fn exec_root_flag(#[case] line: &str, #[case] expected: Option<&str>) {
        assert_eq!(flag_value(&args(line), "exec-root").as_deref(), expected);
    }

    #[rstest::rstest]
    #[case::equals_form("--tlskey=/etc/docker/key.pem", Some("/etc/docker/key.pem"))]
    #[case::bare_value("/etc/docker/key.pem", Some("/etc/docker/key.pem"))]
    #[case::flag_without_path("--tlsverify", None)]
    #[case::socket_url("-H=unix:///var/run/docker.sock", Some("/var/run/docker.sock"))]
    #[case::tcp_url("--host=tcp://0.0.0.0:2376", None)]
    fn paths_in_arguments(#[case] arg: &str, #[case] expected: Option<&str>) {
        assert_eq!(path_in_arg(arg).as_deref(), expected);
    }

    #[test]
    fn json_paths_at_any_depth() {
        let json: Value = serde_json::from_str(
            r#"{"tlskey": "/k.pem", "hosts": ["unix:///x", "/not/a/url"], "log-opts": {"path": "/l"}, "n": 1}"#,
        )
        .unwrap();
        let mut out = BTreeSet::new();
        collect_paths(&json, &mut out);
        assert_eq!(
            out.into_iter().collect::<Vec<_>>(),
            ["/k.pem", "/l", "/not/a/url", "/x"]
        );
    }

    #[test]
    fn reads_are_absolute_or_a_known_set() {
        assert!(validate_reads("x", &["/etc/docker".into(), DOCKERD_CONFIG.into()]).is_ok());
        assert!(validate_reads("x", &["etc/docker".into()]).is_err());
        assert!(validate_reads("x", &["everything".into()]).is_err());
    }
}
