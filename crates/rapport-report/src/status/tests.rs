//! The report's forms, and the one thing no form may do: leave out news.

use chrono::NaiveDate;
use rapport_core::domain::{project_evm, Currency, PlannedPoint, ProjectBaseline, StatusDraft};
use rapport_core::style::{DetailLevel, Style};

use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The pump station of the store's story: BAC 420,000 over five months;
/// at the end of February EV 81,000 and AC 90,000 (CPI 0.90).
fn input(style: Option<Style>, detail: Option<DetailLevel>) -> StatusInput {
    let usd = Currency::parse("USD").unwrap();
    let planned = [
        ("2026-01-31", 30_000_00),
        ("2026-02-28", 90_000_00),
        ("2026-03-31", 180_000_00),
        ("2026-04-30", 300_000_00),
        ("2026-05-31", 420_000_00),
    ]
    .iter()
    .map(|(p, pv)| PlannedPoint {
        period_end: d(p),
        pv_minor: *pv,
    })
    .collect();
    let baseline =
        ProjectBaseline::new("USD", 420_000_00, d("2026-01-01"), d("2026-05-31"), planned).unwrap();
    let records = vec![
        StatusDraft::new(d("2026-01-31"), 28_000_00, 29_000_00, None, None).unwrap(),
        StatusDraft::new(d("2026-02-28"), 81_000_00, 90_000_00, None, None).unwrap(),
    ];
    StatusInput {
        project: "Pump station retrofit".into(),
        account: "Northwind Water".into(),
        recipient: "Dana Whitfield".into(),
        style,
        detail,
        prepared_by: "Priya Nair".into(),
        date: d("2026-03-03"),
        currency: usd,
        bac_minor: 420_000_00,
        baseline_finish: d("2026-05-31"),
        evm: project_evm(&baseline, &records),
        news: vec![
            NewsLine {
                critical: false,
                message: "CPI is 0.90 at the 2026-02-28 status, below the 0.95 the client is to hear about.".into(),
                standing: String::new(),
            },
            NewsLine {
                critical: true,
                message: "The promise to Dana to \"send the *revised* plan | v2\" was due on 2026-03-02 and is not kept.".into(),
                standing: "as we told you on 2026-03-02".into(),
            },
        ],
        goal: Some("No loss of supply during cut-over".into()),
        next: vec![Promise {
            by: "Priya Nair".into(),
            to: "Dana Whitfield".into(),
            what: "Send the recovery plan".into(),
            due: d("2026-03-06"),
        }],
        questions: vec!["Which pump goes first?".into()],
        kept: (3, 4),
        team: vec![("Sam Whitaker".into(), "Lead engineer".into())],
        pm_words: Some("Dana, the overrun is ours to fix; here is where it stands.".into()),
        chart: Some("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\"/></svg>".into()),
    }
}

const STYLES: [Option<Style>; 5] = [
    None,
    Some(Style::Driver),
    Some(Style::Analytical),
    Some(Style::Amiable),
    Some(Style::Expressive),
];
const DETAILS: [Option<DetailLevel>; 4] = [
    None,
    Some(DetailLevel::Headline),
    Some(DetailLevel::Summary),
    Some(DetailLevel::Full),
];

/// Every style at every level of detail: the news section is there, with
/// every item, in the model, the Markdown and the HTML.
#[test]
fn no_form_or_level_of_detail_leaves_out_any_news() {
    for style in STYLES {
        for detail in DETAILS {
            let i = input(style, detail);
            let r = status_report(&i);
            let news = r
                .sections
                .iter()
                .find(|s| s.id == "news")
                .unwrap_or_else(|| panic!("{style:?} {detail:?}"));
            assert_eq!(news.bullets.len(), i.news.len(), "{style:?} {detail:?}");
            let (md, html) = (r.markdown(), r.html().unwrap());
            for n in &i.news {
                assert!(
                    news.bullets.iter().any(|b| b.contains(&n.message)),
                    "{style:?} {detail:?}"
                );
                // The Markdown escapes its own characters; the HTML its own.
                assert!(md.contains("send the \\*revised\\* plan \\| v2"), "{md}");
                assert!(html.contains("send the *revised* plan | v2"), "{html}");
                let _ = n;
            }
            assert!(html.contains("CPI is 0.90 at the 2026-02-28 status"));
            // The note on the form is the PM's, never the reader's.
            assert!(
                !md.contains("shaped for") && !html.contains("shaped for"),
                "{md}"
            );
            assert!(md.contains("(as we told you on 2026-03-02)"));
        }
    }
}

/// A Driver reads the bottom line, the decisions and the next steps, with
/// no tables; an Analytical reads the figures, the history and the method.
#[test]
fn a_driver_and_an_analytical_reader_get_different_forms() {
    let driver = status_report(&input(Some(Style::Driver), None));
    let ids: Vec<&str> = driver.sections.iter().map(|s| s.id).collect();
    assert_eq!(ids, ["bottom-line", "news", "decisions"]);
    assert!(driver.sections.iter().all(|s| s.table.is_none()));
    assert!(driver.chart.is_none());

    let analytical = status_report(&input(Some(Style::Analytical), None));
    let ids: Vec<&str> = analytical.sections.iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        [
            "summary",
            "news",
            "figures",
            "history",
            "method",
            "questions",
            "next"
        ]
    );
    assert!(analytical.chart.is_some());
    assert!(analytical
        .shaped
        .contains("the figures, the method and the tables"));
    let history = analytical.sections[3].table.as_ref().unwrap();
    assert_eq!(history.rows.len(), 2);
    assert_eq!(history.rows[1][4], "0.90", "CPI 81,000 / 90,000");

    // A Driver who asked for the full detail gets the figures too.
    let full = status_report(&input(Some(Style::Driver), Some(DetailLevel::Full)));
    assert!(full.sections.iter().any(|s| s.id == "figures"));
}

#[test]
fn amiable_and_expressive_readers_get_their_own_sections() {
    let amiable = status_report(&input(Some(Style::Amiable), None));
    let ids: Vec<&str> = amiable.sections.iter().map(|s| s.id).collect();
    assert_eq!(ids, ["standing", "news", "next", "people", "questions"]);
    assert!(amiable.sections[0].paragraphs[1].starts_with("What it means for you and your team"));
    let expressive = status_report(&input(Some(Style::Expressive), None));
    let ids: Vec<&str> = expressive.sections.iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        ["big-picture", "news", "milestones", "recognition", "next"]
    );
    assert!(expressive.sections[0].paragraphs[0].contains("No loss of supply during cut-over"));
    assert!(expressive.sections[3].paragraphs[0].starts_with("3 of the 4 promises"));
}

/// EAC = BAC / CPI = 420,000 / (81,000 / 90,000) = 466,666.67: over the
/// budget by 46,666.67; the forecast finish is after 2026-05-31.
#[test]
fn the_bottom_line_says_cost_and_finish_exactly() {
    let r = status_report(&input(Some(Style::Driver), None));
    assert!(
        r.headline.starts_with("The cost at completion is forecast at USD 466,666.67, USD 46,666.67 over the USD 420,000 budget; the finish is forecast for 2026-06-"),
        "{}",
        r.headline
    );
    assert!(
        r.headline.ends_with("(status at 2026-02-28)."),
        "{}",
        r.headline
    );
}

#[test]
fn the_pdf_typesets_for_two_readers() {
    for style in [Style::Driver, Style::Analytical] {
        let pdf = status_report(&input(Some(style), None)).pdf().unwrap();
        assert!(pdf.starts_with(b"%PDF"), "{style:?}");
    }
}
