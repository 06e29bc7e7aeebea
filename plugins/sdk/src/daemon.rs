//! Every Docker daemon's configuration: its command line and its `daemon.json`, loaded once.
//!
//! [`scan_daemons`] lists the running `dockerd` processes and reads the configuration file
//! each one uses (`--config-file`, default `/etc/docker/daemon.json`). When no daemon runs, it
//! still yields one [`Daemon`] without a process, standing for the configuration the next
//! `dockerd` would start with, so a control judges the files even on a stopped host.
//!
//! An option can come from either source; [`Daemon::string`] and [`Daemon::bool`] look on the
//! command line first, then in the file, and say where the value came from. (dockerd refuses
//! to start when one option is given in both, so at most one source holds it on a running
//! daemon.)

use crate::dockerd::{CommandLine, DaemonJson, DaemonJsonError};
use crate::facts::{Facts, MAX_READ};
use crate::{Error, describe_error};

/// A daemon's configuration file, as far as it could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigFile {
    /// The file does not exist (dockerd then runs with flags and defaults only).
    Absent,
    /// The file was read and is a JSON object.
    Loaded(DaemonJson),
    /// The file exists but dockerd would refuse it.
    Invalid(DaemonJsonError),
    /// The file could not be read (denied, I/O error, ...).
    Unreadable(Error),
}

/// A value of an option and where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Where it was set, for evidence: `--tlskey on the dockerd command line (pid 812)` or
    /// `"tlskey" in /etc/docker/daemon.json`.
    pub origin: String,
}

/// One Docker daemon's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Daemon {
    /// Its process id, or `None` when no daemon runs (the default configuration).
    pub pid: Option<u32>,
    /// Its command line (empty when no daemon runs).
    pub command_line: CommandLine,
    /// The absolute path of the configuration file it uses.
    pub config_file: String,
    /// That file's contents.
    pub config: ConfigFile,
}

impl Daemon {
    /// Load the configuration of the daemon with this command line (`argv[0]` first).
    pub fn load<S: AsRef<str>>(facts: &impl Facts, pid: Option<u32>, argv: &[S]) -> Self {
        let command_line = CommandLine::new(argv);
        let config_file = absolute_from_root(command_line.config_file());
        let config = match facts.read_file(&config_file, MAX_READ) {
            Ok(bytes) => match DaemonJson::parse_bytes(&bytes) {
                Ok(json) => ConfigFile::Loaded(json),
                Err(err) => ConfigFile::Invalid(err),
            },
            Err(Error::NotFound) => ConfigFile::Absent,
            Err(err) => ConfigFile::Unreadable(err),
        };
        Daemon {
            pid,
            command_line,
            config_file,
            config,
        }
    }

    /// `dockerd (pid 812)`, or `dockerd (not running)`.
    pub fn describe(&self) -> String {
        match self.pid {
            Some(pid) => format!("dockerd (pid {pid})"),
            None => "dockerd (not running)".to_owned(),
        }
    }

    /// The parsed configuration file, when it was read and is valid.
    pub fn json(&self) -> Option<&DaemonJson> {
        match &self.config {
            ConfigFile::Loaded(json) => Some(json),
            _ => None,
        }
    }

    /// Why the configuration file could not be used, when it could not (for an `error`
    /// finding on `file:<config_file>`).
    pub fn config_problem(&self) -> Option<String> {
        match &self.config {
            ConfigFile::Absent | ConfigFile::Loaded(_) => None,
            ConfigFile::Invalid(err) => Some(format!(
                "{} is {err}; dockerd refuses to start with it",
                self.config_file
            )),
            ConfigFile::Unreadable(err) => Some(format!(
                "cannot read {}: {}",
                self.config_file,
                describe_error(err)
            )),
        }
    }

    /// The string option set by flag `--flag` or by key `key` of the configuration file.
    pub fn string(&self, flag: &str, key: &str) -> Option<Setting<String>> {
        if let Some(value) = self.command_line.value(flag) {
            let origin = format!("--{flag} on the command line of {}", self.describe());
            return Some(Setting {
                value: value.to_owned(),
                origin,
            });
        }
        let value = self.json()?.string(key)?;
        let origin = format!("\"{key}\" in {}", self.config_file);
        Some(Setting {
            value: value.to_owned(),
            origin,
        })
    }

    /// The boolean option set by flag `--flag` or by key `key` of the configuration file.
    pub fn bool(&self, flag: &str, key: &str) -> Option<Setting<bool>> {
        if let Some(value) = self.command_line.flag(flag) {
            let origin = format!("--{flag} on the command line of {}", self.describe());
            return Some(Setting { value, origin });
        }
        let value = self.json()?.bool(key)?;
        let origin = format!("\"{key}\" in {}", self.config_file);
        Some(Setting { value, origin })
    }
}

/// The daemons of a host and, if listing processes failed, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonScan {
    /// One entry per running `dockerd`, or one entry with `pid: None` when none runs or the
    /// process table could not be read.
    pub daemons: Vec<Daemon>,
    /// Why the process table could not be read; the default configuration was loaded instead.
    pub process_error: Option<Error>,
}

/// Load the configuration of every running Docker daemon (see the module doc).
pub fn scan_daemons(facts: &impl Facts) -> DaemonScan {
    let none: [&str; 0] = [];
    let (daemons, process_error) = match facts.dockerd() {
        Ok(processes) if !processes.is_empty() => {
            let daemons = processes
                .iter()
                .map(|p| Daemon::load(facts, Some(p.pid), &p.args))
                .collect();
            (daemons, None)
        }
        Ok(_) => (vec![Daemon::load(facts, None, &none)], None),
        Err(err) => (vec![Daemon::load(facts, None, &none)], Some(err)),
    };
    DaemonScan {
        daemons,
        process_error,
    }
}

/// A path from a daemon's configuration as an absolute path under the root: relative paths
/// are taken relative to `/`, dockerd's working directory under systemd.
pub fn absolute_from_root(path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::FakeHost;
    use rstest::rstest;

    fn daemon(host: &FakeHost) -> Daemon {
        let mut scan = scan_daemons(host);
        assert_eq!(scan.daemons.len(), 1);
        scan.daemons.remove(0)
    }

    #[test]
    fn no_daemon_reads_the_default_file() {
        let host = FakeHost::new().file("/etc/docker/daemon.json", 0o644, r#"{"tls": true}"#);
        let d = daemon(&host);
        assert_eq!(d.pid, None);
        assert_eq!(d.config_file, "/etc/docker/daemon.json");
        assert!(d.bool("tls", "tls").unwrap().value);
        assert_eq!(
            d.bool("tls", "tls").unwrap().origin,
            "\"tls\" in /etc/docker/daemon.json"
        );
    }

    #[test]
    fn config_file_flag_is_followed() {
        let host = FakeHost::new()
            .dockerd(812, "/usr/bin/dockerd --config-file=/srv/docker.json")
            .file("/srv/docker.json", 0o644, r#"{"tlskey": "/srv/key.pem"}"#);
        let d = daemon(&host);
        assert_eq!(d.config_file, "/srv/docker.json");
        assert_eq!(d.string("tlskey", "tlskey").unwrap().value, "/srv/key.pem");
    }

    #[test]
    fn command_line_comes_first() {
        let host = FakeHost::new().dockerd(7, "dockerd --tlskey /a.pem").file(
            "/etc/docker/daemon.json",
            0o644,
            r#"{"tlskey": "/b.pem"}"#,
        );
        let setting = daemon(&host).string("tlskey", "tlskey").unwrap();
        assert_eq!(setting.value, "/a.pem");
        assert_eq!(
            setting.origin,
            "--tlskey on the command line of dockerd (pid 7)"
        );
    }

    #[rstest]
    #[case::absent(FakeHost::new(), None)]
    #[case::invalid(
        FakeHost::new().file("/etc/docker/daemon.json", 0o644, "{nope"),
        Some("/etc/docker/daemon.json is not valid JSON")
    )]
    #[case::denied(
        FakeHost::new().fail("/etc/docker/daemon.json", Error::Denied),
        Some("cannot read /etc/docker/daemon.json: denied")
    )]
    fn config_problems(#[case] host: FakeHost, #[case] expected: Option<&str>) {
        let problem = daemon(&host).config_problem();
        match expected {
            None => assert_eq!(problem, None),
            Some(prefix) => assert!(
                problem.as_deref().unwrap().starts_with(prefix),
                "{problem:?}"
            ),
        }
    }

    #[test]
    fn process_error_still_loads_default_config() {
        let host = FakeHost::new().dockerd_error(Error::Denied);
        let scan = scan_daemons(&host);
        assert_eq!(scan.process_error, Some(Error::Denied));
        assert_eq!(scan.daemons.len(), 1);
    }

    #[test]
    fn several_daemons() {
        let host = FakeHost::new()
            .dockerd(1, "dockerd")
            .dockerd(2, "dockerd --config-file x.json");
        let scan = scan_daemons(&host);
        let files: Vec<&str> = scan
            .daemons
            .iter()
            .map(|d| d.config_file.as_str())
            .collect();
        assert_eq!(files, ["/etc/docker/daemon.json", "/x.json"]);
    }
}
