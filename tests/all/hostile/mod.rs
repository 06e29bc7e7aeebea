//! The hostile-control suite: controls that attack the host on purpose, built from source
//! (`tests/plugins/hostile`, one example per control) by the first test that needs them.
//!
//! For each one: the host survives (an exit code, no panic, a JSON report), the run
//! completes within a bounded wall time (`--timeout 2`), the right `error` appears, another
//! control's results are intact, and the files under the temporary root and a test container
//! are unchanged: compared before and after every run, never assumed. A run that hangs is
//! killed and fails its test instead of hanging the suite.

mod budget;
mod fixes;
mod injection;
mod output;
mod reach;
mod runaway;
mod secrets;

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read};
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::support::{Container, Host, Run, bulkhead, docker, results_of, status_of, workspace};

/// The bundled control whose results must stay intact beside a hostile one.
const TLS: &str = "docker-tls-key-permissions";
const NET_RAW: &str = "container-net-raw-dropped";
/// `--timeout`: the deadline of one call into a control, in seconds.
const TIMEOUT_SECS: &str = "2";
/// Wall time one whole run may take with `--timeout 2` (generous: debug host, shared CPU).
const WALL_BOUND: Duration = Duration::from_secs(20);
/// A run still going after this long is a hang: it is killed and the test fails.
const HANG: Duration = Duration::from_secs(45);
/// A report bigger than this means some output of a hostile control was not bounded.
const REPORT_BOUND: usize = 2 << 20;
/// What one hostile control may add to the host's peak RSS over a one-control run.
const RSS_BOUND: u64 = 64 << 20;

/// Build every hostile control once per test run; returns the directory of the components.
pub(crate) fn components() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let target = workspace().join("target/test-plugins-hostile");
        let mut cmd = Command::new(env!("CARGO"));
        cmd.arg("build")
            .arg("--manifest-path")
            .arg(workspace().join("Cargo.toml"))
            .args(["-p", "bulkhead-hostile", "--examples", "--release"])
            .args(["--target", "wasm32-wasip2", "--locked", "--target-dir"])
            .arg(&target);
        // Settings meant for the host build must not leak into the wasm build.
        for var in [
            "CARGO_TARGET_DIR",
            "CARGO_BUILD_TARGET",
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "RUSTC_WORKSPACE_WRAPPER",
        ] {
            cmd.env_remove(var);
        }
        let status = cmd
            .status()
            .expect("cannot run cargo to build the hostile controls");
        assert!(
            status.success(),
            "building tests/plugins/hostile for wasm32-wasip2 failed"
        );
        target.join("wasm32-wasip2/release/examples")
    })
}

/// A unique string to plant in a file: if it shows up in the output, the file was read.
fn marker(what: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{what}-MARKER-{}-{nanos}", std::process::id())
}

/// Everything about one file-system entry that a control could change.
#[derive(Debug, PartialEq, Eq)]
struct Entry {
    kind: &'static str,
    mode: u32,
    uid: u32,
    gid: u32,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    /// File content, or a link's target.
    body: Vec<u8>,
}

/// Every entry under `dir` (links not followed), by path.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Entry> {
    fn walk(path: &Path, out: &mut BTreeMap<PathBuf, Entry>) {
        let meta = std::fs::symlink_metadata(path).unwrap();
        let ft = meta.file_type();
        let (kind, body) = if ft.is_symlink() {
            let target = std::fs::read_link(path).unwrap();
            ("symlink", target.into_os_string().into_encoded_bytes())
        } else if ft.is_file() {
            ("file", std::fs::read(path).unwrap())
        } else if ft.is_dir() {
            ("dir", Vec::new())
        } else {
            ("other", Vec::new())
        };
        out.insert(
            path.to_path_buf(),
            Entry {
                kind,
                mode: meta.mode(),
                uid: meta.uid(),
                gid: meta.gid(),
                len: meta.len(),
                mtime: (meta.mtime(), meta.mtime_nsec()),
                ctime: (meta.ctime(), meta.ctime_nsec()),
                body,
            },
        );
        if ft.is_dir() {
            for entry in std::fs::read_dir(path).unwrap() {
                walk(&entry.unwrap().path(), out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, &mut out);
    out
}

/// What the daemon says about the test container and its label, for before/after.
#[derive(Debug, PartialEq)]
struct ContainerState {
    inspect: Value,
    /// Every container carrying this test's label (a copy would show here).
    labelled: Vec<String>,
}

/// One hostile scenario: a temporary root holding a TLS key that the bundled control
/// judges `pass`, a plugin directory with the chosen hostile components, and a labelled
/// test container on the real daemon.
struct Lab {
    host: Host,
    plugins: tempfile::TempDir,
    container: Container,
    label: String,
}

impl Lab {
    /// `examples` are names of hostile controls (`tests/plugins/hostile/examples/*.rs`);
    /// each is installed as `hostile-<name with dashes>.wasm`.
    fn new(case: &str, examples: &[&str], start_container: bool) -> Self {
        let host = Host::new();
        host.file(
            "/etc/docker/daemon.json",
            r#"{"tlskey": "/etc/docker/key.pem"}"#,
            0o644,
        )
        .file("/etc/docker/key.pem", "KEY", 0o400);
        let plugins = tempfile::tempdir().unwrap();
        for name in examples {
            let built = components().join(format!("{name}.wasm"));
            let installed = plugins.path().join(plugin_file(name));
            std::fs::copy(&built, &installed)
                .unwrap_or_else(|e| panic!("cannot copy {}: {e}", built.display()));
        }
        let label = format!("bulkhead.hostile={case}-{}", std::process::id());
        let container = Container::create(
            &format!("hostile-{case}"),
            &["--label", &label],
            start_container,
        );
        Lab {
            host,
            plugins,
            container,
            label,
        }
    }

    /// The directory holding the root, the process table and any file "outside" the root.
    fn dir(&self) -> PathBuf {
        self.host.root().parent().unwrap().to_path_buf()
    }

    /// The installed path of a hostile control.
    fn plugin(&self, example: &str) -> PathBuf {
        self.plugins.path().join(plugin_file(example))
    }

    fn container_state(&self) -> ContainerState {
        let inspect = docker(&["inspect", &self.container.name]);
        let filter = format!("label={}", self.label);
        let labelled = docker(&["ps", "-aq", "--no-trunc", "--filter", &filter]);
        ContainerState {
            inspect: serde_json::from_str(&inspect).unwrap(),
            labelled: labelled.lines().map(str::to_owned).collect(),
        }
    }

    /// Write a configuration file holding `text` beside the root; its path.
    fn config(&self, text: &str) -> String {
        let path = self.dir().join("bulkhead.toml");
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    }

    /// The flags every run of this lab takes: its root, process table, plugin
    /// directory and the short deadline.
    fn flags(&self, command: &str, only: &[&str], extra: &[&str]) -> Vec<String> {
        let root = self.host.root();
        let proc = self.host.proc();
        let mut args: Vec<String> = [
            command,
            "--root",
            root.to_str().unwrap(),
            "--proc",
            proc.to_str().unwrap(),
            "--plugin-dir",
            self.plugins.path().to_str().unwrap(),
            "--timeout",
            TIMEOUT_SECS,
        ]
        .map(str::to_owned)
        .to_vec();
        if !only.is_empty() {
            args.extend(["--only".to_owned(), only.join(",")]);
        }
        args.extend(extra.iter().map(|&a| a.to_owned()));
        args
    }

    /// `bulkhead run` with `--only only` (all controls when empty) and `extra` flags,
    /// checking that it ends in bounded time with a report, and that neither the files
    /// nor the container changed.
    fn run(&self, only: &[&str], extra: &[&str]) -> Outcome {
        let mut extra = extra.to_vec();
        extra.extend(["--format", "json"]);
        let args = self.flags("run", only, &extra);
        let (run, changes) = self.invoke(&args);
        assert_eq!(changes, "", "files under {} changed", self.dir().display());
        let report = run.run.json();
        assert_eq!(report["schema"], "bulkhead.report/v1");
        assert_eq!(report["mode"], "audit");
        Outcome {
            run: run.run,
            report,
            peak_rss: run.peak_rss,
        }
    }

    /// `bulkhead fix` of `only` with `extra` flags (`--apply` among them, or not), in
    /// JSON: bounded in time and size like [`Lab::run`]; returns the report and what
    /// changed under the lab's directory (the container must not change).
    fn fix(&self, only: &[&str], extra: &[&str]) -> (Outcome, String) {
        let mut extra = extra.to_vec();
        extra.extend(["--format", "json"]);
        let args = self.flags("fix", only, &extra);
        let (run, changes) = self.invoke(&args);
        let report = run.run.json();
        assert_eq!(report["schema"], "bulkhead.fix/v1");
        let outcome = Outcome {
            run: run.run,
            report,
            peak_rss: run.peak_rss,
        };
        (outcome, changes)
    }

    /// Run bulkhead with `args`: no panic, within [`WALL_BOUND`], stdout within
    /// [`REPORT_BOUND`], the container unchanged. Returns the run and a description of
    /// what changed under the lab's directory (empty when nothing did).
    fn invoke(&self, args: &[String]) -> (Bounded, String) {
        let files_before = tree(&self.dir());
        let container_before = self.container_state();
        let run = run_bounded(args);
        let files_after = tree(&self.dir());
        let container_after = self.container_state();

        assert!(
            !run.run.stderr.contains("panicked") && !run.run.stderr.contains("RUST_BACKTRACE"),
            "bulkhead panicked:\n{}",
            run.run.stderr
        );
        assert!(
            run.elapsed < WALL_BOUND,
            "the run took {:?} (bound {WALL_BOUND:?} with --timeout {TIMEOUT_SECS})\n{}",
            run.elapsed,
            run.run.stderr
        );
        assert!(
            run.run.stdout.len() < REPORT_BOUND,
            "the report is {} bytes: some control output was not bounded",
            run.run.stdout.len()
        );
        assert_eq!(
            container_before, container_after,
            "container {} changed",
            self.container.name
        );
        let changes = describe_changes(&files_before, &files_after);
        (run, changes)
    }

    /// The peak RSS of a run of the bundled TLS control alone, with the same plugin
    /// directory (so the drop-ins are loaded alike): the baseline a hostile control's
    /// run is held to.
    fn baseline_rss(&self) -> u64 {
        let args = self.flags("run", &[TLS], &["--format", "json"]);
        let run = run_bounded(&args);
        assert!(
            run.run.code < 2,
            "the baseline run failed: {}",
            run.run.stderr
        );
        run.peak_rss
    }
}

fn plugin_file(example: &str) -> String {
    format!("hostile-{}.wasm", example.replace('_', "-"))
}

fn describe_changes(before: &BTreeMap<PathBuf, Entry>, after: &BTreeMap<PathBuf, Entry>) -> String {
    let mut lines = Vec::new();
    for (path, entry) in before {
        match after.get(path) {
            None => lines.push(format!("removed {}", path.display())),
            Some(now) if now != entry => {
                lines.push(format!("changed {}: {entry:?} -> {now:?}", path.display()));
            }
            Some(_) => {}
        }
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        lines.push(format!("added {}", path.display()));
    }
    lines.join("\n")
}

/// A run of bulkhead, with its wall time and peak resident memory.
struct Bounded {
    run: Run,
    elapsed: Duration,
    /// Peak RSS in bytes (`ru_maxrss` from `wait4`).
    peak_rss: u64,
}

/// Run bulkhead with `args`, killing it (and failing) if it has not ended after [`HANG`].
// The child is reaped by `wait_with_rusage` (wait4), which the lint does not see.
#[allow(clippy::zombie_processes)]
fn run_bounded(args: &[String]) -> Bounded {
    let start = Instant::now();
    let mut child = bulkhead()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run bulkhead");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).map(|_| bytes)
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(wait_with_rusage(pid)));
    let (status, peak_rss) = match rx.recv_timeout(HANG) {
        Ok(waited) => waited,
        Err(_) => {
            let _ = child.kill();
            panic!("bulkhead {args:?} was still running after {HANG:?}: the host hangs");
        }
    };
    let elapsed = start.elapsed();
    let output = Output {
        status,
        stdout: stdout.join().unwrap().unwrap(),
        stderr: stderr.join().unwrap().unwrap(),
    };
    Bounded {
        run: Run::from(output),
        elapsed,
        peak_rss,
    }
}

/// Wait for the child `pid` and take its resource usage with it: its exit status and
/// its peak RSS in bytes.
fn wait_with_rusage(pid: u32) -> (std::process::ExitStatus, u64) {
    use std::os::unix::process::ExitStatusExt;
    let mut status = 0;
    // SAFETY: `rusage` is plain old data that wait4 fills in; `pid` is our own child,
    // reaped here once (nothing else waits for it).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = libc::pid_t::try_from(pid).unwrap();
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(
        waited,
        pid,
        "wait4 failed: {}",
        std::io::Error::last_os_error()
    );
    // Linux reports ru_maxrss in KiB.
    let peak = u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024;
    (std::process::ExitStatus::from_raw(status), peak)
}

/// What one run produced.
struct Outcome {
    run: Run,
    report: Value,
    /// Peak RSS of the run, in bytes.
    peak_rss: u64,
}

impl Outcome {
    /// The run's peak RSS was at most [`RSS_BOUND`] over `lab`'s one-control baseline.
    fn assert_rss_bounded(&self, lab: &Lab) {
        let baseline = lab.baseline_rss();
        eprintln!(
            "peak RSS {} KiB, one-control baseline {} KiB",
            self.peak_rss >> 10,
            baseline >> 10
        );
        assert!(
            self.peak_rss <= baseline + RSS_BOUND,
            "peak RSS {} MiB, over the one-control baseline of {} MiB + {} MiB",
            self.peak_rss >> 20,
            baseline >> 20,
            RSS_BOUND >> 20
        );
    }

    /// The `controls[]` entry of `id`.
    fn control(&self, id: &str) -> &Value {
        self.report["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no control {id} in {:#}", self.report))
    }

    /// The results of `id`.
    fn results(&self, id: &str) -> Vec<&Value> {
        self.report["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["control"] == id)
            .collect()
    }

    /// The one result of `id` whose message starts with `prefix`.
    fn probe(&self, id: &str, prefix: &str) -> &Value {
        let found: Vec<&Value> = self
            .results(id)
            .into_iter()
            .filter(|r| r["message"].as_str().unwrap().starts_with(prefix))
            .collect();
        assert_eq!(found.len(), 1, "one result {prefix:?}: {:#}", self.report);
        found[0]
    }

    /// The denials recorded for `id`, as (call, argument).
    fn denials(&self, id: &str) -> Vec<(String, String)> {
        self.control(id)["denials"]
            .as_array()
            .expect("controls[].denials is an array")
            .iter()
            .map(|d| {
                (
                    d["call"].as_str().unwrap().to_owned(),
                    d["argument"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    /// Whether `needle` appears anywhere in what bulkhead printed.
    fn printed(&self, needle: &str) -> bool {
        self.run.stdout.contains(needle) || self.run.stderr.contains(needle)
    }

    /// The bundled file control ran beside the hostile one and judged the key as usual.
    fn assert_tls_intact(&self) {
        assert_eq!(
            status_of(&self.report, TLS, "file:/etc/docker/key.pem"),
            "pass",
            "{:#}",
            self.report
        );
        assert_eq!(self.control(TLS)["status"], "ok");
    }

    /// `id` ran and ended in one `error` result whose reason contains `reason`; the run
    /// exits 2 and the bundled control is unaffected.
    fn assert_contained(&self, id: &str, reason: &str) {
        assert_eq!(
            results_of(&self.report, id),
            [("host".to_owned(), "error".to_owned())],
            "{:#}",
            self.report
        );
        let message = self.results(id)[0]["message"].as_str().unwrap();
        assert!(
            message.starts_with("control failed: ") && message.contains(reason),
            "the error names the reason ({reason:?}): {message}"
        );
        let control = self.control(id);
        assert_eq!(control["status"], "error");
        let error = control["error"].as_str().expect("controls[].error is set");
        assert!(error.contains(reason), "{error}");
        assert_eq!(self.run.code, 2, "a control in error exits 2");
        self.assert_tls_intact();
    }

    /// `id` trapped, and the error says why (the trap, not just that there was one).
    fn assert_trapped(&self, id: &str, trap: &str) {
        self.assert_contained(id, "trapped: ");
        let error = self.control(id)["error"].as_str().unwrap();
        assert!(
            error.contains(trap),
            "the error names the trap ({trap:?}): {error}"
        );
    }

    /// `id` ran into its deadline: the error says so and it took about `--timeout`.
    fn assert_timed_out(&self, id: &str) {
        self.assert_contained(id, "timed out");
        let ms = self.control(id)["duration_ms"].as_u64().unwrap();
        assert!(
            (1900..10_000).contains(&ms),
            "ended after {ms} ms, not at the 2 s deadline"
        );
    }

    /// The component installed as `path` was refused at load: an `error` result
    /// under its file stem naming the reason, the same on stderr, exit 2, and the bundled
    /// controls ran as usual against the real daemon.
    fn assert_refused(&self, path: &Path, reasons: &[&str]) {
        let stem = path.file_stem().unwrap().to_str().unwrap();
        assert_eq!(
            results_of(&self.report, stem),
            [("host".to_owned(), "error".to_owned())],
            "{:#}",
            self.report
        );
        let message = self.results(stem)[0]["message"].as_str().unwrap();
        let cannot_load = format!("cannot load {}", path.display());
        assert!(message.starts_with(&cannot_load), "{message}");
        assert!(
            self.run.stderr.contains(&cannot_load),
            "stderr names the file: {}",
            self.run.stderr
        );
        for reason in reasons {
            assert!(message.contains(reason), "{reason:?} in {message}");
            assert!(
                self.run.stderr.contains(reason),
                "{reason:?} on stderr: {}",
                self.run.stderr
            );
        }
        // Only the load failure shows under its name: it never ran.
        let entries: Vec<&Value> = self.report["controls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["id"] == stem)
            .collect();
        assert_eq!(entries.len(), 1, "{:#}", self.report["controls"]);
        assert_eq!(entries[0]["status"], "error");
        assert_eq!(self.run.code, 2, "an unloadable control exits 2");
        self.assert_tls_intact();
        assert!(
            !results_of(&self.report, NET_RAW)
                .iter()
                .any(|(_, status)| status == "error"),
            "{:#}",
            self.report
        );
    }
}
