//! Shared test helpers: run the CLI, build temporary roots and process tables, and
//! create labelled containers on the real Docker daemon (removed on drop).

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

/// The label on everything a test creates on the daemon.
pub const LABEL: &str = "bulkhead.test=1";

/// The `bulkhead` binary under test.
pub fn bulkhead() -> Command {
    static WARM: OnceLock<()> = OnceLock::new();
    // Fill the shared compile cache once, before the tests' parallel runs would each
    // compile the same bundled controls.
    WARM.get_or_init(|| {
        let _ = plain_bulkhead().args(["controls"]).output();
    });
    plain_bulkhead()
}

fn plain_bulkhead() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bulkhead"));
    // Keep the user's drop-in directories and compile cache out of the tests.
    cmd.env("XDG_CONFIG_HOME", "/nonexistent-bulkhead-test-config");
    cmd.env("BULKHEAD_CACHE_DIR", workspace().join("target/test-cache"));
    cmd
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The result of one CLI invocation.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().expect("bulkhead was killed by a signal"),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// Run `bulkhead` with `args`.
pub fn run(args: &[&str]) -> Run {
    bulkhead()
        .args(args)
        .output()
        .expect("cannot run bulkhead")
        .into()
}

/// The results of `control` in a JSON report, as (target, status) pairs.
pub fn results_of(report: &Value, control: &str) -> Vec<(String, String)> {
    report["results"]
        .as_array()
        .expect("results is an array")
        .iter()
        .filter(|r| r["control"] == control)
        .map(|r| {
            (
                r["target"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The status of `target` for `control`, panicking with the report if absent.
pub fn status_of(report: &Value, control: &str, target: &str) -> String {
    results_of(report, control)
        .into_iter()
        .find(|(t, _)| t == target)
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("no result for {control} {target} in {report:#}"))
}

/// A temporary directory standing in for `/`, with a process table beside it.
pub struct Host {
    dir: tempfile::TempDir,
}

impl Host {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("root")).unwrap();
        std::fs::create_dir(dir.path().join("proc")).unwrap();
        Host { dir }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    pub fn proc(&self) -> PathBuf {
        self.dir.path().join("proc")
    }

    /// `path` (absolute, as seen under the root) on the real filesystem.
    pub fn path(&self, path: &str) -> PathBuf {
        self.root().join(path.trim_start_matches('/'))
    }

    /// Write a file under the root with `mode`.
    pub fn file(&self, path: &str, body: &str, mode: u32) -> &Self {
        let p = self.path(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, body).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        self
    }

    /// A file beside the root, outside it, with `mode`; returns its real path.
    pub fn outside(&self, name: &str, mode: u32) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, "OUTSIDE").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    /// A symbolic link under the root.
    pub fn link(&self, path: &str, target: &str) -> &Self {
        let p = self.path(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        symlink(target, p).unwrap();
        self
    }

    /// The mode bits of a file under the root (following links).
    pub fn mode(&self, path: &str) -> u32 {
        std::fs::metadata(self.path(path))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777
    }

    /// A process in the fake process table.
    pub fn process(&self, pid: u32, argv: &[&str]) -> &Self {
        let dir = self.proc().join(pid.to_string());
        std::fs::create_dir_all(&dir).unwrap();
        let mut cmdline = Vec::new();
        for arg in argv {
            cmdline.extend_from_slice(arg.as_bytes());
            cmdline.push(0);
        }
        std::fs::write(dir.join("cmdline"), cmdline).unwrap();
        self
    }

    /// Run bulkhead against this host (`--root`, `--proc`) with more `args`.
    pub fn run(&self, args: &[&str]) -> Run {
        let root = self.root();
        let proc = self.proc();
        let mut all = vec![
            args[0],
            "--root",
            root.to_str().unwrap(),
            "--proc",
            proc.to_str().unwrap(),
        ];
        all.extend_from_slice(&args[1..]);
        run(&all)
    }
}

/// `name` from `PATH`, or a failure saying how to install it (`how`).
pub fn required_tool(name: &str, how: &str) -> Command {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(found, "{name} is needed by these tests: {how}");
    Command::new(name)
}

/// Make image `image` from the directory `rootfs` (`docker import`, no registry), with
/// the test label and the `changes` (Dockerfile instructions).
pub fn import_rootfs(rootfs: &Path, image: &str, changes: &[&str]) {
    let tar = rootfs.with_extension("tar");
    let status = Command::new("tar")
        .arg("-C")
        .arg(rootfs)
        .arg("-cf")
        .arg(&tar)
        .arg(".")
        .status()
        .unwrap();
    assert!(status.success(), "cannot tar {}", rootfs.display());
    let label = format!("LABEL {LABEL}");
    let mut args = vec!["import", "--change", &label];
    for change in changes {
        args.extend(["--change", change]);
    }
    args.extend([tar.to_str().unwrap(), image]);
    docker(&args);
}

/// Run `docker` with `args`, panicking with its output on failure.
pub fn docker(args: &[&str]) -> String {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("cannot run the docker CLI; install docker.io");
    assert!(
        out.status.success(),
        "docker {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The local test image: a static `pause`-like binary, imported (no registry needed).
/// Fails loudly when the daemon is unreachable.
pub fn test_image() -> &'static str {
    static IMAGE: OnceLock<String> = OnceLock::new();
    IMAGE.get_or_init(|| {
        let info = Command::new("docker")
            .args(["info", "--format", "{{.ServerVersion}}"])
            .output();
        match info {
            Ok(o) if o.status.success() => {}
            Ok(o) => panic!(
                "these tests need a running Docker daemon (start dockerd): {}",
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => panic!("these tests need the docker CLI and a daemon: {e}"),
        }
        let image = "bulkhead-test/pause:1".to_owned();
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("pause.c");
        std::fs::write(
            &src,
            "#include <signal.h>\n#include <stdlib.h>\n#include <unistd.h>\n\
             static void bye(int s) { (void)s; exit(0); }\n\
             int main(void) { signal(SIGTERM, bye); signal(SIGINT, bye); for (;;) pause(); }\n",
        )
        .unwrap();
        let rootfs = dir.path().join("rootfs");
        std::fs::create_dir(&rootfs).unwrap();
        let status = Command::new("cc")
            .args(["-static", "-Os", "-o"])
            .arg(rootfs.join("pause"))
            .arg(&src)
            .status()
            .expect("cannot run cc to build the test image");
        assert!(status.success(), "building the static test binary failed");
        import_rootfs(&rootfs, &image, &["CMD [\"/pause\"]"]);
        // Each import makes a new image and leaves the last one untagged: remove the
        // test's untagged images no container uses, so runs do not pile them up. Only
        // those over ten minutes old: a build running now has untagged steps of its own.
        let label = format!("label={LABEL}");
        docker(&[
            "image",
            "prune",
            "--force",
            "--filter",
            &label,
            "--filter",
            "until=10m",
        ]);
        image
    })
}

/// A container created for one test; removed (with force) when dropped.
pub struct Container {
    pub name: String,
}

impl Container {
    /// `docker create` with `args` (flags only) on the test image; `start` runs it.
    pub fn create(prefix: &str, args: &[&str], start: bool) -> Self {
        let image = test_image();
        let name = format!("bulkhead-test-{prefix}-{}", std::process::id());
        let _ = Command::new("docker").args(["rm", "-f", &name]).output();
        let mut all = vec!["create", "--name", &name, "--label", LABEL];
        all.extend_from_slice(args);
        all.push(image);
        docker(&all);
        let container = Container { name };
        if start {
            docker(&["start", &container.name]);
        }
        container
    }

    pub fn target(&self) -> String {
        format!("container:{}", self.name)
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["rm", "-f", &self.name])
            .output();
    }
}

/// The bytes of a bundled control as the build produced it.
pub fn bulkhead_wasm(id: &str) -> Vec<u8> {
    let path = workspace()
        .join("target/plugins/wasm32-wasip2/plugin")
        .join(format!("{}.wasm", id.replace('-', "_")));
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The sha256 of a component, as `plugins inspect` reports it (what a pin holds).
pub fn sha256_of(path: &Path) -> String {
    let out = run(&[
        "plugins",
        "inspect",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    out.json()["sha256"].as_str().unwrap().to_owned()
}
