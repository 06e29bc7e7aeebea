//! An in-memory host for unit-testing controls natively: files, links, daemons, containers.
//!
//! [`FakeHost`] implements [`Facts`] and [`Admin`] the way the real host behaves: absolute
//! paths only, `..` never above `/`, symbolic links (absolute or relative) followed inside the
//! fake root, parent directories created implicitly (see [`fs`]). Mutating calls are recorded,
//! not applied.
//!
//! ```
//! use bulkhead_sdk::testing::{FakeHost, container};
//! use bulkhead_sdk::Facts;
//!
//! let host = FakeHost::new()
//!     .file("/etc/docker/tls/key.pem", 0o600, "-----BEGIN PRIVATE KEY-----")
//!     .symlink("/etc/docker/key.pem", "tls/key.pem")
//!     .dockerd(812, "/usr/bin/dockerd --tlsverify --tlskey /etc/docker/key.pem")
//!     .container(container("web"));
//! assert_eq!(host.resolve("/etc/docker/key.pem").unwrap(), "/etc/docker/tls/key.pem");
//! assert_eq!(host.stat("/etc/docker/key.pem").unwrap().mode, 0o600);
//! ```

use crate::facts::{Admin, Facts};
use crate::{
    AuditRule, Container, DaemonProcess, Error, ExecSession, FileInfo, Group, HistoryEntry, Image,
    Level, Listener, MountEntry, Network, ProcessTable, Tightening, User,
};
use fs::{FakeFs, Node};
use std::cell::RefCell;

pub mod control;
pub mod fs;
mod objects;

pub use objects::{image, network, process_table};

/// A mutating call a control made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminCall {
    /// `file-admin.chmod(path, mode)`.
    Chmod(String, u32),
    /// `ownership-admin.chown(path, uid, gid)`.
    Chown(String, Option<u32>, Option<u32>),
    /// `container-admin.replace-container(name, change)`.
    ReplaceContainer(String, Tightening),
}

/// An in-memory host (see the module doc). Build it with the chained methods.
#[derive(Debug, Default)]
pub struct FakeHost {
    fs: FakeFs,
    dockerd: Option<Result<Vec<DaemonProcess>, Error>>,
    containers: Option<Result<Vec<Container>, Error>>,
    /// Inspect documents by container name, for containers given one.
    documents: Vec<(String, String)>,
    info: Option<Result<String, Error>>,
    images: Option<Result<Vec<Image>, Error>>,
    networks: Option<Result<Vec<Network>, Error>>,
    listeners: Option<Result<Vec<Listener>, Error>>,
    mounts: Option<Result<Vec<MountEntry>, Error>>,
    /// Process tables and exec sessions by container id or name.
    processes: Vec<(String, Result<ProcessTable, Error>)>,
    execs: Vec<(String, ExecSession)>,
    history: Vec<(String, Vec<HistoryEntry>)>,
    admin_error: Option<Error>,
    calls: RefCell<Vec<AdminCall>>,
    logs: RefCell<Vec<(Level, String)>>,
    /// Every `container-fields` call: the container and the pointers asked for.
    field_calls: RefCell<Vec<(String, Vec<String>)>>,
    /// How many whole inspect documents were asked for.
    inspect_calls: std::cell::Cell<usize>,
    /// The pointers of every `container-fields.fields-of-all` call.
    all_field_calls: RefCell<Vec<Vec<String>>>,
    /// Answer `fields-of-all` with `invalid` (too much at once).
    fields_of_all_too_large: bool,
}

/// The statuses of `findings`, in order (for assertions).
pub fn statuses(findings: &[crate::Finding]) -> Vec<crate::Status> {
    findings.iter().map(|f| f.status).collect()
}

/// A container with Docker's defaults: running, not privileged, no cap changes, no user.
pub fn container(name: &str) -> Container {
    Container {
        id: format!("{name}-0123456789abcdef"),
        name: name.to_owned(),
        image: "busybox:latest".to_owned(),
        state: "running".to_owned(),
        privileged: false,
        cap_add: Vec::new(),
        cap_drop: Vec::new(),
        user: String::new(),
        readonly_rootfs: false,
        network_mode: "bridge".to_owned(),
        pid_mode: String::new(),
        ipc_mode: "private".to_owned(),
        security_opt: Vec::new(),
        mounts: Vec::new(),
        labels: Vec::new(),
    }
}

impl FakeHost {
    /// An empty host: only `/`, no daemon running, no containers.
    pub fn new() -> Self {
        FakeHost::default()
    }

    /// Add a regular file owned by root.
    pub fn file(mut self, path: &str, mode: u32, content: impl AsRef<[u8]>) -> Self {
        self.fs
            .insert(path, Node::File(content.as_ref().to_vec()), mode);
        self
    }

    /// Add a directory owned by root.
    pub fn dir(mut self, path: &str, mode: u32) -> Self {
        self.fs.insert(path, Node::Dir, mode);
        self
    }

    /// Add a symbolic link at `path` pointing at `target` (absolute or relative).
    pub fn symlink(mut self, path: &str, target: &str) -> Self {
        self.fs.insert(path, Node::Link(target.to_owned()), 0o777);
        self
    }

    /// Change the owner of an entry added before.
    pub fn owner(mut self, path: &str, uid: u32, gid: u32) -> Self {
        self.fs.set_owner(path, uid, gid);
        self
    }

    /// Make every file-system call on `path` (as given or as resolved) fail with `error`.
    pub fn fail(mut self, path: &str, error: Error) -> Self {
        self.fs.fail(path, error);
        self
    }

    /// Add a running `dockerd`; `command_line` is split on whitespace, `argv[0]` first.
    pub fn dockerd(mut self, pid: u32, command_line: &str) -> Self {
        let args = command_line.split_whitespace().map(str::to_owned).collect();
        let list = self.dockerd.get_or_insert_with(|| Ok(Vec::new()));
        list.as_mut()
            .expect("dockerd() after dockerd_error()")
            .push(DaemonProcess { pid, args });
        self
    }

    /// Make listing `dockerd` processes fail.
    pub fn dockerd_error(mut self, error: Error) -> Self {
        self.dockerd = Some(Err(error));
        self
    }

    /// Add a container (see [`container`] for one with Docker's defaults).
    pub fn container(mut self, container: Container) -> Self {
        let list = self.containers.get_or_insert_with(|| Ok(Vec::new()));
        list.as_mut()
            .expect("container() after containers_error()")
            .push(container);
        self
    }

    /// Answer `docker.inspect` (and `container-fields`) for the container named `name`
    /// with this document (JSON, its `Id`, `Name` and `State.Status` filled in from the
    /// container where it does not say) instead of only those three.
    pub fn inspect_document(mut self, name: &str, json: &str) -> Self {
        self.documents.push((name.to_owned(), json.to_owned()));
        self
    }

    /// Make listing containers fail (daemon unreachable, ...).
    pub fn containers_error(mut self, error: Error) -> Self {
        self.containers = Some(Err(error));
        self
    }

    /// `/etc/passwd` with `root` (0) and `alice` (1000), `/etc/group` with `root` (0),
    /// `docker` (998) and `alice` (1000): owners then have names.
    pub fn with_accounts(self) -> Self {
        self.file(
            "/etc/passwd",
            0o644,
            "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n",
        )
        .file(
            "/etc/group",
            0o644,
            "root:x:0:\ndocker:x:998:\nalice:x:1000:\n",
        )
    }

    /// The daemon's `docker info` document (JSON) is `json`.
    pub fn info_json(mut self, json: &str) -> Self {
        self.info = Some(Ok(json.to_owned()));
        self
    }

    /// Answer `docker.info` with this document (JSON), or this error.
    pub fn docker_info(mut self, info: Result<&str, Error>) -> Self {
        self.info = Some(info.map(str::to_owned));
        self
    }

    /// Make every mutating call fail with `error` (it is still recorded).
    pub fn admin_error(mut self, error: Error) -> Self {
        self.admin_error = Some(error);
        self
    }

    /// The mutating calls made so far, in order.
    pub fn admin_calls(&self) -> Vec<AdminCall> {
        self.calls.borrow().clone()
    }

    /// The log messages recorded so far, in order.
    pub fn logs(&self) -> Vec<(Level, String)> {
        self.logs.borrow().clone()
    }

    /// Every `container-fields` call so far: the container asked about and the pointers.
    pub fn field_calls(&self) -> Vec<(String, Vec<String>)> {
        self.field_calls.borrow().clone()
    }

    /// The pointers of every `container-fields.fields-of-all` call so far.
    pub fn all_field_calls(&self) -> Vec<Vec<String>> {
        self.all_field_calls.borrow().clone()
    }

    /// Answer `container-fields.fields-of-all` with `invalid`, as the host does when the
    /// members of all containers together are more than it answers at once.
    pub fn fields_of_all_too_large(mut self) -> Self {
        self.fields_of_all_too_large = true;
        self
    }

    /// How many times a whole inspect document was asked for (`docker.inspect`).
    pub fn inspect_calls(&self) -> usize {
        self.inspect_calls.get()
    }

    /// The inspect document of a container by id or name (see [`FakeHost::inspect_document`]),
    /// with the container's `Id`, `Name` and `State.Status` filled in where it does not say,
    /// as a daemon's always has them. A document given that is not JSON comes back as is.
    fn document(&self, id: &str) -> Result<String, Error> {
        let list = self.containers()?;
        let found = list
            .iter()
            .find(|c| c.id == id || c.name == id)
            .ok_or(Error::NotFound)?;
        let given = self.documents.iter().find(|(name, _)| *name == found.name);
        let mut doc = match given.map(|(_, doc)| serde_json::from_str(doc)) {
            None => serde_json::json!({}),
            Some(Ok(serde_json::Value::Object(doc))) => serde_json::Value::Object(doc),
            Some(_) => return Ok(given.map(|(_, doc)| doc.clone()).unwrap_or_default()),
        };
        let fill = |doc: &mut serde_json::Value, key: &str, value: serde_json::Value| {
            if doc.get(key).is_none() {
                doc[key] = value;
            }
        };
        fill(&mut doc, "Id", found.id.clone().into());
        fill(&mut doc, "Name", format!("/{}", found.name).into());
        fill(&mut doc, "State", serde_json::json!({}));
        if doc["State"].is_object() {
            fill(&mut doc["State"], "Status", found.state.clone().into());
        }
        Ok(doc.to_string())
    }

    fn record(&self, call: AdminCall) -> Result<(), Error> {
        self.calls.borrow_mut().push(call);
        self.admin_error.clone().map_or(Ok(()), Err)
    }
}

impl Facts for FakeHost {
    fn stat(&self, path: &str) -> Result<FileInfo, Error> {
        self.fs.stat(path, true)
    }

    fn lstat(&self, path: &str) -> Result<FileInfo, Error> {
        self.fs.stat(path, false)
    }

    fn read_link(&self, path: &str) -> Result<String, Error> {
        match self.fs.node(path, false)? {
            Some(Node::Link(target)) => Ok(target.clone()),
            _ => Err(Error::Invalid(format!("{path} is not a symbolic link"))),
        }
    }

    fn resolve(&self, path: &str) -> Result<String, Error> {
        self.fs.walk(path, true)
    }

    fn read_file(&self, path: &str, max_bytes: u32) -> Result<Vec<u8>, Error> {
        match self.fs.node(path, true)? {
            Some(Node::File(bytes)) => Ok(bytes.iter().copied().take(max_bytes as usize).collect()),
            _ => Err(Error::Other(format!("{path} is a directory"))),
        }
    }

    fn read_dir(&self, path: &str) -> Result<Vec<String>, Error> {
        self.fs.children(path)
    }

    fn dockerd(&self) -> Result<Vec<DaemonProcess>, Error> {
        self.dockerd.clone().unwrap_or(Ok(Vec::new()))
    }

    fn containers(&self) -> Result<Vec<Container>, Error> {
        let mut list = self.containers.clone().unwrap_or(Ok(Vec::new()))?;
        list.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(list)
    }

    fn inspect(&self, id: &str) -> Result<String, Error> {
        self.inspect_calls.set(self.inspect_calls.get() + 1);
        self.document(id)
    }

    fn inspect_fields(&self, id: &str, pointers: &[String]) -> Result<Vec<Option<String>>, Error> {
        self.field_calls
            .borrow_mut()
            .push((id.to_owned(), pointers.to_vec()));
        crate::facts::pick_fields(&self.document(id)?, pointers)
    }

    fn inspect_fields_of_all(
        &self,
        pointers: &[String],
    ) -> Result<Vec<Vec<Option<String>>>, Error> {
        self.all_field_calls.borrow_mut().push(pointers.to_vec());
        if self.fields_of_all_too_large {
            return Err(Error::Invalid("more than 16 MiB at once".into()));
        }
        self.containers()?
            .iter()
            .map(|c| crate::facts::pick_fields(&self.document(&c.id)?, pointers))
            .collect()
    }

    fn info(&self) -> Result<String, Error> {
        if let Some(info) = &self.info {
            return info.clone();
        }
        self.containers()?;
        Ok(r#"{"ServerVersion":"fake"}"#.to_owned())
    }

    fn user_by_name(&self, name: &str) -> Result<Option<User>, Error> {
        Ok(self.users()?.into_iter().find(|u| u.name == name))
    }

    fn user_by_id(&self, uid: u32) -> Result<Option<User>, Error> {
        Ok(self.users()?.into_iter().find(|u| u.uid == uid))
    }

    fn group_by_name(&self, name: &str) -> Result<Option<Group>, Error> {
        Ok(self.groups()?.into_iter().find(|g| g.name == name))
    }

    fn group_by_id(&self, gid: u32) -> Result<Option<Group>, Error> {
        Ok(self.groups()?.into_iter().find(|g| g.gid == gid))
    }

    fn mounts(&self) -> Result<Vec<MountEntry>, Error> {
        self.mounts.clone().unwrap_or(Ok(Vec::new()))
    }

    fn audit_rules(&self) -> Result<Vec<AuditRule>, Error> {
        let mut files = vec!["/etc/audit/audit.rules".to_owned()];
        if let Ok(names) = self.read_dir("/etc/audit/rules.d") {
            files.extend(
                names
                    .into_iter()
                    .filter(|n| n.ends_with(".rules"))
                    .map(|n| format!("/etc/audit/rules.d/{n}")),
            );
        }
        let mut rules = Vec::new();
        for file in files {
            for (index, line) in self.lines_of(&file)?.iter().enumerate() {
                let text = line.trim();
                if !text.is_empty() && !text.starts_with('#') {
                    rules.push(AuditRule {
                        file: file.clone(),
                        line: index as u32 + 1,
                        text: text.to_owned(),
                    });
                }
            }
        }
        Ok(rules)
    }

    fn unit_file(&self, name: &str) -> Result<Option<String>, Error> {
        if name.is_empty() || name.contains('/') {
            return Err(Error::Invalid(format!("{name:?} is not a unit file name")));
        }
        let dirs = [
            "/etc/systemd/system",
            "/run/systemd/system",
            "/usr/local/lib/systemd/system",
            "/usr/lib/systemd/system",
            "/lib/systemd/system",
        ];
        Ok(dirs
            .iter()
            .map(|dir| format!("{dir}/{name}"))
            .find(|path| self.lstat(path).is_ok()))
    }

    fn listeners(&self) -> Result<Vec<Listener>, Error> {
        self.listeners.clone().unwrap_or(Ok(Vec::new()))
    }

    fn images(&self) -> Result<Vec<Image>, Error> {
        let mut list = self.images.clone().unwrap_or(Ok(Vec::new()))?;
        list.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(list)
    }

    fn inspect_image(&self, id: &str) -> Result<String, Error> {
        let image = self.find_image(id)?;
        let healthcheck = match &image.healthcheck {
            Some(test) => format!(r#"{{"Test":{test:?}}}"#),
            None => "null".to_owned(),
        };
        Ok(format!(
            r#"{{"Id":"{}","RepoTags":{:?},"Created":"{}","Config":{{"User":"{}","Healthcheck":{healthcheck}}}}}"#,
            image.id, image.tags, image.created, image.user
        ))
    }

    fn image_history(&self, id: &str) -> Result<Vec<HistoryEntry>, Error> {
        let image = self.find_image(id)?;
        Ok(self
            .history
            .iter()
            .find(|(key, _)| *key == image.id)
            .map(|(_, steps)| steps.clone())
            .unwrap_or_default())
    }

    fn top(&self, id: &str) -> Result<ProcessTable, Error> {
        let container = self.find_container(id)?;
        if container.state != "running" {
            return Err(Error::Invalid(format!("container {id} is not running")));
        }
        self.processes
            .iter()
            .find(|(key, _)| *key == container.id || *key == container.name)
            .map(|(_, table)| table.clone())
            .unwrap_or_else(|| Ok(process_table(&[])))
    }

    /// The same tables as `top` (`.processes(...)`): a fake host has one source.
    fn processes(&self, id: &str) -> Result<ProcessTable, Error> {
        self.top(id)
    }

    fn execs(&self, id: &str) -> Result<Vec<ExecSession>, Error> {
        let container = self.find_container(id)?;
        Ok(self
            .execs
            .iter()
            .filter(|(key, _)| *key == container.id || *key == container.name)
            .map(|(_, session)| session.clone())
            .collect())
    }

    fn networks(&self) -> Result<Vec<Network>, Error> {
        let mut list = self.networks.clone().unwrap_or(Ok(Vec::new()))?;
        list.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(list)
    }

    fn log(&self, level: Level, message: &str) {
        self.logs.borrow_mut().push((level, message.to_owned()));
    }
}

impl Admin for FakeHost {
    fn chmod(&self, path: &str, mode: u32) -> Result<(), Error> {
        self.record(AdminCall::Chmod(path.to_owned(), mode))
    }

    fn chown(&self, path: &str, uid: Option<u32>, gid: Option<u32>) -> Result<(), Error> {
        self.record(AdminCall::Chown(path.to_owned(), uid, gid))
    }

    fn replace_container(&self, name: &str, change: &Tightening) -> Result<String, Error> {
        self.record(AdminCall::ReplaceContainer(name.to_owned(), change.clone()))?;
        Ok(format!("{name}-replacement"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_delegate_to_the_fake_fs() {
        let host = FakeHost::new()
            .file("/etc/docker/tls/key.pem", 0o600, "KEY")
            .owner("/etc/docker/tls/key.pem", 0, 999)
            .symlink("/etc/docker/key.pem", "tls/key.pem");
        assert_eq!(host.stat("/etc/docker/key.pem").unwrap().gid, 999);
        assert_eq!(host.lstat("/etc/docker/key.pem").unwrap().mode, 0o777);
        assert_eq!(
            host.read_link("/etc/docker/key.pem").unwrap(),
            "tls/key.pem"
        );
        assert!(host.read_link("/etc/docker/tls/key.pem").is_err());
        assert_eq!(host.read_file("/etc/docker/key.pem", 2).unwrap(), b"KE");
        assert!(host.read_file("/etc/docker", 2).is_err());
        assert_eq!(host.read_dir("/etc/docker").unwrap(), ["key.pem", "tls"]);
    }

    #[test]
    fn processes_and_containers() {
        let host = FakeHost::new()
            .dockerd(7, "/usr/bin/dockerd -H fd://")
            .container(container("web"))
            .container(container("db"));
        assert_eq!(
            Facts::dockerd(&host).unwrap()[0].args,
            ["/usr/bin/dockerd", "-H", "fd://"]
        );
        let names: Vec<String> = host
            .containers()
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["db", "web"]);
        assert!(host.inspect("web").unwrap().contains("\"/web\""));
        assert_eq!(host.inspect("gone"), Err(Error::NotFound));
        assert_eq!(Facts::dockerd(&FakeHost::new()).unwrap(), []);
    }

    #[test]
    fn admin_calls_and_logs_are_recorded() {
        let host = FakeHost::new().admin_error(Error::Denied);
        assert_eq!(host.chmod("/k", 0o400), Err(Error::Denied));
        assert_eq!(host.admin_calls(), [AdminCall::Chmod("/k".into(), 0o400)]);
        host.log(Level::Warn, "careful");
        assert_eq!(host.logs(), [(Level::Warn, "careful".to_owned())]);
    }
}
