//! Correlated items through a Gaussian copula.
//!
//! Each correlated item's uniform draw u is mapped to a standard normal
//! z = Φ⁻¹(u); the vector z is multiplied by the Cholesky factor L of the
//! normal correlation matrix; each result goes back through Φ. The
//! uniforms stay uniform, so every item keeps exactly its own distribution
//! (Q(u) is applied after), and only the dependence changes — unlike
//! multiplying raw samples by a Cholesky factor, which distorts the
//! marginals.
//!
//! The file gives Spearman rank correlations ρs. For a Gaussian copula the
//! normal correlation that yields them is ρ = 2 sin(π ρs / 6) (K. Pearson,
//! 1907; see also M. Kruskal, *JASA* 53, 1958), so the rank correlation of
//! the simulated items is the one asked for.

use std::f64::consts::PI;

/// Converts a Spearman rank correlation to the normal correlation of a
/// Gaussian copula.
pub fn normal_from_spearman(rho_s: f64) -> f64 {
    2.0 * (PI * rho_s / 6.0).sin()
}

/// Lower-triangular Cholesky factor of a symmetric matrix (row-major,
/// n × n), or `None` when the matrix is not positive definite.
pub fn cholesky(matrix: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut sum = matrix[i * n + j];
            for k in 0..j {
                sum -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                // A tiny positive floor would hide a matrix that is only
                // semi-definite; demand a real margin.
                if sum <= 1e-10 {
                    return None;
                }
                l[i * n + i] = sum.sqrt();
            } else {
                l[i * n + j] = sum / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// The copula for a set of items: which items take part, and the factor.
#[derive(Debug, Clone, PartialEq)]
pub struct Copula {
    /// Indices (into the scenario's items) of the correlated items.
    pub members: Vec<usize>,
    /// Cholesky factor of the normal correlation matrix, row-major.
    pub factor: Vec<f64>,
}

/// Why a set of groups cannot be a correlation matrix.
#[derive(Debug, Clone, PartialEq)]
pub enum CorrelationError {
    /// Two groups give one pair different coefficients.
    Conflict {
        first: String,
        second: String,
        a: f64,
        b: f64,
    },
    /// The coefficients cannot hold all together.
    NotPositiveDefinite,
}

/// Builds the copula for groups given as (member indices, Spearman
/// coefficient).
pub fn build_copula(
    groups: &[(Vec<usize>, f64)],
    names: &[String],
) -> Result<Option<Copula>, CorrelationError> {
    let mut members: Vec<usize> = groups.iter().flat_map(|(m, _)| m.iter().copied()).collect();
    members.sort_unstable();
    members.dedup();
    if members.is_empty() {
        return Ok(None);
    }
    let n = members.len();
    let slot = |item: usize| members.iter().position(|&m| m == item).unwrap_or(0);
    let mut spearman: Vec<Option<f64>> = vec![None; n * n];
    for (group, coefficient) in groups {
        for (x, &a) in group.iter().enumerate() {
            for &b in &group[x + 1..] {
                let (i, j) = (slot(a), slot(b));
                if let Some(existing) = spearman[i * n + j] {
                    if existing != *coefficient {
                        return Err(CorrelationError::Conflict {
                            first: names[a].clone(),
                            second: names[b].clone(),
                            a: existing,
                            b: *coefficient,
                        });
                    }
                }
                spearman[i * n + j] = Some(*coefficient);
                spearman[j * n + i] = Some(*coefficient);
            }
        }
    }
    let mut matrix = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            matrix[i * n + j] = if i == j {
                1.0
            } else {
                spearman[i * n + j].map_or(0.0, normal_from_spearman)
            };
        }
    }
    let factor = cholesky(&matrix, n).ok_or(CorrelationError::NotPositiveDefinite)?;
    Ok(Some(Copula { members, factor }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ρ = 2 sin(π ρs / 6): ρs = 1 → 1, 0 → 0, 0.5 → 0.5176.
    #[test]
    fn spearman_to_normal_correlation() {
        assert!((normal_from_spearman(1.0) - 1.0).abs() < 1e-12);
        assert_eq!(normal_from_spearman(0.0), 0.0);
        assert!((normal_from_spearman(0.5) - 0.517_638).abs() < 1e-6);
    }

    #[test]
    fn cholesky_of_a_known_matrix() {
        // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]].
        let l = cholesky(&[4.0, 2.0, 2.0, 3.0], 2).unwrap();
        assert_eq!(l[0], 2.0);
        assert_eq!(l[2], 1.0);
        assert!((l[3] - 2f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn impossible_correlations_are_refused() {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        // a~b and b~c strongly positive but a~c strongly negative.
        let groups = vec![(vec![0, 1], 0.9), (vec![1, 2], 0.9), (vec![0, 2], -0.9)];
        assert_eq!(
            build_copula(&groups, &names),
            Err(CorrelationError::NotPositiveDefinite)
        );
        let groups = vec![(vec![0, 1], 0.5), (vec![0, 1, 2], 0.3)];
        assert!(matches!(
            build_copula(&groups, &names),
            Err(CorrelationError::Conflict { .. })
        ));
        let groups = vec![(vec![0, 1, 2], 0.6)];
        assert!(build_copula(&groups, &names).unwrap().is_some());
    }
}
