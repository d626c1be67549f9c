//! One chunk of iterations, on one thread: the first pass (risks, costs,
//! finish times, the critical chains) and the sensitivity pass (rank
//! sums), and the workspace a thread keeps from chunk to chunk.

// The kernels index several parallel arrays by iteration and slot; index
// loops say that more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

use super::compiled::Compiled;
use super::kernels::{pair_rank_sum, rank_sum, schedule};
use crate::estimate::distribution::{Knots, Sampler};

impl Compiled {
    /// Simulates iterations first..first+len into `cost` and `duration`.
    pub(super) fn run_chunk(
        &self,
        first: u64,
        cost: &mut [f64],
        duration: &mut [f64],
        ws: &mut Workspace,
    ) -> ChunkStats {
        let len = cost.len();
        let slots = self.slots();
        let mut stats = ChunkStats::new(self.items.len(), slots, self.risks.len());
        self.fill_copula(first, len, &mut ws.z, &mut ws.cu);
        cost.fill(0.0);
        duration.fill(0.0);
        ws.last.clear();
        ws.last.resize(len, NO_SLOT);
        ws.tied.clear();
        ws.tied.resize(len, false);
        // Every row of `finish` is written before it is read; only the
        // delay rows of items that risks can hold up need zeroing. The
        // room is reserved here (no memory is touched) and the rows are
        // added below.
        ws.finish
            .reserve((slots * len).saturating_sub(ws.finish.len()));
        ws.delay.clear();
        ws.delay.resize(self.delayed_slots * len, 0.0);

        for (r, risk) in self.risks.iter().enumerate() {
            for j in 0..len {
                let i = first + j as u64;
                if risk.occurs.uniform(i) >= risk.probability {
                    continue;
                }
                stats.risk_hits[r] += 1;
                let v = risk.impact.uniform(i);
                if let Some(c) = &risk.cost {
                    let x = c.sample(v);
                    cost[j] += x;
                    stats.risk_cost[r] += x;
                }
                if let (Some(d), Some(row)) = (&risk.delay, risk.delay_row) {
                    let x = d.sample(v);
                    ws.delay[row * len + j] += x;
                    stats.risk_delay[r] += x;
                }
            }
        }

        // No prefetching of the next item's grid rows: blending the knots
        // reads them in order, which the hardware prefetcher follows.
        // Reading a byte per cache line ahead (as before the knots were
        // blended per chunk) cost 21 M instructions on the benchmark
        // network and saved no cache misses (`cachegrind --cache-sim`).
        for &k in &self.order {
            let item = &self.items[k];
            self.fill_bits(item, first, len, &ws.cu, &mut ws.bits);
            let bits = &ws.bits;
            if item.hours.is_some() || item.cost.is_some() {
                let mut item_cost = 0.0;
                for (c, b) in cost.iter_mut().zip(bits) {
                    let x = item
                        .hours
                        .as_ref()
                        .map_or(0.0, |h| h.sample_draw(*b) * item.rate)
                        + item.cost.as_ref().map_or(0.0, |s| s.sample_draw(*b));
                    *c += x;
                    item_cost += x;
                }
                stats.item_cost[k] = item_cost;
            }
            let (Some(slot), Some(dur)) = (item.slot, item.duration.as_ref()) else {
                continue;
            };
            // Rows come in slot order. The workspace grows row by row on a
            // thread's first chunk, so each row is zeroed just before it is
            // written, while in cache, rather than all 8 MB up front.
            if ws.finish.len() < (slot + 1) * len {
                ws.finish.resize((slot + 1) * len, 0.0);
            }
            let (before, rest) = ws.finish.split_at_mut(slot * len);
            let finish = &mut rest[..len];
            let preds = self.preds[slot].as_slice();
            // One loop per kind of sampler, its parameters held in
            // registers: matching the sampler draw by draw cost a third of
            // the kernel's instructions.
            match *dur {
                Sampler::Constant(x) => schedule(preds, before, finish, bits, |_| x),
                Sampler::Table(table) => {
                    let knots = table.blend(&mut ws.knots);
                    schedule(preds, before, finish, bits, |b| {
                        table.sample_blended(knots, b)
                    })
                }
                ref other => schedule(preds, before, finish, bits, |b| other.sample_draw(b)),
            }
            if let Some(row) = self.delay_row[slot] {
                for (f, d) in finish.iter_mut().zip(&ws.delay[row * len..(row + 1) * len]) {
                    *f += d;
                }
            }
            // Only items nothing waits for can finish last: keep the
            // running latest finish (a branch-free maximum, which the
            // compiler vectorises; which item holds it is found below).
            if self.is_sink[slot] {
                for (d, f) in duration.iter_mut().zip(finish.iter()) {
                    *d = if *f > *d { *f } else { *d };
                }
            }
        }

        if slots > 0 {
            // Which items finished last, and whether two did at exactly
            // the same time (rare, but then both start critical chains).
            for &slot in &self.sinks {
                let row = &ws.finish[slot * len..(slot + 1) * len];
                for (j, (f, d)) in row.iter().zip(duration.iter()).enumerate() {
                    if f == d {
                        if ws.last[j] == NO_SLOT {
                            ws.last[j] = slot as u32;
                        } else {
                            ws.tied[j] = true;
                        }
                    }
                }
            }
            // Critical chains start at the items that finished last.
            ws.seeds.clear();
            for j in 0..len {
                if ws.tied[j] {
                    for &slot in &self.sinks {
                        if ws.finish[slot * len + j] == duration[j] {
                            ws.seeds.push((j as u32, slot as u32));
                        }
                    }
                } else if ws.last[j] != NO_SLOT {
                    ws.seeds.push((j as u32, ws.last[j]));
                }
                // Otherwise no sink reached the latest finish: only when
                // every finish was −∞ (a range too wide for f64), which
                // leaves no chain to follow.
            }
            ws.mark.resize(slots, 0);
            let mut k = 0;
            while k < ws.seeds.len() {
                let j = ws.seeds[k].0 as usize;
                ws.stamp = ws.stamp.wrapping_add(1);
                if ws.stamp == 0 {
                    ws.mark.fill(0);
                    ws.stamp = 1;
                }
                ws.stack.clear();
                while k < ws.seeds.len() && ws.seeds[k].0 as usize == j {
                    let slot = ws.seeds[k].1 as usize;
                    ws.mark[slot] = ws.stamp;
                    ws.stack.push(slot);
                    k += 1;
                }
                while let Some(slot) = ws.stack.pop() {
                    stats.critical[slot] += 1;
                    let preds = &self.preds[slot];
                    let start = preds
                        .iter()
                        .map(|&p| ws.finish[p * len + j])
                        .fold(0.0, f64::max);
                    for &p in preds {
                        if ws.mark[p] != ws.stamp && ws.finish[p * len + j] == start {
                            ws.mark[p] = ws.stamp;
                            ws.stack.push(p);
                        }
                    }
                }
            }
        }
        stats
    }

    /// Per item: Σ q·rank_cost and Σ q·rank_duration over the chunk, where
    /// q is the item's quantised draw, recomputed from its counter (the
    /// same numbers pass one drew). Keeping pass one's draws instead took
    /// 2 bytes per item and iteration, 20 MB on the 1,000-task benchmark,
    /// which cost more to zero, write and read back than the hashes that
    /// make them again.
    pub(super) fn sensitivity_chunk(
        &self,
        first: u64,
        cost_ranks: &[f64],
        duration_ranks: Option<&[f64]>,
        ws: &mut Workspace,
    ) -> Vec<[f64; 2]> {
        let len = cost_ranks.len();
        self.fill_copula(first, len, &mut ws.z, &mut ws.cu);
        // Σ u·r = Σ (q + ½)/2¹⁶ · r = (Σ q·r + ½ Σ r) / 2¹⁶.
        let half_cost: f64 = 0.5 * cost_ranks.iter().sum::<f64>();
        let half_duration: f64 = duration_ranks.map_or(0.0, |d| 0.5 * d.iter().sum::<f64>());
        self.items
            .iter()
            .map(|item| {
                if !(item.cost_varies || item.duration_varies) {
                    return [0.0; 2];
                }
                let cost = if item.cost_varies {
                    Some(cost_ranks)
                } else {
                    None
                };
                let duration = if item.duration_varies {
                    duration_ranks
                } else {
                    None
                };
                let [c, d] = match (item.copula_slot, cost, duration) {
                    // One ranking: each draw is made as it is summed. Pass
                    // one's chunks start at multiples of 64, so draws pair
                    // up from the first.
                    (None, Some(r), None) if first % 2 == 0 => {
                        [pair_rank_sum(item.stream, first / 2, r), 0.0]
                    }
                    (None, None, Some(r)) if first % 2 == 0 => {
                        [0.0, pair_rank_sum(item.stream, first / 2, r)]
                    }
                    // Two rankings (or correlated draws): the draws are
                    // made once, into the buffer, and summed twice.
                    _ => {
                        self.fill_bits(item, first, len, &ws.cu, &mut ws.bits);
                        [
                            cost.map_or(0.0, |r| rank_sum(&ws.bits, r)),
                            duration.map_or(0.0, |r| rank_sum(&ws.bits, r)),
                        ]
                    }
                };
                [(c + half_cost) / 65_536.0, (d + half_duration) / 65_536.0]
            })
            .collect()
    }
}

/// No slot yet, in [`Workspace::last`].
pub(super) const NO_SLOT: u32 = u32::MAX;

#[derive(Default)]
pub(super) struct Workspace {
    /// The current item's PERT knots, blended for the chunk.
    pub(super) knots: Knots,
    pub(super) z: Vec<f64>,
    pub(super) cu: Vec<f64>,
    /// The current item's draws for the chunk.
    pub(super) bits: Vec<u32>,
    pub(super) finish: Vec<f64>,
    /// (iteration in chunk, slot) of items that finish last.
    pub(super) seeds: Vec<(u32, u32)>,
    /// Per iteration of the chunk: the first sink finishing last
    /// ([`NO_SLOT`] until found), and whether another finished at the same
    /// time.
    pub(super) last: Vec<u32>,
    pub(super) tied: Vec<bool>,
    pub(super) delay: Vec<f64>,
    pub(super) mark: Vec<u32>,
    pub(super) stamp: u32,
    pub(super) stack: Vec<usize>,
}

pub(super) struct ChunkStats {
    pub(super) critical: Vec<u32>,
    pub(super) item_cost: Vec<f64>,
    pub(super) risk_hits: Vec<u32>,
    pub(super) risk_cost: Vec<f64>,
    pub(super) risk_delay: Vec<f64>,
}

impl ChunkStats {
    fn new(items: usize, slots: usize, risks: usize) -> Self {
        Self {
            critical: vec![0; slots],
            item_cost: vec![0.0; items],
            risk_hits: vec![0; risks],
            risk_cost: vec![0.0; risks],
            risk_delay: vec![0.0; risks],
        }
    }
}
