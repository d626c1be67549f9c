//! Relationship health: how a client relationship stands, 0 to 100, from
//! factors each shown with what it contributed, so the score explains
//! itself and a PM knows what to do about it.
//!
//! The factors are the practices of the product brief made measurable:
//! delivery (CPI and SPI(t)), contact within the person's interval,
//! promises kept both ways, surprises, follow-up questions left waiting,
//! news told on time, and reports on cadence. Each scores 0 to 1 by a
//! rule stated on it; the weights (out of 100) are our judgement of what
//! matters to a client rep's trust, delivery first. A factor with nothing
//! to measure yet (no promise settled, no news told, no cadence set) is
//! left out and the others' weights are scaled up to 100, so a new
//! relationship is not marked down for lacking a history.

use chrono::NaiveDate;
use serde::Serialize;

/// What the factors are computed from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthFacts {
    /// The lower of CPI and SPI(t) of each live project, latest status.
    pub delivery: Vec<(Option<f64>, Option<f64>)>,
    /// Days since the last recorded conversation; `None`: never.
    pub days_since_contact: Option<i64>,
    /// The person's contact intervals (ideal, maximum) in days.
    pub intervals: (i64, i64),
    /// Promises settled both ways: kept on time, kept late, broken.
    pub kept: usize,
    pub late: usize,
    pub broken: usize,
    /// Surprises in the last 180 days.
    pub surprises: usize,
    /// Follow-up questions open longer than two weeks.
    pub stale_questions: usize,
    /// News told in the last 180 days, and how much of it in time.
    pub news_told: usize,
    pub news_on_time: usize,
    /// Report cadence in days and days since the last report sent, when
    /// the person has a cadence (`None` for the days: never sent).
    pub report_cadence: Option<(i64, Option<i64>)>,
}

impl HealthFacts {
    /// An account's facts from its people's: every project's delivery,
    /// the longest silence (with that person's intervals), the counts
    /// summed, and the most overdue report.
    pub fn merge(people: &[HealthFacts]) -> HealthFacts {
        let mut out = HealthFacts {
            intervals: (14, 30),
            ..HealthFacts::default()
        };
        let mut silence: Option<(i64, (i64, i64))> = None;
        let mut never = false;
        for f in people {
            out.delivery.extend(f.delivery.iter().copied());
            match f.days_since_contact {
                Some(d) if silence.is_none_or(|(s, _)| d > s) => silence = Some((d, f.intervals)),
                Some(_) => {}
                None => never = true,
            }
            out.kept += f.kept;
            out.late += f.late;
            out.broken += f.broken;
            out.surprises += f.surprises;
            out.stale_questions += f.stale_questions;
            out.news_told += f.news_told;
            out.news_on_time += f.news_on_time;
            if let Some((cadence, since)) = f.report_cadence {
                let overdue = |c: i64, s: Option<i64>| s.map_or(i64::MAX, |s| s - c);
                if out
                    .report_cadence
                    .is_none_or(|(c, s)| overdue(cadence, since) > overdue(c, s))
                {
                    out.report_cadence = Some((cadence, since));
                }
            }
        }
        if let Some((days, intervals)) = silence.filter(|_| !never) {
            out.days_since_contact = Some(days);
            out.intervals = intervals;
        }
        out
    }
}

/// One factor of the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    pub name: &'static str,
    /// What was measured, in words: "CPI 0.88, SPI(t) 0.98".
    pub value: String,
    /// Points this factor adds to the score.
    pub contribution: f64,
    /// The most it could add (its weight, scaled).
    pub weight: f64,
    pub explanation: String,
}

/// The score and its factors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    /// 0 to 100, rounded to whole points.
    pub score: u8,
    pub factors: Vec<Factor>,
}

/// What a factor measured: its score 0..1, the value in words and the
/// rule, or `None` when there was nothing to measure.
type Measured = Option<(f64, String, String)>;

/// A factor's score 0..1 falling linearly from `good` (1) to `bad` (0).
fn linear(value: f64, good: f64, bad: f64) -> f64 {
    if good == bad {
        return if value <= good { 1.0 } else { 0.0 };
    }
    ((value - bad) / (good - bad)).clamp(0.0, 1.0)
}

/// The health of a relationship from its facts.
pub fn health(f: &HealthFacts) -> Health {
    let mut raw: Vec<(&'static str, f64, Measured)> = Vec::new();

    // Delivery, 25: the worse of CPI and SPI(t) on the worst project;
    // 1.00 or better scores full, 0.80 or worse nothing (the portfolio's
    // red line is 0.90, halfway).
    let worst = f
        .delivery
        .iter()
        .filter_map(|(c, s)| match (c, s) {
            (Some(c), Some(s)) => Some(c.min(*s)),
            (Some(v), None) | (None, Some(v)) => Some(*v),
            (None, None) => None,
        })
        .fold(None, |acc: Option<f64>, v| {
            Some(acc.map_or(v, |a| a.min(v)))
        });
    raw.push((
        "delivery",
        25.0,
        worst.map(|w| {
            (
                linear(w, 1.0, 0.8),
                format!("lowest CPI or SPI(t) {w:.2}"),
                "1.00 or better scores full marks, 0.80 or worse none; the worst project counts"
                    .into(),
            )
        }),
    ));

    // Contact, 15: within the ideal interval full, at or past the maximum
    // nothing; never contacted, nothing.
    let (ideal, max) = f.intervals;
    raw.push((
        "contact",
        15.0,
        Some(match f.days_since_contact {
            Some(days) => (
                linear(days as f64, ideal as f64, max as f64),
                format!("{days} days since the last conversation"),
                format!("within {ideal} days scores full marks, {max} or more none"),
            ),
            None => (
                0.0,
                "no conversation recorded".into(),
                "record the conversations you have".into(),
            ),
        }),
    ));

    // Promises, 15: kept on time 1, kept late ½, broken 0, averaged.
    let settled = f.kept + f.late + f.broken;
    raw.push((
        "promises",
        15.0,
        (settled > 0).then(|| {
            (
                (f.kept as f64 + 0.5 * f.late as f64) / settled as f64,
                format!("{} kept, {} late, {} broken", f.kept, f.late, f.broken),
                "both ways: kept on time counts 1, late ½, broken 0".into(),
            )
        }),
    ));

    // Surprises, 15: none full marks, one half, two or more nothing.
    raw.push((
        "surprises",
        15.0,
        Some((
            match f.surprises {
                0 => 1.0,
                1 => 0.5,
                _ => 0.0,
            },
            format!("{} in the last 180 days", f.surprises),
            "news told late or heard from someone else; none scores full marks, one half, two or more none".into(),
        )),
    ));

    // Follow-ups, 10: each question open past two weeks costs a quarter.
    raw.push((
        "follow-ups",
        10.0,
        Some((
            (1.0 - 0.25 * f.stale_questions as f64).max(0.0),
            format!("{} waiting more than two weeks", f.stale_questions),
            "each follow-up question left open past two weeks costs a quarter of this factor"
                .into(),
        )),
    ));

    // News on time, 10: the share of news told by its deadline.
    raw.push((
        "news told on time",
        10.0,
        (f.news_told > 0).then(|| {
            (
                f.news_on_time as f64 / f.news_told as f64,
                format!("{} of {} in time", f.news_on_time, f.news_told),
                "the share of news told by its deadline in the last 180 days".into(),
            )
        }),
    ));

    // Reports, 10: within the cadence full; a whole cadence overdue none.
    raw.push((
        "reports on cadence",
        10.0,
        f.report_cadence.map(|(cadence, since)| match since {
            Some(days) => (
                linear(days as f64, cadence as f64, 2.0 * cadence as f64),
                format!("last report {days} days ago, every {cadence} expected"),
                "within the reader's cadence scores full marks, a whole cadence overdue none"
                    .into(),
            ),
            None => (
                0.0,
                format!("none sent, every {cadence} days expected"),
                "send the first report".into(),
            ),
        }),
    ));

    let total_weight: f64 = raw.iter().filter(|r| r.2.is_some()).map(|r| r.1).sum();
    let scale = if total_weight > 0.0 {
        100.0 / total_weight
    } else {
        0.0
    };
    let factors: Vec<Factor> = raw
        .into_iter()
        .filter_map(|(name, weight, measured)| {
            let (score, value, explanation) = measured?;
            let weight = weight * scale;
            Some(Factor {
                name,
                value,
                contribution: (score * weight * 10.0).round() / 10.0,
                weight: (weight * 10.0).round() / 10.0,
                explanation,
            })
        })
        .collect();
    let sum: f64 = factors.iter().map(|f| f.contribution).sum();
    Health {
        score: sum.round().clamp(0.0, 100.0) as u8,
        factors,
    }
}

/// A day's score kept for the account's history.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Snapshot {
    pub on: NaiveDate,
    pub score: u8,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> HealthFacts {
        HealthFacts {
            delivery: vec![(Some(1.02), Some(1.0))],
            days_since_contact: Some(5),
            intervals: (14, 30),
            kept: 4,
            late: 0,
            broken: 0,
            surprises: 0,
            stale_questions: 0,
            news_told: 2,
            news_on_time: 2,
            report_cadence: Some((14, Some(7))),
        }
    }

    #[test]
    fn a_relationship_that_does_everything_scores_100_with_every_factor_full() {
        let h = health(&good());
        assert_eq!(h.score, 100);
        assert_eq!(h.factors.len(), 7);
        assert!(
            h.factors.iter().all(|f| f.contribution == f.weight),
            "{h:?}"
        );
        assert_eq!(h.factors.iter().map(|f| f.weight).sum::<f64>(), 100.0);
    }

    /// CPI 0.90 is halfway between 1.00 and 0.80: 12.5 of delivery's 25.
    #[test]
    fn delivery_falls_linearly_from_one_to_point_eight_on_the_worst_project() {
        let mut f = good();
        f.delivery = vec![(Some(1.05), Some(1.0)), (Some(0.90), Some(0.97))];
        let h = health(&f);
        let d = &h.factors[0];
        assert_eq!((d.name, d.contribution, d.weight), ("delivery", 12.5, 25.0));
        assert_eq!(h.score, 88, "100 − 12.5, rounded");
    }

    /// 22 days with intervals 14/30: (30 − 22) / 16 = ½ of 15.
    #[test]
    fn contact_falls_from_the_ideal_interval_to_the_maximum() {
        let mut f = good();
        f.days_since_contact = Some(22);
        assert_eq!(health(&f).factors[1].contribution, 7.5);
        f.days_since_contact = None;
        assert_eq!(health(&f).factors[1].contribution, 0.0);
    }

    /// 2 kept, 1 late, 1 broken: (2 + ½) / 4 = 0.625 of 15 = 9.4.
    #[test]
    fn promises_count_late_as_half_and_broken_as_nothing() {
        let mut f = good();
        (f.kept, f.late, f.broken) = (2, 1, 1);
        assert_eq!(health(&f).factors[2].contribution, 9.4);
    }

    #[test]
    fn surprises_follow_ups_news_and_reports_each_cost_what_they_say() {
        let mut f = good();
        f.surprises = 1;
        f.stale_questions = 2;
        f.news_on_time = 1;
        f.report_cadence = Some((14, Some(21)));
        let h = health(&f);
        let c: Vec<f64> = h.factors.iter().map(|x| x.contribution).collect();
        // surprises ½ of 15; follow-ups ½ of 10; news ½ of 10; reports
        // 21 days on a 14-day cadence: (28 − 21) / 14 = ½ of 10.
        assert_eq!(&c[3..], &[7.5, 5.0, 5.0, 5.0]);
        // 100 − 7.5 − 5 − 5 − 5 = 77.5, rounded half away from zero.
        assert_eq!(h.score, 78);
    }

    /// An account: the longest silence of its people counts, with that
    /// person's intervals; counts add up.
    #[test]
    fn an_account_merges_its_people_at_their_worst() {
        let mut a = good();
        a.days_since_contact = Some(10);
        let mut b = good();
        b.days_since_contact = Some(20);
        b.intervals = (7, 21);
        b.surprises = 1;
        let m = HealthFacts::merge(&[a, b]);
        assert_eq!((m.days_since_contact, m.intervals), (Some(20), (7, 21)));
        assert_eq!((m.kept, m.surprises, m.delivery.len()), (8, 1, 2));
    }

    /// No promise settled, no news told, no cadence: those factors are
    /// left out and the rest scaled to 100 (25 + 15 + 15 + 10 = 65).
    #[test]
    fn factors_with_nothing_to_measure_are_left_out_and_the_rest_scaled() {
        let mut f = good();
        (f.kept, f.news_told, f.news_on_time) = (0, 0, 0);
        f.report_cadence = None;
        let h = health(&f);
        let names: Vec<&str> = h.factors.iter().map(|x| x.name).collect();
        assert_eq!(names, ["delivery", "contact", "surprises", "follow-ups"]);
        assert_eq!(h.factors[0].weight, 38.5, "25 × 100 / 65");
        assert_eq!(h.score, 100);
    }
}
