//! Full-text search over what was said — interactions, follow-up
//! questions, commitments, the mission brief and team concerns — with each
//! backend's own index (SQLite FTS5, PostgreSQL
//! `tsvector` with `websearch_to_tsquery`), only in projects the caller may
//! see. The two dialects are kept side by side here and nowhere else.

use chrono::NaiveDate;
use rapport_core::ids::ProjectId;
use serde::Serialize;

use crate::scope::project_visible;
use crate::{fetch, Result, Scope, Store, TxInner};

/// The most hits one search returns.
pub const MAX_HITS: i64 = 100;

/// A user's hits on SQLite are ranked by [`rapport_core::relevance`] over
/// at most this many, the newest: FTS5's own `bm25()` would first count
/// each word over the whole firm's index, most of a search's time.
const CANDIDATES: i64 = 2_000;

/// One record that matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// `interaction`, `question`, `commitment`, `brief` or `concern`.
    pub kind: String,
    pub record_id: i64,
    pub project_id: ProjectId,
    pub project_name: String,
    /// What was said (summary and notes, question and answer, promise and
    /// reason).
    pub text: String,
    /// When it was said, asked, or is due.
    pub on: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct HitRow {
    kind: String,
    record_id: i64,
    project_id: i64,
    project_name: String,
    body: String,
    on_date: NaiveDate,
}
crate::direct::direct_row!(HitRow {
    kind,
    record_id,
    project_id,
    project_name,
    body,
    on_date
});

/// The user's words as an FTS5 query: each word a quoted phrase (quotes
/// doubled inside), all required. Quoting keeps hyphens, quotes, dots and
/// FTS5's own operators (`NEAR`, `*`, `^`, `-`) from being read as query
/// syntax; a word with no letter or digit in it is left out. `None` when no
/// word is left.
pub fn fts5_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

impl Store {
    /// The records matching `text` in projects `scope` may see, best first
    /// (at most `limit`, itself at most [`MAX_HITS`]).
    pub async fn search(&self, scope: Scope, text: &str, limit: i64) -> Result<Vec<SearchHit>> {
        let limit = limit.clamp(1, MAX_HITS);
        // Control characters are never words (and PostgreSQL refuses NUL).
        let text: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let (everything, person, _) = scope.binds();
        self.snapshot(move |mut tx| async move {
        let text = text.as_str();
        let rows: Vec<HitRow> = match &tx.0 {
            TxInner::Sqlite(_) | TxInner::Direct(_) => {
                let Some(words) = fts5_query(text) else {
                    return Ok(Vec::new());
                };
                // Narrowed inside the index to the projects the user sees
                // (their tokens, "p42"), so only their hits are read; the
                // join below checks access again. Everything (an admin)
                // may match tens of thousands: FTS5 ranks those itself.
                let ranked_here = matches!(scope, Scope::User { .. });
                let query = match scope {
                    Scope::Everything => format!("body : ({words})"),
                    Scope::User { .. } => {
                        let sql = format!(
                            "SELECT pr.id FROM projects pr WHERE NOT pr.archived AND {}",
                            project_visible(scope, "pr", 1)
                        );
                        let visible: Vec<(i64,)> =
                            fetch!(
                                tx,
                                fetch_all,
                                &sql,
                                everything,
                                person,
                            );
                        if visible.is_empty() {
                            return Ok(Vec::new());
                        }
                        let projects: Vec<String> =
                            visible.iter().map(|(id,)| format!("\"p{id}\"")).collect();
                        format!("body : ({words}) AND project : ({})", projects.join(" OR "))
                    }
                };
                let sql = format!(
                    "SELECT search_index.kind AS kind, search_index.record_id AS record_id, \
                     pr.id AS project_id, pr.name AS project_name, search_index.body AS body, \
                     COALESCE(i.occurred_on, q.asked_on, c.due_on, date(b.written_at), date(k.raised_at)) AS on_date \
                     FROM search_index JOIN projects pr ON pr.id = search_index.project_id \
                     LEFT JOIN interactions i ON search_index.kind = 'interaction' AND i.id = search_index.record_id \
                     LEFT JOIN follow_up_questions q ON search_index.kind = 'question' AND q.id = search_index.record_id \
                     LEFT JOIN commitments c ON search_index.kind = 'commitment' AND c.id = search_index.record_id \
                     LEFT JOIN mission_briefs b ON search_index.kind = 'brief' AND b.id = search_index.record_id \
                     LEFT JOIN concerns k ON search_index.kind = 'concern' AND k.id = search_index.record_id \
                     WHERE search_index MATCH $1 AND NOT pr.archived AND {} \
                     ORDER BY {} LIMIT $4",
                    project_visible(scope, "pr", 2),
                    if ranked_here {
                        "on_date DESC, search_index.rowid DESC"
                    } else {
                        "search_index.rank, on_date DESC"
                    }
                );
                let candidates = if ranked_here { CANDIDATES } else { limit };
                let rows: Vec<HitRow> =
                    fetch!(
                        tx,
                        fetch_all,
                        &sql,
                        query,
                        everything,
                        person,
                        candidates,
                    );
                if ranked_here {
                    let bodies: Vec<&str> = rows.iter().map(|r| r.body.as_str()).collect();
                    let order = rapport_core::relevance::order(text, &bodies);
                    let mut rows: Vec<Option<HitRow>> = rows.into_iter().map(Some).collect();
                    order
                        .into_iter()
                        .take(usize::try_from(limit).unwrap_or(0))
                        .filter_map(|i| rows[i].take())
                        .collect()
                } else {
                    rows
                }
            }
            TxInner::Postgres(_) => {
                if text.trim().is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "SELECT h.kind, h.record_id, pr.id AS project_id, pr.name AS project_name, h.body, h.on_date \
                     FROM ( \
                       SELECT 'interaction' AS kind, i.id AS record_id, i.project_id, \
                              i.summary || ' ' || COALESCE(i.notes, '') AS body, i.occurred_on AS on_date, \
                              ts_rank(i.search, w.q) AS rank \
                       FROM interactions i, websearch_to_tsquery('simple', $1) w(q) WHERE i.search @@ w.q AND NOT i.archived \
                       UNION ALL \
                       SELECT 'question', f.id, f.project_id, f.question || ' ' || COALESCE(f.answer, ''), f.asked_on, \
                              ts_rank(f.search, w.q) \
                       FROM follow_up_questions f, websearch_to_tsquery('simple', $1) w(q) WHERE f.search @@ w.q AND NOT f.archived \
                       UNION ALL \
                       SELECT 'commitment', c.id, c.project_id, c.description || ' ' || COALESCE(c.reason, ''), c.due_on, \
                              ts_rank(c.search, w.q) \
                       FROM commitments c, websearch_to_tsquery('simple', $1) w(q) WHERE c.search @@ w.q AND NOT c.archived \
                       UNION ALL \
                       SELECT 'brief', b.id, b.project_id, b.goal || ' ' || COALESCE(b.success_criteria, '') || ' ' \
                              || COALESCE(b.personal_stakes, '') || ' ' || COALESCE(b.unwritten_expectations, '') || ' ' \
                              || COALESCE(b.expertise, ''), b.written_at::date, ts_rank(b.search, w.q) \
                       FROM mission_briefs b, websearch_to_tsquery('simple', $1) w(q) WHERE b.search @@ w.q \
                       AND b.version = (SELECT MAX(v.version) FROM mission_briefs v WHERE v.project_id = b.project_id) \
                       UNION ALL \
                       SELECT 'concern', k.id, k.project_id, k.concern || ' ' || COALESCE(k.answer, ''), k.raised_at::date, \
                              ts_rank(k.search, w.q) \
                       FROM concerns k, websearch_to_tsquery('simple', $1) w(q) WHERE k.search @@ w.q AND NOT k.archived \
                     ) h JOIN projects pr ON pr.id = h.project_id \
                     WHERE NOT pr.archived AND {} ORDER BY h.rank DESC, h.on_date DESC LIMIT $4",
                    project_visible(scope, "pr", 2)
                );
                fetch!(
                    tx,
                    fetch_all,
                    &sql,
                    text,
                    everything,
                    person,
                    limit,
                )
            }
        };
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|r| SearchHit {
                kind: r.kind,
                record_id: r.record_id,
                project_id: ProjectId::new(r.project_id),
                project_name: r.project_name,
                text: r.body.trim().to_string(),
                on: r.on_date,
            })
            .collect())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::fts5_query;

    #[test]
    fn the_users_words_are_quoted_so_nothing_is_read_as_syntax() {
        assert_eq!(fts5_query("cut-over"), Some("\"cut-over\"".into()));
        assert_eq!(
            fts5_query(r#"pump "2" NEAR v1.2*"#),
            Some(r#""pump" """2""" "NEAR" "v1.2*""#.into())
        );
        assert_eq!(fts5_query(" - -- "), None);
        assert_eq!(fts5_query(""), None);
    }
}
