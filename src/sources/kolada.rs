//! Kolada v3 answers (`GET https://api.kolada.se/v3/data/kpi/{kpis}/municipality/{m}/year/{y}`):
//! `{"values": [{"kpi", "period", "municipality", "values": [{"gender": "T|K|M", "value"}]}],
//! "next_url"}`. The total (`T`) is stored as the KPI (`kolada/N07540`), women and men as
//! `kolada/N07540/K` and `…/M`; a `null` value is counted as missing and not stored.

use serde_json::Value;

use super::{Measure, Observation, Parsed, Source, SourceError};

/// Titles and units of the KPIs the lägesbild usually follows (Kolada's data answers carry
/// none); others are stored under their id.
const KNOWN: &[(&str, &str, &str)] = &[
    (
        "N07540",
        "Anmälda brott totalt, antal/100 000 inv",
        "per 100 000 invånare",
    ),
    (
        "N07403",
        "Anmälda våldsbrott, antal/100 000 inv",
        "per 100 000 invånare",
    ),
    (
        "U07452",
        "Anmälda brott om skadegörelse, antal/100 000 inv",
        "per 100 000 invånare",
    ),
    (
        "N07541",
        "Anmälda stöldbrott, antal/100 000 inv",
        "per 100 000 invånare",
    ),
];

/// The title and unit Kolada gives a KPI, if it is one the service knows.
pub fn known(kpi: &str) -> Option<(&'static str, &'static str)> {
    KNOWN
        .iter()
        .find(|(id, _, _)| *id == kpi)
        .map(|(_, title, unit)| (*title, *unit))
}

fn text_of(v: &Value, key: &str, place: &str) -> Result<String, SourceError> {
    match v.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(SourceError::at(
            format!("{place}.{key}"),
            format!("missing or empty \"{key}\""),
        )),
    }
}

/// Reads a Kolada v3 answer.
pub fn read(answer: &Value) -> Result<Parsed, SourceError> {
    let Some(values) = answer.get("values").and_then(Value::as_array) else {
        return Err(SourceError::at("values", "\"values\" is not a list"));
    };
    let mut observations = Vec::new();
    let mut measures: Vec<Measure> = Vec::new();
    let mut missing = 0;
    let mut rows = 0;
    for (i, entry) in values.iter().enumerate() {
        let place = format!("values[{i}]");
        let kpi = text_of(entry, "kpi", &place)?;
        let period = text_of(entry, "period", &place)?;
        if period.len() != 4 || !period.chars().all(|c| c.is_ascii_digit()) {
            return Err(SourceError::at(
                format!("{place}.period"),
                format!("\"{period}\" is not a year"),
            ));
        }
        let municipality = text_of(entry, "municipality", &place)?;
        let Some(by_gender) = entry.get("values").and_then(Value::as_array) else {
            return Err(SourceError::at(
                format!("{place}.values"),
                "\"values\" is not a list",
            ));
        };
        for (j, v) in by_gender.iter().enumerate() {
            let at = format!("{place}.values[{j}]");
            rows += 1;
            let gender = text_of(v, "gender", &at)?;
            let suffix = match gender.as_str() {
                "T" => "",
                "K" => "/K",
                "M" => "/M",
                other => {
                    return Err(SourceError::at(
                        format!("{at}.gender"),
                        format!("\"{other}\" is not T, K or M"),
                    ));
                }
            };
            let value = match v.get("value") {
                None | Some(Value::Null) => {
                    missing += 1;
                    continue;
                }
                Some(Value::Number(n)) => n.as_f64().filter(|x| x.is_finite()),
                Some(Value::String(s)) => super::number(s),
                Some(_) => None,
            };
            let Some(value) = value else {
                return Err(SourceError::at(
                    format!("{at}.value"),
                    "the value is not a number",
                ));
            };
            let id = format!("kolada/{kpi}{suffix}");
            if !measures.iter().any(|m| m.id == id) {
                let (title, unit) = known(&kpi).unwrap_or(("", ""));
                let title = match (title, gender.as_str()) {
                    ("", _) => kpi.clone(),
                    (t, "K") => format!("{t}, kvinnor"),
                    (t, "M") => format!("{t}, män"),
                    (t, _) => t.to_owned(),
                };
                measures.push(Measure {
                    id: id.clone(),
                    title,
                    unit: unit.to_owned(),
                });
            }
            observations.push(Observation {
                measure: id,
                area: municipality.clone(),
                period: period.clone(),
                value,
            });
        }
    }
    let next_url = answer
        .get("next_url")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    Ok(Parsed {
        source: Source::Kolada,
        format: "Kolada v3",
        measures,
        observations,
        missing,
        rows,
        next_url,
        unknown_areas: Vec::new(),
    })
}
