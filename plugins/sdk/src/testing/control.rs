//! Test scaffolding for controls written with the SDK's kits, so that a control's unit tests
//! hold only its own cases.
//!
//! - Container controls ([`container_control!`](crate::container_control)): the
//!   [`container_control_tests!`](crate::container_control_tests) macro writes the table of
//!   inspect documents a judge is tried on and the check of the kit's contract (one finding
//!   per container, a `skip` for none, `remediate` naming the `docker run` flag);
//!   [`namespace_control_tests!`](crate::namespace_control_tests) writes both for a
//!   "namespace not shared with the host" control.
//! - Daemon controls ([`option_control!`](crate::option_control)): [`dockerd_host`] and
//!   [`dockerd_answering`] build a host running one `dockerd` (judged on its configuration,
//!   or on what `docker info` says), [`one`] takes the only finding of an audit of it.
//!
//! ```
//! use bulkhead_sdk::testing::control::{dockerd_host, one};
//! use bulkhead_sdk::{Facts, Finding, Target};
//!
//! // Stands for a daemon control's `audit` (`option_control!` writes it).
//! fn audit(facts: &impl Facts) -> Vec<Finding> {
//!     let daemons = facts.dockerd().unwrap();
//!     daemons.iter().map(|d| Finding::pass(Target::Host, d.args.join(" "))).collect()
//! }
//!
//! let got = one(audit(&dockerd_host("dockerd --icc=false", "{}")));
//! assert_eq!(got.message, "dockerd --icc=false");
//! ```

use crate::runtime::{Inspected, inspected, judge_all};
use crate::testing::{FakeHost, container};
use crate::{Error, Finding, Status, Target};

/// Judge the inspect document `inspect` (with the `docker info` document `info`, `"null"`
/// when unknown) and check the finding: status `want`, target `container:w` (the tables
/// name their container `w`).
///
/// The judge is also run the way a control runs it, through [`judge_all`] on a host
/// holding that document (so it reads only the members the host picks out for it), and
/// must say exactly the same there.
#[track_caller]
pub fn assert_judges(judge: fn(&Inspected) -> Finding, inspect: &str, info: &str, want: Status) {
    let got = judge(&inspected(inspect, info));
    assert_eq!(got.status, want, "{}", got.message);
    assert_eq!(got.target, Target::container("w"));

    let host = FakeHost::new()
        .container(container("w"))
        .inspect_document("w", inspect)
        .docker_info(Ok(info));
    let mut picked = judge_all(&host, judge);
    assert_eq!(picked.len(), 1);
    let mut picked = picked.remove(0);
    picked.evidence.retain(|(key, _)| key != "state");
    assert_eq!(
        picked, got,
        "judged from the members picked out, not the whole document"
    );
}

/// Check a container control's `audit` and `remediate` (as [`container_control!`] writes
/// them): one finding per container, one `skip` for a host without containers, and
/// `remediate` refusing with a message that names `fix`, the `docker run` flag to use.
///
/// [`container_control!`]: crate::container_control
#[track_caller]
pub fn assert_container_kit(
    audit: fn(&FakeHost) -> Vec<Finding>,
    remediate: fn(Target) -> Result<(), Error>,
    fix: &str,
) {
    let host = FakeHost::new()
        .container(container("web"))
        .container(container("db"));
    assert_eq!(audit(&host).len(), 2);
    assert_eq!(audit(&FakeHost::new())[0].status, Status::Skip);
    let err = remediate(Target::container("web")).unwrap_err();
    assert!(format!("{err:?}").contains(fix), "{err:?}");
}

/// The only finding of `findings` (an audit of a host running one daemon); panics unless
/// there is exactly one.
#[track_caller]
pub fn one(mut findings: Vec<Finding>) -> Finding {
    assert_eq!(findings.len(), 1, "{findings:?}");
    findings.remove(0)
}

/// A host running one `dockerd` (pid 812) with the command line `line`, with
/// `/etc/docker/daemon.json` holding `json`, and the daemon unreachable (`docker info`
/// fails), so the configuration is what is judged.
pub fn dockerd_host(line: &str, json: &str) -> FakeHost {
    FakeHost::new()
        .dockerd(812, line)
        .file("/etc/docker/daemon.json", 0o644, json)
        .docker_info(Err(Error::Unavailable("down".into())))
}

/// A host running one `dockerd` (pid 812, no options) that answers `docker info` with the
/// document `info`, so the running daemon's effective values are what is judged.
pub fn dockerd_answering(info: &str) -> FakeHost {
    FakeHost::new()
        .dockerd(812, "dockerd")
        .docker_info(Ok(info))
}

/// Write a container control's unit tests: a module `judges` with one test per case (the
/// crate's `judge` on an inspect document, see [`assert_judges`]), and a test of its `audit`
/// and `remediate` (see [`assert_container_kit`]).
///
/// Invoke it in the crate's `#[cfg(test)] mod tests`, beside the tests of its own; it uses
/// the `judge`, `audit` and `remediate` at the crate's root.
///
/// ```text
/// bulkhead_sdk::container_control_tests! {
///     fix: "without --privileged",
///     judges: {
///         privileged: (r#"{"Name":"/w","HostConfig":{"Privileged":true}}"#, "null") => Fail,
///         absent: (r#"{"Name":"/w"}"#, "null") => Pass,
///     },
/// }
/// ```
///
/// Each case is `name: (inspect document, docker info document) => Status`; the documents
/// are expressions, and may name items of the invoking module (a `const` shared by cases).
// `crate::` is meant: it names the control crate that invokes the macro, not this one.
#[allow(clippy::crate_in_macro_def)]
#[macro_export]
macro_rules! container_control_tests {
    (
        fix: $fix:expr,
        judges: {
            $( $case:ident: ($inspect:expr, $info:expr $(,)?) => $want:ident ),+ $(,)?
        } $(,)?
    ) => {
        /// The judge on one inspect document per case.
        mod judges {
            // The cases may name items of the invoking test module (constants, helpers).
            #[allow(unused_imports)]
            use super::*;

            $(
                #[test]
                fn $case() {
                    $crate::testing::control::assert_judges(
                        crate::judge,
                        $inspect,
                        $info,
                        $crate::Status::$want,
                    );
                }
            )+
        }

        #[test]
        fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
            $crate::testing::control::assert_container_kit(crate::audit, crate::remediate, $fix);
        }
    };
}

/// Write the unit tests of a control judging a namespace with
/// [`namespace_not_host`](crate::runtime::namespace_not_host): the `HostConfig` key `field`
/// set to `host` fails; set to `private` (the container's own namespace, as Docker writes
/// it), to another container's, or absent passes. Plus the kit's test, as
/// [`container_control_tests!`](crate::container_control_tests) writes it.
///
/// ```text
/// bulkhead_sdk::namespace_control_tests! {
///     field: "PidMode",
///     private: "",
///     fix: "without --pid host",
/// }
/// ```
#[macro_export]
macro_rules! namespace_control_tests {
    (field: $field:literal, private: $private:literal, fix: $fix:literal $(,)?) => {
        $crate::container_control_tests! {
            fix: $fix,
            judges: {
                host: (
                    ::core::concat!(r#"{"Name":"/w","HostConfig":{""#, $field, r#"":"host"}}"#),
                    "null"
                ) => Fail,
                private: (
                    ::core::concat!(
                        r#"{"Name":"/w","HostConfig":{""#, $field, r#"":""#, $private, r#""}}"#
                    ),
                    "null"
                ) => Pass,
                another_container: (
                    ::core::concat!(
                        r#"{"Name":"/w","HostConfig":{""#, $field, r#"":"container:db"}}"#
                    ),
                    "null"
                ) => Pass,
                absent: (r#"{"Name":"/w"}"#, "null") => Pass,
            },
        }
    };
}
