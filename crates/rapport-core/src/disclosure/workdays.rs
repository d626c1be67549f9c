//! Business days: Monday to Friday. Public holidays differ by country and
//! by client, and Rapport keeps no calendar of them, so a deadline that
//! falls on one is a day early rather than late — the safe side for news
//! that must be told in time.

use chrono::{Datelike, NaiveDate, Weekday};

/// Whether `date` is a business day.
pub fn is_business_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The business day `days` business days after `date`. Zero days is the
/// same day when that is a business day, else the next business day: news
/// found on a Saturday with a same-day deadline is due on Monday.
pub fn add_business_days(date: NaiveDate, days: u32) -> NaiveDate {
    let mut day = date;
    while !is_business_day(day) {
        day = day.succ_opt().unwrap_or(day);
    }
    for _ in 0..days {
        day = day.succ_opt().unwrap_or(day);
        while !is_business_day(day) {
            day = day.succ_opt().unwrap_or(day);
        }
    }
    day
}

/// Business days from `from` to `to`: those after `from` up to and
/// including `to` (so Friday to the next Monday is 1), negative when `to`
/// is earlier. Counted by whole weeks, then the rest day by day.
pub fn business_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    if to < from {
        return -business_days_between(to, from);
    }
    let span = (to - from).num_days();
    let (weeks, rest) = (span / 7, span % 7);
    let mut count = weeks * 5;
    let mut day = from + chrono::Duration::days(weeks * 7);
    for _ in 0..rest {
        day = day.succ_opt().unwrap_or(day);
        if is_business_day(day) {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    // 2026-11-27 is a Friday (ISO 8601 calendar).
    #[test]
    fn two_business_days_from_a_friday_is_the_tuesday() {
        assert_eq!(add_business_days(d("2026-11-27"), 2), d("2026-12-01"));
        assert_eq!(add_business_days(d("2026-11-25"), 2), d("2026-11-27"));
    }

    #[test]
    fn a_same_day_deadline_found_at_the_weekend_is_the_monday() {
        assert_eq!(add_business_days(d("2026-11-28"), 0), d("2026-11-30"));
        assert_eq!(add_business_days(d("2026-11-29"), 0), d("2026-11-30"));
        assert_eq!(add_business_days(d("2026-11-27"), 0), d("2026-11-27"));
        // Two days from a Sunday: Monday is day 0, so Wednesday.
        assert_eq!(add_business_days(d("2026-11-29"), 2), d("2026-12-02"));
    }

    #[test]
    fn business_days_between_skip_weekends_both_ways() {
        assert_eq!(business_days_between(d("2026-11-27"), d("2026-11-30")), 1);
        assert_eq!(business_days_between(d("2026-11-23"), d("2026-12-07")), 10);
        assert_eq!(business_days_between(d("2026-11-30"), d("2026-11-27")), -1);
        assert_eq!(business_days_between(d("2026-11-28"), d("2026-11-29")), 0);
        assert_eq!(business_days_between(d("2026-11-27"), d("2026-11-27")), 0);
    }

    /// The week-and-rest count agrees with counting day by day over a
    /// year of starting days and spans.
    #[test]
    fn the_quick_count_agrees_with_counting_day_by_day() {
        let start = d("2026-01-01");
        for offset in 0..370 {
            let from = start + chrono::Duration::days(offset);
            for span in 0..40 {
                let to = from + chrono::Duration::days(span);
                let slow = (1..=span)
                    .filter(|k| is_business_day(from + chrono::Duration::days(*k)))
                    .count() as i64;
                assert_eq!(business_days_between(from, to), slow, "{from} {to}");
            }
        }
    }
}
