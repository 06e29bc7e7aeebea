//! Where the compile cache lives ([`locate`]): `--cache-dir`, else `BULKHEAD_CACHE_DIR`,
//! else `$XDG_CACHE_HOME/bulkhead`, else `$HOME/.cache/bulkhead`; without either (a
//! systemd service without `User=`, an SSM run), `/var/cache/bulkhead` for root and the
//! passwd entry's `~/.cache/bulkhead` for anyone else. An empty or relative
//! `XDG_CACHE_HOME` or `HOME` is ignored, as the XDG spec says: it never resolves
//! against the working directory. `off` (flag or variable) turns the cache off; a cache
//! that cannot be used is said once on stderr, with the reason ([`warn_once`]). What the
//! cache holds and when an entry is trusted is [`crate::sandbox::cache`].

use std::fs;
use std::path::{Path, PathBuf};

use crate::sandbox::cache::Cache;

/// Where the system-wide cache of root lives when root has no `HOME`.
pub const SYSTEM_CACHE: &str = "/var/cache/bulkhead";

/// Where the cache is: `Ok(None)` when it was turned off (`off`), `Err` with the reason
/// when no place for it can be found. `flag` is `--cache-dir`; `env` reads the
/// environment; `home_of` gives the passwd entry's home of a uid.
pub fn locate(
    flag: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
    euid: Option<u32>,
    home_of: &dyn Fn(u32) -> Option<PathBuf>,
) -> Result<Option<PathBuf>, String> {
    let chosen = flag.map(Path::to_path_buf).or_else(|| {
        env("BULKHEAD_CACHE_DIR")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
    });
    if let Some(dir) = chosen {
        return Ok((dir.as_os_str() != "off").then_some(dir));
    }
    // The XDG base directory spec: a value that is empty or not absolute is ignored.
    let absolute = |name: &str| env(name).map(PathBuf::from).filter(|p| p.is_absolute());
    if let Some(xdg) = absolute("XDG_CACHE_HOME") {
        return Ok(Some(xdg.join("bulkhead")));
    }
    if let Some(home) = absolute("HOME") {
        return Ok(Some(home.join(".cache").join("bulkhead")));
    }
    match euid {
        Some(0) => Ok(Some(PathBuf::from(SYSTEM_CACHE))),
        Some(uid) => home_of(uid)
            .filter(|h| h.is_absolute())
            .map(|h| Some(h.join(".cache").join("bulkhead")))
            .ok_or_else(|| {
                format!(
                    "HOME and XDG_CACHE_HOME are unset (or not absolute) and uid {uid} has no \
                     home directory in /etc/passwd"
                )
            }),
        None => Err("HOME and XDG_CACHE_HOME are unset and this process's uid is unknown".into()),
    }
}

/// The home directory of `uid` in the passwd file text `passwd`.
pub fn home_in_passwd(passwd: &str, uid: u32) -> Option<PathBuf> {
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        match fields.as_slice() {
            [_, _, id, _, _, home, ..] if id.parse() == Ok(uid) && !home.is_empty() => {
                Some(PathBuf::from(home))
            }
            _ => None,
        }
    })
}

/// The home directory of `uid` in this machine's `/etc/passwd` (not `--root`'s: the
/// cache belongs to the process, not to the audited filesystem).
pub fn passwd_home(uid: u32) -> Option<PathBuf> {
    home_in_passwd(&fs::read_to_string("/etc/passwd").ok()?, uid)
}

/// The cache at `location` ([`locate`]'s answer), or none: turned off, or not usable,
/// which is said once ([`warn_once`]).
pub fn open(location: &Result<Option<PathBuf>, String>) -> Option<Cache> {
    let dir = location
        .as_ref()
        .map_err(|why| warn_once(why))
        .ok()?
        .as_ref()?;
    Cache::open(dir).map_err(|why| warn_once(&why)).ok()
}

/// Say, once per process, that the cache is not used and why.
pub fn warn_once(reason: &str) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static SAID: AtomicBool = AtomicBool::new(false);
    if !SAID.swap(true, Ordering::Relaxed) {
        crate::util::human::warn(format_args!(
            "warning: the compile cache is not used: {reason}; every run compiles its \
             controls (give --cache-dir DIR or BULKHEAD_CACHE_DIR, or `off` to say so)"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    fn no_home(_: u32) -> Option<PathBuf> {
        None
    }

    #[test]
    fn the_flag_then_the_variable_then_xdg_then_home_name_the_cache() {
        let all = env_of(&[
            ("BULKHEAD_CACHE_DIR", "/var/tmp/bc"),
            ("XDG_CACHE_HOME", "/x"),
            ("HOME", "/home/u"),
        ]);
        let at = |flag: Option<&str>, env: &dyn Fn(&str) -> Option<String>| {
            locate(flag.map(Path::new), env, Some(1000), &no_home)
        };
        assert_eq!(at(Some("/flag"), &all), Ok(Some("/flag".into())));
        assert_eq!(at(None, &all), Ok(Some("/var/tmp/bc".into())));
        assert_eq!(at(Some("off"), &all), Ok(None));
        assert_eq!(
            at(None, &env_of(&[("BULKHEAD_CACHE_DIR", "off")])),
            Ok(None)
        );
        let xdg = env_of(&[
            ("BULKHEAD_CACHE_DIR", ""),
            ("XDG_CACHE_HOME", "/x"),
            ("HOME", "/h"),
        ]);
        assert_eq!(at(None, &xdg), Ok(Some("/x/bulkhead".into())));
        let home = env_of(&[("HOME", "/home/u")]);
        assert_eq!(at(None, &home), Ok(Some("/home/u/.cache/bulkhead".into())));
    }

    #[test]
    fn an_empty_or_relative_xdg_or_home_is_ignored_never_resolved_here() {
        let rel = env_of(&[("XDG_CACHE_HOME", "cache"), ("HOME", "/home/u")]);
        assert_eq!(
            locate(None, &rel, Some(1000), &no_home),
            Ok(Some("/home/u/.cache/bulkhead".into()))
        );
        let both = env_of(&[("XDG_CACHE_HOME", ""), ("HOME", "relative/home")]);
        assert_eq!(
            locate(None, &both, Some(0), &no_home),
            Ok(Some(SYSTEM_CACHE.into()))
        );
    }

    #[test]
    fn without_home_root_uses_the_system_cache_and_others_their_passwd_home() {
        let none = env_of(&[]);
        assert_eq!(
            locate(None, &none, Some(0), &no_home),
            Ok(Some("/var/cache/bulkhead".into()))
        );
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      svc:x:1001:1001::/srv/svc:/usr/sbin/nologin\n\
                      nohome:x:1002:1002:::/bin/sh\n";
        let home_of = |uid| home_in_passwd(passwd, uid);
        assert_eq!(
            locate(None, &none, Some(1001), &home_of),
            Ok(Some("/srv/svc/.cache/bulkhead".into()))
        );
        let err = locate(None, &none, Some(1002), &home_of).unwrap_err();
        assert!(err.contains("uid 1002 has no home directory"), "{err}");
        assert!(locate(None, &none, None, &home_of).is_err());
    }
}
