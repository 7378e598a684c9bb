//! What an indicator's figures mean, in plain Swedish and English, for the indicator page and
//! the files made from it (XLSX, CSV): the question asked, the answers counted, who is counted
//! (the denominator, with any `show_if` filter in words), the source (the questionnaire, its
//! waves and how each was collected) and the method. Everything is read from the questionnaire
//! file and the waves' published method, so the words cannot drift from what was computed.

use crate::collect::Access;
use crate::i18n::Lang;
use crate::survey::{Condition, Indicator, Question, QuestionKind, Statistic, Survey};

/// One wave behind the figures, as the source note names it.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveSource {
    pub period: i32,
    /// `None` when the wave's row could not be read (never for a published wave).
    pub access: Option<Access>,
    pub responses: u64,
    /// Post-stratified to population totals.
    pub weighted: bool,
}

/// One note: a short heading and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub heading: &'static str,
    pub text: String,
}

/// The five notes, in the order a reader needs them: question, answers counted, who is counted,
/// source, method.
pub fn notes(
    lang: Lang,
    survey: &Survey,
    indicator: &Indicator,
    waves: &[WaveSource],
) -> Vec<Note> {
    vec![
        Note {
            heading: lang.pick("Fråga", "Question"),
            text: question_text(lang, survey, indicator),
        },
        Note {
            heading: lang.pick("Svar som räknas", "Answers counted"),
            text: counted_text(lang, survey, indicator),
        },
        Note {
            heading: lang.pick("Vilka som räknas", "Who is counted"),
            text: denominator_text(lang, survey, indicator),
        },
        Note {
            heading: lang.pick("Källa", "Source"),
            text: source_text(lang, survey, waves),
        },
        Note {
            heading: lang.pick("Metod", "Method"),
            text: method_text(lang, survey, indicator, waves),
        },
    ]
}

/// A text in the language's quotation marks: ”…” in Swedish, “…” in English.
fn quoted(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Sv => format!("\u{201d}{text}\u{201d}"),
        Lang::En => format!("\u{201c}{text}\u{201d}"),
    }
}

/// "a, b eller c" / "a, b or c".
fn listed(lang: Lang, items: &[String], last_word: (&str, &str)) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!(
            "{} {} {last}",
            rest.join(", "),
            lang.pick(last_word.0, last_word.1)
        ),
    }
}

fn questions<'s>(survey: &'s Survey, indicator: &Indicator) -> Vec<&'s Question> {
    indicator
        .questions
        .iter()
        .filter_map(|id| survey.question(id))
        .collect()
}

fn question_text(lang: Lang, survey: &Survey, indicator: &Indicator) -> String {
    let texts: Vec<String> = questions(survey, indicator)
        .iter()
        .map(|q| quoted(lang, q.text.get(lang)))
        .collect();
    listed(lang, &texts, ("och", "and"))
}

/// Labels of `codes` of a question, quoted.
fn labels(lang: Lang, question: &Question, codes: &[String]) -> Vec<String> {
    codes
        .iter()
        .map(|code| {
            quoted(
                lang,
                question
                    .choice(code)
                    .map_or(code.as_str(), |c| c.label.get(lang)),
            )
        })
        .collect()
}

fn counted_text(lang: Lang, survey: &Survey, indicator: &Indicator) -> String {
    let questions = questions(survey, indicator);
    match indicator.statistic {
        Statistic::Proportion => {
            let first = questions.first().map(|q| labels(lang, q, &indicator.codes));
            let answers = listed(lang, &first.unwrap_or_default(), ("eller", "or"));
            let multi = questions
                .iter()
                .any(|q| matches!(q.kind, QuestionKind::Multi { .. }));
            let mut text = match lang {
                Lang::Sv => format!("Andelen som svarade {answers}"),
                Lang::En => format!("The share who answered {answers}"),
            };
            if questions.len() > 1 {
                text.push_str(lang.pick(" på någon av frågorna", " to any of the questions"));
            }
            if multi {
                text.push_str(lang.pick(
                    " (flera svar kunde väljas; det räcker att ett av dem är valt)",
                    " (several answers could be chosen; one of them is enough)",
                ));
            }
            text.push('.');
            text
        }
        Statistic::Mean => {
            let scales: Vec<String> = questions
                .iter()
                .map(|q| match &q.kind {
                    QuestionKind::Ordinal { choices } => choices
                        .iter()
                        .filter(|c| !c.missing)
                        .map(|c| format!("{} = {}", c.code, c.label.get(lang)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    QuestionKind::Number { unit, .. } => match (lang, unit) {
                        (Lang::Sv, Some(u)) => format!("talet som svarades ({})", u.get(lang)),
                        (Lang::En, Some(u)) => format!("the number answered ({})", u.get(lang)),
                        (_, None) => lang
                            .pick("talet som svarades", "the number answered")
                            .into(),
                    },
                    _ => String::new(),
                })
                .collect();
            let mut scale = scales.first().cloned().unwrap_or_default();
            if scales.iter().any(|s| *s != scale) {
                scale = scales.join("; ");
            }
            match (lang, questions.len()) {
                (Lang::Sv, 1) => format!("Medelvärdet av svaren, där {scale}."),
                (Lang::En, 1) => format!("The mean of the answers, where {scale}."),
                (Lang::Sv, _) => format!(
                    "Varje svarandes medelvärde över frågorna, där {scale}; sedan medelvärdet över de svarande."
                ),
                (Lang::En, _) => format!(
                    "Each respondent's mean over the questions, where {scale}; then the mean over the respondents."
                ),
            }
        }
    }
}

/// Who is in the denominator: those who answered (at least one of / every one of) the
/// questions, the filter that decided who was asked, and the answers that count as missing.
fn denominator_text(lang: Lang, survey: &Survey, indicator: &Indicator) -> String {
    let questions = questions(survey, indicator);
    let mut text = match (indicator.statistic, questions.len()) {
        (_, 1) => lang
            .pick(
                "De som har svarat på frågan",
                "Those who answered the question",
            )
            .to_owned(),
        (Statistic::Proportion, _) => lang
            .pick(
                "De som har svarat på minst en av frågorna",
                "Those who answered at least one of the questions",
            )
            .to_owned(),
        (Statistic::Mean, _) => lang
            .pick(
                "De som har svarat på alla frågorna",
                "Those who answered every one of the questions",
            )
            .to_owned(),
    };
    // Who was asked: everyone when one of the questions (or, for a mean, none) has a filter.
    let filters: Vec<&Condition> = questions
        .iter()
        .filter_map(|q| q.show_if.as_ref())
        .collect();
    let everyone = match indicator.statistic {
        Statistic::Proportion => filters.len() < questions.len(),
        Statistic::Mean => filters.is_empty(),
    };
    if !everyone && !filters.is_empty() {
        let asked = match indicator.statistic {
            Statistic::Proportion => Condition::Any(filters.into_iter().cloned().collect()),
            Statistic::Mean => Condition::All(filters.into_iter().cloned().collect()),
        };
        let clause = condition_words(lang, survey, &simplified(asked), false);
        text.push_str(&match lang {
            Lang::Sv => {
                format!(". Frågan ställdes bara till dem som {clause}, så siffran gäller bland dem")
            }
            Lang::En => format!(
                ". The question was only asked of those who {clause}, so the figure is among them"
            ),
        });
    }
    let missing: Vec<String> = questions
        .iter()
        .flat_map(|q| q.choices().iter().filter(|c| c.missing))
        .map(|c| quoted(lang, c.label.get(lang)))
        .fold(Vec::new(), |mut seen, label| {
            if !seen.contains(&label) {
                seen.push(label);
            }
            seen
        });
    if !missing.is_empty() {
        let list = listed(lang, &missing, ("och", "and"));
        text.push_str(&match (lang, missing.len()) {
            (Lang::Sv, 1) => format!(". Svaret {list} räknas som inget svar"),
            (Lang::Sv, _) => format!(". Svaren {list} räknas som inget svar"),
            (Lang::En, _) => format!(". {list} counts as no answer"),
        });
    }
    text.push('.');
    text
}

/// One compound condition of one kind is one list, not a list in a list.
fn simplified(condition: Condition) -> Condition {
    match condition {
        Condition::Any(mut parts) | Condition::All(mut parts) if parts.len() == 1 => {
            simplified(parts.remove(0))
        }
        other => other,
    }
}

/// A condition as the end of "those who …": "svarade ”Ja” på frågan ”…”". Negations are
/// pushed down to single answers (De Morgan), so that every clause reads as a plain sentence.
pub fn condition_words(
    lang: Lang,
    survey: &Survey,
    condition: &Condition,
    negated: bool,
) -> String {
    let nested = |c: &Condition, negated: bool| {
        let words = condition_words(lang, survey, c, negated);
        if matches!(c, Condition::All(_) | Condition::Any(_)) {
            format!("({words})")
        } else {
            words
        }
    };
    match condition {
        Condition::Not(inner) => condition_words(lang, survey, inner, !negated),
        Condition::All(parts) | Condition::Any(parts) => {
            // not (a and b) = not a or not b; not (a or b) = not a and not b
            let and = matches!(condition, Condition::All(_)) != negated;
            let words: Vec<String> = parts.iter().map(|p| nested(p, negated)).collect();
            words.join(if and {
                lang.pick(" och ", " and ")
            } else {
                lang.pick(" eller ", " or ")
            })
        }
        Condition::Equals { question, code } => {
            answer_words(lang, survey, question, std::slice::from_ref(code), negated)
        }
        Condition::AnyOf { question, codes } => {
            answer_words(lang, survey, question, codes, negated)
        }
    }
}

fn answer_words(
    lang: Lang,
    survey: &Survey,
    question_id: &str,
    codes: &[String],
    negated: bool,
) -> String {
    let Some(question) = survey.question(question_id) else {
        return question_id.to_owned();
    };
    let multi = matches!(question.kind, QuestionKind::Multi { .. });
    let answers = listed(lang, &labels(lang, question, codes), ("eller", "or"));
    let text = quoted(lang, question.text.get(lang));
    match (lang, multi, negated) {
        (Lang::Sv, false, false) => format!("svarade {answers} på frågan {text}"),
        (Lang::Sv, false, true) => format!("inte svarade {answers} på frågan {text}"),
        (Lang::Sv, true, false) => format!("valde {answers} på frågan {text}"),
        (Lang::Sv, true, true) => format!("inte valde {answers} på frågan {text}"),
        (Lang::En, false, false) => format!("answered {answers} to {text}"),
        (Lang::En, false, true) => format!("did not answer {answers} to {text}"),
        (Lang::En, true, false) => format!("chose {answers} in {text}"),
        (Lang::En, true, true) => format!("did not choose {answers} in {text}"),
    }
}

fn access_words(lang: Lang, access: Option<Access>) -> &'static str {
    match access {
        Some(Access::Open) => lang.pick(
            "öppen länk: alla med länken kunde svara",
            "open link: anyone with the link could answer",
        ),
        Some(Access::Invite) => lang.pick(
            "personliga inbjudningar med engångslänk",
            "personal invitations with a one-time link",
        ),
        Some(Access::Class) => lang.pick(
            "klassvis i skolan med engångskoder",
            "in class at school with one-time codes",
        ),
        None => lang.pick("okänt sätt", "unknown way"),
    }
}

fn source_text(lang: Lang, survey: &Survey, waves: &[WaveSource]) -> String {
    // How the waves were collected, once when they all were collected the same way.
    let same = waves.windows(2).all(|w| w[0].access == w[1].access);
    let waves_text: Vec<String> = waves
        .iter()
        .map(|w| {
            let responses = lang.number(i128::from(w.responses));
            match (lang, same) {
                (Lang::Sv, true) => format!("{} ({responses} svar)", w.period),
                (Lang::En, true) => format!("{} ({responses} responses)", w.period),
                (Lang::Sv, false) => format!(
                    "{} ({}, {responses} svar)",
                    w.period,
                    access_words(lang, w.access)
                ),
                (Lang::En, false) => format!(
                    "{} ({}, {responses} responses)",
                    w.period,
                    access_words(lang, w.access)
                ),
            }
        })
        .collect();
    let how = match (same, waves.first()) {
        (true, Some(w)) => format!(
            "; {} {}",
            lang.pick("alla:", "all:"),
            access_words(lang, w.access)
        ),
        _ => String::new(),
    };
    let title = survey.title.get(lang);
    match (lang, waves_text.is_empty()) {
        (Lang::Sv, true) => format!("{title}; ingen publicerad omgång ännu."),
        (Lang::En, true) => format!("{title}; no published wave yet."),
        (Lang::Sv, false) => format!(
            "{title}, version {}, {} {}{how}.",
            survey.version,
            if waves_text.len() == 1 {
                "omgången"
            } else {
                "omgångarna"
            },
            waves_text.join(", ")
        ),
        (Lang::En, false) => format!(
            "{title}, version {}, {} {}{how}.",
            survey.version,
            if waves_text.len() == 1 {
                "the wave"
            } else {
                "the waves"
            },
            waves_text.join(", ")
        ),
    }
}

fn method_text(lang: Lang, survey: &Survey, indicator: &Indicator, waves: &[WaveSource]) -> String {
    let mut parts: Vec<String> = vec![
        lang.pick(
            "Designbaserad skattning (som R-paketet survey)",
            "Design-based estimate (as R's survey package)",
        )
        .to_owned(),
    ];
    if waves.iter().any(|w| w.access == Some(Access::Class)) {
        parts.push(
            lang.pick(
                "i skolenkäten med skolor som strata och klasser som kluster",
                "in the school survey with schools as strata and classes as clusters",
            )
            .to_owned(),
        );
    }
    if waves
        .iter()
        .any(|w| matches!(w.access, Some(Access::Open | Access::Invite)))
    {
        parts.push(
            lang.pick(
                "varje svar räknas för sig i enkäter med länk eller inbjudan",
                "each response on its own in surveys by link or invitation",
            )
            .to_owned(),
        );
    }
    let mut text = parts.join(", ");
    text.push_str(". ");
    let weighted: Vec<String> = waves
        .iter()
        .filter(|w| w.weighted)
        .map(|w| w.period.to_string())
        .collect();
    text.push_str(&match (lang, weighted.len(), waves.len()) {
        (_, 0, _) => lang
            .pick(
                "Svaren är inte vägda till befolkningen. ",
                "The answers are not weighted to the population. ",
            )
            .to_owned(),
        (Lang::Sv, n, all) if n == all => {
            "Svaren är vägda till befolkningen (efterstratifiering efter bakgrundsfrågorna). ".to_owned()
        }
        (Lang::En, n, all) if n == all => {
            "The answers are weighted to the population (post-stratified by the background questions). ".to_owned()
        }
        (Lang::Sv, _, _) => format!(
            "Svaren är vägda till befolkningen (efterstratifiering) {}; övriga år ovägda. ",
            listed(lang, &weighted, ("och", "and"))
        ),
        (Lang::En, _, _) => format!(
            "The answers are weighted to the population (post-stratified) in {}; other years unweighted. ",
            listed(lang, &weighted, ("och", "and"))
        ),
    });
    text.push_str(match indicator.statistic {
        Statistic::Proportion => lang.pick(
            "95\u{a0}% konfidensintervall: logit-intervall (Korn–Graubard när andelen är 0 eller 100\u{a0}%).",
            "95\u{a0}% confidence interval: logit interval (Korn–Graubard when the share is 0 or 100\u{a0}%).",
        ),
        Statistic::Mean => lang.pick(
            "95\u{a0}% konfidensintervall: t-fördelning med designens frihetsgrader.",
            "95\u{a0}% confidence interval: t distribution with the design's degrees of freedom.",
        ),
    });
    if let Some(unreliable) = &survey.unreliable_if {
        let clause = condition_words(lang, survey, unreliable, false);
        text.push_str(&match lang {
            Lang::Sv => format!(" Svar från dem som {clause} räknas inte (opålitliga svar)."),
            Lang::En => {
                format!(" Answers from those who {clause} are left out (unreliable answers).")
            }
        });
    }
    let k = survey.min_cell_size;
    text.push_str(&match lang {
        Lang::Sv => format!(
            " Grupper med färre än {k} svarande visas inte (\"..\"), inte heller grupper som skulle låta någon räkna ut en dold grupp."
        ),
        Lang::En => format!(
            " Groups of fewer than {k} respondents are not shown (\"..\"), nor groups from which a hidden one could be worked out."
        ),
    });
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::load_str;

    fn shipped(id: &str) -> Survey {
        let path = std::path::PathBuf::from(format!("surveys/{id}.toml"));
        let source = std::fs::read_to_string(&path).expect("the shipped survey");
        load_str(&path, &source).expect("valid")
    }

    fn note(notes: &[Note], heading: &str) -> String {
        notes
            .iter()
            .find(|n| n.heading == heading)
            .map(|n| n.text.clone())
            .unwrap_or_else(|| panic!("no note {heading}"))
    }

    fn wave(period: i32, access: Access, weighted: bool) -> WaveSource {
        WaveSource {
            period,
            access: Some(access),
            responses: 1234,
            weighted,
        }
    }

    #[test]
    fn a_follow_up_question_names_its_filter_and_the_answers_counted() {
        let survey = shipped("school-drug-habits");
        let indicator = survey
            .indicators
            .iter()
            .find(|i| {
                i.questions
                    .iter()
                    .any(|q| survey.question(q).is_some_and(|q| q.show_if.is_some()))
                    && i.questions.len() == 1
            })
            .expect("an indicator on a follow-up question");
        let notes = notes(
            Lang::Sv,
            &survey,
            indicator,
            &[wave(2025, Access::Class, true)],
        );
        let question = survey
            .question(&indicator.questions[0])
            .expect("its question");
        assert!(note(&notes, "Fråga").contains(&format!("”{}”", question.text.sv)));
        let who = note(&notes, "Vilka som räknas");
        assert!(
            who.contains("Frågan ställdes bara till dem som svarade"),
            "{who}"
        );
        assert!(who.contains("så siffran gäller bland dem"), "{who}");
        let counted = note(&notes, "Svar som räknas");
        for code in &indicator.codes {
            let label = &question.choice(code).expect("a code").label.sv;
            assert!(counted.contains(&format!("”{label}”")), "{counted}");
        }
        let source = note(&notes, "Källa");
        assert!(source.contains("klassvis i skolan"), "{source}");
        assert!(
            source.contains("omgången 2025 (1\u{a0}234 svar); alla: klassvis i skolan"),
            "{source}"
        );
        assert!(
            source.contains(&format!("{} svar", Lang::Sv.number(1234))),
            "{source}"
        );
        let method = note(&notes, "Metod");
        assert!(
            method.contains("skolor som strata och klasser som kluster"),
            "{method}"
        );
        assert!(method.contains("färre än 10 svarande"), "{method}");
        assert!(method.contains("räknas inte (opålitliga svar)"), "{method}");
        assert!(method.contains("vägda till befolkningen"), "{method}");
    }

    #[test]
    fn a_question_asked_of_everyone_has_no_filter_and_says_what_counts_as_no_answer() {
        let survey = shipped("resident-safety");
        let waves = [
            wave(2024, Access::Open, false),
            wave(2025, Access::Open, true),
        ];
        let worry = survey.indicator("worry_self").expect("worry_self");
        let notes_of_worry = notes(Lang::En, &survey, worry, &waves);
        let who = note(&notes_of_worry, "Who is counted");
        assert!(who.starts_with("Those who answered the question"), "{who}");
        assert!(!who.contains("only asked"), "{who}");
        // A follow-up question: among those asked.
        let night = survey.indicator("unsafe_night").expect("unsafe_night");
        let notes = notes(Lang::En, &survey, night, &waves);
        let who = note(&notes, "Who is counted");
        assert!(
            who.contains("The question was only asked of those who answered “Yes, often” or “Yes, sometimes” to “Do you ever go out alone late in the evening in your neighbourhood?”, so the figure is among them"),
            "{who}"
        );
        assert!(who.ends_with("“Don't know” counts as no answer."), "{who}");
        assert!(
            note(&notes, "Source").contains(
                "the waves 2024 (1,234 responses), 2025 (1,234 responses); all: open link"
            ),
            "{}",
            note(&notes, "Source")
        );
        let method = note(&notes, "Method");
        assert!(
            method.contains(
                "weighted to the population (post-stratified) in 2025; other years unweighted"
            ),
            "{method}"
        );
        assert!(method.contains("logit"), "{method}");
    }

    #[test]
    fn a_mean_over_several_questions_says_its_scale_and_who_answered_them_all() {
        let survey = shipped("resident-safety");
        let index = survey.indicator("problem_index").expect("problem_index");
        let notes = notes(Lang::Sv, &survey, index, &[wave(2025, Access::Open, false)]);
        let counted = note(&notes, "Svar som räknas");
        assert!(
            counted.starts_with("Varje svarandes medelvärde över frågorna, där 1 = "),
            "{counted}"
        );
        let who = note(&notes, "Vilka som räknas");
        assert!(
            who.starts_with("De som har svarat på alla frågorna"),
            "{who}"
        );
        assert!(note(&notes, "Metod").contains("t-fördelning"));
        assert!(note(&notes, "Metod").contains("inte vägda"));
    }

    #[test]
    fn negations_are_pushed_down_to_plain_clauses() {
        let survey = shipped("staff-safety");
        let not_elected = Condition::Not(Box::new(Condition::Any(vec![Condition::Equals {
            question: "role".into(),
            code: "elected".into(),
        }])));
        let sv = condition_words(Lang::Sv, &survey, &not_elected, false);
        assert_eq!(
            sv,
            "inte svarade ”Förtroendevald” på frågan ”Vilken roll har du i kommunen?”"
        );
        let both = Condition::Not(Box::new(Condition::All(vec![
            Condition::Equals {
                question: "role".into(),
                code: "manager".into(),
            },
            Condition::AnyOf {
                question: "role".into(),
                codes: vec!["employee".into(), "elected".into()],
            },
        ])));
        let en = condition_words(Lang::En, &survey, &both, false);
        assert_eq!(
            en,
            "did not answer “Manager” to “What is your role in the municipality?” or did not answer “Employee” or “Elected official” to “What is your role in the municipality?”"
        );
    }
}
