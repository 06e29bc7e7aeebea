//! The subcommands, from parsed flags to an exit code.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::caps::docker::{DEFAULT_DOCKER_HOST, DockerCtx};
use crate::caps::fs::FsCtx;
use crate::caps::process::ProcCtx;
use crate::catalog::{self, Catalog, Control};
use crate::cli::{Cli, Command, Format, Selection};
use crate::engine::Runtime;
use crate::grants::Grants;
use crate::report::Report;
use crate::runner::{Limits, Runner};
use crate::state::RunContext;

/// Run the command line; returns the process exit code.
pub async fn execute(cli: Cli, out: &mut dyn Write) -> anyhow::Result<u8> {
    match cli.command {
        Command::Run(sel) => run(&sel, out).await,
        Command::Controls(sel) => controls(&sel, out).await,
    }
}

/// Everything needed to load and run controls for one invocation.
struct Session {
    runner: Runner,
    catalog: Catalog,
    /// The selected controls, in catalog order.
    selected: Vec<Arc<Control>>,
    root: String,
    docker_host: String,
}

async fn session(sel: &Selection) -> anyhow::Result<Session> {
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
    let run = Arc::new(RunContext {
        fs,
        proc: ProcCtx::new(&sel.proc),
        docker: DockerCtx::new(docker_host.clone()),
    });
    let limits = Limits {
        deadline: Duration::from_secs(sel.timeout),
        ..Limits::default()
    };
    let runner = Runner::new(run, limits);
    let runtime = Arc::new(Runtime::new().context("cannot start the WebAssembly engine")?);

    let mut dirs = sel.plugin_dirs.clone();
    for dir in catalog::default_plugin_dirs() {
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    let catalog = Catalog::load(&runtime, &runner, &dirs).await?;

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
        runner,
        catalog,
        selected,
        root: display_root(&sel.root),
        docker_host,
    })
}

fn display_root(root: &Path) -> String {
    std::fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .display()
        .to_string()
}

async fn run(sel: &Selection, out: &mut dyn Write) -> anyhow::Result<u8> {
    let s = session(sel).await?;
    let mut report = Report::new("audit", s.root.clone(), s.docker_host.clone());
    // With --only, a broken drop-in that was not asked for does not fail the run.
    if sel.only.is_empty() {
        for failure in &s.catalog.failures {
            report.add_failure(failure);
        }
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (index, control) in s.selected.iter().enumerate() {
        let runner = s.runner.clone();
        let control = control.clone();
        tasks.spawn(async move {
            let outcome = runner.audit(&control.pre, Grants::audit()).await;
            (index, outcome)
        });
    }
    let mut outcomes = Vec::with_capacity(s.selected.len());
    while let Some(joined) = tasks.join_next().await {
        outcomes.push(joined.context("a control's task failed")?);
    }
    outcomes.sort_by_key(|(index, _)| *index);
    for (index, outcome) in outcomes {
        report.add_run(&s.selected[index], outcome);
    }
    report.finish();
    match sel.format {
        Format::Json => report.write_json(out)?,
        Format::Table => report.write_table(out)?,
    }
    for failure in &s.catalog.failures {
        eprintln!("bulkhead: {failure}");
    }
    Ok(report.exit_code())
}

async fn controls(sel: &Selection, out: &mut dyn Write) -> anyhow::Result<u8> {
    let s = session(sel).await?;
    match sel.format {
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
