//! The basis of estimate as one standalone HTML page (inline CSS and SVG),
//! through an auto-escaping askama template.

use askama::Template;

use crate::boe::BasisOfEstimate;
use crate::ReportError;

#[derive(Template)]
#[template(path = "boe.html")]
struct Page<'a> {
    boe: &'a BasisOfEstimate,
}

impl BasisOfEstimate {
    pub fn html(&self) -> Result<String, ReportError> {
        Ok(Page { boe: self }.render()?)
    }
}
