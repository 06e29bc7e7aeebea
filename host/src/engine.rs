//! The engine every command shares: the controls loaded and linked once, the run's
//! contexts (root, processes, each daemon) built once, and asked to audit, to plan or
//! apply a fix, or (next) to judge one container or one request.
//!
//! Commands build an [`Engine`] from their [`Settings`] and a [`Mode`], then ask it;
//! they never put contexts, runners or catalogs together themselves.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};

use crate::capabilities::admin::AdminMode;
use crate::fix::journal::Journal;
use crate::report::Report;
use crate::report::waiver::Ledger;
use crate::sandbox::bindings::control::Finding;
use crate::sandbox::bindings::types::{Error as WitError, Target};
use crate::sandbox::cache_dir;
use crate::sandbox::catalog::{Catalog, Control};
use crate::sandbox::grants::Grants;
use crate::sandbox::runner::{CallOutcome, Runner};
use crate::sandbox::scope;
use crate::sandbox::select;
use crate::sandbox::state::RunContext;
use crate::sandbox::wasm::Runtime;
use crate::settings::Settings;
use crate::sources::docker::Endpoint;
use crate::util::date::Date;
use crate::util::human;
use crate::util::progress::Progress;
use crate::util::timings;

/// What an engine's mutating calls do.
pub enum Mode {
    /// `run`: nothing may change.
    Audit,
    /// `fix`: record what would change.
    Plan,
    /// `fix --apply`: change, journaled in this directory.
    Apply(PathBuf),
}

/// One daemon and the runner whose calls read it (with its own snapshot).
pub struct Daemon {
    /// Where it listens.
    pub endpoint: Endpoint,
    /// Calls into controls, served this daemon and the run's files and processes.
    pub runner: Runner,
}

/// The controls of one command, loaded and linked, and everything their calls read.
pub struct Engine {
    /// Kept for the engine's life: dropping it stops the epoch ticker, and with it
    /// every deadline.
    _runtime: Arc<Runtime>,
    /// Every control found, and the drop-ins that could not be loaded.
    pub catalog: Catalog,
    /// The selected controls, in catalog order.
    pub selected: Vec<Arc<Control>>,
    /// The daemons, the first the one single-daemon work talks to; never empty.
    daemons: Vec<Daemon>,
    /// What the engine was built from.
    pub settings: Settings,
    /// Whether audits count themselves off on a terminal.
    progress: bool,
}

impl Engine {
    /// Build the engine for `settings`: contexts for the root, the processes and every
    /// daemon, the WebAssembly runtime, and the catalog loaded (through the compile
    /// cache) and selected. With `progress`, audits count themselves off on stderr.
    pub async fn load(settings: Settings, mode: Mode, progress: bool) -> anyhow::Result<Engine> {
        for warning in &settings.warnings {
            human::warn(warning);
        }
        if settings.endpoints.len() > 1 && !matches!(mode, Mode::Audit) {
            bail!("fix changes one daemon at a time: give a single --docker-host");
        }
        let mut admin = Some(match mode {
            Mode::Audit => AdminMode::Deny,
            Mode::Plan => AdminMode::Plan,
            Mode::Apply(dir) => {
                let journal = Journal::create(&dir, &settings.root_display, settings.docker_host())
                    .with_context(|| {
                        format!(
                            "cannot start a journal in {} (use --journal DIR)",
                            dir.display()
                        )
                    })?;
                AdminMode::Apply(tokio::sync::Mutex::new(journal))
            }
        });
        let mut daemons = Vec::with_capacity(settings.endpoints.len());
        for endpoint in &settings.endpoints {
            // Only the first daemon's calls may change anything (there is one then).
            let admin = admin.take().unwrap_or(AdminMode::Deny);
            let run = RunContext::new(&settings.root, &settings.proc, endpoint.clone(), admin)
                .with_context(|| format!("cannot open {}", settings.root.display()))?;
            daemons.push(Daemon {
                endpoint: endpoint.clone(),
                runner: Runner::new(Arc::new(run), settings.limits),
            });
        }
        let runtime = Arc::new(Runtime::new().context("cannot start the WebAssembly engine")?);
        timings::mark("engine");

        let cache = cache_dir::open(&settings.cache);
        let catalog = Catalog::load(
            &runtime,
            &daemons[0].runner,
            &settings.plugin_dirs,
            &settings.config.trust,
            cache.as_ref(),
        )
        .await?;
        timings::mark("catalog");

        let selected = select::select(
            &catalog.controls,
            &settings.only,
            &settings.only_origin,
            &settings.skip,
        )
        .map_err(anyhow::Error::msg)?;
        Ok(Engine {
            _runtime: runtime,
            catalog,
            selected,
            daemons,
            settings,
            progress,
        })
    }

    /// The first daemon's runner: the one single-daemon work (a fix) goes through.
    pub fn runner(&self) -> &Runner {
        &self.daemons[0].runner
    }

    /// Whether audits count themselves off on a terminal.
    pub fn progress(&self) -> bool {
        self.progress
    }

    /// The first daemon's URL.
    pub fn docker_host(&self) -> &str {
        &self.daemons[0].endpoint.url
    }

    /// The audited root as reports name it.
    pub fn root(&self) -> &str {
        &self.settings.root_display
    }

    /// The configuration's waivers, judged today (UTC).
    pub fn waivers(&self) -> Ledger<'_> {
        Ledger::new(
            &self.settings.config.waivers,
            self.settings.config.origin(),
            Date::today_utc(),
        )
    }

    /// Every control id found, selected or not.
    pub fn known_ids(&self) -> Vec<&str> {
        self.catalog
            .controls
            .iter()
            .map(|c| c.meta.id.as_str())
            .collect()
    }

    /// The run's daemon paths, if any selected control declared `dockerd-config`: what
    /// the daemons' command lines and configuration name, and the data root the first
    /// daemon reports (asked only then, and only when a selected control asks a daemon
    /// anything).
    pub async fn dockerd_paths(&self) -> Vec<String> {
        let wanted = |c: &&Arc<Control>| scope::needs_dockerd_paths(&c.meta.reads);
        if !self.selected.iter().any(|c| wanted(&c)) {
            return Vec::new();
        }
        let run = self.runner().run();
        let paths = scope::dockerd_paths(run);
        if !self.selected.iter().filter(wanted).any(|c| c.uses_docker()) {
            return paths;
        }
        let info = run.docker.info().await.ok();
        scope::with_info(run, paths, info.as_deref())
    }

    /// Audit every selected control against the first daemon, concurrently, file reads
    /// scoped with `dockerd_paths`; outcomes in `selected` order.
    pub async fn audit(
        &self,
        dockerd_paths: &[String],
    ) -> anyhow::Result<Vec<CallOutcome<Vec<Finding>>>> {
        audit_with(self.runner(), &self.selected, dockerd_paths, self.progress).await
    }

    /// Audit every selected control into `report`: against the one daemon, or, with
    /// several, as `Engine::audit_daemons` says.
    pub async fn audit_into(&self, report: &mut Report) -> anyhow::Result<()> {
        if self.daemons.len() == 1 {
            let outcomes = self.audit(&self.dockerd_paths().await).await?;
            for (control, outcome) in self.selected.iter().zip(outcomes) {
                report.add_run(control, outcome);
            }
            Ok(())
        } else {
            self.audit_daemons(report).await
        }
    }

    /// Ask `control` to remediate `target` with `grants`, through the first daemon's
    /// runner (whose mode decides whether the changes are planned or applied).
    pub async fn remediate(
        &self,
        control: &Control,
        grants: Grants,
        target: Target,
    ) -> CallOutcome<Result<(), WitError>> {
        match control.pre().await {
            Ok(pre) => {
                self.runner()
                    .remediate(pre, grants, control.uses_docker(), target)
                    .await
            }
            Err(reason) => CallOutcome::not_made(format!("cannot load: {reason}")),
        }
    }

    /// Several daemons, one report: controls that read no daemon run once (against
    /// `--root`); controls that read one run against each daemon, concurrently, their
    /// results tagged with it. A control that also reads this machine's files or
    /// processes runs only against daemons on this machine (unix sockets): a remote
    /// daemon's files are not under `--root`.
    async fn audit_daemons(&self, report: &mut Report) -> anyhow::Result<()> {
        let paths = self.dockerd_paths().await;
        let once: Vec<Arc<Control>> = self
            .selected
            .iter()
            .filter(|c| !c.uses_docker())
            .cloned()
            .collect();
        let mut plans = Vec::new();
        for daemon in &self.daemons {
            let local = daemon.endpoint.is_local();
            let (run, skip): (Vec<Arc<Control>>, Vec<Arc<Control>>) = self
                .selected
                .iter()
                .filter(|c| c.uses_docker())
                .cloned()
                .partition(|c| local || !c.uses_host());
            plans.push((daemon, run, skip));
        }
        let (once_outcomes, per_daemon) = futures::future::join(
            audit_with(self.runner(), &once, &paths, false),
            futures::future::join_all(
                plans
                    .iter()
                    .map(|(daemon, run, _)| audit_with(&daemon.runner, run, &paths, false)),
            ),
        )
        .await;
        for (control, outcome) in once.iter().zip(once_outcomes?) {
            report.add_run(control, outcome);
        }
        for ((daemon, run, skip), outcomes) in plans.iter().zip(per_daemon) {
            let url = daemon.endpoint.url.as_str();
            for (control, outcome) in run.iter().zip(outcomes?) {
                report.add_run_on(control, outcome, url);
            }
            for control in skip {
                report.add_skip_on(
                    control,
                    url,
                    format!(
                        "{} also reads this machine's files or processes, and {url} is not \
                         on this machine: run bulkhead on that host (or with its filesystem \
                         at --root and it as the only --docker-host)",
                        control.meta.id
                    ),
                );
            }
        }
        report.docker_hosts = self
            .daemons
            .iter()
            .map(|d| d.endpoint.url.clone())
            .collect();
        Ok(())
    }
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
