//! The macros that write a whole file control, and its unit tests, from a rule.

/// Write a whole file control: metadata, audit and remediate from a
/// [`FileRule`](crate::files::FileRule) and a locator, exported as the component.
///
/// ```text
/// bulkhead_sdk::file_control! {
///     id: "docker-service-ownership",
///     cis: "3.1",
///     title: "docker.service is owned by root:root",
///     description: "...", rationale: "...", remediation: "...",
///     severity: Medium,
///     reads: ["/etc/systemd/system", "/lib/systemd/system"],
///     rule: FileRule { what: "docker.service unit file", owner: Some(ROOT_ROOT), max_mode: None },
///     locate: |facts| locate::systemd_unit(facts, "docker.service"),
/// }
/// ```
///
/// It defines `RULE`, `pub fn audit(&impl Facts)` and `pub fn remediate(...)` for unit
/// tests, and the exported `Control`.
#[macro_export]
macro_rules! file_control {
    (
        id: $id:literal,
        cis: $cis:literal,
        title: $title:literal,
        description: $description:literal,
        rationale: $rationale:literal,
        remediation: $remediation:literal,
        severity: $severity:ident,
        reads: [$($read:expr),* $(,)?],
        rule: $rule:expr,
        locate: $locate:expr $(,)?
    ) => {
        /// What this control requires of its files.
        pub const RULE: $crate::files::FileRule = $rule;

        /// Judge the host.
        pub fn audit(facts: &impl $crate::Facts) -> ::std::vec::Vec<$crate::Finding> {
            let locate: fn(&_) -> $crate::files::Located = $locate;
            $crate::files::judge(facts, &RULE, locate(facts))
        }

        /// Fix one failing target.
        pub fn remediate(
            facts: &impl $crate::Facts,
            admin: &impl $crate::Admin,
            target: $crate::Target,
        ) -> ::std::result::Result<(), $crate::Error> {
            $crate::files::remediate(facts, admin, &RULE, target)
        }

        $crate::cis_control! {
            id: $id,
            title: $title,
            description: $description,
            rationale: $rationale,
            remediation: $remediation,
            severity: $severity,
            cis: $cis,
            reads: [$($read),*],
            remediate: |target| remediate(&$crate::Host, &$crate::Host, target),
        }
    };
}

/// The three unit tests every file control needs, on [`FakeHost`](crate::testing::FakeHost)s
/// with named accounts: `setup` adds what both cases share (a daemon, say), `pass` and
/// `fail` the file that must pass and fail; with `setup` alone the file is absent and the
/// control must skip.
#[macro_export]
macro_rules! file_control_tests {
    (setup: $setup:expr, pass: $pass:expr, fail: $fail:expr $(,)?) => {
        #[cfg(test)]
        mod file_control_tests {
            use $crate::Status;
            use $crate::testing::{FakeHost, statuses};

            fn host() -> FakeHost {
                let setup: fn(FakeHost) -> FakeHost = $setup;
                setup(FakeHost::new().with_accounts())
            }

            fn check(case: fn(FakeHost) -> FakeHost, want: Status) {
                let host = case(host());
                let found = super::audit(&host);
                assert_eq!(statuses(&found), [want], "{found:?}");
            }

            #[test]
            fn passes_when_the_rule_holds() {
                check($pass, Status::Pass);
            }

            #[test]
            fn fails_when_it_does_not() {
                check($fail, Status::Fail);
            }

            #[test]
            fn skips_when_the_file_is_absent() {
                check(|h| h, Status::Skip);
            }
        }
    };
}
