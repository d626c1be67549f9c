//! The migrations are embedded by `sqlx::migrate!` when the crate compiles;
//! a new or changed migration file must rebuild it.

fn main() {
    println!("cargo::rerun-if-changed=migrations");
}
