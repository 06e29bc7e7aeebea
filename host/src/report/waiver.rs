//! Waivers: accepted findings, declared in the configuration with a reason and an end.
//!
//! ```toml
//! [[waivers]]
//! control = "container-net-raw-dropped"   # control id, or a pattern (`*` matches anything)
//! target = "container:legacy-*"           # the same patterns as `fix --target`
//! justification = "vendor image needs raw sockets; ticket OPS-1234"
//! expires = "2027-01-31"                  # the last day it holds, UTC
//! ```
//!
//! A `fail` or `warn` result that an active waiver covers is reported as waived, with
//! its justification, and no longer makes the exit code 1; `fix` leaves its target
//! alone. Once the expiry day has passed the waiver stops waiving: the result keeps its
//! status and says the waiver expired. A waiver that covered nothing is reported as
//! stale, so waivers do not outlive the findings they were written for.

use std::fmt;

use serde::Deserialize;
use serde::de::Error as _;

use crate::report::status::Verdict;
use crate::report::{ResultEntry, WaiverNote};
use crate::util::date::Date;
use crate::util::pattern::glob;

/// The keys of a waiver; all are required.
const KEYS: [&str; 4] = ["control", "target", "justification", "expires"];

/// One `[[waivers]]` entry of the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// Its position among the waivers, from 1, for messages.
    pub index: usize,
    /// Control id pattern.
    pub control: String,
    /// Target pattern (`file:/path`, `container:name`, `host`).
    pub target: String,
    /// Why the finding is accepted.
    pub justification: String,
    /// The last day (UTC) the waiver holds.
    pub expires: Date,
}

impl fmt::Display for Waiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "waiver #{} (control {:?}, target {:?})",
            self.index, self.control, self.target
        )
    }
}

impl Waiver {
    /// Validate one `[[waivers]]` table; `index` counts from 1. The error names the
    /// waiver and says what to change.
    pub fn from_table(index: usize, table: &toml::Table) -> Result<Waiver, String> {
        let name = match table.get("control").and_then(toml::Value::as_str) {
            Some(control) => format!("waiver #{index} (control {control:?})"),
            None => format!("waiver #{index}"),
        };
        let fail = |what: String| format!("{name}: {what}");
        if let Some(key) = table.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(fail(format!(
                "unknown key `{key}`; a waiver has exactly control, target, justification \
                 and expires"
            )));
        }
        let text = |key: &str| -> Result<String, String> {
            match table.get(key) {
                None => Err(fail(format!(
                    "`{key}` is missing; every waiver needs control, target, justification \
                     and expires"
                ))),
                Some(toml::Value::String(s)) if s.trim().is_empty() => Err(fail(format!(
                    "`{key}` is empty; {}",
                    match key {
                        "justification" =>
                            "say why the finding is accepted (who decided, why, a ticket)",
                        "expires" => "give the last day the waiver holds, as YYYY-MM-DD",
                        _ => "give a control id or target, or a pattern with `*`",
                    }
                ))),
                Some(toml::Value::String(s)) => Ok(s.clone()),
                Some(toml::Value::Datetime(dt)) if key == "expires" => Ok(dt.to_string()),
                Some(other) => Err(fail(format!(
                    "`{key}` must be a string, not {} {other}",
                    other.type_str()
                ))),
            }
        };
        let control = text("control")?;
        let target = text("target")?;
        let justification = text("justification")?.trim().to_owned();
        let expires = Date::parse(&text("expires")?).map_err(|e| {
            fail(format!(
                "`expires`: {e}; give the last day the waiver holds (UTC), e.g. \"2027-01-31\""
            ))
        })?;
        Ok(Waiver {
            index,
            control,
            target,
            justification,
            expires,
        })
    }

    /// Whether this waiver is about `control` on `target`.
    pub fn covers(&self, control: &str, target: &str) -> bool {
        glob(&self.control, control) && glob(&self.target, target)
    }

    /// Whether it still holds on `today`: through the whole of its expiry day.
    pub fn is_active(&self, today: Date) -> bool {
        today <= self.expires
    }

    fn note(&self, today: Date) -> WaiverNote {
        WaiverNote {
            justification: self.justification.clone(),
            expires: self.expires.to_string(),
            active: self.is_active(today),
        }
    }
}

/// `deserialize_with` for the configuration's `waivers`: each table validated by
/// [`Waiver::from_table`].
pub fn deserialize_all<'de, D>(deserializer: D) -> Result<Vec<Waiver>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let tables = Vec::<toml::Table>::deserialize(deserializer)?;
    tables
        .iter()
        .enumerate()
        .map(|(i, table)| Waiver::from_table(i + 1, table).map_err(D::Error::custom))
        .collect()
}

/// Applies waivers to the results of one run, and remembers what to tell the user:
/// expired waivers that matched, and waivers that matched nothing.
pub struct Ledger<'a> {
    waivers: &'a [Waiver],
    today: Date,
    /// Where the waivers come from (the configuration file), for messages.
    origin: String,
    /// Per waiver: whether it matched a `fail` or `warn` result.
    matched: Vec<bool>,
    notices: Vec<String>,
}

impl<'a> Ledger<'a> {
    /// A ledger for `waivers` from the file `origin`, judged on `today`.
    pub fn new(waivers: &'a [Waiver], origin: String, today: Date) -> Self {
        Ledger {
            waivers,
            today,
            origin,
            matched: vec![false; waivers.len()],
            notices: Vec::new(),
        }
    }

    /// The waiver note for one result: `None` unless it is a `fail` or `warn` that a
    /// waiver covers. An active waiver wins over an expired one; among equals, the
    /// first in the file.
    pub fn judge(&mut self, control: &str, target: &str, status: Verdict) -> Option<WaiverNote> {
        if !status.is_finding() {
            return None;
        }
        let mut active: Option<&Waiver> = None;
        let mut expired: Option<&Waiver> = None;
        for (waiver, matched) in self.waivers.iter().zip(&mut self.matched) {
            if !waiver.covers(control, target) {
                continue;
            }
            *matched = true;
            let slot = if waiver.is_active(self.today) {
                &mut active
            } else {
                &mut expired
            };
            slot.get_or_insert(waiver);
        }
        if let Some(waiver) = active {
            return Some(waiver.note(self.today));
        }
        let waiver = expired?;
        self.notices.push(format!(
            "waiver for {control} on {target} expired on {}; it no longer applies \
             (renew or remove waiver #{} in {})",
            waiver.expires, waiver.index, self.origin
        ));
        Some(waiver.note(self.today))
    }

    /// Judge every result of a report, setting its `waiver`.
    pub fn mark(&mut self, results: &mut [ResultEntry]) {
        for r in results {
            r.waiver = self.judge(&r.control, &r.target, r.status).map(Box::new);
        }
    }

    /// What to tell the user, once every result is judged: expired waivers that
    /// matched, then waivers that matched nothing. A waiver is only called stale when
    /// a control it names ran to the end (`ran`); one that names no control at all
    /// (`known`: every control id found) is called out as such.
    pub fn finish(self, known: &[&str], ran: &[&str]) -> Vec<String> {
        let mut notices = self.notices;
        for (waiver, matched) in self.waivers.iter().zip(self.matched) {
            if matched {
                continue;
            }
            if !known.iter().any(|id| glob(&waiver.control, id)) {
                notices.push(format!(
                    "{waiver} in {} names no known control; it waives nothing (see \
                     `bulkhead controls` for the ids)",
                    self.origin
                ));
            } else if ran.iter().any(|id| glob(&waiver.control, id)) {
                notices.push(format!(
                    "stale {waiver} in {}: it matched no fail or warn result; remove it if \
                     the finding is fixed",
                    self.origin
                ));
            }
        }
        notices
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waiver(index: usize, control: &str, target: &str, expires: &str) -> Waiver {
        Waiver {
            index,
            control: control.to_owned(),
            target: target.to_owned(),
            justification: format!("reason {index}"),
            expires: Date::parse(expires).unwrap(),
        }
    }

    fn today() -> Date {
        Date::parse("2026-06-15").unwrap()
    }

    fn table(text: &str) -> toml::Table {
        text.parse().unwrap()
    }

    #[test]
    fn a_complete_table_is_a_waiver() {
        let w = Waiver::from_table(
            3,
            &table(
                "control = \"c\"\ntarget = \"container:legacy-*\"\n\
                 justification = \" needs raw sockets \"\nexpires = \"2027-01-31\"",
            ),
        )
        .unwrap();
        assert_eq!(w, {
            let mut w = waiver(3, "c", "container:legacy-*", "2027-01-31");
            w.justification = "needs raw sockets".to_owned();
            w
        });
    }

    #[test]
    fn a_toml_date_is_accepted_too() {
        let w = Waiver::from_table(
            1,
            &table(
                "control = \"c\"\ntarget = \"host\"\njustification = \"j\"\nexpires = 2027-01-31",
            ),
        )
        .unwrap();
        assert_eq!(w.expires.to_string(), "2027-01-31");
    }

    #[rstest::rstest]
    #[case::missing_target(
        "control = \"c\"\njustification = \"j\"\nexpires = \"2027-01-31\"",
        "`target` is missing"
    )]
    #[case::empty_justification(
        "control = \"c\"\ntarget = \"host\"\njustification = \"  \"\nexpires = \"2027-01-31\"",
        "`justification` is empty"
    )]
    #[case::bad_date(
        "control = \"c\"\ntarget = \"host\"\njustification = \"j\"\nexpires = \"2027-02-30\"",
        "not a day of the calendar"
    )]
    #[case::date_and_time(
        "control = \"c\"\ntarget = \"host\"\njustification = \"j\"\nexpires = 2027-01-31T10:00:00Z",
        "YYYY-MM-DD"
    )]
    #[case::unknown_key(
        "control = \"c\"\ntarget = \"host\"\njustification = \"j\"\nexpires = \"2027-01-31\"\nowner = \"me\"",
        "unknown key `owner`"
    )]
    #[case::not_a_string(
        "control = \"c\"\ntarget = 7\njustification = \"j\"\nexpires = \"2027-01-31\"",
        "`target` must be a string"
    )]
    #[case::empty_control(
        "control = \"\"\ntarget = \"host\"\njustification = \"j\"\nexpires = \"2027-01-31\"",
        "`control` is empty"
    )]
    fn bad_tables_are_refused_by_name(#[case] text: &str, #[case] why: &str) {
        let err = Waiver::from_table(2, &table(text)).unwrap_err();
        assert!(err.starts_with("waiver #2"), "{err}");
        assert!(err.contains(why), "{err}");
    }

    #[test]
    fn the_error_names_the_control_when_there_is_one() {
        let err =
            Waiver::from_table(4, &table("control = \"net\"\ntarget = \"host\"")).unwrap_err();
        assert!(err.starts_with("waiver #4 (control \"net\")"), "{err}");
    }

    #[rstest::rstest]
    #[case::before("2026-06-14", false)]
    #[case::on_the_day("2026-06-15", true)]
    #[case::after("2026-06-16", true)]
    fn a_waiver_holds_through_its_expiry_day(#[case] expires: &str, #[case] active: bool) {
        assert_eq!(waiver(1, "c", "*", expires).is_active(today()), active);
    }

    #[rstest::rstest]
    #[case::fail("fail", true)]
    #[case::warn("warn", true)]
    #[case::pass("pass", false)]
    #[case::info("info", false)]
    #[case::skip("skip", false)]
    #[case::error("error", false)]
    fn only_fail_and_warn_are_waived(#[case] status: &str, #[case] waived: bool) {
        let waivers = [waiver(1, "c", "host", "2099-01-01")];
        let mut ledger = Ledger::new(&waivers, "cfg".into(), today());
        assert_eq!(
            ledger.judge("c", "host", status.parse().unwrap()).is_some(),
            waived
        );
    }

    #[test]
    fn patterns_select_control_and_target() {
        let waivers = [waiver(1, "container-*", "container:legacy-*", "2099-01-01")];
        let mut ledger = Ledger::new(&waivers, "cfg".into(), today());
        let hit = ledger.judge(
            "container-net-raw-dropped",
            "container:legacy-app",
            Verdict::Fail,
        );
        assert_eq!(
            hit,
            Some(WaiverNote {
                justification: "reason 1".into(),
                expires: "2099-01-01".into(),
                active: true
            })
        );
        assert_eq!(
            ledger.judge("container-net-raw-dropped", "container:web", Verdict::Fail),
            None
        );
        assert_eq!(
            ledger.judge(
                "docker-tls-key-permissions",
                "container:legacy-app",
                Verdict::Fail
            ),
            None
        );
    }

    #[test]
    fn an_active_waiver_wins_over_an_expired_one() {
        let waivers = [
            waiver(1, "c", "*", "2020-01-01"),
            waiver(2, "c", "host", "2099-01-01"),
        ];
        let mut ledger = Ledger::new(&waivers, "cfg".into(), today());
        let note = ledger.judge("c", "host", Verdict::Fail).unwrap();
        assert!(note.active);
        assert_eq!(note.justification, "reason 2");
        assert!(
            ledger.finish(&["c"], &["c"]).is_empty(),
            "both matched; none expired in use"
        );
    }

    #[test]
    fn an_expired_waiver_is_shown_inactive_and_said() {
        let waivers = [waiver(1, "c", "file:*", "2026-06-14")];
        let mut ledger = Ledger::new(&waivers, "/etc/b.toml".into(), today());
        let note = ledger.judge("c", "file:/k.pem", Verdict::Fail).unwrap();
        assert!(!note.active);
        let notices = ledger.finish(&["c"], &["c"]);
        assert_eq!(
            notices,
            [
                "waiver for c on file:/k.pem expired on 2026-06-14; it no longer applies \
              (renew or remove waiver #1 in /etc/b.toml)"
            ]
        );
    }

    #[test]
    fn waivers_that_matched_nothing_are_reported_when_their_control_ran() {
        let waivers = [
            waiver(1, "c", "container:gone", "2099-01-01"),
            waiver(2, "d", "host", "2099-01-01"),
            waiver(3, "typo", "host", "2099-01-01"),
            waiver(4, "c", "host", "2099-01-01"),
        ];
        let mut ledger = Ledger::new(&waivers, "cfg".into(), today());
        // A pass does not use a waiver; the fail on host uses #4.
        ledger.judge("c", "container:gone", Verdict::Pass);
        ledger.judge("c", "host", Verdict::Fail);
        let notices = ledger.finish(&["c", "d"], &["c"]);
        assert_eq!(notices.len(), 2, "{notices:?}");
        assert!(notices[0].starts_with("stale waiver #1"), "{notices:?}");
        assert!(notices[1].starts_with("waiver #3") && notices[1].contains("no known control"));
    }
}
