//! The fake host's file system: entries in a map, resolved like the real host resolves them.
//!
//! Absolute paths only; `.` is dropped; `..` pops a component and never climbs above `/`;
//! symbolic links (absolute or relative) are followed inside the fake root, up to
//! [`MAX_LINKS`]; parent directories are created (mode 0755) when an entry is added.

use crate::{Error, FileInfo, FileKind};
use std::collections::BTreeMap;

/// How many symbolic links one resolution may follow (Linux's `MAXSYMLINKS`).
pub const MAX_LINKS: usize = 40;

/// What an entry is.
#[derive(Debug, Clone)]
pub enum Node {
    /// A regular file and its contents.
    File(Vec<u8>),
    /// A directory (its children are the entries below it).
    Dir,
    /// A symbolic link and its target, as stored.
    Link(String),
}

#[derive(Debug, Clone)]
struct Entry {
    node: Node,
    mode: u32,
    uid: u32,
    gid: u32,
}

/// An in-memory file system tree.
#[derive(Debug, Default)]
pub struct FakeFs {
    entries: BTreeMap<String, Entry>,
    failures: BTreeMap<String, Error>,
}

impl FakeFs {
    /// Add (or replace) an entry owned by root, creating missing parent directories.
    pub fn insert(&mut self, path: &str, node: Node, mode: u32) {
        let parts = components(path).expect("fake paths are absolute");
        for depth in 1..parts.len() {
            let dir = Entry {
                node: Node::Dir,
                mode: 0o755,
                uid: 0,
                gid: 0,
            };
            self.entries.entry(join(&parts[..depth])).or_insert(dir);
        }
        self.entries.insert(
            join(&parts),
            Entry {
                node,
                mode,
                uid: 0,
                gid: 0,
            },
        );
    }

    /// Change the owner of an entry added before.
    pub fn set_owner(&mut self, path: &str, uid: u32, gid: u32) {
        let entry = self
            .entries
            .get_mut(path)
            .expect("owner() of an entry added before");
        entry.uid = uid;
        entry.gid = gid;
    }

    /// Make every call on `path` (as given or as resolved) fail with `error`.
    pub fn fail(&mut self, path: &str, error: Error) {
        self.failures.insert(path.to_owned(), error);
    }

    /// Facts about `path`, following links (`follow_last`: also a final link).
    pub fn stat(&self, path: &str, follow_last: bool) -> Result<FileInfo, Error> {
        let at = self.walk(path, follow_last)?;
        let Some(entry) = self.entries.get(&at) else {
            return Ok(FileInfo {
                kind: FileKind::Directory,
                mode: 0o755,
                uid: 0,
                gid: 0,
                size: 0,
            });
        };
        let (kind, size) = match &entry.node {
            Node::File(bytes) => (FileKind::File, bytes.len() as u64),
            Node::Dir => (FileKind::Directory, 4096),
            Node::Link(target) => (FileKind::Symlink, target.len() as u64),
        };
        Ok(FileInfo {
            kind,
            mode: entry.mode,
            uid: entry.uid,
            gid: entry.gid,
            size,
        })
    }

    /// The node at `path` (`None` for `/`).
    pub fn node(&self, path: &str, follow_last: bool) -> Result<Option<&Node>, Error> {
        let at = self.walk(path, follow_last)?;
        Ok(self.entries.get(&at).map(|e| &e.node))
    }

    /// The names directly below the directory `path` resolves to, sorted.
    pub fn children(&self, path: &str) -> Result<Vec<String>, Error> {
        let at = self.walk(path, true)?;
        if let Some(entry) = self.entries.get(&at)
            && !matches!(entry.node, Node::Dir)
        {
            return Err(Error::Other(format!("{path} is not a directory")));
        }
        let prefix = if at == "/" { at } else { format!("{at}/") };
        let names = self.entries.keys().filter_map(|key| {
            key.strip_prefix(&prefix)
                .filter(|rest| !rest.contains('/'))
                .map(str::to_owned)
        });
        Ok(names.collect())
    }

    /// Resolve `path`, following links in every component (`follow_last`: also the last).
    pub fn walk(&self, path: &str, follow_last: bool) -> Result<String, Error> {
        self.check(path)?;
        let mut pending: Vec<String> = components(path)?.into_iter().rev().collect();
        let mut done: Vec<String> = Vec::new();
        let mut links = 0;
        while let Some(part) = pending.pop() {
            if part == ".." {
                done.pop();
                continue;
            }
            done.push(part);
            let is_last = pending.is_empty();
            match self.entries.get(&join(&done)).map(|e| &e.node) {
                None => return Err(Error::NotFound),
                Some(Node::Link(target)) if follow_last || !is_last => {
                    links += 1;
                    if links > MAX_LINKS {
                        return Err(Error::Other("too many levels of symbolic links".into()));
                    }
                    done.pop();
                    if target.starts_with('/') {
                        done.clear();
                    }
                    let parts = target.split('/').filter(|p| !p.is_empty() && *p != ".");
                    pending.extend(parts.rev().map(str::to_owned));
                }
                Some(Node::File(_)) if !is_last => return Err(Error::NotFound),
                Some(_) => {}
            }
        }
        let resolved = join(&done);
        self.check(&resolved)?;
        Ok(resolved)
    }

    fn check(&self, path: &str) -> Result<(), Error> {
        self.failures
            .get(path)
            .map_or(Ok(()), |err| Err(err.clone()))
    }
}

/// The components of an absolute path, `.` and empty ones dropped (`..` kept).
fn components(path: &str) -> Result<Vec<String>, Error> {
    if !path.starts_with('/') {
        return Err(Error::Invalid(format!("{path:?} is not an absolute path")));
    }
    Ok(path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .map(str::to_owned)
        .collect())
}

fn join(parts: &[String]) -> String {
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn fs() -> FakeFs {
        let mut fs = FakeFs::default();
        fs.insert(
            "/etc/docker/tls/key.pem",
            Node::File(b"KEY".to_vec()),
            0o600,
        );
        let links = [
            ("/etc/docker/abs.pem", "/etc/docker/tls/key.pem"),
            ("/etc/docker/rel.pem", "tls/key.pem"),
            ("/etc/docker/up.pem", "../docker/./tls/key.pem"),
            (
                "/etc/docker/escape.pem",
                "../../../../etc/docker/tls/key.pem",
            ),
            ("/etc/docker/tlsdir", "tls"),
            ("/etc/docker/dangling.pem", "/nowhere"),
            ("/loop/a", "b"),
            ("/loop/b", "a"),
        ];
        for (path, target) in links {
            fs.insert(path, Node::Link(target.into()), 0o777);
        }
        fs
    }

    #[rstest]
    #[case::plain("/etc/docker/tls/key.pem", Ok("/etc/docker/tls/key.pem"))]
    #[case::absolute_link("/etc/docker/abs.pem", Ok("/etc/docker/tls/key.pem"))]
    #[case::relative_link("/etc/docker/rel.pem", Ok("/etc/docker/tls/key.pem"))]
    #[case::dotdot_link("/etc/docker/up.pem", Ok("/etc/docker/tls/key.pem"))]
    #[case::no_escape_above_root("/etc/docker/escape.pem", Ok("/etc/docker/tls/key.pem"))]
    #[case::dir_link("/etc/docker/tlsdir/key.pem", Ok("/etc/docker/tls/key.pem"))]
    #[case::dotdot_in_path("/etc/../etc/docker/tls/key.pem", Ok("/etc/docker/tls/key.pem"))]
    #[case::root("/", Ok("/"))]
    #[case::dangling("/etc/docker/dangling.pem", Err(Error::NotFound))]
    #[case::missing("/etc/docker/none.pem", Err(Error::NotFound))]
    #[case::through_file("/etc/docker/tls/key.pem/x", Err(Error::NotFound))]
    #[case::relative("etc/docker", Err(Error::Invalid("\"etc/docker\" is not an absolute path".into())))]
    #[case::looping("/loop/a", Err(Error::Other("too many levels of symbolic links".into())))]
    fn resolves(#[case] path: &str, #[case] expected: Result<&str, Error>) {
        assert_eq!(fs().walk(path, true), expected.map(str::to_owned));
    }

    #[test]
    fn final_link_kept_when_not_following() {
        assert_eq!(
            fs().walk("/etc/docker/rel.pem", false).unwrap(),
            "/etc/docker/rel.pem"
        );
        assert_eq!(
            fs().stat("/etc/docker/rel.pem", false).unwrap().kind,
            FileKind::Symlink
        );
        assert_eq!(fs().stat("/etc/docker/rel.pem", true).unwrap().mode, 0o600);
    }

    #[test]
    fn children_sorted() {
        let fs = fs();
        let expected = [
            "abs.pem",
            "dangling.pem",
            "escape.pem",
            "rel.pem",
            "tls",
            "tlsdir",
            "up.pem",
        ];
        assert_eq!(fs.children("/etc/docker").unwrap(), expected);
        assert_eq!(fs.children("/").unwrap(), ["etc", "loop"]);
        assert_eq!(fs.children("/etc/docker/tlsdir").unwrap(), ["key.pem"]);
        assert!(fs.children("/etc/docker/tls/key.pem").is_err());
    }

    #[test]
    fn failures_apply_to_given_and_resolved_paths() {
        let mut fs = fs();
        fs.fail("/etc/docker/tls/key.pem", Error::Denied);
        assert_eq!(fs.walk("/etc/docker/rel.pem", true), Err(Error::Denied));
        assert_eq!(fs.walk("/etc/docker/tls/key.pem", true), Err(Error::Denied));
    }
}
