//! The paged form, as pure functions: which pages are shown for the answers so far, reading one
//! page's fields into answers, and the messages a respondent sees (in their language).
//!
//! Skip logic runs on the server: after each page, answers to questions that became hidden are
//! dropped, and a page only shows the questions its conditions allow.

use serde_json::{Map, Value};

use crate::i18n::Lang;
use crate::survey::{Answer, Page, Question, QuestionKind, Survey};

/// Parsed answers of a draft, keyed by question id; unparsable stored values are left out.
fn parsed(survey: &Survey, answers: &Map<String, Value>) -> Vec<(String, Answer)> {
    survey
        .questions()
        .filter_map(|q| {
            let value = answers.get(&q.id)?;
            let answer = q.parse_answer(value).ok()??;
            Some((q.id.clone(), answer))
        })
        .collect()
}

/// The ids of the questions shown for these answers, in file order.
pub fn shown_ids(survey: &Survey, answers: &Map<String, Value>) -> Vec<String> {
    asked_ids(survey, answers, None)
}

/// The questions the form asks: those shown, less the one whose answer is `given` by the way
/// in (a class session's grade answers the survey's `grade_question` for its pupils).
pub fn asked_ids(
    survey: &Survey,
    answers: &Map<String, Value>,
    given: Option<&str>,
) -> Vec<String> {
    let answered = parsed(survey, answers);
    let lookup = |id: &str| answered.iter().find(|(g, _)| g == id).map(|(_, a)| a);
    survey
        .shown_questions(&lookup)
        .into_iter()
        .map(|q| q.id.clone())
        .filter(|id| Some(id.as_str()) != given)
        .collect()
}

/// Pages with at least one shown question, in order.
pub fn shown_pages<'a>(survey: &'a Survey, answers: &Map<String, Value>) -> Vec<&'a Page> {
    asked_pages(survey, answers, None)
}

/// Pages with at least one question the form asks (see [`asked_ids`]), in order.
pub fn asked_pages<'a>(
    survey: &'a Survey,
    answers: &Map<String, Value>,
    given: Option<&str>,
) -> Vec<&'a Page> {
    let shown = asked_ids(survey, answers, given);
    survey
        .pages
        .iter()
        .filter(|p| p.questions.iter().any(|q| shown.contains(&q.id)))
        .collect()
}

/// Drops answers to questions that are hidden now (a changed answer can hide its follow-ups).
pub fn drop_hidden(survey: &Survey, answers: &mut Map<String, Value>) {
    let shown = shown_ids(survey, answers);
    answers.retain(|id, _| shown.contains(id));
}

/// One field's problem, in the respondent's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub question: String,
    pub message: String,
}

/// The outcome of reading one page's fields.
#[derive(Debug, Default)]
pub struct PageInput {
    /// Raw values as typed, to show again next to an error.
    pub raw: Map<String, Value>,
    pub errors: Vec<FieldError>,
}

/// Reads the submitted fields of the questions that were on the page into `answers` (replacing
/// what the draft had for them). Valid answers are kept even when other fields have errors, so
/// nothing typed is lost.
pub fn read_page(
    questions: &[&Question],
    fields: &[(String, String)],
    answers: &mut Map<String, Value>,
    lang: Lang,
) -> PageInput {
    let mut input = PageInput::default();
    for q in questions {
        let values: Vec<&str> = fields
            .iter()
            .filter(|(k, _)| *k == q.id)
            .map(|(_, v)| v.as_str())
            .collect();
        answers.remove(&q.id);
        let value = match &q.kind {
            QuestionKind::Multi { .. } => Value::Array(
                values
                    .iter()
                    .map(|v| Value::String((*v).to_owned()))
                    .collect(),
            ),
            QuestionKind::Number { .. } => {
                let text = values.first().map(|v| v.trim()).unwrap_or_default();
                input
                    .raw
                    .insert(q.id.clone(), Value::String(text.to_owned()));
                if text.is_empty() {
                    Value::Null
                } else {
                    match text.replace(',', ".").replace(' ', "").parse::<f64>() {
                        Ok(n) if n.is_finite() => {
                            serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
                        }
                        _ => {
                            input.errors.push(FieldError {
                                question: q.id.clone(),
                                message: number_message(q, lang),
                            });
                            continue;
                        }
                    }
                }
            }
            _ => values
                .first()
                .map_or(Value::Null, |v| Value::String((*v).to_owned())),
        };
        if matches!(q.kind, QuestionKind::Text { .. }) {
            input.raw.insert(q.id.clone(), value.clone());
        }
        match q.parse_answer(&value) {
            Ok(Some(answer)) => {
                answers.insert(q.id.clone(), answer.to_json());
            }
            Ok(None) => {}
            Err(_) => input.errors.push(FieldError {
                question: q.id.clone(),
                message: invalid_message(q, lang),
            }),
        }
    }
    input
}

/// "Answer this question" in the form's words.
pub fn required_message(q: &Question, lang: Lang) -> String {
    match &q.kind {
        QuestionKind::Single { .. } | QuestionKind::Ordinal { .. } => {
            lang.pick("Välj ett av alternativen", "Select one of the options")
        }
        QuestionKind::Multi { .. } => {
            lang.pick("Välj minst ett alternativ", "Select at least one option")
        }
        QuestionKind::Number { .. } => lang.pick("Skriv ett tal", "Enter a number"),
        QuestionKind::Text { .. } => lang.pick("Skriv ett svar", "Enter an answer"),
    }
    .to_owned()
}

fn number_message(q: &Question, lang: Lang) -> String {
    match &q.kind {
        QuestionKind::Number {
            min, max, integer, ..
        } => {
            let (min, max) = (number_text(*min), number_text(*max));
            match (lang, integer) {
                (Lang::Sv, true) => format!("Skriv ett heltal mellan {min} och {max}"),
                (Lang::Sv, false) => format!("Skriv ett tal mellan {min} och {max}"),
                (Lang::En, true) => format!("Enter a whole number between {min} and {max}"),
                (Lang::En, false) => format!("Enter a number between {min} and {max}"),
            }
        }
        _ => lang
            .pick("Svaret kan inte användas", "The answer cannot be used")
            .to_owned(),
    }
}

fn invalid_message(q: &Question, lang: Lang) -> String {
    match &q.kind {
        QuestionKind::Number { .. } => number_message(q, lang),
        QuestionKind::Text { max_length } => match lang {
            Lang::Sv => format!("Svaret får vara högst {max_length} tecken"),
            Lang::En => format!("The answer must be {max_length} characters or fewer"),
        },
        QuestionKind::Multi { choices } => {
            let alone = choices.iter().find(|c| c.exclusive);
            match (lang, alone) {
                (Lang::Sv, Some(c)) => {
                    format!("”{}” kan inte kombineras med andra val", c.label.sv)
                }
                (Lang::En, Some(c)) => {
                    format!("“{}” cannot be combined with other options", c.label.en)
                }
                _ => lang
                    .pick("Välj bland alternativen", "Select from the options")
                    .to_owned(),
            }
        }
        QuestionKind::Single { .. } | QuestionKind::Ordinal { .. } => lang
            .pick("Välj ett av alternativen", "Select one of the options")
            .to_owned(),
    }
}

/// A bound as people write it: whole numbers without a fraction.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Required questions on `page` that are shown and unanswered.
pub fn missing_on_page(
    survey: &Survey,
    page: &Page,
    answers: &Map<String, Value>,
    lang: Lang,
) -> Vec<FieldError> {
    let shown = shown_ids(survey, answers);
    page.questions
        .iter()
        .filter(|q| q.required && shown.contains(&q.id) && !answers.contains_key(&q.id))
        .map(|q| FieldError {
            question: q.id.clone(),
            message: required_message(q, lang),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey() -> Survey {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys/resident-safety.toml");
        let text = std::fs::read_to_string(&path).expect("survey file");
        crate::survey::load_str(&path, &text).expect("valid survey")
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_changed_answer_drops_the_follow_up_it_hid() {
        let survey = survey();
        let mut answers = Map::new();
        answers.insert("out_evening".into(), Value::String("3".into()));
        answers.insert("seldom_why".into(), Value::String("1".into()));
        assert!(shown_ids(&survey, &answers).contains(&"seldom_why".to_owned()));
        answers.insert("out_evening".into(), Value::String("1".into()));
        drop_hidden(&survey, &mut answers);
        assert!(!answers.contains_key("seldom_why"));
    }

    #[test]
    fn a_page_keeps_valid_answers_and_names_bad_ones_in_the_respondents_language() {
        let survey = survey();
        let page = &survey.pages[0];
        let questions: Vec<&Question> = page.questions.iter().collect();
        let mut answers = Map::new();
        let input = read_page(
            &questions,
            &fields(&[("age_band", "25-34"), ("years_in_area", "tolv")]),
            &mut answers,
            Lang::Sv,
        );
        assert_eq!(
            answers.get("age_band"),
            Some(&Value::String("25-34".into()))
        );
        assert_eq!(input.errors.len(), 1);
        assert_eq!(input.errors[0].question, "years_in_area");
        assert_eq!(input.errors[0].message, "Skriv ett heltal mellan 0 och 84");
        assert_eq!(
            input.raw.get("years_in_area"),
            Some(&Value::String("tolv".into()))
        );
        // The resident survey promises that any question may be skipped: nothing is missing.
        assert!(missing_on_page(&survey, page, &answers, Lang::En).is_empty());
        // A required question left out is named (the school survey's grade and gender).
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("surveys/school-drug-habits.toml");
        let text = std::fs::read_to_string(&path).expect("survey file");
        let school = crate::survey::load_str(&path, &text).expect("valid survey");
        let first = &school.pages[0];
        let missing = missing_on_page(&school, first, &Map::new(), Lang::En);
        let ids: Vec<&str> = missing.iter().map(|e| e.question.as_str()).collect();
        assert!(ids.contains(&"grade"), "{ids:?}");
        assert_eq!(missing[0].message, "Select one of the options");
    }

    #[test]
    fn a_decimal_comma_is_read_as_a_number() {
        let survey = survey();
        let questions: Vec<&Question> = survey.pages[0].questions.iter().collect();
        let mut answers = Map::new();
        let input = read_page(
            &questions,
            &fields(&[("years_in_area", " 12 ")]),
            &mut answers,
            Lang::Sv,
        );
        assert!(input.errors.is_empty(), "{:?}", input.errors);
        assert_eq!(answers.get("years_in_area"), Some(&Value::from(12)));
    }
}
