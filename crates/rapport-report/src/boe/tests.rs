//! The basis of estimate against hand calculations and its own promises.
use super::*;
use rapport_core::estimate::{simulate, Settings};

const ESTIMATE: &str = r#"
[estimate]
name = "Pump controls"
currency = "USD"
iterations = 4000
seed = 3
class = 3
[[role]]
id = "engineer"
name = "Controls engineer"
rate = 100
[[item]]
id = "design"
name = "Design & <review>"
role = "engineer"
hours = [100, 150, 260]
duration = [10, 14, 24]
[[item]]
id = "install"
name = "Install"
cost = [20000, 25000, 40000]
duration = [5, 8, 15]
after = ["design"]
[[risk]]
id = "late"
name = "Parts arrive late"
probability = 0.25
cost = [1000, 2000, 5000]
delay = [3, 5, 10]
on = "install"
[[exclusion]]
text = "Permits"
[[alternative]]
name = "Client installs"
drop = ["install"]
"#;

fn document() -> BasisOfEstimate {
    let estimate = Estimate::parse(ESTIMATE).unwrap();
    let results = simulate(&estimate, &Settings::of(&estimate), &|_| {}).unwrap();
    basis_of_estimate(&estimate, &results, &issue())
}

/// One item uniform on [10,020, 20,020]: percentile p is 10,020 +
/// 10,000·p by hand, so P10 = 11,020, P50 = 15,020, P80 = 18,020 and
/// P90 = 19,020; the base is the likely value, 15,020. At 2,000,000
/// iterations four standard errors of a percentile (√(p(1−p)/n)·10,000)
/// are at most 14, so each rounds the same way whatever the seed: the
/// ceiling 18,020 → 18,100, the floor 11,020 → 11,000, the ceiling
/// 19,020 → 19,100, the middle 15,020 → 15,000; contingency
/// 18,100 − 15,020 = 3,080. (The [10,000, 20,000] of the textbook puts
/// each percentile on a rounding boundary, where the rounded figure
/// would depend on the sampling noise; 20 more keeps them clear of it.)
#[test]
fn page_one_says_what_a_hand_calculation_says() {
    let estimate = Estimate::parse(
        "[estimate]\nname = \"Survey\"\ncurrency = \"USD\"\niterations = 2000000\nseed = 11\n\
         distribution = \"uniform\"\n[[item]]\nid = \"survey\"\nname = \"Site survey\"\n\
         cost = [10020, 15020, 20020]\n",
    )
    .unwrap();
    let r = simulate(&estimate, &Settings::of(&estimate), &|_| {}).unwrap();
    let boe = basis_of_estimate(&estimate, &r, &issue());
    assert_eq!(
        boe.headline,
        "We are 80% confident the cost stays under USD 18,100."
    );
    assert_eq!(
        boe.certainty,
        [
            "There is a 1 in 5 chance the cost goes above USD 18,100: we simulated the work 2,000,000 times with every item and risk varying within its range, and 80% of the outcomes stayed at or under it.",
            "If everything went as most likely and no risk occurred, the cost would be USD 15,020. We recommend holding the difference, USD 3,080, as contingency: it is what it takes to be 80% sure.",
        ]
    );
    assert_eq!(
        boe.range,
        "Nine in ten outcomes cost more than USD 11,000 and nine in ten cost less than USD 19,100; the middle outcome is about USD 15,000."
    );
    assert!(boe.targets.is_empty());
    assert_eq!(
        boe.drivers,
        ["The cost depends most on \u{201c}Site survey\u{201d}: the uncertainty in these items moves the total more than anything else."]
    );
    assert_eq!(boe.options.len(), 1);
    assert_eq!(boe.options[0].cost, "USD 18,100");
    assert!(
        boe.key_figures_note
            .contains("quoted as USD 18,100, and its contingency as USD 3,080"),
        "{}",
        boe.key_figures_note
    );
}

/// The options table uses the same rounded figures as page one.
#[test]
fn options_and_class_follow_page_one() {
    let boe = document();
    let estimate = Estimate::parse(ESTIMATE).unwrap();
    let r = simulate(&estimate, &Settings::of(&estimate), &|_| {}).unwrap();
    assert_eq!(r.cost.base, 40_000.0, "150 h × 100 + 25,000");
    assert_eq!(boe.options.len(), 2);
    assert_eq!(
        boe.options[0].cost,
        money(ceil3(r.cost.at_confidence), Some("USD"))
    );
    assert_eq!(boe.options[1].name, "Client installs");
    assert!(
        boe.options[1].difference.starts_with('\u{2212}'),
        "{}",
        boe.options[1].difference
    );
    assert!(boe.class.as_ref().unwrap().text.contains("class 3"));
}

#[test]
fn every_format_carries_the_headline_and_escapes_names() {
    let boe = document();
    let md = boe.markdown();
    assert!(md.starts_with("# Basis of estimate: Pump controls"));
    assert!(md.contains(&format!("**{}**", boe.headline)));
    let html = boe.html().unwrap();
    assert!(html.contains(&boe.headline));
    assert!(
        html.contains("Design &amp; &lt;review&gt;")
            || html.contains("Design &#38; &#60;review&#62;"),
        "names are escaped"
    );
    assert!(!html.contains("<review>"));
    let pdf = boe.pdf().unwrap();
    let read = lopdf::Document::load_mem(&pdf).expect("the PDF reads back");
    let pages = read.get_pages().len();
    // Page one, key figures and charts, items and risks, method: the
    // two-item estimate fits in four pages, and has at least two.
    assert!((2..=4).contains(&pages), "{pages} pages");
    let typeset = boe.page_texts().unwrap();
    assert_eq!(typeset.len(), pages, "the PDF has the typeset pages");
    // Runs break at lines and styles, so compare without spaces.
    let squeeze = |t: &str| t.split_whitespace().collect::<String>();
    assert!(
        squeeze(&typeset[0]).contains(&squeeze(&boe.headline)),
        "page one reads: {}",
        typeset[0]
    );
}

/// 100 items costing 1, 2, … 100 (fixed: low = likely = high): the
/// table keeps the 60 dearest, 41 to 100, in file order; the other 40
/// cost 1 + 2 + … + 40 = 820 together.
#[test]
fn a_long_estimate_lists_its_largest_items_and_accounts_for_the_rest() {
    let items: String = (1..=100)
        .map(|k| format!("[[item]]\nid = \"i{k}\"\ncost = [{k}, {k}, {k}]\n"))
        .collect();
    let estimate = Estimate::parse(&format!(
        "[estimate]\nname = \"Long\"\ncurrency = \"USD\"\niterations = 200\n{items}"
    ))
    .unwrap();
    let results = simulate(&estimate, &Settings::of(&estimate), &|_| {}).unwrap();
    let document = basis_of_estimate(&estimate, &results, &issue());
    assert_eq!(document.items.len(), ITEMS_LISTED);
    assert_eq!(document.items[0].id, "i41");
    assert_eq!(document.items[59].id, "i100");
    let note = document.items_note.as_deref().unwrap();
    assert!(
        note.contains("the other 40 items together have an expected cost of USD 820"),
        "{note}"
    );
    assert!(document.markdown().contains(note));
    assert!(document.html().unwrap().contains(note));
    // Typeset: a few pages, the note among them.
    let pages = document.page_texts().unwrap();
    assert!(pages.len() <= 8, "{} pages", pages.len());
    let squeeze = |t: &str| t.split_whitespace().collect::<String>();
    assert!(pages.iter().any(|p| squeeze(p).contains(&squeeze(note))));
    assert_eq!(document.risks_note, None);
}

/// Issue 10, point 4: a reader sees names, never ids ("After design",
/// not "after fds"; a risk "on Install"), and no "(pert)".
#[test]
fn tables_name_items_not_ids() {
    let boe = document();
    assert_eq!(boe.items[1].after, "Design & <review>");
    assert!(
        boe.risks[0].impact.contains("days on Install"),
        "{}",
        boe.risks[0].impact
    );
    assert!(
        boe.items.iter().all(|i| !i.basis.contains("pert")),
        "{:?}",
        boe.items
    );
}

/// A chance that merely rounds to 0% or 100% says so.
#[test]
fn small_chances_are_not_rounded_to_nothing() {
    assert_eq!(chance(0.003), "<1%");
    assert_eq!(chance(0.997), ">99%");
    assert_eq!(
        (chance(0.0), chance(1.0), chance(0.42)),
        ("0%".into(), "100%".into(), "42%".into())
    );
}

/// Issue 10, point 7: the class paragraph says what the simulated range
/// implies. Class 3 is −10…−20% / +10…+30%: −9%/+2% (the issue's case) is
/// narrower than even the best case; −15%/+20% is in keeping; −30%/+40%
/// is wider than the worst.
#[test]
fn the_class_paragraph_draws_the_conclusion() {
    let class3 = ((-0.10, -0.20), (0.10, 0.30));
    assert!(class_verdict(-0.09, 0.02, class3).starts_with("The simulated range is narrower"));
    assert!(class_verdict(-0.15, 0.20, class3).contains("in keeping"));
    assert!(class_verdict(-0.30, 0.40, class3).starts_with("The simulated range is wider"));
    let text = document().class.unwrap().text;
    assert!(text.contains("between 10% and 20% below"), "{text}");
    assert!(text.contains("18R-97"), "{text}");
}

/// Issue 10, point 8: where the most likely schedule is below the P10,
/// one sentence explains it (merge bias); where it is not, none is added.
#[test]
fn a_base_schedule_below_p10_is_explained() {
    // Three parallel lines of work, each [5, 6, 12] days, then a finish:
    // the project waits for the latest line, so nearly every run is longer
    // than the most likely 6 + 1 days.
    let estimate = Estimate::parse(
        "[estimate]\nname = \"Parallel\"\niterations = 2000\n\
         [[item]]\nid = \"a\"\nduration = [5, 6, 12]\n[[item]]\nid = \"b\"\nduration = [5, 6, 12]\n\
         [[item]]\nid = \"c\"\nduration = [5, 6, 12]\n[[item]]\nid = \"end\"\nduration = 1\nafter = [\"a\", \"b\", \"c\"]\n",
    )
    .unwrap();
    let r = simulate(&estimate, &Settings::of(&estimate), &|_| {}).unwrap();
    let d = r.duration.as_ref().unwrap();
    assert!(d.base < d.p10, "base {} p10 {}", d.base, d.p10);
    let boe = basis_of_estimate(&estimate, &r, &issue());
    assert!(boe
        .certainty
        .iter()
        .any(|s| s.contains("waits for the latest of them")));
    let single = document();
    assert!(!single
        .certainty
        .iter()
        .any(|s| s.contains("waits for the latest")));
}

/// The issue facts the tests print under: a fixed day, no stored version.
fn issue() -> Issue {
    Issue {
        date: "2026-11-27".parse().unwrap(),
        version: None,
    }
}

/// Issue 10, point 3: the cover carries what the file gives, and the
/// issue's date and stored version where the file is silent; page one of
/// the PDF shows it.
#[test]
fn the_cover_shows_the_file_and_falls_back_to_the_issue() {
    let plain = document();
    let lines = |boe: &BasisOfEstimate| {
        boe.cover
            .iter()
            .map(|c| format!("{}: {}", c.label, c.value))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        lines(&plain),
        [
            "Date: 27 November 2026",
            "Estimate class: AACE International class 3: budget authorisation or control"
        ]
    );
    let source = ESTIMATE.replace(
        "currency = \"USD\"",
        "currency = \"USD\"\nclient = \"Northwind Water\"\nfirm = \"Halden Controls\"\nprepared_by = \"Priya Patel\"\ndate = \"2026-11-02\"\nversion = \"B\"\nvalid_until = \"2027-01-31\"",
    );
    let estimate = Estimate::parse(&source).unwrap();
    let results = simulate(&estimate, &Settings::of(&estimate), &|_| {}).unwrap();
    let stored = Issue {
        date: "2026-11-27".parse().unwrap(),
        version: Some("4".into()),
    };
    let boe = basis_of_estimate(&estimate, &results, &stored);
    // 2026-11-02 to 2027-01-31: 28 + 31 + 31 = 90 days.
    assert_eq!(
        lines(&boe)[..5],
        [
            "Client: Northwind Water",
            "Prepared by: Priya Patel, Halden Controls",
            "Date: 2 November 2026",
            "Version: B",
            "Valid until: 31 January 2027 (90 days from the date above)",
        ]
    );
    let page_one = &boe.page_texts().unwrap()[0];
    for text in [
        "Northwind Water",
        "Priya Patel, Halden Controls",
        "31 January 2027",
    ] {
        assert!(
            page_one.contains(text),
            "{text} is not on page one: {page_one}"
        );
    }
    let without_version = Estimate::parse(ESTIMATE).unwrap();
    let boe = basis_of_estimate(&without_version, &results, &stored);
    assert!(lines(&boe).contains(&"Version: 4".to_string()));
}

/// Issue 10, point 5: the items' total row adds every column up, listed
/// or not. 100 fixed items costing 1 … 100: each column sums to
/// 100 × 101 / 2 = 5,050.
#[test]
fn the_item_table_has_a_total_row_that_adds_up() {
    let items: String = (1..=100)
        .map(|k| format!("[[item]]\nid = \"i{k}\"\ncost = [{k}, {k}, {k}]\n"))
        .collect();
    let estimate = Estimate::parse(&format!(
        "[estimate]\nname = \"Long\"\ncurrency = \"USD\"\niterations = 200\n{items}"
    ))
    .unwrap();
    let results = simulate(&estimate, &Settings::of(&estimate), &|_| {}).unwrap();
    let boe = basis_of_estimate(&estimate, &results, &issue());
    assert_eq!(boe.items_total.name, "All 100 items");
    assert_eq!(boe.items_total.cost_range, "5,050");
    assert_eq!(boe.items_total.mean_cost, "5,050");
    assert!(
        boe.items_total_note.contains("the estimate's mean"),
        "{}",
        boe.items_total_note
    );

    // With a risk, the note ties the items' means and the risk's to the
    // key figures' mean.
    let boe = document();
    let mean = boe.key_figures.iter().find(|f| f.label == "Mean").unwrap();
    assert!(
        boe.items_total_note
            .contains(&format!("makes the estimate's mean, {} (each", mean.cost)),
        "{} vs {}",
        boe.items_total_note,
        mean.cost
    );
    assert!(boe.markdown().contains(&format!(
        "| **Total** | | **{}**",
        boe.items_total.cost_range
    )));
}

/// Issue 10, point 5: a rate card, the correlations the method promises,
/// and rates that never split across lines.
#[test]
fn the_rate_card_and_the_correlations_are_listed() {
    let source = ESTIMATE.replace(
        "[[exclusion]]",
        "[[correlation]]\nitems = [\"design\", \"install\"]\ncoefficient = 0.5\n[[exclusion]]",
    );
    let estimate = Estimate::parse(&source).unwrap();
    let results = simulate(&estimate, &Settings::of(&estimate), &|_| {}).unwrap();
    let boe = basis_of_estimate(&estimate, &results, &issue());
    assert_eq!(boe.rates.len(), 1);
    assert_eq!(boe.rates[0].role, "Controls engineer");
    assert_eq!(boe.rates[0].rate, "USD\u{a0}100/h");
    assert_eq!(boe.rates[0].likely_hours, "150");
    assert_eq!(boe.correlations.len(), 1);
    assert_eq!(boe.correlations[0].items, "Design & <review>; Install");
    assert_eq!(boe.correlations[0].coefficient, "0.50");
    assert!(boe.method[1].contains("Items that move together"));
    assert!(
        boe.items[0].basis.contains("USD\u{a0}100/h"),
        "{}",
        boe.items[0].basis
    );
    // Without correlations the method says the items are independent.
    assert!(document().method[1].contains("vary independently of each other"));
}

/// Issue 10, point 6: every marker label sits on a plate drawn after all
/// the lines, so no line strikes through it; what the bars leave out is
/// said; the schedule has its own tornado.
#[test]
fn the_charts_keep_their_labels_clear_and_say_what_they_leave_out() {
    let boe = document();
    let estimate = Estimate::parse(ESTIMATE).unwrap();
    let results = simulate(&estimate, &Settings::of(&estimate), &|_| {}).unwrap();
    for (svg, summary) in [
        (&boe.charts.cost, &results.cost),
        (
            boe.charts.duration.as_ref().unwrap(),
            results.duration.as_ref().unwrap(),
        ),
    ] {
        let last_line = svg.rfind("<line").unwrap();
        for name in ["base ", "P50 ", "P80 "] {
            let label = svg.find(&format!(">{name}")).unwrap();
            assert!(label > last_line, "the {name}label is drawn before a line");
        }
        let h = &summary.histogram;
        assert!(h.below + h.above > 0);
        assert!(
            svg.contains(&format!(
                "Not drawn, to keep the bars readable: the lowest {} outcome",
                h.below
            )),
            "{svg}"
        );
    }
    let schedule = boe.charts.tornado_duration.as_deref().unwrap();
    assert!(schedule.contains("What drives the finish date"));
    assert!(schedule.contains("Design &amp; &lt;review&gt;"));
}

/// A name is shown as written in Markdown: `*bold*` and `<b>` are text,
/// not emphasis and HTML.
#[test]
fn markdown_shows_names_as_written() {
    let source = ESTIMATE.replace(
        "currency = \"USD\"",
        "currency = \"USD\"\nclient = \"*Acme* <b>Water</b> | North\"",
    );
    let estimate = Estimate::parse(&source).unwrap();
    let results = simulate(&estimate, &Settings::of(&estimate), &|_| {}).unwrap();
    let md = basis_of_estimate(&estimate, &results, &issue()).markdown();
    assert!(
        md.contains(r"- **Client:** \*Acme\* \<b\>Water\</b\> \| North"),
        "{md}"
    );
    assert!(md.contains(r"| Design & \<review\> |"), "{md}");
}
