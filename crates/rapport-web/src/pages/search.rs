//! `/search?q=`: find what was said — conversations, questions, promises —
//! across the projects you may see, each hit linking to its project.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::Nav;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::AppState;

pub struct HitRow {
    pub kind: &'static str,
    pub project: String,
    pub link: String,
    pub text: String,
    pub on: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "search/show.html")]
pub struct SearchPage {
    pub nav: Nav,
    pub q: String,
    pub hits: Vec<HitRow>,
    pub searched: bool,
    /// More matched than are shown.
    pub more: bool,
}

/// How many hits the page shows, best first.
const SHOWN: i64 = 25;

#[derive(Debug, Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    pub q: String,
}

/// Search what was said.
#[utoipa::path(get, path = "/search", tag = "pages",
    params(("q" = Option<String>, Query, description = "the words to find")),
    responses((status = 200, description = "the search page", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(form): Query<SearchForm>,
) -> Result<SearchPage, ApiError> {
    let q: String = form.q.chars().take(200).collect();
    let searched = !q.trim().is_empty();
    // One more than shown, to know whether there are more.
    let mut hits = if searched {
        state.store.search(current.scope(), &q, SHOWN + 1).await?
    } else {
        Vec::new()
    };
    let more = hits.len() as i64 > SHOWN;
    hits.truncate(SHOWN as usize);
    Ok(SearchPage {
        nav: Nav::of(&current),
        q,
        searched,
        more,
        hits: hits
            .into_iter()
            .map(|h| {
                let (kind, anchor) = match h.kind.as_str() {
                    "question" => ("Question", "questions"),
                    "commitment" => ("Promise", "commitments"),
                    _ => ("Conversation", "timeline"),
                };
                HitRow {
                    kind,
                    project: h.project_name,
                    link: format!("/projects/{}#{anchor}", h.project_id.get()),
                    text: h.text,
                    on: h.on.to_string(),
                }
            })
            .collect(),
    })
}
