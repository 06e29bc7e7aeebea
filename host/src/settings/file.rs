//! The configuration file (TOML): `--config FILE`, else `/etc/bulkhead/config.toml`
//! when it exists. Unknown keys are an error, so a typo never silently weakens a
//! setting.
//!
//! ```toml
//! audit_only = true                      # refuse every mutating path (also --audit-only)
//! plugin_dirs = ["/opt/bulkhead/plugins"]
//!
//! [defaults]                             # flags left off the command line
//! format = "json"                        # --format
//! only = ["container-net-raw-dropped"]   # --only
//! docker_host = "unix:///run/docker.sock" # --docker-host (after $DOCKER_HOST)
//! root = "/mnt/host"                     # --root
//! proc = "/mnt/host/proc"                # --proc
//!
//! [limits]                               # per call into a control (crate::sandbox::budget)
//! timeout_secs = 30                      # --timeout
//! memory_mib = 64
//! max_findings = 10000
//! max_text_bytes = 8192
//! max_evidence = 64
//! max_log_lines = 1000
//! max_log_bytes = 65536
//! max_denials = 1000
//! max_output_bytes = 1048576
//! max_output_bytes_per_container = 4096
//! max_input_bytes = 16777216
//!
//! [trust]
//! require_pinned = true                  # refuse drop-ins whose sha256 is not pinned
//! [trust.pins]                           # control id = sha256 of its .wasm
//! example-daemon-json-present = "3f9a..."
//!
//! [[waivers]]                            # accepted findings: see crate::report::waiver
//! control = "container-net-raw-dropped"
//! target = "container:legacy-*"
//! justification = "vendor image needs raw sockets; ticket OPS-1234"
//! expires = "2027-01-31"
//! ```
//!
//! # Where a setting comes from
//! For every flag, the first of: the flag on the command line; its environment
//! variable, where it has one (`DOCKER_HOST`, `BULKHEAD_AUDIT_ONLY`); this file;
//! the built-in default that `--help` shows. `[defaults]` holds the flags that choose
//! *what* to audit and *how to report it*; settings that already had a home keep it:
//! the per-call timeout is `[limits] timeout_secs`, extra plugin directories are
//! `plugin_dirs` (added to `--plugin-dir`, not replaced), the lockdown is `audit_only`
//! (either source turns it on).
//!
//! A new flag default takes one field in [`Defaults`] (the flag itself an `Option`
//! in `cli.rs`, so that "not given" shows) and one line in [`Defaults::resolve`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use thiserror::Error;

use crate::report::waiver::Waiver;
use crate::sandbox::limits::Limits;
use crate::sandbox::trust::Trust;
use crate::settings::defaults::Defaults;

/// Where the system configuration lives.
pub const SYSTEM_CONFIG: &str = "/etc/bulkhead/config.toml";

/// Why the configuration could not be used.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid configuration.
    #[error("invalid config {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong, with its position.
        message: String,
    },
}

/// The whole configuration file.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Refuse every mutating path.
    #[serde(default)]
    pub audit_only: bool,
    /// More drop-in directories.
    #[serde(default)]
    pub plugin_dirs: Vec<PathBuf>,
    /// Limits per call.
    #[serde(default)]
    pub limits: LimitsConfig,
    /// Trust in drop-in controls.
    #[serde(default)]
    pub trust: Trust,
    /// Defaults for flags not given.
    #[serde(default)]
    pub defaults: Defaults,
    /// Accepted findings.
    #[serde(default, deserialize_with = "crate::report::waiver::deserialize_all")]
    pub waivers: Vec<Waiver>,
    /// Where this configuration was read from, if anywhere.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// `[limits]`: each unset key keeps its default (see [`crate::sandbox::budget`] for what each
/// counts).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Wall-clock seconds per call.
    pub timeout_secs: Option<u64>,
    /// Linear memory per control, MiB.
    pub memory_mib: Option<usize>,
    /// Findings per audit.
    pub max_findings: Option<usize>,
    /// Bytes per target, message, evidence key or value, log line, error text, metadata
    /// field.
    pub max_text_bytes: Option<usize>,
    /// Evidence entries per finding.
    pub max_evidence: Option<usize>,
    /// Log lines per call.
    pub max_log_lines: Option<usize>,
    /// Bytes of log per call.
    pub max_log_bytes: Option<usize>,
    /// Refused calls per call.
    pub max_denials: Option<usize>,
    /// Output bytes kept per call.
    pub max_output_bytes: Option<usize>,
    /// Output bytes per call in addition, per container of the daemon's snapshot.
    pub max_output_bytes_per_container: Option<usize>,
    /// Bytes of arguments to host calls per call.
    pub max_input_bytes: Option<usize>,
}

impl LimitsConfig {
    /// The limits in force: these settings over the defaults, `timeout` (a flag) over all.
    pub fn resolve(&self, timeout: Option<u64>) -> Limits {
        let d = Limits::default();
        Limits {
            deadline: timeout
                .or(self.timeout_secs)
                .map_or(d.deadline, Duration::from_secs),
            memory_bytes: self.memory_mib.map_or(d.memory_bytes, |m| m << 20),
            max_findings: self.max_findings.unwrap_or(d.max_findings),
            max_text_bytes: self.max_text_bytes.unwrap_or(d.max_text_bytes),
            max_evidence: self.max_evidence.unwrap_or(d.max_evidence),
            max_log_lines: self.max_log_lines.unwrap_or(d.max_log_lines),
            max_log_bytes: self.max_log_bytes.unwrap_or(d.max_log_bytes),
            max_denials: self.max_denials.unwrap_or(d.max_denials),
            max_output_bytes: self.max_output_bytes.unwrap_or(d.max_output_bytes),
            max_output_bytes_per_container: self
                .max_output_bytes_per_container
                .unwrap_or(d.max_output_bytes_per_container),
            max_input_bytes: self.max_input_bytes.unwrap_or(d.max_input_bytes),
        }
    }

    /// Refuse sizes no call could work with, or that would let one control make the
    /// host allocate without a useful bound.
    fn check(&self) -> Result<(), String> {
        if self.timeout_secs == Some(0) || self.memory_mib == Some(0) {
            return Err("[limits] timeout_secs and memory_mib must be at least 1".to_owned());
        }
        if self.memory_mib.is_some_and(|m| m > 4096) {
            return Err("[limits] memory_mib is at most 4096 (a control's linear memory)".into());
        }
        let bytes = [
            ("max_text_bytes", self.max_text_bytes),
            ("max_log_bytes", self.max_log_bytes),
            ("max_output_bytes", self.max_output_bytes),
            (
                "max_output_bytes_per_container",
                self.max_output_bytes_per_container,
            ),
            ("max_input_bytes", self.max_input_bytes),
        ];
        for (key, value) in bytes {
            if value.is_some_and(|v| v > MAX_LIMIT_BYTES) {
                return Err(format!(
                    "[limits] {key} is at most {MAX_LIMIT_BYTES} (1 GiB); it bounds what one \
                     control may make the host keep"
                ));
            }
        }
        Ok(())
    }
}

/// The largest value a byte limit may be configured to.
const MAX_LIMIT_BYTES: usize = 1 << 30;

impl Config {
    /// Load `explicit` (which must exist), else the system file when it exists, else
    /// the defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None if Path::new(SYSTEM_CONFIG).exists() => PathBuf::from(SYSTEM_CONFIG),
            None => return Ok(Config::default()),
        };
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        let mut config = Config::parse(&text).map_err(|message| ConfigError::Parse {
            path: path.clone(),
            message,
        })?;
        config.path = Some(path);
        Ok(config)
    }

    /// Parse configuration text.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        for (id, pin) in &config.trust.pins {
            if pin.len() != 64 || !pin.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!(
                    "[trust.pins] {id} = {pin:?} is not a sha256 in hex"
                ));
            }
        }
        config.limits.check()?;
        config.defaults.check()?;
        Ok(config)
    }

    /// The file this configuration came from, for messages.
    pub fn origin(&self) -> String {
        self.path.as_deref().map_or_else(
            || "the configuration".to_owned(),
            |p| p.display().to_string(),
        )
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::settings::cli::{Format, ReportFormat, Selection};
    use crate::settings::defaults::Effective;

    const PIN: &str = "3f9a000000000000000000000000000000000000000000000000000000000001";

    #[test]
    fn a_full_config_parses_and_overrides_defaults() {
        let text = format!(
            "audit_only = true\nplugin_dirs = [\"/opt/p\"]\n[limits]\nmemory_mib = 16\n\
             timeout_secs = 5\n[trust]\nrequire_pinned = true\n[trust.pins]\nmine = \"{PIN}\"\n"
        );
        let config = Config::parse(&text).unwrap();
        assert!(config.audit_only);
        let limits = config.limits.resolve(None);
        assert_eq!(limits.memory_bytes, 16 << 20);
        assert_eq!(limits.deadline, Duration::from_secs(5));
        assert_eq!(
            config.limits.resolve(Some(2)).deadline,
            Duration::from_secs(2)
        );
        assert!(config.trust.admit_bytes(PIN).is_ok());
        assert!(config.trust.admit_bytes(&"0".repeat(64)).is_err());
        assert!(config.trust.admit_id("mine", PIN).is_ok());
        assert!(config.trust.admit_id("mine", &"0".repeat(64)).is_err());
        assert!(config.trust.admit_id("other", &"0".repeat(64)).is_ok());
    }

    #[rstest::rstest]
    #[case::typo_in_a_key("audit_onyl = true")]
    #[case::typo_in_a_section("[limits]\nmemory_mb = 1")]
    #[case::bad_pin("[trust.pins]\nx = \"abc\"")]
    #[case::zero_timeout("[limits]\ntimeout_secs = 0")]
    #[case::not_toml("audit_only = ")]
    fn bad_configs_are_refused(#[case] text: &str) {
        assert!(Config::parse(text).is_err(), "{text}");
    }

    fn selection(flags: &[&str]) -> Selection {
        let cli =
            crate::settings::cli::Cli::try_parse_from(["bulkhead", "run"].iter().chain(flags))
                .unwrap();
        match cli.command {
            crate::settings::cli::Command::Run(args) => args.sel,
            other => panic!("parsed as {other:?}"),
        }
    }

    const FULL_DEFAULTS: &str = "[defaults]\nformat = \"json\"\nonly = [\"a\", \"b\"]\n\
         docker_host = \"tcp://config:2375\"\nroot = \"/mnt/host\"\nproc = \"/mnt/host/proc\"\n";

    #[test]
    fn built_in_defaults_when_nothing_is_set() {
        let eff = Defaults::default().resolve(&selection(&[]), None);
        assert_eq!(
            eff,
            Effective {
                only: Vec::new(),
                root: "/".into(),
                proc: "/proc".into(),
                docker_hosts: Vec::new(),
            }
        );
    }

    #[test]
    fn the_configuration_beats_built_in_defaults() {
        let config = Config::parse(FULL_DEFAULTS).unwrap();
        let eff = config.defaults.resolve(&selection(&[]), None);
        assert_eq!(
            eff,
            Effective {
                only: vec!["a".to_owned(), "b".to_owned()],
                root: "/mnt/host".into(),
                proc: "/mnt/host/proc".into(),
                docker_hosts: vec!["tcp://config:2375".to_owned()],
            }
        );
        assert_eq!(config.defaults.format(None), Format::Json);
        assert_eq!(config.defaults.format(Some(Format::Table)), Format::Table);
        assert_eq!(config.defaults.report_format(None), ReportFormat::Json);
        let sarif = Config::parse("[defaults]\nformat = \"sarif\"").unwrap();
        assert_eq!(sarif.defaults.report_format(None), ReportFormat::Sarif);
        assert_eq!(
            sarif.defaults.format(None),
            Format::Table,
            "a listing has no SARIF"
        );
    }

    #[test]
    fn flags_beat_the_configuration() {
        let config = Config::parse(FULL_DEFAULTS).unwrap();
        let flags = selection(&[
            "--only",
            "c",
            "--root",
            "/r",
            "--proc",
            "/p",
            "--docker-host",
            "unix:///d.sock",
        ]);
        let eff = config
            .defaults
            .resolve(&flags, Some("tcp://env:2375".to_owned()));
        assert_eq!(
            eff,
            Effective {
                only: vec!["c".to_owned()],
                root: "/r".into(),
                proc: "/p".into(),
                docker_hosts: vec!["unix:///d.sock".to_owned()],
            }
        );
    }

    #[rstest::rstest]
    #[case::env_beats_config(Some("tcp://env:2375"), "tcp://env:2375")]
    #[case::empty_env_is_unset(Some(""), "tcp://config:2375")]
    #[case::no_env(None, "tcp://config:2375")]
    fn docker_host_env_sits_between_flag_and_configuration(
        #[case] env: Option<&str>,
        #[case] expected: &str,
    ) {
        let config = Config::parse(FULL_DEFAULTS).unwrap();
        let eff = config
            .defaults
            .resolve(&selection(&[]), env.map(str::to_owned));
        assert_eq!(eff.docker_hosts, [expected]);
    }

    #[rstest::rstest]
    #[case::unknown_format("[defaults]\nformat = \"yaml\"", "expected one of: table, json, sarif")]
    #[case::unknown_key("[defaults]\nfromat = \"json\"", "fromat")]
    #[case::timeout_lives_in_limits("[defaults]\ntimeout_secs = 5", "timeout_secs")]
    #[case::empty_only("[defaults]\nonly = []", "[defaults] only must list control ids")]
    #[case::empty_root("[defaults]\nroot = \"\"", "[defaults] root is empty")]
    fn bad_defaults_are_refused(#[case] text: &str, #[case] why: &str) {
        let err = Config::parse(text).unwrap_err();
        assert!(err.contains(why), "{err}");
    }
}
