//! Reading estimate files: what is accepted, and where each refusal points.

use super::*;

const HEADER: &str = "[estimate]\nname = \"x\"\n[[role]]\nid = \"engineer\"\nrate = 150\n";

fn error_of(body: &str) -> FileError {
    Estimate::parse(&format!("{HEADER}{body}")).expect_err("the file should be refused")
}

/// Line numbers below count the five header lines.
#[test]
fn a_three_point_out_of_order_names_item_field_and_line() {
    let e = error_of("[[item]]\nid = \"design\"\nrole = \"engineer\"\nhours = [80, 60, 200]\n");
    assert_eq!(e.line, 9, "{e}");
    assert!(
        e.message
            .contains("item \"design\": hours: low (80) is above likely (60)"),
        "{e}"
    );
}

/// What the TOML reader refuses (a misspelt key, a value of the wrong
/// kind, broken syntax) points at its line and says what to do, as the
/// checks of our own do.
#[test]
fn the_reader_names_misspelt_keys_wrong_kinds_and_broken_syntax_by_line() {
    let e = error_of("[[item]]\nid = \"a\"\ncost = 1\nafetr = [\"b\"]\n");
    assert_eq!((e.line, e.column), (9, 1), "{e}");
    assert!(
        e.message.contains("unknown key `item[0].afetr`")
            && e.message.contains("docs/estimate-file.md"),
        "{e}"
    );
    let e = error_of("[[item]]\nid = \"a\"\ncost = 1\nafter = [\"b\", 3]\n");
    assert_eq!(e.line, 9, "{e}");
    assert!(
        e.message.contains("expected a string, found integer"),
        "{e}"
    );
    let e = Estimate::parse("[estimate]\niterations = 2.5\nname = \"x\"\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 14), "{e}");
    assert!(
        e.message.contains("expected an integer, found float"),
        "{e}"
    );
    let e = Estimate::parse("[estimate]\nname = \"x\n").unwrap_err();
    assert_eq!(e.line, 2, "{e}");
    assert!(e.message.contains("unterminated"), "{e}");
    let e = Estimate::parse("[[item]]\nid = \"a\"\ncost = 1\n").unwrap_err();
    assert!(e.message.contains("missing required key 'estimate'"), "{e}");
}

/// Dates written as TOML dates or as strings read the same.
#[test]
fn cover_dates_read_as_toml_dates_or_strings() {
    for (date, until) in [
        ("2026-11-27", "2027-02-28"),
        ("\"2026-11-27\"", "\"2027-02-28\""),
    ] {
        let estimate = Estimate::parse(&format!(
            "[estimate]\nname = \"x\"\ndate = {date}\nvalid_until = {until}\n[[item]]\nid = \"a\"\ncost = 1\n"
        ))
        .expect("the dates should be read");
        assert_eq!(estimate.cover.date, "2026-11-27".parse().ok());
        assert_eq!(estimate.cover.valid_until, "2027-02-28".parse().ok());
    }
}

#[test]
fn probability_outside_zero_one() {
    let e = error_of(
        "[[item]]\nid = \"a\"\ncost = 1\n[[risk]]\nid = \"r\"\nprobability = 1.5\ncost = 5\n",
    );
    assert_eq!(e.line, 11, "{e}");
    assert!(
        e.message
            .contains("risk \"r\": probability: 1.5 is not a probability"),
        "{e}"
    );
}

#[test]
fn unknown_role_lists_the_known_ones() {
    let e = error_of("[[item]]\nid = \"a\"\nrole = \"welder\"\nhours = [1, 2, 3]\n");
    assert_eq!(e.line, 8);
    assert!(
        e.message
            .contains("unknown role \"welder\"; the roles are: engineer"),
        "{e}"
    );
}

#[test]
fn unknown_predecessor() {
    let e = error_of("[[item]]\nid = \"a\"\nduration = 1\nafter = [\"survey\"]\n");
    assert_eq!(e.line, 9);
    assert!(
        e.message
            .contains("item \"a\": after: unknown item \"survey\""),
        "{e}"
    );
}

#[test]
fn dependency_cycles_are_printed() {
    let e = error_of(
        "[[item]]\nid = \"a\"\nduration = 1\nafter = [\"c\"]\n\
         [[item]]\nid = \"b\"\nduration = 1\nafter = [\"a\"]\n\
         [[item]]\nid = \"c\"\nduration = 1\nafter = [\"b\"]\n",
    );
    assert!(e.message.contains("dependency cycle: "), "{e}");
    for step in ["a → b", "b → c", "c → a"] {
        assert!(e.message.contains(step), "{e}");
    }
}

/// `n` items `i0`, `i1`, … costing 1 to 3.
fn items(n: usize) -> String {
    (0..n)
        .map(|i| format!("[[item]]\nid = \"i{i}\"\ncost = [1, 2, 3]\n"))
        .collect()
}

fn group(members: &[usize], coefficient: f64) -> String {
    let ids: Vec<String> = members.iter().map(|m| format!("\"i{m}\"")).collect();
    format!(
        "[[correlation]]\nitems = [{}]\ncoefficient = {coefficient}\n",
        ids.join(", ")
    )
}

/// Many separate groups are each checked on their own (400 two-item
/// groups once took 17 seconds to read).
#[test]
fn four_hundred_separate_pairs_are_read_and_kept_in_order() {
    let pairs: String = (0..400).map(|p| group(&[2 * p, 2 * p + 1], 0.5)).collect();
    let estimate = Estimate::parse(&format!("{HEADER}{}{pairs}", items(800))).expect("valid");
    assert_eq!(estimate.correlations().len(), 400);
    assert_eq!(estimate.correlations()[399].items(), ["i798", "i799"]);
}

/// Work is iterations × (items + risks) × scenarios: with 3 items, 2
/// risks and 2 alternatives, 1,000 × 5 × (1 + 2) = 15,000.
#[test]
fn simulation_work_counts_every_item_and_risk_draw() {
    let alternatives = "[[alternative]]\nname = \"a\"\n[[alternative]]\nname = \"b\"\n";
    let risks = "[[risk]]\nid = \"r1\"\nprobability = 0.1\ncost = 5\n[[risk]]\nid = \"r2\"\nprobability = 0.2\ncost = 5\n";
    let estimate =
        Estimate::parse(&format!("{HEADER}{}{risks}{alternatives}", items(3))).expect("valid");
    assert_eq!(estimate.simulation_work(1_000), 15_000);
    assert_eq!(estimate.iterations_within(15_000), 1_000);
    assert_eq!(estimate.iterations_within(14_999), 999);
    assert_eq!(estimate.simulation_work(u32::MAX), 4_294_967_295 * 15);
}

#[test]
fn alternatives_and_items_have_stated_limits() {
    let alternatives: String = (0..51)
        .map(|a| format!("[[alternative]]\nname = \"option {a}\"\n"))
        .collect();
    let e = error_of(&format!("{}{alternatives}", items(2)));
    assert!(e.message.contains("51 alternatives; at most 50"), "{e}");
    let e = error_of(&items(10_001));
    assert!(e.message.contains("10001 items; at most 10000"), "{e}");
}

#[test]
fn correlated_sets_and_group_counts_have_stated_limits() {
    let too_many: String = (0..501).map(|p| group(&[2 * p, 2 * p + 1], 0.5)).collect();
    let e = error_of(&format!("{}{too_many}", items(1002)));
    assert!(e.message.contains("at most 500"), "{e}");
    let big: Vec<usize> = (0..201).collect();
    let e = error_of(&format!("{}{}", items(201), group(&big, 0.2)));
    assert!(
        e.message.contains("201 items in one group; at most 200"),
        "{e}"
    );
    // A chain of pairs links 201 items into one set.
    let chain: String = (0..200).map(|p| group(&[p, p + 1], 0.3)).collect();
    let e = error_of(&format!("{}{chain}", items(201)));
    assert!(
        e.message.contains("correlation 200") && e.message.contains("link 201 items"),
        "{e}"
    );
}

#[test]
fn an_impossible_correlation_matrix_is_refused() {
    let e = error_of(
        "[[item]]\nid = \"a\"\ncost = [1, 2, 3]\n[[item]]\nid = \"b\"\ncost = [1, 2, 3]\n[[item]]\nid = \"c\"\ncost = [1, 2, 3]\n\
         [[correlation]]\nitems = [\"a\", \"b\"]\ncoefficient = 0.9\n\
         [[correlation]]\nitems = [\"b\", \"c\"]\ncoefficient = 0.9\n\
         [[correlation]]\nitems = [\"a\", \"c\"]\ncoefficient = -0.9\n",
    );
    // a~b and b~c at 0.9 leave a and c independent, which is already
    // impossible: the second group is refused.
    assert_eq!(e.line, 20, "{e}");
    assert!(
        e.message.contains("correlation 2") && e.message.contains("not positive definite"),
        "{e}"
    );
}

#[test]
fn items_need_something_to_estimate_and_hours_need_a_role() {
    let e = error_of("[[item]]\nid = \"a\"\nname = \"Nothing\"\n");
    assert!(
        e.message
            .contains("needs at least one of hours, cost or duration"),
        "{e}"
    );
    let e = error_of("[[item]]\nid = \"a\"\nhours = [1, 2, 3]\n");
    assert!(e.message.contains("hours need a role"), "{e}");
}

#[test]
fn delays_need_an_item_with_a_duration() {
    let e = error_of("[[item]]\nid = \"a\"\ncost = 1\n[[risk]]\nid = \"r\"\nprobability = 0.5\ndelay = [1, 2, 3]\non = \"a\"\n");
    assert!(
        e.message.contains("item \"a\" has no duration to delay"),
        "{e}"
    );
    let e = error_of("[[item]]\nid = \"a\"\nduration = 1\n[[risk]]\nid = \"r\"\nprobability = 0.5\ndelay = [1, 2, 3]\n");
    assert!(e.message.contains("a delay needs on = \"item\""), "{e}");
}

#[test]
fn alternatives_are_checked_against_the_estimate() {
    let e = error_of(
        "[[item]]\nid = \"a\"\ncost = 1\n[[alternative]]\nname = \"less\"\ndrop = [\"zzz\"]\n",
    );
    assert!(
        e.message
            .contains("alternative \"less\": drop: unknown item \"zzz\""),
        "{e}"
    );
    let e = error_of("[[item]]\nid = \"a\"\ncost = 1\n[[alternative]]\nname = \"cheap\"\nrates = { welder = 3 }\n");
    assert!(e.message.contains("rates: unknown role \"welder\""), "{e}");
}

#[test]
fn a_dropped_item_hands_its_place_to_its_predecessors() {
    let estimate = Estimate::parse(&format!(
        "{HEADER}[[item]]\nid = \"a\"\nduration = 1\n[[item]]\nid = \"b\"\nduration = 1\nafter = [\"a\"]\n\
         [[item]]\nid = \"c\"\nduration = 1\nafter = [\"b\"]\n[[alternative]]\nname = \"skip b\"\ndrop = [\"b\"]\n"
    ))
    .unwrap();
    let scenario = estimate.scenario(Some(&estimate.alternatives[0]));
    let c = scenario.items.iter().find(|i| i.item.id == "c").unwrap();
    assert_eq!(c.item.after, vec!["a"]);
}

#[test]
fn a_single_number_is_an_exact_value() {
    let estimate = Estimate::parse(&format!(
        "{HEADER}[[item]]\nid = \"licence\"\ncost = 12000\n"
    ))
    .unwrap();
    assert!(estimate.items[0].cost.unwrap().is_exact());
    assert_eq!(estimate.iterations, 10_000);
    assert_eq!(estimate.confidence, 0.8);
}

/// Issue 10, point 3: the cover a client files the document under.
#[test]
fn the_cover_fields_are_read_and_checked() {
    let source = "[estimate]\nname = \"x\"\nclient = \"Northwind Water\"\nfirm = \"Acme Controls\"\nprepared_by = \" Priya Patel \"\ndate = 2026-11-27\nversion = 2\nvalid_until = \"2027-02-28\"\n[[item]]\nid = \"a\"\ncost = 1\n";
    let estimate = Estimate::parse(source).unwrap();
    let cover = estimate.cover();
    assert_eq!(cover.client.as_deref(), Some("Northwind Water"));
    assert_eq!(cover.prepared_by.as_deref(), Some("Priya Patel"));
    assert_eq!(cover.version.as_deref(), Some("2"));
    assert_eq!(cover.date, "2026-11-27".parse().ok());
    assert_eq!(cover.valid_until, "2027-02-28".parse().ok());

    let refused = |body: &str| {
        Estimate::parse(&format!(
            "[estimate]\nname = \"x\"\n{body}\n[[item]]\nid = \"a\"\ncost = 1\n"
        ))
        .expect_err("the cover should be refused")
    };
    let e = refused("date = \"2026-11-27\"\nvalid_until = \"2026-11-01\"");
    assert_eq!(e.line, 4, "{e}");
    assert!(e.message.contains("before estimate.date"), "{e}");
    let e = refused("client = \"  \"");
    assert_eq!(e.line, 3, "{e}");
    assert!(e.message.contains("estimate.client is empty"), "{e}");
    let e = refused("date = \"27/11/2026\"");
    assert!(e.message.starts_with("estimate.date: "), "{e}");
    for version in ["[1]", "-3", "\"two\\nlines\"", "\"\""] {
        let e = refused(&format!("version = {version}"));
        assert!(
            e.message.contains(
                "estimate.version: give it as a number or as one line of at most 40 characters"
            ),
            "{version}: {e}"
        );
    }
    let e = refused("date = \"2026-02-30\"");
    assert!(e.message.contains("is not a day of the calendar"), "{e}");
}
