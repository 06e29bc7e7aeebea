//! The swarm items (CIS 5.1 and 7.x) against a real swarm.
//!
//! The shared test daemon must never enter swarm mode (every other test reads it), so this
//! test starts a second dockerd of its own (data root, exec root and socket in a temporary
//! directory, a bridge interface of its own, no iptables), puts it in swarm mode, and audits
//! it with `--docker-host`. Its swarm listens on this machine, so 7.2 reads the real `/proc`.
//!
//! Not `--bridge none`: a dockerd started that way deletes `docker0`, the shared daemon's
//! bridge, on its way up.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{LABEL, run};

/// A dockerd of the test's own; stopped (its swarm left, its interfaces removed) when
/// dropped.
struct SwarmDaemon {
    dir: tempfile::TempDir,
    child: Child,
    url: String,
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

impl SwarmDaemon {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        let socket = path("docker.sock");
        let url = format!("unix://{}", socket.display());
        let log = std::fs::File::create(path("dockerd.log")).unwrap();
        // Interface names are at most 15 bytes.
        let bridge = format!("bhsw{}", std::process::id() % 100_000);
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
        let daemon = SwarmDaemon {
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

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dockerd.log")).unwrap_or_default()
    }

    fn try_docker(&self, args: &[&str]) -> std::process::Output {
        Command::new("docker")
            .args(["-H", &self.url])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("cannot run the docker CLI")
    }

    fn docker(&self, args: &[&str]) -> String {
        let out = self.try_docker(args);
        assert!(
            out.status.success(),
            "docker {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Leave any swarm, then start one listening on `listen` (`HOST:PORT`).
    fn init(&self, listen: &str) {
        let _ = self.try_docker(&["swarm", "leave", "--force"]);
        self.docker(&[
            "swarm",
            "init",
            "--advertise-addr",
            "127.0.0.1",
            "--listen-addr",
            listen,
        ]);
    }

    /// Remove the routing-mesh network (it is created unencrypted) and wait until the
    /// daemon no longer lists it.
    fn remove_ingress(&self) {
        let mut rm = Command::new("docker")
            .args(["-H", &self.url, "network", "rm", "ingress"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        use std::io::Write;
        rm.stdin.take().unwrap().write_all(b"y\n").unwrap();
        assert!(
            rm.wait().unwrap().success(),
            "docker network rm ingress failed"
        );
        let start = Instant::now();
        while self
            .docker(&["network", "ls", "--format", "{{.Name}}"])
            .lines()
            .any(|n| n == "ingress")
        {
            assert!(start.elapsed() < Duration::from_secs(30), "ingress stays");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The status and message `id` gives this daemon.
    fn verdict(&self, id: &str) -> (String, String) {
        let out = run(&[
            "run",
            "--docker-host",
            &self.url,
            "--only",
            id,
            "--format",
            "json",
        ]);
        let report = out.json();
        let results = report["results"].as_array().unwrap();
        assert_eq!(results.len(), 1, "{id}: {results:#?}\n{}", out.stderr);
        let text = |key: &str| results[0][key].as_str().unwrap().to_owned();
        (text("status"), text("message"))
    }

    fn expect(&self, id: &str, status: &str, words: &str) {
        let (got, message) = self.verdict(id);
        assert_eq!(got, status, "{id}: {message}");
        assert!(message.contains(words), "{id}: {message:?} lacks {words:?}");
    }
}

impl Drop for SwarmDaemon {
    fn drop(&mut self) {
        let _ = self.try_docker(&["swarm", "leave", "--force"]);
        // The swarm made this bridge interface; it outlives the daemon unless removed.
        let _ = self.try_docker(&["network", "rm", "docker_gwbridge"]);
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

#[test]
fn swarm_items_judge_a_real_swarm() {
    let docker0 = || {
        Command::new("ip")
            .args(["link", "show", "docker0"])
            .output()
    };
    let had_docker0 = docker0().is_ok_and(|o| o.status.success());
    let daemon = SwarmDaemon::start();

    // A swarm as `docker swarm init` makes it: every default the benchmark warns about.
    daemon.init("0.0.0.0:2377");
    daemon.expect("swarm-mode-disabled", "fail", "swarm mode is active");
    daemon.expect("swarm-listen-address", "fail", "listen on every interface");
    daemon.expect("swarm-overlay-encrypted", "fail", "ingress");
    daemon.expect("swarm-autolock", "fail", "auto-lock is off");
    daemon.expect("swarm-managers-minimum", "pass", "1 managers");
    for manual in [
        "swarm-secrets",
        "swarm-ca-rotation",
        "swarm-plane-separation",
    ] {
        daemon.expect(manual, "info", "manual check");
    }

    // The same swarm hardened: bound to one address, auto-locked, only encrypted overlays.
    daemon.init("127.0.0.1:2377");
    daemon.expect("swarm-listen-address", "pass", "127.0.0.1:2377");
    daemon.docker(&["swarm", "update", "--autolock=true"]);
    daemon.expect("swarm-autolock", "pass", "auto-lock is on");
    daemon.remove_ingress();
    daemon.docker(&[
        "network",
        "create",
        "--driver",
        "overlay",
        "--opt",
        "encrypted",
        "--label",
        LABEL,
        "sealed",
    ]);
    daemon.expect("swarm-overlay-encrypted", "pass", "sealed");
    daemon.docker(&[
        "network", "create", "--driver", "overlay", "--label", LABEL, "plain",
    ]);
    daemon.expect("swarm-overlay-encrypted", "fail", "plain");

    // The shared daemon's bridge survives the second daemon, before and after it stops.
    let still = || docker0().is_ok_and(|o| o.status.success());
    assert!(
        !had_docker0 || still(),
        "the second dockerd removed docker0"
    );
    drop(daemon);
    assert!(
        !had_docker0 || still(),
        "stopping the second dockerd removed docker0"
    );
}
