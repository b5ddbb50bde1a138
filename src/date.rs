//! Calendar dates as day numbers.
//!
//! A date is the number of days since 1970-01-01 in the proleptic Gregorian
//! calendar, with no time and no time zone. The checklist runtime in the
//! browser uses the very same representation and the very same civil-calendar
//! conversion (Howard Hinnant's `days_from_civil` / `civil_from_days`), so the
//! Rust and JS evaluators cannot disagree about month lengths or leap years.
//! Front-matter dates (`ms.date: 07/22/2021`) use this type too.

use std::fmt;

/// The years a [`Date`] may have. Four-digit years keep the text forms
/// (`YYYY-MM-DD`) unambiguous and the day numbers far inside ±2^53.
pub const MIN_YEAR: i64 = 1;
pub const MAX_YEAR: i64 = 9999;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

/// Days in `month` (1–12) of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap_year(year) => 29,
        _ => 28,
    }
}

pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

impl Date {
    /// The date for a year, month and day, or `None` when it does not exist
    /// (February 30th) or the year is outside [`MIN_YEAR`]..=[`MAX_YEAR`].
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Date> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day < 1 || day > days_in_month(year, month) {
            return None;
        }
        // days_from_civil, Howard Hinnant.
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(month);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// The date with this day number, if its year is in range.
    pub fn from_days(days: i64) -> Option<Date> {
        let d = Date(days);
        let (y, _, _) = d.ymd();
        (MIN_YEAR..=MAX_YEAR).contains(&y).then_some(d)
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        self.0
    }

    /// (year, month, day). civil_from_days, Howard Hinnant.
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d)
    }

    /// `YYYY-MM-DD`, exactly: four-digit year, two-digit month and day.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        Date::from_ymd(
            digits(&b[0..4])?,
            digits(&b[5..7])? as u32,
            digits(&b[8..10])? as u32,
        )
    }

    /// DocFX's `MM/DD/YYYY` (`ms.date: 07/22/2021`); one-digit months and days
    /// are accepted, as writers type them.
    pub fn parse_us(s: &str) -> Option<Date> {
        let mut parts = s.trim().split('/');
        let (m, d, y) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some()
            || !(1..=2).contains(&m.len())
            || !(1..=2).contains(&d.len())
            || y.len() != 4
        {
            return None;
        }
        Date::from_ymd(
            digits(y.as_bytes())?,
            digits(m.as_bytes())? as u32,
            digits(d.as_bytes())? as u32,
        )
    }

    /// `d + n` days, or `None` outside the supported years.
    pub fn add_days(self, n: i64) -> Option<Date> {
        Date::from_days(self.0.checked_add(n)?)
    }

    /// The same day `n` months later (or earlier), clamped to the last day of
    /// the target month: 31 January + 1 month is 28 or 29 February.
    pub fn add_months(self, n: i64) -> Option<Date> {
        let (y, m, d) = self.ymd();
        let total = y
            .checked_mul(12)?
            .checked_add(i64::from(m) - 1)?
            .checked_add(n)?;
        let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
        if !(MIN_YEAR..=MAX_YEAR).contains(&ny) {
            return None;
        }
        Date::from_ymd(ny, nm, d.min(days_in_month(ny, nm)))
    }

    /// Monday 0 … Sunday 6 (day 0, 1 January 1970, was a Thursday).
    pub fn weekday(self) -> i64 {
        (self.0 + 3).rem_euclid(7)
    }

    /// `n` working days (Monday to Friday) later, or earlier for a negative
    /// `n`; `n = 0` is the date itself. From a Saturday or Sunday, one
    /// working day later is the Monday and one earlier the Friday. `None`
    /// outside the supported years. Mirrored by `R.addWorkdays`.
    pub fn add_workdays(self, n: i64) -> Option<Date> {
        // n working days span at least n days: beyond the years' range.
        if !(-4_000_000..=4_000_000).contains(&n) {
            return None;
        }
        if n == 0 {
            return Some(self);
        }
        let wd = self.weekday();
        let (weeks, rem) = (n.abs() / 5, n.abs() % 5);
        let days = if n >= 0 {
            // From a weekend day, count from the Friday before.
            let start = if wd >= 5 { self.0 - (wd - 4) } else { self.0 };
            let w = if wd >= 5 { 4 } else { wd };
            start + weeks * 7 + rem + if w + rem >= 5 { 2 } else { 0 }
        } else {
            // From a weekend day, count from the Monday after.
            let start = if wd >= 5 { self.0 + (7 - wd) } else { self.0 };
            let w = if wd >= 5 { 0 } else { wd };
            start - weeks * 7 - rem - if w - rem < 0 { 2 } else { 0 }
        };
        Date::from_days(days)
    }

    /// The number of working days (Monday to Friday) on or before this
    /// date, counted from a fixed Monday: `b.workday_index() -
    /// a.workday_index()` is the number of working days after `a` up to and
    /// including `b` (negative when `b` comes first).
    pub fn workday_index(self) -> i64 {
        let y = self.0 + 3;
        y.div_euclid(7) * 5 + (y.rem_euclid(7) + 1).min(5)
    }

    /// The last day of this date's month.
    pub fn end_of_month(self) -> Date {
        let (y, m, _) = self.ymd();
        Date::from_ymd(y, m, days_in_month(y, m)).unwrap_or(self)
    }
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() {
        return None;
    }
    b.iter().try_fold(0i64, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

impl fmt::Display for Date {
    /// ISO 8601: `2021-07-22`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn workdays_by_example() {
        // 2021-03-05 is a Friday.
        assert_eq!(iso("2021-03-05").weekday(), 4);
        assert_eq!(iso("2021-03-05").add_workdays(1), Some(iso("2021-03-08")));
        assert_eq!(iso("2021-03-06").add_workdays(1), Some(iso("2021-03-08")));
        assert_eq!(iso("2021-03-07").add_workdays(-1), Some(iso("2021-03-05")));
        assert_eq!(iso("2021-03-08").add_workdays(-1), Some(iso("2021-03-05")));
        assert_eq!(iso("2021-03-06").add_workdays(0), Some(iso("2021-03-06")));
        assert_eq!(iso("2021-03-01").add_workdays(45), Some(iso("2021-05-03")));
        assert_eq!(iso("9999-12-31").add_workdays(1), None);
        assert_eq!(iso("2021-03-01").add_workdays(9_007_199_254_740_991), None);
        let between = |a: &str, b: &str| iso(b).workday_index() - iso(a).workday_index();
        assert_eq!(between("2021-03-05", "2021-03-08"), 1);
        assert_eq!(between("2021-03-08", "2021-03-05"), -1);
        assert_eq!(between("2021-03-06", "2021-03-07"), 0);
        assert_eq!(between("2021-03-01", "2021-05-03"), 45);
    }

    /// Against the definition, one day at a time.
    #[test]
    fn workdays_agree_with_counting_day_by_day() {
        let base = iso("2024-02-26").days();
        for start in base - 10..base + 10 {
            let d = Date(start);
            for n in -30i64..=30 {
                let (mut cur, mut left) = (start, n.abs());
                while left > 0 {
                    cur += n.signum();
                    if Date(cur).weekday() < 5 {
                        left -= 1;
                    }
                }
                assert_eq!(d.add_workdays(n), Some(Date(cur)), "{start} + {n}");
                let counted = (start.min(cur) + 1..=start.max(cur))
                    .filter(|&x| Date(x).weekday() < 5)
                    .count() as i64;
                assert_eq!(
                    Date(cur).workday_index() - d.workday_index(),
                    if cur >= start { counted } else { -counted },
                    "between {start} and {cur}"
                );
            }
        }
    }

    #[test]
    fn epoch_and_round_trip() {
        assert_eq!(Date::from_ymd(1970, 1, 1).unwrap().days(), 0);
        assert_eq!(Date::from_ymd(2000, 3, 1).unwrap().days(), 11_017);
        for days in [-719_162, -1, 0, 59, 11_016, 19_782, 2_932_896] {
            let d = Date::from_days(days).unwrap();
            let (y, m, dd) = d.ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Some(d));
        }
        assert_eq!(Date::from_days(-719_163), None, "year 0 is out of range");
        assert_eq!(
            Date::from_days(2_932_897),
            None,
            "year 10000 is out of range"
        );
    }

    #[test]
    fn parses_iso_and_docfx_dates() {
        assert_eq!(
            Date::parse_iso("2024-02-29")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(Date::parse_iso("2023-02-29"), None);
        assert_eq!(Date::parse_iso("2023-2-28"), None);
        assert_eq!(Date::parse_iso("+023-02-28"), None);
        assert_eq!(Date::parse_us("07/22/2021"), Date::from_ymd(2021, 7, 22));
        assert_eq!(Date::parse_us("7/2/2021"), Date::from_ymd(2021, 7, 2));
        assert_eq!(Date::parse_us("22/07/2021"), None);
    }

    #[test]
    fn month_arithmetic_clamps() {
        let d = |s| Date::parse_iso(s).unwrap();
        assert_eq!(d("2021-01-31").add_months(1), Some(d("2021-02-28")));
        assert_eq!(d("2024-01-31").add_months(1), Some(d("2024-02-29")));
        assert_eq!(d("2024-02-29").add_months(12), Some(d("2025-02-28")));
        assert_eq!(d("2021-12-15").add_months(1), Some(d("2022-01-15")));
        assert_eq!(d("2021-03-31").add_months(-1), Some(d("2021-02-28")));
        assert_eq!(d("2021-02-15").end_of_month(), d("2021-02-28"));
        assert_eq!(d("9999-12-01").add_months(1), None);
    }
}
