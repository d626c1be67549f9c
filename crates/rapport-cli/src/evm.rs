//! `rapport evm FILE`: earned value and earned schedule from a TOML file,
//! printed as a table for people, or as JSON or CSV for programs.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use rapport_core::evm::EvmMetrics;
use rapport_core::evm_file::{EvmFile, EvmFileReport, StatusReport};

use crate::{EvmFormat, Outcome};

pub fn run(path: &Path, format: EvmFormat) -> Outcome {
    let source = match std::fs::read_to_string(path) {
        Ok(source) => source,
        Err(e) => {
            return Outcome::BadInput(format!(
                "cannot read {}: {e}; give the path of an earned-value TOML file (see docs/evm-file.md)",
                path.display()
            ))
        }
    };
    let file = match EvmFile::parse(&source) {
        Ok(file) => file,
        Err(e) => {
            return Outcome::BadInput(format!(
                "{}:{}:{}: {}",
                path.display(),
                e.line,
                e.column,
                e.message
            ))
        }
    };
    let report = file.report();
    let text = match format {
        EvmFormat::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => json + "\n",
            Err(e) => return Outcome::Failure(e.into()),
        },
        EvmFormat::Csv => csv(&report),
        EvmFormat::Table => table(&report),
    };
    // Not print!: it panics when the reader has gone (`… | head`).
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Outcome::Success,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Outcome::Success,
        Err(e) => Outcome::Failure(anyhow::Error::new(e).context("cannot write the results")),
    }
}

fn opt(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

const CSV_HEADER: &str = "period,status_date,at,pv,ev,ac,sv,cv,spi,cpi,eac_cpi,eac_budget_rate,eac_cpi_spi,eac_manager,etc,vac,tcpi_bac,tcpi_eac,percent_complete,percent_spent,es,sv_t,spi_t,ieac_t,tspi,forecast_finish,comment";

/// One row per status, numbers unrounded, empty cells where a value is
/// undefined.
pub fn csv(report: &EvmFileReport) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for s in &report.status {
        let m = &s.metrics;
        let cells = [
            s.period.map(|p| p.to_string()).unwrap_or_default(),
            s.status_date.map(|d| d.to_string()).unwrap_or_default(),
            s.at.to_string(),
            m.pv.to_string(),
            m.ev.to_string(),
            m.ac.to_string(),
            m.sv.to_string(),
            m.cv.to_string(),
            opt(m.spi),
            opt(m.cpi),
            opt(m.eac.cpi),
            m.eac.budget_rate.to_string(),
            opt(m.eac.cpi_spi),
            opt(m.eac.manager),
            opt(m.etc),
            opt(m.vac),
            opt(m.tcpi.bac),
            opt(m.tcpi.eac),
            m.percent_complete.to_string(),
            m.percent_spent.to_string(),
            m.es.to_string(),
            m.sv_t.to_string(),
            opt(m.spi_t),
            opt(m.ieac_t),
            opt(m.tspi),
            m.forecast_finish.map(|d| d.to_string()).unwrap_or_default(),
            s.comment.as_deref().map(csv_text).unwrap_or_default(),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// A text cell as RFC 4180 writes it: quoted when it holds a comma, a
/// quote or a line break, with quotes doubled.
fn csv_text(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The name of a status for people: its date when there is one.
fn status_name(s: &StatusReport) -> String {
    match (s.status_date, s.period) {
        (Some(date), _) => date.to_string(),
        (None, Some(period)) => format!("period {period}"),
        (None, None) => format!("AT {:.2}", s.at),
    }
}

/// Money in whole units with thousands separators: people compare budgets
/// in whole units.
pub fn money(value: f64) -> String {
    rapport_report::format::grouped(value)
}

fn index(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_string(), |v| format!("{v:.2}"))
}

fn money_opt(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_string(), money)
}

/// Metrics as rows and status periods as columns, rounded for reading.
pub fn table(report: &EvmFileReport) -> String {
    let p = &report.project;
    let mut out = String::new();
    let currency = p
        .currency
        .as_deref()
        .map(|c| format!(" {c}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} — BAC {}{}, planned duration {} periods{}",
        p.name,
        money(p.bac),
        currency,
        p.planned_duration,
        match (p.start, p.planned_finish) {
            (Some(s), Some(f)) => format!(" ({s} to {f})"),
            _ => String::new(),
        }
    );
    if report.status.is_empty() {
        let _ = writeln!(
            out,
            "\nNo status recorded yet: add [[status]] entries to the file."
        );
        return out;
    }
    type Row = (&'static str, fn(&EvmMetrics) -> String);
    let rows: &[Row] = &[
        ("PV  planned value", |m| money(m.pv)),
        ("EV  earned value", |m| money(m.ev)),
        ("AC  actual cost", |m| money(m.ac)),
        ("SV  schedule variance", |m| money(m.sv)),
        ("CV  cost variance", |m| money(m.cv)),
        ("SPI schedule index", |m| index(m.spi)),
        ("CPI cost index", |m| index(m.cpi)),
        ("EAC at current CPI", |m| money_opt(m.eac.cpi)),
        ("EAC rest at budget rate", |m| money(m.eac.budget_rate)),
        ("EAC at CPI × SPI", |m| money_opt(m.eac.cpi_spi)),
        ("EAC project manager's", |m| money_opt(m.eac.manager)),
        ("ETC to complete (CPI)", |m| money_opt(m.etc)),
        ("VAC variance at completion", |m| money_opt(m.vac)),
        ("TCPI to reach BAC", |m| index(m.tcpi.bac)),
        ("TCPI to reach EAC *", |m| index(m.tcpi.eac)),
        ("% complete", |m| format!("{:.1}%", m.percent_complete)),
        ("% spent", |m| format!("{:.1}%", m.percent_spent)),
        ("ES  earned schedule", |m| format!("{:.2}", m.es)),
        // The minus sign the money rows use (U+2212), not a hyphen.
        ("SV(t) in periods", |m| {
            format!("{:+.2}", m.sv_t).replacen('-', "\u{2212}", 1)
        }),
        ("SPI(t)", |m| index(m.spi_t)),
        ("IEAC(t) forecast duration", |m| index(m.ieac_t)),
        ("TSPI", |m| index(m.tspi)),
        ("Forecast finish", |m| {
            m.forecast_finish
                .map_or_else(|| "—".to_string(), |d| d.to_string())
        }),
    ];
    let headers: Vec<String> = report.status.iter().map(status_name).collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|(_, f)| report.status.iter().map(|s| f(&s.metrics)).collect())
        .collect();
    let label_width = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = (0..headers.len())
        .map(|c| {
            cells
                .iter()
                .map(|r| r[c].chars().count())
                .chain([headers[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let _ = writeln!(out);
    let _ = write!(out, "{:label_width$}", "");
    for (h, w) in headers.iter().zip(&widths) {
        let _ = write!(out, "  {h:>w$}");
    }
    let _ = writeln!(out);
    for ((label, _), row) in rows.iter().zip(&cells) {
        let _ = write!(out, "{label:label_width$}");
        for (cell, w) in row.iter().zip(&widths) {
            let _ = write!(out, "  {cell:>w$}");
        }
        let _ = writeln!(out);
    }
    let with_own_eac: Vec<String> = report
        .status
        .iter()
        .filter(|s| s.metrics.eac.manager.is_some())
        .map(status_name)
        .collect();
    let _ = writeln!(
        out,
        "\n* TCPI to reach EAC is measured against {}; against the EAC at current CPI it always equals the CPI.",
        if with_own_eac.is_empty() {
            "the EAC at current CPI: give the project manager's own `eac` in a status to measure against it".to_string()
        } else {
            format!(
                "the project manager's own EAC where one is given ({}), else the EAC at current CPI",
                with_own_eac.join(", ")
            )
        }
    );
    for s in report.status.iter().filter(|s| s.comment.is_some()) {
        let _ = writeln!(
            out,
            "\n{}: {}",
            status_name(s),
            s.comment.as_deref().unwrap_or_default()
        );
    }
    out
}
