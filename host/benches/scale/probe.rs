//! The measurements: the API floor (a minimal bollard client in this process), and
//! `bulkhead run` as a child under GNU time (wall clock, peak RSS, and the phase times
//! bulkhead prints with `BULKHEAD_TIMINGS=1`). Also the 100 drop-in controls of the
//! startup measurement.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bollard::Docker;
use bollard::errors::Error as DockerError;
use bollard::models::ContainerSummaryStateEnum;
use bollard::query_parameters::{
    ListContainersOptionsBuilder, ListImagesOptionsBuilder, ListNetworksOptions, TopOptionsBuilder,
};
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use crate::fleet::NAME_PREFIX;

/// GNU time, which reports the peak RSS of the process it runs.
pub const GNU_TIME: &str = "/usr/bin/time";
/// Inspect requests in flight at once in the floor client (bulkhead's own bound).
const FLOOR_CONCURRENCY: usize = 16;
/// Process tables asked for at once in the bundle floor (bulkhead's own bound).
const TOP_CONCURRENCY: usize = 8;
/// Drop-in controls in the startup measurement.
pub const STARTUP_CONTROLS: usize = 100;
/// The component the drop-ins are copied from, as the host build leaves it.
const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../target/plugins/wasm32-wasip2/plugin/docker_tls_key_permissions.wasm"
);
/// Its id, which sits once in its data section.
const SEED_ID: &[u8] = b"docker-tls-key-permissions";
/// The bulkhead binary built for this bench.
const BULKHEAD: &str = env!("CARGO_BIN_EXE_bulkhead");

/// Fail early, and clearly, when GNU time is not there.
pub fn check_gnu_time() -> anyhow::Result<()> {
    let works = Command::new(GNU_TIME)
        .args(["-f", "%M", "-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !works {
        bail!(
            "{GNU_TIME} (GNU time) is missing or not GNU time: the bench reads bulkhead's \
             peak RSS from it; install it with `apt-get install time`"
        );
    }
    Ok(())
}

/// (a) list(all) + inspect of every container, `FLOOR_CONCURRENCY` in flight, on a
/// client that is already connected; returns the time and how many were inspected.
pub async fn api_floor(docker: &Docker) -> anyhow::Result<(Duration, usize)> {
    let start = Instant::now();
    let options = ListContainersOptionsBuilder::default().all(true).build();
    let ids: Vec<String> = docker
        .list_containers(Some(options))
        .await
        .context("floor: list")?
        .into_iter()
        .filter_map(|c| c.id)
        .collect();
    let inspected = futures::stream::iter(ids)
        .map(|id| async move {
            match docker.inspect_container(&id, None).await {
                Ok(_) => Ok(1),
                // Someone else's container, removed between list and inspect.
                Err(DockerError::DockerResponseServerError {
                    status_code: 404, ..
                }) => Ok(0),
                Err(e) => Err(e).context(format!("floor: inspect {id}")),
            }
        })
        .buffer_unordered(FLOOR_CONCURRENCY)
        .try_fold(0, |sum, one| async move { Ok(sum + one) })
        .await?;
    Ok((start.elapsed(), inspected))
}

/// (a') the API floor of what the bundled controls ask a daemon on this machine: (a), plus
/// `docker info`, the image list and an inspect of each image, and the network list, with
/// bulkhead's bounds (processes come from `/proc`, not the top API). Not a target of the
/// issue; it says how much of (b) is the daemon answering. `with_top` adds the process
/// table (top, `ps -ef`) of every running container: what a remote daemon is asked.
pub async fn bundle_floor(docker: &Docker, with_top: bool) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let options = ListContainersOptionsBuilder::default().all(true).build();
    let containers = docker
        .list_containers(Some(options))
        .await
        .context("bundle floor: list")?;
    let running: Vec<String> = containers
        .iter()
        .filter(|c| with_top && c.state == Some(ContainerSummaryStateEnum::RUNNING))
        .filter_map(|c| c.id.clone())
        .collect();
    let ids: Vec<String> = containers.into_iter().filter_map(|c| c.id).collect();
    let inspects = futures::stream::iter(ids)
        .map(|id| async move {
            // Gone between list and inspect: someone else's container.
            let _ = docker.inspect_container(&id, None).await;
        })
        .buffer_unordered(FLOOR_CONCURRENCY)
        .collect::<Vec<()>>();
    let objects = async {
        docker.info().await.context("bundle floor: info")?;
        docker
            .list_networks(None::<ListNetworksOptions>)
            .await
            .context("bundle floor: networks")?;
        let images = docker
            .list_images(Some(ListImagesOptionsBuilder::default().all(false).build()))
            .await
            .context("bundle floor: images")?;
        futures::stream::iter(images)
            .map(|image| async move {
                let _ = docker.inspect_image(&image.id).await;
            })
            .buffer_unordered(FLOOR_CONCURRENCY)
            .collect::<Vec<()>>()
            .await;
        anyhow::Ok(())
    };
    let tops = futures::stream::iter(running)
        .map(|id| async move {
            let options = TopOptionsBuilder::default().ps_args("-ef").build();
            // Stopped since the list: it has no table.
            let _ = docker.top_processes(&id, Some(options)).await;
        })
        .buffer_unordered(TOP_CONCURRENCY)
        .collect::<Vec<()>>();
    let (_, objects, _) = futures::join!(inspects, objects, tops);
    objects?;
    Ok(start.elapsed())
}

/// bulkhead's phase times: milliseconds since process start, by phase name.
pub type Timings = BTreeMap<String, f64>;

/// One `bulkhead run`.
pub struct Sample {
    /// From spawning GNU time to its exit.
    pub wall: Duration,
    /// Peak resident set of bulkhead, KiB.
    pub rss_kib: u64,
    /// The `bulkhead timings:` line, if bulkhead printed one.
    pub timings: Option<Timings>,
    /// The report, when asked for; empty otherwise.
    pub stdout: Vec<u8>,
}

/// Runs the bulkhead binary the way the bench measures it.
pub struct Bulkhead {
    /// An empty configuration, so `/etc/bulkhead/config.toml` does not change the run.
    config: PathBuf,
    /// A nonexistent `XDG_CONFIG_HOME`, so the user's drop-ins stay out.
    xdg: PathBuf,
    /// Where GNU time writes the peak RSS.
    rss_file: PathBuf,
    /// The compile cache of `plugins inspect`, kept apart from the measured ones.
    scratch_cache: PathBuf,
}

/// The compile cache a measured run is given.
#[derive(Clone, Copy)]
pub enum Cache<'a> {
    /// `BULKHEAD_CACHE_DIR` names this directory.
    Dir(&'a Path),
    /// `HOME`, `BULKHEAD_CACHE_DIR` and `XDG_CACHE_HOME` unset, as a systemd service
    /// without `User=` or an SSM run starts bulkhead: it finds its cache by itself.
    Homeless,
}

impl Bulkhead {
    /// Set up under `work`.
    pub fn new(work: &Path) -> anyhow::Result<Self> {
        let config = work.join("config.toml");
        std::fs::write(&config, "")?;
        let scratch_cache = work.join("cache-inspect");
        std::fs::create_dir(&scratch_cache)?;
        if Path::new("/etc/bulkhead/plugins.d").is_dir() {
            eprintln!(
                "scale: warning: /etc/bulkhead/plugins.d exists; its controls are part of \
                 every measured run"
            );
        }
        Ok(Bulkhead {
            config,
            xdg: work.join("no-xdg-config"),
            rss_file: work.join("rss"),
            scratch_cache,
        })
    }

    /// The environment of every bulkhead the bench runs.
    fn env<'c>(&self, cmd: &'c mut Command, cache: Cache<'_>) -> &'c mut Command {
        match cache {
            Cache::Dir(dir) => cmd.env("BULKHEAD_CACHE_DIR", dir),
            Cache::Homeless => cmd
                .env_remove("BULKHEAD_CACHE_DIR")
                .env_remove("HOME")
                .env_remove("XDG_CACHE_HOME"),
        };
        cmd.env("BULKHEAD_TIMINGS", "1")
            .env("XDG_CONFIG_HOME", &self.xdg)
    }

    /// `bulkhead run --format json` with `cache` (and `plugin_dir`); exit 0 or 1 is a
    /// run, anything else fails the bench. `keep_stdout` keeps the report.
    pub fn run(
        &self,
        cache: Cache<'_>,
        plugin_dir: Option<&Path>,
        keep_stdout: bool,
    ) -> anyhow::Result<Sample> {
        let mut cmd = Command::new(GNU_TIME);
        cmd.args(["-f", "%M", "-o"])
            .arg(&self.rss_file)
            .arg(BULKHEAD)
            .args(["run", "--format", "json", "--config"])
            .arg(&self.config);
        if let Some(dir) = plugin_dir {
            cmd.arg("--plugin-dir").arg(dir);
        }
        self.env(&mut cmd, cache);
        cmd.stdin(Stdio::null())
            .stdout(if keep_stdout {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stderr(Stdio::piped());
        let _ = std::fs::remove_file(&self.rss_file);
        let start = Instant::now();
        let out = cmd
            .spawn()
            .context("cannot run bulkhead under GNU time")?
            .wait_with_output()?;
        let wall = start.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let time_says = std::fs::read_to_string(&self.rss_file).unwrap_or_default();
        if !matches!(out.status.code(), Some(0 | 1)) {
            bail!(
                "bulkhead run exited with {} (0 or 1 expected)\n{}\n{}",
                out.status,
                stderr.trim(),
                time_says.trim()
            );
        }
        let rss_kib = time_says
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .and_then(|l| l.trim().parse().ok())
            .with_context(|| format!("GNU time wrote no peak RSS: {time_says:?}"))?;
        Ok(Sample {
            wall,
            rss_kib,
            timings: parse_timings(&stderr),
            stdout: out.stdout,
        })
    }

    /// `bulkhead plugins inspect FILE` must exit 0 and show `id`.
    pub fn check_inspect(&self, file: &Path, id: &str) -> anyhow::Result<()> {
        let mut cmd = Command::new(BULKHEAD);
        cmd.args(["plugins", "inspect", "--format", "json", "--config"])
            .arg(&self.config)
            .arg(file);
        let out = self
            .env(&mut cmd, Cache::Dir(&self.scratch_cache))
            .output()
            .context("cannot run bulkhead plugins inspect")?;
        let shown: Option<Value> = serde_json::from_slice(&out.stdout).ok();
        let shown_id = shown
            .as_ref()
            .and_then(|v| v["metadata"]["id"].as_str())
            .unwrap_or_default();
        if !out.status.success() || shown_id != id {
            bail!(
                "the patched control {} does not load as {id} (exit {}, id {shown_id:?}): {}",
                file.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(())
    }
}

/// The `bulkhead timings: engine=1.2 catalog=...` line of `stderr`, if any.
fn parse_timings(stderr: &str) -> Option<Timings> {
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("bulkhead timings:"))?;
    let timings: Timings = line
        .split_whitespace()
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            Some((key.to_owned(), value.parse().ok()?))
        })
        .collect();
    (!timings.is_empty()).then_some(timings)
}

/// Verdicts of `container-net-raw-dropped` on the bench containers, from a report.
#[derive(Debug, Clone, Copy)]
pub struct Verdicts {
    pub pass: usize,
    pub fail: usize,
}

/// Count the pass and fail results on bench containers in a JSON report.
pub fn bench_verdicts(report: &[u8]) -> anyhow::Result<Verdicts> {
    let report: Value = serde_json::from_slice(report).context("bulkhead's report is not JSON")?;
    let results = report["results"]
        .as_array()
        .context("bulkhead's report has no results array")?;
    let target = format!("container:{NAME_PREFIX}");
    let mut verdicts = Verdicts { pass: 0, fail: 0 };
    for result in results {
        let on_bench = result["target"]
            .as_str()
            .is_some_and(|t| t.starts_with(&target));
        if on_bench && result["control"] == "container-net-raw-dropped" {
            match result["status"].as_str() {
                Some("pass") => verdicts.pass += 1,
                Some("fail") => verdicts.fail += 1,
                _ => {}
            }
        }
    }
    Ok(verdicts)
}

/// How many controls a JSON report says ran.
pub fn control_count(report: &[u8]) -> anyhow::Result<usize> {
    let report: Value = serde_json::from_slice(report).context("bulkhead's report is not JSON")?;
    report["controls"]
        .as_array()
        .map(Vec::len)
        .context("bulkhead's report has no controls array")
}

/// The id of drop-in `k`: as long as the seed's, so the patch keeps every offset.
fn dropin_id(k: usize) -> String {
    let id = format!("docker-tls-key-permissi{k:03}");
    assert_eq!(id.len(), SEED_ID.len());
    id
}

/// Write `STARTUP_CONTROLS` copies of the seed control into `dir`, each with its own
/// id patched in place; returns (file, id) pairs.
pub fn write_dropins(dir: &Path) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let seed = std::fs::read(SEED).with_context(|| {
        format!(
            "cannot read {SEED}; the host build (host/build.rs) makes it, so run the bench \
             through cargo"
        )
    })?;
    let at: Vec<usize> = seed
        .windows(SEED_ID.len())
        .enumerate()
        .filter(|(_, w)| *w == SEED_ID)
        .map(|(i, _)| i)
        .collect();
    let [offset] = at[..] else {
        bail!(
            "{SEED} holds its id {} times, not once; patch the drop-ins another way",
            at.len()
        );
    };
    (0..STARTUP_CONTROLS)
        .map(|k| {
            let id = dropin_id(k);
            let mut bytes = seed.clone();
            bytes[offset..offset + SEED_ID.len()].copy_from_slice(id.as_bytes());
            let file = dir.join(format!("bench-control-{k:03}.wasm"));
            std::fs::write(&file, bytes)?;
            Ok((file, id))
        })
        .collect()
}
