//! The `rapport` commands: argument definitions and one module per command.
//! Each command returns an [`Outcome`] so that exit codes are decided in
//! one place.

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub mod config;
pub mod demo;
pub mod estimate;
pub mod evm;
pub mod seed;
pub mod serve;
pub mod user;

/// Rapport: delivery numbers and client relationships for project managers.
#[derive(Debug, Parser)]
#[command(name = "rapport", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web application and JSON API.
    Serve(serve::ServeArgs),
    /// Simulate an estimate file: cost and schedule percentiles, drivers, alternatives, basis of estimate.
    Estimate(estimate::EstimateArgs),
    /// Add, list, change and disable the users who sign in.
    User {
        #[command(subcommand)]
        command: user::UserCommand,
        #[command(flatten)]
        database: user::Database,
    },
    /// Make, list and revoke API tokens.
    Token {
        #[command(subcommand)]
        command: user::TokenCommand,
        #[command(flatten)]
        database: user::Database,
    },
    /// Fill an empty database with a synthetic portfolio at a firm's size, for load tests.
    Seed(seed::SeedArgs),
    /// Earned value and earned schedule from a TOML file, offline (no database).
    Evm {
        /// The earned-value file (see docs/evm-file.md).
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = EvmFormat::Table)]
        format: EvmFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvmFormat {
    /// Rounded for people.
    Table,
    /// Unrounded, for programs.
    Json,
    /// One row per status, unrounded.
    Csv,
}

/// How a command ended; mapped to the process exit code.
#[derive(Debug)]
pub enum Outcome {
    Success,
    /// The user's input was wrong (exit code 2); the message says where.
    BadInput(String),
    /// Something failed that the user did not cause (exit code 1).
    Failure(anyhow::Error),
}

pub fn run(cli: Cli) -> ExitCode {
    let outcome = match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Estimate(args) => estimate::run(args),
        Command::Evm { file, format } => evm::run(&file, format),
        Command::Seed(args) => seed::run(args),
        Command::User { command, database } => user::run_user(command, &database),
        Command::Token { command, database } => user::run_token(command, &database),
    };
    match outcome {
        Outcome::Success => ExitCode::SUCCESS,
        Outcome::BadInput(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Outcome::Failure(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}
