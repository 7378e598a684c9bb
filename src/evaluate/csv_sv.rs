//! The evaluator's figures as files for Swedish Excel (`?dialect=excel-sv` of the API's CSVs,
//! and the CSV links of the pages): the rows of [`super::csv_out`], written by
//! [`crate::safe_csv::excel_sv`] (byte-order mark, `;`, decimal comma), with headers in the
//! reader's language, indicators, areas and groups by their names rather than their codes, and
//! numbers rounded to what a reader needs:
//!
//! - proportions in percent with one decimal (`17,3`), their standard errors in percentage
//!   points with two; means with two decimals, their standard errors with three;
//! - p-values with three decimals, design effects with two;
//! - a change as its size (never negative) and its direction in words in the next column, and
//!   its interval as text ("−3,2 till 1,5"), so that no number cell starts with `-`;
//! - a hidden figure (suppressed by disclosure control) as `..`, as official statistics write it;
//!   a figure that does not exist (no change before the first wave) as an empty cell.

use std::collections::BTreeMap;

use super::WaveIndicators;
use super::areas::Areas;
use super::series::{DomainSeries, Series, SeriesChange};
use super::words::{flags_text, verdict_text};
use crate::i18n::Lang;
use crate::safe_csv::{Cell, HIDDEN, excel_sv};
use crate::stats::trend::TargetStatus;
use crate::stats::{Figures, Flag};
use crate::survey::{Better, Statistic, Survey};

/// A value: a proportion in percent with one decimal, a mean with two; `..` when hidden.
pub fn value(statistic: Statistic, v: Option<f64>, hidden: bool) -> Cell {
    if hidden {
        return Cell::text(HIDDEN);
    }
    match statistic {
        Statistic::Proportion => Cell::maybe(v.map(|v| v * 100.0), 1),
        Statistic::Mean => Cell::maybe(v, 2),
    }
}

/// A standard error: percentage points with two decimals, or three for a mean.
pub fn standard_error(statistic: Statistic, v: Option<f64>, hidden: bool) -> Cell {
    if hidden {
        return Cell::text(HIDDEN);
    }
    match statistic {
        Statistic::Proportion => Cell::maybe(v.map(|v| v * 100.0), 2),
        Statistic::Mean => Cell::maybe(v, 3),
    }
}

/// A count, `..` when hidden.
pub fn count(n: Option<u64>, hidden: bool) -> Cell {
    match (n, hidden) {
        (_, true) => Cell::text(HIDDEN),
        (Some(n), false) => Cell::count(n),
        (None, false) => Cell::Empty,
    }
}

/// The size of a change (percentage points with one decimal, a mean's with two), never signed.
pub fn change_size(statistic: Statistic, d: Option<f64>) -> Cell {
    match statistic {
        Statistic::Proportion => Cell::maybe(d.map(|d| d.abs() * 100.0), 1),
        Statistic::Mean => Cell::maybe(d.map(f64::abs), 2),
    }
}

/// The direction of a change in words: "ökning", "minskning", "oförändrat".
pub fn direction(lang: Lang, d: Option<f64>) -> Cell {
    match d {
        None => Cell::Empty,
        Some(d) if d > 0.0 => Cell::text(lang.pick("ökning", "increase")),
        Some(d) if d < 0.0 => Cell::text(lang.pick("minskning", "decrease")),
        Some(_) => Cell::text(lang.pick("oförändrat", "unchanged")),
    }
}

/// An interval that may be below zero, as text: "−3,2 till 1,5" (percentage points for a
/// proportion's change).
pub fn interval_text(lang: Lang, statistic: Statistic, low: f64, high: f64) -> Cell {
    let (scale, decimals) = match statistic {
        Statistic::Proportion => (100.0, 1),
        Statistic::Mean => (1.0, 2),
    };
    let number = |v: f64| crate::safe_csv::swedish_number(v * scale, decimals);
    Cell::text(format!(
        "{} {} {}",
        number(low),
        lang.pick("till", "to"),
        number(high)
    ))
}

/// The header of a value column: "Andel (%)", "Medelvärde".
pub fn value_header(lang: Lang, statistic: Statistic) -> &'static str {
    match statistic {
        Statistic::Proportion => lang.pick("Andel (%)", "Share (%)"),
        Statistic::Mean => lang.pick("Medelvärde", "Mean"),
    }
}

/// The header of a change's size: "Förändring (procentenheter)".
pub fn change_header(lang: Lang, statistic: Statistic) -> &'static str {
    match statistic {
        Statistic::Proportion => lang.pick(
            "Förändring från omgången före (procentenheter)",
            "Change from the wave before (percentage points)",
        ),
        Statistic::Mean => lang.pick(
            "Förändring från omgången före",
            "Change from the wave before",
        ),
    }
}

fn target_status_text(lang: Lang, status: TargetStatus) -> &'static str {
    match status {
        TargetStatus::Met => lang.pick("nått", "met"),
        TargetStatus::NotMet => lang.pick("inte nått", "not met"),
        TargetStatus::Inconclusive => lang.pick(
            "oklart (målet ligger inom intervallet)",
            "inconclusive (the target lies within the interval)",
        ),
    }
}

/// Domain variables in order of first appearance, as `csv_out` orders them.
fn domain_columns<'a>(domains: impl Iterator<Item = &'a BTreeMap<String, String>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for d in domains {
        for k in d.keys() {
            if !out.contains(k) {
                out.push(k.clone());
            }
        }
    }
    out
}

/// A domain variable's column header: the question's short label.
fn domain_header(lang: Lang, survey: Option<&Survey>, variable: &str) -> String {
    survey
        .and_then(|s| s.question(variable))
        .map_or_else(|| variable.to_owned(), |q| q.short_label(lang).to_owned())
}

/// A domain's answer by its label.
fn domain_value(
    lang: Lang,
    survey: Option<&Survey>,
    variable: &str,
    domain: &BTreeMap<String, String>,
) -> Cell {
    let Some(code) = domain.get(variable) else {
        return Cell::Empty;
    };
    let label = survey
        .and_then(|s| s.question(variable))
        .and_then(|q| q.choice(code))
        .map_or(code.as_str(), |c| c.label.get(lang));
    Cell::text(label)
}

fn header(cells: &[&str]) -> Vec<Cell> {
    cells.iter().map(|c| Cell::text(*c)).collect()
}

fn measure_text(lang: Lang, statistic: Statistic) -> &'static str {
    match statistic {
        Statistic::Proportion => lang.pick("andel i procent", "share in percent"),
        Statistic::Mean => lang.pick("medelvärde", "mean"),
    }
}

/// `GET /api/v1/waves/{slug}/indicators?format=csv&dialect=excel-sv`.
pub fn wave(result: &WaveIndicators, survey: Option<&Survey>, lang: Lang) -> String {
    let vars = domain_columns(result.estimates.iter().map(|e| &e.domain));
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let mut head = header(&[
        t("Omgång", "Wave"),
        t("År", "Year"),
        t("Indikator", "Indicator"),
        t("Prioriterat område", "Priority area"),
        t("Mått", "Measure"),
    ]);
    head.extend(
        vars.iter()
            .map(|v| Cell::text(domain_header(lang, survey, v))),
    );
    head.extend(header(&[
        "n",
        t("Värde", "Value"),
        t("Medelfel", "Standard error"),
        t("Nedre gräns (95 %)", "Lower limit (95 %)"),
        t("Övre gräns (95 %)", "Upper limit (95 %)"),
        t("Frihetsgrader", "Degrees of freedom"),
        t("Designeffekt", "Design effect"),
        t("Anmärkning", "Notes"),
    ]));
    let mut rows = vec![head];
    for e in &result.estimates {
        let statistic = e.statistic;
        let title = survey
            .and_then(|s| s.indicator(&e.indicator))
            .map_or(e.indicator.as_str(), |i| i.title.get(lang));
        let area = e.priority_area.title(lang);
        let mut row = vec![
            Cell::text(&result.wave.slug),
            Cell::text(result.wave.period.to_string()),
            Cell::text(title),
            Cell::text(area),
            Cell::text(measure_text(lang, statistic)),
        ];
        row.extend(
            vars.iter()
                .map(|v| domain_value(lang, survey, v, &e.domain)),
        );
        row.extend(figure_cells(lang, statistic, &e.figures));
        rows.push(row);
    }
    excel_sv(rows)
}

/// The columns of a series' wave rows after the domain, shared by the API's file and the
/// page's: wave, year, published, responses, n, value, interval, notes, change.
pub fn series_header(lang: Lang, statistic: Statistic) -> Vec<Cell> {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    header(&[
        t("Omgång", "Wave"),
        t("År", "Year"),
        t("Publicerad", "Published"),
        t("Svar", "Responses"),
        "n",
        value_header(lang, statistic),
        t("Medelfel", "Standard error"),
        t("Nedre gräns (95 %)", "Lower limit (95 %)"),
        t("Övre gräns (95 %)", "Upper limit (95 %)"),
        t("Frihetsgrader", "Degrees of freedom"),
        t("Designeffekt", "Design effect"),
        t("Anmärkning", "Notes"),
        change_header(lang, statistic),
        t("Förändringens riktning", "Direction of the change"),
        t(
            "Förändringens 95 % intervall",
            "95 % interval of the change",
        ),
        t("p för förändringen", "p of the change"),
        t("Bedömning", "Verdict"),
    ])
}

/// A domain series' rows as [`series_header`] names them.
pub fn series_rows(lang: Lang, statistic: Statistic, d: &DomainSeries) -> Vec<Vec<Cell>> {
    d.waves
        .iter()
        .map(|w| {
            let change: Option<&SeriesChange> = d.changes.iter().find(|c| c.to == w.slug);
            let mut row = vec![
                Cell::text(&w.slug),
                Cell::text(w.period.to_string()),
                Cell::text(&w.published),
                Cell::count(w.responses),
            ];
            row.extend(figure_cells(lang, statistic, &w.figures));
            row.extend([
                change_size(statistic, change.map(|c| c.difference)),
                direction(lang, change.map(|c| c.difference)),
                change.map_or(Cell::Empty, |c| {
                    interval_text(lang, statistic, c.ci_low, c.ci_high)
                }),
                Cell::maybe(change.map(|c| c.p), 3),
                change.map_or(Cell::Empty, |c| Cell::text(verdict_text(lang, c.verdict))),
            ]);
            row
        })
        .collect()
}

/// The cells `n` to the notes of a row, `..` where hidden.
fn figure_cells(lang: Lang, statistic: Statistic, f: &Figures) -> [Cell; 8] {
    let hidden = f.flags.contains(&Flag::Suppressed);
    [
        count(f.n, hidden),
        value(statistic, f.estimate, hidden),
        standard_error(statistic, f.se, hidden),
        value(statistic, f.ci_low, hidden),
        value(statistic, f.ci_high, hidden),
        count(f.df, hidden),
        if hidden {
            Cell::text(HIDDEN)
        } else {
            Cell::maybe(f.deff, 2)
        },
        Cell::text(flags_text(lang, &f.flags)),
    ]
}

/// `GET /api/v1/surveys/{survey}/indicators/{indicator}/series?format=csv&dialect=excel-sv`.
pub fn series(s: &Series, survey: Option<&Survey>, lang: Lang) -> String {
    let statistic = s.statistic;
    let vars = domain_columns(s.series.iter().map(|d| &d.domain));
    let title = survey
        .and_then(|sv| sv.indicator(&s.indicator))
        .map_or(s.indicator.as_str(), |i| i.title.get(lang));
    let mut head = vec![Cell::text(lang.pick("Indikator", "Indicator"))];
    head.extend(
        vars.iter()
            .map(|v| Cell::text(domain_header(lang, survey, v))),
    );
    head.extend(series_header(lang, statistic));
    let mut rows = vec![head];
    for d in &s.series {
        for wave_row in series_rows(lang, statistic, d) {
            let mut row = vec![Cell::text(title)];
            row.extend(
                vars.iter()
                    .map(|v| domain_value(lang, survey, v, &d.domain)),
            );
            row.extend(wave_row);
            rows.push(row);
        }
    }
    excel_sv(rows)
}

/// `GET /api/v1/areas?format=csv&dialect=excel-sv`.
pub fn areas(a: &Areas, lang: Lang) -> String {
    let t = |sv: &'static str, en: &'static str| lang.pick(sv, en);
    let mut rows = vec![header(&[
        t("Prioriterat område", "Priority area"),
        t("Enkät", "Survey"),
        t("Indikator", "Indicator"),
        t("Mått", "Measure"),
        t("Bättre är", "Better is"),
        t("Mål", "Target"),
        t("Senaste omgång", "Latest wave"),
        t("År", "Year"),
        t("Publicerad", "Published"),
        "n",
        t("Värde", "Value"),
        t("Nedre gräns (95 %)", "Lower limit (95 %)"),
        t("Övre gräns (95 %)", "Upper limit (95 %)"),
        t(
            "Förändring från omgången före",
            "Change from the wave before",
        ),
        t("Förändringens riktning", "Direction of the change"),
        t("p för förändringen", "p of the change"),
        t("Trend per år", "Trend per year"),
        t("Trendens riktning", "Direction of the trend"),
        t("p för trenden", "p of the trend"),
        t("Bedömning", "Verdict"),
        t("Målet", "Target status"),
    ])];
    for area in &a.areas {
        for i in &area.indicators {
            let statistic = i.statistic;
            let latest = i.latest.as_ref();
            let hidden = latest.is_some_and(|w| w.figures.flags.contains(&Flag::Suppressed));
            let change = i.change.as_ref().map(|c| c.difference);
            let slope = i.trend.as_ref().map(|t| t.slope);
            rows.push(vec![
                Cell::text(match lang {
                    Lang::Sv => &area.title.sv,
                    Lang::En => &area.title.en,
                }),
                Cell::text(&i.survey),
                Cell::text(match lang {
                    Lang::Sv => &i.title.sv,
                    Lang::En => &i.title.en,
                }),
                Cell::text(measure_text(lang, statistic)),
                Cell::text(match i.better {
                    Better::Higher => t("högre", "higher"),
                    Better::Lower => t("lägre", "lower"),
                }),
                value(statistic, i.target, false),
                latest.map_or(Cell::Empty, |w| Cell::text(&w.slug)),
                latest.map_or(Cell::Empty, |w| Cell::text(w.period.to_string())),
                latest.map_or(Cell::Empty, |w| Cell::text(&w.published)),
                count(latest.and_then(|w| w.figures.n), hidden),
                value(statistic, latest.and_then(|w| w.figures.estimate), hidden),
                value(statistic, latest.and_then(|w| w.figures.ci_low), hidden),
                value(statistic, latest.and_then(|w| w.figures.ci_high), hidden),
                change_size(statistic, change),
                direction(lang, change),
                Cell::maybe(i.change.as_ref().map(|c| c.p), 3),
                change_size(statistic, slope),
                direction(lang, slope),
                Cell::maybe(i.trend.as_ref().map(|t| t.p), 3),
                i.verdict
                    .map_or(Cell::Empty, |v| Cell::text(verdict_text(lang, v))),
                i.target_status
                    .map_or(Cell::Empty, |s| Cell::text(target_status_text(lang, s))),
            ]);
        }
    }
    excel_sv(rows)
}
