//! `rapport estimate FILE`: simulate an estimate file and print or write
//! its results — a table for people, JSON for programs, or the basis of
//! estimate as Markdown, HTML or PDF.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use rapport_core::estimate::{simulate, Estimate, EstimateResults, Settings};
use rapport_core::ids::ProjectId;
use rapport_store::{Clock, Store, StoreError};

use crate::evm::money;
use crate::Outcome;
use rapport_report::format::{ceil3, chance};

#[derive(Debug, Args)]
pub struct EstimateArgs {
    /// The estimate file (see docs/estimate-file.md).
    pub file: PathBuf,
    /// Iterations (overrides the file's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(100..=10_000_000))]
    pub iterations: Option<u32>,
    /// Random seed (overrides the file's); the same seed gives the same results.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core); results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EstimateFormat::Table)]
    pub format: EstimateFormat,
    /// Write to this file instead of standard output (a PDF on a terminal goes to
    /// NAME-basis-of-estimate.pdf by default).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Save the file and its results as the next estimate version of this project.
    #[arg(long, requires = "project")]
    pub save: bool,
    /// The project to save to (with --save).
    #[arg(long, requires = "save")]
    pub project: Option<i64>,
    /// The database to save to (default: the one `rapport serve` uses).
    #[arg(long, env = "RAPPORT_DATABASE_URL")]
    pub database_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EstimateFormat {
    /// A summary for people.
    Table,
    /// Every result, unrounded.
    Json,
    /// The basis of estimate as Markdown.
    Md,
    /// The basis of estimate as a standalone HTML page.
    Html,
    /// The basis of estimate as PDF.
    Pdf,
}

pub fn run(args: EstimateArgs) -> Outcome {
    let source = match std::fs::read_to_string(&args.file) {
        Ok(source) => source,
        Err(e) => {
            return Outcome::BadInput(format!(
                "cannot read {}: {e}; give the path of an estimate TOML file (see docs/estimate-file.md)",
                args.file.display()
            ))
        }
    };
    let estimate = match Estimate::parse(&source) {
        Ok(estimate) => estimate,
        Err(e) => {
            return Outcome::BadInput(format!(
                "{}:{}:{}: {}",
                args.file.display(),
                e.line,
                e.column,
                e.message
            ))
        }
    };
    // A PDF is not for the terminal: without --output it goes to a file
    // named after the estimate, in the current directory.
    let output = match (&args.output, args.format) {
        (None, EstimateFormat::Pdf) if std::io::stdout().is_terminal() => {
            let stem = args
                .file
                .file_stem()
                .map_or_else(|| "estimate".into(), |s| s.to_string_lossy().into_owned());
            Some(PathBuf::from(format!("{stem}-basis-of-estimate.pdf")))
        }
        (output, _) => output.clone(),
    };
    let mut settings = Settings::of(&estimate);
    if let Some(n) = args.iterations {
        settings.iterations = n;
    }
    if let Some(seed) = args.seed {
        settings.seed = seed;
    }
    settings.threads = args.threads.map(usize::from);

    let results = match run_with_progress(&estimate, &settings) {
        Ok(results) => results,
        Err(e) => return Outcome::Failure(e),
    };
    if let (true, Some(project)) = (args.save, args.project) {
        if let outcome @ (Outcome::BadInput(_) | Outcome::Failure(_)) = save(
            args.database_url.as_deref(),
            project,
            &estimate,
            &source,
            &results,
        ) {
            return outcome;
        }
    }
    // The document's date when the file gives none: today, where it runs.
    let issue = rapport_report::Issue {
        date: chrono::Local::now().date_naive(),
        version: None,
    };
    if matches!(
        args.format,
        EstimateFormat::Md | EstimateFormat::Html | EstimateFormat::Pdf
    ) {
        if let Some(warning) = rapport_report::boe::lapsed(&estimate, &issue) {
            eprintln!("warning: {}: {warning}", args.file.display());
        }
    }
    let bytes = match render(&estimate, &results, args.format, &issue) {
        Ok(bytes) => bytes,
        Err(e) => return Outcome::Failure(e),
    };
    match &output {
        Some(path) => write_file(path, &bytes),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(&bytes).and_then(|()| out.flush()) {
                Ok(()) => Outcome::Success,
                // The reader stopped early (`… --format md | head`), as
                // Unix tools allow: not a failure.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Outcome::Success,
                Err(e) => {
                    Outcome::Failure(anyhow::Error::new(e).context("cannot write the results"))
                }
            }
        }
    }
}

/// Stores the estimate file and its results as the project's next version.
fn save(
    database_url: Option<&str>,
    project: i64,
    estimate: &Estimate,
    source: &str,
    results: &EstimateResults,
) -> Outcome {
    let config = std::env::var_os("RAPPORT_CONFIG").map(PathBuf::from);
    let url = match crate::serve::database_url(database_url.map(str::to_string), config.as_deref())
    {
        Ok(url) => url,
        Err(outcome) => return outcome,
    };
    let json = match serde_json::to_string(results) {
        Ok(json) => json,
        Err(e) => return Outcome::Failure(e.into()),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return Outcome::Failure(
                anyhow::Error::new(e).context("cannot start the async runtime"),
            )
        }
    };
    runtime.block_on(async {
        let store = match Store::connect(&url).await {
            Ok(store) => store,
            Err(e) => return Outcome::BadInput(e.to_string()),
        };
        let actor = std::env::var("USER").unwrap_or_else(|_| "cli".into());
        let now = Clock::System.now();
        let version = match store
            .create_estimate_version(
                now,
                &actor,
                ProjectId::new(project),
                estimate.name(),
                source,
                rapport_store::VersionCounts::of(estimate),
            )
            .await
        {
            Ok(version) => version,
            Err(e @ StoreError::NotFound { .. }) => {
                return Outcome::BadInput(format!(
                    "--project {project}: {e} in {}",
                    store.location()
                ))
            }
            Err(e) => return Outcome::Failure(e.into()),
        };
        if let Err(e) = store
            .save_estimate_results(
                now,
                &actor,
                version.id,
                results.iterations,
                results.seed,
                &json,
            )
            .await
        {
            return Outcome::Failure(e.into());
        }
        eprintln!(
            "saved as version {} of project {project}'s estimate ({})",
            version.version,
            store.location()
        );
        store.close().await;
        Outcome::Success
    })
}

fn write_file(path: &Path, bytes: &[u8]) -> Outcome {
    match std::fs::write(path, bytes) {
        Ok(()) => {
            eprintln!("wrote {}", path.display());
            Outcome::Success
        }
        Err(e) => Outcome::BadInput(format!("cannot write {}: {e}", path.display())),
    }
}

/// Simulates with a progress bar on a terminal when the run is long enough
/// to wait for.
pub fn run_with_progress(
    estimate: &Estimate,
    settings: &Settings,
) -> anyhow::Result<EstimateResults> {
    let total = u64::from(settings.iterations) * (1 + estimate.alternatives().len() as u64);
    let work = total * estimate.items().len().max(1) as u64;
    let bar = if std::io::stderr().is_terminal() && work > 20_000_000 {
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} simulating {bar:40} {pos}/{len} iterations ({eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let progress = |done: u64| {
        if let Some(bar) = &bar {
            bar.set_position(done);
        }
    };
    let results = simulate(estimate, settings, &progress)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(results)
}

pub fn render(
    estimate: &Estimate,
    results: &EstimateResults,
    format: EstimateFormat,
    issue: &rapport_report::Issue,
) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        EstimateFormat::Json => (serde_json::to_string_pretty(results)? + "\n").into_bytes(),
        EstimateFormat::Table => table(results).into_bytes(),
        EstimateFormat::Md => rapport_report::basis_of_estimate(estimate, results, issue)
            .markdown()
            .into_bytes(),
        EstimateFormat::Html => rapport_report::basis_of_estimate(estimate, results, issue)
            .html()?
            .into_bytes(),
        EstimateFormat::Pdf => rapport_report::basis_of_estimate(estimate, results, issue).pdf()?,
    })
}

fn percent(p: f64) -> String {
    format!("{:.0}%", p * 100.0)
}

/// The headline, both ranges and the drivers, rounded for reading.
pub fn table(r: &EstimateResults) -> String {
    let mut out = String::new();
    let currency = r
        .currency
        .as_deref()
        .map(|c| format!(" {c}"))
        .unwrap_or_default();
    let conf = percent(r.confidence);
    let _ = writeln!(
        out,
        "{} — {} iterations, seed {}",
        r.name, r.iterations, r.seed
    );
    let _ = writeln!(out);
    match &r.duration {
        Some(d) => {
            let _ = writeln!(
                out,
                "{conf} confident the cost stays under {}{currency} and the work finishes within {:.0} working days.",
                // As the basis of estimate says it: rounded up to three
                // significant figures, so the two never disagree.
                money(ceil3(r.cost.at_confidence)),
                d.at_confidence.ceil()
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{conf} confident the cost stays under {}{currency}.",
                money(ceil3(r.cost.at_confidence))
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{:<14}{:>16}{:>12}", "", "cost", "duration");
    let d = r.duration.as_ref();
    // The chosen confidence is marked on its percentile's row when it has
    // one (P80 at 0.8), rather than printed again as a row of its own.
    let listed = [
        ("P10", 0.1, r.cost.p10, d.map(|d| d.p10)),
        ("P50", 0.5, r.cost.p50, d.map(|d| d.p50)),
        ("P80", 0.8, r.cost.p80, d.map(|d| d.p80)),
        ("P90", 0.9, r.cost.p90, d.map(|d| d.p90)),
    ];
    let is_chosen = |p: f64| (p - r.confidence).abs() < 1e-9;
    let mut rows: Vec<(String, f64, Option<f64>)> = vec![
        ("base".into(), r.cost.base, d.map(|d| d.base)),
        ("mean".into(), r.cost.mean, d.map(|d| d.mean)),
    ];
    for (label, p, cost, duration) in listed {
        let label = if is_chosen(p) {
            format!("{label} (chosen)")
        } else {
            label.to_string()
        };
        rows.push((label, cost, duration));
    }
    if !listed.iter().any(|(_, p, _, _)| is_chosen(*p)) {
        // In percentile order: P85 between P80 and P90.
        let after = 2 + listed
            .iter()
            .filter(|(_, p, _, _)| *p < r.confidence)
            .count();
        rows.insert(
            after,
            (
                format!("P{:.0} (chosen)", r.confidence * 100.0),
                r.cost.at_confidence,
                d.map(|d| d.at_confidence),
            ),
        );
    }
    rows.push((
        "contingency".into(),
        r.cost.contingency,
        d.map(|d| d.contingency),
    ));
    rows.push(("sd".into(), r.cost.sd, d.map(|d| d.sd)));
    for (label, cost, duration) in rows {
        let _ = writeln!(
            out,
            "{label:<14}{:>16}{:>12}",
            money(cost),
            duration.map_or_else(|| "—".to_string(), |v| format!("{v:.1}"))
        );
    }
    let _ = writeln!(
        out,
        "(rows unrounded; the headline rounds up to three significant figures, as the basis of estimate does; contingency = P{:.0} − base; durations in working days)",
        r.confidence * 100.0
    );
    if let Some(p) = &r.probability {
        let _ = writeln!(out);
        for (label, value) in [
            ("meeting the target cost", p.cost),
            ("meeting the target duration", p.duration),
            ("meeting both", p.joint),
        ] {
            if let Some(v) = value {
                let _ = writeln!(out, "Chance of {label}: {}", chance(v));
            }
        }
    }
    let mut drivers: Vec<_> = r
        .items
        .iter()
        .filter_map(|i| i.sensitivity_cost.map(|s| (i, s)))
        .collect();
    drivers.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    if !drivers.is_empty() {
        let _ = writeln!(
            out,
            "\nWhat drives the cost (rank correlation with the total):"
        );
        for (item, s) in drivers.iter().take(5) {
            let _ = writeln!(out, "  {:<40}{:>6.2}", fit(&item.name, 40), s);
        }
    }
    let mut critical: Vec<_> = r
        .items
        .iter()
        .filter_map(|i| i.criticality.map(|c| (i, c)))
        .filter(|(_, c)| *c > 0.0)
        .collect();
    critical.sort_by(|a, b| b.1.total_cmp(&a.1));
    if !critical.is_empty() {
        let _ = writeln!(out, "\nMost often on the critical path:");
        // Every item shown as always on it, however many, then the next
        // most critical up to five lines; the rest in a count.
        let always = critical
            .iter()
            .filter(|(_, c)| percent(*c) == "100%")
            .count();
        let shown = always.max(5.min(critical.len()));
        for (item, c) in critical.iter().take(shown) {
            let _ = writeln!(out, "  {:<40}{:>6}", fit(&item.name, 40), percent(*c));
        }
        if critical.len() > shown {
            let _ = writeln!(
                out,
                "  and {} more, on it less often",
                critical.len() - shown
            );
        }
    }
    if !r.alternatives.is_empty() {
        let _ = writeln!(out, "\nAlternatives (P{:.0}):", r.confidence * 100.0);
        for a in &r.alternatives {
            let difference = a.cost.at_confidence - r.cost.at_confidence;
            let _ = writeln!(
                out,
                "  {:<40}{:>14}{currency}{:>10}{:>14} vs estimate  cheaper in {} of iterations",
                fit(&a.name, 40),
                money(a.cost.at_confidence),
                a.duration.as_ref().map_or_else(
                    || "—".into(),
                    |d| format!("{:.0} d", d.at_confidence.ceil())
                ),
                signed(difference),
                percent(a.compared_to_estimate.probability_cheaper)
            );
        }
    }
    out
}

/// A name cut to `width` characters with an ellipsis, so that a long one
/// does not push the columns after it out of line.
fn fit(name: &str, width: usize) -> String {
    if name.chars().count() <= width {
        name.to_string()
    } else {
        let kept: String = name.chars().take(width - 1).collect();
        format!("{kept}…")
    }
}

/// A difference with its sign: "+12,000", "−3,500" (a true minus sign).
fn signed(value: f64) -> String {
    let grouped = money(value.abs());
    if value.round() > 0.0 {
        format!("+{grouped}")
    } else if value.round() < 0.0 {
        format!("\u{2212}{grouped}")
    } else {
        grouped
    }
}
