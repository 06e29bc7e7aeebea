//! The items of CIS Docker Benchmark v1.6.0, with their profile levels: one table, so every
//! bundled control names its item the same way (`items` in its metadata) and the host can
//! select by level (`--only L1`).
//!
//! Which items are manual follows the benchmark (as docker-bench-security implements it:
//! 90 automated, 27 manual). The levels are the benchmark's profile applicability: Level 2
//! items are the stricter ones that may cost function (auditing of every Docker file,
//! user namespaces, authorization plugins, SELinux, ...).

use crate::{Assessment, BenchmarkItem, CIS_DOCKER};

/// Every item: number, level, and whether the benchmark calls it manual.
pub const ITEMS: [(&str, u8, bool); 117] = [
    ("1.1.1", 1, false),
    ("1.1.2", 1, false),
    ("1.1.3", 1, false),
    ("1.1.4", 1, false),
    ("1.1.5", 1, false),
    ("1.1.6", 1, false),
    ("1.1.7", 2, false),
    ("1.1.8", 2, false),
    ("1.1.9", 2, false),
    ("1.1.10", 2, false),
    ("1.1.11", 2, false),
    ("1.1.12", 2, false),
    ("1.1.13", 2, false),
    ("1.1.14", 2, false),
    ("1.1.15", 2, false),
    ("1.1.16", 2, false),
    ("1.1.17", 2, false),
    ("1.1.18", 2, false),
    ("1.2.1", 1, true),
    ("1.2.2", 1, true),
    ("2.1", 1, true),
    ("2.2", 1, false),
    ("2.3", 1, false),
    ("2.4", 1, false),
    ("2.5", 1, false),
    ("2.6", 1, false),
    ("2.7", 1, false),
    ("2.8", 1, true),
    ("2.9", 2, false),
    ("2.10", 2, false),
    ("2.11", 2, false),
    ("2.12", 2, false),
    ("2.13", 2, false),
    ("2.14", 1, false),
    ("2.15", 1, false),
    ("2.16", 1, false),
    ("2.17", 2, true),
    ("2.18", 1, false),
    ("3.1", 1, false),
    ("3.2", 1, false),
    ("3.3", 1, false),
    ("3.4", 1, false),
    ("3.5", 1, false),
    ("3.6", 1, false),
    ("3.7", 1, false),
    ("3.8", 1, false),
    ("3.9", 1, false),
    ("3.10", 1, false),
    ("3.11", 1, false),
    ("3.12", 1, false),
    ("3.13", 1, false),
    ("3.14", 1, false),
    ("3.15", 1, false),
    ("3.16", 1, false),
    ("3.17", 2, false),
    ("3.18", 2, false),
    ("3.19", 2, false),
    ("3.20", 2, false),
    ("3.21", 2, false),
    ("3.22", 2, false),
    ("3.23", 1, false),
    ("3.24", 1, false),
    ("4.1", 1, false),
    ("4.2", 1, true),
    ("4.3", 1, true),
    ("4.4", 1, true),
    ("4.5", 2, false),
    ("4.6", 1, false),
    ("4.7", 1, true),
    ("4.8", 2, true),
    ("4.9", 1, true),
    ("4.10", 1, true),
    ("4.11", 2, true),
    ("4.12", 1, true),
    ("5.1", 1, false),
    ("5.2", 1, false),
    ("5.3", 2, false),
    ("5.4", 1, false),
    ("5.5", 1, false),
    ("5.6", 1, false),
    ("5.7", 1, false),
    ("5.8", 1, false),
    ("5.9", 1, true),
    ("5.10", 1, false),
    ("5.11", 1, false),
    ("5.12", 1, false),
    ("5.13", 1, false),
    ("5.14", 1, false),
    ("5.15", 1, false),
    ("5.16", 1, false),
    ("5.17", 1, false),
    ("5.18", 1, true),
    ("5.19", 1, true),
    ("5.20", 1, false),
    ("5.21", 1, false),
    ("5.22", 1, false),
    ("5.23", 2, false),
    ("5.24", 2, true),
    ("5.25", 1, false),
    ("5.26", 1, false),
    ("5.27", 1, false),
    ("5.28", 1, true),
    ("5.29", 1, false),
    ("5.30", 2, true),
    ("5.31", 1, false),
    ("5.32", 1, false),
    ("6.1", 1, true),
    ("6.2", 1, true),
    ("7.1", 1, false),
    ("7.2", 1, false),
    ("7.3", 1, false),
    ("7.4", 1, true),
    ("7.5", 1, false),
    ("7.6", 1, true),
    ("7.7", 1, true),
    ("7.8", 1, true),
    ("7.9", 1, true),
];

/// The benchmark item `number` (`"5.4"`) as metadata names it. Words after the number
/// (`"2.8 (manual)"`, as some references carry) are ignored.
///
/// # Panics
/// When `number` is not an item of v1.6.0: a bundled control naming an item that does not
/// exist is a bug its own unit tests catch.
pub fn item(number: &str) -> BenchmarkItem {
    let number = number.split_whitespace().next().unwrap_or_default();
    let (_, level, manual) = ITEMS
        .iter()
        .find(|(n, ..)| *n == number)
        .unwrap_or_else(|| panic!("{number} is not an item of {CIS_DOCKER}"));
    BenchmarkItem {
        benchmark: CIS_DOCKER.to_owned(),
        item: number.to_owned(),
        level: *level,
        assessment: if *manual {
            Assessment::Manual
        } else {
            Assessment::Automated
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_the_whole_benchmark() {
        assert_eq!(ITEMS.len(), 117);
        assert_eq!(ITEMS.iter().filter(|(_, _, manual)| *manual).count(), 27);
        assert!(ITEMS.iter().all(|(_, level, _)| (1..=2).contains(level)));
        let mut numbers: Vec<&str> = ITEMS.iter().map(|(n, ..)| *n).collect();
        numbers.dedup();
        assert_eq!(numbers.len(), 117, "no item twice");
    }

    #[test]
    fn items_carry_level_and_assessment() {
        let raw = item("5.4");
        assert_eq!((raw.item.as_str(), raw.level), ("5.4", 1));
        assert_eq!(raw.assessment, Assessment::Automated);
        assert_eq!(raw.benchmark, CIS_DOCKER);
        assert_eq!(item("2.9").level, 2, "user namespaces are Level 2");
        assert_eq!(item("4.2").assessment, Assessment::Manual);
        assert_eq!(item("2.8 (manual)").item, "2.8");
    }

    #[test]
    #[should_panic(expected = "9.9 is not an item")]
    fn an_unknown_item_is_a_bug() {
        item("9.9");
    }
}
