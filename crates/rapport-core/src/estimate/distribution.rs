//! Three-point estimates and the distributions drawn through them.
//!
//! - **PERT** is the Beta-PERT distribution with λ = 4: a Beta(α, β) on
//!   [low, high] with α = 1 + 4(likely − low)/(high − low) and
//!   β = 1 + 4(high − likely)/(high − low), so α + β = 6. Its mean is
//!   μ = (low + 4·likely + high)/6 and its variance is
//!   (μ − low)(high − μ)/7 — *not* the textbook ((high − low)/6)², which
//!   understates it: even for a symmetric estimate the Beta-PERT variance
//!   is (high − low)²/28, not /36 (D. Vose, *Risk Analysis*, 3rd ed.,
//!   2008, §9.1.4; the classical formula lives in [`super::pert`], kept for
//!   the textbook method).
//! - **Triangular** on [low, high] with mode likely: mean (a + m + b)/3,
//!   variance (a² + b² + m² − ab − am − bm)/18.
//! - **Uniform** spreads evenly between low and high, ignoring likely.
//!
//! Samples are drawn by inversion, x = Q(u), so a correlated uniform from
//! the copula keeps each marginal exactly as specified. Triangular and
//! uniform quantiles are closed-form; the PERT quantile is tabulated at
//! 1,025 points from the exact density and interpolated linearly. The tests
//! bound its error against the incomplete beta function: under 5e-5 of the
//! range from P0.5 to P99.5 for every shape, a hundredth of the sampling
//! error of a P99 at 10,000 iterations. (2,049 points halve that error and
//! cost a tenth more time on the 1,000-task benchmark, where tables must
//! stay in cache.)

use serde::{Deserialize, Serialize};

/// Which distribution a three-point value follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    Pert,
    Triangular,
    Uniform,
}

impl Shape {
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Pert => "pert",
            Shape::Triangular => "triangular",
            Shape::Uniform => "uniform",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "pert" => Ok(Shape::Pert),
            "triangular" => Ok(Shape::Triangular),
            "uniform" => Ok(Shape::Uniform),
            other => Err(format!(
                "\"{other}\" is not a distribution; use pert, triangular or uniform"
            )),
        }
    }
}

/// Low, most likely and high values, validated: finite, not negative, and
/// low ≤ likely ≤ high.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ThreePoint {
    low: f64,
    likely: f64,
    high: f64,
}

impl ThreePoint {
    pub fn new(low: f64, likely: f64, high: f64) -> Result<Self, String> {
        if ![low, likely, high].iter().all(|v| v.is_finite()) {
            return Err("values must be finite numbers".into());
        }
        if low < 0.0 {
            return Err(format!("low ({low}) must not be negative"));
        }
        if high > Self::MAX {
            return Err(format!(
                "high ({high:e}) is above 1e15, the largest value an estimate takes; give it in larger units"
            ));
        }
        if low > likely {
            return Err(format!(
                "low ({low}) is above likely ({likely}); give [low, likely, high] in increasing order"
            ));
        }
        if likely > high {
            return Err(format!(
                "likely ({likely}) is above high ({high}); give [low, likely, high] in increasing order"
            ));
        }
        Ok(Self { low, likely, high })
    }

    /// The largest value accepted: far above any hours, money or days a
    /// project has, and far below where the samplers' products of ranges
    /// (the triangular's (b − a)², about 1.3e154 from overflow) lose
    /// meaning.
    pub const MAX: f64 = 1e15;

    /// A value known exactly.
    pub fn exact(value: f64) -> Result<Self, String> {
        Self::new(value, value, value)
    }

    pub fn low(&self) -> f64 {
        self.low
    }
    pub fn likely(&self) -> f64 {
        self.likely
    }
    pub fn high(&self) -> f64 {
        self.high
    }

    /// Multiplies all three values (hours × rate, a scale factor).
    pub fn scaled(&self, factor: f64) -> Self {
        Self {
            low: self.low * factor,
            likely: self.likely * factor,
            high: self.high * factor,
        }
    }

    pub fn is_exact(&self) -> bool {
        self.low == self.high
    }

    pub fn mean(&self, shape: Shape) -> f64 {
        let (a, m, b) = (self.low, self.likely, self.high);
        match shape {
            Shape::Pert => (a + 4.0 * m + b) / 6.0,
            Shape::Triangular => (a + m + b) / 3.0,
            Shape::Uniform => (a + b) / 2.0,
        }
    }

    pub fn variance(&self, shape: Shape) -> f64 {
        let (a, m, b) = (self.low, self.likely, self.high);
        match shape {
            Shape::Pert => {
                let mu = self.mean(shape);
                (mu - a) * (b - mu) / 7.0
            }
            Shape::Triangular => (a * a + b * b + m * m - a * b - a * m - b * m) / 18.0,
            Shape::Uniform => (b - a) * (b - a) / 12.0,
        }
    }

    /// Beta shape parameters of the PERT distribution on [low, high].
    pub fn pert_alpha_beta(&self) -> (f64, f64) {
        let width = self.high - self.low;
        if width == 0.0 {
            return (3.0, 3.0);
        }
        let alpha = 1.0 + 4.0 * (self.likely - self.low) / width;
        (alpha, 6.0 - alpha)
    }

    /// Exact CDF, for tests and closed-form checks.
    pub fn cdf(&self, shape: Shape, x: f64) -> f64 {
        let (a, m, b) = (self.low, self.likely, self.high);
        if x <= a {
            return if x < a || a < b { 0.0 } else { 1.0 };
        }
        if x >= b {
            return 1.0;
        }
        match shape {
            Shape::Uniform => (x - a) / (b - a),
            Shape::Triangular => {
                if x <= m {
                    (x - a) * (x - a) / ((b - a) * (m - a))
                } else {
                    1.0 - (b - x) * (b - x) / ((b - a) * (b - m))
                }
            }
            Shape::Pert => {
                let (alpha, beta) = self.pert_alpha_beta();
                regularized_incomplete_beta(alpha, beta, (x - a) / (b - a))
            }
        }
    }

    /// Probability density at x (used for the standard error of simulated
    /// percentiles).
    pub fn pdf(&self, shape: Shape, x: f64) -> f64 {
        let (a, m, b) = (self.low, self.likely, self.high);
        if x < a || x > b || a == b {
            return 0.0;
        }
        match shape {
            Shape::Uniform => 1.0 / (b - a),
            Shape::Triangular => {
                if x <= m {
                    2.0 * (x - a) / ((b - a) * (m - a))
                } else {
                    2.0 * (b - x) / ((b - a) * (b - m))
                }
            }
            Shape::Pert => {
                let (alpha, beta) = self.pert_alpha_beta();
                let t = (x - a) / (b - a);
                let ln_beta = ln_gamma(alpha) + ln_gamma(beta) - ln_gamma(alpha + beta);
                ((alpha - 1.0) * t.ln() + (beta - 1.0) * (1.0 - t).ln() - ln_beta).exp() / (b - a)
            }
        }
    }

    /// Exact quantile Q(p), by closed form or by bisection on the exact CDF
    /// (PERT); slow, for tests and reports, not for sampling.
    pub fn quantile(&self, shape: Shape, p: f64) -> f64 {
        let (a, b) = (self.low, self.high);
        if a == b {
            return a;
        }
        match shape {
            Shape::Pert => {
                let (mut lo, mut hi) = (a, b);
                for _ in 0..200 {
                    let mid = 0.5 * (lo + hi);
                    if self.cdf(shape, mid) < p {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                0.5 * (lo + hi)
            }
            _ => Sampler::new(*self, shape).sample(p),
        }
    }
}

use super::grid::{self, KNOT_BITS, SHAPES, STEPS_PER_UNIT, TABLE_LEN};

/// Quantile tables of Beta(α, 6 − α) for α on a grid over [1, 5] — every
/// PERT shape — built by [`super::grid::shape_grid`] when the crate is
/// compiled (`build.rs`) and embedded: a constant table, not state, that
/// costs a run nothing to start. (Built at run time it took 5 ms, most of a
/// short `rapport estimate`.) A value's quantile is interpolated
/// bilinearly: between the two neighbouring shapes (Δα = 1/64) and between
/// the two neighbouring knots. The tests check the embedded table against
/// the builder and bound the whole chain's error against the exact
/// quantile.
///
/// The grid is read in place, in single precision (7 significant digits
/// of the range; 1 MB for all 257 shapes), rather than blended into a table
/// per item: blended tables took 4 KB per item, 4 MB on the 1,000-task
/// benchmark, which the machine had to zero on first use and which no
/// longer fitted in the core's cache, so every chunk of iterations read
/// them from memory again; the shared grid stays in cache.
struct ShapeGrid;

/// Bytes of one shape's table in [`GRID`].
const ROW_BYTES: usize = TABLE_LEN * 4;

/// The grid as built: SHAPES tables of TABLE_LEN values, shape-major,
/// little-endian f32.
static GRID: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/shape_grid.bin"));

/// One shape's table: TABLE_LEN little-endian f32. A fixed-size array, so
/// reading knot k ≤ KNOTS − 1 and k + 1 needs no bounds check.
type Row = [u8; ROW_BYTES];

impl ShapeGrid {
    fn row(shape: usize) -> &'static Row {
        const EMPTY: &Row = &[0; ROW_BYTES];
        GRID.get(shape * ROW_BYTES..(shape + 1) * ROW_BYTES)
            .and_then(|bytes| bytes.try_into().ok())
            .unwrap_or(EMPTY)
    }

    /// The two neighbouring shapes of α, and the weight of the upper one.
    fn neighbours(alpha: f64) -> (&'static Row, &'static Row, f64) {
        let position = ((alpha - 1.0) * STEPS_PER_UNIT as f64).clamp(0.0, (SHAPES - 1) as f64);
        let below = (position.floor() as usize).min(SHAPES - 2);
        (
            Self::row(below),
            Self::row(below + 1),
            position - below as f64,
        )
    }
}

#[inline(always)]
fn knot(row: &Row, k: usize) -> f32 {
    f32::from_le_bytes([row[4 * k], row[4 * k + 1], row[4 * k + 2], row[4 * k + 3]])
}

/// A compiled quantile function for fast sampling: x = sample(u).
#[derive(Debug, Clone)]
pub enum Sampler {
    Constant(f64),
    Uniform {
        low: f64,
        width: f64,
    },
    Triangular {
        low: f64,
        high: f64,
        /// F(mode) = (m − a)/(b − a).
        at_mode: f64,
        left: f64,
        right: f64,
    },
    Table(PertTable),
}

/// A PERT value's quantile function, read from the grid.
#[derive(Debug, Clone, Copy)]
pub struct PertTable {
    low: f64,
    width: f64,
    /// The tables of the neighbouring shapes of the value's α, and the
    /// weight of the upper one.
    lower: &'static Row,
    upper: &'static Row,
    weight: f32,
}

impl PertTable {
    /// The value for a 32-bit draw: see [`Sampler::sample_draw`].
    #[inline(always)]
    pub fn sample_draw(&self, draw: u32) -> f64 {
        self.low + self.width * f64::from(table_quantile(self.lower, self.upper, self.weight, draw))
    }

    /// This value's knots, blended between its two shapes once, for many
    /// draws: knot k's value and the step to knot k + 1. A chunk of 1,024
    /// draws blended each knot twice per draw (six of the nineteen
    /// instructions of [`PertTable::sample_draw`]); blending the 1,025 knots
    /// once costs about one and a half per draw, and the 8 KB stay in the
    /// core's first-level cache while the chunk is sampled. The numbers are
    /// the ones `sample_draw` computes, bit for bit: the same
    /// single-precision operations on the same knots.
    pub fn blend<'k>(&self, knots: &'k mut Knots) -> Blended<'k> {
        // Each knot blended twice, as the start of its cell and the end of
        // the one before, rather than carried from one cell to the next:
        // without the carried value the loop vectorises.
        for (k, knot) in knots.0.iter_mut().enumerate() {
            let a = blended(self.lower, self.upper, self.weight, k);
            let b = blended(self.lower, self.upper, self.weight, k + 1);
            *knot = [a, b - a];
        }
        Blended(&knots.0)
    }

    /// [`PertTable::sample_draw`] with the knots [`PertTable::blend`] made.
    #[inline(always)]
    pub fn sample_blended(&self, knots: Blended<'_>, draw: u32) -> f64 {
        let [a, step] = knots.0[(draw >> KNOT_SHIFT) as usize];
        self.low + self.width * f64::from(a + within_knot(draw) * step)
    }
}

/// A PERT value's knots blended for a run of draws (see
/// [`PertTable::blend`]); a fixed-size array, so the knot a draw's top
/// bits name needs no bounds check.
#[derive(Debug, Clone)]
pub struct Knots(Box<[[f32; 2]; grid::KNOTS]>);

/// The knots [`PertTable::blend`] made, to sample with: the table itself,
/// not the box holding it, so a sampling loop keeps its address in a
/// register. Through `&Knots` the loop read the box's pointer from memory
/// at every draw, two dependent loads, because the finish times it writes
/// might, for all the compiler knew, overwrite it.
#[derive(Debug, Clone, Copy)]
pub struct Blended<'k>(&'k [[f32; 2]; grid::KNOTS]);

impl Default for Knots {
    fn default() -> Self {
        Self(Box::new([[0.0; 2]; grid::KNOTS]))
    }
}

impl Sampler {
    pub fn new(value: ThreePoint, shape: Shape) -> Self {
        let (a, m, b) = (value.low, value.likely, value.high);
        if a == b {
            return Sampler::Constant(a);
        }
        match shape {
            Shape::Uniform => Sampler::Uniform {
                low: a,
                width: b - a,
            },
            Shape::Triangular => Sampler::Triangular {
                low: a,
                high: b,
                at_mode: (m - a) / (b - a),
                left: (b - a) * (m - a),
                right: (b - a) * (b - m),
            },
            Shape::Pert => {
                let (lower, upper, weight) = ShapeGrid::neighbours(value.pert_alpha_beta().0);
                Sampler::Table(PertTable {
                    low: a,
                    width: b - a,
                    lower,
                    upper,
                    weight: weight as f32,
                })
            }
        }
    }

    /// The value for a 32-bit draw (see [`super::rng::Stream::draw`]): the
    /// table position comes from the draw's top bits, without a
    /// float-to-integer conversion.
    #[inline(always)]
    pub fn sample_draw(&self, draw: u32) -> f64 {
        match self {
            Sampler::Constant(x) => *x,
            Sampler::Table(table) => table.sample_draw(draw),
            _ => self.sample(super::rng::draw_to_uniform(draw)),
        }
    }

    #[inline]
    pub fn sample(&self, u: f64) -> f64 {
        match self {
            Sampler::Constant(x) => *x,
            Sampler::Uniform { low, width } => low + u * width,
            Sampler::Triangular {
                low,
                high,
                at_mode,
                left,
                right,
            } => {
                if u < *at_mode {
                    low + (u * left).sqrt()
                } else {
                    high - ((1.0 - u) * right).sqrt()
                }
            }
            Sampler::Table(_) => self.sample_draw(super::rng::uniform_to_draw(u)),
        }
    }

    pub fn is_constant(&self) -> bool {
        matches!(self, Sampler::Constant(_))
    }
}

/// Q(u) on [0, 1] for the draw u = (draw + ½)/2³²: the knot from the
/// draw's top bits, the position between it and the next from the rest;
/// each knot's value blended between the two shapes. In single precision
/// throughout, like the grid: the result is within a few units of 2⁻²⁴ of
/// the exact arithmetic on the same knots, far inside the tables' own error
/// (see the module docs), and it spares five conversions per draw.
#[inline(always)]
fn table_quantile(lower: &Row, upper: &Row, weight: f32, draw: u32) -> f32 {
    let k = (draw >> KNOT_SHIFT) as usize;
    let (a, b) = (
        blended(lower, upper, weight, k),
        blended(lower, upper, weight, k + 1),
    );
    a + within_knot(draw) * (b - a)
}

/// Bits of a draw below its knot's.
const KNOT_SHIFT: u32 = 32 - KNOT_BITS;

/// Where a draw lies between its knot and the next, in [0, 1).
#[inline(always)]
fn within_knot(draw: u32) -> f32 {
    const CELL: f32 = 1.0 / (1u32 << KNOT_SHIFT) as f32;
    // The low bits are below 2²²: exact in an f32, and converted as a
    // signed 32-bit integer, one instruction (an unsigned one goes through
    // 64 bits).
    ((draw & ((1 << KNOT_SHIFT) - 1)) as i32 as f32) * CELL + 0.5 * CELL
}

/// Knot k's value, between the two shapes.
#[inline(always)]
fn blended(lower: &Row, upper: &Row, weight: f32, k: usize) -> f32 {
    let (x, y) = (knot(lower, k), knot(upper, k));
    x + weight * (y - x)
}

/// ln Γ(x) for x > 0, Lanczos approximation (Numerical Recipes, 2nd ed.,
/// §6.1, `gammln`; relative error < 2e-10).
fn ln_gamma(x: f64) -> f64 {
    const COF: [f64; 6] = [
        76.180_091_729_471_46,
        -86.505_320_329_416_77,
        24.014_098_240_830_91,
        -1.231_739_572_450_155,
        0.120_865_097_386_617_9e-2,
        -0.539_523_938_495_3e-5,
    ];
    let mut y = x;
    let tmp = x + 5.5;
    let tmp = tmp - (x + 0.5) * tmp.ln();
    let mut series = 1.000_000_000_190_015;
    for c in COF {
        y += 1.0;
        series += c / y;
    }
    -tmp + (2.506_628_274_631_000_5 * series / x).ln()
}

/// The regularised incomplete beta function I_x(a, b), by the continued
/// fraction of Numerical Recipes, 2nd ed., §6.4 (`betai`, `betacf`).
pub fn regularized_incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_continued_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b
    }
}

fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Knots blended once for a chunk give every draw the value blending
    /// per draw gives, to the bit: the simulation's results do not depend
    /// on which of the two paths sampled them.
    #[test]
    fn blended_knots_sample_what_the_grid_samples() {
        let mut knots = Knots::default();
        for (low, likely, high) in [
            (1.0, 1.0, 9.0),
            (2.0, 3.7, 11.0),
            (0.5, 8.9, 9.0),
            (10.0, 12.0, 14.0),
        ] {
            let Sampler::Table(table) =
                Sampler::new(ThreePoint::new(low, likely, high).unwrap(), Shape::Pert)
            else {
                panic!("a PERT value samples from the grid");
            };
            let blended = table.blend(&mut knots);
            // Both ends, every knot boundary's neighbours, and a spread.
            let draws = [
                0,
                1,
                u32::MAX,
                u32::MAX - 1,
                (1 << KNOT_SHIFT) - 1,
                1 << KNOT_SHIFT,
            ]
            .into_iter()
            .chain((0..4096u32).map(|k| k.wrapping_mul(0x9E37_79B9) ^ (k << 7)));
            for draw in draws {
                assert_eq!(
                    table.sample_blended(blended, draw).to_bits(),
                    table.sample_draw(draw).to_bits(),
                    "[{low}, {likely}, {high}] at draw {draw:#x}"
                );
            }
        }
    }

    /// What build.rs embedded is what the builder builds, to the bit.
    #[test]
    fn the_embedded_grid_is_the_one_the_builder_makes() {
        let built = super::super::grid::shape_grid();
        assert_eq!(built.len(), SHAPES * TABLE_LEN);
        assert_eq!(GRID.len(), built.len() * 4);
        for shape in [0, 1, 64, 128, SHAPES - 1] {
            let row = ShapeGrid::row(shape);
            let embedded: Vec<f32> = (0..TABLE_LEN).map(|k| knot(row, k)).collect();
            let expected: Vec<f32> = built[shape * TABLE_LEN..(shape + 1) * TABLE_LEN]
                .iter()
                .map(|v| *v as f32)
                .collect();
            assert_eq!(embedded, expected);
        }
        assert!(GRID
            .chunks_exact(4)
            .zip(&built)
            .all(|(bytes, v)| bytes == (*v as f32).to_le_bytes()));
    }

    fn tp(a: f64, m: f64, b: f64) -> ThreePoint {
        ThreePoint::new(a, m, b).unwrap()
    }

    /// Beta-PERT moments (Vose, *Risk Analysis*, 3rd ed., §9.1.4): for
    /// [2, 5, 14], μ = (2 + 20 + 14)/6 = 6 and σ² = (6 − 2)(14 − 6)/7 =
    /// 32/7 = 4.571, while ((14 − 2)/6)² = 4 would understate it.
    #[test]
    fn pert_moments_use_the_beta_variance_not_the_textbook_shortcut() {
        let v = tp(2.0, 5.0, 14.0);
        assert_eq!(v.mean(Shape::Pert), 6.0);
        assert!((v.variance(Shape::Pert) - 32.0 / 7.0).abs() < 1e-12);
        // Symmetric case: Beta(3, 3) has variance 9/(36 × 7) = 1/28 of the
        // squared range, so (b − a)²/28 = 3.571, above the shortcut's 2.778.
        let s = tp(10.0, 15.0, 20.0);
        assert!((s.variance(Shape::Pert) - 100.0 / 28.0).abs() < 1e-12);
    }

    /// Triangular moments (Evans, Hastings & Peacock, *Statistical
    /// Distributions*, ch. 40): [2, 5, 14] → mean 7, variance
    /// (4 + 196 + 25 − 28 − 10 − 70)/18 = 117/18 = 6.5.
    #[test]
    fn triangular_moments_and_quantiles() {
        let v = tp(2.0, 5.0, 14.0);
        assert_eq!(v.mean(Shape::Triangular), 7.0);
        assert!((v.variance(Shape::Triangular) - 6.5).abs() < 1e-12);
        // F(mode) = 3/12 = 0.25, so Q(0.25) = 5; median solves
        // 1 − (14 − x)²/(12 × 9) = 0.5 → x = 14 − √54.
        assert!((v.quantile(Shape::Triangular, 0.25) - 5.0).abs() < 1e-12);
        assert!((v.quantile(Shape::Triangular, 0.5) - (14.0 - 54f64.sqrt())).abs() < 1e-12);
        assert!((v.cdf(Shape::Triangular, 14.0 - 54f64.sqrt()) - 0.5).abs() < 1e-12);
    }

    /// I_x(a, b) against closed forms: I_x(1, 1) = x; I_x(2, 2) =
    /// 3x² − 2x³; I_x(1, 5) = 1 − (1 − x)^5.
    #[test]
    fn incomplete_beta_matches_closed_forms() {
        for x in [0.05, 0.3, 0.5, 0.81] {
            assert!((regularized_incomplete_beta(1.0, 1.0, x) - x).abs() < 1e-9);
            assert!(
                (regularized_incomplete_beta(2.0, 2.0, x) - (3.0 * x * x - 2.0 * x * x * x)).abs()
                    < 1e-9
            );
            assert!(
                (regularized_incomplete_beta(1.0, 5.0, x) - (1.0 - (1.0 - x).powi(5))).abs() < 1e-9
            );
        }
    }

    /// The tabulated PERT quantile against the exact one (bisection on the
    /// incomplete beta): within 5e-5 of the range from P0.5 to P99.5 for
    /// skewed, symmetric and extreme shapes (see the module docs).
    #[test]
    fn pert_table_tracks_the_exact_quantile() {
        for v in [
            tp(0.0, 0.0, 1.0),
            tp(0.0, 0.1, 1.0),
            tp(0.0, 0.5, 1.0),
            tp(0.0, 0.93, 1.0),
            tp(0.0, 1.0, 1.0),
        ] {
            let sampler = Sampler::new(v, Shape::Pert);
            let mut worst: f64 = 0.0;
            for i in 1..200 {
                let p = 0.005 + 0.99 * f64::from(i) / 200.0;
                worst = worst.max((sampler.sample(p) - v.quantile(Shape::Pert, p)).abs());
            }
            assert!(worst < 5e-5, "{v:?}: worst quantile error {worst}");
        }
    }

    #[test]
    fn three_points_must_be_in_order() {
        assert!(ThreePoint::new(3.0, 2.0, 5.0)
            .unwrap_err()
            .contains("low (3) is above likely (2)"));
        assert!(ThreePoint::new(1.0, 6.0, 5.0)
            .unwrap_err()
            .contains("likely (6) is above high (5)"));
        assert!(ThreePoint::new(-1.0, 0.0, 5.0)
            .unwrap_err()
            .contains("must not be negative"));
        assert_eq!(
            ThreePoint::new(f64::NAN, 0.0, 5.0).unwrap_err(),
            "values must be finite numbers"
        );
        // Beyond 1.3e154 the triangular sampler's (b − a)² overflowed and
        // drew −∞ (found by an outside tester); 1e15 is the bound.
        assert_eq!(
            ThreePoint::new(0.0, 0.0, 1.35e154).unwrap_err(),
            "high (1.35e154) is above 1e15, the largest value an estimate takes; give it in larger units"
        );
        assert!(ThreePoint::new(0.0, 1.0, 1e15).is_ok());
    }
}
