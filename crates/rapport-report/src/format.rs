//! Numbers for people: money with thousands separators, percentages,
//! working days. Rounding happens here, at the edge, never in the engine.

/// Whole currency units with thousands separators and a true minus sign:
/// 1234567.8 → "1,234,568", −999.5 → "−1,000".
pub fn grouped(value: f64) -> String {
    let rounded = value.round();
    let sign = if rounded < 0.0 { "\u{2212}" } else { "" };
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// Money with its currency: "USD 512,000", or just the number without one.
pub fn money(value: f64, currency: Option<&str>) -> String {
    match currency {
        Some(c) => format!("{c} {}", grouped(value)),
        None => grouped(value),
    }
}

/// The rounding step that keeps three significant figures (1 below 1,000).
fn step(value: f64) -> f64 {
    let magnitude = value.abs().max(1.0).log10().floor() as i32;
    10f64.powi((magnitude - 2).max(0))
}

/// Rounded *up* to three significant figures, for a figure promised as a
/// ceiling ("stays under USD 549,000"): never below the computed value.
pub fn ceil3(value: f64) -> f64 {
    let s = step(value);
    (value / s).ceil() * s
}

/// Rounded *down* to three significant figures, for a figure promised as
/// a floor ("nine in ten cost more than USD 498,000"): never above the
/// computed value.
pub fn floor3(value: f64) -> f64 {
    let s = step(value);
    (value / s).floor() * s
}

/// Rounded to the nearest three significant figures, for figures quoted
/// in a sentence.
pub fn round3(value: f64) -> f64 {
    let s = step(value);
    (value / s).round() * s
}

/// Money rounded up to three significant figures, for headlines.
pub fn money_headline(value: f64, currency: Option<&str>) -> String {
    money(ceil3(value), currency)
}

/// A probability as a whole percentage: 0.8 → "80%".
pub fn percent(p: f64) -> String {
    format!("{:.0}%", p * 100.0)
}

/// Working days, rounded up for a promise ("within 124 working days").
pub fn days_up(value: f64) -> String {
    format!("{:.0}", value.ceil())
}

/// Working days with one decimal, for tables.
pub fn days(value: f64) -> String {
    format!("{value:.1}")
}

/// A chance as a whole percentage that never says "0%" or "100%" for what
/// merely rounds there: some runs did (or did not) make it.
pub fn chance(p: f64) -> String {
    if p > 0.0 && p < 0.005 {
        "<1%".into()
    } else if (0.995..1.0).contains(&p) {
        ">99%".into()
    } else {
        percent(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_and_rounded() {
        assert_eq!(grouped(1_234_567.8), "1,234,568");
        assert_eq!(grouped(-999.5), "\u{2212}1,000");
        assert_eq!(money(512_000.0, Some("USD")), "USD 512,000");
        assert_eq!(money_headline(512_345.0, Some("USD")), "USD 513,000");
        assert_eq!(money_headline(87.2, None), "88");
        assert_eq!(round3(527_658.0), 528_000.0);
        assert_eq!(ceil3(548_326.0), 549_000.0);
        assert_eq!(ceil3(549_000.0), 549_000.0);
        assert_eq!(floor3(498_877.0), 498_000.0);
        assert_eq!(floor3(171_337.0), 171_000.0);
        assert_eq!(ceil3(171_337.0), 172_000.0);
        assert_eq!(percent(0.8), "80%");
        assert_eq!(days_up(123.01), "124");
    }

    /// A rounded bound stays a true bound: over values spread across eight
    /// orders of magnitude (a fixed sequence, 20,000 of them), ceil3 is
    /// never below and floor3 never above, each within one step (a unit in
    /// the third significant figure) of the value.
    #[test]
    fn rounded_bounds_stay_on_their_side() {
        let mut x = 0.618_033_988_749_895_f64;
        for _ in 0..20_000 {
            x = (x * 997.0 + 0.123_456_789).fract();
            let value = 10f64.powf(x * 8.0);
            let (up, down) = (ceil3(value), floor3(value));
            assert!(up >= value && down <= value, "{value}: {down} .. {up}");
            assert!(
                up - value <= step(value) && value - down <= step(value),
                "{value}"
            );
        }
    }
}
