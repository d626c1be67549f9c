//! The classical PERT method of the textbooks: expected activity times
//! te = (a + 4m + b)/6 and variances ((b − a)/6)², summed along the
//! te-critical path, with a normal approximation for the probability of
//! finishing by a date (Malcolm, Roseboom, Clark & Fazar, "Application of a
//! technique for research and development program evaluation", *Operations
//! Research* 7(5), 1959).
//!
//! Rapport's estimates use Monte Carlo simulation instead (see
//! [`super::simulate`]): the classical method ignores near-critical paths
//! (merge bias) and its variance shortcut understates the Beta-PERT
//! variance (see [`super::distribution`]). It is kept to check the network logic against published
//! textbook answers and to show, beside the simulation, how much the
//! shortcut understates.

use super::distribution::ThreePoint;
use super::network::{longest_path, topological_order};
use super::rng::normal_cdf;

/// An activity for the classical method.
#[derive(Debug, Clone)]
pub struct Activity {
    pub id: String,
    pub predecessors: Vec<String>,
    pub estimate: ThreePoint,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClassicalPert {
    /// Sum of te along the critical path.
    pub expected_duration: f64,
    /// Sum of ((b − a)/6)² along the critical path.
    pub variance: f64,
    pub critical_path: Vec<String>,
}

impl ClassicalPert {
    /// P(T ≤ date) = Φ((date − expected)/σ).
    pub fn probability_by(&self, date: f64) -> f64 {
        normal_cdf((date - self.expected_duration) / self.variance.sqrt())
    }
}

/// Runs the classical method; errors name an unknown predecessor or the
/// activities of a cycle.
pub fn classical_pert(activities: &[Activity]) -> Result<ClassicalPert, String> {
    let index = |id: &str| activities.iter().position(|a| a.id == id);
    let mut preds = Vec::with_capacity(activities.len());
    for a in activities {
        let mut list = Vec::new();
        for p in &a.predecessors {
            list.push(
                index(p).ok_or_else(|| format!("activity {}: unknown predecessor {p}", a.id))?,
            );
        }
        preds.push(list);
    }
    let order = topological_order(&preds).map_err(|cycle| {
        let names: Vec<&str> = cycle.iter().map(|&i| activities[i].id.as_str()).collect();
        format!("activities form a cycle: {}", names.join(" → "))
    })?;
    let te: Vec<f64> = activities
        .iter()
        .map(|a| (a.estimate.low() + 4.0 * a.estimate.likely() + a.estimate.high()) / 6.0)
        .collect();
    let (expected_duration, path) = longest_path(&order, &preds, &te);
    let variance = path
        .iter()
        .map(|&i| {
            let e = &activities[i].estimate;
            ((e.high() - e.low()) / 6.0).powi(2)
        })
        .sum();
    Ok(ClassicalPert {
        expected_duration,
        variance,
        critical_path: path.iter().map(|&i| activities[i].id.clone()).collect(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn act(id: &str, preds: &[&str], a: f64, m: f64, b: f64) -> Activity {
        Activity {
            id: id.into(),
            predecessors: preds.iter().map(|p| p.to_string()).collect(),
            estimate: ThreePoint::new(a, m, b).unwrap(),
        }
    }

    /// General Foundry, Inc.: B. Render, R. M. Stair & M. E. Hanna,
    /// *Quantitative Analysis for Management*, ch. 13 "Project Management",
    /// Tables 13.2–13.3 and the probability example: te-critical path
    /// A-C-E-G-H, expected completion 15 weeks, project variance 3.11
    /// (σ = 1.76), P(done within 16 weeks) = Φ(0.57) = 71.57%.
    pub fn general_foundry() -> Vec<Activity> {
        vec![
            act("A", &[], 1.0, 2.0, 3.0),
            act("B", &[], 2.0, 3.0, 4.0),
            act("C", &["A"], 1.0, 2.0, 3.0),
            act("D", &["B"], 2.0, 4.0, 6.0),
            act("E", &["C"], 1.0, 4.0, 7.0),
            act("F", &["C"], 1.0, 2.0, 9.0),
            act("G", &["D", "E"], 3.0, 4.0, 11.0),
            act("H", &["F", "G"], 1.0, 2.0, 3.0),
        ]
    }

    #[test]
    fn general_foundry_matches_render_stair_hanna() {
        let result = classical_pert(&general_foundry()).unwrap();
        assert_eq!(result.critical_path, vec!["A", "C", "E", "G", "H"]);
        assert!((result.expected_duration - 15.0).abs() < 1e-12);
        // 4/36 + 4/36 + 36/36 + 64/36 + 4/36 = 112/36 = 3.111
        assert!((result.variance - 112.0 / 36.0).abs() < 1e-12);
        assert!((result.variance.sqrt() - 1.76).abs() < 0.005);
        // The book rounds Z to 0.57 before the table look-up (0.7157);
        // unrounded Z = 0.567 gives 0.7146. Tolerance: that rounding.
        assert!((result.probability_by(16.0) - 0.7157).abs() < 0.0015);
    }

    /// Reliable Construction Co.: F. S. Hillier & G. J. Lieberman,
    /// *Introduction to Operations Research*, ch. "Project Management with
    /// PERT/CPM", PERT three-estimate approach: mean critical path
    /// A-B-C-E-F-J-L-N of 44 weeks, variance 9 (σ = 3), and
    /// P(done within the 47-week deadline) = Φ(1) = 0.8413 ≈ 0.84.
    pub fn reliable_construction() -> Vec<Activity> {
        vec![
            act("A", &[], 1.0, 2.0, 3.0),
            act("B", &["A"], 2.0, 3.5, 8.0),
            act("C", &["B"], 6.0, 9.0, 18.0),
            act("D", &["C"], 4.0, 5.5, 10.0),
            act("E", &["C"], 1.0, 4.5, 5.0),
            act("F", &["E"], 4.0, 4.0, 10.0),
            act("G", &["D"], 5.0, 6.5, 11.0),
            act("H", &["E", "G"], 5.0, 8.0, 17.0),
            act("I", &["C"], 3.0, 7.5, 9.0),
            act("J", &["F", "I"], 3.0, 9.0, 9.0),
            act("K", &["J"], 4.0, 4.0, 4.0),
            act("L", &["J"], 1.0, 5.5, 7.0),
            act("M", &["H"], 1.0, 2.0, 3.0),
            act("N", &["K", "L"], 5.0, 5.5, 9.0),
        ]
    }

    #[test]
    fn reliable_construction_matches_hillier_lieberman() {
        let result = classical_pert(&reliable_construction()).unwrap();
        assert_eq!(
            result.critical_path,
            vec!["A", "B", "C", "E", "F", "J", "L", "N"]
        );
        assert!((result.expected_duration - 44.0).abs() < 1e-12);
        assert!((result.variance - 9.0).abs() < 1e-12);
        assert!((result.probability_by(47.0) - 0.8413).abs() < 0.00005);
    }

    #[test]
    fn cycles_and_unknown_predecessors_are_named() {
        let mut acts = general_foundry();
        acts[0].predecessors = vec!["H".into()];
        let e = classical_pert(&acts).unwrap_err();
        assert!(e.starts_with("activities form a cycle: "), "{e}");
        acts[0].predecessors = vec!["Z".into()];
        assert_eq!(
            classical_pert(&acts).unwrap_err(),
            "activity A: unknown predecessor Z"
        );
    }
}
