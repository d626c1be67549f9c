//! The traffic-light band of a performance index (CPI, SPI, SPI(t)) as a
//! page shows it: green at 1.00 and above (on or better than plan), amber
//! from 0.90 to 0.99 (watch), red below 0.90 (act now) — the customary
//! EVM thresholds (e.g. the DAU Gold Card's guidance on CPI/SPI < 0.9).
//!
//! The band is taken from the index *as shown*, rounded to two decimals,
//! so a CPI of 0.897 shown as "0.90" is amber like the legend says, not
//! red because the unrounded value is below 0.9.

/// Where an index stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    Good,
    Watch,
    Bad,
}

impl Band {
    /// The CSS class a page gives the band.
    pub fn class(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::Watch => "watch",
            Self::Bad => "bad",
        }
    }
}

/// The index as shown: two decimals.
pub fn shown(index: f64) -> String {
    format!("{index:.2}")
}

/// The band of the index as [`shown`]: the shown text is read back, so
/// the band and the figure can never disagree, whichever way the
/// formatting rounds a value such as 0.895.
pub fn band(index: f64) -> Band {
    let as_shown = shown(index).parse::<f64>().unwrap_or(index);
    if as_shown >= 1.0 {
        Band::Good
    } else if as_shown >= 0.9 {
        Band::Watch
    } else {
        Band::Bad
    }
}

/// How late a forecast finish may be and still be amber rather than red.
pub const FINISH_WATCH_DAYS: i64 = 14;

/// The band of a forecast finish against the planned one: green on or
/// before it, amber up to [`FINISH_WATCH_DAYS`] days after, red later.
pub fn finish_band(forecast: chrono::NaiveDate, planned: chrono::NaiveDate) -> Band {
    let late = (forecast - planned).num_days();
    if late <= 0 {
        Band::Good
    } else if late <= FINISH_WATCH_DAYS {
        Band::Watch
    } else {
        Band::Bad
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forecast_finish_is_banded_by_days_late() {
        let planned: chrono::NaiveDate = "2026-05-31".parse().unwrap();
        let at = |d: &str| finish_band(d.parse().unwrap(), planned);
        assert_eq!(at("2026-05-31"), Band::Good);
        assert_eq!(at("2026-06-14"), Band::Watch);
        assert_eq!(at("2026-06-15"), Band::Bad);
    }

    #[test]
    fn an_index_is_banded_as_it_is_shown() {
        assert_eq!((shown(0.897), band(0.897)), ("0.90".into(), Band::Watch));
        assert_eq!((shown(0.8949), band(0.8949)), ("0.89".into(), Band::Bad));
        assert_eq!((shown(0.9951), band(0.9951)), ("1.00".into(), Band::Good));
        assert_eq!((shown(0.994), band(0.994)), ("0.99".into(), Band::Watch));
        assert_eq!(band(1.0), Band::Good);
        assert_eq!(band(0.0), Band::Bad);
        // Whatever 0.895 formats to, the band agrees with it.
        let expected = if shown(0.895) == "0.90" {
            Band::Watch
        } else {
            Band::Bad
        };
        assert_eq!(band(0.895), expected);
    }
}
