//! The subcommands, from parsed flags to an exit code.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};

use crate::bindings::control::Finding;
use crate::cache::{self, Cache};
use crate::caps::admin::{AdminCtx, AdminMode};
use crate::caps::docker::{DEFAULT_DOCKER_HOST, DockerCtx};
use crate::caps::fs::FsCtx;
use crate::caps::process::ProcCtx;
use crate::catalog::{self, Catalog, Control};
use crate::cli::{
    Cli, Command, Format, PluginsCommand, ReportFormat, RunArgs, Selection, Settings,
};
use crate::config::Config;
use crate::engine::Runtime;
use crate::formats;
use crate::gate;
use crate::grants::Grants;
use crate::journal::Journal;
use crate::report::Report;
use crate::runner::CallOutcome;
use crate::runner::Runner;
use crate::scope;
use crate::state::RunContext;
use crate::timings;

/// Run the command line; returns the process exit code.
pub async fn execute(cli: Cli, out: &mut dyn Write) -> anyhow::Result<u8> {
    timings::start();
    match cli.command {
        Command::Run(args) => run(&args, out).await,
        Command::Controls(list) => controls(&list.sel, list.format, out).await,
        Command::Plugins(PluginsCommand::List(list)) => {
            let s = session(&list.sel, Mode::Audit).await?;
            crate::inspect::list(&s.catalog, list.format, out)
        }
        Command::Plugins(PluginsCommand::Inspect(args)) => {
            crate::inspect::inspect(&args, out).await
        }
        Command::Fix(args) => crate::fix::fix(&args, out).await,
        Command::Rollback(args) => crate::fix::rollback(&args, out).await,
    }
}

/// Everything needed to load and run controls for one invocation.
pub(crate) struct Session {
    /// Kept for the whole run: dropping it stops the epoch ticker, and with it every
    /// deadline.
    _runtime: Arc<Runtime>,
    pub(crate) runner: Runner,
    pub(crate) catalog: Catalog,
    /// The selected controls, in catalog order.
    pub(crate) selected: Vec<Arc<Control>>,
    pub(crate) root: String,
    pub(crate) docker_host: String,
    pub(crate) audit_only: bool,
}

/// What a session's mutating calls do.
pub(crate) enum Mode {
    /// `run`: nothing may change.
    Audit,
    /// `fix`: record what would change.
    Plan,
    /// `fix --apply`: change, journaled in this directory.
    Apply(std::path::PathBuf),
}

/// Whether the lockdown is on, from flag, environment (via clap) or configuration.
pub(crate) fn audit_only(settings: &Settings) -> anyhow::Result<bool> {
    Ok(settings.audit_only || Config::load(settings.config.as_deref())?.audit_only)
}

pub(crate) async fn session(sel: &Selection, mode: Mode) -> anyhow::Result<Session> {
    let config = Config::load(sel.settings.config.as_deref())?;
    let fs = FsCtx::open(&sel.root).with_context(|| {
        format!(
            "cannot use --root {}: it must be an existing directory",
            sel.root.display()
        )
    })?;
    for dir in &sel.plugin_dirs {
        if !dir.is_dir() {
            bail!(
                "--plugin-dir {} is not a directory; give a directory holding .wasm controls",
                dir.display()
            );
        }
    }
    let docker_host = sel
        .docker_host
        .clone()
        .or_else(|| std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty()))
        .unwrap_or_else(|| DEFAULT_DOCKER_HOST.to_owned());
    let root = display_root(&sel.root);
    let admin = match mode {
        Mode::Audit => AdminMode::Deny,
        Mode::Plan => AdminMode::Plan,
        Mode::Apply(dir) => {
            let journal = Journal::create(&dir, &root, &docker_host).with_context(|| {
                format!(
                    "cannot start a journal in {} (use --journal DIR)",
                    dir.display()
                )
            })?;
            AdminMode::Apply(tokio::sync::Mutex::new(journal))
        }
    };
    let run = Arc::new(RunContext {
        fs,
        proc: ProcCtx::new(&sel.proc),
        docker: DockerCtx::new(docker_host.clone()),
        admin: AdminCtx::new(admin),
    });
    let runner = Runner::new(run, config.limits.resolve(sel.timeout));
    let runtime = Arc::new(Runtime::new().context("cannot start the WebAssembly engine")?);
    timings::mark("engine");

    let mut dirs = sel.plugin_dirs.clone();
    for dir in &config.plugin_dirs {
        if !dir.is_dir() {
            bail!(
                "plugin_dirs entry {} in {} is not a directory",
                dir.display(),
                config
                    .path
                    .as_deref()
                    .unwrap_or(Path::new("the configuration"))
                    .display()
            );
        }
    }
    for dir in config
        .plugin_dirs
        .iter()
        .cloned()
        .chain(catalog::default_plugin_dirs())
    {
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    let cache = cache::default_dir().and_then(|dir| Cache::open(&dir));
    let catalog = Catalog::load(&runtime, &runner, &dirs, &config.trust, cache.as_ref()).await?;
    timings::mark("catalog");

    let unknown: Vec<&String> = sel
        .only
        .iter()
        .filter(|id| !catalog.controls.iter().any(|c| &c.meta.id == *id))
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = catalog
            .controls
            .iter()
            .map(|c| c.meta.id.as_str())
            .collect();
        bail!(
            "unknown control id(s) in --only: {}; known ids: {} (see `bulkhead controls`)",
            unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            known.join(", ")
        );
    }
    let selected = catalog
        .controls
        .iter()
        .filter(|c| sel.only.is_empty() || sel.only.contains(&c.meta.id))
        .cloned()
        .collect();
    Ok(Session {
        _runtime: runtime,
        runner,
        catalog,
        selected,
        root,
        docker_host,
        audit_only: sel.settings.audit_only || config.audit_only,
    })
}

pub(crate) fn display_root(root: &Path) -> String {
    std::fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .display()
        .to_string()
}

async fn run(args: &RunArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    let sel = &args.sel;
    // Settle everything about the output before the audit, so a typo costs nothing.
    let aws = match args.format {
        ReportFormat::Asff => Some(formats::asff::Account::resolve(
            args.aws_account_id.as_deref(),
            args.aws_region.as_deref(),
        )?),
        _ => None,
    };
    if let Some(path) = &args.output {
        formats::output_dir(path)?;
    }
    let s = session(sel, Mode::Audit).await?;
    let mut report = Report::new("audit", s.root.clone(), s.docker_host.clone());
    report.audit_only = s.audit_only;
    // With --only, a broken drop-in that was not asked for does not fail the run.
    if sel.only.is_empty() {
        for failure in &s.catalog.failures {
            report.add_failure(failure);
        }
    }
    let outcomes = audit_all(&s, &dockerd_paths(&s)).await?;
    for (control, outcome) in s.selected.iter().zip(outcomes) {
        report.add_run(control, outcome);
    }
    report.finish();
    let options = formats::RenderOptions {
        color: args.format == ReportFormat::Table && formats::use_color(args.output.is_some()),
        aws,
        now: std::time::SystemTime::now(),
        hostname: formats::hostname(),
    };
    let rendered = formats::render(&report, args.format, &options)?;
    match &args.output {
        Some(path) => formats::write_atomically(path, &rendered)?,
        None => out.write_all(&rendered)?,
    }
    for failure in &s.catalog.failures {
        eprintln!("bulkhead: {failure}");
    }
    timings::mark("total");
    timings::report();
    let verdict = gate::evaluate(&report, args.fail_on);
    eprintln!("{}", gate::summary_line(&report, &verdict));
    Ok(verdict.code)
}

/// The run's daemon paths, if any selected control declared `dockerd-config`.
pub(crate) fn dockerd_paths(s: &Session) -> Vec<String> {
    if s.selected
        .iter()
        .any(|c| scope::needs_dockerd_paths(&c.meta.reads))
    {
        scope::dockerd_paths(s.runner.run())
    } else {
        Vec::new()
    }
}

/// Audit every selected control concurrently, file reads scoped with the run's
/// `dockerd_paths`; outcomes in `s.selected` order.
pub(crate) async fn audit_all(
    s: &Session,
    dockerd_paths: &[String],
) -> anyhow::Result<Vec<CallOutcome<Vec<Finding>>>> {
    let mut tasks = tokio::task::JoinSet::new();
    timings::mark("first_call");
    for (index, control) in s.selected.iter().enumerate() {
        let runner = s.runner.clone();
        let control = control.clone();
        let grants = Grants::audit(scope::scope_for(&control.meta.reads, dockerd_paths));
        tasks.spawn(async move {
            let outcome = runner.audit(&control.pre, grants).await;
            (index, outcome)
        });
    }
    let mut outcomes = Vec::with_capacity(s.selected.len());
    while let Some(joined) = tasks.join_next().await {
        outcomes.push(joined.context("a control's task failed")?);
    }
    timings::mark("audits");
    outcomes.sort_by_key(|(index, _)| *index);
    Ok(outcomes.into_iter().map(|(_, o)| o).collect())
}

async fn controls(sel: &Selection, format: Format, out: &mut dyn Write) -> anyhow::Result<u8> {
    let s = session(sel, Mode::Audit).await?;
    match format {
        Format::Json => {
            let list: Vec<_> = s
                .selected
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": c.meta.id,
                        "title": c.meta.title,
                        "version": c.meta.version,
                        "source": c.source,
                        "sha256": c.sha256,
                        "severity": c.meta.severity,
                        "references": c.meta.references,
                        "reads": c.meta.reads,
                        "description": c.meta.description,
                    })
                })
                .collect();
            let failures = &s.catalog.failures;
            serde_json::to_writer_pretty(
                &mut *out,
                &serde_json::json!({"controls": list, "failures": failures}),
            )?;
            writeln!(out)?;
        }
        Format::Table => {
            let w_id = s
                .selected
                .iter()
                .map(|c| c.meta.id.len())
                .max()
                .unwrap_or(2)
                .max(2);
            let w_ver = s
                .selected
                .iter()
                .map(|c| c.meta.version.len())
                .max()
                .unwrap_or(7)
                .max(7);
            writeln!(
                out,
                "{:<w_id$}  {:<w_ver$}  {:<10}  TITLE",
                "ID", "VERSION", "SOURCE"
            )?;
            for c in &s.selected {
                writeln!(
                    out,
                    "{:<w_id$}  {:<w_ver$}  {:<10}  {} [{}]",
                    c.meta.id,
                    c.meta.version,
                    c.source.to_string(),
                    c.meta.title,
                    c.meta.references.join("; ")
                )?;
            }
        }
    }
    for failure in &s.catalog.failures {
        eprintln!("bulkhead: {failure}");
    }
    Ok(if s.catalog.failures.is_empty() { 0 } else { 2 })
}
