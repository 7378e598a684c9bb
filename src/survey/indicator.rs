//! Indicators: what a survey measures for the action plan, how the loader checks them, and the
//! value one respondent contributes.

use std::collections::HashMap;

use super::answers::{Answer, ValidatedAnswers};
use super::check::{Ctx, IdRule, QuestionIndex, check_id, check_unique, text};
use super::model::{Better, Indicator, PriorityArea, QuestionKind, Statistic, Survey};
use super::raw::{RawIndicator, S};

impl Indicator {
    /// What one respondent contributes, by the rules in surveys/README.md: for a proportion
    /// 1.0 or 0.0, for a mean the mean of the respondent's values; `None` when the respondent is
    /// not in the denominator. Unreliable respondents (`Survey::is_unreliable`) are the caller's
    /// business: leave them out before estimating.
    pub fn value(&self, survey: &Survey, answers: &ValidatedAnswers) -> Option<f64> {
        let questions = self.questions.iter().filter_map(|id| survey.question(id));
        match self.statistic {
            Statistic::Proportion => {
                let mut answered = false;
                let mut hit = false;
                for q in questions {
                    // Multi missing choices are exclusive, so a missing code is the whole answer.
                    let codes: Vec<&str> = match answers.get(&q.id) {
                        Some(Answer::Code(c)) => vec![c.as_str()],
                        Some(Answer::Codes(cs)) => cs.iter().map(String::as_str).collect(),
                        _ => Vec::new(),
                    };
                    let real: Vec<&str> = codes
                        .into_iter()
                        .filter(|c| q.choice(c).is_some_and(|ch| !ch.missing))
                        .collect();
                    answered |= !real.is_empty();
                    hit |= real.iter().any(|c| self.codes.iter().any(|x| x == c));
                }
                answered.then_some(if hit { 1.0 } else { 0.0 })
            }
            Statistic::Mean => {
                let mut values = Vec::new();
                for q in questions {
                    let v = match answers.get(&q.id)? {
                        Answer::Code(code) => q.ordinal_value(code)?,
                        Answer::Number(n) => *n,
                        Answer::Codes(_) | Answer::Text(_) => return None,
                    };
                    values.push(v);
                }
                (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
            }
        }
    }
}

/// Checks every indicator of a file against its questions.
pub(super) fn check_all(
    ctx: &mut Ctx,
    raw: &[S<RawIndicator>],
    index: &QuestionIndex,
) -> Vec<Indicator> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for ri in raw {
        check_unique(ctx, &mut seen, &ri.get_ref().id, "indicator id");
        out.push(check_one(ctx, ri.get_ref(), index));
    }
    out
}

fn check_one(ctx: &mut Ctx, ri: &RawIndicator, index: &QuestionIndex) -> Indicator {
    let id = ri.id.get_ref();
    let owner = format!("indicator `{id}`");
    check_id(ctx, &ri.id, IdRule::Name, "indicator id");
    let title = text(ctx, &ri.title, &format!("{owner} title"));
    let priority_area = PriorityArea::parse(ri.priority_area.get_ref()).unwrap_or_else(|| {
        let msg = format!(
            "{owner}: unknown priority area `{}`; use youth-at-risk, outdoor-insecurity or threats-violence",
            ri.priority_area.get_ref()
        );
        ctx.error(ri.priority_area.span(), msg);
        PriorityArea::YouthAtRisk
    });
    // An unknown statistic leaves nothing to check the questions against.
    let statistic = match ri.statistic.get_ref().as_str() {
        "proportion" => Some(Statistic::Proportion),
        "mean" => Some(Statistic::Mean),
        other => {
            let msg = format!("{owner}: unknown statistic `{other}`; use proportion or mean");
            ctx.error(ri.statistic.span(), msg);
            None
        }
    };
    let better = match ri.better.get_ref().as_str() {
        "lower" => Better::Lower,
        "higher" => Better::Higher,
        other => {
            ctx.error(
                ri.better.span(),
                format!("{owner}: `better` is `{other}`; use lower or higher"),
            );
            Better::Lower
        }
    };
    let target = ri.target.as_ref().map(|t| {
        let v = *t.get_ref();
        let msg = match statistic {
            _ if !v.is_finite() => Some(format!("{owner}: `target` must be a finite number")),
            Some(Statistic::Proportion) if !(0.0..=1.0).contains(&v) => Some(format!(
                "{owner}: `target` {v} is a proportion and must be between 0 and 1"
            )),
            _ => None,
        };
        if let Some(msg) = msg {
            ctx.error(t.span(), msg);
        }
        v
    });
    if let Some(statistic) = statistic {
        check_questions(ctx, ri, index, statistic, &owner);
    }
    Indicator {
        id: id.clone(),
        title,
        priority_area,
        statistic: statistic.unwrap_or(Statistic::Proportion),
        better,
        target,
        questions: ri
            .questions
            .get_ref()
            .iter()
            .map(|q| q.get_ref().clone())
            .collect(),
        codes: (ri.codes.as_ref())
            .map(|c| c.get_ref().iter().map(|c| c.get_ref().clone()).collect())
            .unwrap_or_default(),
    }
}

/// The questions must exist and suit the statistic; a proportion's codes must exist, not be
/// missing codes, in every one of them.
fn check_questions(
    ctx: &mut Ctx,
    ri: &RawIndicator,
    index: &QuestionIndex,
    statistic: Statistic,
    owner: &str,
) {
    if ri.questions.get_ref().is_empty() {
        ctx.error(
            ri.questions.span(),
            format!("{owner}: `questions` is empty"),
        );
    }
    let codes: &[S<String>] = ri.codes.as_ref().map_or(&[], |c| c.get_ref());
    match (statistic, &ri.codes) {
        (Statistic::Mean, Some(c)) => {
            ctx.error(
                c.span(),
                format!("{owner}: `codes` is only for proportions, not means"),
            );
        }
        (Statistic::Proportion, _) if codes.is_empty() => {
            let at = ri.codes.as_ref().map_or(ri.statistic.span(), |c| c.span());
            ctx.error(
                at,
                format!("{owner}: a proportion needs `codes`, the answers that count"),
            );
        }
        _ => {}
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for qid in ri.questions.get_ref() {
        let name = qid.get_ref();
        check_unique(ctx, &mut seen, qid, &format!("{owner}: question"));
        let Some(known) = index.get(name) else {
            ctx.error(
                qid.span(),
                format!("{owner}: there is no question `{name}`"),
            );
            continue;
        };
        let Some(q) = known.question else { continue };
        let fits = match (&q.kind, statistic) {
            (QuestionKind::Text { .. }, _) => false,
            (QuestionKind::Number { .. }, s) => s == Statistic::Mean,
            (QuestionKind::Ordinal { .. }, _) => true,
            (QuestionKind::Single { .. } | QuestionKind::Multi { .. }, s) => {
                s == Statistic::Proportion
            }
        };
        if !fits {
            let allowed = match statistic {
                Statistic::Proportion => "single, multi or ordinal",
                Statistic::Mean => "ordinal or number",
            };
            let msg = format!(
                "{owner}: question `{name}` is a {} question; a {} uses {allowed} questions",
                q.kind.type_name(),
                statistic.id()
            );
            ctx.error(qid.span(), msg);
            continue;
        }
        if statistic != Statistic::Proportion {
            continue;
        }
        for code in codes {
            let msg = match q.choice(code.get_ref()) {
                None => format!(
                    "{owner}: code `{}` is not a choice of question `{name}`",
                    code.get_ref()
                ),
                Some(c) if c.missing => format!(
                    "{owner}: code `{}` of question `{name}` is a missing answer and cannot be counted",
                    code.get_ref()
                ),
                Some(_) => continue,
            };
            ctx.error(code.span(), msg);
        }
    }
}
