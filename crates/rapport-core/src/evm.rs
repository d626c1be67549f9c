//! Earned value and earned schedule.
//!
//! Owns every delivery number Rapport shows about cost and schedule
//! performance: PV, EV, AC and the indices and forecasts derived from them.
//! It does not know where the numbers come from (a TOML file, the database)
//! nor how they are shown; callers build a [`Baseline`] and a list of
//! [`StatusPoint`]s and get plain [`EvmMetrics`] back.
//!
//! Sources for the formulas:
//! - PMI, *Practice Standard for Earned Value Management*, 2nd ed. (2011),
//!   ch. 4 and Table 4-1 (SV, CV, SPI, CPI, EAC, ETC, VAC, TCPI).
//! - W. Lipke, "Schedule is Different", *The Measurable News*, March 2003,
//!   and the same Practice Standard, Appendix D (ES, SV(t), SPI(t), IEAC(t),
//!   TSPI).
//!
//! Time is measured in *periods* of the baseline (a month, a week): period k
//! ends at `period_ends[k-1]`. Actual time AT may be fractional when a status
//! date falls inside a period; PV is then interpolated linearly inside the
//! period, which is what the cumulative PV curve means between its points.
//!
//! Ratios with a zero denominator (SPI with PV = 0, CPI with AC = 0, …) are
//! `None`, never infinity or NaN: a report must say "not yet defined", not
//! print `inf`.

use chrono::NaiveDate;
use serde::Serialize;

/// Tolerance for comparing money amounts held as `f64`: well below one minor
/// unit of any currency at the sizes Rapport handles (< 10^12).
const MONEY_EPSILON: f64 = 1e-6;

/// Why a baseline or status series cannot be analysed. Each variant names
/// the offending position so the caller can point at a file line or field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvmError {
    #[error("the budget at completion must be greater than zero (got {0})")]
    NonPositiveBudget(f64),
    #[error("the planned-value curve is empty: give the cumulative planned value at the end of each period")]
    EmptyBaseline,
    #[error("planned value at period {period} is {value}, which is negative")]
    NegativePlannedValue { period: usize, value: f64 },
    #[error("the planned-value curve decreases at period {period}: {value} is below {previous} at period {}; planned values are cumulative, so each must be at least the one before", period - 1)]
    DecreasingPlannedValue {
        period: usize,
        previous: f64,
        value: f64,
    },
    #[error("the planned value at the last period ({last}) must equal the budget at completion ({bac}): the baseline spends the whole budget by its finish")]
    BaselineDoesNotReachBudget { last: f64, bac: f64 },
    #[error("{given} period end dates were given for {expected} periods; give one date per period or none")]
    PeriodEndCount { expected: usize, given: usize },
    #[error("period end dates must increase: period {period} ends on {date}, not after period {} ({previous})", period - 1)]
    PeriodEndsNotIncreasing {
        period: usize,
        previous: NaiveDate,
        date: NaiveDate,
    },
    #[error("the baseline start {start} (the first day of period 1) must not be after the end of period 1 ({first_end})")]
    StartNotBeforeFirstPeriod {
        start: NaiveDate,
        first_end: NaiveDate,
    },
    #[error("status {index}: actual time must be greater than zero (got {at})")]
    NonPositiveTime { index: usize, at: f64 },
    #[error("status {index}: {field} must not be negative (got {value})")]
    NegativeAmount {
        index: usize,
        field: &'static str,
        value: f64,
    },
    #[error("status {index} is at time {at}, not after the status before it (time {previous}); list status records in time order, one per status date")]
    StatusOutOfOrder {
        index: usize,
        previous: f64,
        at: f64,
    },
}

/// The agreed baseline: budget at completion and the cumulative planned-value
/// curve, optionally with the calendar dates that end each period.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    bac: f64,
    /// Cumulative PV at the end of periods 1..=PD.
    planned: Vec<f64>,
    calendar: Option<Calendar>,
}

/// Maps baseline periods to dates and back.
///
/// Dates are whole days and a status is taken at the end of its day: period
/// 1 runs from its first day (the baseline start) to its end date, both
/// included, so on the start day one day of it has passed, and on its end
/// date all of it. Internally the periods are bounded by the end of the day
/// before the start and the end of each period's end date.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// The end of the day before period 1 begins.
    before_start: NaiveDate,
    ends: Vec<NaiveDate>,
}

impl Calendar {
    /// `start` is the first day of period 1; when it is unknown, pass
    /// `None` and period 1 is assumed as long as period 2 (or 30 days for a
    /// single period), which is how monthly baselines are usually drawn.
    pub fn new(start: Option<NaiveDate>, ends: Vec<NaiveDate>) -> Result<Self, EvmError> {
        if ends.is_empty() {
            return Err(EvmError::EmptyBaseline);
        }
        for (i, pair) in ends.windows(2).enumerate() {
            if pair[1] <= pair[0] {
                return Err(EvmError::PeriodEndsNotIncreasing {
                    period: i + 2,
                    previous: pair[0],
                    date: pair[1],
                });
            }
        }
        let before_start = match start {
            Some(start) if start > ends[0] => {
                return Err(EvmError::StartNotBeforeFirstPeriod {
                    start,
                    first_end: ends[0],
                })
            }
            Some(start) => start - chrono::Duration::days(1),
            None => {
                let first_len = if ends.len() > 1 {
                    ends[1] - ends[0]
                } else {
                    chrono::Duration::days(30)
                };
                ends[0] - first_len
            }
        };
        Ok(Self { before_start, ends })
    }

    /// The first day of period 1 (given, or inferred).
    pub fn start(&self) -> NaiveDate {
        self.before_start + chrono::Duration::days(1)
    }

    pub fn period_ends(&self) -> &[NaiveDate] {
        &self.ends
    }

    /// The boundary between period k and k+1 (k = 0 is the start).
    fn boundary(&self, k: usize) -> NaiveDate {
        if k == 0 {
            self.before_start
        } else {
            self.ends[k - 1]
        }
    }

    /// Actual time in periods at a date: whole periods elapsed plus the
    /// elapsed share of the current one (by calendar days). After the last
    /// period, time runs on at the length of the last period.
    pub fn time_at(&self, date: NaiveDate) -> f64 {
        let pd = self.ends.len();
        if date <= self.before_start {
            return 0.0;
        }
        for k in 0..pd {
            let (from, to) = (self.boundary(k), self.boundary(k + 1));
            if date <= to {
                return k as f64 + days(from, date) / days(from, to);
            }
        }
        let last_len = days(self.boundary(pd - 1), self.boundary(pd));
        pd as f64 + days(self.boundary(pd), date) / last_len
    }

    /// The date reached after `t` periods (the inverse of [`Self::time_at`]),
    /// rounded to the nearest day; `None` past [`LATEST_FORECAST`] (a
    /// forecast that far out says only that progress is too small to
    /// forecast from, and the date arithmetic would overflow before long).
    pub fn date_at(&self, t: f64) -> Option<NaiveDate> {
        if !t.is_finite() {
            return None;
        }
        let pd = self.ends.len();
        let t = t.max(0.0);
        let k = (t.floor() as usize).min(pd - 1);
        let (from, to) = (self.boundary(k), self.boundary(k + 1));
        let offset = (t - k as f64) * days(from, to);
        // Snap away floating-point noise first, so that 108.4999999 days
        // (a forecast of exactly half a day) rounds like 108.5 does.
        let offset = (offset * 1e6).round() / 1e6;
        let horizon = days(from, LATEST_FORECAST);
        if offset.round() > horizon {
            return None;
        }
        // Within the horizon the day count fits easily; checked anyway.
        chrono::TimeDelta::try_days(offset.round() as i64)
            .and_then(|delta| from.checked_add_signed(delta))
    }
}

/// The latest forecast date given: past it, a forecast finish is reported
/// as absent with [`EvmMetrics::forecast_note`] saying why.
pub const LATEST_FORECAST: NaiveDate = match NaiveDate::from_ymd_opt(2200, 12, 31) {
    Some(date) => date,
    None => NaiveDate::MAX,
};

fn days(from: NaiveDate, to: NaiveDate) -> f64 {
    (to - from).num_days() as f64
}

impl Baseline {
    /// Builds a baseline, refusing a non-positive budget, an empty or
    /// decreasing curve, or a curve that does not end at the budget.
    pub fn new(bac: f64, planned: Vec<f64>, calendar: Option<Calendar>) -> Result<Self, EvmError> {
        if bac.is_nan() || bac <= 0.0 {
            return Err(EvmError::NonPositiveBudget(bac));
        }
        if planned.is_empty() {
            return Err(EvmError::EmptyBaseline);
        }
        let mut previous = 0.0;
        for (i, &value) in planned.iter().enumerate() {
            if value.is_nan() || value < 0.0 {
                return Err(EvmError::NegativePlannedValue {
                    period: i + 1,
                    value,
                });
            }
            if value + MONEY_EPSILON < previous {
                return Err(EvmError::DecreasingPlannedValue {
                    period: i + 1,
                    previous,
                    value,
                });
            }
            previous = value;
        }
        let last = planned[planned.len() - 1];
        if (last - bac).abs() > MONEY_EPSILON.max(bac * 1e-9) {
            return Err(EvmError::BaselineDoesNotReachBudget { last, bac });
        }
        if let Some(calendar) = &calendar {
            if calendar.ends.len() != planned.len() {
                return Err(EvmError::PeriodEndCount {
                    expected: planned.len(),
                    given: calendar.ends.len(),
                });
            }
        }
        Ok(Self {
            bac,
            planned,
            calendar,
        })
    }

    pub fn bac(&self) -> f64 {
        self.bac
    }

    /// Planned duration PD, in periods.
    pub fn planned_duration(&self) -> usize {
        self.planned.len()
    }

    pub fn planned(&self) -> &[f64] {
        &self.planned
    }

    pub fn calendar(&self) -> Option<&Calendar> {
        self.calendar.as_ref()
    }

    /// Cumulative PV at the end of whole period `k` (PV at period 0 is 0;
    /// after the planned finish it is the whole budget).
    fn pv_at_period(&self, k: usize) -> f64 {
        if k == 0 {
            0.0
        } else {
            self.planned[(k - 1).min(self.planned.len() - 1)]
        }
    }

    /// PV at actual time `at`, interpolated linearly inside a period.
    /// Once `at` reaches the planned duration, PV is BAC.
    pub fn planned_value_at(&self, at: f64) -> f64 {
        let pd = self.planned.len();
        if at >= pd as f64 {
            return self.bac;
        }
        let k = at.floor() as usize;
        let fraction = at - k as f64;
        let (low, high) = (self.pv_at_period(k), self.pv_at_period(k + 1));
        low + fraction * (high - low)
    }

    /// Earned schedule ES for an earned value (Lipke 2003; Practice Standard
    /// for EVM, App. D): C, the number of whole periods whose cumulative PV
    /// is at most EV, plus the linear fraction of period C+1,
    /// (EV − PV_C) / (PV_{C+1} − PV_C). Counting every period with PV ≤ EV
    /// takes the later end of a flat stretch of the curve. Once EV reaches
    /// BAC, ES is the planned duration.
    pub fn earned_schedule(&self, ev: f64) -> f64 {
        let pd = self.planned.len();
        if ev + MONEY_EPSILON >= self.bac {
            return pd as f64;
        }
        let c = self
            .planned
            .iter()
            .take_while(|&&pv| pv <= ev + MONEY_EPSILON)
            .count();
        // c < pd here: the last PV equals BAC and EV < BAC.
        let (low, high) = (self.pv_at_period(c), self.pv_at_period(c + 1));
        let fraction = if high > low {
            ((ev - low) / (high - low)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        c as f64 + fraction
    }
}

/// Progress recorded at one status date: cumulative EV and AC at actual
/// time `at` (in periods of the baseline).
#[derive(Debug, Clone, PartialEq)]
pub struct StatusPoint {
    pub at: f64,
    pub ev: f64,
    pub ac: f64,
    /// The project manager's own bottom-up estimate at completion, if any.
    pub manager_eac: Option<f64>,
}

/// Estimates at completion by the three standard formulas, named for what
/// they assume (Practice Standard for EVM, 2nd ed., Table 4-1). Tools label
/// these "typical"/"atypical" inconsistently; Rapport names the factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimatesAtCompletion {
    /// BAC / CPI: the cost efficiency so far continues to the end.
    pub cpi: Option<f64>,
    /// AC + (BAC − EV): the remaining work is done at the budgeted rate.
    pub budget_rate: f64,
    /// AC + (BAC − EV) / (CPI × SPI): both cost and schedule efficiency
    /// weigh on the remaining work.
    pub cpi_spi: Option<f64>,
    /// The project manager's own estimate, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager: Option<f64>,
}

impl EvmMetrics {
    /// The same measures with every amount of money rounded to the
    /// currency's minor unit (`digits` decimals), so that an output says
    /// −1984.64 where the subtraction gave −1984.6399999999994. Ratios,
    /// percentages and periods keep full precision.
    pub fn money_to(mut self, digits: u32) -> Self {
        let scale = 10f64.powi(digits as i32);
        let round = |v: f64| (v * scale).round() / scale;
        let round_opt = |v: Option<f64>| v.map(round);
        self.pv = round(self.pv);
        self.ev = round(self.ev);
        self.ac = round(self.ac);
        self.sv = round(self.sv);
        self.cv = round(self.cv);
        self.eac.cpi = round_opt(self.eac.cpi);
        self.eac.budget_rate = round(self.eac.budget_rate);
        self.eac.cpi_spi = round_opt(self.eac.cpi_spi);
        self.eac.manager = round_opt(self.eac.manager);
        self.etc = round_opt(self.etc);
        self.vac = round_opt(self.vac);
        self
    }
}

/// To-complete performance indices: the cost efficiency the remaining work
/// needs to finish at BAC, or at the current EAC.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToCompletePerformance {
    /// (BAC − EV) / (BAC − AC).
    pub bac: Option<f64>,
    /// (BAC − EV) / (EAC − AC), with the manager's EAC when given, else
    /// BAC / CPI.
    pub eac: Option<f64>,
}

/// Every earned value and earned schedule measure at one status point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvmMetrics {
    /// Actual time AT, in periods. Not serialised: the file report gives the
    /// whole period and the API the status date beside it.
    #[serde(skip)]
    pub at: f64,
    pub pv: f64,
    pub ev: f64,
    pub ac: f64,
    /// SV = EV − PV.
    pub sv: f64,
    /// CV = EV − AC.
    pub cv: f64,
    /// SPI = EV / PV.
    pub spi: Option<f64>,
    /// CPI = EV / AC.
    pub cpi: Option<f64>,
    pub eac: EstimatesAtCompletion,
    /// ETC = EAC(CPI) − AC.
    pub etc: Option<f64>,
    /// VAC = BAC − EAC(CPI).
    pub vac: Option<f64>,
    pub tcpi: ToCompletePerformance,
    /// EV / BAC, in percent.
    pub percent_complete: f64,
    /// AC / BAC, in percent.
    pub percent_spent: f64,
    /// Earned schedule ES, in periods.
    pub es: f64,
    /// SV(t) = ES − AT, in periods.
    pub sv_t: f64,
    /// SPI(t) = ES / AT.
    pub spi_t: Option<f64>,
    /// IEAC(t) = PD / SPI(t): the forecast duration, in periods.
    pub ieac_t: Option<f64>,
    /// TSPI = (PD − ES) / (PD − AT) while AT < PD; once the planned finish
    /// has passed, (PD − ES) / (IEAC(t) − AT), the efficiency needed to
    /// finish at the forecast (Lipke, "Earned Schedule", 2009, ch. 5).
    pub tspi: Option<f64>,
    /// IEAC(t) as a calendar date, when the baseline has dates and the
    /// date is no later than [`LATEST_FORECAST`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast_finish: Option<NaiveDate>,
    /// Why there is no forecast finish although IEAC(t) is defined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast_note: Option<String>,
}

fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    if denominator.abs() <= MONEY_EPSILON {
        None
    } else {
        Some(numerator / denominator)
    }
}

/// Analyses one status point against the baseline. The point is assumed
/// valid (see [`analyse_series`] for the checks).
pub fn analyse(baseline: &Baseline, status: &StatusPoint) -> EvmMetrics {
    let bac = baseline.bac;
    let pd = baseline.planned_duration() as f64;
    let StatusPoint { at, ev, ac, .. } = *status;
    let pv = baseline.planned_value_at(at);

    let spi = ratio(ev, pv);
    let cpi = ratio(ev, ac);
    // BAC / CPI = BAC × AC / EV; undefined while nothing is earned.
    let eac_cpi = cpi.and_then(|cpi| ratio(bac, cpi));
    let eac_cpi_spi = match (cpi, spi) {
        (Some(cpi), Some(spi)) => ratio(bac - ev, cpi * spi).map(|rest| ac + rest),
        _ => None,
    };
    let eac = EstimatesAtCompletion {
        cpi: eac_cpi,
        budget_rate: ac + (bac - ev),
        cpi_spi: eac_cpi_spi,
        manager: status.manager_eac,
    };
    let tcpi_eac_basis = status.manager_eac.or(eac_cpi);
    // With no work left (EV = BAC) the efficiency the rest needs is
    // undefined, not zero: 0 / (BAC − AC) printed as "−0.00" once AC > BAC.
    let work_left = (bac - ev) > MONEY_EPSILON;
    let tcpi = ToCompletePerformance {
        bac: ratio(bac - ev, bac - ac).filter(|_| work_left),
        eac: tcpi_eac_basis
            .and_then(|eac| ratio(bac - ev, eac - ac))
            .filter(|_| work_left),
    };

    let es = baseline.earned_schedule(ev);
    let spi_t = ratio(es, at);
    let ieac_t = spi_t.and_then(|spi_t| ratio(pd, spi_t));
    let tspi = if at < pd {
        ratio(pd - es, pd - at)
    } else {
        ieac_t.and_then(|ieac| {
            if ieac > at {
                ratio(pd - es, ieac - at)
            } else {
                None
            }
        })
    };
    let forecast_finish = match (baseline.calendar(), ieac_t) {
        (Some(calendar), Some(ieac)) => calendar.date_at(ieac),
        _ => None,
    };
    let forecast_note = match (baseline.calendar(), ieac_t, forecast_finish) {
        (Some(_), Some(ieac), None) => Some(format!(
            "at this rate of progress (SPI(t) {:.4}) the forecast finish, {ieac:.0} periods from the start, falls after {LATEST_FORECAST}: too little has been earned to forecast a date",
            spi_t.unwrap_or(0.0)
        )),
        _ => None,
    };

    EvmMetrics {
        at,
        pv,
        ev,
        ac,
        sv: ev - pv,
        cv: ev - ac,
        spi,
        cpi,
        etc: eac_cpi.map(|eac| eac - ac),
        vac: eac_cpi.map(|eac| bac - eac),
        eac,
        tcpi,
        percent_complete: 100.0 * ev / bac,
        percent_spent: 100.0 * ac / bac,
        es,
        sv_t: es - at,
        spi_t,
        ieac_t,
        tspi,
        forecast_finish,
        forecast_note,
    }
}

/// Checks a series of status points (positive time, non-negative amounts,
/// strictly increasing time) and analyses each. Indices in errors count
/// from 1, as a person reading a list would.
pub fn analyse_series(
    baseline: &Baseline,
    series: &[StatusPoint],
) -> Result<Vec<EvmMetrics>, EvmError> {
    let mut previous: Option<f64> = None;
    for (i, point) in series.iter().enumerate() {
        let index = i + 1;
        if point.at.is_nan() || point.at <= 0.0 {
            return Err(EvmError::NonPositiveTime {
                index,
                at: point.at,
            });
        }
        for (field, value) in [("ev", point.ev), ("ac", point.ac)]
            .into_iter()
            .chain(point.manager_eac.map(|eac| ("eac", eac)))
        {
            if value.is_nan() || value < 0.0 {
                return Err(EvmError::NegativeAmount {
                    index,
                    field,
                    value,
                });
            }
        }
        if let Some(previous) = previous {
            if point.at <= previous {
                return Err(EvmError::StatusOutOfOrder {
                    index,
                    previous,
                    at: point.at,
                });
            }
        }
        previous = Some(point.at);
    }
    Ok(series.iter().map(|p| analyse(baseline, p)).collect())
}

pub mod band;

#[cfg(test)]
mod tests;
