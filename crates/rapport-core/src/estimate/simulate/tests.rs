//! The engine against closed forms. Every tolerance is a multiple (4) of
//! the standard error of the statistic at the number of iterations used,
//! so a correct engine fails with probability below 1e-4 per check — and
//! since the seed is fixed, a run that passes always passes.

use super::*;
use crate::estimate::distribution::{Shape, ThreePoint};
use crate::estimate::pert::tests::{general_foundry, reliable_construction};

const N: u32 = 200_000;

fn estimate(toml: &str) -> Estimate {
    Estimate::parse(toml).unwrap_or_else(|e| panic!("{e}"))
}

fn run(e: &Estimate) -> EstimateResults {
    simulate(e, &Settings::of(e), &|_| {}).unwrap()
}

fn within(actual: f64, expected: f64, se: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= 4.0 * se,
        "{what}: {actual} differs from {expected} by more than 4 SE ({})",
        4.0 * se
    );
}

/// SE of a simulated percentile p: sqrt(p(1 − p)/n) / f(x_p).
fn quantile_se(v: &ThreePoint, shape: Shape, p: f64, n: u32) -> f64 {
    (p * (1.0 - p) / f64::from(n)).sqrt() / v.pdf(shape, v.quantile(shape, p))
}

fn single_cost_item(shape: &str, low: f64, likely: f64, high: f64) -> Estimate {
    estimate(&format!(
        "[estimate]\nname = \"one\"\niterations = {N}\nseed = 11\ndistribution = \"{shape}\"\n[[item]]\nid = \"x\"\ncost = [{low}, {likely}, {high}]\n"
    ))
}

#[test]
fn pert_moments_and_percentiles_match_the_beta_pert() {
    let v = ThreePoint::new(2.0, 5.0, 14.0).unwrap();
    let r = run(&single_cost_item("pert", 2.0, 5.0, 14.0));
    let sd = v.variance(Shape::Pert).sqrt();
    let n = f64::from(N);
    within(r.cost.mean, 6.0, sd / n.sqrt(), "mean");
    // SE of s ≈ σ/√(2n) for a platykurtic distribution (conservative).
    within(r.cost.sd, sd, sd / (2.0 * n).sqrt(), "sd");
    for (p, got) in [
        (0.1, r.cost.p10),
        (0.5, r.cost.p50),
        (0.8, r.cost.p80),
        (0.95, r.cost.p95),
    ] {
        within(
            got,
            v.quantile(Shape::Pert, p),
            quantile_se(&v, Shape::Pert, p, N),
            &format!("P{}", p * 100.0),
        );
    }
    assert_eq!(r.cost.base, 5.0);
    assert_eq!(r.cost.contingency, r.cost.p80 - 5.0);
}

#[test]
fn triangular_and_uniform_moments_and_percentiles() {
    let n = f64::from(N);
    let v = ThreePoint::new(2.0, 5.0, 14.0).unwrap();
    let r = run(&single_cost_item("triangular", 2.0, 5.0, 14.0));
    within(
        r.cost.mean,
        7.0,
        6.5f64.sqrt() / n.sqrt(),
        "triangular mean",
    );
    within(
        r.cost.p50,
        14.0 - 54f64.sqrt(),
        quantile_se(&v, Shape::Triangular, 0.5, N),
        "triangular median",
    );
    let r = run(&single_cost_item("uniform", 10.0, 12.0, 20.0));
    within(
        r.cost.mean,
        15.0,
        (100.0f64 / 12.0).sqrt() / n.sqrt(),
        "uniform mean",
    );
    within(r.cost.p80, 18.0, (0.16 / n).sqrt() * 10.0, "uniform P80");
}

/// Expected value of a risk register: Σ p·E[impact]; variance
/// Σ p·E[X²] − (p·E[X])² for independent risks.
#[test]
fn risk_register_expected_value() {
    let e = estimate(&format!(
        "[estimate]\nname = \"risks\"\niterations = {N}\nseed = 3\ndistribution = \"uniform\"\n\
         [[item]]\nid = \"base\"\ncost = 1000\n\
         [[risk]]\nid = \"a\"\nprobability = 0.3\ncost = [100, 150, 300]\n\
         [[risk]]\nid = \"b\"\nprobability = 0.1\ncost = [1000, 1500, 2000]\n\
         [[risk]]\nid = \"c\"\nprobability = 0.75\ncost = 40\n"
    ));
    let r = run(&e);
    // E[a] = 200, E[a²] = 200² + 200²/12; E[b] = 1500, E[b²] = 1500² + 1000²/12; c exact 40.
    let mean = 1000.0 + 0.3 * 200.0 + 0.1 * 1500.0 + 0.75 * 40.0;
    let var = (0.3 * (40_000.0 + 40_000.0 / 12.0) - 60f64.powi(2))
        + (0.1 * (2_250_000.0 + 1_000_000.0 / 12.0) - 150f64.powi(2))
        + (0.75 * 1600.0 - 30f64.powi(2));
    within(
        r.cost.mean,
        mean,
        var.sqrt() / f64::from(N).sqrt(),
        "risk register mean",
    );
    assert_eq!(r.cost.base, 1000.0, "base excludes risks");
    within(
        r.risks[0].occurred,
        0.3,
        (0.21 / f64::from(N)).sqrt(),
        "risk a occurrence",
    );
    within(
        r.risks[1].mean_cost,
        150.0,
        (0.1 * (2_250_000.0 + 1_000_000.0 / 12.0) - 22_500.0f64).sqrt() / f64::from(N).sqrt(),
        "risk b mean cost",
    );
}

/// Merge bias: the later of k independent U(a, b) paths has mean
/// a + (b − a)·k/(k + 1), above every path's own mean; each of two equal
/// paths is critical half the time.
#[test]
fn merge_bias_of_parallel_paths() {
    let e = estimate(&format!(
        "[estimate]\nname = \"merge\"\niterations = {N}\nseed = 5\ndistribution = \"uniform\"\n\
         [[item]]\nid = \"left\"\nduration = [0, 5, 10]\n\
         [[item]]\nid = \"right\"\nduration = [0, 5, 10]\n\
         [[item]]\nid = \"join\"\nduration = 0\nafter = [\"left\", \"right\"]\n"
    ));
    let r = run(&e);
    let d = r.duration.unwrap();
    // Var(max of 2 U(0,10)) = 100·2/((3)²·4) = 5.556.
    within(
        d.mean,
        20.0 / 3.0,
        (100.0f64 * 2.0 / 36.0).sqrt() / f64::from(N).sqrt(),
        "E[max]",
    );
    assert_eq!(d.base, 5.0, "the most-likely path ignores merge bias");
    let half_se = (0.25 / f64::from(N)).sqrt();
    within(
        r.items[0].criticality.unwrap(),
        0.5,
        half_se,
        "left criticality",
    );
    within(
        r.items[1].criticality.unwrap(),
        0.5,
        half_se,
        "right criticality",
    );
    assert_eq!(r.items[2].criticality, Some(1.0));
}

/// A long serial chain tends to the normal distribution (central limit):
/// 100 symmetric PERT activities [8, 10, 12] sum to mean 1000 and
/// variance 100 × (10 − 8)(12 − 10)/7 = 57.14; P80 = 1000 + 0.8416σ.
/// Symmetric activities make the skewness zero and the kurtosis
/// correction (Cornish–Fisher, excess kurtosis −0.0067) below 0.004σ.
#[test]
fn long_serial_chain_is_normal() {
    let mut toml = format!("[estimate]\nname = \"chain\"\niterations = {N}\nseed = 9\n");
    for k in 0..100 {
        toml.push_str(&format!(
            "[[item]]\nid = \"t{k}\"\nduration = [8, 10, 12]\n"
        ));
        if k > 0 {
            toml.push_str(&format!("after = [\"t{}\"]\n", k - 1));
        }
    }
    let r = run(&estimate(&toml));
    let d = r.duration.unwrap();
    let sigma = (100.0f64 * 4.0 / 7.0).sqrt();
    let n = f64::from(N);
    within(d.mean, 1000.0, sigma / n.sqrt(), "chain mean");
    within(d.sd, sigma, sigma / (2.0 * n).sqrt(), "chain sd");
    let f80 = (-0.5 * 0.841_621f64.powi(2)).exp() / (2.0 * std::f64::consts::PI).sqrt() / sigma;
    within(
        d.p80,
        1000.0 + 0.841_621 * sigma,
        (0.16 / n).sqrt() / f80,
        "chain P80",
    );
    assert!(r.items.iter().all(|i| i.criticality == Some(1.0)));
}

fn textbook_toml(activities: &[crate::estimate::pert::Activity], target: f64) -> String {
    let mut toml = format!("[estimate]\nname = \"textbook\"\niterations = {N}\nseed = 13\ntarget_duration = {target}\n");
    for a in activities {
        toml.push_str(&format!(
            "[[item]]\nid = \"{}\"\nduration = [{}, {}, {}]\nafter = [{}]\n",
            a.id,
            a.estimate.low(),
            a.estimate.likely(),
            a.estimate.high(),
            a.predecessors
                .iter()
                .map(|p| format!("\"{p}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    toml
}

/// The two textbook networks (Hillier & Lieberman) simulated and checked
/// against a second engine: the mean duration, the chance of finishing by
/// the target and every item's criticality agree within four standard
/// errors, and the mean exceeds the classical PERT answer (merge bias).
#[test]
fn textbook_networks_simulated() {
    for (activities, classical_mean, target) in [
        (general_foundry(), 15.0, 16.0),
        (reliable_construction(), 44.0, 47.0),
    ] {
        let r = run(&estimate(&textbook_toml(&activities, target)));
        let d = r.duration.unwrap();
        let second = SecondEngine::run(&activities, target, SECOND);
        // Merge bias: the simulated mean lies above the classical PERT
        // mean of the critical path (Hillier & Lieberman's 15 and 44).
        assert!(
            d.mean > classical_mean,
            "merge bias: {} ≤ {classical_mean}",
            d.mean
        );
        // Against the second engine, within 4 combined standard errors
        // (its runs dominate; the engine's 200,000 add a little).
        let se = |var: f64| (var / SECOND as f64 + var / f64::from(N)).sqrt();
        within(d.mean, second.mean, se(second.variance), "mean duration");
        let p = r.probability.unwrap().duration.unwrap();
        within(
            p,
            second.by_target,
            se(second.by_target * (1.0 - second.by_target)),
            "P(by target)",
        );
        for (k, a) in activities.iter().enumerate() {
            let expected = second.criticality[k];
            let actual = r
                .items
                .iter()
                .find(|i| i.id == a.id)
                .unwrap()
                .criticality
                .unwrap();
            within(
                actual,
                expected,
                se(expected * (1.0 - expected)).max(1e-9),
                &format!("criticality of {}", a.id),
            );
        }
    }
}

/// Runs of the second engine: inverting the Beta-PERT takes microseconds
/// a draw unoptimised, and 6,000 runs already hold P(by target) to ±0.02.
const SECOND: usize = 6_000;

/// A second, deliberately plain Monte Carlo of a PERT network to check the
/// engine against: its own generator (SplitMix64), every duration drawn
/// independently by inverting the Beta-PERT distribution (the quantile
/// function is checked against the Beta closed forms above), a forward
/// pass for the finish and a backward walk for the critical items. No
/// chunks, copula, tables or parallelism: none of the engine's machinery.
struct SecondEngine {
    mean: f64,
    variance: f64,
    by_target: f64,
    criticality: Vec<f64>,
}

impl SecondEngine {
    fn run(activities: &[crate::estimate::pert::Activity], target: f64, n: usize) -> Self {
        let index = |id: &str| activities.iter().position(|a| a.id == id).unwrap();
        let preds: Vec<Vec<usize>> = activities
            .iter()
            .map(|a| a.predecessors.iter().map(|p| index(p)).collect())
            .collect();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut uniform = move || {
            // SplitMix64 (Steele, Lea & Flood 2014), 53 bits, never 0 or 1.
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        let (mut sum, mut sum_sq, mut hits) = (0.0, 0.0, 0usize);
        let mut critical = vec![0usize; activities.len()];
        let mut finish = vec![0.0; activities.len()];
        let mut start = vec![0.0; activities.len()];
        for _ in 0..n {
            // The textbook lists activities after their predecessors.
            for (k, a) in activities.iter().enumerate() {
                start[k] = preds[k].iter().map(|&p| finish[p]).fold(0.0, f64::max);
                finish[k] = start[k] + a.estimate.quantile(Shape::Pert, uniform());
            }
            let end = finish.iter().copied().fold(0.0, f64::max);
            sum += end;
            sum_sq += end * end;
            hits += usize::from(end <= target);
            // Backward: an item is critical when it ends the project or
            // holds up a critical successor (its finish is that start).
            let mut on_path: Vec<bool> = finish.iter().map(|f| *f == end).collect();
            for k in (0..activities.len()).rev() {
                if on_path[k] {
                    for &p in &preds[k] {
                        if finish[p] == start[k] {
                            on_path[p] = true;
                        }
                    }
                }
            }
            for (count, on) in critical.iter_mut().zip(&on_path) {
                *count += usize::from(*on);
            }
        }
        let nf = n as f64;
        let mean = sum / nf;
        Self {
            mean,
            variance: sum_sq / nf - mean * mean,
            by_target: hits as f64 / nf,
            criticality: critical.iter().map(|c| *c as f64 / nf).collect(),
        }
    }
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let e = estimate(&textbook_toml(&reliable_construction(), 47.0));
    let mut settings = Settings::of(&e);
    settings.iterations = 20_000;
    settings.threads = Some(1);
    let one = simulate(&e, &settings, &|_| {}).unwrap();
    settings.threads = Some(3);
    let three = simulate(&e, &settings, &|_| {}).unwrap();
    assert_eq!(one, three);
}

/// A run stops at the first chunk after the flag is set: here the flag is
/// set by the first progress report, so at most one chunk per thread ran
/// (1,024 iterations each at 8,000 iterations, 2 threads), not all eight.
#[test]
fn a_cancelled_run_stops_between_chunks_and_says_so() {
    let e = estimate(&textbook_toml(&reliable_construction(), 47.0));
    let mut settings = Settings::of(&e);
    settings.iterations = 8_000;
    settings.threads = Some(2);
    let cancel = AtomicBool::new(false);
    let furthest = AtomicU64::new(0);
    let outcome = simulate_until(
        &e,
        &settings,
        &|done| {
            furthest.fetch_max(done, Ordering::Relaxed);
            cancel.store(true, Ordering::Relaxed);
        },
        &cancel,
    );
    assert!(matches!(outcome, Err(SimulationError::Cancelled)));
    let ran = furthest.load(Ordering::Relaxed);
    assert!(
        ran <= 2 * chunk_size(8_000, 8) as u64,
        "{ran} iterations ran after cancelling"
    );

    let never = AtomicBool::new(true);
    assert!(matches!(
        simulate_until(&e, &settings, &|_| {}, &never),
        Err(SimulationError::Cancelled)
    ));
}

/// A copula keeps the marginals and produces the asked rank correlation:
/// Spearman's ρ of the draws within 4 SE, SE ≈ (1 − ρ²)/√n.
#[test]
fn correlated_draws_have_the_requested_rank_correlation() {
    let e = estimate(&format!(
        "[estimate]\nname = \"c\"\niterations = {N}\n\
         [[item]]\nid = \"a\"\ncost = [1, 2, 9]\n[[item]]\nid = \"b\"\ncost = [1, 5, 6]\n[[item]]\nid = \"c\"\ncost = [0, 1, 2]\n\
         [[correlation]]\nitems = [\"a\", \"b\", \"c\"]\ncoefficient = 0.6\n"
    ));
    let compiled = Compiled::new(&e.base_scenario(), 1);
    let n = 50_000usize;
    let (mut z, mut cu) = (Vec::new(), Vec::new());
    let mut a = Vec::with_capacity(n);
    let mut b = Vec::with_capacity(n);
    let chunk = 1000;
    for start in (0..n).step_by(chunk) {
        compiled.fill_copula(start as u64, chunk, &mut z, &mut cu);
        a.extend_from_slice(&cu[0..chunk]);
        b.extend_from_slice(&cu[chunk..2 * chunk]);
    }
    let (ra, rb) = (normalised_ranks(&a[..n]), normalised_ranks(&b[..n]));
    let mean = (n as f64 + 1.0) / 2.0 / n as f64;
    let cov: f64 = ra
        .iter()
        .zip(&rb)
        .map(|(x, y)| (x - mean) * (y - mean))
        .sum::<f64>()
        / n as f64;
    let var: f64 = ra.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
    within(
        cov / var,
        0.6,
        (1.0 - 0.36) / (n as f64).sqrt(),
        "Spearman of correlated draws",
    );
    // Marginals stay uniform: mean 1/2, share below 0.1 is 0.1.
    within(
        a[..n].iter().sum::<f64>() / n as f64,
        0.5,
        (1.0 / 12.0 / n as f64).sqrt(),
        "copula marginal mean",
    );
}

/// With common random numbers an alternative that changes nothing
/// reproduces the estimate exactly, and one that removes an item saves
/// exactly that item's cost in every iteration.
#[test]
fn alternatives_use_common_random_numbers() {
    let e = estimate(&String::from(
        "[estimate]\nname = \"alt\"\niterations = 20000\n\
         [[role]]\nid = \"eng\"\nrate = 100\n\
         [[item]]\nid = \"a\"\nrole = \"eng\"\nhours = [10, 20, 40]\nduration = [2, 3, 6]\n\
         [[item]]\nid = \"b\"\ncost = [500, 800, 1500]\nduration = [1, 2, 3]\nafter = [\"a\"]\n\
         [[item]]\nid = \"c\"\ncost = [100, 200, 300]\nduration = [1, 1, 2]\nafter = [\"b\"]\n\
         [[alternative]]\nname = \"same\"\n\
         [[alternative]]\nname = \"no b\"\ndrop = [\"b\"]\n",
    ));
    let r = run(&e);
    let same = &r.alternatives[0];
    assert_eq!(same.cost, r.cost);
    assert_eq!(same.compared_to_estimate.mean_cost_difference, 0.0);
    assert_eq!(same.compared_to_estimate.probability_cheaper, 0.0);
    let no_b = &r.alternatives[1];
    let b_mean = r.items[1].mean_cost;
    assert!((no_b.compared_to_estimate.mean_cost_difference + b_mean).abs() < 1e-6 * b_mean);
    assert_eq!(no_b.compared_to_estimate.probability_cheaper, 1.0);
    // c now follows a directly.
    assert!(no_b.duration.as_ref().unwrap().mean < r.duration.as_ref().unwrap().mean);
}

/// The first item of a correlated group draws its own uniform exactly, so
/// an alternative that drops its partner (and so its correlation) gives it
/// the very same draws: common random numbers, not draws that differ by
/// Φ(Φ⁻¹(u)) − u, which made "chance it is cheaper" count rounding noise
/// (found by an outside tester).
#[test]
fn dropping_a_correlated_partner_keeps_the_first_members_draws() {
    let e = estimate(
        "[estimate]\nname = \"crn\"\n\
         [[item]]\nid = \"a\"\ncost = [100, 200, 400]\n\
         [[item]]\nid = \"b\"\ncost = [100, 200, 400]\n\
         [[correlation]]\nitems = [\"a\", \"b\"]\ncoefficient = 0.7\n\
         [[alternative]]\nname = \"no b\"\ndrop = [\"b\"]\n",
    );
    let base = Compiled::new(&e.base_scenario(), e.seed);
    let alternative = Compiled::new(&e.scenario(Some(&e.alternatives()[0])), e.seed);
    assert!(base.copula.is_some() && alternative.copula.is_none());
    let draws = |c: &Compiled| {
        let (mut z, mut cu, mut bits) = (Vec::new(), Vec::new(), Vec::new());
        c.fill_copula(64, 1000, &mut z, &mut cu);
        c.fill_bits(&c.items[0], 64, 1000, &cu, &mut bits);
        bits
    };
    assert_eq!(draws(&base), draws(&alternative));
}

/// Sensitivity against a brute-force Spearman on the actual samples:
/// cost = hours(u_a)·rate + cost(u_b), with a dominating.
#[test]
fn sensitivity_matches_a_brute_force_spearman() {
    let e = estimate(
        "[estimate]\nname = \"s\"\niterations = 20000\n\
         [[role]]\nid = \"eng\"\nrate = 100\n\
         [[item]]\nid = \"a\"\nrole = \"eng\"\nhours = [10, 50, 200]\n\
         [[item]]\nid = \"b\"\ncost = [100, 200, 900]\n\
         [[item]]\nid = \"fixed\"\ncost = 50\n",
    );
    let r = run(&e);
    let compiled = Compiled::new(&e.base_scenario(), e.seed);
    let n = 20_000;
    let ua: Vec<f64> = (0..n)
        .map(|i| compiled.items[0].stream.uniform(i))
        .collect();
    let ub: Vec<f64> = (0..n)
        .map(|i| compiled.items[1].stream.uniform(i))
        .collect();
    let total: Vec<f64> = ua
        .iter()
        .zip(&ub)
        .map(|(a, b)| {
            compiled.items[0].hours.as_ref().unwrap().sample(*a) * 100.0
                + compiled.items[1].cost.as_ref().unwrap().sample(*b)
                + 50.0
        })
        .collect();
    let spearman = |x: &[f64], y: &[f64]| {
        let (rx, ry) = (normalised_ranks(x), normalised_ranks(y));
        let m = (n as f64 + 1.0) / 2.0 / n as f64;
        let cov: f64 = rx.iter().zip(&ry).map(|(p, q)| (p - m) * (q - m)).sum();
        let vx: f64 = rx.iter().map(|p| (p - m) * (p - m)).sum();
        let vy: f64 = ry.iter().map(|q| (q - m) * (q - m)).sum();
        cov / (vx * vy).sqrt()
    };
    let exact_a = spearman(&ua, &total);
    let exact_b = spearman(&ub, &total);
    // The engine ranks an item by n·u instead of its sample rank: the
    // difference is O(1/√n) of the rank scale.
    let tolerance = 4.0 / (n as f64).sqrt();
    assert!(
        (r.items[0].sensitivity_cost.unwrap() - exact_a).abs() < tolerance,
        "{:?} vs {exact_a}",
        r.items[0].sensitivity_cost
    );
    assert!((r.items[1].sensitivity_cost.unwrap() - exact_b).abs() < tolerance);
    assert!(exact_a > exact_b);
    assert_eq!(
        r.items[2].sensitivity_cost, None,
        "a fixed cost has no rank correlation"
    );
}

#[test]
fn percentiles_are_the_smallest_value_reaching_the_probability() {
    let sorted = [1.0, 2.0, 3.0, 4.0, 5.0];
    assert_eq!(percentile(&sorted, 0.2), 1.0);
    assert_eq!(percentile(&sorted, 0.21), 2.0);
    assert_eq!(percentile(&sorted, 0.8), 4.0);
    assert_eq!(percentile(&sorted, 1.0), 5.0);
    assert_eq!(percentile(&sorted, 0.0), 1.0);
}

/// The bars cover P0.5 to P99.5 and the outcomes beyond are counted apart,
/// not piled into the end bars. On 1, 2, …, 1,000 the percentile rule
/// (smallest value with at least p of the runs at or under it) gives
/// P0.5 = 5 and P99.5 = 995: 4 values lie below, 5 above, 991 in 30 bins
/// of width 990/30 = 33, the first holding 5 … 37.
#[test]
fn the_histogram_counts_outliers_apart_from_its_bars() {
    let values: Vec<f64> = (1..=1000).map(f64::from).collect();
    let (summary, _) = summarize(&values, 500.0, 0.8);
    let h = &summary.histogram;
    assert_eq!((h.start, h.width), (5.0, 33.0));
    assert_eq!((h.below, h.above), (4, 5));
    assert_eq!(h.counts.iter().sum::<u32>(), 991);
    assert_eq!(h.counts[0], 33);
    // The last bin holds 962 … 995 (995 sits on its upper edge).
    assert_eq!(h.counts[29], 34);
}
