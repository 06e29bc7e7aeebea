//! The scale benchmark: `cargo bench -p bulkhead --bench scale [-- --sizes 50,500 --runs 5]`.
//!
//! First (d): the time to the first control call with a warm cache and 100 drop-in
//! controls, before any bench container exists. Then, for each size N, it grows a fleet
//! of N labelled containers on the local daemon (a share of them running, capability
//! flags varied so both verdicts occur) and measures, interleaved, with medians over
//! `--runs`:
//!
//! - (a) the API floor: list(all) + inspect of every container by a minimal bollard
//!   client in this process;
//! - (a') the bundle floor: (a) plus everything else the bundled controls ask a local
//!   daemon (info, images, networks), and, for a remote daemon, the process table of every
//!   running container too;
//! - (b) `bulkhead run --format json` over the bundled set with a warm compile cache;
//! - (c) the same with a cold cache (a fresh empty `BULKHEAD_CACHE_DIR` each run);
//! - (e) the same with `HOME`, `BULKHEAD_CACHE_DIR` and `XDG_CACHE_HOME` unset;
//!
//! with bulkhead's peak RSS (GNU time) and the ratio (b)/(a). It prints a Markdown report,
//! rewrites the generated section of `BENCHMARKS.md`, and removes every container it made
//! (leftovers of an aborted run are removed first).
//!
//! Needs a Docker daemon and the right to use it (root), `cc` that links static
//! binaries, `tar`, the `docker` CLI (to import the image once) and GNU time.
//! Under `cargo test --benches` it does nothing.

// The crate root is this file, so its modules live beside it in scale/ (files directly
// in benches/ would each be taken for a bench of their own).
#[path = "scale/fleet.rs"]
mod fleet;
#[path = "scale/machine.rs"]
mod machine;
#[path = "scale/probe.rs"]
mod probe;
#[path = "scale/report.rs"]
mod report;

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Parser;

use probe::Cache;
use report::{SizeResult, StartupResult};

/// Scale benchmark: bulkhead against the Docker API floor at N containers.
#[derive(Debug, Parser)]
#[command(name = "scale")]
struct Args {
    /// Container counts to measure at (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "50,500,2000")]
    sizes: Vec<usize>,

    /// Runs per measurement; the report gives medians.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    runs: u32,

    /// Percent of the containers that are started (the rest are only created).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u8).range(0..=100))]
    running: u8,

    /// Print the report only; leave BENCHMARKS.md alone.
    #[arg(long)]
    no_write: bool,

    /// Leave the containers on the daemon (to profile against them); the next run
    /// removes them first.
    #[arg(long)]
    keep: bool,

    /// Passed by `cargo bench`; without it (`cargo test --benches`) nothing runs.
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if !args.bench {
        eprintln!("scale: a benchmark, not a test; run `cargo bench -p bulkhead --bench scale`");
        return ExitCode::SUCCESS;
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scale: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let mut sizes = args.sizes.clone();
    sizes.sort_unstable();
    sizes.dedup();
    if sizes.is_empty() || sizes[0] == 0 {
        bail!("--sizes wants one or more container counts above 0, e.g. --sizes 50,500");
    }
    probe::check_gnu_time()?;
    let load_before = machine::load_average();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let docker = rt.block_on(fleet::connect())?;
    let removed = rt.block_on(fleet::remove_all(&docker))?;
    if removed > 0 {
        eprintln!("scale: removed {removed} containers left over from an earlier run");
    }
    if !rt.block_on(fleet::image_exists(&docker))? {
        eprintln!("scale: building the image {}", fleet::IMAGE);
        fleet::build_image()?;
    }
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    let measured = measure(args, &sizes, &rt, &docker, work.path());
    let cleaned = if args.keep {
        eprintln!(
            "scale: --keep: leaving the bench containers (label {}={})",
            fleet::LABEL.0,
            fleet::LABEL.1
        );
        Ok(0)
    } else {
        eprintln!("scale: removing the bench containers");
        rt.block_on(fleet::remove_all(&docker))
    };
    let (results, startup) = measured?;
    cleaned?;

    let machine = rt.block_on(machine::Machine::describe(&docker));
    let settings = report::Settings {
        sizes,
        runs: args.runs,
        running: args.running,
        load_before,
    };
    let markdown = report::render(&machine, &settings, &results, &startup);
    println!("{markdown}");
    if !args.no_write {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("host/ sits in the workspace")?;
        let path = workspace.join("BENCHMARKS.md");
        report::update_file(&path, &markdown)?;
        eprintln!("scale: updated {}", path.display());
    }
    Ok(())
}

/// Every measurement: startup first (before any bench container exists, so it measures
/// startup alone), then size by size. Containers are left for the caller to remove.
fn measure(
    args: &Args,
    sizes: &[usize],
    rt: &tokio::runtime::Runtime,
    docker: &bollard::Docker,
    work: &Path,
) -> anyhow::Result<(Vec<SizeResult>, StartupResult)> {
    let bulkhead = probe::Bulkhead::new(work)?;
    let startup = startup(args, &bulkhead, work)?;
    let mut fleet = fleet::Fleet::new(args.running);
    let mut results = Vec::new();
    for &n in sizes {
        eprintln!("scale: N={n}: creating containers");
        let setup = rt.block_on(fleet.grow_to(docker, n))?;
        eprintln!(
            "scale: N={n}: {} running, set up in {:.1} s",
            fleet.running(),
            setup.as_secs_f64()
        );

        // One unmeasured run fills the warm cache and checks bulkhead saw every container.
        let warm_cache = work.join(format!("cache-warm-{n}"));
        std::fs::create_dir(&warm_cache)?;
        let first = bulkhead.run(Cache::Dir(&warm_cache), None, true)?;
        let verdicts = probe::bench_verdicts(&first.stdout)?;
        if verdicts.pass + verdicts.fail != n || verdicts.pass == 0 || verdicts.fail == 0 {
            bail!(
                "bulkhead's report has {} pass and {} fail results for the {n} bench \
                 containers; expected one result each, of both kinds",
                verdicts.pass,
                verdicts.fail
            );
        }

        let mut size = SizeResult {
            n,
            running: fleet.running(),
            setup,
            verdicts,
            on_daemon: Vec::new(),
            floor: Vec::new(),
            bundle_floor: Vec::new(),
            remote_floor: Vec::new(),
            warm: Vec::new(),
            cold: Vec::new(),
            homeless: Vec::new(),
        };
        for run in 1..=args.runs {
            eprintln!("scale: N={n}: run {run}/{}", args.runs);
            let (floor, seen) = rt.block_on(probe::api_floor(docker))?;
            size.floor.push(floor);
            size.on_daemon.push(seen);
            let local = rt.block_on(probe::bundle_floor(docker, false))?;
            size.bundle_floor.push(local);
            size.remote_floor
                .push(rt.block_on(probe::bundle_floor(docker, true))?);
            size.warm
                .push(bulkhead.run(Cache::Dir(&warm_cache), None, false)?);
            let cold_cache = work.join(format!("cache-cold-{n}-{run}"));
            std::fs::create_dir(&cold_cache)?;
            size.cold
                .push(bulkhead.run(Cache::Dir(&cold_cache), None, false)?);
            size.homeless
                .push(bulkhead.run(Cache::Homeless, None, false)?);
        }
        results.push(size);
    }
    Ok((results, startup))
}

/// (d): the bundled controls plus `STARTUP_CONTROLS` drop-ins, warm cache.
fn startup(args: &Args, bulkhead: &probe::Bulkhead, work: &Path) -> anyhow::Result<StartupResult> {
    eprintln!(
        "scale: startup: {} drop-in controls",
        probe::STARTUP_CONTROLS
    );
    let dir = work.join("plugins");
    std::fs::create_dir(&dir)?;
    let dropins = probe::write_dropins(&dir)?;
    for (file, id) in [dropins.first(), dropins.last()].into_iter().flatten() {
        bulkhead.check_inspect(file, id)?;
    }
    // The first run fills the cache (and checks every drop-in loaded).
    let cache = work.join("cache-startup");
    std::fs::create_dir(&cache)?;
    let cache = Cache::Dir(&cache);
    let controls = probe::control_count(&bulkhead.run(cache, Some(&dir), true)?.stdout)?;
    let bundled = probe::control_count(&bulkhead.run(cache, None, true)?.stdout)?;
    if controls != bundled + dropins.len() {
        bail!(
            "bulkhead ran {controls} controls with the drop-in directory; expected {bundled} \
             bundled + {} drop-ins",
            dropins.len()
        );
    }
    let mut startup = StartupResult {
        controls,
        samples: Vec::new(),
    };
    for _ in 0..args.runs {
        startup
            .samples
            .push(bulkhead.run(cache, Some(&dir), false)?);
    }
    if startup.samples.iter().any(|s| s.timings.is_none()) {
        eprintln!(
            "scale: warning: bulkhead printed no `bulkhead timings:` line with \
             BULKHEAD_TIMINGS=1; the first-call time is not measured"
        );
    }
    Ok(startup)
}
