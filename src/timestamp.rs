//! Dates without a clock: output carries only times derived from the input
//! (`SOURCE_DATE_EPOCH` or the bulletin's date), so rebuilds are byte-identical.

/// Splits seconds since 1970-01-01T00:00:00Z into (year, month, day, hour, minute, second).
pub fn civil(unix: i64) -> (i32, u8, u8, u8, u8, u8) {
    // Clamped far outside any writable year so the arithmetic cannot overflow.
    let days = unix.div_euclid(86_400).clamp(-1_000_000_000, 1_000_000_000);
    let secs = unix.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y as i32,
        m as u8,
        d as u8,
        (secs / 3600) as u8,
        (secs % 3600 / 60) as u8,
        (secs % 60) as u8,
    )
}

/// The (year, month, day) of an ISO `YYYY-MM-DD` date that exists in the Gregorian
/// calendar (years 1–9999), or `None`.
pub fn parse_date(s: &str) -> Option<(i64, i64, i64)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (year >= 1 && (1..=days).contains(&day)).then_some((year, month, day))
}

/// Seconds since the epoch of midnight UTC on a `YYYY-MM-DD` date.
pub fn from_date(date: &str) -> Option<i64> {
    let (y, m, d) = parse_date(date)?;
    // days_from_civil, the inverse of `civil`.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400)
}

/// `YYYY-MM-DDThh:mm:ssZ`, the form EPUB's `dcterms:modified` requires; `None` outside
/// the years 1–9999, which that form cannot hold.
pub fn iso8601(unix: i64) -> Option<String> {
    let (y, mo, d, h, mi, s) = civil(unix);
    (1..=9999)
        .contains(&y)
        .then(|| format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"))
}

/// A `YYYY-MM-DD` date as readers write it: `2023年8月30日` in Chinese (the Han–Latin glue
/// spaces the digits), `30 August 2023` otherwise. Anything else is shown as written.
pub fn display_date(iso: &str, cjk: bool) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match crate::timestamp::parse_date(iso) {
        Some((y, m, d)) if cjk => format!("{y}年{m}月{d}日"),
        Some((y, m, d)) => format!("{d} {} {y}", MONTHS[(m - 1) as usize]),
        None => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        assert_eq!(civil(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(from_date("2023-09-01"), Some(1_693_526_400));
        assert_eq!(
            iso8601(1_693_526_400 + 3661).unwrap(),
            "2023-09-01T01:01:01Z"
        );
        assert_eq!(iso8601(253_402_300_799).unwrap(), "9999-12-31T23:59:59Z");
        assert_eq!(iso8601(253_402_300_800), None);
        assert_eq!(iso8601(i64::MIN), None);
        assert!(parse_date("2024-02-29").is_some() && parse_date("2023-02-29").is_none());
        assert!(parse_date("2023-04-31").is_none() && parse_date("２０２３-09-01").is_none());
    }

    #[test]
    fn dates_read_naturally() {
        assert_eq!(display_date("2023-08-30", true), "2023年8月30日");
        assert_eq!(display_date("2023-08-30", false), "30 August 2023");
        assert_eq!(display_date("autumn 2023", true), "autumn 2023");
        for t in [951_782_400i64, 1_709_164_800, -86_400] {
            let (y, m, d, ..) = civil(t);
            assert_eq!(from_date(&format!("{y:04}-{m:02}-{d:02}")), Some(t));
        }
    }
}
