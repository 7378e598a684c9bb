//! Form errors the GOV.UK way: a summary at the top linking to each field, the message again at
//! the field, and "Fel: " before the page title, so a screen-reader user hears at once that the
//! form was refused and can jump to what needs fixing. Also the controls the staff's forms are
//! built of: a labelled input, text area or select with its hint and errors, the buttons, the
//! page of a form.

use maud::{Markup, html};

use super::layout;
use crate::plan::FormProblems;
use crate::problems::Problems;
use crate::survey::Text;
use crate::web::extract::PageCtx;

/// Problems of a submitted form, each tied to the id of the input it concerns.
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    problems: Vec<Problem>,
}

#[derive(Debug, Clone)]
struct Problem {
    field: String,
    /// Shown before the message in the summary only, where several fields' messages stand
    /// together (e.g. the question, when many say "select one of the options").
    label: Option<String>,
    message: String,
}

impl FormErrors {
    pub fn new() -> FormErrors {
        FormErrors::default()
    }

    /// Adds a problem for the input with this id (the summary links to `#id`).
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            field: field.into(),
            label: None,
            message: message.into(),
        });
    }

    /// [`FormErrors::add`], with a label that names the field in the summary.
    pub fn add_labelled(
        &mut self,
        field: impl Into<String>,
        label: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.problems.push(Problem {
            field: field.into(),
            label: Some(label.into()),
            message: message.into(),
        });
    }

    /// Adds each shown problem of a capped list in the visitor's language, then "… och 99 900
    /// fel till" when some are not shown.
    pub fn add_problems(&mut self, ctx: &PageCtx, field: &str, problems: &Problems<Text>) {
        for problem in problems {
            self.add(field, problem.get(ctx.lang));
        }
        if let Some(more) = problems.more_line(ctx.lang) {
            self.add(field, more);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// The messages of one field, in the order they were added.
    pub fn at<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.problems
            .iter()
            .filter(move |p| p.field == field)
            .map(|p| p.message.as_str())
    }

    pub fn has(&self, field: &str) -> bool {
        self.at(field).next().is_some()
    }

    /// The page title, with "Fel: " before it when the form was refused.
    pub fn title(&self, ctx: &PageCtx, title: &str) -> String {
        if self.is_empty() {
            title.to_owned()
        } else {
            format!("{}: {title}", ctx.t("Fel", "Error"))
        }
    }

    /// The summary box; nothing when there are no problems.
    pub fn summary(&self, ctx: &PageCtx) -> Markup {
        html! {
            @if !self.is_empty() {
                div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                    h2 id="error-summary-title" { (ctx.t("Det finns ett problem", "There is a problem")) }
                    ul {
                        @for p in &self.problems {
                            li { a href={ "#" (p.field) } {
                                @if let Some(label) = &p.label { (label) " – " }
                                (p.message)
                            } }
                        }
                    }
                }
            }
        }
    }

    /// The messages shown at a field; its id is `{field}-error`, for `aria-describedby`.
    pub fn at_field(&self, ctx: &PageCtx, field: &str) -> Markup {
        html! {
            @if self.has(field) {
                div id={ (field) "-error" } class="error-message" {
                    @for message in self.at(field) {
                        p { span class="visually-hidden" { (ctx.t("Fel:", "Error:")) " " } (message) }
                    }
                }
            }
        }
    }

    /// `aria-describedby` of an input: its hint (if any) and its error messages (if any).
    pub fn described_by(&self, field: &str, hint: Option<&str>) -> Option<String> {
        let mut ids: Vec<String> = hint.map(str::to_owned).into_iter().collect();
        if self.has(field) {
            ids.push(format!("{field}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    /// The class of a field's wrapper.
    pub fn field_class(&self, field: &str) -> &'static str {
        if self.has(field) {
            "field has-error"
        } else {
            "field"
        }
    }
}

/// The problems of a parsed form as the page shows them, in the visitor's language.
pub fn errors_of(ctx: &PageCtx, problems: &FormProblems) -> FormErrors {
    let mut errors = FormErrors::new();
    for (field, text) in &problems.0 {
        errors.add(field.clone(), text.get(ctx.lang));
    }
    errors
}

/// A field: its label, hint (if any) and errors above `control`, which gets the
/// `aria-describedby` and `aria-invalid` of its input in [`Control`].
pub(crate) fn field(
    ctx: &PageCtx,
    errors: &FormErrors,
    (id, label): (&str, &str),
    hint: Option<&str>,
    control: impl FnOnce(Control) -> Markup,
) -> Markup {
    let hint_id = format!("{id}-hint");
    let described_by = errors.described_by(id, hint.map(|_| hint_id.as_str()));
    let invalid = errors.has(id).then_some("true");
    html! {
        div class=(errors.field_class(id)) {
            label for=(id) { (label) }
            @if let Some(h) = hint { span class="hint" id=(hint_id) { (h) } }
            (errors.at_field(ctx, id))
            (control(Control { described_by, invalid }))
        }
    }
}

/// What a field's input says about its hint and errors.
pub(crate) struct Control {
    pub(crate) described_by: Option<String>,
    pub(crate) invalid: Option<&'static str>,
}

/// A labelled one-line input with an optional hint and its errors.
pub(crate) fn input(
    ctx: &PageCtx,
    errors: &FormErrors,
    (id, label): (&str, &str),
    hint: Option<&str>,
    value: &str,
    class: Option<&str>,
) -> Markup {
    field(ctx, errors, (id, label), hint, |c| {
        html! {
            input id=(id) name=(id) type="text" value=(value) class=[class]
                inputmode=[(class == Some("narrow")).then_some("numeric")]
                aria-describedby=[c.described_by] aria-invalid=[c.invalid];
        }
    })
}

/// A labelled text area with an optional hint and its errors.
pub(crate) fn area(
    ctx: &PageCtx,
    errors: &FormErrors,
    (id, label): (&str, &str),
    hint: Option<&str>,
    value: &str,
) -> Markup {
    field(ctx, errors, (id, label), hint, |c| {
        html! {
            textarea id=(id) name=(id) rows=(if value.len() > 200 { "8" } else { "4" })
                aria-describedby=[c.described_by] aria-invalid=[c.invalid] { (value) }
        }
    })
}

/// Options under a heading (none: options outside any group), each `(value, text)`.
pub(crate) type Group = (Option<String>, Vec<(String, String)>);

/// A labelled select with an optional hint and its errors: an empty "choose" option, then the
/// options, grouped (`optgroup`) where a group has a heading; empty groups are left out.
pub(crate) fn select(
    ctx: &PageCtx,
    errors: &FormErrors,
    (id, label): (&str, &str),
    (hint, choose): (Option<&str>, &str),
    groups: &[Group],
    chosen: &str,
) -> Markup {
    let option = |(value, text): &(String, String)| {
        html! { option value=(value) selected[chosen.trim() == value] { (text) } }
    };
    field(ctx, errors, (id, label), hint, |c| {
        html! {
            select id=(id) name=(id) aria-describedby=[c.described_by] aria-invalid=[c.invalid] {
                option value="" { (choose) }
                @for (heading, options) in groups.iter().filter(|(_, o)| !o.is_empty()) {
                    @if let Some(heading) = heading {
                        optgroup label=(heading) { @for o in options { (option(o)) } }
                    } @else {
                        @for o in options { (option(o)) }
                    }
                }
            }
        }
    })
}

/// The options of a select without groups.
pub(crate) fn ungrouped<'a>(options: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<Group> {
    let options = options
        .map(|(value, text)| (value.to_owned(), text.to_owned()))
        .collect();
    vec![(None, options)]
}

/// The end of a form: the submit button and a way back without saving.
pub(crate) fn actions(submit: &str, back: (&str, &str)) -> Markup {
    html! {
        div class="actions" {
            button type="submit" { (submit) }
            a href=(back.0) { (back.1) }
        }
    }
}

/// The page of a form: "Fel: " in the title when refused, the summary, the heading.
pub(crate) fn form_page(
    ctx: &PageCtx,
    errors: &FormErrors,
    title: &str,
    lead: Option<&str>,
    body: Markup,
) -> Markup {
    layout(
        ctx,
        &errors.title(ctx, title),
        html! {
            (errors.summary(ctx))
            h1 { (title) }
            @if let Some(lead) = lead { p class="lead" { (lead) } }
            (body)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_found_by_their_field() {
        let mut errors = FormErrors::new();
        assert!(errors.is_empty());
        errors.add("slug", "taken");
        errors.add("slug", "too short");
        errors.add("csv", "line 2");
        assert_eq!(
            errors.at("slug").collect::<Vec<_>>(),
            ["taken", "too short"]
        );
        assert_eq!(
            errors.described_by("slug", Some("slug-hint")).as_deref(),
            Some("slug-hint slug-error")
        );
        assert_eq!(errors.described_by("opens", None), None);
        assert_eq!(errors.field_class("opens"), "field");
    }
}
