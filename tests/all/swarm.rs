//! The swarm items (CIS 5.1 and 7.x) against a real swarm.
//!
//! The shared test daemon must never enter swarm mode (every other test reads it), so this
//! test starts a second dockerd of its own ([`OwnDaemon`]), puts it in swarm mode, and
//! audits it with `--docker-host`. Its swarm listens on this machine, so 7.2 reads the real
//! `/proc`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::own_daemon::OwnDaemon;
use crate::support::{LABEL, run};

/// A dockerd of the test's own in swarm mode; its swarm left when dropped.
struct SwarmDaemon(OwnDaemon);

impl std::ops::Deref for SwarmDaemon {
    type Target = OwnDaemon;
    fn deref(&self) -> &OwnDaemon {
        &self.0
    }
}

impl SwarmDaemon {
    fn start() -> Self {
        SwarmDaemon(OwnDaemon::start("sw"))
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
