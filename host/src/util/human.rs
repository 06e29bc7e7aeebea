//! The one render boundary of everything printed for a person: the run table, the
//! listings (`controls`, `plugins list`, `plugins inspect`), the fix plan, the rollback
//! and every line on stderr.
//!
//! Text in these outputs comes from controls (titles, versions, references, targets,
//! messages, errors), from plugin files (their names), from containers (names, labels,
//! image names) and from the daemon. Any of it could carry escape sequences that move
//! the cursor or repaint the screen, carriage returns that overwrite a row, or
//! bidirectional overrides and invisible characters that make a row read differently
//! from what it says. [`clean`] removes all of that, and cuts a value that would fill
//! the screen with a visible marker. The machine formats are not cleaned: they stay
//! exact, escaped by their own rules (JSON, XML).

use std::fmt::Display;

/// The characters of one value a person is shown; longer values are cut with a marker
/// (the machine formats keep them whole).
pub const MAX_SHOWN: usize = 1000;

/// The characters of one whole line on stderr.
const MAX_LINE: usize = 4 * MAX_SHOWN;

/// What stands for a removed character (a visible one, so a removal shows).
const REPLACEMENT: char = '\u{FFFD}';

/// What `c` becomes in human output: `None` when it may stay.
fn replacement(c: char) -> Option<char> {
    match c {
        // Line and tab breaks keep their place as a space: one value, one line.
        '\t' | '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some(' '),
        // C0, DEL and C1 control characters (ESC and CSI among them).
        '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' => Some(REPLACEMENT),
        // Bidirectional marks, embeddings, overrides and isolates.
        '\u{061c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => Some(REPLACEMENT),
        // Invisible characters: soft hyphen, combining grapheme joiner, fillers, zero-width
        // space and joiners, word joiner and invisible operators, deprecated format
        // characters, byte-order mark, interlinear annotations, tags.
        '\u{ad}'
        | '\u{34f}'
        | '\u{115f}'
        | '\u{1160}'
        | '\u{17b4}'
        | '\u{17b5}'
        | '\u{180b}'..='\u{180f}'
        | '\u{200b}'..='\u{200d}'
        | '\u{2060}'..='\u{2064}'
        | '\u{206a}'..='\u{206f}'
        | '\u{3164}'
        | '\u{feff}'
        | '\u{ffa0}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{e0000}'..='\u{e007f}' => Some(REPLACEMENT),
        _ => None,
    }
}

/// Whether `c` may appear in human output as it is.
pub fn allowed(c: char) -> bool {
    replacement(c).is_none()
}

/// `text` made safe to show a person: no control, escape, bidirectional or invisible
/// character, and at most [`MAX_SHOWN`] characters, the cut marked.
pub fn clean(text: &str) -> String {
    clean_to(text, MAX_SHOWN)
}

/// [`clean`] with a bound of `max` characters.
pub fn clean_to(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 4));
    for (shown, (at, c)) in text.char_indices().enumerate() {
        if shown == max {
            out.push_str(&format!("… [cut: {} more bytes]", text.len() - at));
            break;
        }
        out.push(replacement(c).unwrap_or(c));
    }
    out
}

/// Print `message` on stderr as one clean line, after `bulkhead: `.
pub fn warn(message: impl Display) {
    eprintln!("bulkhead: {}", clean_to(&message.to_string(), MAX_LINE));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rstest::rstest]
    #[case::plain("container web keeps NET_RAW", "container web keeps NET_RAW")]
    #[case::escape_sequence("a\u{1b}[2Jb", "a\u{FFFD}[2Jb")]
    #[case::csi_c1("a\u{9b}31mb", "a\u{FFFD}31mb")]
    #[case::carriage_return("ok\rAPPLIED", "ok APPLIED")]
    #[case::newline("one\ntwo", "one two")]
    #[case::bidi_override("file\u{202e}txt.exe", "file\u{FFFD}txt.exe")]
    #[case::isolate("a\u{2066}b\u{2069}", "a\u{FFFD}b\u{FFFD}")]
    #[case::zero_width("we\u{200b}b", "we\u{FFFD}b")]
    #[case::line_separator("a\u{2028}b", "a b")]
    #[case::bom("\u{feff}x", "\u{FFFD}x")]
    #[case::tag("x\u{e0041}", "x\u{FFFD}")]
    #[case::letters_stay("café ∑ 日本", "café ∑ 日本")]
    fn hostile_characters_are_replaced(#[case] text: &str, #[case] want: &str) {
        assert_eq!(clean(text), want);
    }

    #[test]
    fn every_character_in_the_issue_is_removed() {
        let listed = ('\u{202a}'..='\u{202e}')
            .chain('\u{2066}'..='\u{2069}')
            .chain('\u{200b}'..='\u{200f}')
            .chain(['\u{2028}', '\u{2029}', '\u{feff}'])
            .chain('\0'..='\u{1f}')
            .chain('\u{7f}'..='\u{9f}');
        for c in listed {
            assert!(!allowed(c), "{c:?}");
            assert!(clean(&c.to_string()).chars().all(allowed), "{c:?}");
        }
    }

    #[test]
    fn long_values_are_cut_with_a_visible_marker() {
        let long = "é".repeat(MAX_SHOWN + 10);
        let shown = clean(&long);
        assert!(shown.starts_with(&"é".repeat(MAX_SHOWN)));
        assert!(shown.ends_with("… [cut: 20 more bytes]"), "{shown}");
        assert_eq!(clean(&"é".repeat(MAX_SHOWN)), "é".repeat(MAX_SHOWN));
    }
}
