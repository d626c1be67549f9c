//! The simulation's inner loops: an item's finish times over a chunk, and
//! the rank sums of the sensitivity pass. Plain functions over slices, so
//! the compiler sees every loop whole; [`super`] decides what runs when.

// The kernels index several parallel arrays; index loops say that more
// plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

use crate::estimate::rng::Stream;

/// finish = latest predecessor finish + duration, for one item over the
/// chunk, in one pass for the usual one to three predecessors (whose rows
/// come earlier in `before`: topological order). Plain comparisons rather
/// than f64::max, which must treat NaN specially and does not vectorise.
#[inline(always)]
pub(super) fn schedule(
    preds: &[usize],
    before: &[f64],
    finish: &mut [f64],
    bits: &[u32],
    sample: impl Fn(u32) -> f64,
) {
    let len = finish.len();
    let row = |p: usize| &before[p * len..(p + 1) * len];
    match preds {
        [] => {
            for (f, b) in finish.iter_mut().zip(bits) {
                *f = sample(*b);
            }
        }
        [p] => {
            for ((f, b), x) in finish.iter_mut().zip(bits).zip(row(*p)) {
                *f = x + sample(*b);
            }
        }
        [p, q] => {
            for (((f, b), x), y) in finish.iter_mut().zip(bits).zip(row(*p)).zip(row(*q)) {
                let s = if y > x { y } else { x };
                *f = s + sample(*b);
            }
        }
        [p, q, r] => {
            for ((((f, b), x), y), z) in finish
                .iter_mut()
                .zip(bits)
                .zip(row(*p))
                .zip(row(*q))
                .zip(row(*r))
            {
                let s = if y > x { y } else { x };
                let s = if z > s { z } else { s };
                *f = s + sample(*b);
            }
        }
        [p, others @ ..] => {
            finish.copy_from_slice(row(*p));
            for &o in others {
                for (f, x) in finish.iter_mut().zip(row(o)) {
                    *f = if *x > *f { *x } else { *f };
                }
            }
            for (f, b) in finish.iter_mut().zip(bits) {
                *f += sample(*b);
            }
        }
    }
}

/// Σ q·r over draws 2·m0, 2·m0 + 1, … of the stream, q the quantised
/// draw: the draws made pair by pair as they are needed, one partial sum
/// per half of the pair (so the additions pipeline).
pub(super) fn pair_rank_sum(stream: Stream, m0: u64, ranks: &[f64]) -> f64 {
    let mut lanes = [0.0f64; 2];
    let mut pairs = ranks.chunks_exact(2);
    for (r, word) in (&mut pairs).zip(stream.pairs(m0)) {
        // The quantised draws: bits 16..32 and 48..64 of the word.
        lanes[0] += f64::from((word >> 16) as u16) * r[0];
        lanes[1] += f64::from((word >> 48) as u16) * r[1];
    }
    let tail = match pairs.remainder() {
        [r] => f64::from(quantise(stream.pair(m0 + (ranks.len() / 2) as u64) as u32)) * r,
        _ => 0.0,
    };
    lanes[0] + lanes[1] + tail
}

/// Σ q·r over the given draws, q the quantised draw.
pub(super) fn rank_sum(draws: &[u32], ranks: &[f64]) -> f64 {
    let mut lanes = [0.0f64; 4];
    let (d4, d_rest) = draws.split_at(draws.len() / 4 * 4);
    let (r4, r_rest) = ranks.split_at(d4.len());
    for (ds, rs) in d4.chunks_exact(4).zip(r4.chunks_exact(4)) {
        for l in 0..4 {
            lanes[l] += f64::from(quantise(ds[l])) * rs[l];
        }
    }
    let rest: f64 = d_rest
        .iter()
        .zip(r_rest)
        .map(|(q, r)| f64::from(quantise(*q)) * r)
        .sum();
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + rest
}

/// A draw in 16 bits for the sensitivity pass (its top bits): the rank of
/// an item needs no more resolution than 1/65,536.
#[inline]
pub(super) fn quantise(draw: u32) -> u16 {
    (draw >> 16) as u16
}
