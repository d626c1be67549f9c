//! Earned value and earned schedule against published worked examples.
//!
//! Each test names its source. Where a source prints rounded answers, the
//! assertion allows exactly that rounding (half a unit of the last printed
//! digit, or the truncation the source used); where a source gives only the
//! data, the expected answer is derived by hand in the comment.

use super::*;

fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
    (actual - expected).abs() <= tolerance
}

#[track_caller]
fn assert_close(actual: f64, expected: f64, tolerance: f64) {
    assert!(
        close(actual, expected, tolerance),
        "expected {expected} ± {tolerance}, got {actual}"
    );
}

#[track_caller]
fn assert_some_close(actual: Option<f64>, expected: f64, tolerance: f64) {
    match actual {
        Some(value) => assert_close(value, expected, tolerance),
        None => panic!("expected {expected} ± {tolerance}, got an undefined value"),
    }
}

fn linear_curve(bac: f64, periods: usize) -> Vec<f64> {
    (1..=periods)
        .map(|k| bac * k as f64 / periods as f64)
        .collect()
}

fn point(at: f64, ev: f64, ac: f64) -> StatusPoint {
    StatusPoint {
        at,
        ev,
        ac,
        manager_eac: None,
    }
}

/// R. Mulcahy, *PMP Exam Prep*, Cost Management chapter, earned value
/// exercise "the fence": four sides, one per day at $1,000 each; at the end
/// of day 3 sides 1 and 2 are done ($1,000 and $1,200 spent) and side 3 is
/// half done ($600 spent). Published answers: CV = −$300, SV = −$500,
/// CPI = 0.89, SPI = 0.83. EAC = BAC/CPI = 4000 × 2800/2500 = $4,480,
/// ETC = $1,680, VAC = −$480. Earned schedule (derived from the same data):
/// C = 2 whole days with PV ≤ 2500, ES = 2 + (2500 − 2000)/1000 = 2.5 days,
/// SV(t) = −0.5 day, SPI(t) = 2.5/3 = 0.833, IEAC(t) = 4/0.833 = 4.8 days.
#[test]
fn mulcahy_fence_exercise_is_behind_and_over_budget() {
    let baseline = Baseline::new(4000.0, vec![1000.0, 2000.0, 3000.0, 4000.0], None).unwrap();
    let m = analyse(&baseline, &point(3.0, 2500.0, 2800.0));

    assert_close(m.pv, 3000.0, 1e-9);
    assert_close(m.cv, -300.0, 1e-9);
    assert_close(m.sv, -500.0, 1e-9);
    assert_some_close(m.cpi, 0.89, 0.005);
    assert_some_close(m.spi, 0.83, 0.005);
    assert_some_close(m.eac.cpi, 4480.0, 1e-6);
    assert_some_close(m.etc, 1680.0, 1e-6);
    assert_some_close(m.vac, -480.0, 1e-6);
    assert_close(m.es, 2.5, 1e-12);
    assert_close(m.sv_t, -0.5, 1e-12);
    assert_some_close(m.spi_t, 2.5 / 3.0, 1e-12);
    assert_some_close(m.ieac_t, 4.8, 1e-12);
}

/// Question "project FG" (tutorsglobe.com, question 52546218): a six-month
/// project with BAC $200,000; after three months PV = $120,000,
/// EV = $60,000, AC = $90,000. CV = −$30,000, SV = −$60,000,
/// CPI = 0.667, SPI = 0.5, EAC = BAC/CPI = $300,000. The question gives no
/// curve beyond month 3, so the test spreads the rest evenly; only the
/// month-3 figures are the source's.
#[test]
fn project_fg_after_three_months() {
    let planned = vec![
        40_000.0, 80_000.0, 120_000.0, 146_000.0, 172_000.0, 200_000.0,
    ];
    let baseline = Baseline::new(200_000.0, planned, None).unwrap();
    let m = analyse(&baseline, &point(3.0, 60_000.0, 90_000.0));

    assert_close(m.cv, -30_000.0, 1e-9);
    assert_close(m.sv, -60_000.0, 1e-9);
    assert_some_close(m.cpi, 0.667, 0.0005);
    assert_some_close(m.spi, 0.5, 1e-12);
    assert_some_close(m.eac.cpi, 300_000.0, 1e-6);
    // Derived: ES = 1 + (60,000 − 40,000)/(80,000 − 40,000) = 1.5 months.
    assert_close(m.es, 1.5, 1e-12);
}

/// CE board exam reviewer "Project control and earned value"
/// (ceboardexamgenerator.com, subjects/mstc/construction): BAC P5,000,000,
/// EV P1,500,000, AC P1,800,000; "EAC assuming the current cost efficiency
/// continues" = BAC/CPI = P6,000,000. The same page's TCPI item: CPI =
/// 3M/3.5M = 0.857 and TCPI = (BAC − EV)/(BAC − AC) = 1.077 with BAC
/// P10,000,000 (7/6.5 = 1.0769).
#[test]
fn ce_board_reviewer_eac_and_tcpi() {
    let baseline = Baseline::new(5_000_000.0, linear_curve(5_000_000.0, 10), None).unwrap();
    let m = analyse(&baseline, &point(4.0, 1_500_000.0, 1_800_000.0));
    assert_some_close(m.eac.cpi, 6_000_000.0, 1e-6);

    let baseline = Baseline::new(10_000_000.0, linear_curve(10_000_000.0, 10), None).unwrap();
    let m = analyse(&baseline, &point(4.0, 3_000_000.0, 3_500_000.0));
    assert_some_close(m.cpi, 0.857, 0.0005);
    assert_some_close(m.tcpi.bac, 1.077, 0.0005);
}

/// Simplilearn community, "PMP Homework – EVM Exercise" (thread 4620),
/// trainer's answer: BAC $26M, EV $13M, PV $21M, AC $12M → CV $1M,
/// SV −$8M, CPI 1.08, SPI 0.62, EAC $24M, ETC $12M.
#[test]
fn simplilearn_homework_trainer_answer() {
    let mut planned = linear_curve(26.0, 13);
    // PV of $21M at the status period (period 10); the rest of the curve is
    // not in the source and only has to stay cumulative.
    planned[9] = 21.0;
    planned[10] = 22.0;
    planned[11] = 24.0;
    let baseline = Baseline::new(26.0, planned, None).unwrap();
    let m = analyse(&baseline, &point(10.0, 13.0, 12.0));

    assert_close(m.pv, 21.0, 1e-12);
    assert_close(m.cv, 1.0, 1e-12);
    assert_close(m.sv, -8.0, 1e-12);
    assert_some_close(m.cpi, 1.08, 0.005);
    assert_some_close(m.spi, 0.62, 0.005);
    assert_some_close(m.eac.cpi, 24.0, 0.005);
    assert_some_close(m.etc, 12.0, 0.005);
}

/// PM 592 week 5 assignment, problem 5-1 (scribd document 131732136): at the
/// end of day 6, PV = $101,000, AC = $88,880, EV = $86,860 → SV = −$14,140,
/// CV = −$2,020, SPI = .86, CPI = .97 (the source truncates 0.9773 to two
/// digits, so the tolerance is one unit of the last digit, downward).
#[test]
fn pm592_problem_5_1_day_six() {
    let planned = vec![
        15_000.0, 32_000.0, 50_000.0, 67_000.0, 84_000.0, 101_000.0, 118_000.0,
    ];
    let baseline = Baseline::new(118_000.0, planned, None).unwrap();
    let m = analyse(&baseline, &point(6.0, 86_860.0, 88_880.0));

    assert_close(m.sv, -14_140.0, 1e-9);
    assert_close(m.cv, -2_020.0, 1e-9);
    assert_some_close(m.spi, 0.86, 0.005);
    let cpi = m.cpi.unwrap();
    assert!(
        (0.97..0.98).contains(&cpi),
        "CPI {cpi} does not truncate to .97"
    );
}

/// HKSM definitions, "Earned Schedule (ES)" (hksmnow.com): at week 20 the EV
/// equals the PV planned for week 18, so ES = 18 weeks, SV(t) = −2 weeks and
/// SPI(t) = 0.90.
#[test]
fn hksm_earned_schedule_week_twenty() {
    let baseline = Baseline::new(52_000.0, linear_curve(52_000.0, 52), None).unwrap();
    let ev_of_week_18 = baseline.planned()[17];
    let m = analyse(&baseline, &point(20.0, ev_of_week_18, ev_of_week_18));

    assert_close(m.es, 18.0, 1e-9);
    assert_close(m.sv_t, -2.0, 1e-9);
    assert_some_close(m.spi_t, 0.90, 1e-9);
    // Derived: IEAC(t) = 52 / 0.9 = 57.78 weeks.
    assert_some_close(m.ieac_t, 52.0 / 0.9, 1e-9);
}

/// "Earned Schedule Calculation Example" (cal16.calculator.city): PD = 52
/// weeks, BAC = $5.3M spread evenly, EV = $2.7M after 30 weeks. The source
/// says the team "has achieved only twenty-six weeks of planned progress"
/// and a "four-week deficit" (whole weeks); exactly, ES = 2.7/5.3 × 52 =
/// 26.49 weeks and SV(t) = −3.51 weeks.
#[test]
fn calculator_city_fifty_two_week_programme() {
    let baseline = Baseline::new(5.3e6, linear_curve(5.3e6, 52), None).unwrap();
    let m = analyse(&baseline, &point(30.0, 2.7e6, 2.9e6));

    assert_eq!(m.es.floor(), 26.0);
    assert_eq!(30.0 - m.es.floor(), 4.0);
    assert_close(m.es, 2.7 / 5.3 * 52.0, 1e-9);
    assert_close(m.sv_t, 2.7 / 5.3 * 52.0 - 30.0, 1e-9);
}

/// W. Lipke, "Earned Schedule … an emerging enhancement to EVM",
/// International Metrics Congress 2007 (PMI MetSIG), slide 7: "7 months
/// gone by, but the project only has Earned Schedule to Month 5" — two
/// months behind, where SV in dollars cannot say how late. With EV equal
/// to the planned value of May at the end of July: ES = 5, SV(t) = −2
/// months, SPI(t) = 5/7 = 0.714 (derived from the slide's figures).
#[test]
fn lipke_seven_months_gone_earned_schedule_to_month_five() {
    let planned = vec![
        20.0, 50.0, 100.0, 170.0, 250.0, 340.0, 430.0, 520.0, 600.0, 660.0,
    ];
    let baseline = Baseline::new(660.0, planned, None).unwrap();
    let m = analyse(&baseline, &point(7.0, 250.0, 300.0));
    assert_close(m.es, 5.0, 1e-12);
    assert_close(m.sv_t, -2.0, 1e-12);
    assert_some_close(m.spi_t, 5.0 / 7.0, 1e-12);
    // The dollar view: SV = 250 − 430 = −180, which says nothing about months.
    assert_close(m.sv, -180.0, 1e-12);
}

/// Lipke's interpolation with a status inside the curve (derived): PV =
/// [100, 250, 450, 700, 1000], EV = 520 at AT = 4. C = 3 (100, 250, 450
/// ≤ 520); ES = 3 + (520 − 450)/(700 − 450) = 3.28; SPI(t) = 0.82;
/// IEAC(t) = 5/0.82 = 6.0976; TSPI = (5 − 3.28)/(5 − 4) = 1.72.
/// EAC by the three methods with AC = 600, CPI = 520/600, SPI = 520/700:
/// BAC/CPI = 1153.85; AC + BAC − EV = 1080; AC + 480/(CPI×SPI) = 1345.56.
#[test]
fn earned_schedule_interpolates_inside_the_next_period() {
    let baseline = Baseline::new(1000.0, vec![100.0, 250.0, 450.0, 700.0, 1000.0], None).unwrap();
    let m = analyse(&baseline, &point(4.0, 520.0, 600.0));

    assert_close(m.es, 3.28, 1e-12);
    assert_some_close(m.spi_t, 0.82, 1e-12);
    assert_some_close(m.ieac_t, 5.0 / 0.82, 1e-12);
    assert_some_close(m.tspi, 1.72, 1e-12);
    assert_some_close(m.eac.cpi, 1000.0 * 600.0 / 520.0, 1e-9);
    assert_close(m.eac.budget_rate, 1080.0, 1e-12);
    let cpi_spi = (520.0 / 600.0) * (520.0 / 700.0);
    assert_some_close(m.eac.cpi_spi, 600.0 + 480.0 / cpi_spi, 1e-9);
    assert_some_close(m.tcpi.bac, 480.0 / 400.0, 1e-12);
    // With no manager's EAC, TCPI(EAC) uses BAC/CPI and equals the CPI.
    assert_some_close(m.tcpi.eac, 520.0 / 600.0, 1e-12);
    assert_close(m.percent_complete, 52.0, 1e-12);
    assert_close(m.percent_spent, 60.0, 1e-12);
}

#[test]
fn tcpi_to_eac_uses_the_managers_estimate_when_given() {
    let baseline = Baseline::new(1000.0, vec![500.0, 1000.0], None).unwrap();
    let status = StatusPoint {
        manager_eac: Some(1100.0),
        ..point(1.0, 400.0, 500.0)
    };
    let m = analyse(&baseline, &status);
    // (1000 − 400) / (1100 − 500) = 1.0
    assert_some_close(m.tcpi.eac, 1.0, 1e-12);
    assert_eq!(m.eac.manager, Some(1100.0));
}

#[test]
fn flat_stretch_of_the_baseline_takes_the_later_end() {
    let baseline =
        Baseline::new(400.0, vec![100.0, 200.0, 200.0, 200.0, 300.0, 400.0], None).unwrap();
    // Periods 2, 3 and 4 all plan 200: EV of 200 earns through period 4.
    assert_close(baseline.earned_schedule(200.0), 4.0, 1e-12);
    // Just past the flat stretch, interpolation runs in period 5.
    assert_close(baseline.earned_schedule(250.0), 4.5, 1e-12);
}

#[test]
fn earned_value_reaching_the_budget_earns_the_whole_planned_duration() {
    let baseline = Baseline::new(1000.0, vec![250.0, 500.0, 750.0, 1000.0], None).unwrap();
    let m = analyse(&baseline, &point(5.0, 1000.0, 1200.0));
    assert_close(m.es, 4.0, 1e-12);
    assert_some_close(m.spi_t, 0.8, 1e-12);
    assert_some_close(m.ieac_t, 5.0, 1e-12);
    assert_close(m.sv_t, -1.0, 1e-12);
    // SPI is back to 1 when everything is earned, which is why ES exists.
    assert_some_close(m.spi, 1.0, 1e-12);
}

/// A late project, status after the planned finish: PV is then BAC and SPI
/// drifts towards 1, but earned schedule still forecasts. Pump station
/// example: PD = 5, AT = 7, EV = 380,000 of 420,000.
/// ES = 4 + (380 − 300)/(420 − 300) = 4.667; SPI(t) = 4.667/7 = 0.6667;
/// IEAC(t) = 5/0.6667 = 7.5; TSPI = (5 − 4.667)/(7.5 − 7) = 0.6667.
/// With monthly period ends, 7.5 periods lands half-way through the second
/// month after May 31 (last period 31 days): 2026-05-31 + 2.5 × 31 = 77.5
/// days, rounded half away from zero to 78 → 2026-08-17.
#[test]
fn late_project_after_the_planned_finish_still_forecasts() {
    let ends = [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
    ]
    .iter()
    .map(|d| d.parse().unwrap())
    .collect();
    let calendar = Calendar::new(None, ends).unwrap();
    let planned = vec![30_000.0, 90_000.0, 180_000.0, 300_000.0, 420_000.0];
    let baseline = Baseline::new(420_000.0, planned, Some(calendar)).unwrap();
    let m = analyse(&baseline, &point(7.0, 380_000.0, 450_000.0));

    assert_close(m.pv, 420_000.0, 1e-9);
    assert_some_close(m.spi, 380.0 / 420.0, 1e-12);
    assert_close(m.es, 4.0 + 80.0 / 120.0, 1e-12);
    assert_some_close(m.spi_t, (4.0 + 80.0 / 120.0) / 7.0, 1e-12);
    assert_some_close(m.ieac_t, 7.5, 1e-12);
    assert_some_close(m.tspi, (5.0 - (4.0 + 80.0 / 120.0)) / 0.5, 1e-12);
    assert_eq!(m.forecast_finish, Some("2026-08-17".parse().unwrap()));
}

/// First period: C = 0 and ES is the share of period 1's PV earned.
/// PV_1 = 30,000, EV = 24,000 → ES = 0.8, SPI(t) = 0.8, IEAC(t) = 6.25.
#[test]
fn first_period_interpolates_from_zero() {
    let baseline = Baseline::new(
        420_000.0,
        vec![30_000.0, 90_000.0, 180_000.0, 300_000.0, 420_000.0],
        None,
    )
    .unwrap();
    let m = analyse(&baseline, &point(1.0, 24_000.0, 20_000.0));
    assert_close(m.es, 0.8, 1e-12);
    assert_some_close(m.spi_t, 0.8, 1e-12);
    assert_some_close(m.ieac_t, 6.25, 1e-12);
    assert_some_close(m.cpi, 1.2, 1e-12);
}

#[test]
fn undefined_ratios_are_absent_not_infinite() {
    let baseline = Baseline::new(1000.0, vec![0.0, 500.0, 1000.0], None).unwrap();
    // Nothing planned, earned or spent yet in period 1.
    let m = analyse(&baseline, &point(1.0, 0.0, 0.0));
    assert_eq!(m.spi, None);
    assert_eq!(m.cpi, None);
    assert_eq!(m.eac.cpi, None);
    assert_eq!(m.eac.cpi_spi, None);
    assert_eq!(m.etc, None);
    assert_eq!(m.vac, None);
    // ES takes the later end of the flat start: one period earned.
    assert_close(m.es, 1.0, 1e-12);

    // Money spent, nothing earned: CPI is 0 and BAC/CPI is undefined.
    let m = analyse(&baseline, &point(2.0, 0.0, 300.0));
    assert_some_close(m.cpi, 0.0, 0.0);
    assert_eq!(m.eac.cpi, None);
    assert_close(m.eac.budget_rate, 1300.0, 1e-12);
}

#[test]
fn fractional_actual_time_interpolates_planned_value() {
    let baseline = Baseline::new(1000.0, vec![200.0, 600.0, 1000.0], None).unwrap();
    assert_close(baseline.planned_value_at(1.5), 400.0, 1e-12);
    assert_close(baseline.planned_value_at(0.25), 50.0, 1e-12);
    assert_close(baseline.planned_value_at(9.0), 1000.0, 1e-12);
}

#[test]
fn calendar_converts_dates_to_periods_and_back() {
    let ends = vec!["2026-01-31".parse().unwrap(), "2026-02-28".parse().unwrap()];
    let calendar = Calendar::new(Some("2026-01-01".parse().unwrap()), ends).unwrap();
    // Period 1 is January 1 to 31, both included: at the end of January
    // 16, 16 of its 31 days have passed; at the end of the start day, one.
    assert_close(
        calendar.time_at("2026-01-16".parse().unwrap()),
        16.0 / 31.0,
        1e-12,
    );
    assert_close(
        calendar.time_at("2026-01-01".parse().unwrap()),
        1.0 / 31.0,
        1e-12,
    );
    assert_close(calendar.time_at("2025-12-31".parse().unwrap()), 0.0, 1e-12);
    assert_close(calendar.time_at("2026-02-28".parse().unwrap()), 2.0, 1e-12);
    // After the last period time runs on at February's 28 days.
    assert_close(calendar.time_at("2026-03-14".parse().unwrap()), 2.5, 1e-12);
    assert_eq!(calendar.date_at(1.0), "2026-01-31".parse().ok());
    assert_eq!(calendar.date_at(2.5), "2026-03-14".parse().ok());
}

#[test]
fn baseline_refuses_what_cannot_be_a_baseline() {
    assert_eq!(
        Baseline::new(-5.0, vec![1.0], None),
        Err(EvmError::NonPositiveBudget(-5.0))
    );
    assert_eq!(
        Baseline::new(10.0, vec![], None),
        Err(EvmError::EmptyBaseline)
    );
    assert_eq!(
        Baseline::new(10.0, vec![5.0, 4.0, 10.0], None),
        Err(EvmError::DecreasingPlannedValue {
            period: 2,
            previous: 5.0,
            value: 4.0
        })
    );
    assert!(matches!(
        Baseline::new(10.0, vec![5.0, 9.0], None),
        Err(EvmError::BaselineDoesNotReachBudget { .. })
    ));
    let calendar = Calendar::new(None, vec!["2026-01-31".parse().unwrap()]).unwrap();
    assert!(matches!(
        Baseline::new(10.0, vec![5.0, 10.0], Some(calendar)),
        Err(EvmError::PeriodEndCount {
            expected: 2,
            given: 1
        })
    ));
}

#[test]
fn status_series_must_run_forward_in_time() {
    let baseline = Baseline::new(10.0, vec![5.0, 10.0], None).unwrap();
    let series = [point(2.0, 1.0, 1.0), point(1.0, 2.0, 2.0)];
    assert_eq!(
        analyse_series(&baseline, &series),
        Err(EvmError::StatusOutOfOrder {
            index: 2,
            previous: 2.0,
            at: 1.0
        })
    );
    let series = [point(1.0, -1.0, 1.0)];
    assert!(matches!(
        analyse_series(&baseline, &series),
        Err(EvmError::NegativeAmount { field: "ev", .. })
    ));
}

/// A tiny EV on a real project once overflowed the date type and took the
/// portfolio down: the forecast is absent, with its reason, never a panic
/// or a date in the year 188,608.
#[test]
fn a_forecast_too_far_out_is_absent_with_its_reason_not_a_panic() {
    let ends: Vec<NaiveDate> = (1..=12)
        .map(|m| NaiveDate::from_ymd_opt(2026, m, 28).unwrap())
        .collect();
    let calendar = Calendar::new(Some("2025-12-28".parse().unwrap()), ends).unwrap();
    // A small project: EV 0.01 of 1,000 is ES 0.00012 periods at month 6,
    // SPI(t) 0.00002, IEAC(t) 600,000 periods, some 49,000 years.
    let baseline = Baseline::new(1_000.0, linear_curve(1_000.0, 12), Some(calendar)).unwrap();
    for ev in [0.01, 0.02] {
        let m = analyse(&baseline, &point(6.0, ev, 500.0));
        assert!(m.ieac_t.is_some_and(|t| t > 1e5), "EV {ev}: {:?}", m.ieac_t);
        assert_eq!(m.forecast_finish, None, "EV {ev}");
        let note = m.forecast_note.unwrap_or_default();
        assert!(note.contains("falls after 2200-12-31"), "EV {ev}: {note}");
    }
    // A realistic slip still gets its date, and no note.
    let m = analyse(&baseline, &point(6.0, 400.0, 500.0));
    assert!(m.forecast_finish.is_some() && m.forecast_note.is_none());
}

#[test]
fn dates_past_the_horizon_or_not_finite_are_absent() {
    let ends = vec!["2026-01-31".parse().unwrap()];
    let calendar = Calendar::new(Some("2026-01-01".parse().unwrap()), ends).unwrap();
    for t in [1e300, f64::INFINITY, f64::NAN, 1e7] {
        assert_eq!(calendar.date_at(t), None, "{t}");
    }
    // No time elapsed: the end of the day before period 1's first day.
    assert_eq!(calendar.date_at(0.0), "2025-12-31".parse().ok());
}

/// All work earned (EV = BAC) over budget (AC > BAC): no work is left, so
/// the efficiency the rest needs is undefined (null, shown "—"), not the
/// 0 / (1000 − 1100) = −0.00 it was.
#[test]
fn tcpi_is_undefined_once_no_work_is_left() {
    let baseline = Baseline::new(1000.0, vec![500.0, 1000.0], None).unwrap();
    let m = analyse(&baseline, &point(2.0, 1000.0, 1100.0));
    assert_eq!((m.tcpi.bac, m.tcpi.eac), (None, None));
    // Work left, over budget: defined (negative: the budget is gone).
    let m = analyse(&baseline, &point(2.0, 900.0, 1100.0));
    assert_some_close(m.tcpi.bac, 100.0 / -100.0, 1e-12);
}

/// Issue 10, point 12: EV 20,015.36 against PV 22,000 subtracts to
/// −1984.6399999999994 in binary; the output says −1984.64, the amount to
/// the cent, while ratios keep full precision.
#[test]
fn money_is_exact_to_the_minor_unit_and_ratios_are_not_rounded() {
    let baseline = Baseline::new(44_000.0, vec![22_000.0, 44_000.0], None).unwrap();
    let raw = analyse(&baseline, &point(1.0, 20_015.36, 21_000.0));
    assert_eq!(raw.sv, 20_015.36 - 22_000.0);
    let m = raw.clone().money_to(2);
    assert_eq!(m.sv, -1984.64);
    assert_eq!(
        serde_json::to_value(&m).unwrap()["sv"].to_string(),
        "-1984.64"
    );
    assert_eq!(m.cpi, raw.cpi, "a ratio is not rounded");
    assert_eq!(m.money_to(0).sv, -1985.0);
}
