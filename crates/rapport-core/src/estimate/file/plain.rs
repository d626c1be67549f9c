//! The file's words as a person will read them: ids, names and texts go to
//! a terminal table, a page and a PDF, so none may hold a control
//! character. TOML refuses them typed as they are, but lets an escape
//! (`"\u001b[31m"`) through, which would recolour or rewrite the terminal
//! `rapport estimate` prints to. Descriptions and texts may break lines.

use super::*;

/// Refuses the first id, name or text with a control character, at the
/// field, or at its table when the field keeps no place of its own. The
/// field's name is made only for a message.
pub(super) fn check(ctx: &Ctx<'_>, raw: &RawFile) -> Result<(), FileError> {
    let e = &raw.estimate;
    spanned(ctx, &|| "estimate.name".into(), &e.name, false)?;
    given(
        ctx,
        &|| "estimate.description".into(),
        &e.description,
        e.name.span(),
        true,
    )?;
    // The cover's one-line texts are checked with the cover (`cover.rs`).
    for r in &raw.role {
        spanned(ctx, &|| "role id".into(), &r.id, false)?;
        given(ctx, &|| "role name".into(), &r.name, r.id.span(), false)?;
    }
    for item in &raw.item {
        item_text(ctx, "", item)?;
    }
    for risk in &raw.risk {
        let r = risk.get_ref();
        spanned(ctx, &|| "risk id".into(), &r.id, false)?;
        given(ctx, &|| "risk name".into(), &r.name, risk.span(), false)?;
    }
    for t in raw.assumption.iter().chain(&raw.exclusion) {
        text(ctx, &|| "text".into(), &t.get_ref().text, t.span(), true)?;
    }
    for alternative in &raw.alternative {
        let a = alternative.get_ref();
        spanned(ctx, &|| "alternative name".into(), &a.name, false)?;
        given(
            ctx,
            &|| "alternative description".into(),
            &a.description,
            alternative.span(),
            true,
        )?;
        for item in &a.item {
            item_text(ctx, "alternative ", item)?;
        }
    }
    Ok(())
}

/// The field's name, for a message.
type What<'a> = &'a dyn Fn() -> String;

fn item_text(ctx: &Ctx<'_>, kind: &str, item: &Spanned<RawItem>) -> Result<(), FileError> {
    let i = item.get_ref();
    spanned(ctx, &|| format!("{kind}item id"), &i.id, false)?;
    given(
        ctx,
        &|| format!("{kind}item name"),
        &i.name,
        item.span(),
        false,
    )
}

fn spanned(
    ctx: &Ctx<'_>,
    what: What,
    value: &Spanned<String>,
    lines: bool,
) -> Result<(), FileError> {
    text(ctx, what, value.get_ref(), value.span(), lines)
}

fn given(
    ctx: &Ctx<'_>,
    what: What,
    value: &Option<String>,
    at: Range<usize>,
    lines: bool,
) -> Result<(), FileError> {
    match value {
        Some(v) => text(ctx, what, v, at, lines),
        None => Ok(()),
    }
}

fn text(
    ctx: &Ctx<'_>,
    what: What,
    value: &str,
    at: Range<usize>,
    lines: bool,
) -> Result<(), FileError> {
    let allowed = |c: char| lines && matches!(c, '\n' | '\r' | '\t');
    match value.chars().find(|c| c.is_control() && !allowed(*c)) {
        Some(c) => Err(ctx.err(
            at,
            format!(
                "{} \"{}\" holds the control character U+{:04X}; remove it",
                what(),
                value.escape_default(),
                u32::from(c)
            ),
        )),
        None => Ok(()),
    }
}
