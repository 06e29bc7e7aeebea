//! # `docker-group-members`: CIS Docker Benchmark v1.6.0 1.1.2
//!
//! ### What it checks
//! Who can control the Docker daemon through the `docker` group: its members in
//! `/etc/group` and the users whose primary group it is in `/etc/passwd` (both under
//! `--root`). No member (or no `docker` group) passes; members give `warn` with their names,
//! for a person to confirm each one is trusted: the benchmark cannot know who is.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Remove untrusted users: `gpasswd -d USER docker`. Not changed automatically.
//!
//! ### Example
//! `/etc/group` with `docker:x:998:alice,bob` gives `warn`: `2 users can control the Docker
//! daemon through the docker group: alice, bob; confirm each is trusted`.

use bulkhead_sdk::{Error, Facts, Finding, MAX_READ, Target, describe_error};

/// Judge the host.
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    let read = |path: &str| match facts.read_file(path, MAX_READ) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(Error::NotFound) => Ok(None),
        Err(err) => Err(format!("cannot read {path}: {}", describe_error(&err))),
    };
    let (group, passwd) = match (read("/etc/group"), read("/etc/passwd")) {
        (Ok(g), Ok(p)) => (g.unwrap_or_default(), p.unwrap_or_default()),
        (Err(e), _) | (_, Err(e)) => return vec![Finding::error(Target::Host, e)],
    };
    let Some((gid, mut members)) = group.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() >= 4 && fields[0] == "docker").then(|| {
            let members: Vec<String> = fields[3]
                .split(',')
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(str::to_owned)
                .collect();
            (fields[2].to_owned(), members)
        })
    }) else {
        return vec![Finding::pass(
            Target::file("/etc/group"),
            "there is no docker group",
        )];
    };
    for line in passwd.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.len() >= 4 && fields[3] == gid && !members.iter().any(|m| m == fields[0]) {
            members.push(fields[0].to_owned());
        }
    }
    let target = Target::file("/etc/group");
    let finding = if members.is_empty() {
        Finding::pass(target, "the docker group has no members")
    } else {
        Finding::warn(
            target,
            format!(
                "{} user{} can control the Docker daemon through the docker group: {}; confirm \
                 each is trusted",
                members.len(),
                if members.len() == 1 { "" } else { "s" },
                members.join(", ")
            ),
        )
    };
    vec![
        finding
            .with_evidence("members", members.join(","))
            .with_evidence("gid", gid),
    ]
}

bulkhead_sdk::cis_control! {
    id: "docker-group-members",
    title: "Only trusted users can control the Docker daemon",
    description: "Lists who is in the docker group (members and primary group), for a person to confirm.",
    rationale: "Membership of the docker group is root on the host.",
    remediation: "Remove untrusted users with gpasswd -d USER docker.",
    severity: High,
    cis: "1.1.2",
    reads: ["/etc/group", "/etc/passwd"],
    remediate: |target| {
        Err(Error::Invalid(format!(
            "group membership is changed by hand (gpasswd -d USER docker); not for {target}"
        )))
        },
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::FakeHost;

    fn host(group: &str, passwd: &str) -> FakeHost {
        FakeHost::new()
            .file("/etc/group", 0o644, group)
            .file("/etc/passwd", 0o644, passwd)
    }

    #[test]
    fn members_and_primary_group_users_are_named() {
        let h = host(
            "root:x:0:\ndocker:x:998:alice\n",
            "root:x:0:0::/:/bin/sh\nci:x:1001:998::/:/bin/sh\n",
        );
        let f = &audit(&h)[0];
        assert_eq!(f.status, Status::Warn);
        assert_eq!(f.evidence("members"), Some("alice,ci"));
    }

    #[test]
    fn an_empty_or_missing_group_passes() {
        assert_eq!(audit(&host("docker:x:998:\n", ""))[0].status, Status::Pass);
        assert_eq!(audit(&host("root:x:0:\n", ""))[0].status, Status::Pass);
    }

    #[test]
    fn unreadable_files_are_errors() {
        let h = FakeHost::new().fail("/etc/group", Error::Unavailable("EIO".into()));
        assert_eq!(audit(&h)[0].status, Status::Error);
    }
}
