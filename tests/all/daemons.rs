//! Several daemons in one report, TLS client certificates, and the rootless socket.
//!
//! The daemon is the real one. A second endpoint is the same daemon reached through
//! `socat`: over TCP behind real TLS (a CA, server and client certificates made with
//! `openssl`, client certificates required), or through a rootless-style socket under
//! `$XDG_RUNTIME_DIR` for a user who is not root. `socat` and `openssl` are required
//! (`.ci/run` installs them); the tests fail saying so when they are missing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{Container, Host, bulkhead, required_tool};

const SYSTEM: &str = "unix:///var/run/docker.sock";
const NET_RAW: &str = "container-net-raw-dropped";
const TLS_KEY: &str = "docker-tls-key-permissions";

fn tool(name: &str) -> Command {
    required_tool(name, &format!("apt-get install {name}"))
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = tool("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate signed by the CA,
/// plus a client certificate the CA never signed.
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ];
        let mut ca = vec![
            "req",
            "-x509",
            "-days",
            "2",
            "-subj",
            "/CN=bulkhead test CA",
        ];
        ca.extend(ec);
        ca.extend([
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
        openssl(d, &ca);
        for (name, ext) in [
            (
                "server",
                "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
            ),
            ("cert", "extendedKeyUsage=clientAuth\n"),
        ] {
            let mut req = vec!["req", "-new", "-subj", "/CN=bulkhead"];
            req.extend(ec);
            let (key, csr) = (format!("{name}.key"), format!("{name}.csr"));
            req.extend(["-keyout", &key, "-out", &csr]);
            openssl(d, &req);
            let ext_file = format!("{name}.ext");
            std::fs::write(d.join(&ext_file), ext).unwrap();
            let pem = format!("{name}.pem");
            openssl(
                d,
                &[
                    "x509",
                    "-req",
                    "-days",
                    "2",
                    "-in",
                    &csr,
                    "-CA",
                    "ca.pem",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-extfile",
                    &ext_file,
                    "-out",
                    &pem,
                ],
            );
        }
        std::fs::rename(d.join("cert.key"), d.join("key.pem")).unwrap();
        // socat's OpenSSL server sets no session id context, so a client resuming a
        // session (rustls does, on its second connection) is refused: issue no tickets.
        std::fs::write(
            d.join("openssl.cnf"),
            "openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = sys\n\
             [sys]\nNumTickets = 0\nOptions = -SessionTicket\n",
        )
        .unwrap();
        // A client certificate from nobody the daemon trusts.
        let mut rogue = vec!["req", "-x509", "-days", "2", "-subj", "/CN=rogue"];
        rogue.extend(ec);
        rogue.extend(["-keyout", "rogue.key", "-out", "rogue.pem"]);
        openssl(d, &rogue);
        Pki { dir }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// A `socat` relay to the real daemon, killed on drop.
struct Relay {
    child: Child,
}

impl Relay {
    fn start(listen: String, openssl_conf: Option<PathBuf>) -> Self {
        let mut socat = tool("socat");
        if let Some(conf) = openssl_conf {
            socat.env("OPENSSL_CONF", conf);
        }
        let child = socat
            .args([listen, "UNIX-CONNECT:/var/run/docker.sock".to_owned()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Relay { child }
    }

    /// Over TLS on 127.0.0.1, requiring a client certificate signed by `pki`'s CA.
    fn tls(pki: &Pki) -> (Self, String) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let listen = format!(
            "OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,cert={},key={},cafile={},verify=1",
            pki.file("server.pem").display(),
            pki.file("server.key").display(),
            pki.file("ca.pem").display(),
        );
        let relay = Relay::start(listen, Some(pki.file("openssl.cnf")));
        wait_for(|| std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
        (relay, format!("tcp://127.0.0.1:{port}"))
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for(ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "socat did not come up"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// (target, status, docker_host) of `control`'s results.
fn rows(report: &Value, control: &str) -> Vec<(String, String, Option<String>)> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["control"] == control)
        .map(|r| {
            (
                r["target"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap().to_owned(),
                r["docker_host"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// `run --format json` against the system daemon and the TLS relay at `tcp`, with the
/// client certificate of `pki`, plus `extra`.
fn run_on_both(host: &Host, pki: &Pki, tcp: &str, extra: &[&str]) -> crate::support::Run {
    let (ca, cert, key) = (
        pki.file("ca.pem"),
        pki.file("cert.pem"),
        pki.file("key.pem"),
    );
    let mut args = vec!["run", "--format", "json", "--docker-host", SYSTEM];
    args.extend(["--docker-host", tcp, "--tlscacert", ca.to_str().unwrap()]);
    args.extend(["--tlscert", cert.to_str().unwrap()]);
    args.extend(["--tlskey", key.to_str().unwrap()]);
    args.extend_from_slice(extra);
    host.run(&args)
}

#[test]
fn two_daemons_one_report_over_tls() {
    let pki = Pki::new();
    let (_relay, tcp) = Relay::tls(&pki);
    let web = Container::create("multi", &[], false);
    let host = Host::new();
    host.file("/etc/docker/certs.d/r/client.key", "K", 0o644);

    let out = run_on_both(&host, &pki, &tcp, &[]);
    assert_eq!(out.code, 1, "fails, never errors: {}", out.stderr);
    let report = out.json();
    assert_eq!(report["docker_hosts"], serde_json::json!([SYSTEM, tcp]));
    assert_eq!(report["docker_host"], SYSTEM);

    // The container control ran against each daemon; both saw the container.
    let seen: Vec<_> = rows(&report, NET_RAW)
        .into_iter()
        .filter(|(target, ..)| *target == web.target())
        .collect();
    assert_eq!(
        seen,
        [
            (web.target(), "fail".to_owned(), Some(SYSTEM.to_owned())),
            (web.target(), "fail".to_owned(), Some(tcp.clone())),
        ]
    );
    // The file control ran once, against --root, with no daemon attached.
    assert_eq!(
        rows(&report, TLS_KEY),
        [(
            "file:/etc/docker/certs.d/r/client.key".to_owned(),
            "fail".to_owned(),
            None
        )]
    );
    let runs: Vec<&Value> = report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == NET_RAW)
        .collect();
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|c| c["status"] == "ok"), "{runs:?}");
}

#[test]
fn a_daemon_that_refuses_our_certificate_is_an_error_for_its_run_only() {
    let pki = Pki::new();
    let (_relay, tcp) = Relay::tls(&pki);
    let host = Host::new();
    let tls_args = |cert: &str, key: &str| {
        vec![
            "--docker-host".to_owned(),
            tcp.clone(),
            "--tlscacert".to_owned(),
            pki.file("ca.pem").display().to_string(),
            "--tlscert".to_owned(),
            pki.file(cert).display().to_string(),
            "--tlskey".to_owned(),
            pki.file(key).display().to_string(),
        ]
    };
    let run = |extra: Vec<String>| {
        let mut args = vec!["run", "--format", "json", "--docker-host", SYSTEM];
        args.extend(extra.iter().map(String::as_str));
        host.run(&args)
    };

    // The right certificate reaches the daemon through TLS.
    let good = run(tls_args("cert.pem", "key.pem"));
    let good_report = good.json();
    let errors: Vec<&Value> = good_report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "error")
        .collect();
    assert_ne!(good.code, 2, "{}\n{errors:#?}", good.stderr);

    // A certificate the CA never signed: the relay refuses the handshake.
    let rogue = run(tls_args("rogue.pem", "rogue.key"));
    assert_eq!(rogue.code, 2, "an unreachable daemon is an error");
    let report = rogue.json();
    let on_tcp: Vec<_> = rows(&report, NET_RAW)
        .into_iter()
        .filter(|(.., h)| h.as_deref() == Some(tcp.as_str()))
        .collect();
    assert_eq!(on_tcp.len(), 1, "{on_tcp:?}");
    assert_eq!(on_tcp[0].1, "error");
    let message = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["docker_host"] == tcp.as_str())
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains(&tcp), "names the daemon: {message}");
    // The local daemon's run is unaffected.
    assert!(
        rows(&report, NET_RAW)
            .iter()
            .filter(|(.., h)| h.as_deref() == Some(SYSTEM))
            .all(|(_, status, _)| status != "error")
    );

    // A missing certificate file is named, with the flags that set it.
    let missing = run(tls_args("cert.pem", "no-such-key.pem"));
    assert_eq!(missing.code, 2);
    assert!(
        missing.stdout.contains("no-such-key.pem") && missing.stdout.contains("--tlskey"),
        "{}",
        missing.stdout
    );
}

#[test]
fn plain_tcp_is_warned_about_and_bad_endpoints_are_refused() {
    let host = Host::new();
    // Nothing listens on port 9 of localhost: the container control errors, the warning
    // about plain TCP is printed first.
    let out = host.run(&["run", "--docker-host", "tcp://127.0.0.1:9"]);
    assert!(out.stderr.contains("without TLS"), "{}", out.stderr);
    let out = host.run(&["run", "--docker-host", "ssh://root@example"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("unix:///path/to/docker.sock"),
        "{}",
        out.stderr
    );
    // TLS files without a tcp:// daemon.
    let out = host.run(&["run", "--tlscert", "/x.pem"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("tcp://"), "{}", out.stderr);
}

#[test]
fn a_rootless_users_socket_is_found() {
    const NOBODY: u32 = 65534;
    let runtime_dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::chown(runtime_dir.path(), Some(NOBODY), Some(NOBODY)).unwrap();
    let sock = runtime_dir.path().join("docker.sock");
    let _relay = Relay::start(
        format!("UNIX-LISTEN:{},fork,mode=777,user={NOBODY}", sock.display()),
        None,
    );
    wait_for(|| sock.exists());
    let web = Container::create("rootless", &["--cap-drop", "NET_RAW"], false);

    let mut cmd = tool("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(bulkhead().get_program())
        .args(["run", "--only", NET_RAW, "--format", "json"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", runtime_dir.path())
        .env("XDG_RUNTIME_DIR", runtime_dir.path())
        .env("XDG_CONFIG_HOME", "/nonexistent-bulkhead-test-config")
        .env("BULKHEAD_CACHE_DIR", "off");
    let out: crate::support::Run = cmd.output().unwrap().into();
    assert_ne!(out.code, 2, "{}", out.stderr);
    let report = out.json();
    assert_eq!(
        report["docker_host"],
        format!("unix://{}", sock.display()),
        "a user who is not root gets their own daemon's socket"
    );
    assert!(
        rows(&report, NET_RAW)
            .iter()
            .any(|(target, status, _)| *target == web.target() && status == "pass"),
        "the daemon behind the socket was read"
    );
}

/// A drop-in that imports only `container-fields` reads the daemon (the contract table
/// says so), so with two `--docker-host`s it runs against each, its results tagged.
#[test]
fn a_drop_in_reading_only_container_fields_is_judged_against_every_daemon() {
    const FIELDS_ONLY: &str = "hostile-fields-only";
    let pki = Pki::new();
    let (_relay, tcp) = Relay::tls(&pki);
    let web = Container::create("fields-multi", &[], false);
    let plugins = tempfile::tempdir().unwrap();
    std::fs::copy(
        crate::hostile::components().join("fields_only.wasm"),
        plugins.path().join("fields-only.wasm"),
    )
    .unwrap();
    let host = Host::new();
    let plugin_dir = plugins.path().to_str().unwrap();
    let out = run_on_both(
        &host,
        &pki,
        &tcp,
        &["--plugin-dir", plugin_dir, "--only", FIELDS_ONLY],
    );
    assert!(out.code < 2, "{}", out.stderr);
    let report = out.json();
    let seen: Vec<_> = rows(&report, FIELDS_ONLY)
        .into_iter()
        .filter(|(target, ..)| *target == web.target())
        .collect();
    assert_eq!(
        seen,
        [
            (web.target(), "pass".to_owned(), Some(SYSTEM.to_owned())),
            (web.target(), "pass".to_owned(), Some(tcp.clone())),
        ],
        "{report:#}"
    );
    let runs = report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == FIELDS_ONLY && c["status"] == "ok")
        .count();
    assert_eq!(runs, 2, "one run per daemon: {report:#}");
}
