//! How values are read off the wire where serde's defaults are too lenient.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

/// A date as ISO 8601 `YYYY-MM-DD` and nothing else: chrono alone would
/// take `2030-1-5` and `+10000-01-01`. The range is checked by the domain.
pub fn iso_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_iso_date(&text).map_err(serde::de::Error::custom)
}

/// An optional date, as [`iso_date`] reads a present one (use with
/// `#[serde(default)]`).
pub fn optional_iso_date<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => parse_iso_date(&text)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

pub fn parse_iso_date(text: &str) -> Result<NaiveDate, String> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(format!("\"{text}\" is not a date written YYYY-MM-DD"));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("\"{text}\" is not a date on the calendar"))
}

#[cfg(test)]
mod tests {
    use super::parse_iso_date;

    #[test]
    fn only_year_month_day_with_every_digit_is_a_date() {
        assert!(parse_iso_date("2030-01-05").is_ok());
        for text in [
            "2030-1-5",
            "+10000-01-01",
            "2030/01/05",
            "2030-02-30",
            "20300105",
            " 2030-01-05",
        ] {
            assert!(parse_iso_date(text).is_err(), "{text}");
        }
    }
}
