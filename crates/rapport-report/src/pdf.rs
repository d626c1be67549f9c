//! The basis of estimate as PDF, typeset by typst with its embedded fonts
//! (no system fonts, no network): the report model goes in as JSON, the
//! charts as SVG files, and `templates/boe.typ` lays them out.

use typst_as_lib::typst_kit_options::TypstKitFontOptions;
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;
use typst_library::layout::{Frame, FrameItem};

use crate::boe::BasisOfEstimate;
use crate::ReportError;

const TEMPLATE: &str = include_str!("../templates/boe.typ");

impl BasisOfEstimate {
    pub fn pdf(&self) -> Result<Vec<u8>, ReportError> {
        let document = self.typeset()?;
        typst_pdf::pdf(&document, &Default::default())
            .map_err(|e| ReportError::Pdf(format!("{e:?}")))
    }

    /// The text typeset on each page, run by run: what a reader of the PDF
    /// sees, for checking a document without a PDF text extractor.
    pub fn page_texts(&self) -> Result<Vec<String>, ReportError> {
        Ok(self
            .typeset()?
            .pages()
            .iter()
            .map(|page| {
                let mut text = String::new();
                frame_text(&page.frame, &mut text);
                text
            })
            .collect())
    }

    fn typeset(&self) -> Result<PagedDocument, ReportError> {
        let data = serde_json::to_vec(self).map_err(|e| ReportError::Pdf(e.to_string()))?;
        let mut files: Vec<(&str, Vec<u8>)> = vec![
            ("data.json", data),
            ("cost.svg", self.charts.cost.clone().into_bytes()),
        ];
        if let Some(svg) = &self.charts.duration {
            files.push(("duration.svg", svg.clone().into_bytes()));
        }
        if let Some(svg) = &self.charts.tornado {
            files.push(("tornado.svg", svg.clone().into_bytes()));
        }
        if let Some(svg) = &self.charts.tornado_duration {
            files.push(("tornado_duration.svg", svg.clone().into_bytes()));
        }
        if let Some(svg) = &self.charts.alternatives {
            files.push(("alternatives.svg", svg.clone().into_bytes()));
        }
        let engine = TypstEngine::builder()
            .main_file(TEMPLATE)
            .search_fonts_with(
                TypstKitFontOptions::default()
                    .include_system_fonts(false)
                    .include_embedded_fonts(true),
            )
            .with_static_file_resolver(files)
            .build();
        engine
            .compile()
            .output
            .map_err(|e| ReportError::Pdf(format!("{e:?}")))
    }
}

/// Appends the frame's text runs, nested groups included, each followed
/// by a space.
fn frame_text(frame: &Frame, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => frame_text(&group.frame, out),
            FrameItem::Text(run) => {
                out.push_str(&run.text);
                out.push(' ');
            }
            _ => {}
        }
    }
}
