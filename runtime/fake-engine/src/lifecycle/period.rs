//! Calendar arithmetic for billing periods: a monthly subscription started on January 31
//! renews on February 28 (or 29), then March 31, as Stripe anchors each period to the day of
//! the month it started on and clamps it to the month's last day. Times are Unix seconds in
//! UTC.

/// Seconds in a day.
const DAY: i64 = 86_400;

/// The civil date (year, month 1-12, day 1-31) of a day number (days since 1970-01-01),
/// by Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The day number of a civil date, by Howard Hinnant's `days_from_civil`.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// How many days month `month` of `year` has.
fn days_in_month(year: i64, month: i64) -> i64 {
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    days_from_civil(next_year, next_month, 1) - days_from_civil(year, month, 1)
}

/// `time` moved by `months` calendar months, the day of the month clamped to the target
/// month's last day, the time of day kept.
pub(crate) fn add_months(time: i64, months: i64) -> i64 {
    let days = time.div_euclid(DAY);
    let seconds = time.rem_euclid(DAY);
    let (year, month, day) = civil_from_days(days);
    let index = year * 12 + (month - 1) + months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let day = day.min(days_in_month(year, month));
    days_from_civil(year, month, day) * DAY + seconds
}

/// The end of a period that starts at `start`, for a price's `recurring.interval` (`day`,
/// `week`, `month`, `year`) and `interval_count`; a month when the interval is unknown.
pub(crate) fn period_end(start: i64, interval: &str, count: i64) -> i64 {
    let count = count.max(1);
    match interval {
        "day" => start.saturating_add(count.saturating_mul(DAY)),
        "week" => start.saturating_add(count.saturating_mul(7 * DAY)),
        "year" => add_months(start, count.saturating_mul(12)),
        _ => add_months(start, count),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-01-31T12:00:00Z.
    const JANUARY_31: i64 = 1_706_702_400;

    #[test]
    fn a_month_after_january_31_is_the_last_day_of_february() {
        // 2024 is a leap year: February 29, 12:00.
        assert_eq!(add_months(JANUARY_31, 1), 1_709_208_000);
        // Then March 31, not March 29: each period counts from the start.
        assert_eq!(add_months(JANUARY_31, 2), 1_711_886_400);
        assert_eq!(
            civil_from_days(add_months(JANUARY_31, 13).div_euclid(DAY)),
            (2025, 2, 28)
        );
    }

    #[test]
    fn periods_follow_the_interval() {
        assert_eq!(period_end(JANUARY_31, "day", 3), JANUARY_31 + 3 * DAY);
        assert_eq!(period_end(JANUARY_31, "week", 2), JANUARY_31 + 14 * DAY);
        assert_eq!(
            civil_from_days(period_end(JANUARY_31, "year", 1).div_euclid(DAY)),
            (2025, 1, 31)
        );
        assert_eq!(
            period_end(JANUARY_31, "month", 0),
            add_months(JANUARY_31, 1)
        );
    }

    #[test]
    fn civil_dates_round_trip() {
        for days in [-1, 0, 59, 365, 11_016, 19_753, 60_000] {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
    }
}
