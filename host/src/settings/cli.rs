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
    Run(RunArgs),
    /// List the controls that would run: id, title, version, source.
    Controls(Listing),
    /// Plan the fixes for failing targets (a dry run); `--apply` makes them, journaled.
    Fix(FixArgs),
    /// Undo every change of a `fix --apply` run, from its journal.
    Rollback(RollbackArgs),
    /// Drop-in controls: list them, or inspect one before trusting it.
    #[command(subcommand)]
    Plugins(PluginsCommand),
}

/// Flags of `fix`.
#[derive(Debug, Args)]
pub struct FixArgs {
    /// Which controls, and where.
    #[command(flatten)]
    pub sel: Selection,

    /// Output format [default: table, or `[defaults] format` from the configuration
    /// when it names one of these].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Only fix targets matching PATTERN (`*` matches anything), e.g. `container:web`
    /// or `file:/etc/docker/*`. Repeatable.
    #[arg(long = "target", value_name = "PATTERN")]
    pub targets: Vec<String>,

    /// Make the changes (journaled; undo with `bulkhead rollback`). Without it, nothing
    /// changes and the plan is printed.
    #[arg(long)]
    pub apply: bool,

    /// Where the journal goes.
    #[arg(long, value_name = "DIR", default_value = crate::fix::journal::DEFAULT_JOURNAL)]
    pub journal: PathBuf,

    /// Overall bound on the remediate calls, in seconds: none starts after it, and
    /// the targets left are reported as not fixed (exit 2). A call under way ends
    /// within its own deadline (`--timeout`).
    #[arg(
        long = "fix-timeout",
        value_name = "SECONDS",
        default_value_t = DEFAULT_FIX_TIMEOUT_SECS,
        value_parser = clap::value_parser!(u64).range(1..=86_400)
    )]
    pub fix_timeout: u64,
}

/// `fix --fix-timeout`'s default: five minutes for every remediate call of the run.
pub const DEFAULT_FIX_TIMEOUT_SECS: u64 = 300;

/// Flags of `rollback`.
#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The run to undo (its id, as `fix --apply` printed it).
    #[arg(
        value_name = "RUN-ID",
        required_unless_present = "last",
        conflicts_with = "last"
    )]
    pub run_id: Option<String>,

    /// Undo the newest run in the journal.
    #[arg(long)]
    pub last: bool,

    /// Where the journal is.
    #[arg(long, value_name = "DIR", default_value = crate::fix::journal::DEFAULT_JOURNAL)]
    pub journal: PathBuf,

    /// The configuration file and the lockdown (which refuses a rollback).
    #[command(flatten)]
    pub settings: ConfigFlags,

    /// Output format [default: table, or `[defaults] format` from the configuration
    /// when it names one of these].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

/// `bulkhead plugins ...`
#[derive(Debug, Subcommand)]
pub enum PluginsCommand {
    /// Every control found (bundled and drop-in), where from, and whether it can run.
    List(Box<Listing>),
    /// What a `.wasm` control is, what it imports, and whether this host would run it.
    /// Exits 2 when it would not.
    Inspect(InspectArgs),
}

/// Flags of `plugins inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The component to inspect.
    #[arg(value_name = "FILE.wasm")]
    pub file: PathBuf,

    /// Configuration file (for trust pins); default `/etc/bulkhead/config.toml` if present.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Output format [default: table, or `[defaults] format` from the configuration
    /// when it names one of these].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

/// Output formats of the listings (`controls`, `plugins`, `fix`, `rollback`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for a person.
    Table,
    /// One JSON document.
    Json,
}

/// Flags of `controls` and `plugins list`.
#[derive(Debug, Args)]
pub struct Listing {
    /// Which controls, and where.
    #[command(flatten)]
    pub sel: Selection,

    /// Output format [default: table, or `[defaults] format` from the configuration
    /// when it names one of these].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

/// Flags of `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Which controls, and where.
    #[command(flatten)]
    pub sel: Selection,

    /// Report format: `table` for a person (colour only on a terminal, never with
    /// `NO_COLOR` set), `json` (`bulkhead.report/v1`), `sarif` (SARIF 2.1.0, for code
    /// scanning), `junit` (JUnit XML), `asff` (AWS Security Finding Format, for Security
    /// Hub's BatchImportFindings) [default: table, or `[defaults] format` from the
    /// configuration].
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,

    /// Write the report to FILE (created with mode 0600, replaced atomically) instead of
    /// stdout. Its directory must exist.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// What makes the exit code 1: any unwaived `fail` of a control of this severity or
    /// higher (`info` < `low` < `medium` < `high` < `critical`), or any unwaived result
    /// with this status or worse (`warn`: a warn or a fail; `fail`: a fail). Without it,
    /// any unwaived `fail`. `never`: exit 0 whatever the findings. Errors still make
    /// it 2.
    #[arg(long = "fail-on", value_enum, value_name = "SEVERITY|STATUS|never")]
    pub fail_on: Option<FailOn>,

    /// The audited machine's name in the reports (JUnit `hostname`, SARIF `machine`,
    /// ASFF finding and resource ids) [default: the first line of `/etc/hostname` under
    /// --root when it is not `/`, else this machine's host name].
    #[arg(long, value_name = "NAME")]
    pub hostname: Option<String>,

    /// No table on stdout: only the closing summary line and errors on stderr. A
    /// report asked for with --output or a machine --format is still written.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// The AWS account that imports the findings (`--format asff`); default
    /// `$AWS_ACCOUNT_ID`.
    #[arg(
        long = "aws-account-id",
        value_name = "ACCOUNT",
        env = "AWS_ACCOUNT_ID"
    )]
    pub aws_account_id: Option<String>,

    /// The AWS Region of the Security Hub that imports the findings (`--format asff`);
    /// default `$AWS_REGION`, then `$AWS_DEFAULT_REGION`.
    #[arg(long = "aws-region", value_name = "REGION")]
    pub aws_region: Option<String>,
}

/// Report formats of `run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Aligned columns for a person.
    Table,
    /// The `bulkhead.report/v1` JSON document.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF consumers).
    Sarif,
    /// JUnit XML: one test case per control and target.
    Junit,
    /// AWS Security Finding Format: a JSON array of findings for Security Hub.
    Asff,
}

/// The threshold of `--fail-on`: a severity, or a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A `fail` of any control.
    Info,
    /// A `fail` of a control of severity low or higher.
    Low,
    /// A `fail` of a control of severity medium or higher.
    Medium,
    /// A `fail` of a control of severity high or critical.
    High,
    /// A `fail` of a critical control.
    Critical,
    /// Any `warn` or `fail`.
    Warn,
    /// Any `fail` (the default).
    Fail,
    /// Nothing: exit 0 whatever the findings, for pipelines that only collect the
    /// report. Results that could not be judged still exit 2.
    Never,
}

/// Flags every subcommand that runs controls understands.
#[derive(Debug, Args)]
pub struct Selection {
    /// Run only these controls: ids, CIS items (`5.4`) or sections (`3`, `1.1.*`);
    /// comma-separated, repeatable [default: every control, or `[defaults] only` from
    /// the configuration].
    #[arg(long, value_delimiter = ',', value_name = "PATTERN[,...]")]
    pub only: Vec<String>,

    /// Leave these controls out (same patterns as --only; applied after it).
    #[arg(long, value_delimiter = ',', value_name = "PATTERN[,...]")]
    pub skip: Vec<String>,

    /// Also load every `*.wasm` in DIR (repeatable). `/etc/bulkhead/plugins.d` and
    /// `$XDG_CONFIG_HOME/bulkhead/plugins` are loaded too when they exist.
    #[arg(long = "plugin-dir", value_name = "DIR")]
    pub plugin_dirs: Vec<PathBuf>,

    /// Audit the filesystem under DIR, as if it were `/` [default: /, or `[defaults]
    /// root` from the configuration].
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Read the process table from DIR [default: /proc, or `[defaults] proc` from the
    /// configuration].
    #[arg(long, value_name = "DIR")]
    pub proc: Option<PathBuf>,

    /// The Docker daemon to ask (`unix:///path` or `tcp://host:port`). Repeatable:
    /// several daemons are audited concurrently into one report [default:
    /// `$DOCKER_HOST`, then `[defaults] docker_host` from the configuration, then the
    /// local daemon: a rootless user's `$XDG_RUNTIME_DIR/docker.sock`, else
    /// unix:///var/run/docker.sock].
    #[arg(long = "docker-host", value_name = "URL")]
    pub docker_hosts: Vec<String>,

    /// CA certificate that signed the daemons' TLS certificates (tcp://); default
    /// `$DOCKER_CERT_PATH/ca.pem` when DOCKER_CERT_PATH or DOCKER_TLS_VERIFY is set.
    #[arg(long, value_name = "FILE")]
    pub tlscacert: Option<PathBuf>,

    /// TLS client certificate (default `$DOCKER_CERT_PATH/cert.pem`).
    #[arg(long, value_name = "FILE")]
    pub tlscert: Option<PathBuf>,

    /// TLS client key (default `$DOCKER_CERT_PATH/key.pem`).
    #[arg(long, value_name = "FILE")]
    pub tlskey: Option<PathBuf>,

    /// Keep compiled controls in DIR, or `off` for no cache [default:
    /// `$BULKHEAD_CACHE_DIR`, then `$XDG_CACHE_HOME/bulkhead`, then
    /// `~/.cache/bulkhead`; without HOME, /var/cache/bulkhead for root].
    #[arg(long = "cache-dir", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Wall-clock limit for one call into a control, in seconds [default: 30, or
    /// `[limits] timeout_secs` from the configuration].
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,

    /// The configuration file and the lockdown.
    #[command(flatten)]
    pub settings: ConfigFlags,
}

/// Where the configuration comes from, and the lockdown switch.
#[derive(Debug, Clone, Args)]
pub struct ConfigFlags {
    /// Configuration file; default `/etc/bulkhead/config.toml` when it exists.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Lockdown: refuse every mutating path (also `BULKHEAD_AUDIT_ONLY=1` or
    /// `audit_only = true` in the configuration). The report states the mode.
    #[arg(
        long = "audit-only",
        env = "BULKHEAD_AUDIT_ONLY",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub audit_only: bool,
}
