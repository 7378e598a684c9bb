//! The evaluator API's CSV: the same rows as its JSON, one column per field, domain variables as
//! columns (empty where a row has no such variable). Shared by the API and the command line.

use std::collections::BTreeMap;

use super::WaveIndicators;
use super::areas::Areas;
use super::series::Series;
use crate::stats::Figures;

fn number(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn count(value: Option<u64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn flags(flags: &[crate::stats::Flag]) -> String {
    flags
        .iter()
        .filter_map(|f| serde_json::to_value(f).ok())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect::<Vec<_>>()
        .join(";")
}

/// The columns `n` to `flags` of a row.
fn figure_columns(f: &Figures) -> [String; 8] {
    [
        count(f.n),
        number(f.estimate),
        number(f.se),
        number(f.ci_low),
        number(f.ci_high),
        count(f.df),
        number(f.deff),
        flags(&f.flags),
    ]
}

fn json_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Domain variables in order of first appearance.
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

/// The rows as CSV, by the service's one CSV writer (quoted, and no cell starts a formula).
fn write(rows: Vec<Vec<String>>) -> String {
    crate::safe_csv::to_string(rows)
}

/// `GET /api/v1/waves/{slug}/indicators?format=csv`.
pub fn wave(result: &WaveIndicators) -> String {
    let vars = domain_columns(result.estimates.iter().map(|e| &e.domain));
    let mut header: Vec<String> = ["wave", "period", "indicator", "priority_area", "statistic"]
        .map(str::to_owned)
        .to_vec();
    header.extend(vars.iter().cloned());
    header.extend(
        [
            "n", "estimate", "se", "ci_low", "ci_high", "df", "deff", "flags",
        ]
        .map(str::to_owned),
    );
    let mut rows = vec![header];
    for e in &result.estimates {
        let mut row = vec![
            result.wave.slug.clone(),
            result.wave.period.to_string(),
            e.indicator.clone(),
            e.priority_area.id().to_owned(),
            e.statistic.id().to_owned(),
        ];
        row.extend(
            vars.iter()
                .map(|v| e.domain.get(v).cloned().unwrap_or_default()),
        );
        row.extend(figure_columns(&e.figures));
        rows.push(row);
    }
    write(rows)
}

/// `GET /api/v1/surveys/{survey}/indicators/{id}/series?format=csv`: a row per domain and wave,
/// with the change from the wave before where there is one.
pub fn series(s: &Series) -> String {
    let vars = domain_columns(s.series.iter().map(|d| &d.domain));
    let mut header: Vec<String> = ["survey", "indicator"].map(str::to_owned).to_vec();
    header.extend(vars.iter().cloned());
    header.extend(
        [
            "wave",
            "period",
            "state",
            "published",
            "responses",
            "n",
            "estimate",
            "se",
            "ci_low",
            "ci_high",
            "df",
            "deff",
            "flags",
            "change",
            "change_se",
            "change_ci_low",
            "change_ci_high",
            "change_p",
            "change_verdict",
        ]
        .map(str::to_owned),
    );
    let mut rows = vec![header];
    for d in &s.series {
        for w in &d.waves {
            let mut row = vec![s.survey.clone(), s.indicator.clone()];
            row.extend(
                vars.iter()
                    .map(|v| d.domain.get(v).cloned().unwrap_or_default()),
            );
            let change = d.changes.iter().find(|c| c.to == w.slug);
            row.extend([
                w.slug.clone(),
                w.period.to_string(),
                w.state.clone(),
                w.published.clone(),
                w.responses.to_string(),
            ]);
            row.extend(figure_columns(&w.figures));
            row.extend([
                number(change.map(|c| c.difference)),
                number(change.map(|c| c.se)),
                number(change.map(|c| c.ci_low)),
                number(change.map(|c| c.ci_high)),
                number(change.map(|c| c.p)),
                change.map(|c| json_text(&c.verdict)).unwrap_or_default(),
            ]);
            rows.push(row);
        }
    }
    write(rows)
}

/// `GET /api/v1/areas?format=csv`: a row per indicator.
pub fn areas(a: &Areas) -> String {
    let header = [
        "priority_area",
        "survey",
        "indicator",
        "title",
        "statistic",
        "better",
        "target",
        "latest_wave",
        "latest_period",
        "latest_published",
        "n",
        "estimate",
        "ci_low",
        "ci_high",
        "change",
        "change_p",
        "trend_per_year",
        "trend_p",
        "verdict",
        "target_status",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut rows = vec![header];
    for area in &a.areas {
        for i in &area.indicators {
            let latest = i.latest.as_ref();
            rows.push(vec![
                area.id.clone(),
                i.survey.clone(),
                i.indicator.clone(),
                i.title.sv.clone(),
                i.statistic.id().to_owned(),
                i.better.id().to_owned(),
                number(i.target),
                latest.map(|w| w.slug.clone()).unwrap_or_default(),
                latest.map(|w| w.period.to_string()).unwrap_or_default(),
                latest.map(|w| w.published.clone()).unwrap_or_default(),
                count(latest.and_then(|w| w.figures.n)),
                number(latest.and_then(|w| w.figures.estimate)),
                number(latest.and_then(|w| w.figures.ci_low)),
                number(latest.and_then(|w| w.figures.ci_high)),
                number(i.change.as_ref().map(|c| c.difference)),
                number(i.change.as_ref().map(|c| c.p)),
                number(i.trend.as_ref().map(|t| t.slope)),
                number(i.trend.as_ref().map(|t| t.p)),
                i.verdict.map(|v| json_text(&v)).unwrap_or_default(),
                i.target_status.map(|t| json_text(&t)).unwrap_or_default(),
            ]);
        }
    }
    write(rows)
}
