//! Figures and findings in words, in Swedish and English, for the pages, the downloads and the
//! annual report: values and intervals as people write them, and a few plain sentences generated
//! from the tests of a series. The sentences say what the figures show and how certain that is;
//! they never name a cause.

use super::compare::{Standing, detectable_change};
use super::series::{DomainSeries, SeriesChange, SeriesWave};
use crate::i18n::Lang;
use crate::stats::Flag;
use crate::stats::trend::Verdict;
use crate::survey::{Indicator, Statistic};

/// A value as the pages write it: proportions in percent (whole percent from 10 %, else one
/// decimal), means with two decimals; Swedish with a decimal comma and a real minus sign.
/// A value that rounds to zero has no sign ("0,0", never "−0,0").
pub fn value_text(lang: Lang, statistic: Statistic, v: f64) -> String {
    match statistic {
        Statistic::Proportion if v.abs() >= 0.095 => lang.decimal(v * 100.0, 0),
        Statistic::Proportion => lang.decimal(v * 100.0, 1),
        Statistic::Mean => lang.decimal(v, 2),
    }
}

/// Whether a value's text is zero ("0", "0,0", "0.00"): it then takes no sign.
fn is_zero_text(text: &str) -> bool {
    text.chars().all(|c| matches!(c, '0' | ',' | '.'))
}

/// The unit written after a value: " %" for proportions, nothing for means.
pub fn unit(statistic: Statistic) -> &'static str {
    match statistic {
        Statistic::Proportion => "\u{a0}%",
        Statistic::Mean => "",
    }
}

/// A value with its unit: "21 %".
pub fn value_with_unit(lang: Lang, statistic: Statistic, v: f64) -> String {
    format!("{}{}", value_text(lang, statistic, v), unit(statistic))
}

/// "21 % (17–26)", "21 %" without an interval, or ".." when suppressed.
pub fn estimate_text(
    lang: Lang,
    statistic: Statistic,
    estimate: Option<f64>,
    low: Option<f64>,
    high: Option<f64>,
) -> String {
    match (estimate, low, high) {
        (Some(e), Some(lo), Some(hi)) => format!(
            "{} ({}–{})",
            value_with_unit(lang, statistic, e),
            value_text(lang, statistic, lo),
            value_text(lang, statistic, hi)
        ),
        (Some(e), _, _) => value_with_unit(lang, statistic, e),
        _ => "..".to_owned(),
    }
}

/// [`estimate_text`] of one wave of a series.
pub fn wave_text(lang: Lang, statistic: Statistic, w: &SeriesWave) -> String {
    estimate_text(
        lang,
        statistic,
        w.figures.estimate,
        w.figures.ci_low,
        w.figures.ci_high,
    )
}

/// A difference with its sign: "−4 procentenheter" for proportions, "+0,12" for means; one
/// that rounds to zero has none ("0,0 procentenheter").
pub fn difference_text(lang: Lang, statistic: Statistic, d: f64) -> String {
    let magnitude = value_text(lang, statistic, d.abs());
    let sign = match (is_zero_text(&magnitude), d < 0.0) {
        (true, _) => "",
        (false, true) => "−",
        (false, false) => "+",
    };
    match statistic {
        Statistic::Proportion => format!(
            "{sign}{magnitude} {}",
            lang.pick("procentenheter", "percentage points")
        ),
        Statistic::Mean => format!("{sign}{magnitude}"),
    }
}

/// A size without a sign: "4 procentenheter", "0,12".
pub fn amount_text(lang: Lang, statistic: Statistic, d: f64) -> String {
    let magnitude = value_text(lang, statistic, d.abs());
    match statistic {
        Statistic::Proportion => {
            format!(
                "{magnitude} {}",
                lang.pick("procentenheter", "percentage points")
            )
        }
        Statistic::Mean => magnitude,
    }
}

/// A p-value as people read it: "p < 0,001" or "p = 0,071".
pub fn p_text(lang: Lang, p: f64) -> String {
    if p < 0.001 {
        format!("p < {}", lang.decimal(0.001, 3))
    } else {
        format!("p = {}", lang.decimal(p, 3))
    }
}

pub fn verdict_text(lang: Lang, verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Improved => lang.pick("förbättring", "improvement"),
        Verdict::Worsened => lang.pick("försämring", "worsening"),
        Verdict::NoSignificantChange => lang.pick("ingen säker förändring", "no certain change"),
    }
}

/// A flag of an estimate in words, for the files people open.
pub fn flag_text(lang: Lang, flag: Flag) -> &'static str {
    match flag {
        Flag::Boundary => lang.pick("andelen är 0 eller 100 %", "the proportion is 0 or 100 %"),
        Flag::Empty => lang.pick("ingen svarande", "no respondents"),
        Flag::LowEffectiveN => lang.pick("litet effektivt urval", "small effective sample"),
        Flag::LowDf => lang.pick("få frihetsgrader", "few degrees of freedom"),
        Flag::WideInterval => lang.pick("brett intervall", "wide interval"),
        Flag::WideRelativeInterval => lang.pick(
            "brett intervall i förhållande till värdet",
            "wide interval for the value",
        ),
        Flag::Suppressed => lang.pick("dold", "hidden"),
    }
}

/// Every flag in words, separated by commas.
pub fn flags_text(lang: Lang, flags: &[Flag]) -> String {
    flags
        .iter()
        .map(|f| flag_text(lang, *f))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn standing_text(lang: Lang, standing: Standing) -> &'static str {
    match standing {
        Standing::Better => lang.pick("bättre", "better"),
        Standing::Similar => lang.pick("likartat", "similar"),
        Standing::Worse => lang.pick("sämre", "worse"),
    }
}

/// A comparison value as a sentence needs it.
#[derive(Debug, Clone)]
pub struct ComparisonFact<'a> {
    pub label: &'a str,
    pub period: i32,
    pub value: f64,
    pub source: &'a str,
    pub standing: Standing,
}

/// Two to four plain sentences about the wave `current` of an indicator's overall series: its
/// value and how certain it is, the change since the wave before as the test decides it, the
/// trend when there is one, and a comparison value when one is given. The last sentence says
/// that the figures do not tell why.
pub fn sentences(
    lang: Lang,
    indicator: &Indicator,
    overall: &DomainSeries,
    current: &str,
    comparison: Option<&ComparisonFact>,
) -> Vec<String> {
    let st = indicator.statistic;
    let Some(wave) = overall.waves.iter().find(|w| w.slug == current) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (Some(estimate), Some(n)) = (wave.figures.estimate, wave.figures.n) else {
        out.push(match lang {
            Lang::Sv => format!(
                "För {} visas ingen siffra: för få svarade, eller siffran skulle tillsammans med andra visa vad en liten grupp svarade.",
                wave.period
            ),
            Lang::En => format!(
                "For {} no figure is shown: too few answered, or with other figures it would show what a small group answered.",
                wave.period
            ),
        });
        return out;
    };
    let value = value_with_unit(lang, st, estimate);
    let n = lang.number(i128::from(n));
    out.push(match (wave.figures.ci_low, wave.figures.ci_high, lang) {
        (Some(lo), Some(hi), Lang::Sv) => format!(
            "{} var värdet {value}, utifrån {n} svar; det sanna värdet ligger med 95 % säkerhet mellan {} och {}.",
            wave.period,
            value_with_unit(lang, st, lo),
            value_with_unit(lang, st, hi)
        ),
        (Some(lo), Some(hi), Lang::En) => format!(
            "In {} the value was {value}, from {n} answers; with 95 % confidence the true value lies between {} and {}.",
            wave.period,
            value_with_unit(lang, st, lo),
            value_with_unit(lang, st, hi)
        ),
        (_, _, Lang::Sv) => format!("{} var värdet {value}, utifrån {n} svar.", wave.period),
        (_, _, Lang::En) => format!("In {} the value was {value}, from {n} answers.", wave.period),
    });
    if let Some(change) = overall.changes.iter().find(|c| c.to == current) {
        out.push(change_sentence(lang, st, overall, change));
    }
    if let Some(t) = overall.trend.as_ref() {
        let per_year = amount_text(lang, st, t.slope);
        out.push(match (t.significant, t.slope < 0.0, lang) {
            (true, true, Lang::Sv) => format!("Över de {} omgångarna har värdet minskat med i genomsnitt {per_year} per år, en säker trend ({}).", t.waves, verdict_text(lang, t.verdict)),
            (true, false, Lang::Sv) => format!("Över de {} omgångarna har värdet ökat med i genomsnitt {per_year} per år, en säker trend ({}).", t.waves, verdict_text(lang, t.verdict)),
            (false, _, Lang::Sv) => format!("Över de {} omgångarna syns ingen säker trend.", t.waves),
            (true, true, Lang::En) => format!("Over the {} waves the value has fallen by {per_year} a year on average, a certain trend ({}).", t.waves, verdict_text(lang, t.verdict)),
            (true, false, Lang::En) => format!("Over the {} waves the value has risen by {per_year} a year on average, a certain trend ({}).", t.waves, verdict_text(lang, t.verdict)),
            (false, _, Lang::En) => format!("Over the {} waves there is no certain trend.", t.waves),
        });
    }
    if let Some(c) = comparison {
        let theirs = value_with_unit(lang, st, c.value);
        let relation = match (c.standing, estimate < c.value, lang) {
            (Standing::Similar, _, Lang::Sv) => "i nivå med",
            (Standing::Similar, _, Lang::En) => "in line with",
            (_, true, Lang::Sv) => "lägre än",
            (_, true, Lang::En) => "lower than",
            (_, false, Lang::Sv) => "högre än",
            (_, false, Lang::En) => "higher than",
        };
        out.push(match lang {
            Lang::Sv => format!(
                "Värdet är {relation} {} {} ({theirs}; {}){}.",
                c.label,
                c.period,
                c.source,
                match c.standing {
                    Standing::Similar => String::new(),
                    s => format!(", alltså {}", standing_text(lang, s)),
                }
            ),
            Lang::En => format!(
                "The value is {relation} {} {} ({theirs}; {}){}.",
                c.label,
                c.period,
                c.source,
                match c.standing {
                    Standing::Similar => String::new(),
                    s => format!(", that is {}", standing_text(lang, s)),
                }
            ),
        });
    }
    out.push(
        lang.pick(
            "Siffrorna visar hur läget har utvecklats, inte varför.",
            "The figures show how things have developed, not why.",
        )
        .to_owned(),
    );
    out
}

fn change_sentence(
    lang: Lang,
    st: Statistic,
    overall: &DomainSeries,
    change: &SeriesChange,
) -> String {
    let before = overall
        .waves
        .iter()
        .find(|w| w.slug == change.from)
        .and_then(|w| w.figures.estimate)
        .map(|v| value_with_unit(lang, st, v))
        .unwrap_or_else(|| "..".into());
    let size = amount_text(lang, st, change.difference);
    match (change.significant, change.difference < 0.0, lang) {
        (true, true, Lang::Sv) => format!(
            "Det är lägre än {} ({before}), {size} lägre, och skillnaden är för stor för att bero på slumpen i vilka som svarade: en {}.",
            change.from_period,
            verdict_text(lang, change.verdict)
        ),
        (true, false, Lang::Sv) => format!(
            "Det är högre än {} ({before}), {size} högre, och skillnaden är för stor för att bero på slumpen i vilka som svarade: en {}.",
            change.from_period,
            verdict_text(lang, change.verdict)
        ),
        (false, _, Lang::Sv) => format!(
            "Skillnaden mot {} ({before}) kan bero på slumpen i vilka som svarade, så vi kan inte säga att läget har ändrats.",
            change.from_period
        ),
        (true, true, Lang::En) => format!(
            "That is lower than in {} ({before}), by {size}, and the difference is too large to be down to chance in who answered ({}).",
            change.from_period,
            verdict_text(lang, change.verdict)
        ),
        (true, false, Lang::En) => format!(
            "That is higher than in {} ({before}), by {size}, and the difference is too large to be down to chance in who answered ({}).",
            change.from_period,
            verdict_text(lang, change.verdict)
        ),
        (false, _, Lang::En) => format!(
            "The difference from {} ({before}) may be down to chance in who answered, so we cannot say that things have changed.",
            change.from_period
        ),
    }
}

/// "Den minsta förändring som nästa omgång kan upptäcka är …", from the wave's SE.
pub fn detectable_sentence(lang: Lang, statistic: Statistic, se: f64) -> String {
    let d = amount_text(lang, statistic, detectable_change(se));
    match lang {
        Lang::Sv => format!(
            "Med lika många svar nästa gång upptäcks en förändring på {d} eller mer med 80 % sannolikhet; mindre förändringar kan vara verkliga men syns inte säkert."
        ),
        Lang::En => format!(
            "With as many answers next time, a change of {d} or more is detected with 80 % probability; smaller changes may be real but do not show with certainty."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rounded_zero_is_written_without_a_sign() {
        let p = Statistic::Proportion;
        assert_eq!(value_text(Lang::Sv, p, -0.0004), "0,0");
        assert_eq!(value_text(Lang::Sv, p, -0.012), "−1,2");
        assert_eq!(value_text(Lang::En, p, -0.012), "-1.2");
        assert_eq!(value_text(Lang::Sv, Statistic::Mean, -0.001), "0,00");
        assert_eq!(difference_text(Lang::Sv, p, -0.0004), "0,0 procentenheter");
        assert_eq!(
            difference_text(Lang::En, p, 0.0004),
            "0.0 percentage points"
        );
        assert_eq!(difference_text(Lang::Sv, p, -0.04), "−4,0 procentenheter");
        assert_eq!(difference_text(Lang::Sv, p, 0.12), "+12 procentenheter");
        assert_eq!(difference_text(Lang::En, Statistic::Mean, -0.12), "−0.12");
        assert_eq!(difference_text(Lang::Sv, Statistic::Mean, -0.004), "0,00");
        assert_eq!(amount_text(Lang::Sv, p, -0.0004), "0,0 procentenheter");
        assert_eq!(
            estimate_text(Lang::Sv, p, Some(0.0), Some(-0.0001), Some(0.03)),
            "0,0\u{a0}% (0,0–3,0)"
        );
        assert_eq!(p_text(Lang::Sv, 0.0712), "p = 0,071");
        assert_eq!(p_text(Lang::En, 0.0001), "p < 0.001");
    }
}
