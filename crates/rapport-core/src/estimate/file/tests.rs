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
        e.message
            .contains("unknown key `item[0].afetr`; did you mean `after`?"),
        "{e}"
    );
    let e = error_of("[[item]]\nid = \"a\"\ncost = 1\nzzz = 2\n");
    assert!(
        e.message.contains(
            "unknown key `item[0].zzz`; [item] takes id, name, role, hours, cost, duration, after, distribution"
        ),
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
    for empty in ["", "\n  \n", "[[item]]\nid = \"a\"\ncost = 1\n"] {
        let e = Estimate::parse(empty).unwrap_err();
        assert!(
            e.message
                .starts_with("the file has no [estimate] table: start it with [estimate]"),
            "{e}"
        );
    }
}

/// A misspelt required key also leaves the key missing; the typo, on its
/// own line, is what the person has to fix.
#[test]
fn a_misspelt_required_key_is_named_rather_than_reported_missing() {
    let e = error_of(
        "[[item]]\nid = \"a\"\ncost = 1\n[[risk]]\nid = \"r\"\nprobabilty = 0.5\ncost = 1\n",
    );
    assert_eq!((e.line, e.column), (11, 1), "{e}");
    assert!(
        e.message
            .contains("unknown key `risk[0].probabilty`; did you mean `probability`?"),
        "{e}"
    );
    let e = error_of("[[item]]\nid = \"a\"\ncost = 1\n[[risk]]\nid = \"r\"\ncost = 1\n");
    assert_eq!(e.line, 9, "{e}");
    assert!(e.message.contains("`risk[0]` needs `probability`"), "{e}");
}

/// TOML integers are 64-bit: wider ones are refused, not rounded.
#[test]
fn integers_wider_than_64_bits_are_refused() {
    let e = Estimate::parse(
        "[estimate]\nname = \"x\"\nversion = 99999999999999999999999\n[[item]]\nid = \"a\"\ncost = 1\n",
    )
    .unwrap_err();
    assert_eq!(e.line, 3, "{e}");
    assert!(e.message.contains("outside the 64-bit range"), "{e}");
    let e = error_of("[[item]]\nid = \"a\"\ncost = [1, 2, 9223372036854775808]\n");
    assert!(e.message.contains("outside the 64-bit range"), "{e}");
    let e = Estimate::parse("[estimate]\nname = \"x\"\nseed = 18446744073709551615\n").unwrap_err();
    assert!(
        e.message
            .contains("the number at `estimate.seed` is out of range"),
        "{e}"
    );
}

/// Found by an outside tester: a rate of 1e300 priced 1e15 hours at
/// infinity, the results were NaN and drawing the document's charts
/// filled memory. Rates and hour factors stop at 1e15, like every value.
#[test]
fn rates_and_hour_factors_stop_where_costs_stay_finite() {
    let e = Estimate::parse(
        "[estimate]\nname = \"x\"\n[[role]]\nid = \"e\"\nrate = 1e300\n[[item]]\nid = \"a\"\nrole = \"e\"\nhours = 1e15\n",
    )
    .unwrap_err();
    assert_eq!(e.line, 5, "{e}");
    assert!(
        e.message.contains("rate must be a number from 0 to 1e15"),
        "{e}"
    );
    let body =
        "[[item]]\nid = \"a\"\nrole = \"engineer\"\nhours = 10\n[[alternative]]\nname = \"b\"\n";
    let e = error_of(&format!("{body}rates = {{ engineer = 1e16 }}\n"));
    assert!(
        e.message
            .contains("rates: engineer must be a number from 0 to 1e15"),
        "{e}"
    );
    let e = error_of(&format!("{body}scale_hours = 1e300\n"));
    assert!(e.message.contains("at most 1e15"), "{e}");
    let e = error_of(&format!("{body}scale_hours = {{ a = 1e300 }}\n"));
    assert!(e.message.contains("at most 1e15"), "{e}");
    assert!(Estimate::parse(&format!("{HEADER}{body}scale_hours = 1e15\n")).is_ok());
}

/// The keys an unknown key is compared with are the keys the reader
/// takes: a file using every one of them is read.
#[test]
fn every_key_the_messages_suggest_is_read() {
    let file = r#"
[estimate]
name = "n"
description = "d"
currency = "EUR"
distribution = "pert"
iterations = 1000
seed = 3
confidence = 0.9
class = 3
target_cost = 10
target_duration = 10
client = "c"
firm = "f"
prepared_by = "p"
date = 2026-11-27
version = 1
valid_until = 2027-01-01
[[role]]
id = "e"
name = "Engineer"
rate = 100
[[item]]
id = "a"
name = "A"
role = "e"
hours = [1, 2, 3]
cost = 1
duration = [1, 2, 3]
after = []
distribution = "triangular"
[[item]]
id = "b"
cost = 1
[[risk]]
id = "r"
name = "R"
probability = 0.5
cost = 1
delay = 1
on = "a"
distribution = "uniform"
[[correlation]]
items = ["a", "b"]
coefficient = 0.5
[[assumption]]
text = "t"
[[exclusion]]
text = "t"
[[alternative]]
name = "alt"
description = "d"
drop = ["b"]
drop_risks = ["r"]
rates = { e = 90 }
scale_hours = 0.9
[[alternative.item]]
id = "c"
name = "C"
role = "e"
hours = 1
cost = 1
duration = 1
after = ["a"]
distribution = "pert"
"#;
    Estimate::parse(file).unwrap_or_else(|e| panic!("{e}"));
    let arena = toml_spanner::Arena::new();
    let document = toml_spanner::parse(file, &arena).unwrap();
    let mut used: Vec<(String, Vec<String>)> = Vec::new();
    fn walk(table: &toml_spanner::Table<'_>, path: &str, used: &mut Vec<(String, Vec<String>)>) {
        let keys = table.iter().map(|(k, _)| k.name.to_string()).collect();
        used.push((path.to_string(), keys));
        for (key, item) in table.iter() {
            let inner = if path.is_empty() {
                key.name.to_string()
            } else {
                format!("{path}.{}", key.name)
            };
            match item.value() {
                toml_spanner::Value::Table(t) if key.name != "rates" => walk(t, &inner, used),
                toml_spanner::Value::Array(a) => {
                    for item in a.iter() {
                        if let toml_spanner::Value::Table(t) = item.value() {
                            walk(t, &inner, used);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    walk(document.table(), "", &mut used);
    for (table, keys) in super::reader::KEYS {
        let mut listed: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        listed.sort();
        let mut seen: Vec<String> = used
            .iter()
            .filter(|(path, _)| path == table)
            .flat_map(|(_, keys)| keys.clone())
            .collect();
        seen.sort();
        seen.dedup();
        assert_eq!(listed, seen, "the keys of [{table}]");
    }
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
    for version in ["[1]", "-3", "\"two\\nlines\"", "\"B\\u001b[31m\"", "\"\""] {
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

/// Found by an outside tester: `name = "T\u001b[31mRED"` coloured the
/// terminal the table was printed to. Escapes of control characters are
/// refused in ids, names and texts; texts may still break lines.
#[test]
fn control_characters_are_refused_in_ids_names_and_texts() {
    let e = error_of("[[item]]\nid = \"a\"\nname = \"T\\u001b[31mRED\"\ncost = 1\n");
    assert_eq!(e.line, 6, "{e}");
    assert!(
        e.message
            .contains("item name \"T\\u{1b}[31mRED\" holds the control character U+001B"),
        "{e}"
    );
    let e = error_of("[[item]]\nid = \"a\\u0000b\"\ncost = 1\n");
    assert_eq!(e.line, 7, "{e}");
    assert!(e.message.contains("item id"), "{e}");
    let e = Estimate::parse(
        "[estimate]\nname = \"x\"\nclient = \"North\\u001b[2Jwind\"\n[[item]]\nid = \"a\"\ncost = 1\n",
    )
    .unwrap_err();
    assert_eq!(e.line, 3, "{e}");
    assert!(
        e.message.contains("estimate.client must be one line"),
        "{e}"
    );
    assert!(e.message.contains("without control characters"), "{e}");
    let ok = Estimate::parse(&format!(
        "{HEADER}[[item]]\nid = \"a\"\ncost = 1\n[[assumption]]\ntext = \"two\\nlines\\tand a tab\"\n"
    ));
    assert!(ok.is_ok(), "{ok:?}");
}

/// A coefficient of ±1 says the items are one; the message says so, not
/// that groups before it (there are none) break the matrix.
#[test]
fn a_correlation_of_one_says_to_merge_the_items() {
    let body = "[[item]]\nid = \"a\"\ncost = [1, 2, 3]\n[[item]]\nid = \"b\"\ncost = [1, 2, 3]\n[[correlation]]\nitems = [\"a\", \"b\"]\n";
    let e = error_of(&format!("{body}coefficient = 1\n"));
    assert!(e.message.contains("±1 makes the items one"), "{e}");
    let e = error_of(&format!("[[item]]\nid = \"c\"\ncost = [1, 2, 3]\n{body}items = [\"a\", \"b\", \"c\"]\ncoefficient = -0.9\n").replacen("items = [\"a\", \"b\"]\n", "", 1));
    assert!(
        e.message
            .contains("its coefficient makes an invalid correlation matrix"),
        "{e}"
    );
    assert!(!e.message.contains("before it"), "{e}");
}
