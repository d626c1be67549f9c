//! `/api/v1/people/{id}/profile`: a person's behaviour profile — their
//! style on the two axes (from the observation questionnaire, or named
//! directly by someone who knows them), how they decide, what they want
//! from the project, how they like to be kept informed — and the advice
//! that follows from it.

use std::collections::BTreeMap;

use axum::{extract::State, Json};
use chrono::{DateTime, Utc};
use rapport_core::domain::ValidationErrors;
use rapport_core::ids::PersonId;
use rapport_core::style::{self, Assessment, ProfileDraft, ProfileInput, ANSWER_RANGE};
use rapport_store::Profile;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read, place))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    /// The observation questionnaire's answers, each item's id (see
    /// `questionnaire` in a profile) to 1 (very like its low end) … 5 (very
    /// like its high end), every item once. Give this or `style`.
    #[schema(value_type = Option<BTreeMap<String, i64>>)]
    pub answers: Option<BTreeMap<String, i64>>,
    /// The style named directly, by someone who knows the person well.
    #[schema(value_type = Option<String>, pattern = r"^(driver|expressive|amiable|analytical)$")]
    pub style: Option<String>,
    #[schema(value_type = Option<String>, pattern = r"^(decides_alone|consults_one_by_one|consults_the_group|seeks_consensus)$")]
    pub decision_style: Option<String>,
    /// What they personally want from the project.
    #[schema(max_length = 2000)]
    pub wants: Option<String>,
    #[schema(value_type = Option<String>, pattern = r"^(meeting|call|email|visit|message)$")]
    pub preferred_channel: Option<String>,
    /// Days without contact after which they are due a call (amber on
    /// Today); not longer than `contact_max_days`. Replaces the person's.
    #[schema(minimum = 1, maximum = 366)]
    pub contact_ideal_days: Option<i64>,
    /// Days without contact that must not pass (red on Today).
    #[schema(minimum = 1, maximum = 366)]
    pub contact_max_days: Option<i64>,
    /// Days between status reports to them.
    #[schema(minimum = 1, maximum = 92)]
    pub report_cadence_days: Option<i64>,
    #[schema(value_type = Option<String>, pattern = r"^(headline|summary|full)$")]
    pub detail_level: Option<String>,
}

/// The advice for the person's style.
#[derive(Debug, Serialize, ToSchema)]
pub struct GuidanceView {
    pub inform: String,
    pub negotiate: String,
    pub avoid: String,
    pub under_stress: String,
    pub what_helps: String,
    pub bad_news: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    pub person_id: i64,
    /// `driver`, `expressive`, `amiable` or `analytical`.
    pub style: String,
    /// `questionnaire` or `direct`.
    pub method: String,
    /// −1 (asks) … +1 (tells); absent when the style was named directly.
    pub assertiveness: Option<f64>,
    /// −1 (controlled) … +1 (expressive); absent when named directly.
    pub responsiveness: Option<f64>,
    /// Within 0.2 of an axis: the placement is tentative.
    pub borderline: bool,
    pub answers: Option<BTreeMap<String, i64>>,
    pub decision_style: Option<String>,
    pub wants: Option<String>,
    pub preferred_channel: Option<String>,
    pub contact_ideal_days: Option<i64>,
    pub contact_max_days: Option<i64>,
    pub report_cadence_days: Option<i64>,
    pub detail_level: Option<String>,
    /// The firm-side person who observed them.
    pub assessed_by_id: i64,
    pub assessed_at: DateTime<Utc>,
    /// Assessments before this one.
    pub earlier_assessments: i64,
    pub guidance: GuidanceView,
}

impl From<Profile> for ProfileView {
    fn from(p: Profile) -> Self {
        let d = &p.profile;
        let g = style::guidance(d.style());
        Self {
            person_id: p.person_id.get(),
            style: d.style().as_str().into(),
            method: match d.assessment() {
                Assessment::Questionnaire(..) => "questionnaire",
                Assessment::Direct(_) => "direct",
            }
            .into(),
            assertiveness: d.scores().map(|s| s.assertiveness),
            responsiveness: d.scores().map(|s| s.responsiveness),
            borderline: d.borderline(),
            answers: d.answers().map(|a| {
                a.iter()
                    .map(|(id, n)| (id.to_string(), i64::from(n)))
                    .collect()
            }),
            decision_style: d.decision_style().map(|x| x.as_str().into()),
            wants: d.wants().map(Into::into),
            preferred_channel: d.preferred_channel().map(|x| x.as_str().into()),
            contact_ideal_days: d.contact_ideal_days(),
            contact_max_days: d.contact_max_days(),
            report_cadence_days: d.report_cadence_days(),
            detail_level: d.detail_level().map(|x| x.as_str().into()),
            assessed_by_id: p.assessed_by_id.get(),
            assessed_at: p.assessed_at,
            earlier_assessments: p.earlier,
            guidance: GuidanceView {
                inform: g.inform.into(),
                negotiate: g.negotiate.into(),
                avoid: g.avoid.into(),
                under_stress: g.under_stress.into(),
                what_helps: g.what_helps.into(),
                bad_news: g.bad_news.into(),
            },
        }
    }
}

/// Checks a body into a profile. Answers outside a byte are refused here
/// with the number as sent (core takes answers as small numbers).
pub fn profile_draft(body: &ProfileBody) -> Result<ProfileDraft, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let answers: Option<Vec<(&str, u8)>> = body.answers.as_ref().map(|answers| {
        answers
            .iter()
            .filter_map(|(id, n)| match u8::try_from(*n) {
                Ok(n) => Some((id.as_str(), n)),
                Err(_) => {
                    errors.add(
                        format!("answers.{id}"),
                        format!(
                            "must be {} to {}, not {n}",
                            ANSWER_RANGE.start(),
                            ANSWER_RANGE.end()
                        ),
                    );
                    None
                }
            })
            .collect()
    });
    let draft = ProfileDraft::new(ProfileInput {
        answers: answers.as_deref(),
        style: body.style.as_deref(),
        decision_style: body.decision_style.as_deref(),
        wants: body.wants.as_deref(),
        preferred_channel: body.preferred_channel.as_deref(),
        contact_ideal_days: body.contact_ideal_days,
        contact_max_days: body.contact_max_days,
        report_cadence_days: body.report_cadence_days,
        detail_level: body.detail_level.as_deref(),
    });
    match draft {
        Ok(draft) if errors.is_empty() => Ok(draft),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.0.extend(more.0);
            Err(errors)
        }
    }
}

/// A person's current profile.
#[utoipa::path(get, path = "/api/v1/people/{id}/profile", tag = "people",
    params(("id" = i64, Path, description = "person id")),
    responses((status = 200, body = ProfileView),
        (status = 404, body = ErrorBody, description = "no such person, or nobody has placed them yet")))]
pub async fn read(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ProfileView>> {
    let profile = state.store.profile(PersonId::new(id)).await?;
    let profile = profile.ok_or_else(|| {
        ApiError::NotFound(format!(
            "nobody has placed person {id} yet; PUT a profile with the questionnaire's answers or a style"
        ))
    })?;
    Ok(Json(profile.into()))
}

/// Place a person: a new assessment becomes their profile (the earlier
/// ones stay as its history), and its contact intervals replace theirs.
/// Nobody places themselves.
#[utoipa::path(put, path = "/api/v1/people/{id}/profile", tag = "people", request_body = ProfileBody,
    params(("id" = i64, Path, description = "person id")),
    responses((status = 200, body = ProfileView), (status = 422, body = ErrorBody)))]
pub async fn place(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ProfileBody>,
) -> ApiResult<Json<ProfileView>> {
    let draft = profile_draft(&body).map_err(ApiError::invalid)?;
    let profile = state
        .store
        .set_profile(
            state.clock.now(),
            &current.actor(),
            PersonId::new(id),
            current.user.person_id,
            &draft,
        )
        .await?;
    Ok(Json(profile.into()))
}
