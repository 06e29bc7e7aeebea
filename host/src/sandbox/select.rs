//! Which controls run: `--only` and `--skip`, by id, CIS item number, CIS section or level.
//!
//! A pattern is a control id (`docker-sock-mode`), a CIS Docker Benchmark item (`5.4`,
//! matched against the items a control's metadata names, or for a 0.1.0 control its
//! `CIS Docker Benchmark v1.6.0 5.4` reference), a section (`3`, `3.*`, `1.1`, `1.1.*`:
//! every item under it), or a profile level (`L1`, `L2`: the items of exactly that level;
//! CIS's Level 2 profile is both, so `--skip L2` leaves the Level 1 profile). `--only` keeps the controls
//! any pattern matches (all when empty); `--skip` then drops those any pattern matches.
//! A pattern that matches no control is an error, so a typo never silently widens or
//! narrows a run.

use std::sync::Arc;

use crate::sandbox::catalog::{Control, Metadata};

/// How bundled controls name the benchmark in `references`.
pub const CIS_PREFIX: &str = "CIS Docker Benchmark v1.6.0 ";

/// The CIS item numbers a control implements (`["3.14"]`): the items of its metadata,
/// and those its references name.
pub fn cis_items(meta: &Metadata) -> Vec<&str> {
    let benchmark = CIS_PREFIX.trim_end();
    let mut items: Vec<&str> = meta
        .items
        .iter()
        .filter(|i| i.benchmark == benchmark)
        .map(|i| i.item.as_str())
        .collect();
    let referenced = meta
        .references
        .iter()
        .filter_map(|r| r.strip_prefix(CIS_PREFIX))
        .map(|item| item.split_whitespace().next().unwrap_or(item));
    for item in referenced {
        if !items.contains(&item) {
            items.push(item);
        }
    }
    items
}

/// The level a pattern like `L1` or `l2` names.
fn level(pattern: &str) -> Option<u8> {
    let digits = pattern
        .strip_prefix('L')
        .or_else(|| pattern.strip_prefix('l'))?;
    match digits {
        "1" => Some(1),
        "2" => Some(2),
        _ => None,
    }
}

/// Whether `pattern` names this control.
pub fn matches(pattern: &str, meta: &Metadata) -> bool {
    if pattern == meta.id {
        return true;
    }
    if let Some(level) = level(pattern) {
        return meta.items.iter().any(|i| i.level == level);
    }
    let section = pattern.strip_suffix(".*").unwrap_or(pattern);
    if section.is_empty() || !section.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return false;
    }
    cis_items(meta).iter().any(|item| {
        *item == section
            || item
                .strip_prefix(section)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The controls to run, in catalog order.
/// `only_from` names where `only` came from in messages (`--only`, or the configuration).
pub fn select(
    controls: &[Arc<Control>],
    only: &[String],
    only_from: &str,
    skip: &[String],
) -> Result<Vec<Arc<Control>>, String> {
    for (flag, patterns) in [(only_from, only), ("--skip", skip)] {
        let unknown: Vec<&str> = patterns
            .iter()
            .filter(|p| !controls.iter().any(|c| matches(p, &c.meta)))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            let known: Vec<&str> = controls.iter().map(|c| c.meta.id.as_str()).collect();
            return Err(format!(
                "{flag} {} matches no control: give ids, CIS items like 5.4, sections like \
                 3 or 1.1.*, or levels L1 and L2; known ids: {} (see `bulkhead controls`)",
                unknown.join(", "),
                known.join(", ")
            ));
        }
    }
    Ok(controls
        .iter()
        .filter(|c| only.is_empty() || only.iter().any(|p| matches(p, &c.meta)))
        .filter(|c| !skip.iter().any(|p| matches(p, &c.meta)))
        .cloned()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(id: &str, items: &[&str]) -> Metadata {
        Metadata {
            id: id.to_owned(),
            title: "t".to_owned(),
            version: "1".to_owned(),
            description: String::new(),
            rationale: String::new(),
            remediation: String::new(),
            severity: "high",
            references: items.iter().map(|i| format!("{CIS_PREFIX}{i}")).collect(),
            items: Vec::new(),
            reads: Vec::new(),
        }
    }

    #[rstest::rstest]
    #[case::id("docker-sock-mode", "3.16", true)]
    #[case::item("3.16", "3.16", true)]
    #[case::not_a_prefix_of_digits("3.1", "3.16", false)]
    #[case::item_exact("3.1", "3.1", true)]
    #[case::section("3", "3.16", true)]
    #[case::section_star("3.*", "3.16", true)]
    #[case::other_section("5", "3.16", false)]
    #[case::subsection("1.1", "1.1.12", true)]
    #[case::subsection_star("1.1.*", "1.1.12", true)]
    #[case::deeper_than_item("3.16.1", "3.16", false)]
    #[case::garbage("3.x", "3.16", false)]
    #[case::empty_star(".*", "3.16", false)]
    fn patterns(#[case] pattern: &str, #[case] item: &str, #[case] want: bool) {
        assert_eq!(matches(pattern, &meta("docker-sock-mode", &[item])), want);
    }

    fn leveled(id: &str, item: &str, level: u8) -> Metadata {
        let mut m = meta(id, &[]);
        m.items = vec![crate::sandbox::catalog::Item {
            benchmark: CIS_PREFIX.trim_end().to_owned(),
            item: item.to_owned(),
            level,
            assessment: "automated",
        }];
        m
    }

    #[rstest::rstest]
    #[case::level_one("L1", 1, true)]
    #[case::lowercase("l1", 1, true)]
    #[case::other_level("L2", 1, false)]
    #[case::level_two("L2", 2, true)]
    #[case::no_such_level("L3", 2, false)]
    #[case::not_a_level("Level1", 1, false)]
    fn levels(#[case] pattern: &str, #[case] level: u8, #[case] want: bool) {
        assert_eq!(matches(pattern, &leveled("x", "5.4", level)), want);
    }

    #[test]
    fn items_of_the_metadata_select_like_references() {
        let m = leveled("container-caps", "5.4", 1);
        assert_eq!(cis_items(&m), ["5.4"]);
        assert!(matches("5", &m) && matches("5.4", &m) && !matches("5.40", &m));
        assert!(
            !matches("L1", &meta("v1-control", &["5.4"])),
            "a 0.1.0 control has no level"
        );
    }

    #[test]
    fn a_reference_with_more_words_still_names_its_item() {
        let mut m = meta("x", &[]);
        m.references = vec![format!("{CIS_PREFIX}5.4 (NET_RAW)")];
        assert_eq!(cis_items(&m), ["5.4"]);
        assert!(matches("5", &m));
    }
}
