//! The file's words as a person will read them: ids, names and texts go to
//! a terminal table, a page and a PDF, so none may hold a control
//! character. TOML refuses them typed as they are, but lets an escape
//! (`"\u001b[31m"`) through, which would recolour or rewrite the terminal
//! `rapport estimate` prints to. Descriptions and texts may break lines.

use super::*;

/// Refuses the first id, name or text with a control character, at the
/// field, or at its table when the field keeps no place of its own.
pub(super) fn check(ctx: &Ctx<'_>, raw: &RawFile) -> Result<(), FileError> {
    let e = &raw.estimate;
    spanned(ctx, "estimate.name", &e.name, false)?;
    given(
        ctx,
        "estimate.description",
        &e.description,
        e.name.span(),
        true,
    )?;
    // The cover's one-line texts are checked with the cover (`cover.rs`).
    for r in &raw.role {
        spanned(ctx, "role id", &r.id, false)?;
        given(ctx, "role name", &r.name, r.id.span(), false)?;
    }
    for item in &raw.item {
        item_text(ctx, ["item id", "item name"], item)?;
    }
    for risk in &raw.risk {
        let r = risk.get_ref();
        spanned(ctx, "risk id", &r.id, false)?;
        given(ctx, "risk name", &r.name, risk.span(), false)?;
    }
    for t in raw.assumption.iter().chain(&raw.exclusion) {
        text(ctx, "text", &t.get_ref().text, t.span(), true)?;
    }
    for alternative in &raw.alternative {
        let a = alternative.get_ref();
        spanned(ctx, "alternative name", &a.name, false)?;
        given(
            ctx,
            "alternative description",
            &a.description,
            alternative.span(),
            true,
        )?;
        for item in &a.item {
            item_text(ctx, ["alternative item id", "alternative item name"], item)?;
        }
    }
    Ok(())
}

fn item_text(
    ctx: &Ctx<'_>,
    [id, name]: [&str; 2],
    item: &Spanned<RawItem>,
) -> Result<(), FileError> {
    let i = item.get_ref();
    spanned(ctx, id, &i.id, false)?;
    given(ctx, name, &i.name, item.span(), false)
}

fn spanned(
    ctx: &Ctx<'_>,
    what: &str,
    value: &Spanned<String>,
    lines: bool,
) -> Result<(), FileError> {
    text(ctx, what, value.get_ref(), value.span(), lines)
}

fn given(
    ctx: &Ctx<'_>,
    what: &str,
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
    what: &str,
    value: &str,
    at: Range<usize>,
    lines: bool,
) -> Result<(), FileError> {
    let allowed = |c: char| lines && matches!(c, '\n' | '\r' | '\t');
    match value.chars().find(|c| c.is_control() && !allowed(*c)) {
        Some(c) => Err(ctx.err(
            at,
            format!(
                "{what} \"{}\" holds the control character U+{:04X}; remove it",
                value.escape_default(),
                u32::from(c)
            ),
        )),
        None => Ok(()),
    }
}
