use time::{Duration, OffsetDateTime, UtcOffset};

/// The latest year a story may refer to: the current year anywhere on Earth (UTC+14), so a
/// resident is never refused the new year on New Year's Day wherever the server runs.
pub fn latest_allowed_year() -> i32 {
    (OffsetDateTime::now_utc() + Duration::hours(14)).year()
}

/// A date as people read it: "2026年11月25日" / "25 November 2026", in the site's time zone.
pub fn display_date(locale: app::locale::Locale, at: OffsetDateTime, offset_hours: i8) -> String {
    let offset = UtcOffset::from_hms(offset_hours, 0, 0).unwrap_or(UtcOffset::UTC);
    let local = at.to_offset(offset);
    app::locale::date(locale, local.year(), u8::from(local.month()), local.day())
}

/// A date and the time of day, "2026年11月25日 09:02", for what takes minutes or hours (fixity
/// passes, open-data exports): the day alone does not tell two runs apart.
pub fn display_date_time(
    locale: app::locale::Locale,
    at: OffsetDateTime,
    offset_hours: i8,
) -> String {
    let offset = UtcOffset::from_hms(offset_hours, 0, 0).unwrap_or(UtcOffset::UTC);
    let local = at.to_offset(offset);
    format!(
        "{} {:02}:{:02}",
        display_date(locale, at, offset_hours),
        local.hour(),
        local.minute()
    )
}
