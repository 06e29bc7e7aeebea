//! The contract with controls: every version of the `bulkhead:plugin` WIT package this
//! host implements, and every interface of each, in one table.
//!
//! For each interface the table records what it is (shared types, an import, the
//! exported `control`), for an import whether it only reads or changes something,
//! whether it reaches the Docker daemon, this machine or neither, the grant its
//! functions need, and the minor version that introduced it. Each of its functions is a
//! [`Call`], named as the WIT names it. Everything else that knows the contract derives
//! from here: the import policy ([`crate::sandbox::wasm::classify_import`]), the contract label
//! `plugins inspect` shows and the version a component is linked as
//! ([`package_of_imports`]), which daemon a control needs ([`reach_of_imports`]), the
//! grant a host call needs ([`Call::required`]) and its name in denials
//! ([`Call::wit_name`]).
//!
//! The `bindgen!` invocations in [`crate::sandbox::bindings`] must name their WIT paths as
//! literals; a test checks them, and every interface and function under `wit/`,
//! against this table, so an interface cannot be half-added.
//!
//! An interface lives in the package that introduced it and is imported from there by
//! every later version (`bulkhead:plugin/filesystem@0.1.0` in a 0.4 control), so an
//! import is known by its name and minor version together. Wasmtime links any 0.N.x
//! against 0.N.0.

use serde::Serialize;

/// A permission a control may hold for one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grant {
    /// Read file facts and small files under the root.
    ReadFiles,
    /// Read the process table (`--proc`).
    ReadProcesses,
    /// Read the Docker snapshot.
    ReadDocker,
    /// Read parsed facts about the machine: accounts, mounts, audit rules, units, sockets.
    ReadMachine,
    /// Write to the control's own log.
    Log,
    /// Change file modes and owners under the root (only tightening).
    ChangeFiles,
    /// Replace containers with tighter copies.
    ChangeContainers,
}

/// Whether an imported interface only reads, or changes something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Observes; `run` grants it.
    ReadOnly,
    /// Changes files or containers; only `fix` grants it.
    Mutating,
}

/// What an imported interface reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The Docker daemon: a control importing it runs once per `--docker-host`.
    Daemon,
    /// This machine (files under `--root`, processes under `--proc`): with a remote
    /// daemon, the machine is not that daemon's.
    Host,
    /// Neither (the control's own log).
    Neither,
}

/// What an interface is to a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Shared type definitions, no functions.
    Types,
    /// A capability the host provides.
    Import {
        /// Reads, or changes.
        effect: Effect,
        /// What it reaches.
        reach: Reach,
        /// The grant every function of it needs.
        grant: Grant,
        /// Its functions, as the WIT names them.
        functions: &'static [&'static str],
    },
    /// What a control provides: `control`. Never importable.
    Export,
}

/// One interface of one contract version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interface {
    /// Its WIT name, e.g. `container-fields`.
    pub name: &'static str,
    /// The minor version of `bulkhead:plugin@0.N.0` that introduced it (`N`).
    pub since: u8,
    /// What it is.
    pub role: Role,
}

/// One version of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    /// `N` of `bulkhead:plugin@0.N.0`.
    pub minor: u8,
    /// The package as a guest names it.
    pub package: &'static str,
    /// Its WIT directory, relative to the repository.
    pub wit_dir: &'static str,
    /// The minor version whose `control` it exports.
    pub exports: u8,
}

/// The versions this host implements, newest first.
pub const VERSIONS: [Version; 4] = [
    Version {
        minor: 4,
        package: "bulkhead:plugin@0.4.0",
        wit_dir: "wit/v0.4",
        exports: 2,
    },
    Version {
        minor: 3,
        package: "bulkhead:plugin@0.3.0",
        wit_dir: "wit/v0.3",
        exports: 2,
    },
    Version {
        minor: 2,
        package: "bulkhead:plugin@0.2.0",
        wit_dir: "wit/v0.2",
        exports: 2,
    },
    Version {
        minor: 1,
        package: "bulkhead:plugin@0.1.0",
        wit_dir: "wit/v0.1",
        exports: 1,
    },
];

/// The interfaces without functions of their own: shared types and the export.
const OTHERS: [Interface; 3] = [
    Interface {
        name: "types",
        since: 1,
        role: Role::Types,
    },
    Interface {
        name: "control",
        since: 1,
        role: Role::Export,
    },
    Interface {
        name: "control",
        since: 2,
        role: Role::Export,
    },
];

/// The table of imported interfaces: one line an interface, one `Call = "function"` a
/// function. It generates [`IMPORTS`], [`Call`] and the exhaustive matches that map a
/// call to its name and grant, so a function cannot exist without an entry here.
macro_rules! imports {
    ($(
        $interface:literal @ $since:literal, $effect:ident, $reach:ident, $grant:ident {
            $($call:ident = $function:literal),+ $(,)?
        }
    )+) => {
        /// Every imported interface, oldest first.
        pub const IMPORTS: &[Interface] = &[$(
            Interface {
                name: $interface,
                since: $since,
                role: Role::Import {
                    effect: Effect::$effect,
                    reach: Reach::$reach,
                    grant: Grant::$grant,
                    functions: &[$($function),+],
                },
            },
        )+];

        /// One host function, as a control called it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Call {
            $($($call,)+)+
        }

        impl Call {
            /// Every host function.
            pub const ALL: &[Call] = &[$($(Call::$call,)+)+];

            /// The grant this call needs: its interface's.
            pub fn required(self) -> Grant {
                match self {
                    $($(Call::$call => Grant::$grant,)+)+
                }
            }

            /// The WIT name of the function (`interface.function`), as reports show it.
            pub fn wit_name(self) -> &'static str {
                match self {
                    $($(Call::$call => concat!($interface, ".", $function),)+)+
                }
            }
        }
    };
}

imports! {
    "filesystem" @ 1, ReadOnly, Host, ReadFiles {
        Stat = "stat",
        Lstat = "lstat",
        ReadLink = "read-link",
        Resolve = "resolve",
        ReadFile = "read-file",
        ReadDir = "read-dir",
    }
    "process" @ 1, ReadOnly, Host, ReadProcesses {
        Dockerd = "dockerd",
    }
    "docker" @ 1, ReadOnly, Daemon, ReadDocker {
        Containers = "containers",
        Inspect = "inspect",
        DockerInfo = "info",
    }
    "log" @ 1, ReadOnly, Neither, Log {
        Log = "log",
    }
    "file-admin" @ 1, Mutating, Host, ChangeFiles {
        Chmod = "chmod",
    }
    "container-admin" @ 1, Mutating, Daemon, ChangeContainers {
        ReplaceContainer = "replace-container",
    }
    "machine" @ 2, ReadOnly, Host, ReadMachine {
        UserByName = "user-by-name",
        UserById = "user-by-id",
        GroupByName = "group-by-name",
        GroupById = "group-by-id",
        Mounts = "mounts",
        AuditRules = "audit-rules",
        UnitFile = "unit-file",
        Listeners = "listeners",
    }
    "images" @ 2, ReadOnly, Daemon, ReadDocker {
        Images = "images",
        InspectImage = "inspect-image",
        ImageHistory = "history",
    }
    "container-processes" @ 2, ReadOnly, Daemon, ReadDocker {
        Top = "top",
        Execs = "execs",
    }
    "networks" @ 2, ReadOnly, Daemon, ReadDocker {
        Networks = "networks",
    }
    "ownership-admin" @ 3, Mutating, Host, ChangeFiles {
        Chown = "chown",
    }
    "container-tasks" @ 3, ReadOnly, Daemon, ReadDocker {
        Processes = "processes",
    }
    "container-fields" @ 4, ReadOnly, Daemon, ReadDocker {
        FieldsOfAll = "fields-of-all",
        Fields = "fields",
    }
}

impl std::fmt::Display for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.wit_name())
    }
}

/// Every interface of every version: the imports, the types and the exports.
pub fn interfaces() -> impl Iterator<Item = &'static Interface> {
    IMPORTS.iter().chain(OTHERS.iter())
}

/// What a `bulkhead:plugin/…` import names, when it is in this host's contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// An interface of a version this host implements.
    Known(&'static Interface),
    /// A version this host implements, but no interface of that name introduced by it.
    UnknownInterface,
    /// A version this host does not implement (a future one, or another major).
    UnknownVersion,
}

/// The minor version `N` of an import `bulkhead:plugin/interface@0.N.x`, when it names a
/// version this host implements.
pub fn minor_of(import: &str) -> Option<u8> {
    let (_, version) = import.strip_prefix("bulkhead:plugin/")?.split_once('@')?;
    let mut parts = version.split('.');
    let (major, minor) = (parts.next()?, parts.next()?);
    let minor: u8 = minor.parse().ok()?;
    (major == "0" && VERSIONS.iter().any(|v| v.minor == minor)).then_some(minor)
}

/// Look up the `bulkhead:plugin/interface@version` import `name`; `None` when it is not
/// a `bulkhead:plugin` import at all.
pub fn lookup(name: &str) -> Option<Lookup> {
    let rest = name.strip_prefix("bulkhead:plugin/")?;
    let interface = rest.split_once('@').map_or(rest, |(i, _)| i);
    let Some(minor) = minor_of(name) else {
        return Some(Lookup::UnknownVersion);
    };
    Some(
        interfaces()
            .find(|i| i.name == interface && i.since == minor)
            .map_or(Lookup::UnknownInterface, Lookup::Known),
    )
}

/// The contract version a component that exports `exports`' `control` and has
/// `imports` is linked as: the newest version any of its imports comes from, and at
/// least the one whose `control` it exports.
pub fn package_of_imports<'a>(
    exports: u8,
    imports: impl IntoIterator<Item = &'a str>,
) -> &'static Version {
    let newest = imports
        .into_iter()
        .filter_map(minor_of)
        .fold(exports, u8::max);
    VERSIONS
        .iter()
        .find(|v| v.minor == newest && v.exports == exports)
        .or_else(|| VERSIONS.iter().find(|v| v.minor == exports))
        .unwrap_or(&VERSIONS[VERSIONS.len() - 1])
}

/// What a component with `imports` reaches: (the Docker daemon, this machine).
pub fn reach_of_imports<'a>(imports: impl IntoIterator<Item = &'a str>) -> (bool, bool) {
    let (mut daemon, mut host) = (false, false);
    for name in imports {
        if let Some(Lookup::Known(Interface {
            role: Role::Import { reach, .. },
            ..
        })) = lookup(name)
        {
            match reach {
                Reach::Daemon => daemon = true,
                Reach::Host => host = true,
                Reach::Neither => {}
            }
        }
    }
    (daemon, host)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    use super::*;

    fn repository() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    /// (package minor, interface) → its functions, from one WIT file: the `interface
    /// name {` blocks and their `name: func(` lines. The WIT here is the project's own,
    /// written in that one layout.
    fn interfaces_in(text: &str) -> (u8, BTreeMap<String, BTreeSet<String>>) {
        let package = text
            .lines()
            .find_map(|l| l.strip_prefix("package bulkhead:plugin@0."))
            .expect("a bulkhead:plugin package line");
        let minor = package.split('.').next().unwrap().parse().unwrap();
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut current: Option<String> = None;
        for line in text.lines() {
            if let Some(name) = line.strip_prefix("interface ") {
                let name = name.trim_end_matches(['{', ' ']).to_owned();
                out.entry(name.clone()).or_default();
                current = Some(name);
            } else if line.starts_with('}') || line.starts_with("world ") {
                current = None;
            } else if let (Some(interface), Some((function, _))) =
                (&current, line.trim().split_once(": func("))
            {
                out.get_mut(interface).unwrap().insert(function.to_owned());
            }
        }
        (minor, out)
    }

    #[test]
    fn every_interface_and_function_under_wit_is_in_the_table() {
        let wit = repository().join("wit");
        let mut dirs: Vec<String> = std::fs::read_dir(&wit)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().unwrap().is_dir())
            .map(|e| format!("wit/{}", e.file_name().to_string_lossy()))
            .collect();
        dirs.sort();
        let mut listed: Vec<String> = VERSIONS.iter().map(|v| v.wit_dir.to_owned()).collect();
        listed.sort();
        assert_eq!(
            dirs, listed,
            "a WIT directory the table does not list, or the reverse"
        );
        let loose: Vec<_> = std::fs::read_dir(&wit)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().unwrap().is_file())
            .map(|e| e.file_name())
            .collect();
        assert!(
            loose.is_empty(),
            "WIT outside a version directory: {loose:?}"
        );

        let mut seen = BTreeSet::new();
        for version in VERSIONS {
            let dir = repository().join(version.wit_dir);
            let text = std::fs::read_to_string(dir.join("plugin.wit")).unwrap();
            let (minor, found) = interfaces_in(&text);
            assert_eq!(minor, version.minor, "{}", version.wit_dir);
            for (name, functions) in &found {
                let entry = interfaces()
                    .find(|i| i.name == name && i.since == minor)
                    .unwrap_or_else(|| {
                        panic!("{name} of 0.{minor} is missing from the contract table")
                    });
                let listed: BTreeSet<String> = match entry.role {
                    Role::Import { functions, .. } => {
                        functions.iter().map(|f| (*f).to_owned()).collect()
                    }
                    Role::Types | Role::Export => BTreeSet::new(),
                };
                if entry.role != Role::Export {
                    assert_eq!(&listed, functions, "functions of {name} of 0.{minor}");
                }
                seen.insert((name.clone(), minor));
            }
            // `deps/` holds the older packages themselves (links to them).
            for older in VERSIONS.iter().filter(|v| v.minor < version.minor) {
                let copy = dir.join(format!("deps/bulkhead-plugin-0.{}.0.wit", older.minor));
                let original = repository().join(older.wit_dir).join("plugin.wit");
                assert_eq!(
                    std::fs::read_to_string(&copy).unwrap(),
                    std::fs::read_to_string(&original).unwrap(),
                    "{} is not a copy of {}",
                    copy.display(),
                    original.display()
                );
            }
        }
        let table: BTreeSet<(String, u8)> =
            interfaces().map(|i| (i.name.to_owned(), i.since)).collect();
        assert_eq!(table, seen, "the table lists an interface no WIT defines");
    }

    #[test]
    fn the_bindings_and_the_sdk_name_the_versions_of_the_table() {
        let host =
            std::fs::read_to_string(repository().join("host/src/sandbox/bindings.rs")).unwrap();
        let sdk =
            std::fs::read_to_string(repository().join("plugins/sdk/src/bindings.rs")).unwrap();
        let newest = &VERSIONS[0];
        let oldest = &VERSIONS[VERSIONS.len() - 1];
        for (text, path) in [
            (&host, format!("\"../{}\"", newest.wit_dir)),
            (&host, format!("\"../{}\"", oldest.wit_dir)),
            (&sdk, format!("\"../../{}\"", newest.wit_dir)),
        ] {
            assert!(text.contains(&path), "bindings do not use {path}");
        }
        assert!(host.contains(&format!("\"bulkhead:plugin/plugin@0.{}.0\"", newest.minor)));
    }

    #[test]
    fn every_call_has_one_function_and_names_it() {
        let mut names = BTreeSet::new();
        for call in Call::ALL {
            let (interface, function) = call.wit_name().split_once('.').unwrap();
            let entry = IMPORTS
                .iter()
                .find(|i| i.name == interface)
                .unwrap_or_else(|| panic!("{call:?}"));
            let Role::Import {
                grant, functions, ..
            } = entry.role
            else {
                panic!("{call:?} is not in an import")
            };
            assert!(functions.contains(&function), "{call:?}");
            assert_eq!(call.required(), grant, "{call:?}");
            assert!(names.insert(call.wit_name()), "{call:?} named twice");
        }
        let functions: usize = IMPORTS
            .iter()
            .map(|i| match i.role {
                Role::Import { functions, .. } => functions.len(),
                Role::Types | Role::Export => 0,
            })
            .sum();
        assert_eq!(functions, Call::ALL.len());
    }

    #[rstest::rstest]
    #[case::filesystem("bulkhead:plugin/filesystem@0.1.0", Some("filesystem"))]
    #[case::newer_patch("bulkhead:plugin/docker@0.1.3", Some("docker"))]
    #[case::wrong_version("bulkhead:plugin/docker@0.2.0", None)]
    #[case::export("bulkhead:plugin/control@0.2.0", Some("control"))]
    fn lookups(#[case] import: &str, #[case] found: Option<&str>) {
        let got = match lookup(import) {
            Some(Lookup::Known(i)) => Some(i.name),
            _ => None,
        };
        assert_eq!(got, found);
    }

    #[test]
    fn versions_and_reach_of_imports() {
        assert_eq!(lookup("wasi:cli/stderr@0.2.6"), None);
        assert_eq!(
            lookup("bulkhead:plugin/docker@0.9.0"),
            Some(Lookup::UnknownVersion)
        );
        assert_eq!(
            lookup("bulkhead:plugin/shell@0.1.0"),
            Some(Lookup::UnknownInterface)
        );
        let fields_only = [
            "bulkhead:plugin/types@0.1.0",
            "bulkhead:plugin/container-fields@0.4.0",
        ];
        assert_eq!(package_of_imports(2, fields_only).minor, 4);
        assert_eq!(reach_of_imports(fields_only), (true, false));
        let tasks = ["bulkhead:plugin/container-tasks@0.3.0"];
        assert_eq!(package_of_imports(2, tasks).minor, 3);
        assert_eq!(reach_of_imports(tasks), (true, false));
        let chown = ["bulkhead:plugin/ownership-admin@0.3.0"];
        assert_eq!(reach_of_imports(chown), (false, true));
        assert_eq!(package_of_imports(2, ["wasi:cli/exit@0.2.6"]).minor, 2);
        assert_eq!(
            package_of_imports(1, ["bulkhead:plugin/log@0.1.0"]).minor,
            1
        );
        assert_eq!(
            reach_of_imports(["bulkhead:plugin/log@0.1.0"]),
            (false, false)
        );
    }
}
