//! Reading the file's TOML into the raw structs, and saying what is wrong
//! when it cannot be read: broken syntax, a misspelt key, a value of the
//! wrong kind, a missing one. The checks of what the values mean come
//! after, in the parent module.

use toml_spanner::{Error, ErrorKind};

use super::{FileError, RawFile};

/// The keys each table of the file takes, by the table's path without
/// item numbers (`alternative.item` for an alternative's added items).
/// A test reads a file that uses every one of them.
pub(super) const KEYS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "estimate",
            "role",
            "item",
            "risk",
            "correlation",
            "assumption",
            "exclusion",
            "alternative",
        ],
    ),
    (
        "estimate",
        &[
            "name",
            "description",
            "currency",
            "distribution",
            "iterations",
            "seed",
            "confidence",
            "class",
            "target_cost",
            "target_duration",
            "client",
            "firm",
            "prepared_by",
            "date",
            "version",
            "valid_until",
        ],
    ),
    ("role", &["id", "name", "rate"]),
    ("item", ITEM_KEYS),
    ("alternative.item", ITEM_KEYS),
    (
        "risk",
        &[
            "id",
            "name",
            "probability",
            "cost",
            "delay",
            "on",
            "distribution",
        ],
    ),
    ("correlation", &["items", "coefficient"]),
    ("assumption", &["text"]),
    ("exclusion", &["text"]),
    (
        "alternative",
        &[
            "name",
            "description",
            "drop",
            "drop_risks",
            "rates",
            "scale_hours",
            "item",
        ],
    ),
];

const ITEM_KEYS: &[&str] = &[
    "id",
    "name",
    "role",
    "hours",
    "cost",
    "duration",
    "after",
    "distribution",
];

/// The file's TOML into the raw structs, or the problem a person should
/// fix first.
pub(super) fn read(source: &str) -> Result<RawFile, FileError> {
    let arena = toml_spanner::Arena::new();
    let problem = |e: &Error| FileError::at(source, e.span().range(), message(e));
    let mut document = toml_spanner::parse(source, &arena).map_err(|e| problem(&e))?;
    document.to::<RawFile>().map_err(|e| {
        // Every problem is collected. A misspelt key comes first: the same
        // typo also leaves a required key missing, and "missing `rate`"
        // would point at the table's header rather than at the typo.
        let misspelt = e
            .errors
            .iter()
            .filter(|e| matches!(e.kind(), ErrorKind::UnexpectedKey { .. }))
            .min_by_key(|e| e.span().start);
        match misspelt.or_else(|| e.errors.iter().min_by_key(|e| e.span().start)) {
            Some(first) => problem(first),
            None => FileError::at(source, 0..0, "the file could not be read as an estimate"),
        }
    })
}

/// What went wrong, in the words of the file's documentation.
fn message(e: &Error) -> String {
    let path = e.path().map(|p| p.to_string()).unwrap_or_default();
    match e.kind() {
        ErrorKind::UnexpectedKey { .. } => unknown_key(&path),
        ErrorKind::MissingField("estimate") if path.is_empty() => {
            "the file has no [estimate] table: start it with [estimate] and name = \"…\" \
             (see docs/estimate-file.md)"
                .to_string()
        }
        ErrorKind::MissingField(key) => format!("`{path}` needs `{key}`"),
        ErrorKind::OutOfRange { ty, .. } if ty.contains("recursion") => {
            format!("arrays or tables are nested too deeply at `{path}`")
        }
        ErrorKind::OutOfRange { .. } => format!(
            "the number at `{path}` is out of range; docs/estimate-file.md gives the values it takes"
        ),
        // Integers are taken where a float is asked for.
        _ => e.to_string().replace("expected a float", "expected a number"),
    }
}

/// "unknown key", with the key it was probably meant to be, or the keys
/// its table takes.
fn unknown_key(path: &str) -> String {
    let (table, key) = match path.rsplit_once('.') {
        Some((table, key)) => (table, key),
        None => ("", path),
    };
    let table: String = without_numbers(table);
    let Some((_, keys)) = KEYS.iter().find(|(t, _)| *t == table) else {
        return format!("unknown key `{path}`; docs/estimate-file.md lists the keys");
    };
    match keys
        .iter()
        .map(|k| (edit_distance(key, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
    {
        Some((_, k)) => format!("unknown key `{path}`; did you mean `{k}`?"),
        None => format!(
            "unknown key `{path}`; {} takes {}",
            if table.is_empty() {
                "the file".to_string()
            } else {
                format!("[{table}]")
            },
            keys.join(", ")
        ),
    }
}

/// `alternative[0].item[2]` → `alternative.item`.
fn without_numbers(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '[' => inside = true,
            ']' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// Levenshtein distance, in characters: how many insertions, deletions
/// or substitutions turn one word into the other.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("coeficient", "coefficient"), 1);
        assert_eq!(edit_distance("afetr", "after"), 2);
        assert_eq!(edit_distance("rat", "rate"), 1);
        assert_eq!(edit_distance("", "id"), 2);
        assert_eq!(edit_distance("cost", "cost"), 0);
    }

    #[test]
    fn item_numbers_are_dropped_from_a_table_path() {
        assert_eq!(
            without_numbers("alternative[0].item[12]"),
            "alternative.item"
        );
        assert_eq!(without_numbers("estimate"), "estimate");
    }
}
