//! The basis of estimate as PDF, typeset by typst with its embedded fonts
//! (no system fonts, no network): the report model goes in as JSON, the
//! charts as SVG files, and `templates/boe.typ` lays them out.

use typst_as_lib::typst_kit_options::TypstKitFontOptions;
use typst_as_lib::TypstEngine;

use crate::boe::BasisOfEstimate;
use crate::ReportError;

const TEMPLATE: &str = include_str!("../templates/boe.typ");

impl BasisOfEstimate {
    pub fn pdf(&self) -> Result<Vec<u8>, ReportError> {
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
        let document = engine
            .compile()
            .output
            .map_err(|e| ReportError::Pdf(format!("{e:?}")))?;
        typst_pdf::pdf(&document, &Default::default())
            .map_err(|e| ReportError::Pdf(format!("{e:?}")))
    }
}
