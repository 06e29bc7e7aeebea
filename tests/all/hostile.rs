//! The hostile-control suite: controls that attack the host on purpose, built from source
//! (`tests/plugins/hostile`, one example per control) by the first test that needs them.
//!
//! For each one: the host survives (an exit code, no panic, a JSON report), the run
//! completes within a bounded wall time (`--timeout 2`), the right `error` appears, another
//! control's results are intact, and the files under the temporary root and a test container
//! are unchanged: compared before and after every run, never assumed. A run that hangs is
//! killed and fails its test instead of hanging the suite.

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
const REPORT_BOUND: usize = 1 << 20;

/// Build every hostile control once per test run; returns the directory of the components.
fn components() -> &'static Path {
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

    /// `bulkhead run` with `--only only` (all controls when empty) and `extra` flags,
    /// checking that it ends in bounded time with a report, and that neither the files
    /// nor the container changed.
    fn run(&self, only: &[&str], extra: &[&str]) -> Outcome {
        let root = self.host.root();
        let proc = self.host.proc();
        let mut args: Vec<String> = [
            "run",
            "--root",
            root.to_str().unwrap(),
            "--proc",
            proc.to_str().unwrap(),
            "--plugin-dir",
            self.plugins.path().to_str().unwrap(),
            "--timeout",
            TIMEOUT_SECS,
            "--format",
            "json",
        ]
        .map(str::to_owned)
        .to_vec();
        if !only.is_empty() {
            args.extend(["--only".to_owned(), only.join(",")]);
        }
        args.extend(extra.iter().map(|&a| a.to_owned()));

        let files_before = tree(&self.dir());
        let container_before = self.container_state();
        let (run, elapsed) = run_bounded(&args);
        let files_after = tree(&self.dir());
        let container_after = self.container_state();

        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
            "bulkhead panicked:\n{}",
            run.stderr
        );
        assert!(
            elapsed < WALL_BOUND,
            "the run took {elapsed:?} (bound {WALL_BOUND:?} with --timeout {TIMEOUT_SECS})\n{}",
            run.stderr
        );
        let report = run.json();
        assert_eq!(report["schema"], "bulkhead.report/v1");
        assert_eq!(report["mode"], "audit");
        assert!(
            run.stdout.len() < REPORT_BOUND,
            "the report is {} bytes: some control output was not bounded",
            run.stdout.len()
        );
        assert!(
            files_before == files_after,
            "files under {} changed:\n{}",
            self.dir().display(),
            describe_changes(&files_before, &files_after)
        );
        assert_eq!(
            container_before, container_after,
            "container {} changed",
            self.container.name
        );
        Outcome { run, report }
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

/// Run bulkhead with `args`, killing it (and failing) if it has not ended after [`HANG`].
fn run_bounded(args: &[String]) -> (Run, Duration) {
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
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("bulkhead {args:?} was still running after {HANG:?}: the host hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    let output = Output {
        status,
        stdout: stdout.join().unwrap().unwrap(),
        stderr: stderr.join().unwrap().unwrap(),
    };
    (Run::from(output), elapsed)
}

/// What one run produced.
struct Outcome {
    run: Run,
    report: Value,
}

impl Outcome {
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

// ---------------------------------------------------------------------------------------
// Runaway computation: the deadline, the memory limit, traps.

#[test]
fn an_endless_loop_times_out() {
    let lab = Lab::new("infinite-loop", &["infinite_loop"], false);
    let out = lab.run(&["hostile-infinite-loop", TLS], &[]);
    out.assert_timed_out("hostile-infinite-loop");
}

#[test]
fn a_loop_of_host_calls_times_out_and_its_records_stay_bounded() {
    let lab = Lab::new("host-call-loop", &["host_call_loop"], false);
    let out = lab.run(&["hostile-host-call-loop", TLS], &[]);
    let id = "hostile-host-call-loop";
    out.assert_timed_out(id);
    // It logged and was denied many times; the report keeps a bounded share of it
    // (`Lab::run` bounds the report's size).
    let control = out.control(id);
    assert!(
        control["log"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["message"]
                .as_str()
                .unwrap()
                .contains("still calling the host")),
        "{control:#}"
    );
    let denials = out.denials(id);
    assert!(!denials.is_empty());
    assert!(
        denials
            .iter()
            .all(|(call, arg)| call == "file-admin.chmod" && arg.starts_with("/etc/docker/key.pem")),
        "{denials:?}"
    );
    assert_eq!(lab.host.mode("/etc/docker/key.pem"), 0o400);
}

/// A unix socket that accepts connections and never answers: a wedged Docker daemon.
struct SilentDaemon {
    dir: tempfile::TempDir,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<usize>>,
}

impl SilentDaemon {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let listener = UnixListener::bind(dir.path().join("slow.sock")).unwrap();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut held: Vec<UnixStream> = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => held.push(stream),
                        Err(e) if e.kind() == ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(10));
                        }
                        Err(e) => panic!("accept on slow.sock: {e}"),
                    }
                }
                held.len()
            })
        };
        SilentDaemon {
            dir,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("unix://{}", self.dir.path().join("slow.sock").display())
    }

    /// Stop listening; returns how many connections were accepted (and never answered).
    fn stop(mut self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.take().unwrap().join().unwrap()
    }
}

impl Drop for SilentDaemon {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[test]
fn a_call_blocked_inside_the_host_times_out() {
    let lab = Lab::new("blocked", &["blocked_in_host_call"], false);
    let daemon = SilentDaemon::start();
    let url = daemon.url();
    let out = lab.run(
        &["hostile-blocked-in-host-call", TLS],
        &["--docker-host", &url],
    );
    out.assert_timed_out("hostile-blocked-in-host-call");
    assert!(
        daemon.stop() > 0,
        "the control never reached the silent daemon, so nothing blocked"
    );
}

#[test]
fn a_memory_bomb_hits_the_memory_limit() {
    let lab = Lab::new("memory-bomb", &["memory_bomb"], false);
    let out = lab.run(&["hostile-memory-bomb", TLS], &[]);
    out.assert_contained("hostile-memory-bomb", "exceeded the memory limit");
}

#[test]
fn deep_recursion_traps() {
    let lab = Lab::new("recursion", &["deep_recursion"], false);
    let out = lab.run(&["hostile-deep-recursion", TLS], &[]);
    out.assert_trapped("hostile-deep-recursion", "call stack exhausted");
}

#[test]
fn a_panic_traps_and_its_message_is_kept() {
    let lab = Lab::new("panic", &["panic"], false);
    let out = lab.run(&["hostile-panic", TLS], &[]);
    // With `panic = "abort"`, a panic ends in the `unreachable` instruction.
    out.assert_trapped("hostile-panic", "unreachable");
    let log = &out.control("hostile-panic")["log"];
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|l| l["level"] == "stderr"
                && l["message"].as_str().unwrap().contains("panics on purpose")),
        "the panic message is in the control's log: {log:#}"
    );
}

// ---------------------------------------------------------------------------------------
// Reaching outside: the root, the declared paths, WASI, mutating calls.

#[test]
fn escapes_from_the_root_never_read_outside() {
    let lab = Lab::new("path-escape", &["path_escape"], false);
    let id = "hostile-path-escape";
    let dir = lab.dir();
    let secret = marker("OUTSIDE");
    let outside = dir.join("outside-secret.txt");
    std::fs::write(&outside, &secret).unwrap();
    let inside = marker("INSIDE");
    lab.host
        .file("/etc/inside.txt", &inside, 0o644)
        .link("/escape/abs-link", outside.to_str().unwrap())
        .link("/escape/rel-link", "../../outside-secret.txt")
        .link("/escape/hop", "rel-link")
        .link(
            "/escape/deep-rel-link",
            "../../../../../../../../../../../../etc/passwd",
        )
        .link("/escape/abs-dir-link", dir.to_str().unwrap())
        .link("/escape/rel-dir-link", "../..");
    // The links are real attacks: followed by the operating system, they do escape.
    for link in ["/escape/abs-link", "/escape/rel-link", "/escape/hop"] {
        assert_eq!(
            std::fs::read_to_string(lab.host.path(link)).unwrap(),
            secret
        );
    }
    let rel_dir = lab.host.path("/escape/rel-dir-link/outside-secret.txt");
    assert_eq!(std::fs::read_to_string(rel_dir).unwrap(), secret);
    // The first line of the real /etc/passwd, which the deep links aim at.
    let passwd = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|p| p.lines().next().map(str::to_owned))
        .filter(|l| !l.is_empty());

    let out = lab.run(&[id, TLS], &[]);
    assert_eq!(out.run.code, 0, "{:#}\n{}", out.report, out.run.stderr);
    assert_eq!(out.control(id)["status"], "ok");
    out.assert_tls_intact();
    assert!(
        !out.printed(&secret),
        "a control read the file outside the root: {:#}",
        out.report
    );
    if let Some(line) = passwd {
        assert!(!out.printed(&line), "a control read the real /etc/passwd");
    }
    // Reads work at all: the file inside the root came back.
    let read_inside = out.probe(id, "read-file /etc/inside.txt:");
    assert!(read_inside["message"].as_str().unwrap().contains(&inside));
    // Every escape attempt came back empty-handed (not found, or refused).
    for result in out.results(id) {
        let message = result["message"].as_str().unwrap();
        if message.starts_with("read-file ") && !message.starts_with("read-file /etc/inside.txt:") {
            assert_ne!(result["evidence"]["outcome"], "read", "{message}");
        }
    }
    // `..` above the root and a link to `../..` both list the root itself.
    for dir in ["/..", "/escape/rel-dir-link"] {
        let listing = out.probe(id, &format!("read-dir {dir}:"));
        assert_eq!(
            listing["message"],
            format!("read-dir {dir}: escape etc"),
            "{listing:#}"
        );
    }
    assert_ne!(
        out.probe(id, "read-dir /escape/abs-dir-link:")["evidence"]["outcome"],
        "read"
    );
}

/// `path` with `.` and `..` removed lexically, `..` stopping at `/`.
fn normalize(path: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(name) => names.push(name.to_str().unwrap()),
            Component::ParentDir => {
                names.pop();
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    format!("/{}", names.join("/"))
}

#[test]
fn reads_outside_the_declared_paths_are_denied_and_reported() {
    let lab = Lab::new("undeclared", &["undeclared_reads"], false);
    let id = "hostile-undeclared-reads";
    let declared = marker("DECLARED");
    let secrets = [
        ("/etc/shadow", marker("SHADOW"), 0o640),
        ("/root/.ssh/id_rsa", marker("SSH-KEY"), 0o600),
        ("/etc/dockerx/secret", marker("DOCKERX"), 0o644),
    ];
    lab.host.file(
        "/etc/docker/daemon.json",
        &format!(r#"{{"tlskey": "/etc/docker/key.pem", "x-marker": "{declared}"}}"#),
        0o644,
    );
    for (path, body, mode) in &secrets {
        lab.host.file(path, body, *mode);
    }
    // Links inside the declared directory that lead out of it.
    lab.host
        .link("/etc/docker/abs-shadow-link", "/etc/shadow")
        .link("/etc/docker/rel-shadow-link", "../shadow");

    let out = lab.run(&[id, TLS], &[]);
    out.assert_tls_intact();
    assert_eq!(out.control(id)["status"], "ok", "{:#}", out.report);
    // The declared path reads.
    let allowed = out.probe(id, "read-file /etc/docker/daemon.json:");
    assert!(
        allowed["message"].as_str().unwrap().contains(&declared),
        "{allowed:#}"
    );
    // Nothing else does, and every refusal is in the report with the path.
    for (_, body, _) in &secrets {
        assert!(!out.printed(body), "{body} leaked: {:#}", out.report);
    }
    let denials = out.denials(id);
    for path in [
        "/etc/shadow",
        "/root/.ssh/id_rsa",
        "/etc/dockerx/secret",
        "/etc/docker/../shadow",
        "/etc/docker/../../etc/shadow",
        "/etc/docker/abs-shadow-link",
        "/etc/docker/rel-shadow-link",
    ] {
        let probe = out.probe(id, &format!("read-file {path}:"));
        assert_eq!(probe["evidence"]["outcome"], "denied", "{probe:#}");
        // The argument is the path as written, or normalized, or `path -> where it leads`.
        let names = |arg: &str| {
            arg == path || arg == normalize(path) || arg.starts_with(&format!("{path} -> "))
        };
        assert!(
            denials
                .iter()
                .any(|(call, arg)| call == "filesystem.read-file" && names(arg)),
            "no read-file denial for {path}: {denials:?}"
        );
    }
    assert!(
        out.report["summary"]["denials"].as_u64().unwrap() >= 7,
        "{:#}",
        out.report["summary"]
    );
}

#[rstest::rstest]
#[case::wasi_filesystem("wasi_filesystem", "wasi:filesystem/")]
#[case::wasi_sockets("wasi_sockets", "wasi:sockets/")]
fn forbidden_wasi_imports_are_refused_at_load(#[case] example: &str, #[case] import: &str) {
    let lab = Lab::new(&example.replace('_', "-"), &[example], false);
    let out = lab.run(&[], &[]);
    out.assert_refused(&lab.plugin(example), &[import, "never grants"]);
}

#[test]
fn chmod_during_run_is_denied_and_changes_nothing() {
    let lab = Lab::new("chmod", &["chmod"], false);
    let id = "hostile-chmod";
    let out = lab.run(&[id, TLS], &[]);
    assert_eq!(out.control(id)["status"], "ok", "{:#}", out.report);
    out.assert_tls_intact();
    assert_eq!(out.run.code, 0, "{:#}", out.report);
    let denials = out.denials(id);
    for path in ["/etc/docker/key.pem", "/etc/docker/daemon.json"] {
        assert!(
            denials.iter().any(|(call, arg)| call == "file-admin.chmod"
                && (arg == path || arg.starts_with(&format!("{path} ")))),
            "no chmod denial for {path}: {denials:?}"
        );
    }
    for result in out.results(id) {
        let message = result["message"].as_str().unwrap();
        assert!(message.starts_with("chmod 0777 refused"), "{message}");
    }
    assert_eq!(lab.host.mode("/etc/docker/key.pem"), 0o400);
    assert_eq!(lab.host.mode("/etc/docker/daemon.json"), 0o644);
}

#[test]
fn replacing_a_container_during_run_is_denied_and_changes_nothing() {
    // Running, so that a replacement (which stops the original) would show.
    let lab = Lab::new("replace", &["replace_container"], true);
    let id = "hostile-replace-container";
    let out = lab.run(&[id, TLS], &[]);
    assert_eq!(out.control(id)["status"], "ok", "{:#}", out.report);
    out.assert_tls_intact();
    let name = &lab.container.name;
    let target = lab.container.target();
    assert_eq!(
        status_of(&out.report, id, &target),
        "info",
        "{:#}",
        out.report
    );
    let message = out
        .results(id)
        .into_iter()
        .find(|r| r["target"] == target.as_str())
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("refused"), "{message}");
    let denials = out.denials(id);
    assert!(
        denials
            .iter()
            .any(|(call, arg)| call == "container-admin.replace-container"
                && (arg == name || arg.starts_with(&format!("{name} ")))),
        "no replace-container denial for {name}: {denials:?}"
    );
    assert_eq!(
        docker(&["inspect", "--format", "{{.State.Running}}", name]),
        "true"
    );
}

// ---------------------------------------------------------------------------------------
// Oversized output and malformed components.

#[test]
fn millions_of_findings_hit_a_limit() {
    let lab = Lab::new("many-findings", &["many_findings"], false);
    let id = "hostile-many-findings";
    let out = lab.run(&[id, TLS], &[]);
    let error = out.control(id)["error"].as_str().unwrap_or("").to_owned();
    let reason = if error.contains("memory limit") {
        "exceeded the memory limit"
    } else {
        "findings, more than the limit of"
    };
    out.assert_contained(id, reason);
}

#[test]
fn more_findings_than_the_limit_are_refused() {
    let lab = Lab::new("over-limit", &["findings_over_limit"], false);
    let out = lab.run(&["hostile-findings-over-limit", TLS], &[]);
    out.assert_contained(
        "hostile-findings-over-limit",
        "returned 50000 findings, more than the limit of",
    );
}

#[test]
fn a_huge_message_is_refused() {
    let lab = Lab::new("huge-message", &["huge_message"], false);
    let out = lab.run(&["hostile-huge-message", TLS], &[]);
    out.assert_contained("hostile-huge-message", "bytes of text");
    assert!(!out.printed("AAAAAAAAAAAAAAAA"), "the message leaked");
}

#[rstest::rstest]
#[case::bad_id("bad_id", &["invalid id", "Bad ID!"])]
#[case::huge_title("huge_title", &["metadata", "hostile-huge-title"])]
fn malformed_metadata_is_refused_at_load(#[case] example: &str, #[case] reasons: &[&str]) {
    let lab = Lab::new(&example.replace('_', "-"), &[example], false);
    let out = lab.run(&[], &[]);
    out.assert_refused(&lab.plugin(example), reasons);
    assert!(!out.printed("TTTTTTTTTTTTTTTT"), "the huge title leaked");
    assert!(
        !out.report["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "Bad ID!"),
        "a control with a malformed id was loaded: {:#}",
        out.report["controls"]
    );
}

#[test]
fn a_control_built_against_a_future_wit_is_refused_at_load() {
    let lab = Lab::new("future-wit", &["future_wit"], false);
    let out = lab.run(&[], &[]);
    out.assert_refused(
        &lab.plugin("future_wit"),
        &["@0.2.0", "rebuild the control against"],
    );
}
