//! Counter-based random numbers for the simulation.
//!
//! Every random quantity is a pure function of (seed, what it is for,
//! iteration number): a stream's key comes from the SplitMix64 finaliser
//! (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
//! OOPSLA 2014) and its i-th draw from wyrand's output function on the
//! counter. So results do not depend on the number
//! of threads or the order iterations run in, and an alternative that drops
//! an item still sees the same draws for every other item (common random
//! numbers), which makes differences between alternatives real, not noise.

/// SplitMix64's output function: a bijective 64-bit mixer.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a, to turn a name into stream key material.
fn fnv1a(text: &str) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// One independent sequence of uniforms, named by what it drives
/// (`"item:design"`, `"risk-occurs:vendor-delay"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stream(u64);

impl Stream {
    pub fn new(seed: u64, name: &str) -> Self {
        Self(mix64(mix64(seed ^ 0x5851_F42D_4C95_7F2D) ^ fnv1a(name)))
    }

    /// Draws 2m and 2m + 1 of the stream, as the low and high halves of
    /// one 64-bit word: wyrand's output function on the m-th step of its
    /// Weyl sequence (Wang Yi, wyhash/wyrand, public domain; passes
    /// BigCrush and PractRand), one 64×64→128-bit multiply for two draws.
    #[inline]
    pub fn pair(self, m: u64) -> u64 {
        wyrand_output(self.0.wrapping_add(m.wrapping_mul(WEYL)))
    }

    /// The i-th draw of the stream: 32 random bits. [`draw_to_uniform`]
    /// turns it into the uniform [`Self::uniform`] returns; samplers read
    /// table positions straight from the bits.
    #[inline]
    pub fn draw(self, i: u64) -> u32 {
        let word = self.pair(i >> 1);
        if i & 1 == 0 {
            word as u32
        } else {
            (word >> 32) as u32
        }
    }

    /// Pairs m0, m0 + 1, … of the stream ([`Self::pair`]), stepping the
    /// Weyl sequence by addition rather than multiplying for each: the
    /// same words, for a third of the work.
    #[inline]
    pub fn pairs(self, m0: u64) -> impl Iterator<Item = u64> {
        let mut x = self.0.wrapping_add(m0.wrapping_mul(WEYL));
        std::iter::repeat_with(move || {
            let word = wyrand_output(x);
            x = x.wrapping_add(WEYL);
            word
        })
    }

    /// Draws first..first + len, two per hash.
    pub fn fill(self, first: u64, len: usize, out: &mut Vec<u32>) {
        // Every element is written below: resize only when the length
        // changes (zeroing the buffer each time was 40 MB of stores on the
        // 1,000-task benchmark).
        if out.len() != len {
            out.clear();
            out.resize(len, 0);
        }
        let (head, body) = if first & 1 == 1 && len > 0 {
            let (h, b) = out.split_at_mut(1);
            h[0] = self.draw(first);
            (1, b)
        } else {
            (0, &mut out[..])
        };
        let mut chunks = body.chunks_exact_mut(2);
        for (pair, word) in (&mut chunks).zip(self.pairs((first + head) >> 1)) {
            pair[0] = word as u32;
            pair[1] = (word >> 32) as u32;
        }
        if let [last] = chunks.into_remainder() {
            *last = self.draw(first + len as u64 - 1);
        }
    }

    /// The i-th uniform of the stream, in the open interval (0, 1): the
    /// draw's 32 bits centred in their cell, so neither 0 nor 1 can occur
    /// and Φ⁻¹(u) is always finite (|z| < 6.3).
    #[inline]
    pub fn uniform(self, i: u64) -> f64 {
        draw_to_uniform(self.draw(i))
    }
}

/// wyrand's increment: the Weyl sequence's step.
const WEYL: u64 = 0xa076_1d64_78bd_642f;

/// wyrand's output function on a step of the Weyl sequence.
#[inline(always)]
fn wyrand_output(x: u64) -> u64 {
    let product = u128::from(x) * u128::from(x ^ 0xe703_7ed1_a0b4_28db);
    (product >> 64) as u64 ^ product as u64
}

/// 2^32: a draw d stands for u = (d + 1/2) / 2^32.
pub const DRAW_SCALE: f64 = 4_294_967_296.0;

#[inline]
pub fn draw_to_uniform(draw: u32) -> f64 {
    (f64::from(draw) + 0.5) * (1.0 / DRAW_SCALE)
}

/// The draw whose cell holds u (the inverse of [`draw_to_uniform`]).
#[inline]
pub fn uniform_to_draw(u: f64) -> u32 {
    (u * DRAW_SCALE).min(DRAW_SCALE - 1.0) as u32
}

/// Standard normal CDF Φ(x) = erfc(−x/√2)/2, with the Chebyshev erfc of
/// Numerical Recipes, 2nd ed., §6.2 (`erfcc`, fractional error < 1.2e-7).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let ans = t * poly.exp();
    if x >= 0.0 {
        ans
    } else {
        2.0 - ans
    }
}

/// Standard normal quantile Φ⁻¹(p) for 0 < p < 1, by P. J. Acklam's
/// rational approximation (relative error < 1.15e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    if p < LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniforms_are_inside_the_open_interval_and_look_uniform() {
        let stream = Stream::new(7, "item:design");
        let n = 200_000u64;
        let mut sum = 0.0;
        let mut below_tenth = 0u64;
        for i in 0..n {
            let u = stream.uniform(i);
            assert!(u > 0.0 && u < 1.0);
            sum += u;
            below_tenth += u64::from(u < 0.1);
        }
        // Mean 1/2 with standard error sqrt(1/12 / n) = 6.5e-4; 4 SE.
        assert!((sum / n as f64 - 0.5).abs() < 4.0 * (1.0 / 12.0 / n as f64).sqrt());
        // Share below 0.1: binomial SE sqrt(0.09 / n) = 6.7e-4; 4 SE.
        assert!((below_tenth as f64 / n as f64 - 0.1).abs() < 4.0 * (0.09 / n as f64).sqrt());
    }

    #[test]
    fn filling_a_range_gives_the_same_draws_one_by_one() {
        let stream = Stream::new(3, "item:x");
        let mut out = Vec::new();
        for (first, len) in [(0u64, 8usize), (5, 6), (7, 1), (10, 0), (1, 4)] {
            stream.fill(first, len, &mut out);
            let one_by_one: Vec<u32> = (first..first + len as u64)
                .map(|i| stream.draw(i))
                .collect();
            assert_eq!(out, one_by_one, "first {first}, len {len}");
        }
    }

    #[test]
    fn streams_are_named_and_seeded() {
        let a = Stream::new(1, "item:a");
        assert_eq!(a.uniform(5), Stream::new(1, "item:a").uniform(5));
        assert_ne!(a.uniform(5), Stream::new(1, "item:b").uniform(5));
        assert_ne!(a.uniform(5), Stream::new(2, "item:a").uniform(5));
    }

    /// Reference values: Φ⁻¹(0.975) = 1.959963985, Φ⁻¹(0.8) = 0.841621234,
    /// Φ(1) = 0.841344746 (Abramowitz & Stegun, Table 26.1 and 26.5).
    #[test]
    fn normal_functions_match_tables() {
        assert!((normal_quantile(0.975) - 1.959_963_985).abs() < 1e-8);
        assert!((normal_quantile(0.8) - 0.841_621_234).abs() < 1e-8);
        assert!((normal_quantile(0.001) + 3.090_232_306).abs() < 1e-8);
        assert!((normal_cdf(1.0) - 0.841_344_746).abs() < 2e-7);
        assert!((normal_cdf(-2.0) - 0.022_750_132).abs() < 2e-7);
        for p in [1e-6, 0.01, 0.3, 0.5, 0.77, 0.999] {
            // erfc's fractional error bounds the tail error relative to min(p, 1 − p);
            // Acklam's 1.15e-9 adds at most φ(x)·|x|·1.15e-9 < 2e-9.
            assert!((normal_cdf(normal_quantile(p)) - p).abs() < 2e-7 * p.min(1.0 - p) + 2e-9);
        }
    }
}
