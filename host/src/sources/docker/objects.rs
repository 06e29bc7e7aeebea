//! What the 0.2.0 Docker interfaces (`images`, `container-processes`, `networks`)
//! read, per run and daemon: the image list (each image inspected once,
//! concurrently with a bound) and the network list are fetched when a control first
//! asks and kept for the rest of the run. A container's processes and exec sessions are
//! asked of the daemon when a control asks, through its top and exec-inspect APIs:
//! nothing is ever run inside a container.
//!
//! Controls name containers and images by id, name or tag, and the host only ever
//! sends the daemon a full id it found in its own lists: a name a control makes up
//! never reaches a URL.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use bollard::Docker;
use bollard::query_parameters::{ListImagesOptionsBuilder, TopOptionsBuilder};
use futures::StreamExt;
use serde_json::Value;
use tokio::sync::OnceCell;

use super::{DockerCtx, Document, Member, Snapshot, inspect_each};
use crate::sandbox::bindings::container_processes::{ExecSession, ProcessTable};
use crate::sandbox::bindings::images::{HistoryEntry, Image};
use crate::sandbox::bindings::networks::Network;
use crate::sandbox::bindings::types::Error as WitError;
use crate::sources::endpoint::{connect, describe};

/// Top requests in flight at once: the daemon runs `ps` for each.
const TOP_CONCURRENCY: usize = 8;

/// What the 0.2.0 interfaces keep per run and daemon.
#[derive(Default)]
pub(crate) struct Objects {
    client: OnceCell<Result<Docker, String>>,
    images: OnceCell<Result<Arc<ImageSet>, String>>,
    networks: OnceCell<Result<Vec<Network>, String>>,
    /// The process tables of every running container by full id, fetched together on the
    /// first `top`: the daemon takes ~20 ms a table, so one after another they would cost
    /// a control 20 ms per running container.
    tops: OnceCell<HashMap<String, Result<ProcessTable, WitError>>>,
}

/// Every image with its inspect document.
#[derive(Debug, Default)]
pub struct ImageSet {
    pub(crate) images: Vec<Image>,
    pub(crate) inspect: HashMap<String, String>,
}

impl ImageSet {
    /// Build the set from inspect documents.
    pub fn from_documents(docs: Vec<Value>) -> Self {
        let mut set = ImageSet::default();
        for doc in docs {
            let image = image_from_inspect(&doc);
            set.inspect.insert(image.id.clone(), doc.to_string());
            set.images.push(image);
        }
        set.images.sort_by(|a, b| a.id.cmp(&b.id));
        set
    }

    /// The full id of the image named by `reference`: a full id, a unique id prefix
    /// (with or without `sha256:`), or one of its tags (`name` alone means `name:latest`).
    pub(crate) fn full_id(&self, reference: &str) -> Option<&str> {
        if reference.is_empty() {
            return None;
        }
        let tagged = if reference
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains(':'))
        {
            reference.to_owned()
        } else {
            format!("{reference}:latest")
        };
        if let Some(image) = self.images.iter().find(|i| i.tags.contains(&tagged)) {
            return Some(&image.id);
        }
        let bare = reference.strip_prefix("sha256:").unwrap_or(reference);
        if !bare.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut matches = self.images.iter().filter(|i| {
            i.id.strip_prefix("sha256:")
                .unwrap_or(&i.id)
                .starts_with(bare)
        });
        match (matches.next(), matches.next()) {
            (Some(image), None) => Some(&image.id),
            _ => None,
        }
    }
}

/// The security-relevant facts of one image, from its inspect document.
pub fn image_from_inspect(doc: &Value) -> Image {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let strings = |v: &Value| -> Option<Vec<String>> {
        v.as_array().map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
    };
    let mut tags = strings(&doc["RepoTags"]).unwrap_or_default();
    tags.retain(|t| t != "<none>:<none>");
    tags.sort();
    let config = &doc["Config"];
    Image {
        id: text(&doc["Id"]),
        tags,
        user: text(&config["User"]),
        healthcheck: strings(&config["Healthcheck"]["Test"]),
        created: text(&doc["Created"]),
    }
}

/// A container of the run's snapshot: its full id, and the snapshot that holds its
/// inspect document (shared, not copied).
pub(crate) struct Found {
    snapshot: Arc<Snapshot>,
    /// The container's full id.
    pub(crate) id: String,
}

impl Found {
    /// The container's inspect document (missing members throughout if it has none).
    pub(crate) fn doc(&self) -> Member<'_> {
        static NONE: LazyLock<Document> = LazyLock::new(Document::default);
        self.snapshot
            .document_by_id(&self.id)
            .unwrap_or(&NONE)
            .root()
    }
}

/// One network from the daemon's list.
fn network_from_json(doc: &Value) -> Network {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let mut options: Vec<(String, String)> = doc["Options"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), text(v))).collect())
        .unwrap_or_default();
    options.sort();
    Network {
        id: text(&doc["Id"]),
        name: text(&doc["Name"]),
        driver: text(&doc["Driver"]),
        scope: text(&doc["Scope"]),
        internal: doc["Internal"].as_bool().unwrap_or(false),
        options,
    }
}

/// One exec session from its inspect document.
fn exec_from_json(doc: &Value) -> ExecSession {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let process = &doc["ProcessConfig"];
    let mut command = vec![text(&process["entrypoint"])];
    command.extend(
        process["arguments"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned),
    );
    command.retain(|c| !c.is_empty());
    ExecSession {
        id: text(&doc["ID"]),
        running: doc["Running"].as_bool().unwrap_or(false),
        privileged: process["privileged"].as_bool().unwrap_or(false),
        user: text(&process["user"]),
        command,
    }
}

/// What `top` answers for a container that is not running.
fn not_running(name: &str) -> WitError {
    WitError::Invalid(format!(
        "container {name} is not running, so it has no processes"
    ))
}

/// A bollard error as the WIT error a control sees.
fn daemon_error(ctx: &DockerCtx, err: &bollard::errors::Error) -> WitError {
    match err {
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        } => WitError::NotFound,
        other => ctx.unavailable(&describe(other)),
    }
}

impl DockerCtx {
    /// The run's connection to the daemon, made on first use; `Err` says why not.
    async fn connection(&self) -> Result<&Docker, String> {
        self.objects
            .client
            .get_or_init(|| connect(self.endpoint()))
            .await
            .as_ref()
            .map_err(Clone::clone)
    }

    async fn client(&self) -> Result<&Docker, WitError> {
        self.connection().await.map_err(|e| self.unavailable(&e))
    }

    /// The daemon could not be read, and why.
    fn unavailable(&self, why: &str) -> WitError {
        WitError::Unavailable(format!(
            "cannot read the Docker daemon at {}: {why}",
            self.endpoint()
        ))
    }

    /// The run's answer in `cell`, from `fetch` on first use (a failure is kept too).
    async fn once<T: Clone>(
        &self,
        cell: &OnceCell<Result<T, String>>,
        fetch: impl Future<Output = Result<T, String>>,
    ) -> Result<T, WitError> {
        cell.get_or_init(|| fetch)
            .await
            .clone()
            .map_err(|e| self.unavailable(&e))
    }

    pub(crate) async fn images(&self) -> Result<Arc<ImageSet>, WitError> {
        let fetch = async {
            let docker = self.connection().await?;
            let options = ListImagesOptionsBuilder::default().all(false).build();
            let listed = docker
                .list_images(Some(options))
                .await
                .map_err(|e| describe(&e))?;
            let mut ids: Vec<String> = listed.into_iter().map(|i| i.id).collect();
            // An image a container runs may be missing from the list (an intermediate
            // layer of a legacy build): controls judging containers by image need it too.
            if let Ok(snapshot) = self.snapshot().await {
                for c in snapshot.containers() {
                    let used = snapshot
                        .document_by_id(&c.id)
                        .and_then(|doc| doc.root().get("Image").as_str())
                        .filter(|id| id.starts_with("sha256:"))
                        .map(str::to_owned);
                    if let Some(id) = used
                        && !ids.contains(&id)
                    {
                        ids.push(id);
                    }
                }
            }
            let docs = inspect_each(
                ids,
                "inspect image",
                |id| async move { docker.inspect_image(&id).await },
                Ok,
            )
            .await?;
            Ok::<_, String>(Arc::new(ImageSet::from_documents(docs)))
        };
        self.once(&self.objects.images, fetch).await
    }

    pub(crate) async fn networks(&self) -> Result<Vec<Network>, WitError> {
        let fetch = async {
            let docker = self.connection().await?;
            let listed = docker.list_networks(None).await.map_err(|e| describe(&e))?;
            let mut networks: Vec<Network> = listed
                .iter()
                .map(|n| serde_json::to_value(n).map(|v| network_from_json(&v)))
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?;
            networks.sort_by(|a, b| a.name.cmp(&b.name));
            Ok::<_, String>(networks)
        };
        self.once(&self.objects.networks, fetch).await
    }

    /// A container of the snapshot, by id or name.
    pub(crate) async fn container(&self, id_or_name: &str) -> Result<Found, WitError> {
        let snapshot = self.snapshot().await?;
        let id = snapshot
            .full_id(id_or_name)
            .filter(|id| snapshot.document_by_id(id).is_some())
            .ok_or(WitError::NotFound)?
            .to_owned();
        Ok(Found { snapshot, id })
    }

    pub(crate) async fn top(&self, id_or_name: &str) -> Result<ProcessTable, WitError> {
        let found = self.container(id_or_name).await?;
        let (id, doc) = (&found.id, found.doc());
        if doc.get("State").get("Running").as_bool() != Some(true) {
            return Err(not_running(id_or_name));
        }
        match self.tops().await.get(id) {
            Some(table) => table.clone().map_err(|e| match e {
                WitError::Invalid(_) => not_running(id_or_name),
                other => other,
            }),
            // Started since the snapshot was taken.
            None => self.fetch_top(id).await,
        }
    }

    /// The process tables of every running container of the snapshot, fetched together
    /// on first use.
    async fn tops(&self) -> &HashMap<String, Result<ProcessTable, WitError>> {
        self.objects
            .tops
            .get_or_init(|| async {
                let Ok(snapshot) = self.snapshot().await else {
                    return HashMap::new();
                };
                let running: Vec<String> = snapshot
                    .containers()
                    .iter()
                    .filter(|c| c.state == "running" || c.state == "paused")
                    .map(|c| c.id.clone())
                    .collect();
                futures::stream::iter(running)
                    .map(|id| async move {
                        let table = self.fetch_top(&id).await;
                        (id, table)
                    })
                    .buffer_unordered(TOP_CONCURRENCY)
                    .collect()
                    .await
            })
            .await
    }

    /// One container's process table, asked of the daemon.
    async fn fetch_top(&self, id: &str) -> Result<ProcessTable, WitError> {
        let docker = self.client().await?;
        let options = TopOptionsBuilder::default().ps_args("-ef").build();
        match docker.top_processes(id, Some(options)).await {
            Ok(top) => Ok(ProcessTable {
                titles: top.titles.unwrap_or_default(),
                processes: top.processes.unwrap_or_default(),
            }),
            // Stopped since the snapshot.
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 409, ..
            }) => Err(not_running(id)),
            Err(e) => Err(daemon_error(self, &e)),
        }
    }

    pub(crate) async fn execs(&self, id_or_name: &str) -> Result<Vec<ExecSession>, WitError> {
        let found = self.container(id_or_name).await?;
        let ids: Vec<String> = found
            .doc()
            .get("ExecIDs")
            .elements()
            .filter_map(|id| id.as_str().map(str::to_owned))
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let docker = self.client().await?;
        let mut sessions = Vec::new();
        for id in ids {
            match docker.inspect_exec(&id).await {
                Ok(exec) => {
                    let doc =
                        serde_json::to_value(exec).map_err(|e| WitError::Other(e.to_string()))?;
                    sessions.push(exec_from_json(&doc));
                }
                // Forgotten since the snapshot.
                Err(bollard::errors::Error::DockerResponseServerError {
                    status_code: 404, ..
                }) => {}
                Err(e) => return Err(daemon_error(self, &e)),
            }
        }
        sessions.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(sessions)
    }

    pub(crate) async fn history(&self, reference: &str) -> Result<Vec<HistoryEntry>, WitError> {
        let images = self.images().await?;
        let id = images.full_id(reference).ok_or(WitError::NotFound)?;
        let docker = self.client().await?;
        let steps = docker
            .image_history(id)
            .await
            .map_err(|e| daemon_error(self, &e))?;
        Ok(steps
            .into_iter()
            .map(|step| HistoryEntry {
                id: step.id,
                created_by: step.created_by,
                created: step.created,
                size: step.size,
                comment: step.comment,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set() -> ImageSet {
        ImageSet::from_documents(vec![
            json!({"Id": "sha256:aaaa1111", "RepoTags": ["app:1", "app:latest"],
                   "Created": "2026-01-01T00:00:00Z",
                   "Config": {"User": "app", "Healthcheck": {"Test": ["CMD", "true"]}}}),
            json!({"Id": "sha256:aaab2222", "RepoTags": ["<none>:<none>"],
                   "Config": {"User": ""}}),
            json!({"Id": "sha256:bbbb3333", "RepoTags": ["registry:5000/team/base:2"],
                   "Config": {"Healthcheck": {"Test": ["NONE"]}}}),
        ])
    }

    #[test]
    fn images_keep_user_healthcheck_and_real_tags() {
        let set = set();
        assert_eq!(set.images[0].user, "app");
        assert_eq!(
            set.images[0].healthcheck.as_deref(),
            Some(&["CMD".to_owned(), "true".to_owned()][..])
        );
        assert!(set.images[1].tags.is_empty(), "<none>:<none> is no tag");
        assert_eq!(set.images[1].healthcheck, None);
        assert_eq!(
            set.images[2].healthcheck.as_deref(),
            Some(&["NONE".to_owned()][..])
        );
    }

    #[rstest::rstest]
    #[case::tag("app:1", Some("sha256:aaaa1111"))]
    #[case::bare_name_is_latest("app", Some("sha256:aaaa1111"))]
    #[case::registry_port_is_not_a_tag("registry:5000/team/base", None)]
    #[case::registry_tag("registry:5000/team/base:2", Some("sha256:bbbb3333"))]
    #[case::full_id("sha256:bbbb3333", Some("sha256:bbbb3333"))]
    #[case::unique_prefix("aaab", Some("sha256:aaab2222"))]
    #[case::ambiguous_prefix("aaa", None)]
    #[case::path_tricks("../../containers/json", None)]
    #[case::empty("", None)]
    fn references_resolve_only_to_listed_images(
        #[case] reference: &str,
        #[case] want: Option<&str>,
    ) {
        assert_eq!(set().full_id(reference), want);
    }

    #[test]
    fn networks_and_execs_parse_from_the_daemons_json() {
        let net = network_from_json(&json!({
            "Id": "n1", "Name": "backend", "Driver": "overlay", "Scope": "swarm",
            "Internal": true, "Options": {"encrypted": "", "com.docker.network.mtu": "1400"}
        }));
        assert_eq!(
            (net.driver.as_str(), net.scope.as_str()),
            ("overlay", "swarm")
        );
        assert!(net.internal);
        assert_eq!(net.options[1], ("encrypted".to_owned(), String::new()));
        let exec = exec_from_json(&json!({
            "ID": "e1", "Running": true,
            "ProcessConfig": {"privileged": true, "user": "root",
                              "entrypoint": "sh", "arguments": ["-c", "id"]}
        }));
        assert!(exec.privileged && exec.running);
        assert_eq!(exec.user, "root");
        assert_eq!(exec.command, ["sh", "-c", "id"]);
    }
}
