//! Times and dates in Swedish local time (Europe/Stockholm: CET, and CEST from the last
//! Sunday of March to the last Sunday of October, switching at 01:00 UTC as in the whole EU).
//! Computed here rather than with a time-zone database: the rule is fixed by EU directive
//! 2000/84/EC and is the only one these pages need.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};

use crate::i18n::Lang;

/// The last Sunday of a month, at 01:00 UTC.
fn last_sunday_0100_utc(year: i32, month: u32) -> Option<DateTime<Utc>> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let mut day = first_of_next.pred_opt()?;
    while day.weekday() != Weekday::Sun {
        day = day.pred_opt()?;
    }
    Some(Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0)?))
}

/// Whether Swedish summer time is in force at a moment.
fn summer_time(t: DateTime<Utc>) -> bool {
    let year = t.year();
    match (
        last_sunday_0100_utc(year, 3),
        last_sunday_0100_utc(year, 10),
    ) {
        (Some(start), Some(end)) => t >= start && t < end,
        _ => false,
    }
}

/// A Unix time as Swedish local time, `2026-03-29 14:05`, with the zone's name when asked
/// (`CEST`/`CET`); `None` for a time out of range.
pub fn stockholm(seconds: i64) -> Option<(chrono::NaiveDateTime, &'static str)> {
    let t = DateTime::<Utc>::from_timestamp(seconds, 0)?;
    let (offset, zone) = if summer_time(t) {
        (2, "CEST")
    } else {
        (1, "CET")
    };
    Some(((t + Duration::hours(offset)).naive_utc(), zone))
}

/// The Swedish local date of a moment: the day a publication carries (never a finer time).
pub fn stockholm_date(seconds: i64) -> Option<NaiveDate> {
    stockholm(seconds).map(|(t, _)| t.date())
}

/// A readable local time for a staff page: `1 december 2026 kl. 14.05` in Swedish,
/// `1 December 2026, 14:05` in English.
pub fn readable(seconds: i64, lang: Lang) -> String {
    let Some((t, _)) = stockholm(seconds) else {
        return seconds.to_string();
    };
    let month = crate::i18n::month_name(lang, t.month0());
    match lang {
        Lang::Sv => format!("{} {month} {} kl. {}", t.day(), t.year(), t.format("%H.%M")),
        Lang::En => format!("{} {month} {}, {}", t.day(), t.year(), t.format("%H:%M")),
    }
}

/// The Swedish local day of a moment in words: `1 december 2026`, `1 December 2026`.
pub fn day_words(seconds: i64, lang: Lang) -> String {
    let Some((t, _)) = stockholm(seconds) else {
        return seconds.to_string();
    };
    let month = crate::i18n::month_name(lang, t.month0());
    format!("{} {month} {}", t.day(), t.year())
}

/// A date in words: `1 december 2026`, `1 December 2026`.
pub fn date_words(d: NaiveDate, lang: Lang) -> String {
    start_of_day(d)
        .map(|s| day_words(s, lang))
        .unwrap_or_else(|| d.format("%Y-%m-%d").to_string())
}

/// Today's date in Sweden.
pub fn today() -> NaiveDate {
    stockholm_date(crate::util::now()).unwrap_or_default()
}

/// The Unix time of the start of a Swedish local date (00:00 in Stockholm).
pub fn start_of_day(date: NaiveDate) -> Option<i64> {
    let midnight = date.and_hms_opt(0, 0, 0)?;
    // Midnight is never inside a switch (they happen at 02:00/03:00 local): try both offsets
    // and keep the one that maps back to the same local time.
    [1i64, 2].into_iter().find_map(|hours| {
        let utc = Utc.from_utc_datetime(&midnight) - Duration::hours(hours);
        let (local, _) = stockholm(utc.timestamp())?;
        (local == midnight).then_some(utc.timestamp())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .map(|t| t.timestamp())
            .unwrap_or_default()
    }

    #[test]
    fn swedish_time_switches_on_the_last_sundays_of_march_and_october() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(
            readable(at(2026, 3, 29, 0, 59), Lang::Sv),
            "29 mars 2026 kl. 01.59"
        );
        assert_eq!(
            readable(at(2026, 3, 29, 1, 0), Lang::Sv),
            "29 mars 2026 kl. 03.00"
        );
        assert_eq!(
            readable(at(2026, 10, 25, 0, 59), Lang::En),
            "25 October 2026, 02:59"
        );
        assert_eq!(
            readable(at(2026, 10, 25, 1, 0), Lang::En),
            "25 October 2026, 02:00"
        );
        assert_eq!(
            readable(at(2026, 12, 1, 13, 5), Lang::Sv),
            "1 december 2026 kl. 14.05"
        );
    }

    #[test]
    fn a_day_in_words_is_the_swedish_day() {
        // 23:30 UTC on 31 December is already New Year's Day in Sweden.
        assert_eq!(
            day_words(at(2026, 12, 31, 23, 30), Lang::Sv),
            "1 januari 2027"
        );
        assert_eq!(day_words(at(2026, 6, 30, 21, 59), Lang::En), "30 June 2026");
        assert_eq!(day_words(at(2026, 6, 30, 22, 0), Lang::Sv), "1 juli 2026");
    }

    #[test]
    fn a_day_starts_at_local_midnight() {
        let winter = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        assert_eq!(start_of_day(winter), Some(at(2026, 11, 30, 23, 0)));
        let summer = NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
        assert_eq!(start_of_day(summer), Some(at(2026, 5, 31, 22, 0)));
    }
}
