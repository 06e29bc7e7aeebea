//! Inputs settled once: the flags, the environment, the configuration file (read once)
//! and the built-in defaults, resolved into one validated [`Settings`] per command.
//!
//! `cli.rs` holds what was typed (every flag an `Option`, so that "not given" shows);
//! [`crate::settings::file`] holds what the file says; this module decides, once, what is in
//! force and refuses what cannot work, before anything is loaded or asked. Nothing
//! after it reads a flag, an environment variable or the file again.

pub mod cli;
pub mod defaults;
pub mod file;

use std::path::{Path, PathBuf};

use anyhow::bail;

use crate::sandbox::limits::Limits;
use crate::sandbox::{cache_dir, catalog};
use crate::settings::cli::{ConfigFlags, Selection};
use crate::settings::file::Config;
use crate::sources::docker::{self, Endpoint, TlsFlags};

/// Everything one command runs with, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The configuration file as read (its waivers and trust pins, for one).
    pub config: Config,
    /// Whether the lockdown is on (flag, `BULKHEAD_AUDIT_ONLY` or the file).
    pub audit_only: bool,
    /// The audited root: an existing directory.
    pub root: PathBuf,
    /// The root as reports name it (canonical when it can be).
    pub root_display: String,
    /// The process table.
    pub proc: PathBuf,
    /// The daemons, first the one a single-daemon command talks to; never empty.
    pub endpoints: Vec<Endpoint>,
    /// Where drop-ins are loaded from: `--plugin-dir`s, then `plugin_dirs`, then the
    /// default directories that exist; each once, each an existing directory.
    pub plugin_dirs: Vec<PathBuf>,
    /// The controls asked for (flag or `[defaults] only`); empty means all.
    pub only: Vec<String>,
    /// How a message names where `only` came from.
    pub only_origin: String,
    /// The controls left out.
    pub skip: Vec<String>,
    /// The compile cache's directory: `Ok(None)` when turned off, `Err` with the
    /// reason when no place for it was found ([`cache_dir::locate`]).
    pub cache: Result<Option<PathBuf>, String>,
    /// The bounds of every call.
    pub limits: Limits,
    /// What the user should hear about the settings (a daemon reached without TLS).
    pub warnings: Vec<String>,
}

/// Where the environment is read from: the process's, or a table in tests.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process's environment.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The configuration file `flags` name (or the system one), read once, and whether the
/// lockdown is on. For commands that run no controls (`rollback`).
pub fn lockdown(flags: &ConfigFlags) -> anyhow::Result<(Config, bool)> {
    let config = Config::load(flags.config.as_deref())?;
    let audit_only = flags.audit_only || config.audit_only;
    Ok((config, audit_only))
}

impl Settings {
    /// Resolve `sel` with the process's environment and the default plugin
    /// directories.
    pub fn resolve(sel: &Selection) -> anyhow::Result<Settings> {
        let (config, audit_only) = lockdown(&sel.settings)?;
        Settings::with_config(sel, config, audit_only)
    }

    /// [`Settings::resolve`] with the configuration already read ([`lockdown`]), for a
    /// command that checks the lockdown before anything else.
    pub fn with_config(
        sel: &Selection,
        config: Config,
        audit_only: bool,
    ) -> anyhow::Result<Settings> {
        Settings::from_parts(
            sel,
            config,
            audit_only,
            &process_env,
            euid(),
            catalog::default_plugin_dirs(),
        )
    }

    /// Resolve `sel` against an already-read `config`, the environment `env`, the
    /// effective uid and the default plugin directories that exist.
    pub fn from_parts(
        sel: &Selection,
        config: Config,
        audit_only: bool,
        env: Env<'_>,
        euid: Option<u32>,
        default_dirs: Vec<PathBuf>,
    ) -> anyhow::Result<Settings> {
        let eff = config.defaults.resolve(sel, env("DOCKER_HOST"));
        if !eff.root.is_dir() {
            bail!(
                "cannot use {} {}: it must be an existing directory",
                origin(
                    "--root",
                    "root",
                    sel.root.is_none() && config.defaults.root.is_some(),
                    &config
                ),
                eff.root.display()
            );
        }
        for dir in &sel.plugin_dirs {
            if !dir.is_dir() {
                bail!(
                    "--plugin-dir {} is not a directory; give a directory holding .wasm controls",
                    dir.display()
                );
            }
        }
        for dir in &config.plugin_dirs {
            if !dir.is_dir() {
                bail!(
                    "plugin_dirs entry {} in {} is not a directory",
                    dir.display(),
                    config.origin()
                );
            }
        }
        let tls = TlsFlags {
            ca: sel.tlscacert.clone(),
            cert: sel.tlscert.clone(),
            key: sel.tlskey.clone(),
        };
        let endpoints =
            docker::endpoints(&eff.docker_hosts, &tls, env, euid).map_err(anyhow::Error::msg)?;
        let warnings = endpoints
            .iter()
            .filter(|e| e.url.starts_with("tcp://") && e.tls.is_none())
            .map(|e| {
                format!(
                    "warning: {e} without TLS: anyone on the network path can read and alter \
                     what the daemon answers (give --tlscacert/--tlscert/--tlskey or \
                     DOCKER_CERT_PATH)"
                )
            })
            .collect();
        let mut plugin_dirs = sel.plugin_dirs.clone();
        for dir in config.plugin_dirs.iter().cloned().chain(default_dirs) {
            if !plugin_dirs.contains(&dir) {
                plugin_dirs.push(dir);
            }
        }
        let from_config = sel.only.is_empty() && config.defaults.only.is_some();
        let only_origin = origin("--only", "only", from_config, &config);
        let cache = cache_dir::locate(sel.cache_dir.as_deref(), env, euid, &cache_dir::passwd_home);
        Ok(Settings {
            cache,
            limits: config.limits.resolve(sel.timeout),
            audit_only,
            root_display: display_root(&eff.root),
            root: eff.root,
            proc: eff.proc,
            endpoints,
            plugin_dirs,
            only: eff.only,
            only_origin,
            skip: sel.skip.clone(),
            warnings,
            config,
        })
    }

    /// The first daemon's URL: the one a single-daemon command talks to.
    pub fn docker_host(&self) -> &str {
        &self.endpoints[0].url
    }
}

/// This process's effective uid (the owner of `/proc/self`).
fn euid() -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map(|m| m.uid()).ok()
}

/// How to name a setting in a message: where in the configuration it came from, else
/// its flag.
fn origin(flag: &str, key: &str, from_config: bool, config: &Config) -> String {
    if from_config {
        format!("[defaults] {key} in {}", config.origin())
    } else {
        flag.to_owned()
    }
}

/// `root` as reports name it: canonical when it can be resolved.
pub fn display_root(root: &Path) -> String {
    std::fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::settings::cli::{Cli, Command};

    fn selection(args: &[&str]) -> Selection {
        let argv = ["bulkhead", "run"].iter().chain(args).copied();
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Run(run) => run.sel,
            _ => unreachable!("parsed `run`"),
        }
    }

    fn env_of(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    fn resolve(args: &[&str], config: &str, env: Env<'_>) -> anyhow::Result<Settings> {
        let sel = selection(args);
        let config = Config::parse(config).unwrap();
        let audit_only = sel.settings.audit_only || config.audit_only;
        Settings::from_parts(&sel, config, audit_only, env, Some(0), Vec::new())
    }

    #[test]
    fn a_flag_beats_the_environment_which_beats_the_file_which_beats_the_default() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().display().to_string();
        let file = format!(
            "[defaults]\ndocker_host = \"unix:///file.sock\"\nonly = [\"5.4\"]\nroot = \"{dir}\"\n\
             [limits]\ntimeout_secs = 7\n"
        );
        let env = env_of(&[("DOCKER_HOST", "unix:///env.sock")]);
        let s = resolve(&["--docker-host", "unix:///flag.sock"], &file, &env).unwrap();
        assert_eq!(s.docker_host(), "unix:///flag.sock");
        let s = resolve(&[], &file, &env).unwrap();
        assert_eq!(s.docker_host(), "unix:///env.sock");
        assert_eq!(s.only, ["5.4"]);
        assert_eq!(s.only_origin, "[defaults] only in the configuration");
        assert_eq!(s.root, tmp.path());
        assert_eq!(s.limits.deadline, std::time::Duration::from_secs(7));
        // An empty DOCKER_HOST is not a daemon: the file's value holds.
        let empty = env_of(&[("DOCKER_HOST", "")]);
        let s = resolve(&["--timeout", "3"], &file, &empty).unwrap();
        assert_eq!(s.docker_host(), "unix:///file.sock");
        assert_eq!(s.limits.deadline, std::time::Duration::from_secs(3));
        // Nothing anywhere: root's local socket, every control, the root directory.
        let s = resolve(&[], "", &env_of(&[])).unwrap();
        assert_eq!(s.docker_host(), docker::DEFAULT_DOCKER_HOST);
        assert!(s.only.is_empty());
        assert_eq!(s.only_origin, "--only");
        assert_eq!(s.root, Path::new("/"));
        assert_eq!(s.root_display, "/");
    }

    #[test]
    fn a_root_that_is_not_a_directory_is_refused_naming_where_it_came_from() {
        let err = resolve(&["--root", "/nonexistent/x"], "", &env_of(&[])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot use --root /nonexistent/x: it must be an existing directory"
        );
        let file = "[defaults]\nroot = \"/nonexistent/y\"\n";
        let err = resolve(&[], file, &env_of(&[])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot use [defaults] root in the configuration /nonexistent/y: it must be an \
             existing directory"
        );
    }

    #[test]
    fn plugin_directories_are_checked_and_kept_once_in_order() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        let b = tmp.path().join("b");
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        let file = format!("plugin_dirs = [\"{}\", \"{}\"]\n", b.display(), a.display());
        let sel = selection(&["--plugin-dir", &a.display().to_string()]);
        let config = Config::parse(&file).unwrap();
        let s = Settings::from_parts(
            &sel,
            config,
            false,
            &env_of(&[]),
            Some(0),
            vec![a.clone(), tmp.path().to_path_buf()],
        )
        .unwrap();
        assert_eq!(s.plugin_dirs, [a.clone(), b, tmp.path().to_path_buf()]);

        let err = resolve(&["--plugin-dir", "/nonexistent/p"], "", &env_of(&[])).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("--plugin-dir /nonexistent/p is not a directory")
        );
        let file = "plugin_dirs = [\"/nonexistent/q\"]\n";
        let err = resolve(&[], file, &env_of(&[])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "plugin_dirs entry /nonexistent/q in the configuration is not a directory"
        );
    }

    #[test]
    fn the_lockdown_is_on_when_either_source_says_so() {
        assert!(
            resolve(&["--audit-only"], "", &env_of(&[]))
                .unwrap()
                .audit_only
        );
        assert!(
            resolve(&[], "audit_only = true\n", &env_of(&[]))
                .unwrap()
                .audit_only
        );
        assert!(!resolve(&[], "", &env_of(&[])).unwrap().audit_only);
    }

    #[test]
    fn a_plain_tcp_daemon_is_warned_about_once_and_a_bad_url_is_refused() {
        let s = resolve(
            &[
                "--docker-host",
                "tcp://10.0.0.1:2375",
                "--docker-host",
                "unix:///a.sock",
            ],
            "",
            &env_of(&[]),
        )
        .unwrap();
        assert_eq!(s.endpoints.len(), 2);
        assert_eq!(s.warnings.len(), 1);
        assert!(s.warnings[0].contains("tcp://10.0.0.1:2375 without TLS"));
        assert!(resolve(&["--docker-host", "ftp://x"], "", &env_of(&[])).is_err());
    }
}
