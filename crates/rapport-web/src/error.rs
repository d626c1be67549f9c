//! The one HTTP error type, and extractors whose rejections use it.
//!
//! Every error leaves as JSON `{ "error": { "code", "message", "fields"? } }`
//! with a 4xx status for the caller's mistakes; outside `/api/`, the
//! [`html_errors`] layer turns the same error into an HTML page with the
//! same status and message. A 5xx is always a bug or an outage: its cause
//! is logged and the caller gets a generic message.

use axum::extract::rejection::{
    BytesRejection, FormRejection, JsonRejection, PathRejection, QueryRejection,
};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rapport_core::domain::{FieldError, ValidationErrors};
use rapport_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug)]
pub enum ApiError {
    /// Malformed request: bad JSON syntax, a path id that is not a number.
    BadRequest(String),
    /// Well-formed but wrong: missing fields, wrong types, invalid values.
    Unprocessable {
        message: String,
        fields: Vec<FieldError>,
    },
    /// No valid credentials: no session or token, or an expired, revoked
    /// or disabled one.
    Unauthorized,
    /// Credentials were sent but do not work; the message says why (a
    /// revoked or expired token, say).
    BadCredentials(String),
    /// Signed in, and allowed to see this, but not to do this.
    Forbidden(String),
    NotFound(String),
    MethodNotAllowed(String),
    /// The request named a host this server does not answer to.
    MisdirectedRequest(String),
    /// The body is larger than the server takes.
    PayloadTooLarge(String),
    Conflict(String),
    /// Too many attempts; the message says when to try again.
    TooManyRequests(String),
    UnsupportedMediaType(String),
    /// A bug or an outage; the cause is logged, never shown.
    Internal(String),
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code: `bad_request`, `validation_failed`,
    /// `unauthorized`, `forbidden`, `not_found`, `method_not_allowed`, `conflict`,
    /// `too_many_requests`, `unsupported_media_type`, `internal`.
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldErrorView>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorView {
    pub field: String,
    pub message: String,
}

impl ApiError {
    pub fn invalid(errors: ValidationErrors) -> Self {
        Self::Unprocessable {
            message: format!(
                "the request has {} invalid field(s): {errors}",
                errors.0.len()
            ),
            fields: errors.0,
        }
    }

    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = ValidationErrors::default();
        errors.add(field, message);
        Self::invalid(errors)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, fields) = match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m, None),
            ApiError::Unprocessable { message, fields } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                message,
                Some(fields),
            ),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "sign in first: send `Authorization: Bearer TOKEN` (make a token with `rapport token create` or on the settings page), or sign in at /login".to_string(),
                None,
            ),
            ApiError::BadCredentials(m) => (StatusCode::UNAUTHORIZED, "unauthorized", m, None),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m, None),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m, None),
            ApiError::MisdirectedRequest(m) => {
                (StatusCode::MISDIRECTED_REQUEST, "misdirected_request", m, None)
            }
            ApiError::PayloadTooLarge(m) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", m, None)
            }
            ApiError::MethodNotAllowed(m) => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                m,
                None,
            ),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m, None),
            ApiError::TooManyRequests(m) => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_requests", m, None)
            }
            ApiError::UnsupportedMediaType(m) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                m,
                None,
            ),
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "something went wrong on our side; it has been logged".to_string(),
                    None,
                )
            }
        };
        let fields = fields.map(|fields| {
            fields
                .into_iter()
                .map(|f| FieldErrorView {
                    field: f.field,
                    message: f.message,
                })
                .collect()
        });
        let page = ErrorPageFacts {
            status,
            message: message.clone(),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                fields,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            // RFC 9110 §11.6.1: a 401 names the scheme that would work.
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"rapport\""),
            );
        }
        response.extensions_mut().insert(page);
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { .. } => ApiError::NotFound(error.to_string()),
            StoreError::Conflict(m) => ApiError::Conflict(m),
            StoreError::Invalid(errors) => ApiError::invalid(errors),
            other => ApiError::Internal(format!("{other:#}")),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonSyntaxError(e) => ApiError::BadRequest(format!(
                "the body is not valid JSON: {}",
                source_message(&e)
            )),
            JsonRejection::JsonDataError(e) => {
                let detail = source_message(&e);
                // serde reports "field: message at line L column C"; keep the
                // path as the field so clients can show it beside the input.
                let field = detail
                    .split_once(": ")
                    .map_or("body", |(path, _)| path)
                    .to_string();
                ApiError::Unprocessable {
                    message: format!("the JSON does not match the expected shape: {detail}"),
                    fields: vec![FieldError {
                        field,
                        message: detail,
                    }],
                }
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType(
                "send the body as JSON with the header Content-Type: application/json".into(),
            ),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => too_large(),
            other => ApiError::BadRequest(other.body_text()),
        }
    }
}

/// The answer for a body over the limit (axum's default, 2 MB).
fn too_large() -> ApiError {
    ApiError::PayloadTooLarge(
        "the body is larger than the 2 MB the server takes; send less (split an estimate file, or import it with `rapport estimate --save`)".into(),
    )
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::BadRequest(format!(
                "the body could not be read: {}",
                source_message(&rejection)
            ))
        }
    }
}

impl From<FormRejection> for ApiError {
    fn from(rejection: FormRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => too_large(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(
                "send the form as application/x-www-form-urlencoded, as a browser does".into(),
            ),
            _ => ApiError::BadRequest(format!(
                "the form could not be read: {}",
                source_message(&rejection)
            )),
        }
    }
}

/// The innermost error message (serde's, with its path and position).
fn source_message(error: &dyn std::error::Error) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::BadRequest(format!(
            "the path is not valid: {}; ids are whole numbers",
            source_message(&rejection)
        ))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadRequest(format!(
            "the query string is not valid: {}",
            source_message(&rejection)
        ))
    }
}

/// `Json` whose rejections are [`ApiError`]s.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `Path` whose rejections are [`ApiError`]s.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// The raw body, whose rejections (too large) are [`ApiError`]s.
#[derive(Debug)]
pub struct ApiBytes(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = ApiError;

    async fn from_request(
        request: axum::extract::Request,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::body::Bytes::from_request(request, state)
            .await
            .map(ApiBytes)
            .map_err(ApiError::from)
    }
}

/// A page's form (`application/x-www-form-urlencoded`), whose rejections
/// are [`ApiError`]s, shown as an HTML error page.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Form), rejection(ApiError))]
pub struct PageForm<T>(pub T);

/// `Query` whose rejections are [`ApiError`]s.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

pub type ApiResult<T> = Result<T, ApiError>;

/// What [`html_errors`] needs to show an error as a page.
#[derive(Debug, Clone)]
struct ErrorPageFacts {
    status: StatusCode,
    message: String,
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    title: String,
    message: String,
    unauthenticated: bool,
}

/// Shows an [`ApiError`] as an HTML page, with its status and message,
/// when the request was for a page rather than under `/api/` (or
/// `/healthz`, which scripts read).
pub async fn html_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path();
    let wants_json = path.starts_with("/api/") || path == "/healthz";
    let response = next.run(request).await;
    if wants_json {
        return response;
    }
    let Some(facts) = response.extensions().get::<ErrorPageFacts>().cloned() else {
        return response;
    };
    let title = match facts.status {
        StatusCode::NOT_FOUND => "Not found".to_string(),
        StatusCode::FORBIDDEN => "Not allowed".to_string(),
        StatusCode::UNAUTHORIZED => "Sign in first".to_string(),
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts".to_string(),
        StatusCode::METHOD_NOT_ALLOWED => "Not available this way".to_string(),
        status => status
            .canonical_reason()
            .unwrap_or("Something went wrong")
            .to_string(),
    };
    let page = ErrorPage {
        title,
        message: facts.message,
        unauthenticated: facts.status == StatusCode::UNAUTHORIZED,
    };
    (facts.status, page).into_response()
}
