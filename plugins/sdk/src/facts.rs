//! The host's capabilities as Rust traits, so a control's logic can be tested natively.
//!
//! A control's `audit` and `remediate` take `&impl Facts` (and `&impl Admin`), not the raw
//! imports. In the component, [`Host`] forwards every call to the real import; in unit tests,
//! [`FakeHost`](crate::testing::FakeHost) answers from memory. (The raw imports cannot run
//! natively: off wasm32 they are `unreachable!()` stubs.)
//!
//! ```no_run
//! use bulkhead_sdk::{Facts, Finding, Host, Target};
//!
//! fn audit(facts: &impl Facts) -> Vec<Finding> {
//!     match facts.stat("/etc/docker/daemon.json") {
//!         Ok(info) => vec![Finding::info(Target::file("/etc/docker/daemon.json"), "present")
//!             .with_evidence("mode", bulkhead_sdk::format_mode(info.mode))],
//!         Err(err) => vec![Finding::error(Target::Host, bulkhead_sdk::describe_error(&err))],
//!     }
//! }
//! let findings = audit(&Host);
//! ```

use crate::bindings::bulkhead::plugin0_1_0::{
    container_admin, docker, file_admin, filesystem, log, process,
};
use crate::bindings::bulkhead::plugin0_2_0::{container_processes, images, machine, networks};
use crate::bindings::bulkhead::plugin0_3_0::{container_tasks, ownership_admin};
use crate::bindings::bulkhead::plugin0_4_0::container_fields;
use crate::{
    AuditRule, Container, DaemonProcess, Error, ExecSession, FileInfo, Group, HistoryEntry, Image,
    Level, Listener, MountEntry, Network, ProcessTable, Tightening, User,
};

/// The most bytes [`Facts::read_file`] returns (the host's cap too).
pub const MAX_READ: u32 = 1 << 20;

/// The most pointers one [`Facts::inspect_fields`] call may ask for (the host's cap too).
pub const MAX_POINTERS: usize = 256;

/// The most bytes the pointers of one [`Facts::inspect_fields`] call may come to (the
/// host's cap too).
pub const MAX_POINTER_BYTES: usize = 16 << 10;

/// `container-fields` answered from a whole inspect document (`doc`, JSON), with the host's
/// rules for pointers, so a fake host refuses what the real one would.
pub(crate) fn pick_fields(doc: &str, pointers: &[String]) -> Result<Vec<Option<String>>, Error> {
    check_pointers(pointers)?;
    let doc: serde_json::Value = serde_json::from_str(doc)
        .map_err(|e| Error::Other(format!("the inspect document is not JSON: {e}")))?;
    Ok(pointers
        .iter()
        .map(|p| doc.pointer(p).map(serde_json::Value::to_string))
        .collect())
}

fn check_pointers(pointers: &[String]) -> Result<(), Error> {
    if pointers.len() > MAX_POINTERS {
        return Err(Error::Invalid(format!(
            "{} pointers in one call; ask for at most {MAX_POINTERS} at a time",
            pointers.len()
        )));
    }
    let bytes: usize = pointers.iter().map(String::len).sum();
    if bytes > MAX_POINTER_BYTES {
        return Err(Error::Invalid(format!(
            "the pointers of one call come to {bytes} bytes; ask for at most \
             {MAX_POINTER_BYTES} bytes of pointers at a time"
        )));
    }
    match pointers
        .iter()
        .find(|p| !(p.is_empty() || p.starts_with('/')))
    {
        Some(bad) => Err(Error::Invalid(format!(
            "{bad:?} is not a JSON pointer: it must start with `/` (or be empty for the whole \
             document)"
        ))),
        None => Ok(()),
    }
}

/// The read-only imports: file-system facts, processes, Docker facts, and the log.
///
/// Paths are absolute and interpreted under the audited root; see the WIT for details.
pub trait Facts {
    /// Facts about the entry at `path`, following symbolic links.
    fn stat(&self, path: &str) -> Result<FileInfo, Error>;
    /// Facts about the entry at `path` itself, not following a final symbolic link.
    fn lstat(&self, path: &str) -> Result<FileInfo, Error>;
    /// The target of the symbolic link at `path`, as stored in the link.
    fn read_link(&self, path: &str) -> Result<String, Error>;
    /// The absolute path under the root that `path` resolves to, all links followed.
    fn resolve(&self, path: &str) -> Result<String, Error>;
    /// The first `max_bytes` bytes of the file at `path` (links followed).
    fn read_file(&self, path: &str, max_bytes: u32) -> Result<Vec<u8>, Error>;
    /// The names in the directory at `path` (links followed), sorted.
    fn read_dir(&self, path: &str) -> Result<Vec<String>, Error>;
    /// Every running `dockerd`, with its command line.
    fn dockerd(&self) -> Result<Vec<DaemonProcess>, Error>;
    /// Every container, running or not, sorted by name.
    fn containers(&self) -> Result<Vec<Container>, Error>;
    /// The full inspect document (JSON) of one container.
    fn inspect(&self, id: &str) -> Result<String, Error>;
    /// `container-fields.fields` (0.4.0): the JSON text of the member of container `id`'s
    /// inspect document at each JSON pointer (`/HostConfig/Privileged`), in order; `None`
    /// where it has none. At most [`MAX_POINTERS`] pointers, each starting with `/` (or
    /// empty, for the whole document).
    ///
    /// Provided from [`Facts::inspect`], so a fake host answers it from the documents it
    /// holds exactly as the real host does from its snapshot; [`Host`] asks the host,
    /// which parsed each document once for the whole run.
    fn inspect_fields(&self, id: &str, pointers: &[String]) -> Result<Vec<Option<String>>, Error> {
        pick_fields(&self.inspect(id)?, pointers)
    }
    /// `container-fields.fields-of-all` (0.4.0): [`Facts::inspect_fields`] for every
    /// container, in [`Facts::containers`]' order, in one call. `invalid` when the answer
    /// would be more than the host gives at once (16 MiB): then ask per container.
    ///
    /// Provided from [`Facts::containers`] and [`Facts::inspect_fields`].
    fn inspect_fields_of_all(
        &self,
        pointers: &[String],
    ) -> Result<Vec<Vec<Option<String>>>, Error> {
        self.containers()?
            .iter()
            .map(|c| self.inspect_fields(&c.id, pointers))
            .collect()
    }
    /// The daemon's `docker info` document (JSON).
    fn info(&self) -> Result<String, Error>;
    /// `machine.user-by-name`: the account named `name`, from the root's `/etc/passwd`.
    fn user_by_name(&self, name: &str) -> Result<Option<User>, Error>;
    /// `machine.user-by-id`.
    fn user_by_id(&self, uid: u32) -> Result<Option<User>, Error>;
    /// `machine.group-by-name`: the group named `name`, from the root's `/etc/group`.
    fn group_by_name(&self, name: &str) -> Result<Option<Group>, Error>;
    /// `machine.group-by-id`.
    fn group_by_id(&self, gid: u32) -> Result<Option<Group>, Error>;
    /// `machine.mounts`: the mount table of the machine's init process.
    fn mounts(&self) -> Result<Vec<MountEntry>, Error>;
    /// `machine.audit-rules`: every auditd rule configured on disk.
    fn audit_rules(&self) -> Result<Vec<AuditRule>, Error>;
    /// `machine.unit-file`: where systemd loads unit `name` from.
    fn unit_file(&self, name: &str) -> Result<Option<String>, Error>;
    /// `machine.listeners`: the TCP sockets listening on the machine.
    fn listeners(&self) -> Result<Vec<Listener>, Error>;
    /// `images.images`: every image of the daemon.
    fn images(&self) -> Result<Vec<Image>, Error>;
    /// `images.inspect-image`: the full inspect document (JSON) of one image.
    fn inspect_image(&self, id: &str) -> Result<String, Error>;
    /// `images.history`: how one image was built, newest step first.
    fn image_history(&self, id: &str) -> Result<Vec<HistoryEntry>, Error>;
    /// `container-processes.top`: the processes of a running container.
    fn top(&self, id: &str) -> Result<ProcessTable, Error>;
    /// `container-tasks.processes` (0.3.0): the processes of a running container from the
    /// machine's process table when it is the daemon's (titles `UID PID PPID CMD`), else
    /// what `top` answers. Look columns up by title.
    fn processes(&self, id: &str) -> Result<ProcessTable, Error>;
    /// `container-processes.execs`: the exec sessions the daemon holds for a container.
    fn execs(&self, id: &str) -> Result<Vec<ExecSession>, Error>;
    /// `networks.networks`: every network of the daemon.
    fn networks(&self) -> Result<Vec<Network>, Error>;
    /// Record a message in the control's log.
    fn log(&self, level: Level, message: &str);
}

/// The mutating imports, granted only by `bulkhead fix --apply`.
pub trait Admin {
    /// Set the permission bits of the file at `path` (links followed).
    fn chmod(&self, path: &str, mode: u32) -> Result<(), Error>;
    /// Set the owner of the file at `path` (links followed) to user `uid` and group `gid`;
    /// `None` keeps that one. The host only hands files to user 0 and group 0.
    fn chown(&self, path: &str, uid: Option<u32>, gid: Option<u32>) -> Result<(), Error>;
    /// Replace container `name` with a copy tightened by `change`; returns the new id.
    fn replace_container(&self, name: &str, change: &Tightening) -> Result<String, Error>;
}

/// The real host: every method calls the corresponding WIT import.
///
/// Only usable inside a component (wasm32); natively the imports are unreachable stubs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Host;

impl Facts for Host {
    fn stat(&self, path: &str) -> Result<FileInfo, Error> {
        filesystem::stat(path)
    }
    fn lstat(&self, path: &str) -> Result<FileInfo, Error> {
        filesystem::lstat(path)
    }
    fn read_link(&self, path: &str) -> Result<String, Error> {
        filesystem::read_link(path)
    }
    fn resolve(&self, path: &str) -> Result<String, Error> {
        filesystem::resolve(path)
    }
    fn read_file(&self, path: &str, max_bytes: u32) -> Result<Vec<u8>, Error> {
        filesystem::read_file(path, max_bytes)
    }
    fn read_dir(&self, path: &str) -> Result<Vec<String>, Error> {
        filesystem::read_dir(path)
    }
    fn dockerd(&self) -> Result<Vec<DaemonProcess>, Error> {
        process::dockerd()
    }
    fn containers(&self) -> Result<Vec<Container>, Error> {
        docker::containers()
    }
    fn inspect(&self, id: &str) -> Result<String, Error> {
        docker::inspect(id)
    }
    fn inspect_fields(&self, id: &str, pointers: &[String]) -> Result<Vec<Option<String>>, Error> {
        container_fields::fields(id, pointers)
    }
    fn inspect_fields_of_all(
        &self,
        pointers: &[String],
    ) -> Result<Vec<Vec<Option<String>>>, Error> {
        container_fields::fields_of_all(pointers)
    }
    fn info(&self) -> Result<String, Error> {
        docker::info()
    }
    fn user_by_name(&self, name: &str) -> Result<Option<User>, Error> {
        machine::user_by_name(name)
    }
    fn user_by_id(&self, uid: u32) -> Result<Option<User>, Error> {
        machine::user_by_id(uid)
    }
    fn group_by_name(&self, name: &str) -> Result<Option<Group>, Error> {
        machine::group_by_name(name)
    }
    fn group_by_id(&self, gid: u32) -> Result<Option<Group>, Error> {
        machine::group_by_id(gid)
    }
    fn mounts(&self) -> Result<Vec<MountEntry>, Error> {
        machine::mounts()
    }
    fn audit_rules(&self) -> Result<Vec<AuditRule>, Error> {
        machine::audit_rules()
    }
    fn unit_file(&self, name: &str) -> Result<Option<String>, Error> {
        machine::unit_file(name)
    }
    fn listeners(&self) -> Result<Vec<Listener>, Error> {
        machine::listeners()
    }
    fn images(&self) -> Result<Vec<Image>, Error> {
        images::images()
    }
    fn inspect_image(&self, id: &str) -> Result<String, Error> {
        images::inspect_image(id)
    }
    fn image_history(&self, id: &str) -> Result<Vec<HistoryEntry>, Error> {
        images::history(id)
    }
    fn top(&self, id: &str) -> Result<ProcessTable, Error> {
        container_processes::top(id)
    }
    fn processes(&self, id: &str) -> Result<ProcessTable, Error> {
        container_tasks::processes(id)
    }
    fn execs(&self, id: &str) -> Result<Vec<ExecSession>, Error> {
        container_processes::execs(id)
    }
    fn networks(&self) -> Result<Vec<Network>, Error> {
        networks::networks()
    }
    fn log(&self, level: Level, message: &str) {
        log::log(level, message)
    }
}

impl Admin for Host {
    fn chmod(&self, path: &str, mode: u32) -> Result<(), Error> {
        file_admin::chmod(path, mode)
    }
    fn chown(&self, path: &str, uid: Option<u32>, gid: Option<u32>) -> Result<(), Error> {
        ownership_admin::chown(path, uid, gid)
    }
    fn replace_container(&self, name: &str, change: &Tightening) -> Result<String, Error> {
        container_admin::replace_container(name, change)
    }
}
