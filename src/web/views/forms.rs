//! Form errors the GOV.UK way: a summary at the top linking to each field, the message again at
//! the field, and "Fel: " before the page title, so a screen-reader user hears at once that the
//! form was refused and can jump to what needs fixing.

use maud::{Markup, html};

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
