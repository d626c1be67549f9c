//! Server-rendered pages. They work without JavaScript; the full web
//! application arrives with its own capability, this is the portfolio
//! overview a newcomer lands on.

use axum::routing::get;
use axum::Router;

use crate::AppState;

mod home;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home::show))
}
