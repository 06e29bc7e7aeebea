//! Bounded text for messages and evidence: the host refuses a finding whose message or
//! evidence value is over 8 KiB, so whatever a control quotes from the machine (command
//! lines, image lists, process tables) goes through these first.

/// `text` cut to at most `max` bytes on a character boundary, `...` marking a cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// The first `max` of `items` joined with `separator`, then `and N more` for the rest.
pub fn listed(items: &[String], max: usize, separator: &str) -> String {
    let mut text = items
        .iter()
        .take(max)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(separator);
    if items.len() > max {
        text.push_str(&format!("{separator}and {} more", items.len() - max));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_on_character_boundaries() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("abcdef", 3), "abc...");
        // `é` is two bytes: a cut inside it moves back to before it.
        assert_eq!(cut("aé", 2), "a...");
    }

    #[test]
    fn lists_say_how_many_were_left_out() {
        let items: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(listed(&items, 5, ", "), "a, b, c");
        assert_eq!(listed(&items, 2, ", "), "a, b, and 1 more");
        assert_eq!(listed(&items, 1, "; "), "a; and 2 more");
        assert_eq!(listed(&[], 3, ", "), "");
    }
}
