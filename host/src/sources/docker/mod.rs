//! One Docker daemon's facts, as the capabilities read them: one snapshot per run.
//!
//! The first control that asks triggers the snapshot: list every container (running or
//! not), and inspect each once, concurrently with a bound; `docker info` (slow on the
//! daemon side) is fetched once too, but only when a control asks for it. Every
//! later call, from any control, is answered from memory. A daemon that cannot be
//! reached makes every call answer `unavailable` with the endpoint that was tried.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bollard::query_parameters::ListContainersOptionsBuilder;
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;
use tokio::sync::OnceCell;

use crate::sandbox::bindings::docker::{Container, Mount};
use crate::sandbox::bindings::types::Error as WitError;
use crate::sources::endpoint::describe;
pub use crate::sources::endpoint::{
    DEFAULT_DOCKER_HOST, Endpoint, TlsFiles, TlsFlags, connect, default_socket, endpoints,
};

mod document;
mod objects;

pub use document::{Document, Member};
pub(crate) use objects::Objects;
pub use objects::{ImageSet, image_from_inspect};

/// Inspect requests in flight at once while taking the snapshot.
const INSPECT_CONCURRENCY: usize = 16;

/// Everything the daemon told us, once.
#[derive(Debug, Default)]
pub struct Snapshot {
    containers: Vec<Container>,
    /// Inspect documents by full id, parsed once per run for everything that picks
    /// members out of them (`container-fields`, the host's own reads), each a compact
    /// [`Document`] of two allocations rather than a `Value` tree of hundreds. The text
    /// of one (`docker.inspect`) is written from it when asked: the SDK reads through
    /// `container-fields`, so few calls ask, and keeping every document twice cost its
    /// text's size per container.
    inspect: HashMap<String, Document>,
    /// Full id by name, for `inspect(name)`.
    ids_by_name: HashMap<String, String>,
    /// Members picked out of every document, by pointer, in `containers` order: many
    /// controls ask for the same ones (every container control for `/Id`, `/Name` and
    /// `/State/Status`), and each is looked up once per run. At most [`MEMO_BYTES`] are
    /// kept, pointers, members and slots all counted, so a control asking for ever new
    /// or ever longer pointers cannot grow it without bound.
    columns: Mutex<Columns>,
}

/// The most bytes the memo of columns keeps (see `Snapshot::column`): about 40
/// pointers' members of 2000 containers of 400 bytes each.
pub const MEMO_BYTES: usize = 32 << 20;

/// The memo of columns and the bytes it holds.
#[derive(Debug, Default)]
struct Columns {
    by_pointer: HashMap<String, Column>,
    bytes: usize,
}

/// The bytes one memo entry holds.
fn memo_cost(pointer: &str, column: &Column) -> usize {
    let members: usize = column
        .iter()
        .map(|m| size_of::<Option<String>>() + m.as_ref().map_or(0, String::len))
        .sum();
    pointer.len() + size_of::<(String, Column)>() + members
}

/// The JSON text of the member at one pointer of every container's document, in
/// [`Snapshot::containers`] order; `None` where a document has none.
pub type Column = Arc<[Option<String>]>;

impl Snapshot {
    /// Build a snapshot from inspect documents.
    pub fn from_documents(docs: Vec<Value>) -> Self {
        Self::from_parts(
            docs.iter()
                .map(|doc| (container_from_inspect(doc), Document::from_value(doc)))
                .filter_map(|(container, doc)| Some((container, doc.ok()?))),
        )
    }

    /// Build a snapshot from each container's facts and its inspect document.
    fn from_parts(parts: impl IntoIterator<Item = (Container, Document)>) -> Self {
        let mut snapshot = Snapshot::default();
        for (container, doc) in parts {
            snapshot
                .ids_by_name
                .insert(container.name.clone(), container.id.clone());
            snapshot.inspect.insert(container.id.clone(), doc);
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
    pub fn document_by_id(&self, id: &str) -> Option<&Document> {
        self.inspect.get(id)
    }

    /// The inspect document of a container by id, name or unique id prefix, as JSON text.
    pub(crate) fn inspect(&self, id_or_name: &str) -> Option<String> {
        self.document(id_or_name).map(|doc| doc.root().to_json())
    }

    /// The member at `pointer` of every container's document (see [`Column`]), looked up
    /// on the first ask.
    pub(crate) fn column(&self, pointer: &str) -> Column {
        let known = |columns: &Columns| columns.by_pointer.get(pointer).cloned();
        if let Some(column) = self.columns.lock().ok().and_then(|c| known(&c)) {
            return column;
        }
        let column: Column = self
            .containers
            .iter()
            .map(|c| {
                self.document_by_id(&c.id)
                    .and_then(|doc| doc.pointer(pointer))
                    .map(|member| member.to_json())
            })
            .collect();
        let cost = memo_cost(pointer, &column);
        if let Ok(mut columns) = self.columns.lock()
            && columns.bytes + cost <= MEMO_BYTES
            && !columns.by_pointer.contains_key(pointer)
        {
            columns.bytes += cost;
            columns
                .by_pointer
                .insert(pointer.to_owned(), column.clone());
        }
        column
    }

    /// The inspect document of the container named by `id_or_name` (see
    /// [`Snapshot::full_id`]).
    pub(crate) fn document(&self, id_or_name: &str) -> Option<&Document> {
        self.full_id(id_or_name)
            .and_then(|id| self.document_by_id(id))
    }

    /// The full id of the container named by `id_or_name`: a name (with or without
    /// Docker's leading `/`), a full id, or (like the CLI) a unique id prefix.
    pub(crate) fn full_id(&self, id_or_name: &str) -> Option<&str> {
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
    pub(crate) objects: Objects,
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

/// Inspect every id with `inspect`, [`INSPECT_CONCURRENCY`] at a time, each answer as a
/// JSON document handed to `keep`, what it keeps in no particular order: only the answers
/// in flight are ever held whole. One removed since it was listed (404) is gone, not an
/// error; any other failure fails the whole, `what` and the id naming it.
pub(crate) async fn inspect_each<T, U, Fut>(
    ids: Vec<String>,
    what: &str,
    inspect: impl Fn(String) -> Fut,
    keep: impl Fn(Value) -> Result<U, String>,
) -> Result<Vec<U>, String>
where
    T: serde::Serialize,
    Fut: Future<Output = Result<T, bollard::errors::Error>>,
{
    let keep = &keep;
    futures::stream::iter(ids)
        .map(|id| {
            let answer = inspect(id.clone());
            async move {
                match answer.await {
                    Ok(doc) => serde_json::to_value(doc)
                        .map_err(|e| e.to_string())
                        .and_then(keep)
                        .map(Some),
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
        let keep = |doc: Value| {
            let container = container_from_inspect(&doc);
            Ok((container, Document::from_value(&doc)?))
        };
        inspect_each(
            ids,
            "inspect",
            |id| async move { docker.inspect_container(&id, None).await },
            keep,
        )
        .await
    };
    Ok(Snapshot::from_parts(docs.await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Trimmed from `docker inspect` on Docker 20.10.
    pub(super) const INSPECT: &str = r#"{
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
    fn a_column_holds_every_container_in_order_and_is_looked_up_once() {
        let web: Value = serde_json::from_str(INSPECT).unwrap();
        let db = serde_json::json!({"Id": "fedcba", "Name": "/db", "HostConfig": {}});
        let snap = Snapshot::from_documents(vec![web, db]);
        let names: Vec<&str> = snap.containers().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["db", "web"]);
        let user = snap.column("/Config/User");
        assert_eq!(&user[..], [None, Some("\"1000\"".to_owned())]);
        assert!(Arc::ptr_eq(&user, &snap.column("/Config/User")));
        let privileged = snap.column("/HostConfig/Privileged");
        assert_eq!(&privileged[..], [None, Some("false".to_owned())]);

        // Only so many bytes are kept: past that, answers are looked up afresh every
        // time. Long pointers fill it as surely as many.
        let long = format!("/{}", "x".repeat(1 << 20));
        for n in 0..MEMO_BYTES >> 20 {
            snap.column(&format!("{long}{n}"));
        }
        let kept = || snap.columns.lock().unwrap().bytes;
        assert!(
            kept() <= MEMO_BYTES && kept() > MEMO_BYTES / 2,
            "{}",
            kept()
        );
        // Then short ones, until the memo takes no more.
        let mut n = 0;
        loop {
            let before = kept();
            snap.column(&format!("/Nope/{n:040}"));
            n += 1;
            if kept() == before {
                break;
            }
        }
        assert!(kept() <= MEMO_BYTES, "{}", kept());
        let late = snap.column("/Config/Image");
        assert_eq!(&late[..], [None, Some("\"bulkhead-test:1\"".to_owned())]);
        assert!(!Arc::ptr_eq(&late, &snap.column("/Config/Image")));
        assert!(Arc::ptr_eq(&user, &snap.column("/Config/User")));
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
