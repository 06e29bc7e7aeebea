//! Every status the host reports, as enums: compared by the compiler, serialised to the
//! strings the v1 documents (`bulkhead.report/v1`, `bulkhead.fix/v1`,
//! `bulkhead.rollback/v1`) have always carried.

use crate::sandbox::bindings::types::Status;

/// An enum whose variants are spelled as fixed lowercase words on the wire.
macro_rules! spelled {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &[$name] = &[$($name::$variant),+];

            /// The word the documents carry.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            /// The variant a document's word names.
            fn from_str(word: &str) -> Result<$name, String> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == word)
                    .ok_or_else(|| format!("{word:?} is not a {}", stringify!($name)))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

spelled! {
    /// One result's verdict (`results[].status`).
    pub enum Verdict {
        /// The target meets the control.
        Pass = "pass",
        /// It does not.
        Fail = "fail",
        /// It may not; a person should look.
        Warn = "warn",
        /// A fact or a manual item, not a judgement.
        Info = "info",
        /// The control does not apply here.
        Skip = "skip",
        /// The target could not be judged.
        Error = "error",
    }
}

impl From<Status> for Verdict {
    fn from(status: Status) -> Verdict {
        match status {
            Status::Pass => Verdict::Pass,
            Status::Fail => Verdict::Fail,
            Status::Warn => Verdict::Warn,
            Status::Info => Verdict::Info,
            Status::Skip => Verdict::Skip,
            Status::Error => Verdict::Error,
        }
    }
}

impl Verdict {
    /// Whether a waiver may accept it: only findings (`fail`, `warn`) are waived.
    pub fn is_finding(self) -> bool {
        matches!(self, Verdict::Fail | Verdict::Warn)
    }
}

spelled! {
    /// Whether a control's call ran to the end (`controls[].status`).
    pub enum Ran {
        /// It did.
        Ok = "ok",
        /// It ended in a sandbox failure, or could not be loaded.
        Error = "error",
    }
}

spelled! {
    /// One change a control asked for (`fixes[].changes[].status`).
    pub enum ChangeStatus {
        /// Recorded, not made (`fix` without `--apply`).
        Planned = "planned",
        /// Made.
        Applied = "applied",
        /// Already as asked: nothing to do.
        Unchanged = "unchanged",
        /// Not made, on purpose (the target moved on).
        Skipped = "skipped",
        /// Tried, and the machine refused.
        Failed = "failed",
        /// Not the target of the remediate call: nothing was changed.
        Denied = "denied",
    }
}

spelled! {
    /// One control's answer for one target in `fix` (`fixes[].status`).
    pub enum FixStatus {
        /// The remediate call succeeded.
        Ok = "ok",
        /// It failed or was refused.
        Error = "error",
        /// Not asked: a waiver covers the target, or `--fix-timeout` passed.
        Skipped = "skipped",
    }
}

spelled! {
    /// One journaled change in `rollback` (`changes[].status`).
    pub enum UndoStatus {
        /// Put back as it was.
        Restored = "restored",
        /// Never made, or undone before.
        NothingToUndo = "nothing-to-undo",
        /// Left alone: it changed since, and undoing would lose that.
        Skipped = "skipped",
        /// Tried, and the machine refused.
        Failed = "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_serialises_to_the_word_the_v1_documents_carry() {
        let words = |all: &[&str]| serde_json::to_value(all).unwrap();
        assert_eq!(
            serde_json::to_value(Verdict::ALL).unwrap(),
            words(&["pass", "fail", "warn", "info", "skip", "error"])
        );
        assert_eq!(
            serde_json::to_value(Ran::ALL).unwrap(),
            words(&["ok", "error"])
        );
        assert_eq!(
            serde_json::to_value(ChangeStatus::ALL).unwrap(),
            words(&[
                "planned",
                "applied",
                "unchanged",
                "skipped",
                "failed",
                "denied"
            ])
        );
        assert_eq!(
            serde_json::to_value(FixStatus::ALL).unwrap(),
            words(&["ok", "error", "skipped"])
        );
        assert_eq!(
            serde_json::to_value(UndoStatus::ALL).unwrap(),
            words(&["restored", "nothing-to-undo", "skipped", "failed"])
        );
        assert_eq!(Verdict::Warn.to_string(), "warn");
        for v in UndoStatus::ALL {
            assert_eq!(v.as_str().parse::<UndoStatus>(), Ok(*v));
        }
        assert!("passed".parse::<Verdict>().is_err());
    }

    #[test]
    fn a_wit_status_becomes_the_verdict_of_the_same_name() {
        for (wit, verdict) in [
            (Status::Pass, Verdict::Pass),
            (Status::Fail, Verdict::Fail),
            (Status::Warn, Verdict::Warn),
            (Status::Info, Verdict::Info),
            (Status::Skip, Verdict::Skip),
            (Status::Error, Verdict::Error),
        ] {
            assert_eq!(Verdict::from(wit), verdict);
        }
        let findings: Vec<_> = Verdict::ALL.iter().filter(|v| v.is_finding()).collect();
        assert_eq!(findings, [&Verdict::Fail, &Verdict::Warn]);
    }
}
