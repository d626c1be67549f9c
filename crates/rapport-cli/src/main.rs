//! `rapport`: the command line. Parses arguments and hands each command to
//! the library; exit codes are 0 for success, 1 for a failure, 2 for bad
//! input or usage.

use std::process::ExitCode;

use clap::Parser;
use rapport_cli::{run, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    run(cli)
}
