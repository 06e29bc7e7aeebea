//! A result's evidence: a few facts by name, in name order.
//!
//! A report of 2000 containers holds some 60 000 results, most with one to three facts.
//! A `BTreeMap` allocates a whole node for them (~540 bytes); a sorted `Vec` allocates
//! what they take. It serialises as the same JSON object, keys in the same order.

use serde::Serialize;
use serde::ser::SerializeMap;

/// Facts by name, sorted by name, each name once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence(Vec<(String, String)>);

impl Evidence {
    /// The value of fact `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(k, _)| k.as_str().cmp(name))
            .ok()
            .map(|i| self.0[i].1.as_str())
    }

    /// How many facts there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The facts, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

/// Where a name is given twice, the last value counts (as inserting into a map would).
impl FromIterator<(String, String)> for Evidence {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(facts: I) -> Self {
        let mut facts: Vec<(String, String)> = facts.into_iter().collect();
        // Stable: of equal names the later stays later; reversed, dedup keeps it.
        facts.sort_by(|a, b| a.0.cmp(&b.0));
        facts.reverse();
        facts.dedup_by(|later, earlier| later.0 == earlier.0);
        facts.reverse();
        facts.shrink_to_fit();
        Evidence(facts)
    }
}

impl<'a> IntoIterator for &'a Evidence {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a String, &'a String),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(pairs: &[(&str, &str)]) -> Evidence {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn facts_are_sorted_by_name_and_the_last_of_a_name_counts_like_a_map() {
        let pairs = [("mode", "0644"), ("b", "1"), ("mode", "0600"), ("a", "2")];
        let evidence = facts(&pairs);
        let map: std::collections::BTreeMap<&str, &str> = pairs.into_iter().collect();
        let names: Vec<&str> = evidence.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["a", "b", "mode"]);
        assert_eq!(evidence.get("mode"), Some("0600"));
        assert_eq!(evidence.get("nope"), None);
        assert_eq!(evidence.len(), 3);
        // The same JSON as the map it replaces, byte for byte.
        assert_eq!(
            serde_json::to_string(&evidence).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
        assert!(Evidence::default().is_empty());
        assert_eq!(serde_json::to_string(&Evidence::default()).unwrap(), "{}");
    }
}
