//! SCB's PxWeb answers in JSON-stat 2: `id` (the dimensions in order), `size`, `dimension` (each
//! with `category.index` — an object `{code: position}` whose keys need not be in position order,
//! or a list of codes — and `category.label`), `role` (`geo`, `time`, `metric`) and `value` (a
//! list in row-major order, the last dimension fastest, or an object of positions; `null` for a
//! missing value).
//!
//! Each value becomes an observation: the area is the `geo` dimension's code (e.g. `1481`), the
//! period the `time` dimension's (`2024`; `2024M07` as `2024-07`), and the measure
//! `scb/{metric}` followed by `/{dimension}={code}` for every other dimension, in `id` order
//! (e.g. `scb/BE0101N1/Alder=20-24/Kon=2`), so that age and sex stay apart for population totals.

use serde_json::Value;

use super::{Measure, Observation, Parsed, Source, SourceError};

struct Dimension {
    id: String,
    /// Codes by position.
    codes: Vec<String>,
    labels: Vec<String>,
}

fn dimension(id: &str, d: &Value, size: usize) -> Result<Dimension, SourceError> {
    let place = format!("dimension.{id}.category.index");
    let category = d.get("category");
    let index = category.and_then(|c| c.get("index"));
    let mut codes = vec![String::new(); size];
    match index {
        Some(Value::Object(map)) => {
            for (code, pos) in map {
                let Some(pos) = pos.as_u64().map(|p| p as usize).filter(|p| *p < size) else {
                    return Err(SourceError::at(
                        format!("{place}.{code}"),
                        format!("the position is not a number below the size {size}"),
                    ));
                };
                codes[pos] = code.clone();
            }
        }
        Some(Value::Array(list)) => {
            for (pos, code) in list.iter().enumerate().take(size) {
                codes[pos] = code.as_str().unwrap_or_default().to_owned();
            }
        }
        None if size == 1 => {
            // A single category may be given by its label alone.
            if let Some(Value::Object(labels)) = category.and_then(|c| c.get("label"))
                && let Some(code) = labels.keys().next()
            {
                codes[0] = code.clone();
            }
        }
        _ => {
            return Err(SourceError::at(
                place,
                "missing: an object or a list of codes",
            ));
        }
    }
    if let Some(pos) = codes.iter().position(String::is_empty) {
        return Err(SourceError::at(
            place,
            format!("no code at position {pos} of {size}"),
        ));
    }
    let labels = codes
        .iter()
        .map(|c| {
            category
                .and_then(|cat| cat.get("label"))
                .and_then(|l| l.get(c))
                .and_then(Value::as_str)
                .unwrap_or(c)
                .to_owned()
        })
        .collect();
    Ok(Dimension {
        id: id.to_owned(),
        codes,
        labels,
    })
}

fn role(dataset: &Value, role: &str) -> Vec<String> {
    dataset
        .get("role")
        .and_then(|r| r.get(role))
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// `2024` stays, `2024M07` becomes `2024-07`; anything else is kept as it is.
fn period(code: &str) -> String {
    match code.split_once('M') {
        Some((y, m)) if y.len() == 4 && m.len() == 2 => format!("{y}-{m}"),
        _ => code.to_owned(),
    }
}

/// Reads a JSON-stat 2 dataset.
pub fn read(dataset: &Value) -> Result<Parsed, SourceError> {
    let (dims, sizes) = dimensions(dataset)?;
    let find = |role_name: &str, guesses: &[&str]| -> Option<usize> {
        let named = role(dataset, role_name);
        dims.iter().position(|d| {
            named.contains(&d.id) || guesses.iter().any(|g| d.id.eq_ignore_ascii_case(g))
        })
    };
    let roles = Roles {
        geo: find("geo", &["Region"])
            .ok_or_else(|| SourceError::at("role.geo", "no region dimension"))?,
        time: find("time", &["Tid", "Time"])
            .ok_or_else(|| SourceError::at("role.time", "no time dimension"))?,
        metric: find("metric", &["ContentsCode"]),
    };
    let total: usize = sizes.iter().product();
    let values = values(dataset, total)?;
    let label = dataset
        .get("label")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut measures: Vec<Measure> = Vec::new();
    let mut observations = Vec::with_capacity(total);
    let mut missing = 0;
    let mut position = vec![0usize; dims.len()];
    for value in &values {
        let (id, title) = roles.measure(&dims, &position, label);
        match value {
            Some(v) if v.is_finite() => {
                if !measures.iter().any(|m| m.id == id) {
                    measures.push(Measure {
                        id: id.clone(),
                        title,
                        unit: String::new(),
                    });
                }
                observations.push(Observation {
                    measure: id,
                    area: dims[roles.geo].codes[position[roles.geo]].clone(),
                    period: period(&dims[roles.time].codes[position[roles.time]]),
                    value: *v,
                });
            }
            _ => missing += 1,
        }
        // The next position, the last dimension fastest.
        for k in (0..dims.len()).rev() {
            position[k] += 1;
            if position[k] < sizes[k] {
                break;
            }
            position[k] = 0;
        }
    }
    Ok(Parsed {
        source: Source::Scb,
        format: "SCB JSON-stat 2",
        measures,
        observations,
        missing,
        rows: total,
        next_url: None,
        unknown_areas: Vec::new(),
    })
}

/// The dataset's dimensions in `id` order, and the size of each.
fn dimensions(dataset: &Value) -> Result<(Vec<Dimension>, Vec<usize>), SourceError> {
    let ids: Vec<String> = dataset
        .get("id")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .ok_or_else(|| SourceError::at("id", "missing: the list of dimensions"))?;
    let sizes: Vec<usize> = dataset
        .get("size")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_u64)
                .map(|n| n as usize)
                .collect()
        })
        .ok_or_else(|| SourceError::at("size", "missing: the size of each dimension"))?;
    if sizes.len() != ids.len() {
        return Err(SourceError::at(
            "size",
            format!("{} sizes for {} dimensions", sizes.len(), ids.len()),
        ));
    }
    let mut dims = Vec::new();
    for (id, size) in ids.iter().zip(&sizes) {
        let d = dataset
            .get("dimension")
            .and_then(|d| d.get(id))
            .ok_or_else(|| SourceError::at(format!("dimension.{id}"), "missing"))?;
        dims.push(dimension(id, d, *size)?);
    }
    Ok((dims, sizes))
}

/// The `total` values in row-major order (`None`: missing), from a list or an object of
/// positions.
fn values(dataset: &Value, total: usize) -> Result<Vec<Option<f64>>, SourceError> {
    match dataset.get("value") {
        Some(Value::Array(list)) => {
            if list.len() != total {
                return Err(SourceError::at(
                    "value",
                    format!("{} values for {total} cells", list.len()),
                ));
            }
            Ok(list.iter().map(Value::as_f64).collect())
        }
        Some(Value::Object(map)) => {
            let mut all = vec![None; total];
            for (k, v) in map {
                let Some(pos) = k.parse::<usize>().ok().filter(|p| *p < total) else {
                    return Err(SourceError::at(
                        format!("value.{k}"),
                        format!("not a position below {total}"),
                    ));
                };
                all[pos] = v.as_f64();
            }
            Ok(all)
        }
        _ => Err(SourceError::at("value", "missing: a list or an object")),
    }
}

/// Which dimensions are the area, the period and (when there is one) the measure.
struct Roles {
    geo: usize,
    time: usize,
    metric: Option<usize>,
}

impl Roles {
    /// The measure's id and title of the cell at `position`: `scb/{metric}` (or `scb/value`,
    /// titled by the dataset's `label`), then `/{dimension}={code}` for every other dimension.
    fn measure(&self, dims: &[Dimension], position: &[usize], label: &str) -> (String, String) {
        let mut id = String::from("scb/");
        let mut title = String::new();
        match self.metric {
            Some(m) => {
                id.push_str(&dims[m].codes[position[m]]);
                title.push_str(&dims[m].labels[position[m]]);
            }
            None => {
                id.push_str("value");
                title.push_str(label);
            }
        }
        for (k, d) in dims.iter().enumerate() {
            if k == self.geo || k == self.time || Some(k) == self.metric {
                continue;
            }
            id.push_str(&format!("/{}={}", d.id, d.codes[position[k]]));
            title.push_str(&format!(", {}", d.labels[position[k]]));
        }
        (id, title)
    }
}
