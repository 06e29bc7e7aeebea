//! Where a Docker daemon is and how to reach it: the endpoints of a run (flags,
//! `DOCKER_HOST`, the docker CLI's TLS settings, the rootless socket) and the connection,
//! with the API version read from the daemon's `/_ping`.

use std::path::PathBuf;

use bollard::{ClientVersion, Docker};

/// Where the daemon listens when neither `--docker-host` nor `DOCKER_HOST` says.
pub const DEFAULT_DOCKER_HOST: &str = "unix:///var/run/docker.sock";

/// Seconds bollard waits for one response.
const REQUEST_TIMEOUT_SECS: u64 = 30;

/// Where a daemon listens, and the client certificates to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `unix:///path`, `tcp://host:port` or `http://host:port`.
    pub url: String,
    /// For `tcp://` with TLS: the CA that signed the daemon's certificate, and our own
    /// certificate and key.
    pub tls: Option<TlsFiles>,
}

/// The three PEM files of a TLS client, as the docker CLI names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// `--tlscacert` (`ca.pem`).
    pub ca: PathBuf,
    /// `--tlscert` (`cert.pem`).
    pub cert: PathBuf,
    /// `--tlskey` (`key.pem`).
    pub key: PathBuf,
}

impl Endpoint {
    /// An endpoint without TLS.
    pub fn plain(url: String) -> Self {
        Endpoint { url, tls: None }
    }

    /// Whether the daemon runs on this machine (a unix socket), so that its files are
    /// the ones under `--root`.
    pub fn is_local(&self) -> bool {
        self.url.starts_with("unix://")
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.url)
    }
}

/// The TLS flags of the command line (`--tlscacert`, `--tlscert`, `--tlskey`).
#[derive(Debug, Clone, Default)]
pub struct TlsFlags {
    /// `--tlscacert`.
    pub ca: Option<PathBuf>,
    /// `--tlscert`.
    pub cert: Option<PathBuf>,
    /// `--tlskey`.
    pub key: Option<PathBuf>,
}

/// The daemons to audit: every `--docker-host`, else `$DOCKER_HOST`, else the local
/// default ([`default_socket`]); `tcp://` endpoints get TLS from the flags, else from
/// `DOCKER_CERT_PATH` (or `~/.docker` with `DOCKER_TLS_VERIFY`), the docker CLI's way.
/// `env` reads an environment variable (a parameter, for tests).
pub fn endpoints(
    hosts: &[String],
    flags: &TlsFlags,
    env: &dyn Fn(&str) -> Option<String>,
    euid: Option<u32>,
) -> Result<Vec<Endpoint>, String> {
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    let mut urls: Vec<String> = hosts.to_vec();
    if urls.is_empty() {
        urls.push(var("DOCKER_HOST").unwrap_or_else(|| default_socket(&var, euid)));
    }
    let cert_dir = var("DOCKER_CERT_PATH").map(PathBuf::from).or_else(|| {
        var("DOCKER_TLS_VERIFY")
            .and_then(|_| var("HOME"))
            .map(|home| PathBuf::from(home).join(".docker"))
    });
    let any_flag = flags.ca.is_some() || flags.cert.is_some() || flags.key.is_some();
    let mut out: Vec<Endpoint> = Vec::new();
    for url in urls {
        let tcp = url.starts_with("tcp://");
        if !(tcp || url.starts_with("unix://") || url.starts_with("http://")) {
            return Err(format!(
                "--docker-host {url:?}: use unix:///path/to/docker.sock or tcp://host:port"
            ));
        }
        let tls = (tcp && (any_flag || cert_dir.is_some())).then(|| {
            let file = |flag: &Option<PathBuf>, name: &str| {
                flag.clone().unwrap_or_else(|| {
                    cert_dir
                        .clone()
                        .unwrap_or_else(|| PathBuf::from(".docker"))
                        .join(name)
                })
            };
            TlsFiles {
                ca: file(&flags.ca, "ca.pem"),
                cert: file(&flags.cert, "cert.pem"),
                key: file(&flags.key, "key.pem"),
            }
        });
        let endpoint = Endpoint { url, tls };
        if !out.contains(&endpoint) {
            out.push(endpoint);
        }
    }
    if any_flag && !out.iter().any(|e| e.tls.is_some()) {
        return Err(
            "--tlscacert/--tlscert/--tlskey apply to tcp:// daemons; none was given \
             (add --docker-host tcp://HOST:2376)"
                .to_owned(),
        );
    }
    Ok(out)
}

/// The local daemon when nothing names one: for a user other than root, their rootless
/// daemon (`$XDG_RUNTIME_DIR/docker.sock`) when it exists; else the system socket when
/// it exists; else the rootless one when it exists; else the system socket's path.
pub fn default_socket(var: &dyn Fn(&str) -> Option<String>, euid: Option<u32>) -> String {
    let system = DEFAULT_DOCKER_HOST
        .strip_prefix("unix://")
        .unwrap_or_default();
    let rootless = var("XDG_RUNTIME_DIR")
        .map(|dir| PathBuf::from(dir).join("docker.sock"))
        .filter(|sock| sock.exists());
    let rootless_url = |sock: &PathBuf| format!("unix://{}", sock.display());
    match rootless {
        Some(sock) if euid != Some(0) => rootless_url(&sock),
        Some(sock) if !std::path::Path::new(system).exists() => rootless_url(&sock),
        _ => DEFAULT_DOCKER_HOST.to_owned(),
    }
}

/// Connect to `endpoint`, agreeing on an API version the daemon speaks.
///
/// The version comes from the `API-Version` header of `GET /_ping` (what the docker CLI
/// negotiates with; the daemon answers it without work), falling back to bollard's
/// `GET /version` negotiation, which dockerd answers only after asking each of its
/// components for their versions.
pub async fn connect(endpoint: &Endpoint) -> Result<Docker, String> {
    let url = endpoint.url.as_str();
    let ours = bollard::API_DEFAULT_VERSION;
    let pinged = match endpoint.tls {
        None => ping_api_version(url).await,
        Some(_) => None,
    };
    let version = match &pinged {
        Some(theirs) if theirs < ours => theirs,
        _ => ours,
    };
    let docker = match (&endpoint.tls, url.strip_prefix("unix://")) {
        (None, Some(path)) => Docker::connect_with_unix(path, REQUEST_TIMEOUT_SECS, version),
        (Some(tls), None) if url.starts_with("tcp://") => {
            for (what, file) in [
                ("CA", &tls.ca),
                ("certificate", &tls.cert),
                ("key", &tls.key),
            ] {
                if !file.is_file() {
                    return Err(format!(
                        "TLS {what} {} is not a readable file (see --tlscacert, --tlscert, \
                         --tlskey and DOCKER_CERT_PATH)",
                        file.display()
                    ));
                }
            }
            Docker::connect_with_ssl(
                url,
                &tls.key,
                &tls.cert,
                &tls.ca,
                REQUEST_TIMEOUT_SECS,
                version,
            )
        }
        (None, None) if url.starts_with("tcp://") || url.starts_with("http://") => {
            Docker::connect_with_http(url, REQUEST_TIMEOUT_SECS, version)
        }
        (Some(_), _) => {
            return Err("TLS client certificates apply to tcp:// endpoints only".to_owned());
        }
        _ => {
            return Err("unsupported scheme (use unix://PATH or tcp://HOST:PORT)".to_owned());
        }
    };
    let docker = docker.map_err(|e| describe(&e))?;
    if pinged.is_some() {
        return Ok(docker);
    }
    docker.negotiate_version().await.map_err(|e| describe(&e))
}

/// The API version in the daemon's answer to `GET /_ping`, or `None` when it could not
/// be had (the caller then negotiates the slow way, which also reports why).
async fn ping_api_version(endpoint: &str) -> Option<ClientVersion> {
    use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

    async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> Option<Vec<u8>> {
        stream
            .write_all(b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut head = Vec::with_capacity(512);
        let mut buf = [0u8; 512];
        // The headers are all we need; stop at their end or at 8 KiB.
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 8 << 10 {
            let n = stream.read(&mut buf).await.ok()?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        Some(head)
    }

    let talk = async {
        if let Some(path) = endpoint.strip_prefix("unix://") {
            exchange(tokio::net::UnixStream::connect(path).await.ok()?).await
        } else {
            let authority = endpoint
                .strip_prefix("tcp://")
                .or_else(|| endpoint.strip_prefix("http://"))?
                .trim_end_matches('/');
            exchange(tokio::net::TcpStream::connect(authority).await.ok()?).await
        }
    };
    let head = tokio::time::timeout(std::time::Duration::from_secs(5), talk)
        .await
        .ok()??;
    api_version_header(&head)
}

/// `API-Version` from the head of a `200` HTTP response.
fn api_version_header(head: &[u8]) -> Option<ClientVersion> {
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?;
    if !status.starts_with("HTTP/1.") || status.split(' ').nth(1) != Some("200") {
        return None;
    }
    let value = lines.take_while(|l| !l.is_empty()).find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("api-version")
            .then(|| value.trim())
    })?;
    let (major, minor) = value.split_once('.')?;
    Some(ClientVersion {
        major_version: major.parse().ok()?,
        minor_version: minor.parse().ok()?,
    })
}

pub(crate) fn describe(err: &bollard::errors::Error) -> String {
    use bollard::errors::Error as E;
    match err {
        E::SocketNotFoundError(path) => {
            format!(
                "socket {path} not found; is dockerd running? (set --docker-host or DOCKER_HOST)"
            )
        }
        other => {
            let mut msg = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(s) = source {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                source = s.source();
            }
            msg
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn endpoints_follow_the_docker_cli() {
        let none = TlsFlags::default();
        let urls = |e: Vec<Endpoint>| e.into_iter().map(|e| e.url).collect::<Vec<_>>();
        // Flags beat DOCKER_HOST; repeats are kept once, in order.
        let flags = [
            "unix:///a.sock".to_owned(),
            "tcp://h:2375".to_owned(),
            "unix:///a.sock".to_owned(),
        ];
        let env = env_of(&[("DOCKER_HOST", "unix:///env.sock")]);
        assert_eq!(
            urls(endpoints(&flags, &none, &env, Some(0)).unwrap()),
            ["unix:///a.sock", "tcp://h:2375"]
        );
        assert_eq!(
            urls(endpoints(&[], &none, &env, Some(0)).unwrap()),
            ["unix:///env.sock"]
        );
        // An unknown scheme is refused, naming the good ones.
        let err = endpoints(&["ssh://h".to_owned()], &none, &env, Some(0)).unwrap_err();
        assert!(err.contains("tcp://host:port"), "{err}");

        // tcp:// gets TLS from DOCKER_CERT_PATH; flags override single files.
        let env = env_of(&[("DOCKER_CERT_PATH", "/certs")]);
        let flags_tls = TlsFlags {
            key: Some("/mine/key.pem".into()),
            ..TlsFlags::default()
        };
        let got = endpoints(&["tcp://h:2376".to_owned()], &flags_tls, &env, Some(0)).unwrap();
        assert_eq!(
            got[0].tls,
            Some(TlsFiles {
                ca: "/certs/ca.pem".into(),
                cert: "/certs/cert.pem".into(),
                key: "/mine/key.pem".into(),
            })
        );
        // DOCKER_TLS_VERIFY alone means ~/.docker.
        let env = env_of(&[("DOCKER_TLS_VERIFY", "1"), ("HOME", "/home/op")]);
        let got = endpoints(&["tcp://h:2376".to_owned()], &none, &env, Some(0)).unwrap();
        assert_eq!(
            got[0].tls.as_ref().unwrap().ca,
            PathBuf::from("/home/op/.docker/ca.pem")
        );
        // Without any, tcp:// is plain; unix:// never has TLS.
        let env = env_of(&[]);
        let got = endpoints(
            &["tcp://h:2375".to_owned(), "unix:///s".to_owned()],
            &none,
            &env,
            Some(0),
        )
        .unwrap();
        assert!(got.iter().all(|e| e.tls.is_none()));
        // TLS flags with no tcp:// daemon are a mistake worth saying.
        let err = endpoints(&["unix:///s".to_owned()], &flags_tls, &env, Some(0)).unwrap_err();
        assert!(err.contains("tcp://"), "{err}");
    }

    #[test]
    fn rootless_socket_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let runtime_dir = dir.path().to_str().unwrap().to_owned();
        let env = env_of(&[("XDG_RUNTIME_DIR", &runtime_dir)]);
        // No socket there: the system default.
        assert_eq!(default_socket(&env, Some(1000)), DEFAULT_DOCKER_HOST);
        let sock = dir.path().join("docker.sock");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let rootless = format!("unix://{}", sock.display());
        // A user's own rootless daemon comes first for them.
        assert_eq!(default_socket(&env, Some(1000)), rootless);
        // root gets the system daemon when its socket exists.
        let system_exists = std::path::Path::new("/var/run/docker.sock").exists();
        let want = if system_exists {
            DEFAULT_DOCKER_HOST.to_owned()
        } else {
            rootless
        };
        assert_eq!(default_socket(&env, Some(0)), want);
    }

    #[rstest::rstest]
    #[case::dockerd_20_10(
        "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nDocker-Experimental: false\r\n\r\nOK",
        Some((1, 41))
    )]
    #[case::any_case(
        "HTTP/1.1 200 OK\r\nAPI-VERSION:1.24\r\n\r\n",
        Some((1, 24))
    )]
    #[case::not_ok(
        "HTTP/1.1 500 Internal Server Error\r\nApi-Version: 1.41\r\n\r\n",
        None
    )]
    #[case::no_header("HTTP/1.1 200 OK\r\nServer: x\r\n\r\nOK", None)]
    #[case::header_in_body("HTTP/1.1 200 OK\r\n\r\nApi-Version: 1.41\r\n", None)]
    #[case::garbled("HTTP/1.1 200 OK\r\nApi-Version: one.two\r\n\r\n", None)]
    #[case::not_http("SSH-2.0-OpenSSH\r\n", None)]
    fn ping_header(#[case] head: &str, #[case] want: Option<(usize, usize)>) {
        let got = api_version_header(head.as_bytes()).map(|v| (v.major_version, v.minor_version));
        assert_eq!(got, want);
    }
}
