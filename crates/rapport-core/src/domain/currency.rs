//! Money: an ISO 4217 code and the conversion between currency units and
//! the integer minor units amounts are kept in.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An ISO 4217 currency code, with the number of minor-unit digits used to
/// turn stored integer amounts into currency units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    /// The placeholder for an unknown code while other fields are checked.
    pub(crate) fn unknown() -> Self {
        Self("XXX".into())
    }
}

impl Currency {
    pub fn parse(code: &str) -> Result<Self, String> {
        if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(Self(code.to_string()))
        } else {
            Err(format!(
                "\"{code}\" is not an ISO 4217 currency code; use three capital letters such as USD, EUR or GBP"
            ))
        }
    }

    pub fn code(&self) -> &str {
        &self.0
    }

    /// Digits after the decimal point (ISO 4217 table A.1): none for the
    /// yen, won and a few others, three for the dinars, two otherwise.
    pub fn minor_digits(&self) -> u32 {
        match self.0.as_str() {
            "JPY" | "KRW" | "CLP" | "ISK" | "VND" | "XAF" | "XOF" | "UGX" | "PYG" => 0,
            "BHD" | "KWD" | "OMR" | "JOD" | "TND" | "LYD" | "IQD" => 3,
            _ => 2,
        }
    }

    /// Currency units to minor units (dollars to cents), refusing amounts
    /// that are not finite, carry more decimals than the currency has, or
    /// are too large to count in cents exactly (above 10^13 units).
    pub fn to_minor(&self, units: f64) -> Result<i64, String> {
        if !units.is_finite() {
            return Err("is not a number".into());
        }
        if units.abs() > 1e13 {
            return Err("is too large; amounts up to 10,000,000,000,000 are supported".into());
        }
        let scaled = units * 10f64.powi(self.minor_digits() as i32);
        let rounded = scaled.round();
        // A tolerance well under one minor unit absorbs binary noise such as
        // 0.1 + 0.2 while refusing a real extra decimal.
        if (scaled - rounded).abs() > (8.0 * f64::EPSILON * scaled.abs()).max(1e-6) {
            return Err(format!(
                "has more than {} decimal places for {}",
                self.minor_digits(),
                self.0
            ));
        }
        Ok(rounded as i64)
    }

    /// Minor units to currency units (cents to dollars).
    pub fn to_units(&self, minor: i64) -> f64 {
        minor as f64 / 10f64.powi(self.minor_digits() as i32)
    }

    /// An amount for a sentence, exact: the code, the units grouped by
    /// thousands, and the minor units only when there are any
    /// (`USD 452,300`, `USD 1,250.50`, `−USD 80`). Integer arithmetic
    /// throughout, so nothing is rounded.
    pub fn say(&self, minor: i64) -> String {
        let digits = self.minor_digits();
        let scale = 10i64.pow(digits);
        let sign = if minor < 0 { "−" } else { "" };
        let abs = minor.unsigned_abs();
        let (units, rest) = (abs / scale as u64, abs % scale as u64);
        let text = units.to_string();
        let mut grouped = String::new();
        for (k, c) in text.chars().enumerate() {
            if k > 0 && (text.len() - k) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if rest > 0 {
            format!(
                "{sign}{} {grouped}.{rest:0width$}",
                self.0,
                width = digits as usize
            )
        } else {
            format!("{sign}{} {grouped}", self.0)
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> String {
        value.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn currencies_know_their_minor_units() {
        assert_eq!(Currency::parse("JPY").unwrap().to_units(1500), 1500.0);
        assert_eq!(Currency::parse("USD").unwrap().to_units(1500), 15.0);
        assert_eq!(Currency::parse("KWD").unwrap().to_units(1500), 1.5);
        assert!(Currency::parse("dollars")
            .unwrap_err()
            .contains("is not an ISO 4217 currency code"));
        let usd = Currency::parse("USD").unwrap();
        assert_eq!(usd.to_minor(1234.56), Ok(123_456));
        assert_eq!(usd.to_minor(0.1 + 0.2), Ok(30));
        assert!(usd
            .to_minor(1.234)
            .unwrap_err()
            .contains("more than 2 decimal places for USD"));
        assert_eq!(usd.to_minor(f64::NAN).unwrap_err(), "is not a number");
        assert_eq!(Currency::parse("JPY").unwrap().to_minor(1500.0), Ok(1500));
    }

    #[test]
    fn amounts_are_said_exactly_with_their_code() {
        let usd = Currency::parse("USD").unwrap();
        assert_eq!(usd.say(45_230_000), "USD 452,300");
        assert_eq!(usd.say(125_050), "USD 1,250.50");
        assert_eq!(usd.say(5), "USD 0.05");
        assert_eq!(usd.say(-8_000), "−USD 80");
        assert_eq!(
            Currency::parse("JPY").unwrap().say(1_234_567),
            "JPY 1,234,567"
        );
        assert_eq!(Currency::parse("KWD").unwrap().say(1_001), "KWD 1.001");
        assert_eq!(
            usd.say(i64::MIN).len(),
            "−USD 92,233,720,368,547,758.08".len()
        );
    }
}
