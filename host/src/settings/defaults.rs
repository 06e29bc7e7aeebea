//! `[defaults]` in the configuration: values for flags left off the command line, and
//! how a flag, its environment variable, this section and the built-in default combine
//! (see [`crate::settings::file`] for the order).

use std::path::PathBuf;

use clap::ValueEnum;
use serde::Deserialize;

use crate::settings::cli::{Format, ReportFormat, Selection};

/// The built-in `--root`.
pub const DEFAULT_ROOT: &str = "/";
/// The built-in `--proc`.
pub const DEFAULT_PROC: &str = "/proc";

/// `[defaults]`: values for flags left off the command line (see the module docs for
/// the order of precedence).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// `--format`: any value `run --format` accepts; the listings (`controls`, `fix`,
    /// ...) use it when it is `table` or `json`.
    #[serde(default, deserialize_with = "value_enum")]
    pub format: Option<ReportFormat>,
    /// `--only`: control ids.
    pub only: Option<Vec<String>>,
    /// `--docker-host`; `$DOCKER_HOST` wins over it.
    pub docker_host: Option<String>,
    /// `--root`.
    pub root: Option<PathBuf>,
    /// `--proc`.
    pub proc: Option<PathBuf>,
}

/// The selection flags in force, each from the flag, the environment, `[defaults]` or
/// the built-in default, in that order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    /// Controls to run; empty means all.
    pub only: Vec<String>,
    /// The audited root.
    pub root: PathBuf,
    /// The process table.
    pub proc: PathBuf,
    /// The Docker endpoints; empty means the local default (see
    /// [`crate::sources::docker::default_socket`]).
    pub docker_hosts: Vec<String>,
}

/// The first of flag, environment, configuration, built-in default.
fn pick<T>(flag: Option<T>, env: Option<T>, config: Option<T>, builtin: T) -> T {
    flag.or(env).or(config).unwrap_or(builtin)
}

impl Defaults {
    /// The flags in force for `sel`, given `$DOCKER_HOST` (`docker_host_env`).
    pub fn resolve(&self, sel: &Selection, docker_host_env: Option<String>) -> Effective {
        let only = (!sel.only.is_empty()).then(|| sel.only.clone());
        Effective {
            only: pick(only, None, self.only.clone(), Vec::new()),
            root: pick(
                sel.root.clone(),
                None,
                self.root.clone(),
                DEFAULT_ROOT.into(),
            ),
            proc: pick(
                sel.proc.clone(),
                None,
                self.proc.clone(),
                DEFAULT_PROC.into(),
            ),
            docker_hosts: pick(
                (!sel.docker_hosts.is_empty()).then(|| sel.docker_hosts.clone()),
                docker_host_env.filter(|h| !h.is_empty()).map(|h| vec![h]),
                self.docker_host.clone().map(|h| vec![h]),
                Vec::new(),
            ),
        }
    }

    /// `run --format`: the flag, else `[defaults] format`, else `table`.
    pub fn report_format(&self, flag: Option<ReportFormat>) -> ReportFormat {
        pick(flag, None, self.format, ReportFormat::Table)
    }

    /// `--format` of a listing (`controls`, `plugins`, `fix`, `rollback`): the flag,
    /// else `[defaults] format` when it is `table` or `json`, else `table`.
    pub fn format(&self, flag: Option<Format>) -> Format {
        let configured = self.format.and_then(|f| match f {
            ReportFormat::Table => Some(Format::Table),
            ReportFormat::Json => Some(Format::Json),
            _ => None,
        });
        pick(flag, None, configured, Format::Table)
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        if let Some(only) = &self.only
            && (only.is_empty() || only.iter().any(|id| id.trim().is_empty()))
        {
            return Err(
                "[defaults] only must list control ids (leave it out to run every control)"
                    .to_owned(),
            );
        }
        for (key, value) in [("root", &self.root), ("proc", &self.proc)] {
            if value.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
                return Err(format!("[defaults] {key} is empty; give a directory"));
            }
        }
        if self.docker_host.as_ref().is_some_and(|h| h.is_empty()) {
            return Err("[defaults] docker_host is empty; give a URL such as \
                        unix:///var/run/docker.sock"
                .to_owned());
        }
        Ok(())
    }
}

/// `deserialize_with` for a flag's value in the configuration: the same spellings the
/// flag accepts (any `ValueEnum`).
fn value_enum<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: ValueEnum,
{
    use serde::de::Error as _;
    let text = String::deserialize(deserializer)?;
    T::from_str(&text, false).map(Some).map_err(|_| {
        let known: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_owned())
            .collect();
        D::Error::custom(format!(
            "unknown value {text:?}; expected one of: {}",
            known.join(", ")
        ))
    })
}
