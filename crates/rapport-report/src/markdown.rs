//! The basis of estimate as Markdown (CommonMark tables; charts as SVG
//! data URIs, which most viewers show and the rest skip).

use std::fmt::Write as _;

use crate::boe::BasisOfEstimate;

/// Escapes the characters that start markup (emphasis, code, links, raw
/// HTML, headings), so a name like `*bold*` or `<b>` reads as written.
/// CommonMark lets a backslash escape any ASCII punctuation.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(if c == '\n' || c == '\r' { ' ' } else { c });
    }
    out
}

/// A table cell: inline text on one line, pipes escaped.
fn cell(text: &str) -> String {
    inline(text)
}

fn svg_image(out: &mut String, alt: &str, svg: &str) {
    let _ = writeln!(
        out,
        "\n![{alt}](data:image/svg+xml;base64,{})\n",
        base64(svg.as_bytes())
    );
}

/// Standard base64 (RFC 4648 §4), for the data URIs.
fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl BasisOfEstimate {
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Basis of estimate: {}\n", inline(&self.title));
        if let Some(d) = &self.description {
            let _ = writeln!(out, "{}\n", inline(d));
        }
        for c in &self.cover {
            let _ = writeln!(out, "- **{}:** {}", c.label, inline(&c.value));
        }
        if !self.cover.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "**{}**\n", inline(&self.headline));
        let _ = writeln!(out, "## How sure\n");
        for line in &self.certainty {
            let _ = writeln!(out, "{}\n", inline(line));
        }
        let _ = writeln!(out, "{}\n", self.range);
        for t in &self.targets {
            let _ = writeln!(out, "- {}", inline(t));
        }
        if !self.targets.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "## What drives it\n");
        for d in &self.drivers {
            let _ = writeln!(out, "- {}", inline(d));
        }
        let _ = writeln!(out, "\n## The options\n");
        let _ = writeln!(
            out,
            "| Option | Cost | Duration | vs estimate | Cheaper in |\n|---|---:|---:|---:|---:|"
        );
        for o in &self.options {
            let _ = writeln!(
                out,
                "| **{}**{} | {} | {} | {} | {} |",
                cell(&o.name),
                if o.description.is_empty() {
                    String::new()
                } else {
                    format!("<br>{}", cell(&o.description))
                },
                o.cost,
                o.duration,
                o.difference,
                o.chance_cheaper
            );
        }
        if let Some(note) = &self.options_note {
            let _ = writeln!(out, "\n{}", inline(note));
        }
        let _ = writeln!(
            out,
            "\n## Key figures\n\n| | Cost | Duration (working days) |\n|---|---:|---:|"
        );
        for f in &self.key_figures {
            let _ = writeln!(out, "| {} | {} | {} |", f.label, f.cost, f.duration);
        }
        let _ = writeln!(out, "\n{}", inline(&self.key_figures_note));
        svg_image(&mut out, "Cost distribution", &self.charts.cost);
        if let Some(svg) = &self.charts.duration {
            svg_image(&mut out, "Duration distribution", svg);
        }
        if let Some(svg) = &self.charts.tornado {
            svg_image(&mut out, "What drives the cost", svg);
        }
        if let Some(svg) = &self.charts.tornado_duration {
            svg_image(&mut out, "What drives the finish date", svg);
        }
        if let Some(svg) = &self.charts.alternatives {
            svg_image(&mut out, "Options compared", svg);
        }
        if let Some(c) = &self.class {
            let _ = writeln!(out, "## Estimate class\n\n{}\n", c.text);
        }
        let _ = writeln!(out, "## Items\n\n| Item | Basis | Cost low – likely – high | Duration (days) | After | Mean cost | Critical |\n|---|---|---:|---:|---|---:|---:|");
        for i in &self.items {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                cell(&i.name),
                cell(&i.basis),
                i.cost_range,
                i.duration_range,
                cell(&i.after),
                i.mean_cost,
                i.criticality
            );
        }
        let t = &self.items_total;
        let _ = writeln!(
            out,
            "| **{}** | | **{}** | | | **{}** | |",
            cell(&t.name),
            t.cost_range,
            t.mean_cost
        );
        let _ = writeln!(out, "\n{}", inline(&self.items_total_note));
        if let Some(note) = &self.items_note {
            let _ = writeln!(out, "\n{}", inline(note));
        }
        if !self.risks.is_empty() {
            let _ = writeln!(out, "\n## Risks\n\n| Risk | Probability | Impact if it occurs | Expected cost | Expected delay (days) |\n|---|---:|---|---:|---:|");
            for r in &self.risks {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    cell(&r.name),
                    r.probability,
                    cell(&r.impact),
                    r.expected_cost,
                    r.expected_delay
                );
            }
            if let Some(note) = &self.risks_note {
                let _ = writeln!(out, "\n{}", inline(note));
            }
        }
        for (title, list) in [
            ("Assumptions", &self.assumptions),
            ("Exclusions", &self.exclusions),
        ] {
            if !list.is_empty() {
                let _ = writeln!(out, "\n## {title}\n");
                for a in list {
                    let _ = writeln!(out, "- {}", inline(a));
                }
            }
        }
        let _ = writeln!(out, "\n## Appendix: how the estimate was built\n");
        for m in &self.method {
            let _ = writeln!(out, "{}\n", inline(m));
        }
        if !self.rates.is_empty() {
            let _ = writeln!(
                out,
                "### Rate card\n\n| Role | Rate | Most likely hours |\n|---|---:|---:|"
            );
            for r in &self.rates {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    cell(&r.role),
                    r.rate,
                    r.likely_hours
                );
            }
            out.push('\n');
        }
        if !self.correlations.is_empty() {
            let _ = writeln!(
                out,
                "### Items that move together\n\n| Items | Rank correlation |\n|---|---:|"
            );
            for c in &self.correlations {
                let _ = writeln!(out, "| {} | {} |", cell(&c.items), c.coefficient);
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::base64;

    /// RFC 4648 §10 test vectors.
    #[test]
    fn base64_matches_the_rfc_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
        assert_eq!(base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
