//! Judging one key file: it must exist, be a regular file, and be mode 0400 or tighter.

use crate::discover::Key;
use bulkhead_sdk::{
    Error, Facts, FileKind, Finding, Target, describe_error, format_mode, mode_at_most,
};

/// The most permissive mode a private key may have: owner read.
pub const ALLOWED_MODE: u32 = 0o400;

/// The finding for one key.
pub fn judge(facts: &impl Facts, key: &Key) -> Finding {
    let target = Target::file(&key.path);
    let noun = key.role.noun();
    let path = &key.path;
    let checked = key
        .resolved
        .clone()
        .and_then(|resolved| Ok((resolved, facts.stat(path)?)));
    let finding = match checked {
        Err(Error::NotFound) => missing(facts, key),
        Err(err) => Finding::error(
            target,
            format!("cannot check {noun} {path}: {}", describe_error(&err)),
        ),
        Ok((resolved, info)) => {
            let finding = match info.kind {
                FileKind::File if mode_at_most(info.mode, ALLOWED_MODE) => Finding::pass(
                    target,
                    format!(
                        "{noun} {path} is mode {}, owner read at most",
                        format_mode(info.mode)
                    ),
                ),
                FileKind::File => Finding::fail(
                    target,
                    format!(
                        "{noun} {path} is mode {}, more than owner read (0400); run chmod 400 {path}",
                        format_mode(info.mode)
                    ),
                ),
                FileKind::Directory => Finding::fail(
                    target,
                    format!("{noun} {path} is a directory, not a key file; fix the configuration"),
                ),
                FileKind::Symlink | FileKind::Other => Finding::fail(
                    target,
                    format!("{noun} {path} is not a regular file; fix the configuration"),
                ),
            };
            let finding = if resolved != *path {
                finding.with_evidence("resolved", resolved)
            } else {
                finding
            };
            finding
                .with_evidence("mode", format_mode(info.mode))
                .with_evidence("uid", info.uid.to_string())
                .with_evidence("gid", info.gid.to_string())
        }
    };
    finding.with_evidence("configured-by", key.origins.join("; "))
}

/// A key that is named but does not exist is not a pass: dockerd (or the registry client)
/// cannot use it, and whatever gets put there next must be checked.
fn missing(facts: &impl Facts, key: &Key) -> Finding {
    let (noun, path) = (key.role.noun(), &key.path);
    let dangling = match facts.lstat(path) {
        Ok(info) if info.kind == FileKind::Symlink => facts.read_link(path).ok(),
        _ => None,
    };
    let target = Target::file(path);
    match dangling {
        Some(link) => Finding::fail(
            target,
            format!("{noun} {path} is a symbolic link to {link}, which does not exist"),
        )
        .with_evidence("link", link),
        None => Finding::fail(
            target,
            format!("{noun} {path} does not exist; create it (mode 0400) or fix the configuration"),
        ),
    }
}
