//! What the estimate file's raw structs are made of: a value with its
//! place in the file ([`Spanned`]), and any TOML value ([`Any`]) for the
//! fields that take more than one shape (a number or `[low, likely,
//! high]`, a date as a string or a TOML date).
//!
//! The file is read by `toml-spanner` rather than the `toml` crate the
//! earnings file and the configuration use: on the 1,000-item benchmark
//! network it reads and converts the file in about a sixth of the time
//! (0.4 ms against 2.1 to 3.2 ms, cold, in a fresh process), which is a
//! tenth of `rapport estimate`'s whole run (see docs/benchmarks.md). The
//! checks downstream take `toml::Value`, so an [`Any`] converts to one.

use std::mem::MaybeUninit;
use std::ops::Range;

use toml_spanner::{Context, DateTime, Failed, FromToml, Item, Value};

/// A value and the bytes of the file it came from.
#[derive(Debug, Clone)]
pub(super) struct Spanned<T> {
    value: T,
    span: Range<usize>,
}

impl<T> Spanned<T> {
    pub(super) fn get_ref(&self) -> &T {
        &self.value
    }

    pub(super) fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

impl<'de, T: FromToml<'de>> FromToml<'de> for Spanned<T> {
    fn from_toml(ctx: &mut Context<'de>, item: &Item<'de>) -> Result<Self, Failed> {
        Ok(Self {
            value: T::from_toml(ctx, item)?,
            span: item.span().range(),
        })
    }
}

/// Any TOML value, as a [`toml::Value`].
#[derive(Debug, Clone)]
pub(super) struct Any(pub(super) toml::Value);

impl<'de> FromToml<'de> for Any {
    fn from_toml(ctx: &mut Context<'de>, item: &Item<'de>) -> Result<Self, Failed> {
        value(ctx, item).map(Any)
    }
}

fn value<'de>(ctx: &mut Context<'de>, item: &Item<'de>) -> Result<toml::Value, Failed> {
    Ok(match item.value() {
        Value::String(s) => toml::Value::String((*s).to_string()),
        // toml-spanner reads integers wider than TOML's 64 bits; TOML
        // says to refuse them rather than round them.
        Value::Integer(i) => match i.as_i64() {
            Some(n) => toml::Value::Integer(n),
            None => {
                return Err(ctx.report_custom_error(
                    "an integer outside the 64-bit range TOML allows; give a smaller number",
                    item,
                ))
            }
        },
        Value::Float(f) => toml::Value::Float(*f),
        Value::Boolean(b) => toml::Value::Boolean(*b),
        Value::DateTime(d) => date_time(d),
        Value::Array(a) => toml::Value::Array(
            a.iter()
                .map(|item| value(ctx, item))
                .collect::<Result<_, _>>()?,
        ),
        Value::Table(t) => toml::Value::Table(
            t.iter()
                .map(|(key, item)| Ok((key.name.to_string(), value(ctx, item)?)))
                .collect::<Result<_, _>>()?,
        ),
    })
}

/// The date or time as the `toml` crate holds it: both write and read
/// the RFC 3339 text of TOML.
fn date_time(d: &DateTime) -> toml::Value {
    let mut buffer = MaybeUninit::uninit();
    let text = d.format(&mut buffer);
    match text.parse() {
        Ok(parsed) => toml::Value::Datetime(parsed),
        Err(_) => toml::Value::String(text.to_string()),
    }
}
