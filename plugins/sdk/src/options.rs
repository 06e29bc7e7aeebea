//! dockerd's options, judged the way CIS Docker Benchmark section 2 asks, written once.
//!
//! A daemon control is an [`OptionRule`]: one [`DaemonOption`] (its flag, its `daemon.json`
//! key, how to read it, dockerd's own default), optionally where `docker info` reports the
//! running daemon's effective value ([`InfoField`]), and a judge. [`judge`] applies the rule
//! to every daemon [`scan_daemons`] finds, so several running `dockerd`s are each judged, and
//! a host where none runs is judged on the configuration the next `dockerd` would start with.
//!
//! Where a value comes from is always in the evidence (`source`): the command line (either
//! `--flag value` or `--flag=value`), the configuration file (`daemon.json`, or the file
//! `--config-file` names), dockerd's default when neither sets it, or `docker info`.
//! `docker info` is the source of truth only when it certainly describes the daemon being
//! judged: exactly one `dockerd` runs, the daemon answers, and its data root is that
//! daemon's. Otherwise the configuration is judged and the evidence says why
//! (`docker_info`).
//!
//! None of these options can be changed through the contract, so [`remediate`] refuses
//! with the exact flag or key to set. The [`option_control!`](crate::option_control) macro
//! writes a whole control from a rule.

use std::fmt;

use serde_json::Value as Json;

use crate::daemon::{Daemon, DaemonScan, scan_daemons};
use crate::facts::Facts;
use crate::{Error, Finding, Status, Target, describe_error};

/// How an option is written on the command line and in `daemon.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A boolean: `--icc=false` / `--icc`, `"icc": false`.
    Bool,
    /// A string: `--log-level warn`, `"log-level": "warn"`.
    Text,
    /// A repeatable flag and a JSON array (`--insecure-registry a --insecure-registry b`,
    /// `"insecure-registries": ["a", "b"]`); a JSON object counts as its `name=value` entries.
    List,
}

/// dockerd's built-in default for an option, used when neither source sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// A boolean default.
    Bool(bool),
    /// A string default (`""` when dockerd leaves the choice open).
    Text(&'static str),
    /// An empty list.
    Empty,
}

/// One dockerd option: flag name (without dashes), `daemon.json` key, kind and default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaemonOption {
    /// The long flag, without dashes (`insecure-registry`).
    pub flag: &'static str,
    /// The `daemon.json` key (`insecure-registries`).
    pub key: &'static str,
    /// How it is written.
    pub kind: Kind,
    /// dockerd's default.
    pub default: Fallback,
}

/// The value of an option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A boolean.
    Bool(bool),
    /// A string.
    Text(String),
    /// A list of strings.
    List(Vec<String>),
}

impl Value {
    /// The boolean, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The string, if it is one.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The list's items (empty for other kinds).
    pub fn as_list(&self) -> &[String] {
        match self {
            Value::List(items) => items,
            _ => &[],
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Text(t) if t.is_empty() => f.write_str("(not set)"),
            Value::Text(t) => f.write_str(t),
            Value::List(items) if items.is_empty() => f.write_str("(none)"),
            Value::List(items) => f.write_str(&items.join(", ")),
        }
    }
}

/// Where a value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The daemon's command line.
    CommandLine,
    /// Its configuration file.
    ConfigFile,
    /// dockerd's default: neither source sets the option.
    Default,
    /// `docker info` of the running daemon.
    DockerInfo,
}

/// An option's value, where it comes from, and that origin in words for evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The value.
    pub value: Value,
    /// Its source.
    pub source: Source,
    /// `--icc on the command line of dockerd (pid 7)`, `"icc" in /etc/docker/daemon.json`,
    /// `dockerd's default (...)` or `docker info (LiveRestoreEnabled) of dockerd (pid 7)`.
    pub origin: String,
}

impl DaemonOption {
    /// The option's value for `daemon`: command line first, then its configuration file,
    /// then dockerd's default. A value dockerd would refuse to start with is an `Err`.
    pub fn read(&self, daemon: &Daemon) -> Result<Observed, String> {
        let cmd = &daemon.command_line;
        let on_cmd = format!(
            "--{} on the command line of {}",
            self.flag,
            daemon.describe()
        );
        let from_cmd = match self.kind {
            Kind::Bool if cmd.has(self.flag) => {
                Some(cmd.flag(self.flag).map(Value::Bool).ok_or_else(|| {
                    format!("{on_cmd} is not a boolean; dockerd refuses to start with it")
                })?)
            }
            Kind::Bool => None,
            Kind::Text => cmd.value(self.flag).map(|v| Value::Text(v.to_owned())),
            Kind::List => {
                let values = cmd.values(self.flag);
                (!values.is_empty())
                    .then(|| Value::List(values.into_iter().map(str::to_owned).collect()))
            }
        };
        if let Some(value) = from_cmd {
            return Ok(Observed {
                value,
                source: Source::CommandLine,
                origin: on_cmd,
            });
        }
        let in_file = format!("\"{}\" in {}", self.key, daemon.config_file);
        if let Some(raw) = daemon.json().and_then(|json| json.get(self.key)) {
            let value = match (self.kind, raw) {
                (Kind::Bool, Json::Bool(b)) => Value::Bool(*b),
                (Kind::Text, Json::String(s)) => Value::Text(s.clone()),
                (Kind::List, Json::Array(items)) => Value::List(items.iter().map(render).collect()),
                (Kind::List, Json::Object(map)) => Value::List(
                    map.iter()
                        .map(|(name, v)| format!("{name}={}", render(v)))
                        .collect(),
                ),
                (kind, _) => {
                    let want = match kind {
                        Kind::Bool => "a boolean",
                        Kind::Text => "a string",
                        Kind::List => "a list",
                    };
                    return Err(format!(
                        "{in_file} is not {want}; dockerd refuses to start with it"
                    ));
                }
            };
            return Ok(Observed {
                value,
                source: Source::ConfigFile,
                origin: in_file,
            });
        }
        let value = match self.default {
            Fallback::Bool(b) => Value::Bool(b),
            Fallback::Text(t) => Value::Text(t.to_owned()),
            Fallback::Empty => Value::List(Vec::new()),
        };
        Ok(Observed {
            value,
            source: Source::Default,
            origin: format!(
                "dockerd's default (no --{} on the command line, no \"{}\" in {})",
                self.flag, self.key, daemon.config_file
            ),
        })
    }
}

/// A JSON item as text: strings as themselves, anything else as compact JSON.
fn render(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Where `docker info` reports an option's effective value.
#[derive(Debug, Clone, Copy)]
pub struct InfoField {
    /// The field, for evidence (`LiveRestoreEnabled`).
    pub field: &'static str,
    /// Read it from the `docker info` document; `None` when the document lacks it.
    pub read: fn(&Json) -> Option<Value>,
}

/// The entries of `SecurityOptions` in a `docker info` document (`name=seccomp,profile=default`).
pub fn security_options(info: &Json) -> Vec<&str> {
    info["SecurityOptions"]
        .as_array()
        .map(|items| items.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default()
}

/// The `SecurityOptions` entry `name=<name>`, with its other properties
/// (`name=seccomp,profile=default` for `seccomp`), if the daemon reports it.
pub fn security_option<'a>(info: &'a Json, name: &str) -> Option<&'a str> {
    security_options(info).into_iter().find(|entry| {
        entry
            .split(',')
            .next()
            .and_then(|first| first.strip_prefix("name="))
            == Some(name)
    })
}

/// What a daemon is judged with: its configuration, and `docker info` when it describes it.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The daemon.
    pub daemon: &'a Daemon,
    /// `docker info` of this very daemon, when that is certain (see the module doc).
    pub info: Option<&'a Json>,
}

impl Context<'_> {
    /// Another option of the same daemon (command line, file, default; never `docker info`).
    pub fn get(&self, option: &DaemonOption) -> Result<Observed, String> {
        option.read(self.daemon)
    }
}

/// A judge's verdict on one daemon: status, one sentence, and extra evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The status.
    pub status: Status,
    /// What was found, for a person (the daemon's name is prefixed by [`judge`]).
    pub message: String,
    /// More facts behind the verdict.
    pub evidence: Vec<(String, String)>,
}

impl Verdict {
    /// A verdict with this status and message.
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Verdict {
            status,
            message: message.into(),
            evidence: Vec::new(),
        }
    }
    /// The daemon meets the item.
    pub fn pass(message: impl Into<String>) -> Self {
        Verdict::new(Status::Pass, message)
    }
    /// The daemon violates the item.
    pub fn fail(message: impl Into<String>) -> Self {
        Verdict::new(Status::Fail, message)
    }
    /// A person should look (manual items).
    pub fn info(message: impl Into<String>) -> Self {
        Verdict::new(Status::Info, message)
    }
    /// The item does not apply to this daemon.
    pub fn skip(message: impl Into<String>) -> Self {
        Verdict::new(Status::Skip, message)
    }
    /// The item could not be judged.
    pub fn error(message: impl Into<String>) -> Self {
        Verdict::new(Status::Error, message)
    }
    /// Add a fact.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.evidence.push((key.into(), value.into()));
        self
    }
}

/// What a daemon control checks: one option, where `docker info` shows it, and a judge.
#[derive(Debug, Clone, Copy)]
pub struct OptionRule {
    /// The option judged.
    pub option: DaemonOption,
    /// Where `docker info` reports its effective value, if it does.
    pub info: Option<InfoField>,
    /// The verdict on the option's effective value (other options through the context).
    pub judge: fn(&Observed, &Context<'_>) -> Verdict,
    /// What to set, for failures and [`remediate`]: `"icc": false in daemon.json (or
    /// --icc=false)`.
    pub fix: &'static str,
}

/// Judge every daemon of the host against `rule` (see the module doc).
pub fn judge(facts: &impl Facts, rule: &OptionRule) -> Vec<Finding> {
    let scan = scan_daemons(facts);
    let info = rule.info.map(|_| daemon_info(facts, &scan));
    scan.daemons
        .iter()
        .map(|daemon| judge_daemon(rule, &scan, daemon, info.as_ref()))
        .collect()
}

fn judge_daemon(
    rule: &OptionRule,
    scan: &DaemonScan,
    daemon: &Daemon,
    info: Option<&Result<Json, String>>,
) -> Finding {
    if let Some(problem) = daemon.config_problem() {
        return Finding::error(Target::file(&daemon.config_file), problem)
            .with_evidence("daemon", daemon.describe());
    }
    let configured = match rule.option.read(daemon) {
        Ok(observed) => observed,
        Err(why) => {
            return Finding::error(Target::Host, format!("{}: {why}", daemon.describe()))
                .with_evidence("daemon", daemon.describe());
        }
    };
    let ctx = Context {
        daemon,
        info: info.and_then(|i| i.as_ref().ok()),
    };
    let reported = rule.info.zip(ctx.info).and_then(|(field, doc)| {
        (field.read)(doc).map(|value| Observed {
            value,
            source: Source::DockerInfo,
            origin: format!("docker info ({}) of {}", field.field, daemon.describe()),
        })
    });
    let observed = reported.as_ref().unwrap_or(&configured);
    let verdict = (rule.judge)(observed, &ctx);
    let mut message = format!("{}: {}", daemon.describe(), verdict.message);
    if observed.source == Source::DockerInfo
        && configured.source != Source::Default
        && configured.value != observed.value
    {
        message.push_str(&format!(
            "; the configuration says {} ({}), not yet applied: restart dockerd",
            configured.value, configured.origin
        ));
    }
    let mut finding = Finding::new(Target::Host, verdict.status, message)
        .with_evidence("daemon", daemon.describe())
        .with_evidence(rule.option.key, observed.value.to_string())
        .with_evidence("source", observed.origin.clone());
    if observed.source == Source::DockerInfo {
        finding = finding.with_evidence(
            "configured",
            format!("{} ({})", configured.value, configured.origin),
        );
    }
    if let Some(Err(why)) = info {
        finding = finding.with_evidence("docker_info", format!("not used: {why}"));
    }
    if let Some(err) = &scan.process_error {
        finding = finding.with_evidence(
            "processes",
            format!(
                "cannot list dockerd processes ({}); judged the configuration in {}",
                describe_error(err),
                daemon.config_file
            ),
        );
    }
    for (key, value) in verdict.evidence {
        finding = finding.with_evidence(key, value);
    }
    if verdict.status == Status::Fail {
        finding = finding.with_evidence("fix", rule.fix);
    }
    finding
}

/// `docker info`, when it certainly describes the one daemon of `scan`; otherwise why not.
fn daemon_info(facts: &impl Facts, scan: &DaemonScan) -> Result<Json, String> {
    if let Some(err) = &scan.process_error {
        return Err(format!(
            "cannot list dockerd processes ({})",
            describe_error(err)
        ));
    }
    let running: Vec<&Daemon> = scan.daemons.iter().filter(|d| d.pid.is_some()).collect();
    let daemon = match running.as_slice() {
        [] => {
            return Err("no dockerd runs; judged the configuration the next one would use".into());
        }
        [one] => *one,
        many => {
            return Err(format!(
                "{} dockerd processes run and docker info describes only the one bulkhead \
                 connects to",
                many.len()
            ));
        }
    };
    let text = facts
        .info()
        .map_err(|err| format!("the daemon did not answer ({})", describe_error(&err)))?;
    let doc: Json = serde_json::from_str(&text)
        .map_err(|err| format!("docker info is not valid JSON ({err})"))?;
    let data_root = DATA_ROOT.read(daemon)?;
    let reported = doc["DockerRootDir"].as_str().unwrap_or_default();
    if data_root.source != Source::Default
        && let Some(root) = data_root.value.as_text()
        && root.trim_end_matches('/') != reported.trim_end_matches('/')
    {
        return Err(format!(
            "docker info is from a daemon with data root {reported}, not {root} ({})",
            data_root.origin
        ));
    }
    Ok(doc)
}

/// `--data-root` / `"data-root"`: tells daemons apart when matching `docker info`.
const DATA_ROOT: DaemonOption = DaemonOption {
    flag: "data-root",
    key: "data-root",
    kind: Kind::Text,
    default: Fallback::Text("/var/lib/docker"),
};

/// Refuse to fix `id`: the contract cannot change a daemon's configuration.
pub fn remediate(id: &str, rule: &OptionRule, target: Target) -> Result<(), Error> {
    Err(Error::Invalid(format!(
        "{id} cannot change the Docker daemon's configuration ({target}); by hand: {}, then \
         restart dockerd",
        rule.fix
    )))
}

/// Write a whole daemon-option control: metadata, audit and remediate from an
/// [`OptionRule`], exported as the component. It reads only `dockerd-config`.
///
/// ```text
/// bulkhead_sdk::option_control! {
///     id: "daemon-live-restore-enabled",
///     cis: "2.15",
///     title: "...", description: "...", rationale: "...", remediation: "...",
///     severity: Low,
///     rule: OptionRule { option: LIVE_RESTORE, info: None, judge: |o, _| ..., fix: "..." },
/// }
/// ```
///
/// It defines `RULE`, `pub fn audit(&impl Facts)` and `pub fn remediate(Target)` for unit
/// tests, and the exported `Control`.
#[macro_export]
macro_rules! option_control {
    (
        id: $id:literal,
        cis: $cis:literal,
        title: $title:literal,
        description: $description:literal,
        rationale: $rationale:literal,
        remediation: $remediation:literal,
        severity: $severity:ident,
        rule: $rule:expr $(,)?
    ) => {
        /// What this control checks.
        pub const RULE: $crate::options::OptionRule = $rule;

        /// Judge every daemon of the host.
        pub fn audit(facts: &impl $crate::Facts) -> ::std::vec::Vec<$crate::Finding> {
            $crate::options::judge(facts, &RULE)
        }

        /// Refuse, naming what to set by hand.
        pub fn remediate(target: $crate::Target) -> ::std::result::Result<(), $crate::Error> {
            $crate::options::remediate($id, &RULE, target)
        }

        $crate::cis_control! {
            id: $id,
            title: $title,
            description: $description,
            rationale: $rationale,
            remediation: $remediation,
            severity: $severity,
            cis: $cis,
            reads: ["dockerd-config"],
            remediate: |target| remediate(target),
        }
    };
}

#[cfg(test)]
mod tests;
