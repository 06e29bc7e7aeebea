//! The `docker` capability: read-only Docker facts, served from one snapshot per run.
//!
//! The first control that asks triggers the snapshot: list every container (running or
//! not), and inspect each once, concurrently with a bound; `docker info` (slow on the
//! daemon side) is fetched once too, but only when a control asks for it. Every
//! later call, from any control, is answered from memory. A daemon that cannot be
//! reached makes every call answer `unavailable` with the endpoint that was tried.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use bollard::query_parameters::ListContainersOptionsBuilder;
use bollard::{ClientVersion, Docker};
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;
use tokio::sync::OnceCell;
use wasmtime::component::{HasData, Linker};

use super::check;
use crate::bindings::docker::{self, Container, Host, Mount};
use crate::bindings::types::Error as WitError;
use crate::grants::{Call, Grants};
use crate::state::{CallRecord, HostState};

/// Inspect requests in flight at once while taking the snapshot.
const INSPECT_CONCURRENCY: usize = 16;
/// Seconds bollard waits for one response.
const REQUEST_TIMEOUT_SECS: u64 = 30;
/// Where the daemon listens when neither `--docker-host` nor `DOCKER_HOST` says.
pub const DEFAULT_DOCKER_HOST: &str = "unix:///var/run/docker.sock";

/// Everything the daemon told us, once.
#[derive(Debug, Default)]
pub struct Snapshot {
    containers: Vec<Container>,
    /// Inspect JSON by full id.
    inspect: HashMap<String, String>,
    /// Full id by name, for `inspect(name)`.
    ids_by_name: HashMap<String, String>,
}

impl Snapshot {
    /// Build a snapshot from inspect documents.
    pub fn from_documents(docs: Vec<Value>) -> Self {
        let mut snapshot = Snapshot::default();
        for doc in docs {
            let container = container_from_inspect(&doc);
            snapshot
                .ids_by_name
                .insert(container.name.clone(), container.id.clone());
            snapshot
                .inspect
                .insert(container.id.clone(), doc.to_string());
            snapshot.containers.push(container);
        }
        snapshot.containers.sort_by(|a, b| a.name.cmp(&b.name));
        snapshot
    }

    /// Every container, sorted by name.
    pub fn containers(&self) -> &[Container] {
        &self.containers
    }

    /// The inspect document of a container by full id.
    pub fn inspect_doc(&self, id: &str) -> Option<&String> {
        self.inspect.get(id)
    }

    fn inspect(&self, id_or_name: &str) -> Option<&String> {
        self.full_id(id_or_name).and_then(|id| self.inspect.get(id))
    }

    /// The full id of the container named by `id_or_name`: a name (with or without
    /// Docker's leading `/`), a full id, or (like the CLI) a unique id prefix.
    pub(super) fn full_id(&self, id_or_name: &str) -> Option<&str> {
        let name = id_or_name.trim_start_matches('/');
        if let Some(id) = self.ids_by_name.get(name) {
            return Some(id);
        }
        if let Some((id, _)) = self.inspect.get_key_value(id_or_name) {
            return Some(id);
        }
        let mut matches = self.inspect.keys().filter(|id| id.starts_with(id_or_name));
        match (matches.next(), matches.next()) {
            (Some(id), None) if !id_or_name.is_empty() => Some(id),
            _ => None,
        }
    }
}

/// The security-relevant facts of one container, from its inspect document.
pub fn container_from_inspect(doc: &Value) -> Container {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let list = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let host = &doc["HostConfig"];
    let mut labels: Vec<(String, String)> = doc["Config"]["Labels"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), text(v))).collect())
        .unwrap_or_default();
    labels.sort();
    let mounts = doc["Mounts"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| Mount {
                    kind: text(&m["Type"]),
                    source: text(&m["Source"]),
                    destination: text(&m["Destination"]),
                    writable: m["RW"].as_bool().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default();
    Container {
        id: text(&doc["Id"]),
        name: text(&doc["Name"]).trim_start_matches('/').to_owned(),
        image: text(&doc["Config"]["Image"]),
        state: text(&doc["State"]["Status"]),
        privileged: host["Privileged"].as_bool().unwrap_or(false),
        cap_add: list(&host["CapAdd"]),
        cap_drop: list(&host["CapDrop"]),
        user: text(&doc["Config"]["User"]),
        readonly_rootfs: host["ReadonlyRootfs"].as_bool().unwrap_or(false),
        network_mode: text(&host["NetworkMode"]),
        pid_mode: text(&host["PidMode"]),
        ipc_mode: text(&host["IpcMode"]),
        security_opt: list(&host["SecurityOpt"]),
        mounts,
        labels,
    }
}

/// Per-run state: where the daemon is, and the snapshot once taken.
pub struct DockerCtx {
    endpoint: Endpoint,
    /// Images, networks and a kept connection, for the 0.2.0 interfaces.
    pub(super) objects: super::objects::Objects,
    snapshot: OnceCell<Result<Arc<Snapshot>, String>>,
    info: OnceCell<Result<String, String>>,
}

impl DockerCtx {
    /// A daemon at `endpoint`, not yet contacted.
    pub fn new(endpoint: Endpoint) -> Self {
        DockerCtx {
            endpoint,
            objects: Default::default(),
            snapshot: OnceCell::new(),
            info: OnceCell::new(),
        }
    }

    /// A context whose snapshot is already taken (for tests and offline use).
    pub fn with_snapshot(endpoint: String, snapshot: Snapshot) -> Self {
        DockerCtx {
            endpoint: Endpoint::plain(endpoint),
            objects: Default::default(),
            snapshot: OnceCell::new_with(Some(Ok(Arc::new(snapshot)))),
            info: OnceCell::new(),
        }
    }

    /// The endpoint this context talks to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The run's snapshot, taken on first use.
    pub async fn snapshot(&self) -> Result<Arc<Snapshot>, WitError> {
        self.snapshot
            .get_or_init(|| async {
                take_snapshot(&self.endpoint)
                    .await
                    .map(Arc::new)
                    .map_err(|e| format!("cannot read the Docker daemon at {}: {e}", self.endpoint))
            })
            .await
            .clone()
            .map_err(WitError::Unavailable)
    }
}

impl DockerCtx {
    /// The daemon's `docker info` document (JSON), fetched on first use.
    pub async fn info(&self) -> Result<String, WitError> {
        self.info
            .get_or_init(|| async {
                let fetch = async {
                    let docker = connect(&self.endpoint).await?;
                    let info = docker.info().await.map_err(|e| describe(&e))?;
                    serde_json::to_string(&info).map_err(|e| e.to_string())
                };
                fetch
                    .await
                    .map_err(|e| format!("cannot read the Docker daemon at {}: {e}", self.endpoint))
            })
            .await
            .clone()
            .map_err(WitError::Unavailable)
    }
}

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

pub(super) fn describe(err: &bollard::errors::Error) -> String {
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

/// Inspect every id with `inspect`, [`INSPECT_CONCURRENCY`] at a time, as JSON documents in
/// no particular order. One removed since it was listed (404) is gone, not an error;
/// any other failure fails the whole, `what` and the id naming it.
pub(super) async fn inspect_each<T, Fut>(
    ids: Vec<String>,
    what: &str,
    inspect: impl Fn(String) -> Fut,
) -> Result<Vec<Value>, String>
where
    T: serde::Serialize,
    Fut: Future<Output = Result<T, bollard::errors::Error>>,
{
    futures::stream::iter(ids)
        .map(|id| {
            let answer = inspect(id.clone());
            async move {
                match answer.await {
                    Ok(doc) => serde_json::to_value(doc)
                        .map(Some)
                        .map_err(|e| e.to_string()),
                    Err(bollard::errors::Error::DockerResponseServerError {
                        status_code: 404,
                        ..
                    }) => Ok(None),
                    Err(e) => Err(format!("{what} {id}: {}", describe(&e))),
                }
            }
        })
        .buffer_unordered(INSPECT_CONCURRENCY)
        .try_filter_map(|doc| async move { Ok(doc) })
        .try_collect()
        .await
}

async fn take_snapshot(endpoint: &Endpoint) -> Result<Snapshot, String> {
    let docker = connect(endpoint).await?;
    let options = ListContainersOptionsBuilder::default().all(true).build();
    let docs = async {
        let listed = docker
            .list_containers(Some(options))
            .await
            .map_err(|e| describe(&e))?;
        let ids: Vec<String> = listed.into_iter().filter_map(|c| c.id).collect();
        let docker = &docker;
        inspect_each(ids, "inspect", |id| async move {
            docker.inspect_container(&id, None).await
        })
        .await
    };
    Ok(Snapshot::from_documents(docs.await?))
}

/// A control's view of the Docker capability for one call.
pub struct DockerView<'a> {
    ctx: &'a DockerCtx,
    grants: &'a Grants,
    record: &'a mut CallRecord,
}

impl Host for DockerView<'_> {
    async fn containers(&mut self) -> Result<Vec<Container>, WitError> {
        check(self.grants, self.record, Call::Containers, "")?;
        Ok(self.ctx.snapshot().await?.containers.clone())
    }

    async fn inspect(&mut self, id: String) -> Result<String, WitError> {
        check(self.grants, self.record, Call::Inspect, &id)?;
        let snapshot = self.ctx.snapshot().await?;
        snapshot.inspect(&id).cloned().ok_or(WitError::NotFound)
    }

    async fn info(&mut self) -> Result<String, WitError> {
        check(self.grants, self.record, Call::DockerInfo, "")?;
        self.ctx.info().await
    }
}

struct DockerCap;

impl HasData for DockerCap {
    type Data<'a> = DockerView<'a>;
}

/// Add the `docker` interface to `linker`.
pub fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    docker::add_to_linker::<HostState, DockerCap>(linker, |s| DockerView {
        ctx: &s.run.docker,
        grants: &s.grants,
        record: &mut s.record,
    })
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

    /// Trimmed from `docker inspect` on Docker 20.10.
    const INSPECT: &str = r#"{
        "Id": "0123456789abcdef",
        "Name": "/web",
        "State": {"Status": "exited"},
        "Config": {"Image": "bulkhead-test:1", "User": "1000", "Labels": {"b": "2", "a": "1"}},
        "HostConfig": {"Privileged": false, "CapAdd": ["NET_ADMIN"], "CapDrop": null,
                       "ReadonlyRootfs": true, "NetworkMode": "bridge", "PidMode": "",
                       "IpcMode": "private", "SecurityOpt": ["no-new-privileges"]},
        "Mounts": [{"Type": "bind", "Source": "/srv", "Destination": "/data", "RW": false}]
    }"#;

    #[test]
    fn container_facts_from_recorded_inspect() {
        let doc: Value = serde_json::from_str(INSPECT).unwrap();
        let c = container_from_inspect(&doc);
        assert_eq!(c.name, "web");
        assert_eq!(c.state, "exited");
        assert_eq!(c.cap_add, ["NET_ADMIN"]);
        assert!(c.cap_drop.is_empty());
        assert!(c.readonly_rootfs);
        assert_eq!(c.labels[0], ("a".to_owned(), "1".to_owned()));
        assert_eq!(c.mounts[0].destination, "/data");
        assert!(!c.mounts[0].writable);
    }

    #[test]
    fn inspect_by_name_id_and_unique_prefix() {
        let doc: Value = serde_json::from_str(INSPECT).unwrap();
        let snap = Snapshot::from_documents(vec![doc]);
        assert!(snap.inspect("web").is_some());
        assert!(snap.inspect("/web").is_some());
        assert!(snap.inspect("0123456789abcdef").is_some());
        assert!(snap.inspect("0123").is_some());
        assert!(snap.inspect("").is_none());
        assert!(snap.inspect("nope").is_none());
    }
}
