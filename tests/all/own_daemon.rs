//! A dockerd of a test's own, beside the shared test daemon: its data root, exec root and
//! socket in a temporary directory, a bridge interface of its own, no iptables. Stopped
//! (and its interface removed) when dropped.
//!
//! Not `--bridge none`: a dockerd started that way deletes `docker0`, the shared daemon's
//! bridge, on its way up.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running second dockerd.
pub struct OwnDaemon {
    dir: tempfile::TempDir,
    child: Child,
    /// `unix://` URL of its socket.
    pub url: String,
    bridge: String,
}

/// Run `ip` with `args`, panicking with its output on failure.
fn ip(args: &[&str]) {
    let out = Command::new("ip")
        .args(args)
        .output()
        .expect("cannot run ip (install iproute2)");
    assert!(
        out.status.success(),
        "ip {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl OwnDaemon {
    /// Start one; `tag` (at most 4 bytes) keeps its bridge apart from other tests' own
    /// daemons running at the same time.
    pub fn start(tag: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        let socket = path("docker.sock");
        let url = format!("unix://{}", socket.display());
        let log = std::fs::File::create(path("dockerd.log")).unwrap();
        // Interface names are at most 15 bytes.
        let bridge = format!("bh{tag}{}", std::process::id() % 100_000);
        let _ = Command::new("ip").args(["link", "del", &bridge]).output();
        ip(&["link", "add", &bridge, "type", "bridge"]);
        let child = Command::new("dockerd")
            .arg("--data-root")
            .arg(path("data"))
            .arg("--exec-root")
            .arg(path("exec"))
            .arg("--pidfile")
            .arg(path("dockerd.pid"))
            .args(["-H", &url, "--bridge", &bridge, "--iptables=false"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("these tests start a second dockerd: install docker.io");
        let daemon = OwnDaemon {
            dir,
            child,
            url,
            bridge,
        };
        let start = Instant::now();
        while !daemon.try_docker(&["info"]).status.success() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the second dockerd did not answer within 60 s:\n{}",
                daemon.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        daemon
    }

    /// `name` in its directory: `data` (the data root), `exec` (the exec root).
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Its log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.path("dockerd.log")).unwrap_or_default()
    }

    /// The docker CLI against it.
    pub fn try_docker(&self, args: &[&str]) -> std::process::Output {
        Command::new("docker")
            .args(["-H", &self.url])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("cannot run the docker CLI")
    }

    /// The docker CLI against it, which must succeed; its stdout.
    pub fn docker(&self, args: &[&str]) -> String {
        let out = self.try_docker(args);
        assert!(
            out.status.success(),
            "docker {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for OwnDaemon {
    fn drop(&mut self) {
        // SIGTERM: dockerd stops the containerd it started; SIGKILL would orphan it.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = Command::new("ip")
            .args(["link", "del", &self.bridge])
            .output();
    }
}
