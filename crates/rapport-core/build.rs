//! Builds the PERT quantile grid (`src/estimate/grid.rs`) once, at compile
//! time, and writes it, in single precision, for `distribution.rs` to embed: every run of the
//! engine then starts with the grid in hand instead of spending 5 ms on it.

#[allow(dead_code)] // the crate uses the rest of the module
#[path = "src/estimate/grid.rs"]
mod grid;

fn main() {
    println!("cargo::rerun-if-changed=src/estimate/grid.rs");
    let bytes: Vec<u8> = grid::shape_grid()
        .iter()
        .flat_map(|v| (*v as f32).to_le_bytes())
        .collect();
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("shape_grid.bin"), bytes).expect("the build directory is writable");
}
