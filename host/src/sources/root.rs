//! The root every file read is confined to (`--root`), through cap-std.
//!
//! Paths from controls are absolute and interpreted as if the root were `/` (chroot
//! semantics): `..` stops at the root, and symbolic links, absolute or relative, are
//! resolved by the host component by component inside the root. cap-std then performs
//! the final operation on a link-free path relative to the root directory handle, so
//! neither a `..` nor a link (nor a race that swaps one in) can reach outside it.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use cap_std::ambient_authority;
use cap_std::fs::{Dir, Metadata, MetadataExt};

use crate::sandbox::bindings::types::{Error as WitError, FileInfo, FileKind};
use crate::sources::secrets;

/// The most a control may read from one file in one call.
pub const MAX_READ_BYTES: u32 = 1 << 20;
/// Symbolic links followed while resolving one path before giving up (Linux's limit).
pub(crate) const MAX_LINK_HOPS: usize = 40;

/// Per-run state: the root directory handle.
pub struct FsCtx {
    pub(crate) root: Dir,
}

impl FsCtx {
    /// Open `root` as the directory every path is confined to.
    pub fn open(root: &Path) -> io::Result<Self> {
        let meta = std::fs::metadata(root)?;
        if !meta.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                "not a directory",
            ));
        }
        let root = Dir::open_ambient_dir(root, ambient_authority())?;
        Ok(FsCtx { root })
    }

    /// Resolve `path` to a link-free path relative to the root. With `follow_last`
    /// false, a final symbolic link is kept rather than followed.
    pub fn resolve(&self, path: &str, follow_last: bool) -> Result<PathBuf, WitError> {
        if !path.starts_with('/') {
            return Err(WitError::Invalid(format!(
                "path must be absolute, got {path:?}"
            )));
        }
        let mut resolved: Vec<OsString> = Vec::new();
        let mut pending: VecDeque<OsString> = components(Path::new(path));
        let mut hops = 0;
        while let Some(name) = pending.pop_front() {
            if name == ".." {
                resolved.pop();
                continue;
            }
            resolved.push(name);
            let candidate = join(&resolved);
            if pending.is_empty() && !follow_last {
                break;
            }
            let meta = self
                .root
                .symlink_metadata(&candidate)
                .map_err(|e| io_error(path, e))?;
            if !meta.file_type().is_symlink() {
                continue;
            }
            hops += 1;
            if hops > MAX_LINK_HOPS {
                return Err(WitError::Invalid(format!(
                    "{path}: too many levels of symbolic links"
                )));
            }
            let target = self
                .root
                .read_link_contents(&candidate)
                .map_err(|e| io_error(path, e))?;
            resolved.pop();
            if target.is_absolute() {
                resolved.clear();
            }
            let mut next = components(&target);
            next.extend(pending);
            pending = next;
        }
        Ok(join(&resolved))
    }

    pub(crate) fn metadata(&self, path: &str, rel: &Path) -> Result<Metadata, WitError> {
        self.root
            .symlink_metadata(rel)
            .map_err(|e| io_error(path, e))
    }

    pub(crate) fn read_file(
        &self,
        path: &str,
        rel: &Path,
        max_bytes: u32,
    ) -> Result<Vec<u8>, WitError> {
        let meta = self.metadata(path, rel)?;
        // Never open FIFOs or devices: opening one can block forever.
        if !meta.is_file() {
            return Err(WitError::Invalid(format!("{path} is not a regular file")));
        }
        let file = self.root.open(rel).map_err(|e| io_error(path, e))?;
        let limit = u64::from(max_bytes.min(MAX_READ_BYTES));
        let mut out = Vec::new();
        file.take(limit)
            .read_to_end(&mut out)
            .map_err(|e| io_error(path, e))?;
        Ok(out)
    }

    /// Read up to `max_bytes` of the link-free `rel` for a control, unless the file is a
    /// secret ([`secrets::is_secret`], judged on all a read could return, whatever
    /// `max_bytes` asks): then `Ok(None)`.
    pub(crate) fn read_for_control(
        &self,
        path: &str,
        rel: &Path,
        max_bytes: u32,
    ) -> Result<Option<Vec<u8>>, WitError> {
        let mut bytes = self.read_file(path, rel, MAX_READ_BYTES)?;
        if secrets::is_secret(&host_path(rel), &bytes) {
            return Ok(None);
        }
        bytes.truncate(max_bytes.min(MAX_READ_BYTES) as usize);
        Ok(Some(bytes))
    }

    /// Read up to [`MAX_READ_BYTES`] of the file at `path` (links followed), for the
    /// host's own use (not on behalf of a control).
    pub fn read_small_file(&self, path: &str) -> Result<Vec<u8>, WitError> {
        let rel = self.resolve(path, true)?;
        self.read_file(path, &rel, MAX_READ_BYTES)
    }

    /// [`FsCtx::read_small_file`] for what the host hands on to controls as text (audit
    /// rules): `Ok(None)` when the file is a secret ([`secrets::is_secret`]).
    pub fn read_small_public_file(&self, path: &str) -> Result<Option<Vec<u8>>, WitError> {
        let rel = self.resolve(path, true)?;
        self.read_for_control(path, &rel, MAX_READ_BYTES)
    }

    /// The sorted names in the directory at `path` (links followed), for the host's own
    /// use (not on behalf of a control).
    pub fn list_dir(&self, path: &str) -> Result<Vec<String>, WitError> {
        let rel = self.resolve(path, true)?;
        self.read_dir(path, &rel)
    }

    /// Whether an entry exists at `path` (a final symbolic link counts, dangling or not),
    /// for the host's own use.
    pub fn exists(&self, path: &str) -> Result<bool, WitError> {
        let rel = match self.resolve(path, false) {
            Ok(rel) => rel,
            Err(WitError::NotFound) => return Ok(false),
            Err(e) => return Err(e),
        };
        match self.metadata(path, &rel) {
            Ok(_) => Ok(true),
            Err(WitError::NotFound) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub(crate) fn read_dir(&self, path: &str, rel: &Path) -> Result<Vec<String>, WitError> {
        let entries = self.root.read_dir(rel).map_err(|e| io_error(path, e))?;
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| io_error(path, e))?;
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
        names.sort();
        Ok(names)
    }
}

/// `path` with `.` and `..` applied lexically (`..` stops at `/`), as an absolute path.
pub fn normalize(path: &str) -> Result<String, WitError> {
    if !path.starts_with('/') {
        return Err(WitError::Invalid(format!(
            "path must be absolute, got {path:?}"
        )));
    }
    let mut names: Vec<OsString> = Vec::new();
    for name in components(Path::new(path)) {
        if name == ".." {
            names.pop();
        } else {
            names.push(name);
        }
    }
    Ok(host_path(&join(&names)))
}

/// The split of an absolute or relative path into names and `..`, dropping `/` and `.`.
pub(crate) fn components(path: &Path) -> VecDeque<OsString> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(name) => Some(name.to_os_string()),
            Component::ParentDir => Some(OsString::from("..")),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => None,
        })
        .collect()
}

pub(crate) fn join(names: &[OsString]) -> PathBuf {
    if names.is_empty() {
        PathBuf::from(".")
    } else {
        names.iter().collect()
    }
}

pub(crate) fn io_error(path: &str, err: io::Error) -> WitError {
    match err.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => WitError::NotFound,
        io::ErrorKind::PermissionDenied => {
            WitError::Unavailable(format!("{path}: permission denied"))
        }
        _ => WitError::Unavailable(format!("{path}: {err}")),
    }
}

pub(crate) fn file_info(meta: &Metadata) -> FileInfo {
    let ft = meta.file_type();
    let kind = if ft.is_symlink() {
        FileKind::Symlink
    } else if ft.is_dir() {
        FileKind::Directory
    } else if ft.is_file() {
        FileKind::File
    } else {
        FileKind::Other
    };
    FileInfo {
        kind,
        mode: meta.mode() & 0o7777,
        uid: meta.uid(),
        gid: meta.gid(),
        size: meta.len(),
    }
}

impl FsCtx {
    /// The permission bits of the link-free `rel` (for errors, `path`).
    pub fn mode_of(&self, path: &str, rel: &Path) -> Result<u32, WitError> {
        self.metadata(path, rel).map(|m| m.mode() & 0o7777)
    }

    /// Set the permission bits of the link-free `rel`.
    pub fn set_mode(&self, path: &str, rel: &Path, mode: u32) -> Result<(), WitError> {
        use cap_std::fs::PermissionsExt;
        self.root
            .set_permissions(rel, cap_std::fs::Permissions::from_mode(mode))
            .map_err(|e| io_error(path, e))
    }

    /// The owner (user id, group id) and permission bits of the link-free `rel`.
    pub fn owner_of(&self, path: &str, rel: &Path) -> Result<(u32, u32, u32), WitError> {
        self.metadata(path, rel)
            .map(|m| (m.uid(), m.gid(), m.mode() & 0o7777))
    }

    /// Set the owner of the link-free `rel`; `None` keeps that id. The parent directory is
    /// opened through cap-std (inside the root, whatever was swapped in since `rel` was
    /// resolved), and the last component is changed without following a link.
    pub fn set_owner(
        &self,
        path: &str,
        rel: &Path,
        uid: Option<u32>,
        gid: Option<u32>,
    ) -> Result<(), WitError> {
        use rustix::fs::{AtFlags, Gid, Uid, chownat};
        // (u32)-1 means "leave unchanged" to the kernel: it is no id.
        if uid == Some(u32::MAX) || gid == Some(u32::MAX) {
            return Err(WitError::Invalid(format!("{} is not an id", u32::MAX)));
        }
        let (parent, name) = match (rel.parent(), rel.file_name()) {
            (Some(parent), Some(name)) => (parent, name),
            _ => (Path::new("."), std::ffi::OsStr::new(".")),
        };
        let dir = if parent.as_os_str().is_empty() || parent == Path::new(".") {
            self.root.try_clone()
        } else {
            self.root.open_dir(parent)
        }
        .map_err(|e| io_error(path, e))?;
        let uid = uid.map(Uid::from_raw);
        let gid = gid.map(Gid::from_raw);
        chownat(&dir, name, uid, gid, AtFlags::SYMLINK_NOFOLLOW)
            .map_err(|e| io_error(path, e.into()))
    }
}

/// The absolute path, as seen under the root, of a path relative to the root.
pub fn host_path(rel: &Path) -> String {
    let s = rel.to_string_lossy();
    if s == "." {
        "/".to_owned()
    } else {
        format!("/{s}")
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    fn root_with(files: &[(&str, &str)], links: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, body) in files {
            let p = dir.path().join(path.trim_start_matches('/'));
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, body).unwrap();
        }
        for (link, target) in links {
            let p = dir.path().join(link.trim_start_matches('/'));
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            symlink(target, p).unwrap();
        }
        dir
    }

    #[rstest::rstest]
    #[case::plain("/etc/docker/key.pem", "/etc/docker/key.pem")]
    #[case::dotdot_clamped_at_root("/../../etc/docker/key.pem", "/etc/docker/key.pem")]
    #[case::absolute_link_stays_inside("/etc/docker/abs.pem", "/srv/real.pem")]
    #[case::relative_link("/etc/docker/rel.pem", "/etc/docker/key.pem")]
    #[case::link_escaping_with_dotdot("/etc/docker/escape.pem", "/srv/real.pem")]
    #[case::linked_directory("/etc/linkdir/key.pem", "/etc/docker/key.pem")]
    fn resolves_inside_the_root(#[case] path: &str, #[case] expected: &str) {
        let dir = root_with(
            &[("/etc/docker/key.pem", "k"), ("/srv/real.pem", "r")],
            &[
                ("/etc/docker/abs.pem", "/srv/real.pem"),
                ("/etc/docker/rel.pem", "key.pem"),
                ("/etc/docker/escape.pem", "../../../../../../srv/real.pem"),
                ("/etc/linkdir", "/etc/docker"),
            ],
        );
        let ctx = FsCtx::open(dir.path()).unwrap();
        let rel = ctx.resolve(path, true).unwrap();
        assert_eq!(host_path(&rel), expected);
    }

    #[rstest::rstest]
    #[case::plain("/etc/docker", "/etc/docker")]
    #[case::dots("/etc/./docker/../docker/key.pem", "/etc/docker/key.pem")]
    #[case::climbing_above_root("/../../etc", "/etc")]
    #[case::root("/", "/")]
    #[case::trailing_slash("/etc/docker/", "/etc/docker")]
    fn lexical_normalisation(#[case] path: &str, #[case] expected: &str) {
        assert_eq!(normalize(path).unwrap(), expected);
    }

    #[test]
    fn link_loops_are_an_error_not_a_hang() {
        let dir = root_with(&[], &[("/a", "/b"), ("/b", "/a")]);
        let ctx = FsCtx::open(dir.path()).unwrap();
        assert!(matches!(ctx.resolve("/a", true), Err(WitError::Invalid(_))));
    }

    #[test]
    fn relative_paths_are_invalid_and_missing_files_not_found() {
        let dir = root_with(&[], &[]);
        let ctx = FsCtx::open(dir.path()).unwrap();
        assert!(matches!(
            ctx.resolve("etc/x", true),
            Err(WitError::Invalid(_))
        ));
        assert!(matches!(
            ctx.resolve("/nope", true),
            Err(WitError::NotFound)
        ));
    }

    #[test]
    fn reads_are_bounded_and_fifos_refused() {
        let dir = root_with(&[("/f", "0123456789")], &[]);
        let ctx = FsCtx::open(dir.path()).unwrap();
        let rel = ctx.resolve("/f", true).unwrap();
        assert_eq!(ctx.read_file("/f", &rel, 4).unwrap(), b"0123");
        let fifo = dir.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let rel = ctx.resolve("/fifo", true).unwrap();
        assert!(matches!(
            ctx.read_file("/fifo", &rel, 10),
            Err(WitError::Invalid(_))
        ));
    }
}
