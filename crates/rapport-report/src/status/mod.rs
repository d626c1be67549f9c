//! The status report: one project's standing, written for one reader.
//!
//! The reader's behaviour style sets the form (after Bolton and Bolton's
//! style flex, as `rapport_core::style::guidance` words it): a Driver gets
//! the bottom line, the decisions needed and the next steps on one page;
//! an Analytical gets the figures, the method and the tables; an Amiable
//! gets what it means for them and their people, and the next steps; an
//! Expressive gets the big picture, the milestones and the recognition due.
//! Their level of detail trims or adds tables. Whatever the form, **every
//! open or recently told item of news is in the report**, near the top: a
//! report can be shaped, never used to hide bad news.
//!
//! The model is plain data (so tests read it and the PDF template takes it
//! as JSON); the numbers come from `rapport-core` and are only worded here.

use chrono::NaiveDate;
use rapport_core::disclosure::workdays::business_days_between;
use rapport_core::domain::{Currency, DatedMetrics};
use rapport_core::style::{DetailLevel, Style};
use serde::Serialize;

mod render;
#[cfg(test)]
mod tests;

/// An item of news as the report states it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewsLine {
    pub critical: bool,
    /// Worded for the client.
    pub message: String,
    /// Empty for news this report tells; "as we told you on 2026-11-20"
    /// for news told recently.
    pub standing: String,
}

/// A promise as the report lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Promise {
    pub by: String,
    pub to: String,
    pub what: String,
    pub due: NaiveDate,
}

/// Everything the report is written from, already computed.
#[derive(Debug, Clone)]
pub struct StatusInput {
    pub project: String,
    pub account: String,
    pub recipient: String,
    /// `None`: nobody has placed the reader; the report takes the form
    /// that suits most readers (the Analytical's, figures first).
    pub style: Option<Style>,
    pub detail: Option<DetailLevel>,
    pub prepared_by: String,
    pub date: NaiveDate,
    pub currency: Currency,
    pub bac_minor: i64,
    pub baseline_finish: NaiveDate,
    /// Every status point, oldest first; the last is the current one.
    pub evm: Vec<DatedMetrics>,
    pub news: Vec<NewsLine>,
    /// The client's goal in their own words (the mission brief).
    pub goal: Option<String>,
    /// Open promises due in the next weeks, both ways.
    pub next: Vec<Promise>,
    /// Questions waiting on the reader.
    pub questions: Vec<String>,
    /// Promises kept on this project so far, and all settled.
    pub kept: (usize, usize),
    pub team: Vec<(String, String)>,
    /// The PM's own words, placed first.
    pub pm_words: Option<String>,
    /// The earned-value chart (SVG), for forms that show it.
    pub chart: Option<String>,
}

/// A table in a section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Which columns are numbers (right-aligned).
    pub numeric: Vec<bool>,
}

/// One section of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub id: &'static str,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub bullets: Vec<String>,
    pub table: Option<Table>,
}

impl Section {
    fn new(id: &'static str, heading: impl Into<String>) -> Self {
        Self {
            id,
            heading: heading.into(),
            paragraphs: Vec::new(),
            bullets: Vec::new(),
            table: None,
        }
    }
}

/// The report, ready for the renderers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusReport {
    pub title: String,
    pub subtitle: String,
    /// Who it is for and the form it takes, in a line: for the PM's
    /// preview only; no rendering for the reader carries it.
    pub shaped: String,
    pub pm_words: Option<String>,
    /// The one-sentence bottom line.
    pub headline: String,
    pub sections: Vec<Section>,
    /// The news, also in its own section; kept here so a check can see
    /// every item made it in.
    pub news: Vec<NewsLine>,
    #[serde(skip)]
    pub chart: Option<String>,
    /// Whether there is a chart (the PDF template reads it; the SVG goes
    /// beside the JSON as a file).
    pub has_chart: bool,
    pub footer: String,
}

/// Writes the report for its reader.
pub fn status_report(input: &StatusInput) -> StatusReport {
    let style = input.style.unwrap_or(Style::Analytical);
    let detail = input.detail.unwrap_or(match style {
        Style::Driver => DetailLevel::Headline,
        Style::Analytical => DetailLevel::Full,
        _ => DetailLevel::Summary,
    });
    let latest = input.evm.last();
    let c = &input.currency;
    let headline = bottom_line(input);
    let news = news_section(input);
    let mut sections = Vec::new();
    match style {
        Style::Driver => {
            let mut bottom = Section::new("bottom-line", "The bottom line");
            bottom.paragraphs.push(headline.clone());
            sections.push(bottom);
            sections.push(news);
            let mut decisions = Section::new("decisions", "Decisions and answers needed from you");
            if input.questions.is_empty() {
                decisions.paragraphs.push("None this time.".into());
            }
            decisions.bullets.extend(input.questions.iter().cloned());
            sections.push(decisions);
            sections.push(next_steps(input, "Next steps"));
        }
        Style::Analytical => {
            let mut summary = Section::new("summary", "Summary");
            summary.paragraphs.push(headline.clone());
            sections.push(summary);
            sections.push(news);
            if let Some(m) = latest {
                let mut figures =
                    Section::new("figures", format!("The figures at {}", m.status_date));
                figures.table = Some(current_table(input, m));
                sections.push(figures);
            }
            if detail != DetailLevel::Headline && input.evm.len() > 1 {
                let mut history = Section::new("history", "At each status date");
                history.table = Some(history_table(input));
                sections.push(history);
            }
            let mut method = Section::new("method", "How the forecasts are made");
            method.paragraphs.push(format!(
                "Earned value (EV) is the budgeted cost of the work done; actual cost (AC) what it cost; planned value (PV) what was planned by the status date. The cost performance index CPI = EV / AC. The schedule performance index SPI(t) = ES / AT, where AT is the time elapsed to the status date and the earned schedule ES the time by which the plan expected today's EV (Lipke, Earned Schedule, 2009). The cost at completion is our project manager's own estimate where given, else the budget divided by CPI; the forecast finish is the planned duration divided by SPI(t). Amounts are in {} and exact to the cent as recorded.",
                c.code()
            ));
            sections.push(method);
            if !input.questions.is_empty() {
                let mut q = Section::new("questions", "Questions for you");
                q.bullets.extend(input.questions.iter().cloned());
                sections.push(q);
            }
            sections.push(next_steps(input, "Next steps and promises due"));
        }
        Style::Amiable => {
            let mut standing = Section::new("standing", "How things stand");
            standing.paragraphs.push(headline.clone());
            standing.paragraphs.push(format!(
                "What it means for you and your team: {}",
                meaning(input)
            ));
            sections.push(standing);
            sections.push(news);
            sections.push(next_steps(input, "What we are doing next"));
            if !input.team.is_empty() {
                let mut people = Section::new("people", "Who is working on it");
                people
                    .bullets
                    .extend(input.team.iter().map(|(n, r)| format!("{n}, {r}")));
                sections.push(people);
            }
            if !input.questions.is_empty() {
                let mut q = Section::new("questions", "Where we would value your view");
                q.bullets.extend(input.questions.iter().cloned());
                sections.push(q);
            }
        }
        Style::Expressive => {
            let mut picture = Section::new("big-picture", "The big picture");
            if let Some(goal) = &input.goal {
                picture
                    .paragraphs
                    .push(format!("What we set out to do, in your words: {goal}"));
            }
            picture.paragraphs.push(headline.clone());
            sections.push(picture);
            sections.push(news);
            let mut milestones = Section::new("milestones", "Milestones");
            milestones
                .bullets
                .push(format!("Planned finish: {}", input.baseline_finish));
            if let Some(m) = latest {
                milestones.bullets.push(format!(
                    "Work done: {:.0}% of the whole, at {}",
                    m.metrics.percent_complete.floor(),
                    m.status_date
                ));
                if let Some(f) = m.metrics.forecast_finish {
                    milestones.bullets.push(format!("Forecast finish: {f}"));
                }
            }
            sections.push(milestones);
            let (kept, settled) = input.kept;
            if settled > 0 {
                let mut recognition = Section::new("recognition", "Credit where it is due");
                recognition.paragraphs.push(format!(
                    "{kept} of the {settled} promises settled on this project were kept on time, by your people and ours."
                ));
                sections.push(recognition);
            }
            sections.push(next_steps(input, "What comes next"));
        }
    }
    if detail == DetailLevel::Full && style != Style::Analytical {
        if let Some(m) = latest {
            let mut figures = Section::new("figures", format!("The figures at {}", m.status_date));
            figures.table = Some(current_table(input, m));
            sections.push(figures);
        }
    }
    if detail == DetailLevel::Headline {
        // The headline reader gets the bottom line, the news and what is
        // asked of them; the rest waits for them to ask.
        sections.retain(|s| {
            matches!(
                s.id,
                "bottom-line"
                    | "summary"
                    | "standing"
                    | "big-picture"
                    | "news"
                    | "decisions"
                    | "questions"
                    | "figures"
            )
        });
    }
    let form = match (input.style, style) {
        (None, _) => "nobody has placed them on the behaviour grid yet, so it leads with the figures".to_string(),
        (Some(_), Style::Driver) => "shaped for a Driver: the bottom line, decisions needed, next steps".into(),
        (Some(_), Style::Analytical) => "shaped for an Analytical reader: the figures, the method and the tables".into(),
        (Some(_), Style::Amiable) => "shaped for an Amiable reader: what it means for them and their people, and the next steps".into(),
        (Some(_), Style::Expressive) => "shaped for an Expressive reader: the big picture, milestones and recognition".into(),
    };
    let chart = (style == Style::Analytical || detail == DetailLevel::Full)
        .then(|| input.chart.clone())
        .flatten();
    StatusReport {
        title: format!("{}: status report", input.project),
        subtitle: format!(
            "For {}, {} · prepared by {} on {}",
            input.recipient, input.account, input.prepared_by, input.date
        ),
        shaped: format!("For {}: {form}.", input.recipient),
        pm_words: input.pm_words.clone().filter(|w| !w.trim().is_empty()),
        headline,
        sections,
        news: input.news.clone(),
        has_chart: chart.is_some(),
        chart,
        footer: format!(
            "Figures from the status records of {}; amounts in {}.",
            input.project,
            c.code()
        ),
    }
}

/// The bottom line: cost and schedule in one sentence each.
fn bottom_line(input: &StatusInput) -> String {
    let c = &input.currency;
    let Some(m) = input.evm.last() else {
        return format!(
            "No progress has been recorded yet; the budget is {} and the planned finish {}.",
            c.say(input.bac_minor),
            input.baseline_finish
        );
    };
    let eac = m.metrics.eac.manager.or(m.metrics.eac.cpi);
    // Exact to the cent, as the news and the tables state it: one set of
    // numbers in one report.
    let cost = match eac.and_then(|e| c.to_minor(e).ok()) {
        Some(eac_minor) if eac_minor > input.bac_minor => format!(
            "The cost at completion is forecast at {}, {} over the {} budget",
            c.say(eac_minor),
            c.say(eac_minor - input.bac_minor),
            c.say(input.bac_minor)
        ),
        Some(eac_minor) => format!(
            "The cost at completion is forecast at {}, within the {} budget",
            c.say(eac_minor),
            c.say(input.bac_minor)
        ),
        None => format!("The budget is {}", c.say(input.bac_minor)),
    };
    let schedule = match m.metrics.forecast_finish {
        Some(f) if f > input.baseline_finish => format!(
            "the finish is forecast for {f}, {} business days after the planned {}",
            business_days_between(input.baseline_finish, f),
            input.baseline_finish
        ),
        Some(f) => format!(
            "the finish is forecast for {f}, on or before the planned {}",
            input.baseline_finish
        ),
        None => format!("the planned finish is {}", input.baseline_finish),
    };
    format!("{cost}; {schedule} (status at {}).", m.status_date)
}

/// What the standing means for the reader, plainly.
fn meaning(input: &StatusInput) -> String {
    match input.evm.last() {
        None => "nothing has changed since the plan you agreed.".into(),
        Some(m) => {
            let late = m
                .metrics
                .forecast_finish
                .is_some_and(|f| f > input.baseline_finish);
            let over = m.metrics.cpi.is_some_and(|c| c < 1.0);
            match (late, over) {
                (false, false) => "the plan you agreed holds; nothing changes for your team.".into(),
                (true, false) => "the work will take longer than planned; we will agree the new dates with you before anyone else relies on them.".into(),
                (false, true) => "the work is costing more than planned; we will bring you the options before any decision is needed.".into(),
                (true, true) => "the work is taking longer and costing more than planned; we will bring you the options and agree the way forward with you first.".into(),
            }
        }
    }
}

fn news_section(input: &StatusInput) -> Section {
    let mut s = Section::new("news", "News you should hear from us");
    if input.news.is_empty() {
        s.paragraphs
            .push("Nothing new that you have not already heard from us.".into());
    }
    s.bullets.extend(input.news.iter().map(|n| {
        let mark = if n.critical { "Important: " } else { "" };
        if n.standing.is_empty() {
            format!("{mark}{}", n.message)
        } else {
            format!("{mark}{} ({})", n.message, n.standing)
        }
    }));
    s
}

fn next_steps(input: &StatusInput, heading: &str) -> Section {
    let mut s = Section::new("next", heading);
    if input.next.is_empty() {
        s.paragraphs
            .push("No promises fall due in the next weeks.".into());
    }
    s.bullets.extend(
        input
            .next
            .iter()
            .map(|p| format!("{} to {}: {} (by {})", p.by, p.to, p.what, p.due)),
    );
    s
}

fn ratio(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.2}"))
}

fn current_table(input: &StatusInput, m: &DatedMetrics) -> Table {
    let c = &input.currency;
    let money = |v: f64| {
        c.to_minor(v)
            .map_or_else(|_| format!("{v:.2}"), |m| c.say(m))
    };
    let eac = m.metrics.eac.manager.or(m.metrics.eac.cpi);
    let rows = vec![
        vec!["Budget at completion (BAC)".into(), c.say(input.bac_minor)],
        vec!["Planned value (PV)".into(), money(m.metrics.pv)],
        vec!["Earned value (EV)".into(), money(m.metrics.ev)],
        vec!["Actual cost (AC)".into(), money(m.metrics.ac)],
        vec!["CPI".into(), ratio(m.metrics.cpi)],
        vec!["SPI(t)".into(), ratio(m.metrics.spi_t)],
        vec![
            if m.metrics.eac.manager.is_some() {
                "Cost at completion (PM's estimate)"
            } else {
                "Cost at completion (BAC / CPI)"
            }
            .into(),
            eac.map_or_else(|| "—".into(), money),
        ],
        vec![
            "Forecast finish (earned schedule)".into(),
            m.metrics
                .forecast_finish
                .map_or_else(|| "—".into(), |f| f.to_string()),
        ],
    ];
    Table {
        head: vec!["Measure".into(), "Value".into()],
        rows,
        numeric: vec![false, true],
    }
}

fn history_table(input: &StatusInput) -> Table {
    let c = &input.currency;
    let money = |v: f64| {
        c.to_minor(v)
            .map_or_else(|_| format!("{v:.2}"), |m| c.say(m))
    };
    Table {
        head: ["Status date", "PV", "EV", "AC", "CPI", "SPI(t)"]
            .map(String::from)
            .to_vec(),
        rows: input
            .evm
            .iter()
            .map(|m| {
                vec![
                    m.status_date.to_string(),
                    money(m.metrics.pv),
                    money(m.metrics.ev),
                    money(m.metrics.ac),
                    ratio(m.metrics.cpi),
                    ratio(m.metrics.spi_t),
                ]
            })
            .collect(),
        numeric: vec![false, true, true, true, true, true],
    }
}
