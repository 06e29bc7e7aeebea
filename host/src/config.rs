//! The configuration file (TOML): `--config FILE`, else `/etc/bulkhead/config.toml`
//! when it exists. Flags and environment override it; unknown keys are an error, so a
//! typo never silently weakens a setting.
//!
//! ```toml
//! audit_only = true                      # refuse every mutating path (also --audit-only)
//! plugin_dirs = ["/opt/bulkhead/plugins"]
//!
//! [limits]                               # per call into a control
//! timeout_secs = 30
//! memory_mib = 64
//! max_findings = 10000
//! max_text_bytes = 8192
//! max_log_bytes = 65536
//!
//! [trust]
//! require_pinned = true                  # refuse drop-ins whose sha256 is not pinned
//! [trust.pins]                           # control id = sha256 of its .wasm
//! example-daemon-json-present = "3f9a..."
//!
//! [[waivers]]                            # accepted findings: see crate::waiver
//! control = "container-net-raw-dropped"
//! target = "container:legacy-*"
//! justification = "vendor image needs raw sockets; ticket OPS-1234"
//! expires = "2027-01-31"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use thiserror::Error;

use crate::runner::Limits;
use crate::waiver::Waiver;

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
    /// Accepted findings.
    #[serde(default, deserialize_with = "crate::waiver::deserialize_all")]
    pub waivers: Vec<Waiver>,
    /// Where this configuration was read from, if anywhere.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// `[limits]`: each unset key keeps its default.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Wall-clock seconds per call.
    pub timeout_secs: Option<u64>,
    /// Linear memory per control, MiB.
    pub memory_mib: Option<usize>,
    /// Findings per audit.
    pub max_findings: Option<usize>,
    /// Bytes per message or evidence value.
    pub max_text_bytes: Option<usize>,
    /// Bytes of log per call.
    pub max_log_bytes: Option<usize>,
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
            max_log_bytes: self.max_log_bytes.unwrap_or(d.max_log_bytes),
        }
    }
}

/// `[trust]`: which drop-in controls may run.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trust {
    /// Refuse drop-ins whose sha256 is not among `pins`.
    #[serde(default)]
    pub require_pinned: bool,
    /// Control id to the sha256 (hex) its component must have.
    #[serde(default)]
    pub pins: BTreeMap<String, String>,
}

impl Trust {
    /// Before compiling: refuse a drop-in whose hash is not pinned, when pins are required.
    pub fn admit_bytes(&self, sha256: &str) -> Result<(), String> {
        if self.require_pinned && !self.pins.values().any(|p| p.eq_ignore_ascii_case(sha256)) {
            return Err(format!(
                "not pinned: [trust] require_pinned is set and sha256 {sha256} is not among \
                 [trust.pins]; review it (`bulkhead plugins inspect FILE`) and pin it by id"
            ));
        }
        Ok(())
    }

    /// After `metadata()`: refuse a drop-in claiming a pinned id with another hash.
    pub fn admit_id(&self, id: &str, sha256: &str) -> Result<(), String> {
        match self.pins.get(id) {
            Some(pin) if !pin.eq_ignore_ascii_case(sha256) => Err(format!(
                "sha256 {sha256} does not match the pin for {id} ({pin}): the file changed \
                 since it was pinned"
            )),
            _ => Ok(()),
        }
    }
}

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
        if config.limits.timeout_secs == Some(0) || config.limits.memory_mib == Some(0) {
            return Err("[limits] timeout_secs and memory_mib must be at least 1".to_owned());
        }
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
    use super::*;

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

    #[test]
    fn unpinned_is_fine_unless_pins_are_required() {
        let trust = Trust::default();
        assert!(trust.admit_bytes(PIN).is_ok());
    }
}
