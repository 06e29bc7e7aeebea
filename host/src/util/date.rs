//! Calendar dates (proleptic Gregorian, UTC) for waiver expiry: parse `YYYY-MM-DD`,
//! compare, and tell today's date from the system clock, without a date library.
//!
//! The conversion between a day count and a civil date is the usual era arithmetic
//! (400-year eras of 146 097 days, years starting in March so the leap day comes last).

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A day in the calendar. Orders chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, if it exists (`2023-02-29` does not).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day))
            .then_some(Date { year, month, day })
    }

    /// Parse `YYYY-MM-DD` exactly: four-digit year, two-digit month and day.
    pub fn parse(text: &str) -> Result<Date, String> {
        let bytes = text.as_bytes();
        let shaped = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shaped {
            return Err(format!("{text:?} is not a date in the form YYYY-MM-DD"));
        }
        // Digits only, checked above: these parses cannot fail.
        let year = text[0..4].parse().unwrap_or_default();
        let month = text[5..7].parse().unwrap_or_default();
        let day = text[8..10].parse().unwrap_or_default();
        Date::new(year, month, day).ok_or_else(|| format!("{text:?} is not a day of the calendar"))
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let year_of_era = y.rem_euclid(400);
        let day_of_year = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The date `days` after 1970-01-01 (before it when negative).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date {
            // In range for any clock this program will meet; saturate rather than wrap.
            year: i32::try_from(year).unwrap_or(if year < 0 { i32::MIN } else { i32::MAX }),
            month: month as u8,
            day: day as u8,
        }
    }

    /// The UTC date `secs` seconds after the Unix epoch.
    pub fn from_unix_secs(secs: i64) -> Date {
        Date::from_days_since_epoch(secs.div_euclid(86_400))
    }

    /// Today, in UTC, by the system clock.
    pub fn today_utc() -> Date {
        let secs = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX) - 1,
        };
        Date::from_unix_secs(secs)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rstest::rstest]
    #[case::epoch("1970-01-01", 0)]
    #[case::day_before_epoch("1969-12-31", -1)]
    #[case::y2k_leap_day("2000-02-29", 11_016)]
    #[case::after_y2k_leap_day("2000-03-01", 11_017)]
    #[case::leap_day_2024("2024-02-29", 19_782)]
    #[case::end_of_2026("2026-12-31", 20_818)]
    #[case::year_9999("9999-12-31", 2_932_896)]
    #[case::year_1("0001-01-01", -719_162)]
    fn known_days(#[case] text: &str, #[case] days: i64) {
        let date = Date::parse(text).unwrap();
        assert_eq!(date.days_since_epoch(), days);
        assert_eq!(Date::from_days_since_epoch(days), date);
        assert_eq!(date.to_string(), text);
    }

    #[test]
    fn every_day_of_four_centuries_round_trips_in_order() {
        let start = Date::parse("1900-01-01").unwrap().days_since_epoch();
        let mut previous = Date::from_days_since_epoch(start - 1);
        for days in start..start + 146_097 {
            let date = Date::from_days_since_epoch(days);
            assert_eq!(date.days_since_epoch(), days, "{date}");
            assert!(date > previous, "{date} after {previous}");
            assert_eq!(Date::new(date.year, date.month, date.day), Some(date));
            previous = date;
        }
    }

    #[rstest::rstest]
    #[case::not_a_leap_year("2023-02-29")]
    #[case::century_not_leap("1900-02-29")]
    #[case::month_13("2027-13-01")]
    #[case::day_0("2027-01-00")]
    #[case::april_31("2027-04-31")]
    #[case::no_padding("2027-1-31")]
    #[case::slashes("2027/01/31")]
    #[case::with_time("2027-01-31T00:00:00Z")]
    #[case::sign("+027-01-31")]
    #[case::empty("")]
    #[case::words("tomorrow")]
    fn bad_dates_are_refused(#[case] text: &str) {
        assert!(Date::parse(text).is_err(), "{text}");
    }

    #[test]
    fn leap_days_that_exist_parse() {
        assert!(Date::parse("2000-02-29").is_ok());
        assert!(Date::parse("2028-02-29").is_ok());
    }

    #[rstest::rstest]
    #[case::epoch(0, "1970-01-01")]
    #[case::last_second_of_a_day(86_399, "1970-01-01")]
    #[case::next_day(86_400, "1970-01-02")]
    #[case::one_second_before(-1, "1969-12-31")]
    #[case::a_known_instant(1_798_675_200, "2026-12-31")]
    fn unix_seconds_to_utc_dates(#[case] secs: i64, #[case] text: &str) {
        assert_eq!(Date::from_unix_secs(secs).to_string(), text);
    }

    #[test]
    fn today_is_the_clock_read_as_utc() {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let before = Date::from_unix_secs(i64::try_from(secs).unwrap());
        let today = Date::today_utc();
        let after = Date::from_unix_secs(i64::try_from(secs).unwrap() + 5);
        assert!(
            before <= today && today <= after,
            "{before} {today} {after}"
        );
        assert!(today >= Date::parse("2025-01-01").unwrap(), "{today}");
    }
}
