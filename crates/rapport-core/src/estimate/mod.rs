//! Estimates a client rep can defend: the estimate model and its file
//! format, three-point distributions, correlation, the dependency network,
//! the Monte Carlo engine, and the classical PERT method for comparison.

pub mod correlation;
pub mod distribution;
pub mod file;
// Built at compile time by build.rs; the crate reads its constants, and
// the tests rebuild it to check what was embedded.
#[cfg_attr(not(test), allow(dead_code))]
mod grid;
pub mod listing;
pub mod model;
pub mod network;
pub mod pert;
pub mod rng;
pub mod simulate;

pub use distribution::{Shape, ThreePoint};
pub use model::{AaceClass, Alternative, Estimate, Item, Risk};
pub use simulate::{simulate, simulate_until, EstimateResults, Settings, SimulationError};
