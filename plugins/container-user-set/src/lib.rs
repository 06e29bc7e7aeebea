//! # `container-user-set`: CIS Docker Benchmark v1.6.0 4.1
//!
//! ### What it checks
//! Every container, running or not, runs as a user other than root: its `Config.User`
//! (which already holds the image's `USER` when the container does not override it) is
//! set and is not `root`, `0`, or `root:`/`0:` with a group. An empty user means root.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Add `USER <name>` to the image's Dockerfile (creating the user), or run with
//! `docker run --user UID:GID`. Containers are not recreated automatically for this.
//!
//! ### Example
//! `docker create --name web nginx` (no user) gives `fail`: `container web runs as root
//! (Config.User is empty: the image sets no USER)`.

use bulkhead_sdk::runtime::each_container;
use bulkhead_sdk::{Error, Facts, Finding, Target};

/// Judge every container.
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    each_container(facts, |c| {
        let target = Target::container(c.name.as_str());
        let user = c.user.trim();
        let name = user.split(':').next().unwrap_or_default();
        let finding = if user.is_empty() {
            Finding::fail(
                target,
                format!(
                    "container {} runs as root (Config.User is empty: the image sets no USER)",
                    c.name
                ),
            )
        } else if name == "root" || name == "0" {
            Finding::fail(
                target,
                format!("container {} runs as root (user {user})", c.name),
            )
        } else {
            Finding::pass(target, format!("container {} runs as user {user}", c.name))
        };
        finding
            .with_evidence("user", user)
            .with_evidence("image", c.image.as_str())
    })
}

bulkhead_sdk::cis_control! {
    id: "container-user-set",
    title: "Containers run as a non-root user",
    description: "Every container's Config.User is set and is not root.",
    rationale: "Root in a container is root on the host's kernel.",
    remediation: "Add USER to the Dockerfile or run with --user UID:GID.",
    severity: Medium,
    cis: "4.1",
    reads: [],
    remediate: |target| {
        Err(Error::Invalid(format!(
            "the user is set in the image or with docker run --user; not changed for {target}"
        )))
        },
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::{FakeHost, container};

    #[rstest::rstest]
    #[case::empty("", Status::Fail)]
    #[case::root("root", Status::Fail)]
    #[case::uid_zero("0", Status::Fail)]
    #[case::root_with_group("0:1000", Status::Fail)]
    #[case::named("nginx", Status::Pass)]
    #[case::uid("1000:1000", Status::Pass)]
    #[case::rootless_lookalike("rooty", Status::Pass)]
    fn users(#[case] user: &str, #[case] want: Status) {
        let mut c = container("web");
        c.user = user.to_owned();
        assert_eq!(audit(&FakeHost::new().container(c))[0].status, want);
    }

    #[test]
    fn no_containers_skip() {
        assert_eq!(audit(&FakeHost::new())[0].status, Status::Skip);
    }
}
