//! Undoing one journaled change, as `rollback` does: put back what the journal says was
//! there before, but only when the target is still as the change left it. A target that
//! changed since is skipped (undoing would lose that change); one already as it was
//! before needs nothing.

use crate::fix::journal::{Change, Ids, RecordedChange};
use crate::fix::replace;
use crate::report::status::UndoStatus;
use crate::sources::docker::{self, connect};
use crate::sources::root::FsCtx;

/// Undo a journaled chmod: the mode back to `before` if it is still `after`.
pub fn chmod(fs: &FsCtx, change: &RecordedChange) -> (UndoStatus, String) {
    let Change::Chmod {
        path,
        before,
        after,
    } = &change.change
    else {
        unreachable!("called for chmod changes only");
    };
    let current = match fs
        .resolve(path, true)
        .and_then(|rel| fs.mode_of(path, &rel).map(|m| (rel, m)))
    {
        Ok(found) => found,
        Err(e) => return (UndoStatus::Failed, format!("cannot read {path}: {e:?}")),
    };
    let (rel, mode) = current;
    if mode == *before {
        return (
            UndoStatus::NothingToUndo,
            format!("mode is {before:04o}, as before the fix"),
        );
    }
    if mode != *after {
        return (
            UndoStatus::Skipped,
            format!(
                "mode is now {mode:04o}, neither {before:04o} nor {after:04o}: changed since; not forced"
            ),
        );
    }
    match fs.set_mode(path, &rel, *before) {
        Ok(()) => (
            UndoStatus::Restored,
            format!("mode {after:04o} -> {before:04o}"),
        ),
        Err(e) => (UndoStatus::Failed, format!("chmod: {e:?}")),
    }
}

/// Undo a journaled chown: the owner back to `before` if it is still `after`, and the
/// set-id bits the chown cleared back with it.
pub fn chown(fs: &FsCtx, change: &RecordedChange) -> (UndoStatus, String) {
    let Change::Chown {
        path,
        before,
        after,
        mode,
    } = &change.change
    else {
        unreachable!("called for chown changes only");
    };
    let (rel, now) = match fs
        .resolve(path, true)
        .and_then(|rel| fs.owner_of(path, &rel).map(|o| (rel, o)))
    {
        Ok(found) => found,
        Err(e) => return (UndoStatus::Failed, format!("cannot read {path}: {e:?}")),
    };
    let (uid, gid, now_mode) = now;
    let owner = Ids { uid, gid };
    if owner == *before {
        return (
            UndoStatus::NothingToUndo,
            format!("owner is {before}, as before the fix"),
        );
    }
    if owner != *after {
        return (
            UndoStatus::Skipped,
            format!(
                "owner is now {owner}, neither {before} nor {after}: changed since; not forced"
            ),
        );
    }
    // A chown clears set-id bits at most (ours, or the one back); any other mode means
    // someone changed it since, and it is left alone.
    let untouched = now_mode == *mode || now_mode == mode & !0o6000;
    let changed = |old: u32, new: u32| (old != new).then_some(old);
    if let Err(e) = fs.set_owner(
        path,
        &rel,
        changed(before.uid, after.uid),
        changed(before.gid, after.gid),
    ) {
        return (UndoStatus::Failed, format!("chown: {e:?}"));
    }
    let restored = format!("owner {after} -> {before}");
    match fs.owner_of(path, &rel) {
        Ok((_, _, m)) if m == *mode => (UndoStatus::Restored, restored),
        Ok(_) if untouched => match fs.set_mode(path, &rel, *mode) {
            Ok(()) => (
                UndoStatus::Restored,
                format!("{restored}, mode {mode:04o} again"),
            ),
            Err(e) => (
                UndoStatus::Failed,
                format!("{restored}, but chmod {mode:04o}: {e:?}"),
            ),
        },
        Ok((_, _, m)) => (
            UndoStatus::Restored,
            format!(
                "{restored}; mode is {m:04o}, not {mode:04o} as before the fix: changed since; not forced"
            ),
        ),
        Err(e) => (
            UndoStatus::Failed,
            format!("{restored}, but cannot read it back: {e:?}"),
        ),
    }
}

/// Undo a container replacement: the original back under its name, the tighter copy
/// removed, if the copy is still the one the fix made.
pub async fn replace(docker_host: &str, change: &RecordedChange) -> (UndoStatus, String) {
    let Change::ReplaceContainer {
        name,
        original_id,
        was_running,
        restart_policy,
        ..
    } = &change.change
    else {
        unreachable!("called for container changes only");
    };
    // The journal keeps the URL; TLS files come from the environment, as for the CLI.
    let endpoint = docker::endpoints(
        &[docker_host.to_owned()],
        &docker::TlsFlags::default(),
        &|name| std::env::var(name).ok(),
        None,
    )
    .map(|mut e| e.remove(0))
    .unwrap_or_else(|_| docker::Endpoint::plain(docker_host.to_owned()));
    let docker = match connect(&endpoint).await {
        Ok(d) => d,
        Err(e) => {
            return (
                UndoStatus::Failed,
                format!("cannot reach the Docker daemon at {docker_host}: {e}"),
            );
        }
    };
    let original = match replace::inspect(&docker, original_id).await {
        Ok(Some(doc)) => doc,
        Ok(None) => {
            return (
                UndoStatus::Failed,
                format!("the original container {original_id} is gone"),
            );
        }
        Err(e) => return (UndoStatus::Failed, e),
    };
    let created: Option<&str> = change.steps.iter().find_map(|s| s.strip_prefix("created "));
    let holder = match replace::inspect(&docker, name).await {
        Ok(h) => h,
        Err(e) => return (UndoStatus::Failed, e),
    };
    let mut did = Vec::new();
    if let Some(holder) = holder.filter(|h| h["Id"] != original_id.as_str()) {
        let ours = match created {
            Some(id) => holder["Id"] == id,
            // Created but not yet journaled: the copy runs the original's image.
            None => holder["Config"]["Image"] == original["Config"]["Image"],
        };
        if !ours {
            return (
                UndoStatus::Skipped,
                format!("a container bulkhead did not create holds the name {name}; not removed"),
            );
        }
        if let Err(e) = replace::remove(&docker, holder["Id"].as_str().unwrap_or_default()).await {
            return (UndoStatus::Failed, e);
        }
        did.push("removed the copy");
    }
    if original["Name"].as_str().map(|n| n.trim_start_matches('/')) != Some(name.as_str()) {
        if let Err(e) = replace::rename(&docker, original_id, name).await {
            return (UndoStatus::Failed, e);
        }
        did.push("renamed the original back");
    }
    if let Err(e) = replace::set_restart_policy(&docker, original_id, restart_policy).await {
        return (UndoStatus::Failed, e);
    }
    let running = original["State"]["Running"].as_bool().unwrap_or(false);
    if *was_running && !running {
        if let Err(e) = replace::start(&docker, original_id).await {
            return (UndoStatus::Failed, e);
        }
        did.push("started the original");
    }
    if did.is_empty() {
        (
            UndoStatus::NothingToUndo,
            "the original holds its name and state".to_owned(),
        )
    } else {
        (UndoStatus::Restored, did.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    use super::*;

    fn recorded(change: Change) -> RecordedChange {
        RecordedChange {
            seq: 1,
            change,
            steps: Vec::new(),
            done: true,
            undone: false,
        }
    }

    /// A root holding `/etc/docker/key.pem` at `mode`.
    fn root_with_key(mode: u32) -> (tempfile::TempDir, FsCtx) {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("etc/docker/key.pem");
        std::fs::create_dir_all(key.parent().unwrap()).unwrap();
        std::fs::write(&key, "k").unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
        let fs = FsCtx::open(dir.path()).unwrap();
        (dir, fs)
    }

    fn mode_on_disk(dir: &tempfile::TempDir) -> u32 {
        std::fs::metadata(dir.path().join("etc/docker/key.pem"))
            .unwrap()
            .mode()
            & 0o7777
    }

    fn chmod_change(before: u32, after: u32) -> RecordedChange {
        recorded(Change::Chmod {
            path: "/etc/docker/key.pem".into(),
            before,
            after,
        })
    }

    #[test]
    fn a_chmod_still_in_place_is_put_back() {
        let (dir, fs) = root_with_key(0o400);
        let (status, detail) = chmod(&fs, &chmod_change(0o644, 0o400));
        assert_eq!(
            (status, detail.as_str()),
            (UndoStatus::Restored, "mode 0400 -> 0644")
        );
        assert_eq!(mode_on_disk(&dir), 0o644);
        // Run again (a second rollback, or one after a crash): nothing left to do.
        let (status, _) = chmod(&fs, &chmod_change(0o644, 0o400));
        assert_eq!(status, UndoStatus::NothingToUndo);
        assert_eq!(mode_on_disk(&dir), 0o644);
    }

    #[test]
    fn a_file_changed_since_the_fix_is_left_alone() {
        let (dir, fs) = root_with_key(0o600);
        let (status, detail) = chmod(&fs, &chmod_change(0o644, 0o400));
        assert_eq!(status, UndoStatus::Skipped);
        assert!(detail.contains("changed since"), "{detail}");
        assert_eq!(mode_on_disk(&dir), 0o600);
    }

    #[test]
    fn a_file_that_is_gone_fails_the_undo_and_says_which() {
        let (dir, fs) = root_with_key(0o400);
        std::fs::remove_file(dir.path().join("etc/docker/key.pem")).unwrap();
        let (status, detail) = chmod(&fs, &chmod_change(0o644, 0o400));
        assert_eq!(status, UndoStatus::Failed);
        assert!(
            detail.starts_with("cannot read /etc/docker/key.pem"),
            "{detail}"
        );
    }

    #[test]
    fn a_chown_is_undone_only_while_the_owner_is_the_one_it_set() {
        let (dir, fs) = root_with_key(0o400);
        let meta = std::fs::metadata(dir.path().join("etc/docker/key.pem")).unwrap();
        let now = Ids {
            uid: meta.uid(),
            gid: meta.gid(),
        };
        let other = Ids {
            uid: now.uid + 1,
            gid: now.gid + 1,
        };
        let change = |before: Ids, after: Ids| {
            recorded(Change::Chown {
                path: "/etc/docker/key.pem".into(),
                before,
                after,
                mode: 0o400,
            })
        };
        // The owner is the one before the fix: nothing to undo, nothing touched.
        let (status, _) = chown(&fs, &change(now, other));
        assert_eq!(status, UndoStatus::NothingToUndo);
        // Neither the owner before nor the one the fix set: changed since.
        let third = Ids {
            uid: now.uid + 2,
            gid: now.gid + 2,
        };
        let (status, detail) = chown(&fs, &change(other, third));
        assert_eq!(status, UndoStatus::Skipped, "{detail}");
        let after = std::fs::metadata(dir.path().join("etc/docker/key.pem")).unwrap();
        assert_eq!((after.uid(), after.gid()), (now.uid, now.gid));
    }
}
