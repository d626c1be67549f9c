//! The status report as Markdown (the e-mail's plain-text part and a
//! download), as one standalone HTML page (the e-mail's HTML part, inline
//! CSS, auto-escaped), and as PDF (typst, the e-mail's attachment).

use std::fmt::Write as _;

use askama::Template;
use typst_as_lib::typst_kit_options::TypstKitFontOptions;
use typst_as_lib::TypstEngine;

use super::StatusReport;
use crate::ReportError;

const TEMPLATE: &str = include_str!("../../templates/status.typ");

#[derive(Template)]
#[template(path = "status.html")]
struct Page<'a> {
    r: &'a StatusReport,
}

/// Markdown's own characters, escaped so a name or a message reads as
/// typed (`*`, `_`, `|` and the rest).
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl StatusReport {
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        // `shaped` is the PM's note on the form; the reader never sees it.
        let _ = writeln!(out, "# {}\n\n{}\n", md(&self.title), md(&self.subtitle));
        if let Some(words) = &self.pm_words {
            for line in words.lines() {
                let _ = writeln!(out, "> {}", md(line));
            }
            out.push('\n');
        }
        for s in &self.sections {
            let _ = writeln!(out, "## {}\n", md(&s.heading));
            for p in &s.paragraphs {
                let _ = writeln!(out, "{}\n", md(p));
            }
            for b in &s.bullets {
                let _ = writeln!(out, "- {}", md(b));
            }
            if !s.bullets.is_empty() {
                out.push('\n');
            }
            if let Some(t) = &s.table {
                let _ = writeln!(
                    out,
                    "| {} |",
                    t.head.iter().map(|h| md(h)).collect::<Vec<_>>().join(" | ")
                );
                let _ = writeln!(
                    out,
                    "|{}|",
                    t.numeric
                        .iter()
                        .map(|n| if *n { "---:" } else { "---" })
                        .collect::<Vec<_>>()
                        .join("|")
                );
                for row in &t.rows {
                    let _ = writeln!(
                        out,
                        "| {} |",
                        row.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | ")
                    );
                }
                out.push('\n');
            }
        }
        let _ = writeln!(out, "---\n{}", md(&self.footer));
        out
    }

    pub fn html(&self) -> Result<String, ReportError> {
        Ok(Page { r: self }.render()?)
    }

    pub fn pdf(&self) -> Result<Vec<u8>, ReportError> {
        let data = serde_json::to_vec(self).map_err(|e| ReportError::Pdf(e.to_string()))?;
        let mut files: Vec<(&str, Vec<u8>)> = vec![("data.json", data)];
        files.push((
            "chart.svg",
            self.chart
                .clone()
                .unwrap_or_else(|| {
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>".into()
                })
                .into_bytes(),
        ));
        let engine = TypstEngine::builder()
            .main_file(TEMPLATE)
            .search_fonts_with(
                TypstKitFontOptions::default()
                    .include_system_fonts(false)
                    .include_embedded_fonts(true),
            )
            .with_static_file_resolver(files)
            .build();
        let document: typst_layout::PagedDocument = engine
            .compile()
            .output
            .map_err(|e| ReportError::Pdf(format!("{e:?}")))?;
        typst_pdf::pdf(&document, &Default::default())
            .map_err(|e| ReportError::Pdf(format!("{e:?}")))
    }
}
