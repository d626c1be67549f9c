//! Simulation speed on a large random network, for `bench/run.sh`.
//!
//! Reads the network JSON written by `bench/network.py`, builds the same
//! estimate, and times `simulate` alone (percentiles, criticality and
//! sensitivity included; parsing excluded), median of several runs. Prints
//! one JSON line. Not a test: it asserts nothing about time.
//!
//! usage: cargo bench -p rapport-core --bench network -- NETWORK.json ITERATIONS REPEATS

use std::time::Instant;

use rapport_core::estimate::{simulate, Estimate, Settings};

/// The allocator the `rapport` binary and server use (see
/// `rapport-cli/src/main.rs`), so the simulation is timed as it runs there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().filter(|a| a != "--bench").collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: network NETWORK.json [ITERATIONS] [REPEATS]");
        std::process::exit(2);
    };
    let iterations: u32 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let repeats: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(7);
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let tasks: Vec<serde_json::Value> = serde_json::from_str(&text).expect("the network is JSON");
    let mut toml =
        String::from("[estimate]\nname = \"benchmark network\"\ndistribution = \"pert\"\n");
    for t in &tasks {
        let preds: Vec<String> = t["predecessors"]
            .as_array()
            .expect("predecessors")
            .iter()
            .map(|p| format!("\"{}\"", p.as_str().expect("id")))
            .collect();
        toml.push_str(&format!(
            "[[item]]\nid = \"{}\"\nduration = [{}, {}, {}]\nafter = [{}]\n",
            t["id"].as_str().expect("id"),
            t["a"],
            t["m"],
            t["b"],
            preds.join(", ")
        ));
    }
    let estimate = Estimate::parse(&toml).unwrap_or_else(|e| panic!("{e}"));
    let threads = std::env::var("RAPPORT_BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok());
    let mut times = Vec::new();
    let mut last = None;
    for rep in 0..repeats {
        let settings = Settings {
            iterations,
            seed: rep as u64 + 1,
            threads,
        };
        let start = Instant::now();
        let results = simulate(&estimate, &settings, &|_| {}).expect("simulation runs");
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        last = Some(results);
    }
    times.sort_by(f64::total_cmp);
    let results = last.expect("at least one repeat");
    let duration = results.duration.expect("the network has durations");
    let critical = results
        .items
        .iter()
        .filter(|i| i.criticality.unwrap_or(0.0) > 0.5)
        .count();
    println!(
        "{}",
        serde_json::json!({
            "tool": "rapport",
            "median_ms": times[times.len() / 2],
            "times_ms": times,
            "mean": duration.mean,
            "p80": duration.p80,
            "sd": duration.sd,
            "iterations": iterations,
            "tasks": tasks.len(),
            "critical_items": critical,
        })
    );
}
