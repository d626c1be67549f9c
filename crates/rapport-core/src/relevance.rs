//! How well a record that matched a search fits the words searched for:
//! the order the search page lists its hits in. Matching itself is the
//! database's full-text index; this only orders what it found.
//!
//! The score is BM25's term-frequency part (S. Robertson and H. Zaragoza,
//! "The Probabilistic Relevance Framework: BM25 and Beyond", Foundations
//! and Trends in Information Retrieval 3(4), 2009, section 3, the BM25
//! weight with its length-normalised term frequency), summed over the
//! words searched for:
//!
//! ```text
//! score = Σ_t  tf_t · (k1 + 1) / (tf_t + k1 · (1 − b + b · dl / avgdl))
//! ```
//!
//! with tf_t the occurrences of word t in the record, dl the record's
//! length in words, avgdl the average length over the hits, and
//! k1 = 1.2, b = 0.75 (the values SQLite FTS5's `bm25()` uses).
//!
//! BM25 also multiplies each term by its inverse document frequency. Every
//! hit holds every word searched for (the words are all required), so
//! over the hits that factor is the same for every word and is left out.
//! Left out too is what it would cost: the frequency over the whole index,
//! which for a word as common as "cut-over" meant reading 29,000 entries
//! for every search of a user who sees 142 of them (3 ms of a 4 ms page).

/// BM25's term-frequency saturation.
pub const K1: f64 = 1.2;
/// BM25's length normalisation.
pub const B: f64 = 0.75;

/// The words of a text as the full-text index sees them: letters, digits
/// and hyphens (`cut-over` is one word, as in the index's tokenizer),
/// lower case.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Occurrences of `phrase` (its words in a row) in `text`'s words.
fn occurrences(phrase: &[String], text: &[String]) -> usize {
    if phrase.is_empty() || phrase.len() > text.len() {
        return 0;
    }
    text.windows(phrase.len()).filter(|w| *w == phrase).count()
}

/// One hit's score for the searched `phrases` (each the words of one
/// searched term), given the average length of the hits in words.
pub fn score(phrases: &[Vec<String>], text: &[String], average_words: f64) -> f64 {
    let length = text.len() as f64;
    let norm = if average_words > 0.0 {
        1.0 - B + B * length / average_words
    } else {
        1.0
    };
    phrases
        .iter()
        .map(|phrase| {
            let tf = occurrences(phrase, text) as f64;
            tf * (K1 + 1.0) / (tf + K1 * norm)
        })
        .sum()
}

/// The order of `texts` for the search `query` (the user's words, each a
/// term): indexes of `texts`, best first; ties keep their given order (the
/// caller gives the newest first).
pub fn order(query: &str, texts: &[&str]) -> Vec<usize> {
    let phrases: Vec<Vec<String>> = query
        .split_whitespace()
        .map(words)
        .filter(|p| !p.is_empty())
        .collect();
    let tokenised: Vec<Vec<String>> = texts.iter().map(|t| words(t)).collect();
    let average = if tokenised.is_empty() {
        0.0
    } else {
        tokenised.iter().map(Vec::len).sum::<usize>() as f64 / tokenised.len() as f64
    };
    let scores: Vec<f64> = tokenised
        .iter()
        .map(|t| score(&phrases, t, average))
        .collect();
    let mut order: Vec<usize> = (0..texts.len()).collect();
    // Stable: equal scores stay newest first.
    order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrase(text: &str) -> Vec<Vec<String>> {
        text.split_whitespace().map(words).collect()
    }

    #[test]
    fn words_keep_hyphens_and_fold_case() {
        assert_eq!(
            words("The Cut-over (Friday), v1.2 - done."),
            ["the", "cut-over", "friday", "v1", "2", "done"]
        );
        assert!(words(" -- ").is_empty());
    }

    #[test]
    fn a_word_once_in_a_text_of_average_length_scores_one() {
        // tf = 1, dl = avgdl: 1 · 2.2 / (1 + 1.2 · 1) = 1.
        let text = words("cut-over on friday");
        assert!((score(&phrase("cut-over"), &text, 3.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_second_occurrence_adds_less_than_the_first() {
        // tf = 2, dl = avgdl: 2 · 2.2 / (2 + 1.2) = 1.375 (saturation).
        let text = words("cut-over cut-over friday");
        assert!((score(&phrase("cut-over"), &text, 3.0) - 1.375).abs() < 1e-12);
    }

    #[test]
    fn a_long_text_scores_less_for_the_same_occurrences() {
        // tf = 1, dl = 2 · avgdl: 2.2 / (1 + 1.2 · (0.25 + 0.75 · 2)) = 2.2 / 3.1.
        let text = words("cut-over a b c d e");
        assert!((score(&phrase("cut-over"), &text, 3.0) - 2.2 / 3.1).abs() < 1e-12);
    }

    #[test]
    fn a_term_of_several_words_counts_where_they_stand_together() {
        let text = words("pump station, then the station pump; pump station again");
        let p = phrase("pump");
        assert_eq!(occurrences(&p[0], &text), 3);
        let together = [words("pump station")];
        assert_eq!(occurrences(&together[0], &text), 2);
        // v1.2 is two words in a row, as the index reads it.
        assert_eq!(
            occurrences(&words("v1.2"), &words("moved to v1.2 today")),
            1
        );
    }

    #[test]
    fn the_best_fit_comes_first_and_ties_keep_the_given_order() {
        let texts = [
            "weekly call, nothing on the cut-over",
            "cut-over plan: cut-over on Friday night",
            "a long conversation that also mentions the cut-over once among many other words",
            "cut-over agreed",
        ];
        let order = order("Cut-over", &texts);
        // Two occurrences first; then the short texts by length; the long
        // one last.
        assert_eq!(order, [1, 3, 0, 2]);
        let tied = ["cut-over a", "cut-over b"];
        assert_eq!(super::order("cut-over", &tied), [0, 1]);
        assert!(super::order("cut-over", &[]).is_empty());
    }
}
