//! The PERT quantile grid: tables of Q(u) for Beta(α, 6 − α) at α = 1,
//! 1 + 1/64, …, 5. This file is compiled twice: into the crate, and by
//! `build.rs`, which builds the grid once at compile time and embeds it (see
//! `distribution::ShapeGrid`). So it uses `std` alone.

/// Cells of a table: Q is tabulated at u = j/KNOTS, j = 0..=KNOTS, and
/// interpolated linearly.
pub const KNOTS: usize = 1024;
pub const KNOT_BITS: u32 = KNOTS.trailing_zeros();
const _: () = assert!(
    KNOTS.is_power_of_two(),
    "table positions are read from the draw's bits"
);
pub const TABLE_LEN: usize = KNOTS + 1;
/// Cells of the density grid each shape's CDF is integrated on.
pub const CELLS: usize = 4096;
/// Shapes tabulated exactly: α from 1 to 5 in steps of 1/STEPS_PER_UNIT.
pub const STEPS_PER_UNIT: usize = 64;
pub const SHAPES: usize = 4 * STEPS_PER_UNIT + 1;

/// The u of each table slot.
pub fn knot_u(slot: usize) -> f64 {
    slot as f64 / KNOTS as f64
}

/// Every shape's table, shape-major. On the grid the unnormalised density
/// of shape s is x^(s/64) · (1 − x)^(4 − s/64), so the next shape's density
/// is this one's times r(x) = (x / (1 − x))^(1/64): one multiplication per
/// cell. 256 successive products add at most 256 rounding errors of 2⁻⁵³
/// each, far below the tables' single precision in use.
pub fn shape_grid() -> Vec<f64> {
    let h = 1.0 / CELLS as f64;
    let midpoints = (0..CELLS).map(|k| (k as f64 + 0.5) * h);
    // Shape 0 (α = 1): (1 − x)^4; the step to the next shape: r(x).
    let mut density: Vec<f64> = midpoints.clone().map(|x| (1.0 - x).powi(4)).collect();
    let step: Vec<f64> = midpoints
        .map(|x| (x / (1.0 - x)).powf(1.0 / STEPS_PER_UNIT as f64))
        .collect();
    let mut values = Vec::with_capacity(SHAPES * TABLE_LEN);
    for s in 0..SHAPES {
        if s > 0 {
            for (d, r) in density.iter_mut().zip(&step) {
                *d *= r;
            }
        }
        values.extend(quantile_table(&density));
    }
    values
}

/// Q at every slot of [`knot_u`] for the distribution on [0, 1] whose
/// (unnormalised) density at the CELLS cell midpoints is `density`. The
/// CDF is integrated cell by cell with the midpoint rule (error O(h²)
/// where the density is smooth) and inverted linearly inside each cell;
/// the knots increase with the slot, so one walk up the cumulative masses
/// inverts them all.
pub fn quantile_table(density: &[f64]) -> Vec<f64> {
    let h = 1.0 / CELLS as f64;
    let mut cumulative = Vec::with_capacity(CELLS + 1);
    cumulative.push(0.0);
    let mut total = 0.0;
    for d in density {
        total += d;
        cumulative.push(total);
    }
    let mut table = vec![0.0; TABLE_LEN];
    let mut cell = 0;
    for (slot, q) in table.iter_mut().enumerate() {
        let target = knot_u(slot) * total;
        while cell < CELLS - 1 && cumulative[cell + 1] < target {
            cell += 1;
        }
        let mass = cumulative[cell + 1] - cumulative[cell];
        let within = if mass > 0.0 {
            ((target - cumulative[cell]) / mass).clamp(0.0, 1.0)
        } else {
            0.0
        };
        *q = ((cell as f64 + within) * h).clamp(0.0, 1.0);
    }
    table
}
