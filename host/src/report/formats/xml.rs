//! Just enough XML writing for the JUnit report: escaping for text and attributes,
//! with characters XML 1.0 cannot carry replaced.

/// Whether XML 1.0 allows `c` in a document at all (its `Char` production).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` escaped for element content.
pub fn text(text: &str) -> String {
    escape(text, false)
}

/// `value` escaped for a double-quoted attribute (line breaks and tabs kept as
/// character references, so they survive attribute normalisation).
pub fn attr(value: &str) -> String {
    escape(value, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rstest::rstest]
    #[case::markup("<a href=\"x\">&</a>", "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;")]
    #[case::line_breaks("a\nb\tc\rd", "a&#10;b&#9;c&#13;d")]
    #[case::control_chars("a\u{1b}[31m\u{0}b", "a\u{FFFD}[31m\u{FFFD}b")]
    fn attributes(#[case] input: &str, #[case] want: &str) {
        assert_eq!(attr(input), want);
    }

    #[test]
    fn text_keeps_quotes_and_line_breaks() {
        assert_eq!(text("say \"hi\"\n<ok>"), "say \"hi\"\n&lt;ok&gt;");
    }
}
