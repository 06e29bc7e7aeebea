//! The subcommands, from parsed flags to an exit code.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};

use crate::bindings::control::Finding;
use crate::cache::{self, Cache};
use crate::caps::admin::{AdminCtx, AdminMode};
use crate::caps::docker::{self, DockerCtx, Endpoint, TlsFlags};
use crate::caps::fs::FsCtx;
use crate::caps::machine::MachineCtx;
use crate::caps::process::ProcCtx;
use crate::caps::tasks::TasksCtx;
use crate::catalog::{self, Catalog, Control};
use crate::cli::{
    Cli, Command, Format, PluginsCommand, ReportFormat, RunArgs, Selection, Settings,
};
use crate::config::Config;
use crate::date::Date;
use crate::engine::Runtime;
use crate::formats;
use crate::gate;
use crate::grants::Grants;
use crate::human::{self, clean};
use crate::journal::Journal;
use crate::progress::Progress;
use crate::report::Report;
use crate::runner::CallOutcome;
use crate::runner::Runner;
use crate::scope;
use crate::select;
use crate::state::RunContext;
use crate::timings;
use crate::waiver::Ledger;

/// Run the command line; returns the process exit code.
pub async fn execute(cli: Cli, out: &mut dyn Write) -> anyhow::Result<u8> {
    timings::start();
    match cli.command {
        Command::Run(args) => run(&args, out).await,
        Command::Controls(list) => controls(&list.sel, list.format, out).await,
        Command::Plugins(PluginsCommand::List(list)) => {
            let format = listing_format(&list.sel, list.format)?;
            let s = session(&list.sel, Mode::Audit, format).await?;
            crate::inspect::list(&s.catalog, format, out)
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
    /// The first daemon's URL: the one `runner` talks to.
    pub(crate) docker_host: String,
    /// The other daemons given with `--docker-host`, each with its own snapshot.
    pub(crate) more_daemons: Vec<(Endpoint, Runner)>,
    /// The controls asked for (flag or `[defaults] only`); empty means all.
    pub(crate) only: Vec<String>,
    /// How to report (flag or `[defaults] format`).
    pub(crate) format: Format,
    pub(crate) audit_only: bool,
    /// The configuration in force (its waivers, for one).
    pub(crate) config: Config,
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

/// `format` is how the caller will report (it decides whether progress is shown).
pub(crate) async fn session(
    sel: &Selection,
    mode: Mode,
    format: Format,
) -> anyhow::Result<Session> {
    let config = Config::load(sel.settings.config.as_deref())?;
    let eff = config
        .defaults
        .resolve(sel, std::env::var("DOCKER_HOST").ok());
    let fs = FsCtx::open(&eff.root).with_context(|| {
        format!(
            "cannot use {} {}: it must be an existing directory",
            origin(
                "--root",
                "root",
                sel.root.is_none() && config.defaults.root.is_some(),
                &config
            ),
            eff.root.display()
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
    let tls = TlsFlags {
        ca: sel.tlscacert.clone(),
        cert: sel.tlscert.clone(),
        key: sel.tlskey.clone(),
    };
    let mut endpoints = docker::endpoints(
        &eff.docker_hosts,
        &tls,
        &|name| std::env::var(name).ok(),
        euid(),
    )
    .map_err(anyhow::Error::msg)?;
    for e in &endpoints {
        if e.url.starts_with("tcp://") && e.tls.is_none() {
            human::warn(format_args!(
                "warning: {e} without TLS: anyone on the network path can read and alter \
                 what the daemon answers (give --tlscacert/--tlscert/--tlskey or \
                 DOCKER_CERT_PATH)"
            ));
        }
    }
    let first = endpoints.remove(0);
    if !endpoints.is_empty() && !matches!(mode, Mode::Audit) {
        bail!("fix changes one daemon at a time: give a single --docker-host");
    }
    let docker_host = first.url.clone();
    let root = display_root(&eff.root);
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
    let limits = config.limits.resolve(sel.timeout);
    let mut more_daemons = Vec::new();
    for endpoint in endpoints {
        let run = Arc::new(RunContext {
            fs: FsCtx::open(&eff.root)?,
            proc: ProcCtx::new(&eff.proc),
            machine: MachineCtx::new(&eff.proc),
            tasks: TasksCtx::new(&eff.proc),
            docker: DockerCtx::new(endpoint.clone()),
            admin: AdminCtx::new(AdminMode::Deny),
        });
        more_daemons.push((endpoint, Runner::new(run, limits)));
    }
    let run = Arc::new(RunContext {
        fs,
        proc: ProcCtx::new(&eff.proc),
        machine: MachineCtx::new(&eff.proc),
        tasks: TasksCtx::new(&eff.proc),
        docker: DockerCtx::new(first),
        admin: AdminCtx::new(admin),
    });
    let runner = Runner::new(run, limits);
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

    let only_flag = origin("--only", "only", sel.only.is_empty(), &config);
    let selected = select::select(&catalog.controls, &eff.only, &only_flag, &sel.skip)
        .map_err(anyhow::Error::msg)?;
    Ok(Session {
        _runtime: runtime,
        runner,
        catalog,
        selected,
        root,
        docker_host,
        more_daemons,
        only: eff.only,
        format,
        audit_only: sel.settings.audit_only || config.audit_only,
        config,
    })
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

pub(crate) fn display_root(root: &Path) -> String {
    std::fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .display()
        .to_string()
}

async fn run(args: &RunArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    let sel = &args.sel;
    // Settle everything about the output before the audit, so a typo costs nothing.
    let format = Config::load(sel.settings.config.as_deref())?
        .defaults
        .report_format(args.format);
    let aws = match format {
        ReportFormat::Asff => Some(formats::asff::Account::resolve(
            args.aws_account_id.as_deref(),
            args.aws_region.as_deref(),
        )?),
        _ => None,
    };
    if let Some(path) = &args.output {
        formats::output_dir(path)?;
    }
    let listing = match format {
        ReportFormat::Table => Format::Table,
        _ => Format::Json,
    };
    let s = session(sel, Mode::Audit, listing).await?;
    let mut report = Report::new("audit", s.root.clone(), s.docker_host.clone());
    report.audit_only = s.audit_only;
    // With --only, a broken drop-in that was not asked for does not fail the run.
    if s.only.is_empty() {
        for failure in &s.catalog.failures {
            report.add_failure(failure);
        }
    }
    if s.more_daemons.is_empty() {
        let outcomes = audit_all(&s, &dockerd_paths(&s)).await?;
        for (control, outcome) in s.selected.iter().zip(outcomes) {
            report.add_run(control, outcome);
        }
    } else {
        audit_daemons(&s, &mut report).await?;
    }
    let mut ledger = waivers(&s);
    ledger.mark(&mut report.results);
    report.finish();
    let ran: Vec<&str> = report
        .controls
        .iter()
        .filter(|c| c.status == "ok")
        .map(|c| c.id.as_str())
        .collect();
    for notice in ledger.finish(&known_ids(&s), &ran) {
        human::warn(notice);
    }
    let options = formats::RenderOptions {
        color: format == ReportFormat::Table && formats::use_color(args.output.is_some()),
        aws,
        now: std::time::SystemTime::now(),
        hostname: formats::hostname(),
    };
    let rendered = formats::render(&report, format, &options)?;
    match &args.output {
        Some(path) => formats::write_atomically(path, &rendered)?,
        None => out.write_all(&rendered)?,
    }
    for failure in &s.catalog.failures {
        human::warn(failure);
    }
    timings::mark("total");
    timings::report();
    let verdict = gate::evaluate(&report, args.fail_on);
    eprintln!("{}", gate::summary_line(&report, &verdict));
    // The report is written; what the run built goes with the process.
    leave_to_exit((s, report, rendered));
    Ok(verdict.code)
}

/// Let `value` be freed by the process's exit instead of piece by piece: after a run's
/// report is out, taking down 118 compiled components, the snapshot of every container
/// and the report itself cost ~10% of a run at 500 containers. Only for what holds no
/// file or journal to finish (a run's session and report).
fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// The configuration's waivers, judged today (UTC).
pub(crate) fn waivers(s: &Session) -> Ledger<'_> {
    Ledger::new(&s.config.waivers, s.config.origin(), Date::today_utc())
}

/// Every control id found, selected or not.
pub(crate) fn known_ids(s: &Session) -> Vec<&str> {
    s.catalog
        .controls
        .iter()
        .map(|c| c.meta.id.as_str())
        .collect()
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

/// Several daemons, one report: controls that read no daemon run once (against
/// `--root`); controls that read one run against each daemon, concurrently, their
/// results tagged with it. A control that also reads this machine's files or processes
/// runs only against daemons on this machine (unix sockets): a remote daemon's files
/// are not under `--root`.
async fn audit_daemons(s: &Session, report: &mut Report) -> anyhow::Result<()> {
    let daemons: Vec<(&str, &Runner, bool)> = std::iter::once((
        s.docker_host.as_str(),
        &s.runner,
        s.runner.run().docker.endpoint().is_local(),
    ))
    .chain(
        s.more_daemons
            .iter()
            .map(|(e, runner)| (e.url.as_str(), runner, e.is_local())),
    )
    .collect();
    let paths = dockerd_paths(s);
    let once: Vec<Arc<Control>> = s
        .selected
        .iter()
        .filter(|c| !c.uses_docker())
        .cloned()
        .collect();
    let mut plans = Vec::new();
    for &(url, runner, local) in &daemons {
        let (run, skip): (Vec<Arc<Control>>, Vec<Arc<Control>>) = s
            .selected
            .iter()
            .filter(|c| c.uses_docker())
            .cloned()
            .partition(|c| local || !c.uses_host());
        plans.push((url, runner, run, skip));
    }
    let (once_outcomes, per_daemon) = futures::future::join(
        audit_with(&s.runner, &once, &paths, false),
        futures::future::join_all(
            plans
                .iter()
                .map(|(_, runner, run, _)| audit_with(runner, run, &paths, false)),
        ),
    )
    .await;
    for (control, outcome) in once.iter().zip(once_outcomes?) {
        report.add_run(control, outcome);
    }
    for ((url, _, run, skip), outcomes) in plans.iter().zip(per_daemon) {
        for (control, outcome) in run.iter().zip(outcomes?) {
            report.add_run_on(control, outcome, url);
        }
        for control in skip {
            report.add_skip_on(
                control,
                url,
                format!(
                    "{} also reads this machine's files or processes, and {url} is not on \
                     this machine: run bulkhead on that host (or with its filesystem at --root \
                     and it as the only --docker-host)",
                    control.meta.id
                ),
            );
        }
    }
    report.docker_hosts = daemons.iter().map(|(url, ..)| url.to_string()).collect();
    Ok(())
}

/// Audit every selected control concurrently, file reads scoped with the run's
/// `dockerd_paths`; outcomes in `s.selected` order. Counts them off on a terminal.
pub(crate) async fn audit_all(
    s: &Session,
    dockerd_paths: &[String],
) -> anyhow::Result<Vec<CallOutcome<Vec<Finding>>>> {
    audit_with(
        &s.runner,
        &s.selected,
        dockerd_paths,
        s.format == Format::Table,
    )
    .await
}

/// Audit `controls` concurrently through `runner`; outcomes in `controls` order. With
/// `show_progress`, counts them off on a terminal.
async fn audit_with(
    runner: &Runner,
    controls: &[Arc<Control>],
    dockerd_paths: &[String],
    show_progress: bool,
) -> anyhow::Result<Vec<CallOutcome<Vec<Finding>>>> {
    let mut tasks = tokio::task::JoinSet::new();
    for (index, control) in controls.iter().enumerate() {
        let runner = runner.clone();
        let control = control.clone();
        let grants = Grants::audit(scope::scope_for(&control.meta.reads, dockerd_paths));
        tasks.spawn(async move {
            let outcome = match control.pre().await {
                Ok(pre) => {
                    timings::mark_once("first_call");
                    runner.audit(pre, grants, control.uses_docker()).await
                }
                Err(reason) => CallOutcome::not_made(format!("cannot load: {reason}")),
            };
            (index, outcome)
        });
    }
    let mut outcomes = Vec::with_capacity(controls.len());
    let mut progress = Progress::on_stderr(controls.len(), show_progress);
    while let Some(joined) = tasks.join_next().await {
        outcomes.push(joined.context("a control's task failed")?);
        progress.tick();
    }
    drop(progress);
    timings::mark("audits");
    outcomes.sort_by_key(|(index, _)| *index);
    Ok(outcomes.into_iter().map(|(_, o)| o).collect())
}

/// A listing's `--format`: the flag, else the configuration's when it suits a listing.
pub(crate) fn listing_format(sel: &Selection, flag: Option<Format>) -> anyhow::Result<Format> {
    Ok(Config::load(sel.settings.config.as_deref())?
        .defaults
        .format(flag))
}

async fn controls(
    sel: &Selection,
    flag: Option<Format>,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let format = listing_format(sel, flag)?;
    let s = session(sel, Mode::Audit, format).await?;
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
                        "items": c.meta.items,
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
                .map(|c| clean(&c.meta.version).chars().count())
                .max()
                .unwrap_or(7)
                .max(7);
            writeln!(
                out,
                "{:<w_id$}  {:<w_ver$}  {:<10}  {:<5}  TITLE",
                "ID", "VERSION", "SOURCE", "LEVEL"
            )?;
            for c in &s.selected {
                let version = clean(&c.meta.version);
                let mut levels: Vec<String> = c
                    .meta
                    .items
                    .iter()
                    .map(|i| format!("L{}", i.level))
                    .collect();
                levels.dedup();
                let level = if levels.is_empty() {
                    "-".to_owned()
                } else {
                    levels.join(",")
                };
                writeln!(
                    out,
                    "{:<w_id$}  {:<w_ver$}  {:<10}  {:<5}  {} [{}]",
                    clean(&c.meta.id),
                    version,
                    clean(&c.source.to_string()),
                    level,
                    clean(&c.meta.title),
                    clean(&c.meta.references.join("; "))
                )?;
            }
        }
    }
    for failure in &s.catalog.failures {
        human::warn(failure);
    }
    Ok(if s.catalog.failures.is_empty() { 0 } else { 2 })
}
