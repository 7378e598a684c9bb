//! Synthetic respondents: reproducible, plausible submissions for tests, demos and load runs.
//!
//! Each respondent answers page by page, skips hidden questions, always answers required shown
//! ones and background questions, and now and then leaves another optional one empty or picks a "don't know". Choices follow
//! base weights (a small table for the shipped questionnaires, otherwise "earlier choices are
//! more common", which matches how the scales are written), tilted by a per-respondent risk
//! level so that risky answers cluster in the same people, as they do in real data. Questions
//! named in `unreliable_if` (the fictitious substance) get their first choice almost always.

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value, json};
use uuid::{Builder, Uuid};

use super::answers::Answer;
use super::model::{Better, Statistic};
use super::model::{Choice, Question, QuestionKind, Survey};

/// Base weights per choice, in the order listed (missing choices included), for questions of the
/// shipped questionnaires where "earlier is more common" would be implausible.
pub(super) const HINTS: &[(&str, &str, &[f64])] = &[
    (
        "resident-safety",
        "age_band",
        &[0.13, 0.16, 0.16, 0.17, 0.15, 0.13, 0.10],
    ),
    ("resident-safety", "gender", &[0.50, 0.48, 0.01, 0.01]),
    (
        "resident-safety",
        "district",
        &[0.25, 0.20, 0.20, 0.20, 0.13, 0.02],
    ),
    ("resident-safety", "out_evening", &[0.30, 0.40, 0.30]),
    (
        "resident-safety",
        "safe_night",
        &[0.35, 0.45, 0.13, 0.05, 0.02],
    ),
    ("resident-safety", "seldom_why", &[0.20, 0.25, 0.55]),
    ("resident-safety", "avoid_places", &[0.70, 0.25, 0.05]),
    ("resident-safety", "avoid_activities", &[0.80, 0.17, 0.03]),
    (
        "resident-safety",
        "worry_self",
        &[0.20, 0.50, 0.20, 0.07, 0.03],
    ),
    (
        "resident-safety",
        "worry_relatives",
        &[0.10, 0.40, 0.35, 0.13, 0.02],
    ),
    ("resident-safety", "vict_threat", &[0.08, 0.91, 0.01]),
    ("resident-safety", "vict_violence", &[0.03, 0.96, 0.01]),
    ("resident-safety", "vict_theft", &[0.08, 0.91, 0.01]),
    ("resident-safety", "vict_vandalism", &[0.07, 0.92, 0.01]),
    ("resident-safety", "vict_fraud", &[0.05, 0.94, 0.01]),
    (
        "resident-safety",
        "trust_police",
        &[0.15, 0.45, 0.20, 0.08, 0.12],
    ),
    (
        "resident-safety",
        "trust_municipality",
        &[0.08, 0.40, 0.30, 0.10, 0.12],
    ),
    ("resident-safety", "citizen_promise", &[0.08, 0.20, 0.72]),
    ("staff-safety", "role", &[0.85, 0.10, 0.05]),
    (
        "staff-safety",
        "administration",
        &[0.35, 0.15, 0.25, 0.08, 0.07, 0.08, 0.02],
    ),
    ("staff-safety", "threat_person", &[0.85, 0.10, 0.05]),
    ("staff-safety", "threat_phone", &[0.90, 0.07, 0.03]),
    ("staff-safety", "threat_digital", &[0.88, 0.08, 0.04]),
    ("staff-safety", "harass_person", &[0.90, 0.07, 0.03]),
    ("staff-safety", "harass_phone", &[0.93, 0.05, 0.02]),
    ("staff-safety", "harass_digital", &[0.90, 0.07, 0.03]),
    ("staff-safety", "violence", &[0.93, 0.05, 0.02]),
    ("staff-safety", "sexual_harassment", &[0.94, 0.04, 0.02]),
    (
        "staff-safety",
        "reported_employer",
        &[0.40, 0.25, 0.30, 0.05],
    ),
    ("staff-safety", "reported_police", &[0.15, 0.80, 0.05]),
    (
        "staff-safety",
        "support_after",
        &[0.30, 0.35, 0.15, 0.08, 0.12],
    ),
    ("staff-safety", "know_routines", &[0.60, 0.30, 0.10]),
    ("staff-safety", "refrained", &[0.90, 0.08, 0.02]),
    ("staff-safety", "considered_leaving", &[0.88, 0.09, 0.03]),
    (
        "staff-safety",
        "safe_at_work",
        &[0.45, 0.42, 0.09, 0.02, 0.02],
    ),
    ("school-drug-habits", "grade", &[0.50, 0.50]),
    ("school-drug-habits", "gender", &[0.48, 0.48, 0.02, 0.02]),
    ("school-drug-habits", "alc_ever", &[0.55, 0.45]),
    ("school-drug-habits", "alc_12m", &[0.85, 0.15]),
    ("school-drug-habits", "alc_30d", &[0.55, 0.45]),
    ("school-drug-habits", "alc_heavy", &[0.45, 0.35, 0.17, 0.03]),
    ("school-drug-habits", "smoking", &[0.85, 0.09, 0.04, 0.02]),
    ("school-drug-habits", "snus", &[0.80, 0.08, 0.08, 0.04]),
    ("school-drug-habits", "vaping", &[0.70, 0.15, 0.12, 0.03]),
    ("school-drug-habits", "drugs_offered", &[0.70, 0.20, 0.10]),
    (
        "school-drug-habits",
        "cannabis",
        &[0.90, 0.04, 0.03, 0.02, 0.01],
    ),
    ("school-drug-habits", "cannabis_12m", &[0.60, 0.40]),
    (
        "school-drug-habits",
        "other_drugs",
        &[0.97, 0.015, 0.01, 0.004, 0.001],
    ),
    ("school-drug-habits", "gambling", &[0.80, 0.14, 0.04, 0.02]),
    (
        "school-drug-habits",
        "safe_school",
        &[0.40, 0.45, 0.10, 0.04, 0.01],
    ),
    (
        "school-drug-habits",
        "safe_way",
        &[0.45, 0.42, 0.08, 0.03, 0.02],
    ),
    (
        "school-drug-habits",
        "adults_present",
        &[0.40, 0.35, 0.15, 0.10],
    ),
    ("school-drug-habits", "threatened", &[0.85, 0.10, 0.05]),
    ("school-drug-habits", "violence", &[0.90, 0.07, 0.03]),
    ("school-drug-habits", "bullied", &[0.75, 0.17, 0.05, 0.03]),
];

/// How often an optional question is left empty, and how often an optional text is written.
const SKIP_OPTIONAL: f64 = 0.05;
const WRITE_TEXT: f64 = 0.10;

const TEXTS_SV: &[&str] = &[
    "Bättre belysning vid busshållplatsen skulle göra stor skillnad.",
    "Det har blivit lugnare här de senaste åren.",
    "Fler vuxna ute på kvällarna skulle kännas tryggt.",
    "Inget mer att tillägga.",
];
const TEXTS_EN: &[&str] = &[
    "Better lighting at the bus stop would make a big difference.",
    "It has become calmer here in recent years.",
    "More adults out in the evenings would feel reassuring.",
    "Nothing more to add.",
];

/// `count` submissions (bodies of `POST /api/v1/waves/{slug}/responses`, without an access
/// code); the same survey and seed give the same output.
pub fn synth(survey: &Survey, count: usize, seed: u64) -> impl Iterator<Item = Value> + '_ {
    synth_tilted(survey, count, seed, |_, _| 1.0)
}

/// [`synth`] with the weight of each choice of a single or ordinal question multiplied by
/// `tilt(question, choice)` (1.0 leaves it as it is, 0.0 rules it out unless every choice is
/// ruled out): `trygg demo` moves indicators from year to year with it. Skip logic and
/// `required` are honoured as in [`synth`], so every submission stays valid.
pub fn synth_tilted<'a>(
    survey: &'a Survey,
    count: usize,
    seed: u64,
    tilt: impl Fn(&Question, &Choice) -> f64 + 'a,
) -> impl Iterator<Item = Value> + 'a {
    let mut rng = StdRng::seed_from_u64(seed);
    let rarely: HashSet<&str> = (survey.unreliable_if.as_ref())
        .map(|c| c.questions().into_iter().collect())
        .unwrap_or_default();
    // Generated one at a time so that any count streams in constant memory. Ids are 122 random
    // bits: a repeat is as likely as guessing a random UUID, so none is tracked.
    (0..count).map(move |_| {
        let id = Builder::from_random_bytes(rng.random()).into_uuid();
        respondent(survey, &rarely, &tilt, id, &mut rng)
    })
}

type Tilt<'t> = &'t dyn Fn(&Question, &Choice) -> f64;

fn respondent(
    survey: &Survey,
    rarely: &HashSet<&str>,
    tilt: Tilt<'_>,
    id: Uuid,
    rng: &mut StdRng,
) -> Value {
    let language = if rng.random_bool(0.9) { "sv" } else { "en" };
    // Skewed towards 0: most respondents are low-risk, a few are high-risk.
    let risk: f64 = rng.random::<f64>().powi(2);
    let mut given: Vec<(&str, Answer)> = Vec::new();
    for q in survey.questions() {
        let lookup = |qid: &str| given.iter().find(|(g, _)| *g == qid).map(|(_, a)| a);
        if !(q.show_if.as_ref()).is_none_or(|c| c.holds(&lookup)) {
            continue;
        }
        // Background questions are answered (almost everyone does, and the synthetic waves are
        // calibrated by them) whether or not the questionnaire lets them be skipped.
        if !q.required && !q.background && rng.random_bool(SKIP_OPTIONAL) {
            continue;
        }
        if let Some(answer) = answer(survey, q, rarely, tilt, risk, language, rng) {
            given.push((&q.id, answer));
        }
    }
    let answers: Map<String, Value> = given
        .iter()
        .map(|(qid, a)| (qid.to_string(), a.to_json()))
        .collect();
    json!({"submission_id": id.to_string(), "language": language, "answers": answers})
}

fn answer(
    survey: &Survey,
    q: &Question,
    rarely: &HashSet<&str>,
    tilt: Tilt<'_>,
    risk: f64,
    language: &str,
    rng: &mut StdRng,
) -> Option<Answer> {
    match &q.kind {
        QuestionKind::Single { choices } | QuestionKind::Ordinal { choices } => {
            let mut weights = weights(survey, q, choices, rarely.contains(q.id.as_str()), risk);
            for (w, c) in weights.iter_mut().zip(choices) {
                *w *= tilt(q, c).max(0.0);
            }
            let i = pick(&weights, rng);
            choices.get(i).map(|c| Answer::Code(c.code.clone()))
        }
        QuestionKind::Multi { choices } => Some(Answer::Codes(multi(choices, rng))),
        QuestionKind::Number {
            min, max, integer, ..
        } => {
            // Counts and durations pile up at the low end.
            let x = min + (max - min) * rng.random::<f64>().powi(2);
            let x = if *integer {
                x.round()
            } else {
                (x * 10.0).round() / 10.0
            };
            Some(Answer::Number(x.clamp(*min, *max)))
        }
        QuestionKind::Text { max_length } => {
            if !q.required && !rng.random_bool(WRITE_TEXT) {
                return None;
            }
            let texts = if language == "sv" { TEXTS_SV } else { TEXTS_EN };
            let text = texts[rng.random_range(0..texts.len())];
            Some(Answer::Text(
                text.chars()
                    .take(*max_length)
                    .collect::<String>()
                    .trim()
                    .to_string(),
            ))
        }
    }
}

/// Weights for a single or ordinal question, one per choice.
fn weights(survey: &Survey, q: &Question, choices: &[Choice], rare: bool, risk: f64) -> Vec<f64> {
    let hint = HINTS
        .iter()
        .find(|(s, id, w)| *s == survey.id && *id == q.id && w.len() == choices.len());
    let mut non_missing = 0;
    let mut weights: Vec<f64> = match hint {
        Some((_, _, w)) => w.to_vec(),
        None => choices
            .iter()
            .map(|c| {
                if c.missing {
                    return 0.02;
                }
                non_missing += 1;
                match (rare, &q.kind) {
                    (true, _) if non_missing > 1 => 0.001,
                    (_, QuestionKind::Ordinal { .. }) => 0.5_f64.powi(non_missing - 1),
                    _ => 1.0,
                }
            })
            .collect(),
    };
    if !rare {
        // Risky answers get likelier for high-risk respondents (factor 0.4–2.2, about 1 on
        // average), which keeps the base rates while correlating the items.
        let tilt = 0.4 + 1.8 * risk;
        for (w, c) in weights.iter_mut().zip(choices) {
            if risky(survey, q, c) {
                *w *= tilt;
            }
        }
    }
    weights
}

/// Whether choosing `c` counts against the respondent in some indicator: a counted code of a
/// "lower is better" proportion, an uncounted answer of a "higher is better" one, or the upper
/// (lower) half of the scale of a "lower (higher) is better" mean.
fn risky(survey: &Survey, q: &Question, c: &Choice) -> bool {
    if c.missing {
        return false;
    }
    let scale: Vec<&Choice> = q.choices().iter().filter(|x| !x.missing).collect();
    let position = scale.iter().position(|x| x.code == c.code).unwrap_or(0);
    let upper_half = 2 * position >= scale.len();
    survey
        .indicators
        .iter()
        .filter(|i| i.questions.contains(&q.id))
        .any(|i| match (i.statistic, i.better) {
            (Statistic::Proportion, Better::Lower) => i.codes.contains(&c.code),
            (Statistic::Proportion, Better::Higher) => !i.codes.contains(&c.code),
            (Statistic::Mean, Better::Lower) => upper_half,
            (Statistic::Mean, Better::Higher) => !upper_half,
        })
}

/// A multi answer: a few ordinary choices, otherwise an exclusive "none"; rarely a "don't know".
fn multi(choices: &[Choice], rng: &mut StdRng) -> Vec<String> {
    let missing: Vec<&Choice> = choices.iter().filter(|c| c.missing).collect();
    if !missing.is_empty() && rng.random_bool(0.03) {
        return vec![missing[rng.random_range(0..missing.len())].code.clone()];
    }
    let ordinary: Vec<&Choice> = choices
        .iter()
        .filter(|c| !c.missing && !c.exclusive)
        .collect();
    let mut chosen: Vec<String> = ordinary
        .iter()
        .filter(|_| rng.random_bool(0.25))
        .map(|c| c.code.clone())
        .collect();
    if chosen.is_empty() {
        let none = choices.iter().find(|c| c.exclusive && !c.missing);
        let fallback = match none {
            Some(c) => Some(c),
            None if !ordinary.is_empty() => Some(ordinary[rng.random_range(0..ordinary.len())]),
            // Only exclusive choices: the loader guarantees two non-missing ones exist.
            None => choices.iter().find(|c| !c.missing),
        };
        chosen.extend(fallback.map(|c| c.code.clone()));
    }
    chosen
}

/// Index drawn in proportion to `weights` (all zero → the first).
fn pick(weights: &[f64], rng: &mut StdRng) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
}
