//! Facts about the audited machine that take parsing to get right, parsed once per run
//! and shared by every control: accounts from `/etc/passwd` and `/etc/group` under the
//! root, audit rules from `/etc/audit` under the root, unit files from systemd's unit
//! path under the root; the mount table and the listening sockets from the init process
//! under `--proc`.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::sandbox::bindings::machine::{AuditRule, Group, Listener, MountEntry, User};
use crate::sandbox::bindings::types::Error as WitError;
use crate::sources::root::FsCtx;

/// systemd's system unit path, highest priority first (`man systemd.unit`; `/lib` last, as
/// distributions without a merged `/usr` add it).
pub const UNIT_DIRS: [&str; 5] = [
    "/etc/systemd/system",
    "/run/systemd/system",
    "/usr/local/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
];

/// Per-run state: where the process table is, and each fact once parsed.
pub struct MachineCtx {
    proc: PathBuf,
    users: OnceLock<Result<Vec<User>, WitError>>,
    groups: OnceLock<Result<Vec<Group>, WitError>>,
    mounts: OnceLock<Result<Vec<MountEntry>, WitError>>,
    rules: OnceLock<Result<Vec<AuditRule>, WitError>>,
    listeners: OnceLock<Result<Vec<Listener>, WitError>>,
}

impl MachineCtx {
    /// Facts of the machine whose process table is at `proc` (normally `/proc`).
    pub fn new(proc: &Path) -> Self {
        MachineCtx {
            proc: proc.to_path_buf(),
            users: OnceLock::new(),
            groups: OnceLock::new(),
            mounts: OnceLock::new(),
            rules: OnceLock::new(),
            listeners: OnceLock::new(),
        }
    }

    pub(crate) fn users(&self, fs: &FsCtx) -> Result<&[User], WitError> {
        let parsed = self.users.get_or_init(|| {
            Ok(account_lines(fs, "/etc/passwd")?
                .iter()
                .filter_map(|line| parse_passwd(line))
                .collect())
        });
        parsed.as_deref().map_err(Clone::clone)
    }

    /// The name of user `uid` in the root's `/etc/passwd`, if it has one.
    pub fn user_name(&self, fs: &FsCtx, uid: u32) -> Option<String> {
        let users = self.users(fs).ok()?;
        users.iter().find(|u| u.uid == uid).map(|u| u.name.clone())
    }

    pub(crate) fn groups(&self, fs: &FsCtx) -> Result<&[Group], WitError> {
        let parsed = self.groups.get_or_init(|| {
            Ok(account_lines(fs, "/etc/group")?
                .iter()
                .filter_map(|line| parse_group(line))
                .collect())
        });
        parsed.as_deref().map_err(Clone::clone)
    }

    pub(crate) fn mounts(&self) -> Result<Vec<MountEntry>, WitError> {
        self.mounts
            .get_or_init(|| {
                let path = self.proc.join("1").join("mountinfo");
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    WitError::Unavailable(format!("cannot read {}: {e}", path.display()))
                })?;
                Ok(text.lines().filter_map(parse_mountinfo).collect())
            })
            .clone()
    }

    pub(crate) fn audit_rules(&self, fs: &FsCtx) -> Result<Vec<AuditRule>, WitError> {
        self.rules.get_or_init(|| read_audit_rules(fs)).clone()
    }

    pub(crate) fn listeners(&self) -> Result<Vec<Listener>, WitError> {
        self.listeners
            .get_or_init(|| {
                let mut found = Vec::new();
                for (protocol, required) in [("tcp", true), ("tcp6", false)] {
                    let path = self.proc.join("1").join("net").join(protocol);
                    let text = match std::fs::read_to_string(&path) {
                        Ok(text) => text,
                        // No IPv6 on this machine: no tcp6 table.
                        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                            continue;
                        }
                        Err(e) => {
                            return Err(WitError::Unavailable(format!(
                                "cannot read {}: {e}",
                                path.display()
                            )));
                        }
                    };
                    found.extend(text.lines().filter_map(|l| parse_socket_line(protocol, l)));
                }
                found.sort_by(|a, b| {
                    (&a.protocol, &a.address, a.port).cmp(&(&b.protocol, &b.address, b.port))
                });
                found.dedup_by(|a, b| {
                    a.protocol == b.protocol && a.address == b.address && a.port == b.port
                });
                Ok(found)
            })
            .clone()
    }
}

/// The lines of an account file; a missing file has none.
pub(crate) fn account_lines(fs: &FsCtx, path: &str) -> Result<Vec<String>, WitError> {
    match fs.read_small_file(path) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::to_owned)
            .collect()),
        Err(WitError::NotFound) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// `name:password:uid:gid:gecos:home:shell`; comments, NIS `+`/`-` lines and malformed
/// lines are not accounts.
pub(crate) fn parse_passwd(line: &str) -> Option<User> {
    let fields: Vec<&str> = line.split(':').collect();
    let [name, _, uid, gid, _, home, shell] = fields[..] else {
        return None;
    };
    if name.is_empty() || name.starts_with(['#', '+', '-']) {
        return None;
    }
    Some(User {
        name: name.to_owned(),
        uid: uid.parse().ok()?,
        gid: gid.parse().ok()?,
        home: home.to_owned(),
        shell: shell.to_owned(),
    })
}

/// `name:password:gid:member,member`.
pub(crate) fn parse_group(line: &str) -> Option<Group> {
    let fields: Vec<&str> = line.split(':').collect();
    let [name, _, gid, members] = fields[..] else {
        return None;
    };
    if name.is_empty() || name.starts_with(['#', '+', '-']) {
        return None;
    }
    Some(Group {
        name: name.to_owned(),
        gid: gid.parse().ok()?,
        members: members
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// One line of `mountinfo`:
/// `id parent major:minor root mount-point options [optional...] - fstype source super-options`.
pub(crate) fn parse_mountinfo(line: &str) -> Option<MountEntry> {
    let (left, right) = line.split_once(" - ")?;
    let mut left = left.split(' ');
    let _id = left.next()?;
    let _parent = left.next()?;
    let device = left.next()?;
    let root = left.next()?;
    let mount_point = left.next()?;
    let options = left.next()?;
    let propagation = left.filter(|f| !f.is_empty()).map(str::to_owned).collect();
    let mut right = right.split(' ');
    let fs_type = right.next()?;
    let source = right.next().unwrap_or_default();
    Some(MountEntry {
        mount_point: unescape_octal(mount_point),
        root: unescape_octal(root),
        device: device.to_owned(),
        fs_type: fs_type.to_owned(),
        source: unescape_octal(source),
        options: options.split(',').map(str::to_owned).collect(),
        propagation,
    })
}

/// The kernel writes space, tab, newline and backslash in paths as `\ooo`.
pub(crate) fn unescape_octal(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|d| bytes[i] == b'\\' && d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match octal.and_then(|d| u8::from_str_radix(std::str::from_utf8(d).ok()?, 8).ok()) {
            Some(byte) => {
                out.push(byte);
                i += 4;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The rules of `/etc/audit/audit.rules`, then of `/etc/audit/rules.d/*.rules` in the
/// order augenrules reads them: natural (version) order, so `9-x.rules` before
/// `10-x.rules` (`sort -V` in augenrules, `ls -1v` before it).
pub(crate) fn read_audit_rules(fs: &FsCtx) -> Result<Vec<AuditRule>, WitError> {
    let mut files = vec!["/etc/audit/audit.rules".to_owned()];
    match fs.list_dir("/etc/audit/rules.d") {
        Ok(mut names) => {
            names.retain(|n| n.ends_with(".rules"));
            names.sort_by(|a, b| natural_order(a, b));
            files.extend(names.into_iter().map(|n| format!("/etc/audit/rules.d/{n}")));
        }
        Err(WitError::NotFound) => {}
        Err(e) => return Err(e),
    }
    let mut rules = Vec::new();
    for file in files {
        let bytes = match fs.read_small_public_file(&file) {
            Ok(Some(bytes)) => bytes,
            // A private key or password hashes are no rules, and never leave the host.
            Ok(None) => continue,
            Err(WitError::NotFound) => continue,
            // A directory or FIFO named like a rules file is not one.
            Err(WitError::Invalid(_)) => continue,
            Err(e) => return Err(e),
        };
        let text = String::from_utf8_lossy(&bytes);
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            rules.push(AuditRule {
                file: file.clone(),
                line: u32::try_from(index + 1).unwrap_or(u32::MAX),
                text: line.to_owned(),
            });
        }
    }
    Ok(rules)
}

/// Where systemd loads unit `name` from, under the root.
pub(crate) fn unit_file(fs: &FsCtx, name: &str) -> Result<Option<String>, WitError> {
    let plain = !name.is_empty()
        && name.len() <= 255
        && !name.contains('/')
        && name != "."
        && name != ".."
        && !name.contains('\0');
    if !plain {
        return Err(WitError::Invalid(format!(
            "{name:?} is not a unit file name (want e.g. docker.service)"
        )));
    }
    for dir in UNIT_DIRS {
        let path = format!("{dir}/{name}");
        if fs.exists(&path)? {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// One line of `/proc/net/tcp{,6}` in LISTEN state (`st` 0A).
pub(crate) fn parse_socket_line(protocol: &str, line: &str) -> Option<Listener> {
    let mut fields = line.split_whitespace();
    let _slot = fields.next()?.strip_suffix(':')?;
    let local = fields.next()?;
    let _remote = fields.next()?;
    if fields.next()? != "0A" {
        return None;
    }
    let (addr, port) = local.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    // The kernel prints each 32-bit word of the address as a number in host byte order:
    // its native bytes are the address's bytes.
    let words: Vec<u32> = (0..addr.len() / 8)
        .map(|i| u32::from_str_radix(addr.get(i * 8..i * 8 + 8)?, 16).ok())
        .collect::<Option<_>>()?;
    let address = match (protocol, &words[..]) {
        ("tcp", [w]) => Ipv4Addr::from(w.to_ne_bytes()).to_string(),
        ("tcp6", [a, b, c, d]) => {
            let mut octets = [0u8; 16];
            for (chunk, word) in octets.chunks_mut(4).zip([a, b, c, d]) {
                chunk.copy_from_slice(&word.to_ne_bytes());
            }
            Ipv6Addr::from(octets).to_string()
        }
        _ => return None,
    };
    Some(Listener {
        protocol: protocol.to_owned(),
        address,
        port,
    })
}

/// `a` against `b` with runs of digits compared as numbers (`9` < `10` < `010a`), the
/// rest byte by byte; names equal as numbers fall back to their bytes.
fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    let digits = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
    while let (Some(&p), Some(&q)) = (x.first(), y.first()) {
        if p.is_ascii_digit() && q.is_ascii_digit() {
            let (m, n) = (digits(x), digits(y));
            let trim = |s: &[u8]| {
                let zeros = s.iter().take_while(|c| **c == b'0').count();
                s[zeros..].to_vec()
            };
            let (u, v) = (trim(&x[..m]), trim(&y[..n]));
            let order = u.len().cmp(&v.len()).then_with(|| u.cmp(&v));
            if order != Ordering::Equal {
                return order;
            }
            (x, y) = (&x[m..], &y[n..]);
        } else {
            if p != q {
                return p.cmp(&q);
            }
            (x, y) = (&x[1..], &y[1..]);
        }
    }
    x.len().cmp(&y.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root_with(files: &[(&str, &str)]) -> (tempfile::TempDir, FsCtx) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let full = dir.path().join(path.trim_start_matches('/'));
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        let fs = FsCtx::open(dir.path()).unwrap();
        (dir, fs)
    }

    #[test]
    fn accounts_skip_comments_nis_and_malformed_lines() {
        let (_dir, fs) = root_with(&[
            (
                "/etc/passwd",
                "root:x:0:0:root:/root:/bin/bash\n# comment\n+nis::::::\nbroken:x:1\n\
                 alice:x:1000:1000:Alice,,,:/home/alice:/bin/sh\nbad:x:notanumber:1::/:/bin/sh\n",
            ),
            ("/etc/group", "root:x:0:\ndocker:x:999:alice, bob ,\n"),
        ]);
        let ctx = MachineCtx::new(Path::new("/nonexistent"));
        let users = ctx.users(&fs).unwrap();
        let names: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["root", "alice"]);
        assert_eq!(users[1].uid, 1000);
        assert_eq!(users[1].home, "/home/alice");
        let groups = ctx.groups(&fs).unwrap();
        assert_eq!(groups[1].name, "docker");
        assert_eq!(groups[1].gid, 999);
        assert_eq!(groups[1].members, ["alice", "bob"]);
    }

    #[test]
    fn missing_account_files_have_no_accounts() {
        let (_dir, fs) = root_with(&[]);
        let ctx = MachineCtx::new(Path::new("/nonexistent"));
        assert!(ctx.users(&fs).unwrap().is_empty());
        assert!(ctx.groups(&fs).unwrap().is_empty());
    }

    #[test]
    fn mountinfo_lines_parse_with_escapes_and_propagation() {
        let line = "36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue";
        let m = parse_mountinfo(line).unwrap();
        assert_eq!(m.mount_point, "/mnt two");
        assert_eq!(m.root, "/mnt1");
        assert_eq!(m.device, "98:0");
        assert_eq!(m.fs_type, "ext3");
        assert_eq!(m.source, "/dev/root");
        assert_eq!(m.options, ["rw", "noatime"]);
        assert_eq!(m.propagation, ["master:1", "shared:7"]);
        let private = parse_mountinfo("1 0 0:5 / / rw - overlay overlay rw").unwrap();
        assert!(private.propagation.is_empty());
        assert!(parse_mountinfo("garbage").is_none());
    }

    #[test]
    fn audit_rules_come_from_audit_rules_then_rules_d_in_natural_order() {
        let (_dir, fs) = root_with(&[
            (
                "/etc/audit/audit.rules",
                "# generated\n-D\n\n-w /usr/bin/dockerd -k docker\n",
            ),
            ("/etc/audit/rules.d/b.rules", "-w /etc/docker -k docker\n"),
            (
                "/etc/audit/rules.d/10-late.rules",
                "-w /usr/bin/runc -k docker\n",
            ),
            (
                "/etc/audit/rules.d/9-early.rules",
                "-w /usr/bin/containerd -k docker\n",
            ),
            (
                "/etc/audit/rules.d/a.rules",
                "  -w /var/lib/docker -k docker  \n",
            ),
            ("/etc/audit/rules.d/notes.txt", "-w /not/a/rule\n"),
        ]);
        let rules = read_audit_rules(&fs).unwrap();
        let got: Vec<(&str, u32, &str)> = rules
            .iter()
            .map(|r| (r.file.as_str(), r.line, r.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("/etc/audit/audit.rules", 2, "-D"),
                ("/etc/audit/audit.rules", 4, "-w /usr/bin/dockerd -k docker"),
                (
                    "/etc/audit/rules.d/9-early.rules",
                    1,
                    "-w /usr/bin/containerd -k docker"
                ),
                (
                    "/etc/audit/rules.d/10-late.rules",
                    1,
                    "-w /usr/bin/runc -k docker"
                ),
                (
                    "/etc/audit/rules.d/a.rules",
                    1,
                    "-w /var/lib/docker -k docker"
                ),
                ("/etc/audit/rules.d/b.rules", 1, "-w /etc/docker -k docker"),
            ]
        );
        let (_empty, fs) = root_with(&[]);
        assert!(read_audit_rules(&fs).unwrap().is_empty());
    }

    #[rstest::rstest]
    #[case::numbers_as_numbers("9-x.rules", "10-x.rules")]
    #[case::letters("a.rules", "b.rules")]
    #[case::digits_before_letters("10-x.rules", "audit.rules")]
    #[case::longer_after_prefix("50-docker.rules", "50-docker.rules.rules")]
    #[case::leading_zeros_equal_then_bytes("010-x.rules", "10-x.rules")]
    fn rules_d_files_are_in_natural_order(#[case] first: &str, #[case] second: &str) {
        assert_eq!(natural_order(first, second), std::cmp::Ordering::Less);
        assert_eq!(natural_order(second, first), std::cmp::Ordering::Greater);
    }

    #[test]
    fn unit_files_follow_systemds_order_and_refuse_paths() {
        let (_dir, fs) = root_with(&[
            ("/lib/systemd/system/docker.service", "[Unit]\n"),
            ("/etc/systemd/system/docker.socket", "[Socket]\n"),
            ("/usr/lib/systemd/system/docker.socket", "[Socket]\n"),
        ]);
        assert_eq!(
            unit_file(&fs, "docker.service").unwrap().as_deref(),
            Some("/lib/systemd/system/docker.service")
        );
        assert_eq!(
            unit_file(&fs, "docker.socket").unwrap().as_deref(),
            Some("/etc/systemd/system/docker.socket")
        );
        assert_eq!(unit_file(&fs, "containerd.service").unwrap(), None);
        for bad in ["", "../passwd", "a/b", ".."] {
            assert!(
                matches!(unit_file(&fs, bad), Err(WitError::Invalid(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn listening_sockets_decode_v4_and_v6() {
        let header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
        let v4 = "   0: 00000000:0977 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1";
        let loopback = "   1: 0100007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1";
        let established = "   2: 0100007F:0035 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 3 1";
        assert!(parse_socket_line("tcp", header).is_none());
        assert!(parse_socket_line("tcp", established).is_none());
        let any = parse_socket_line("tcp", v4).unwrap();
        assert_eq!((any.address.as_str(), any.port), ("0.0.0.0", 2423));
        let lo = parse_socket_line("tcp", loopback).unwrap();
        assert_eq!((lo.address.as_str(), lo.port), ("127.0.0.1", 53));
        let v6 = "   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1";
        let v6_lo = "   1: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5 1";
        let any6 = parse_socket_line("tcp6", v6).unwrap();
        assert_eq!((any6.address.as_str(), any6.port), ("::", 8080));
        assert_eq!(parse_socket_line("tcp6", v6_lo).unwrap().address, "::1");
    }

    #[test]
    fn listeners_read_the_init_process_tables() {
        let proc = tempfile::tempdir().unwrap();
        let net = proc.path().join("1/net");
        std::fs::create_dir_all(&net).unwrap();
        std::fs::write(
            net.join("tcp"),
            "  sl  local_address rem_address   st\n   0: 00000000:0977 00000000:0000 0A 0 0 0 0 0 1 1\n",
        )
        .unwrap();
        let ctx = MachineCtx::new(proc.path());
        let found = ctx.listeners().unwrap();
        assert_eq!(found.len(), 1, "no tcp6 table is no IPv6 sockets");
        assert_eq!(found[0].port, 2423);
        let missing = MachineCtx::new(Path::new("/definitely/not/here"));
        assert!(matches!(missing.listeners(), Err(WitError::Unavailable(_))));
        assert!(matches!(missing.mounts(), Err(WitError::Unavailable(_))));
    }
}
