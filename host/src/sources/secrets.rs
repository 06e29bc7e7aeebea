//! Secrets never leave the host: which files' bytes no control may read.
//!
//! No CIS item needs the contents of a private key or a password hash: the items on
//! those files ask for their owner and mode, which `stat` gives. So every capability
//! that hands a control a file's bytes (`filesystem.read-file`, `machine.unit-file`)
//! asks [`is_secret`] first, for every control, bundled ones included, and refuses
//! with `denied` (reason `secret`) when the file is one of the password databases or
//! their backups, or when its bytes hold a PEM private key or a password hash.

/// The password and group-password databases, their backups and the old-password file,
/// by the path they resolve to under the root.
const SECRET_PATHS: &[&str] = &[
    "/etc/shadow",
    "/etc/shadow-",
    "/etc/gshadow",
    "/etc/gshadow-",
    "/etc/shadow.bak",
    "/etc/gshadow.bak",
    "/etc/nshadow",
    "/etc/security/opasswd",
    "/var/backups/shadow.bak",
    "/var/backups/gshadow.bak",
];

/// Whether the file at `path` (as resolved under the root, links followed), whose
/// first bytes are `head`, is a secret. `head` should be all a read could return.
pub fn is_secret(path: &str, head: &[u8]) -> bool {
    SECRET_PATHS.contains(&path) || holds_private_key(head) || holds_password_hash(head)
}

/// Whether `bytes` hold a PEM private key: a `-----BEGIN ... PRIVATE KEY-----` line
/// (RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8 and the rest).
fn holds_private_key(bytes: &[u8]) -> bool {
    const BEGIN: &[u8] = b"-----BEGIN ";
    let mut rest = bytes;
    while let Some(at) = find(rest, BEGIN) {
        rest = &rest[at + BEGIN.len()..];
        // The label runs to the closing dashes, on the same line.
        let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
        if let Some(end) = find(line, b"-----") {
            let label = line[..end].strip_suffix(b"\r").unwrap_or(&line[..end]);
            if label.ends_with(b"PRIVATE KEY") {
                return true;
            }
        }
    }
    false
}

/// Whether `bytes` hold a line shaped like a shadow entry with a crypt(3) hash:
/// `name:$id$...:`, as in `/etc/shadow` or a copy of it under another name.
fn holds_password_hash(bytes: &[u8]) -> bool {
    bytes.split(|&b| b == b'\n').any(|line| {
        let mut fields = line.split(|&b| b == b':');
        let (Some(name), Some(hash), Some(_)) = (fields.next(), fields.next(), fields.next())
        else {
            return false;
        };
        let Some(rest) = hash.strip_prefix(b"$") else {
            return false;
        };
        let id_len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        !name.is_empty() && id_len > 0 && rest.get(id_len) == Some(&b'$')
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rstest::rstest]
    #[case::rsa("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n")]
    #[case::pkcs8("junk\n-----BEGIN PRIVATE KEY-----\nMIIE\n")]
    #[case::ec_crlf("-----BEGIN EC PRIVATE KEY-----\r\nMHc\r\n")]
    #[case::encrypted("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")]
    #[case::openssh("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n")]
    #[case::after_a_certificate(
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n"
    )]
    #[case::shadow("root:$6$salt$hash:19000:0:99999:7:::\n")]
    #[case::yescrypt_among_others(
        "daemon:*:19000::::::\nalice:$y$j9T$abc$def:19000:0:99999:7:::\n"
    )]
    #[case::gshadow_copy("docker:$6$x$y::alice\n")]
    fn secrets_are_recognised_by_their_bytes(#[case] text: &str) {
        assert!(is_secret("/srv/copy", text.as_bytes()), "{text:?}");
    }

    #[rstest::rstest]
    #[case::certificate("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")]
    #[case::public_key("-----BEGIN PUBLIC KEY-----\nMIIB\n")]
    #[case::daemon_json(r#"{"tlskey": "/etc/docker/key.pem", "tlsverify": true}"#)]
    #[case::passwd("root:x:0:0:root:/root:/bin/bash\n")]
    #[case::shadow_without_hashes("root:*:19000:0:99999:7:::\nbin:!:19000::::::\n")]
    #[case::unit("[Service]\nExecStart=/usr/bin/dockerd -H fd:// $DOCKER_OPTS\n")]
    #[case::label_on_another_line("-----BEGIN \nPRIVATE KEY-----\n")]
    #[case::empty("")]
    fn other_files_are_not(#[case] text: &str) {
        assert!(
            !is_secret("/etc/docker/daemon.json", text.as_bytes()),
            "{text:?}"
        );
    }

    #[rstest::rstest]
    #[case::shadow("/etc/shadow")]
    #[case::backup("/etc/shadow-")]
    #[case::gshadow("/etc/gshadow")]
    #[case::debian_backup("/var/backups/gshadow.bak")]
    fn the_password_databases_are_secret_whatever_they_hold(#[case] path: &str) {
        assert!(is_secret(path, b""));
    }
}
