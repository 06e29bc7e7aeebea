//! Target and control patterns: the one glob that `fix --target` and the waivers of the
//! configuration share, so a pattern means the same thing wherever a user writes it.
//!
//! Matching takes time linear in the lengths of pattern and text, whatever the number of
//! stars: the literal pieces between stars are found left to right, each at its first
//! place after the previous one (`str::find`, linear itself). Taking the first place is
//! never wrong for `*`-only patterns: any match that uses a later place for a piece can
//! use the earlier one instead, since the star before it absorbs less and the star after
//! it absorbs more.

/// Whether `text` matches `pattern`: `*` matches any run of characters (none included);
/// everything else matches itself, case and all.
pub fn glob(pattern: &str, text: &str) -> bool {
    let mut pieces = pattern.split('*');
    // `split` always yields at least one piece: the text before the first star.
    let head = pieces.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(head) else {
        return false;
    };
    let mut middle: Vec<&str> = pieces.collect();
    let Some(tail) = middle.pop() else {
        // No star at all: the whole text is the head.
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(tail)
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[rstest::rstest]
    #[case::exact("container:web", "container:web", true)]
    #[case::other("container:web", "container:api", false)]
    #[case::longer_text("container:web", "container:web2", false)]
    #[case::prefix("file:/etc/docker/*", "file:/etc/docker/certs.d/r/client.key", true)]
    #[case::prefix_miss("file:/etc/docker/*", "file:/srv/key.pem", false)]
    #[case::middle("container:*-prod", "container:web-prod", true)]
    #[case::middle_miss("container:*-prod", "container:web-production", false)]
    #[case::empty_run("container:legacy-*", "container:legacy-", true)]
    #[case::two_stars("container:*-*", "container:legacy-app", true)]
    #[case::two_stars_miss("container:*-*", "container:legacy", false)]
    #[case::all("*", "host", true)]
    #[case::all_empty("*", "", true)]
    #[case::stars_only("***", "abc", true)]
    #[case::empty_pattern("", "", true)]
    #[case::empty_pattern_text("", "a", false)]
    #[case::case_matters("container:Web", "container:web", false)]
    #[case::multibyte("container:caf*", "container:café", true)]
    #[case::multibyte_middle("*é*", "caféine", true)]
    #[case::tail_overlaps_middle("*ab*ab", "ab", false)]
    #[case::tail_after_middle("*ab*ab", "abab", true)]
    #[case::head_and_tail_overlap("ab*ba", "aba", false)]
    #[case::repeated_piece("*a*a*a*", "aa", false)]
    #[case::repeated_piece_enough("*a*a*a*", "banana", true)]
    fn patterns(#[case] pattern: &str, #[case] text: &str, #[case] matches: bool) {
        assert_eq!(glob(pattern, text), matches);
        assert_eq!(reference(pattern, text), matches, "the reference disagrees");
    }

    /// The backtracking definition the linear matcher must agree with.
    fn reference(pattern: &str, text: &str) -> bool {
        match pattern.split_once('*') {
            None => pattern == text,
            Some((head, rest)) => text.strip_prefix(head).is_some_and(|tail| {
                (0..=tail.len())
                    .filter(|i| tail.is_char_boundary(*i))
                    .any(|i| reference(rest, &tail[i..]))
            }),
        }
    }

    #[test]
    fn agrees_with_backtracking_on_every_small_case() {
        let alphabet = ["", "a", "b", "*"];
        let texts = ["", "a", "b", "ab", "ba", "aab", "abab", "bbaa", "abba"];
        // Every pattern of up to four symbols from the alphabet.
        let mut patterns = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = patterns
                .iter()
                .flat_map(|p| alphabet.iter().map(move |s| format!("{p}{s}")))
                .collect();
            patterns.extend(longer);
        }
        patterns.sort();
        patterns.dedup();
        for pattern in &patterns {
            for text in texts {
                assert_eq!(
                    glob(pattern, text),
                    reference(pattern, text),
                    "{pattern:?} against {text:?}"
                );
            }
        }
    }

    #[test]
    fn many_stars_against_a_long_text() {
        // Backtracking took 3.7 s for the first of these and would not end for the
        // others; the linear matcher answers each in microseconds.
        let text = "a".repeat(400);
        assert!(!glob("*a*a*a*b", &text));
        assert!(!glob(&format!("{}c", "*a".repeat(50)), &text));
        assert!(glob(&"*a".repeat(50), &text));
        assert!(glob(&format!("{}*", "a*".repeat(400)), &text));
        assert!(!glob(&format!("{}*", "a*".repeat(401)), &text));
    }
}
