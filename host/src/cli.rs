//! Command-line interface: the flags are a contract with users and scripts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Audit and harden a Docker host with sandboxed WebAssembly controls.
#[derive(Debug, Parser)]
#[command(name = "bulkhead", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit the host: run every selected control, change nothing.
    Run(Selection),
    /// List the controls that would run: id, title, version, source.
    Controls(Selection),
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for a person.
    Table,
    /// One JSON document (`bulkhead.report/v1` for `run`).
    Json,
}

/// Flags every subcommand that runs controls understands.
#[derive(Debug, Args)]
pub struct Selection {
    /// Run only these controls (comma-separated ids, repeatable).
    #[arg(long, value_delimiter = ',', value_name = "ID[,ID...]")]
    pub only: Vec<String>,

    /// Also load every `*.wasm` in DIR (repeatable). `/etc/bulkhead/plugins.d` and
    /// `$XDG_CONFIG_HOME/bulkhead/plugins` are loaded too when they exist.
    #[arg(long = "plugin-dir", value_name = "DIR")]
    pub plugin_dirs: Vec<PathBuf>,

    /// Audit the filesystem under DIR, as if it were `/`.
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,

    /// Read the process table from DIR.
    #[arg(long, value_name = "DIR", default_value = "/proc")]
    pub proc: PathBuf,

    /// The Docker daemon to ask (`unix:///path` or `tcp://host:port`).
    /// Defaults to `$DOCKER_HOST`, then `unix:///var/run/docker.sock`.
    #[arg(long = "docker-host", value_name = "URL")]
    pub docker_host: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Wall-clock limit for one call into a control, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}
