//! The rules one by one, with dates on a real calendar: 2026-11-27 is a
//! Friday.

use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn usd() -> Currency {
    Currency::parse("USD").unwrap()
}

/// Nothing told yet: the baseline (finish 2027-02-10, BAC USD 420,000).
fn baseline() -> Told {
    let on = d("2026-03-01");
    Told {
        forecast_finish: Figure {
            value: Some(d("2027-02-10")),
            entry: None,
            on,
        },
        eac_minor: Figure {
            value: Some(42_000_000),
            entry: None,
            on,
        },
        cpi: Figure {
            value: None,
            entry: None,
            on,
        },
        spi_t: Figure {
            value: None,
            entry: None,
            on,
        },
    }
}

fn forecast(cpi: f64, spi_t: f64, finish: &str, eac_minor: i64) -> Forecast {
    Forecast {
        status_date: d("2026-11-20"),
        cpi: Some(cpi),
        spi_t: Some(spi_t),
        forecast_finish: Some(d(finish)),
        eac_minor: Some(eac_minor),
        manager_eac: false,
    }
}

fn situation(forecast: Option<Forecast>, told: Told) -> Situation {
    Situation {
        currency: usd(),
        forecast,
        told,
        estimate: None,
        promises: Vec::new(),
    }
}

const TODAY: &str = "2026-11-27";

fn findings(s: &Situation) -> Vec<Finding> {
    evaluate(&DEFAULT_RULES, s, d(TODAY))
}

/// On plan: nothing to tell.
#[test]
fn a_project_on_plan_has_no_news() {
    let s = situation(
        Some(forecast(1.0, 1.0, "2027-02-10", 42_000_000)),
        baseline(),
    );
    assert_eq!(findings(&s), []);
    assert_eq!(findings(&situation(None, baseline())), []);
}

#[test]
fn cpi_below_the_threshold_is_major_news_and_far_below_it_critical() {
    let s = situation(
        Some(forecast(0.92, 1.0, "2027-02-10", 42_000_000)),
        baseline(),
    );
    let news = findings(&s);
    assert_eq!(news.len(), 1);
    assert_eq!(
        (news[0].rule, news[0].severity, news[0].key.as_str()),
        (NewsRule::CpiBelow, Severity::Major, "cpi_below@baseline")
    );
    assert_eq!(
        news[0].message,
        "CPI is 0.92 at the 2026-11-20 status (each USD 1 spent has earned USD 0.92 of the planned work), below the 0.95 the client is to hear about."
    );
    // 0.84 is more than two steps (0.10) under 0.95.
    let s = situation(
        Some(forecast(0.84, 1.0, "2027-02-10", 42_000_000)),
        baseline(),
    );
    assert_eq!(findings(&s)[0].severity, Severity::Critical);
    // Exactly at the threshold is not below it.
    let s = situation(
        Some(forecast(0.95, 0.95, "2027-02-10", 42_000_000)),
        baseline(),
    );
    assert_eq!(findings(&s), []);
}

#[test]
fn spi_t_below_the_threshold_says_the_pace() {
    let s = situation(
        Some(forecast(1.0, 0.88, "2027-02-10", 42_000_000)),
        baseline(),
    );
    let news = findings(&s);
    assert_eq!(news[0].rule, NewsRule::SpiTBelow);
    assert!(
        news[0].message.contains("at 88% of the planned pace"),
        "{}",
        news[0].message
    );
}

/// Told 0.88: 0.85 is what the client already knows (within the step);
/// 0.80 is news again, keyed to the telling it differs from.
#[test]
fn a_ratio_already_told_is_news_again_only_when_it_falls_further() {
    let told = Told {
        cpi: Figure {
            value: Some(0.88),
            entry: Some(7),
            on: d("2026-11-02"),
        },
        ..baseline()
    };
    let s = situation(
        Some(forecast(0.85, 1.0, "2027-02-10", 42_000_000)),
        told.clone(),
    );
    assert_eq!(findings(&s), []);
    let s = situation(Some(forecast(0.80, 1.0, "2027-02-10", 42_000_000)), told);
    let news = findings(&s);
    assert_eq!(
        news.len(),
        1,
        "the finish and cost still match the baseline"
    );
    assert_eq!(news[0].key, "cpi_below@told:7");
    assert!(
        news[0]
            .message
            .ends_with("; the client was last told 0.88."),
        "{}",
        news[0].message
    );
}

/// 2027-02-10 is a Wednesday. Five business days later (2027-02-17) is
/// within the default tolerance; 2027-02-19 (seven) is major news; two
/// months later (2027-04-14, 45 business days, over 4 × 5) critical.
#[test]
fn a_forecast_finish_later_than_told_is_news_by_business_days() {
    let at = |finish: &str| situation(Some(forecast(1.0, 1.0, finish, 42_000_000)), baseline());
    assert_eq!(findings(&at("2027-02-17")), []);
    let news = findings(&at("2027-02-19"));
    assert_eq!(
        (news[0].rule, news[0].severity),
        (NewsRule::FinishSlip, Severity::Major)
    );
    assert_eq!(
        news[0].message,
        "The forecast finish is 2027-02-19, 7 business days after the 2027-02-10 agreed in the baseline."
    );
    assert_eq!(findings(&at("2027-04-14"))[0].severity, Severity::Critical);
}

/// Told USD 420,000. USD 441,000 is exactly 5 %: not more than the
/// tolerance. USD 445,000 is 5.95 %: "more than 5.9%" (rounded down, so
/// the sentence stays true). USD 500,000 is 19.05 %, over 3 × 5: critical.
#[test]
fn a_cost_at_completion_above_what_was_told_is_news_by_percent() {
    let at = |eac: i64| situation(Some(forecast(1.0, 1.0, "2027-02-10", eac)), baseline());
    assert_eq!(findings(&at(44_100_000)), []);
    let news = findings(&at(44_500_000));
    assert_eq!(
        (news[0].rule, news[0].severity),
        (NewsRule::EacRise, Severity::Major)
    );
    assert_eq!(
        news[0].message,
        "The cost at completion is now forecast at USD 445,000 (BAC / CPI), more than 5.9% above the USD 420,000 agreed in the baseline."
    );
    assert_eq!(findings(&at(50_000_000))[0].severity, Severity::Critical);
}

/// Version 2 said USD 365,000. Version 3 at USD 410,000 is 12.33 % up;
/// at USD 300,000, 17.8 % down (news either way); at USD 480,000, 31.5 %
/// up, over 2.5 × 10 %: critical; at USD 380,000 (4.1 %), no news.
#[test]
fn a_new_estimate_version_that_moves_the_headline_is_news_either_way() {
    let with = |headline: i64| Situation {
        estimate: Some(EstimateChange {
            version: 3,
            headline_minor: headline,
            previous_version: 2,
            previous_minor: 36_500_000,
        }),
        ..situation(None, baseline())
    };
    let up = findings(&with(41_000_000));
    assert_eq!(
        (up[0].key.as_str(), up[0].severity),
        ("estimate_move@v3", Severity::Major)
    );
    assert_eq!(
        up[0].message,
        "Estimate version 3 puts the cost at USD 410,000, more than 12.3% above version 2 (USD 365,000)."
    );
    assert!(findings(&with(30_000_000))[0]
        .message
        .contains("more than 17.8% below version 2"));
    assert_eq!(findings(&with(48_000_000))[0].severity, Severity::Critical);
    assert_eq!(findings(&with(38_000_000)), []);
}

/// Today is Friday 2026-11-27. Due Tuesday 2026-12-01: two business days
/// away, within the warning; Wednesday: three, not yet; today: major;
/// yesterday: critical. The key carries the due date, so a renegotiated
/// promise is a new item.
#[test]
fn a_promise_to_the_client_about_to_be_missed_is_news_across_the_weekend() {
    let with = |due: &str| Situation {
        promises: vec![PromiseToClient {
            id: 41,
            description: "Send the cut-over plan".into(),
            due_on: d(due),
            promised_to: "Dana Whitfield".into(),
        }],
        ..situation(None, baseline())
    };
    let soon = findings(&with("2026-12-01"));
    assert_eq!(
        (soon[0].rule, soon[0].severity, soon[0].key.as_str()),
        (
            NewsRule::CommitmentAtRisk,
            Severity::Major,
            "commitment_at_risk@41:2026-12-01"
        )
    );
    assert_eq!(
        soon[0].message,
        "The promise to Dana Whitfield to \"Send the cut-over plan\" is due on 2026-12-01, in 2 business days, and is still open."
    );
    assert_eq!(findings(&with("2026-12-02")), []);
    assert!(findings(&with(TODAY))[0].message.ends_with("is due today."));
    // Due on Sunday, seen on Friday: no business day left, but not today.
    assert!(findings(&with("2026-11-29"))[0].message.ends_with(
        "is due on 2026-11-29 (a Sunday), before the next business day, and is still open."
    ));
    // Told before it falls due, whatever the severity's two days say:
    // due Tuesday, found Monday 2026-11-30, tell by Tuesday.
    let monday = d("2026-11-30");
    let found = evaluate(&DEFAULT_RULES, &with("2026-12-01"), monday);
    assert_eq!(
        deadline_of(&DEFAULT_RULES, &found[0], monday),
        d("2026-12-01")
    );
    assert_eq!(found[0].client_message, "Promised to Dana Whitfield: \"Send the cut-over plan\" is due on 2026-12-01, in 1 business day, and is still open.");
    let late = findings(&with("2026-11-26"));
    assert_eq!(late[0].severity, Severity::Critical);
    assert!(late[0]
        .message
        .ends_with("was due on 2026-11-26 and is not kept."));
}

/// Critical: the same business day (a Saturday find is due Monday).
/// Major: two business days (Thursday → Monday).
#[test]
fn deadlines_count_business_days_across_weekends() {
    let r = DEFAULT_RULES;
    assert_eq!(
        deadline(&r, Severity::Critical, d("2026-11-27")),
        d("2026-11-27")
    );
    assert_eq!(
        deadline(&r, Severity::Critical, d("2026-11-28")),
        d("2026-11-30")
    );
    assert_eq!(
        deadline(&r, Severity::Major, d("2026-11-26")),
        d("2026-11-30")
    );
    assert_eq!(
        deadline(&r, Severity::Major, d("2026-11-27")),
        d("2026-12-01")
    );
}

#[test]
fn news_told_after_its_deadline_or_by_someone_else_is_a_surprise() {
    let due = d("2026-11-30");
    assert!(!is_surprise(due, d("2026-11-30"), false));
    assert!(!is_surprise(due, d("2026-11-27"), false));
    assert!(is_surprise(due, d("2026-12-01"), false));
    assert!(is_surprise(due, d("2026-11-27"), true));
}

#[test]
fn settings_only_tighten_and_the_strictest_applies() {
    let account = RuleSettings::new(RuleSettings {
        cpi_below: Some(0.98),
        finish_slip_days: Some(3),
        ..Default::default()
    })
    .unwrap();
    let rep = RuleSettings::new(RuleSettings {
        cpi_below: Some(0.97),
        finish_slip_days: Some(1),
        major_deadline_days: Some(1),
        ..Default::default()
    })
    .unwrap();
    let rules = DEFAULT_RULES.tightened(&account).tightened(&rep);
    assert_eq!(
        rules.cpi_below, 0.98,
        "the account's is stricter than the rep's"
    );
    assert_eq!(rules.finish_slip_days, 1);
    assert_eq!(rules.major_deadline_days, 1);
    assert_eq!(rules.eac_rise_percent, DEFAULT_RULES.eac_rise_percent);

    let looser = RuleSettings::new(RuleSettings {
        cpi_below: Some(0.9),
        finish_slip_days: Some(10),
        eac_rise_percent: Some(f64::NAN),
        commitment_warning_days: Some(1),
        ..Default::default()
    })
    .unwrap_err();
    let fields: Vec<&str> = looser.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "cpi_below",
            "finish_slip_days",
            "eac_rise_percent",
            "commitment_warning_days"
        ]
    );
    assert!(looser.0[0].message.contains("may only tighten"), "{looser}");
}

/// Telling the cost does not pass for telling the finish: a finish slip
/// stays keyed to the baseline (its deadline stands) after the cost was
/// told in ledger entry 9.
#[test]
fn each_figure_is_measured_against_the_telling_that_last_moved_it() {
    let told = Told {
        eac_minor: Figure {
            value: Some(46_000_000),
            entry: Some(9),
            on: d("2026-11-16"),
        },
        ..baseline()
    };
    let s = situation(Some(forecast(1.0, 1.0, "2027-02-19", 46_500_000)), told);
    let news = findings(&s);
    assert_eq!(news.len(), 1, "{news:?}");
    assert_eq!(news[0].key, "finish_slip@baseline");
    assert!(NewsRule::FinishSlip.moves_the_ledger());
    assert!(!NewsRule::CommitmentAtRisk.moves_the_ledger());
}

/// Every 7 days: sent on the 20th, due on the 27th (today: 0 days past),
/// not due on the 26th; never sent, due 7 days after the start.
#[test]
fn a_report_is_due_its_cadence_after_the_last_one() {
    let start = d("2026-11-01");
    assert_eq!(
        report_due(Some(d("2026-11-20")), start, 7, d("2026-11-27")),
        Some((d("2026-11-27"), 0))
    );
    assert_eq!(
        report_due(Some(d("2026-11-20")), start, 7, d("2026-11-26")),
        None
    );
    assert_eq!(
        report_due(None, start, 7, d("2026-11-27")),
        Some((d("2026-11-08"), 19))
    );
}
