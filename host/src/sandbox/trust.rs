//! `[trust]` in the configuration: which drop-in controls may run, checked before a
//! drop-in is compiled (its hash) and after its `metadata()` (its id, its reads).

use std::collections::BTreeMap;

use serde::Deserialize;

/// `[trust]`: which drop-in controls may run.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trust {
    /// Refuse drop-ins whose sha256 is not among `pins`.
    #[serde(default)]
    pub require_pinned: bool,
    /// Control id to the sha256 (hex) its component must have.
    #[serde(default)]
    pub pins: BTreeMap<String, String>,
}

impl Trust {
    /// Before compiling: refuse a drop-in whose hash is not pinned, when pins are required.
    pub fn admit_bytes(&self, sha256: &str) -> Result<(), String> {
        if self.require_pinned && !self.pins.values().any(|p| p.eq_ignore_ascii_case(sha256)) {
            return Err(format!(
                "not pinned: [trust] require_pinned is set and sha256 {sha256} is not among \
                 [trust.pins]; review it (`bulkhead plugins inspect FILE`) and pin it by id"
            ));
        }
        Ok(())
    }

    /// After `metadata()`, for a drop-in whose declared reads are broad (the whole root or
    /// all of `/etc`, see [`crate::sandbox::scope::broad_reads`]): with `require_pinned`, it must be
    /// pinned under its own id, not merely share a pinned hash.
    pub fn admit_broad(&self, id: &str, sha256: &str) -> Result<(), String> {
        let pinned = self
            .pins
            .get(id)
            .is_some_and(|pin| pin.eq_ignore_ascii_case(sha256));
        if self.require_pinned && !pinned {
            return Err(format!(
                "{id} declares broad reads (the whole root or all of /etc): with [trust] \
                 require_pinned it must be pinned under its own id ([trust.pins] {id} = \
                 \"{sha256}\") after a review (`bulkhead plugins inspect FILE`)"
            ));
        }
        Ok(())
    }

    /// After `metadata()`: refuse a drop-in claiming a pinned id with another hash.
    pub fn admit_id(&self, id: &str, sha256: &str) -> Result<(), String> {
        match self.pins.get(id) {
            Some(pin) if !pin.eq_ignore_ascii_case(sha256) => Err(format!(
                "sha256 {sha256} does not match the pin for {id} ({pin}): the file changed \
                 since it was pinned"
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIN: &str = "3f9a000000000000000000000000000000000000000000000000000000000001";

    #[test]
    fn unpinned_is_fine_unless_pins_are_required() {
        let trust = Trust::default();
        assert!(trust.admit_bytes(PIN).is_ok());
        let required = Trust {
            require_pinned: true,
            pins: BTreeMap::from([("mine".to_owned(), PIN.to_owned())]),
        };
        assert!(required.admit_bytes(PIN).is_ok());
        assert!(required.admit_bytes(&PIN.to_uppercase()).is_ok());
        let other = PIN.replace('1', "2");
        assert!(
            required
                .admit_bytes(&other)
                .unwrap_err()
                .starts_with("not pinned")
        );
    }

    #[test]
    fn a_pinned_id_must_keep_its_hash_and_broad_reads_need_their_own_pin() {
        let trust = Trust {
            require_pinned: true,
            pins: BTreeMap::from([("mine".to_owned(), PIN.to_owned())]),
        };
        assert!(trust.admit_id("mine", PIN).is_ok());
        assert!(trust.admit_id("unpinned", PIN).is_ok());
        let other = PIN.replace('1', "2");
        assert!(
            trust
                .admit_id("mine", &other)
                .unwrap_err()
                .contains("the file changed")
        );
        assert!(trust.admit_broad("mine", PIN).is_ok());
        assert!(
            trust
                .admit_broad("copycat", PIN)
                .unwrap_err()
                .contains("broad reads")
        );
    }
}
