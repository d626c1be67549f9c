//! The cover fields of `[estimate]`: client, firm, prepared by, date,
//! version and validity.

use super::*;
use crate::estimate::model::Cover;
use crate::located::date_value;

/// The longest cover text: a line on a title page.
const MAX_COVER_TEXT: usize = 200;
/// The longest version: "2.1 draft for review" fits.
const MAX_VERSION: usize = 40;

pub(super) fn cover(ctx: &Ctx<'_>, e: &RawEstimate) -> Result<Cover, FileError> {
    let text = |value: &Option<Spanned<String>>,
                field: &str|
     -> Result<Option<String>, FileError> {
        let Some(value) = value else { return Ok(None) };
        let trimmed = value.get_ref().trim();
        if trimmed.is_empty() {
            return Err(ctx.err(
                value.span(),
                format!("estimate.{field} is empty; give it or leave the line out"),
            ));
        }
        // A line break, or any other control character (an escaped ESC
        // would recolour a terminal): see `plain.rs` for the other texts.
        if trimmed.chars().count() > MAX_COVER_TEXT || trimmed.contains(char::is_control) {
            return Err(ctx.err(
                value.span(),
                format!("estimate.{field} must be one line of at most {MAX_COVER_TEXT} characters, without control characters"),
            ));
        }
        Ok(Some(trimmed.to_string()))
    };
    let date = |value: &Option<Spanned<Any>>, field: &str| {
        value
            .as_ref()
            .map(|v| {
                date_value(&v.get_ref().0, v.span(), ctx.source).map_err(|mut err| {
                    err.message = format!("estimate.{field}: {}", err.message);
                    err
                })
            })
            .transpose()
    };
    let version = match &e.version {
        None => None,
        Some(v) => {
            let text = match &v.get_ref().0 {
                toml::Value::String(s) => Some(s.trim().to_string()),
                toml::Value::Integer(n) if *n >= 0 => Some(n.to_string()),
                toml::Value::Float(f) if *f >= 0.0 && f.is_finite() => Some(f.to_string()),
                _ => None,
            };
            match text {
                Some(t)
                    if !t.is_empty()
                        && t.chars().count() <= MAX_VERSION
                        && !t.contains(char::is_control) =>
                {
                    Some(t)
                }
                _ => {
                    return Err(ctx.err(
                        v.span(),
                        format!("estimate.version: give it as a number or as one line of at most {MAX_VERSION} characters, e.g. 2 or \"B\""),
                    ))
                }
            }
        }
    };
    let issued = date(&e.date, "date")?;
    let valid_until = date(&e.valid_until, "valid_until")?;
    if let (Some(issued), Some(until), Some(span)) = (
        issued,
        valid_until,
        e.valid_until.as_ref().map(Spanned::span),
    ) {
        if until < issued {
            return Err(ctx.err(
                span,
                format!("estimate.valid_until ({until}) is before estimate.date ({issued}); an offer holds from its date"),
            ));
        }
    }
    Ok(Cover {
        client: text(&e.client, "client")?,
        firm: text(&e.firm, "firm")?,
        prepared_by: text(&e.prepared_by, "prepared_by")?,
        date: issued,
        version,
        valid_until,
    })
}
