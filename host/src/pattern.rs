//! Target and control patterns: the one glob that `fix --target` and the waivers of the
//! configuration share, so a pattern means the same thing wherever a user writes it.

/// Whether `text` matches `pattern`: `*` matches any run of characters (none included);
/// everything else matches itself, case and all.
pub fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len())
                .filter(|i| tail.is_char_boundary(*i))
                .any(|i| glob(rest, &tail[i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[rstest::rstest]
    #[case::exact("container:web", "container:web", true)]
    #[case::other("container:web", "container:api", false)]
    #[case::prefix("file:/etc/docker/*", "file:/etc/docker/certs.d/r/client.key", true)]
    #[case::prefix_miss("file:/etc/docker/*", "file:/srv/key.pem", false)]
    #[case::middle("container:*-prod", "container:web-prod", true)]
    #[case::middle_miss("container:*-prod", "container:web-production", false)]
    #[case::empty_run("container:legacy-*", "container:legacy-", true)]
    #[case::two_stars("container:*-*", "container:legacy-app", true)]
    #[case::two_stars_miss("container:*-*", "container:legacy", false)]
    #[case::all("*", "host", true)]
    #[case::case_matters("container:Web", "container:web", false)]
    #[case::multibyte("container:caf*", "container:café", true)]
    fn patterns(#[case] pattern: &str, #[case] text: &str, #[case] matches: bool) {
        assert_eq!(glob(pattern, text), matches);
    }
}
