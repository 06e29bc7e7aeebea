//! # `content-trust-enabled`: CIS Docker Benchmark v1.6.0 4.5
//!
//! ### What it checks
//! Docker Content Trust is on by default for this host's users: `/etc/environment` (read by
//! PAM for every login session) sets `DOCKER_CONTENT_TRUST=1`. Content trust is a client
//! setting (the docker CLI refuses unsigned images when the variable is set), so a host
//! audit can judge only the system-wide default, not each user's shell.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Add `DOCKER_CONTENT_TRUST=1` to `/etc/environment` (and to CI jobs' environments). Not
//! changed automatically.
//!
//! ### Example
//! An `/etc/environment` without the variable gives `fail`: `DOCKER_CONTENT_TRUST is not
//! set to 1 in /etc/environment`.

use bulkhead_sdk::{Error, Facts, Finding, MAX_READ, Target, describe_error};

const ENVIRONMENT: &str = "/etc/environment";

/// Judge the host.
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    let target = Target::file(ENVIRONMENT);
    let text = match facts.read_file(ENVIRONMENT, MAX_READ) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(Error::NotFound) => String::new(),
        Err(err) => {
            return vec![Finding::error(
                target,
                format!("cannot read {ENVIRONMENT}: {}", describe_error(&err)),
            )];
        }
    };
    // The last assignment wins, as pam_env reads the file top to bottom.
    let value = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("export ").unwrap_or(l).split_once('='))
        .filter(|(k, _)| k.trim() == "DOCKER_CONTENT_TRUST")
        .map(|(_, v)| v.trim().trim_matches(|c| c == '"' || c == '\'').to_owned())
        .next_back();
    match value.as_deref() {
        Some("1") => vec![
            Finding::pass(target, "DOCKER_CONTENT_TRUST=1 in /etc/environment")
                .with_evidence("DOCKER_CONTENT_TRUST", "1"),
        ],
        Some(other) => vec![
            Finding::fail(
                target,
                format!("DOCKER_CONTENT_TRUST is {other:?} in /etc/environment, not 1"),
            )
            .with_evidence("DOCKER_CONTENT_TRUST", other),
        ],
        None => vec![Finding::fail(
            target,
            "DOCKER_CONTENT_TRUST is not set to 1 in /etc/environment",
        )],
    }
}

bulkhead_sdk::cis_control! {
    id: "content-trust-enabled",
    title: "Docker Content Trust is enabled by default",
    description: "/etc/environment sets DOCKER_CONTENT_TRUST=1 for every login session.",
    rationale: "Without content trust the client runs unsigned images.",
    remediation: "Add DOCKER_CONTENT_TRUST=1 to /etc/environment.",
    severity: Medium,
    cis: "4.5",
    reads: [ENVIRONMENT],
    remediate: |target| {
        Err(Error::Invalid(format!(
            "add DOCKER_CONTENT_TRUST=1 to /etc/environment by hand; not for {target}"
        )))
        },
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::FakeHost;

    #[rstest::rstest]
    #[case::set("PATH=/usr/bin\nDOCKER_CONTENT_TRUST=1\n", Status::Pass)]
    #[case::quoted("DOCKER_CONTENT_TRUST=\"1\"\n", Status::Pass)]
    #[case::zero("DOCKER_CONTENT_TRUST=0\n", Status::Fail)]
    #[case::last_wins("DOCKER_CONTENT_TRUST=1\nDOCKER_CONTENT_TRUST=0\n", Status::Fail)]
    #[case::commented("# DOCKER_CONTENT_TRUST=1\n", Status::Fail)]
    #[case::absent("PATH=/usr/bin\n", Status::Fail)]
    fn environment(#[case] text: &str, #[case] want: Status) {
        let host = FakeHost::new().file(ENVIRONMENT, 0o644, text);
        assert_eq!(audit(&host)[0].status, want);
    }
}
