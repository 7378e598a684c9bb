//! An indicator over a survey's waves: each wave's estimate in period order, the change from the
//! previous wave, the linear trend, the verdict and the target status (built on `stats::trend`).
//!
//! Which waves: every published wave (an open wave publishes nothing), in period order.
//!
//! A wave whose estimate is suppressed (too few respondents) is shown without numbers and skipped
//! by changes and the trend: the change is then from the last wave with numbers.
//!
//! A boundary proportion (0 or 1, SE 0) is shown as it is. In changes and the trend it takes
//! the SE implied by its Korn–Graubard interval, (ci_high − ci_low) / (2 · z₀.₉₇₅): an SE of 0
//! would give it infinite weight in the trend and make any change from it "significant", and
//! dropping it would hide a real observation. The interval is the honest statement of what such a
//! wave knows, so its width stands in for the missing SE.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{IndicatorEstimate, WaveIndicators};
use crate::stats::Figures;
use crate::stats::ci::normal_quantile;
use crate::stats::trend::{self, Direction, Point, TargetStatus, Verdict};
use crate::survey::{Better, Indicator, PriorityArea, Statistic};

const LEVEL: f64 = 0.95;

/// One wave of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SeriesWave {
    pub slug: String,
    #[serde(with = "super::period")]
    #[schema(value_type = String)]
    pub period: i32,
    pub state: String,
    pub responses: u64,
    /// The day the wave's figures were published.
    pub published: String,
    #[serde(flatten)]
    pub figures: Figures,
    /// The questionnaire version the wave asked.
    #[serde(default)]
    pub version: u32,
    /// What sets the wave apart from the others of the series (see [`WaveMark`]).
    #[serde(default)]
    pub marks: Vec<WaveMark>,
}

/// Why a wave of a series should be read with care beside the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaveMark {
    /// Fewer than half as many responses as the median of the series' other waves.
    Small,
    /// Not weighted (no population totals, no classes per school) where another wave of the
    /// series is: its figure describes those who answered, the others the population.
    Unweighted,
    /// Asked with another version of the questionnaire than the wave before it.
    VersionChanged,
}

/// A change between two waves with numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SeriesChange {
    pub from: String,
    pub to: String,
    #[serde(with = "super::period")]
    #[schema(value_type = String)]
    pub from_period: i32,
    #[serde(with = "super::period")]
    #[schema(value_type = String)]
    pub to_period: i32,
    pub difference: f64,
    pub se: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub p: f64,
    pub significant: bool,
    pub verdict: Verdict,
}

/// The weighted linear trend over the closed waves with numbers (three or more).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SeriesTrend {
    /// Change per year.
    pub slope: f64,
    pub se: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub p: f64,
    pub significant: bool,
    pub waves: usize,
    pub verdict: Verdict,
    /// The waves the trend rests on (their periods, in order).
    #[serde(default, with = "super::period::list")]
    #[schema(value_type = Vec<String>)]
    pub periods: Vec<i32>,
}

/// The series of one domain (`{}` overall).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DomainSeries {
    pub domain: BTreeMap<String, String>,
    pub waves: Vec<SeriesWave>,
    pub changes: Vec<SeriesChange>,
    /// The latest change between closed waves (`None` with fewer than two).
    pub change: Option<SeriesChange>,
    pub trend: Option<SeriesTrend>,
    /// Why there is no trend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend_note: Option<String>,
    /// From the trend when there is one, else from the latest change between closed waves.
    pub verdict: Option<Verdict>,
    /// The latest closed wave's interval against the indicator's target.
    pub target_status: Option<TargetStatus>,
}

/// An indicator's series, overall or by one breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Series {
    pub survey: String,
    pub indicator: String,
    pub priority_area: PriorityArea,
    pub statistic: Statistic,
    pub better: Better,
    pub target: Option<f64>,
    /// The breakdown (`?by=`), if any.
    pub by: Option<String>,
    pub series: Vec<DomainSeries>,
}

pub fn direction(better: Better) -> Direction {
    match better {
        Better::Lower => Direction::LowerIsBetter,
        Better::Higher => Direction::HigherIsBetter,
    }
}

/// The series of `indicator` over `waves` (each wave's published indicators, any order),
/// overall or by the background question `by`.
pub fn build(
    survey: &str,
    indicator: &Indicator,
    waves: &[WaveIndicators],
    by: Option<&str>,
) -> Series {
    let mut ordered: Vec<&WaveIndicators> = waves.iter().collect();
    ordered.sort_by(|a, b| {
        let key =
            |w: &WaveIndicators| (w.wave.period, w.wave.published.clone(), w.wave.slug.clone());
        key(a).cmp(&key(b))
    });
    let wanted = |e: &IndicatorEstimate| {
        e.indicator == indicator.id
            && match by {
                None => e.domain.is_empty(),
                Some(var) => e.domain.len() == 1 && e.domain.contains_key(var),
            }
    };
    // Domains in order of first appearance (each wave lists categories in choice order).
    let mut domains: Vec<BTreeMap<String, String>> = Vec::new();
    for w in &ordered {
        for e in w.estimates.iter().filter(|e| wanted(e)) {
            if !domains.contains(&e.domain) {
                domains.push(e.domain.clone());
            }
        }
    }
    if by.is_none() && domains.is_empty() {
        domains.push(BTreeMap::new());
    }
    let marks = marks(&ordered);
    let series = domains
        .into_iter()
        .map(|domain| {
            let rows: Vec<SeriesWave> = ordered
                .iter()
                .zip(&marks)
                .map(|(w, marks)| {
                    let e = w.estimates.iter().find(|e| wanted(e) && e.domain == domain);
                    SeriesWave {
                        marks: marks.clone(),
                        ..series_wave(w, e)
                    }
                })
                .collect();
            domain_series(indicator, domain, rows)
        })
        .collect();
    Series {
        survey: survey.to_owned(),
        indicator: indicator.id.clone(),
        priority_area: indicator.priority_area,
        statistic: indicator.statistic,
        better: indicator.better,
        target: indicator.target,
        by: by.map(str::to_owned),
        series,
    }
}

/// Whether a wave's estimates are weighted: calibrated to population totals, or (class waves)
/// weighted by the number of classes per school.
pub fn weighted(method: &super::Method) -> bool {
    method.calibration.is_weighted()
        || (method.design == "stratified_cluster" && method.fpc_note.is_none())
}

/// The marks of each wave (in the order given, which is period order).
pub fn marks(ordered: &[&WaveIndicators]) -> Vec<Vec<WaveMark>> {
    let any_weighted = ordered.iter().any(|w| weighted(&w.wave.method));
    ordered
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let mut marks = Vec::new();
            let mut others: Vec<u64> = ordered
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, o)| o.wave.method.responses)
                .collect();
            others.sort_unstable();
            if let Some(median) = median(&others)
                && (w.wave.method.responses as f64) < median / 2.0
            {
                marks.push(WaveMark::Small);
            }
            if any_weighted && !weighted(&w.wave.method) {
                marks.push(WaveMark::Unweighted);
            }
            if i > 0 && ordered[i - 1].wave.survey_version != w.wave.survey_version {
                marks.push(WaveMark::VersionChanged);
            }
            marks
        })
        .collect()
}

fn median(sorted: &[u64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2] as f64),
        _ => Some((sorted[n / 2 - 1] as f64 + sorted[n / 2] as f64) / 2.0),
    }
}

fn series_wave(w: &WaveIndicators, e: Option<&IndicatorEstimate>) -> SeriesWave {
    SeriesWave {
        slug: w.wave.slug.clone(),
        period: w.wave.period,
        state: w.wave.state.clone(),
        responses: w.wave.method.responses,
        published: w.wave.published.clone(),
        figures: e.map(|e| e.figures.clone()).unwrap_or_default(),
        version: w.wave.survey_version,
        marks: Vec::new(),
    }
}

/// The point a wave contributes to changes and trends, if it has numbers: a boundary estimate
/// (SE 0) takes the SE its interval implies (see the module docs).
pub fn point(w: &SeriesWave) -> Option<Point> {
    let estimate = w.figures.estimate?;
    let se = w.figures.se?;
    if se > 0.0 {
        return Some(Point { estimate, se });
    }
    let width = w.figures.ci_high? - w.figures.ci_low?;
    let implied = width / (2.0 * normal_quantile(0.5 + LEVEL / 2.0));
    (implied > 0.0 && implied.is_finite()).then_some(Point {
        estimate,
        se: implied,
    })
}

pub fn domain_series(
    indicator: &Indicator,
    domain: BTreeMap<String, String>,
    waves: Vec<SeriesWave>,
) -> DomainSeries {
    let dir = direction(indicator.better);
    let mut changes = Vec::new();
    let mut previous: Option<(&SeriesWave, Point)> = None;
    for w in &waves {
        let Some(p) = point(w) else { continue };
        if let Some((before, q)) = previous {
            let c = trend::change(q, p, LEVEL);
            changes.push(SeriesChange {
                from: before.slug.clone(),
                to: w.slug.clone(),
                from_period: before.period,
                to_period: w.period,
                difference: c.difference,
                se: c.se,
                ci_low: c.interval.low,
                ci_high: c.interval.high,
                p: c.p_value,
                significant: c.significant,
                verdict: trend::verdict(dir, c.difference, c.significant),
            });
        }
        previous = Some((w, p));
    }
    let change = changes.last().cloned();
    let closed: Vec<(f64, Point)> = waves
        .iter()
        .filter_map(|w| Some((f64::from(w.period), point(w)?)))
        .collect();
    let periods: Vec<i32> = waves
        .iter()
        .filter(|w| point(w).is_some())
        .map(|w| w.period)
        .collect();
    let (trend, trend_note) = match trend::linear_trend(&closed, LEVEL) {
        Ok(t) => (
            Some(SeriesTrend {
                slope: t.slope,
                se: t.se,
                ci_low: t.interval.low,
                ci_high: t.interval.high,
                p: t.p_value,
                significant: t.significant,
                waves: t.points,
                verdict: trend::verdict(dir, t.slope, t.significant),
                periods,
            }),
            None,
        ),
        Err(e) => (None, Some(e.to_string())),
    };
    let verdict = trend
        .as_ref()
        .map(|t| t.verdict)
        .or(change.as_ref().map(|c| c.verdict));
    let target_status = indicator.target.and_then(|target| {
        let latest = waves.iter().rev().find(|w| w.figures.estimate.is_some())?;
        let interval = crate::stats::ci::Interval {
            low: latest.figures.ci_low?,
            high: latest.figures.ci_high?,
        };
        Some(trend::target_status(dir, interval, target))
    });
    DomainSeries {
        domain,
        waves,
        changes,
        change,
        trend,
        trend_note,
        verdict,
        target_status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wave(slug: &str, estimate: Option<f64>, se: f64, ci: (f64, f64)) -> SeriesWave {
        SeriesWave {
            slug: slug.into(),
            period: slug.parse().expect("a year"),
            state: "closed".into(),
            responses: 100,
            published: String::new(),
            figures: Figures {
                n: estimate.map(|_| 100),
                estimate,
                se: estimate.map(|_| se),
                ci_low: estimate.map(|_| ci.0),
                ci_high: estimate.map(|_| ci.1),
                df: estimate.map(|_| 99),
                deff: None,
                flags: Vec::new(),
            },
            version: 1,
            marks: Vec::new(),
        }
    }

    fn indicator() -> Indicator {
        Indicator {
            id: "x".into(),
            title: crate::survey::Text {
                sv: "x".into(),
                en: "x".into(),
            },
            priority_area: crate::survey::PriorityArea::YouthAtRisk,
            statistic: crate::survey::Statistic::Proportion,
            better: Better::Lower,
            target: Some(0.2),
            questions: Vec::new(),
            codes: Vec::new(),
        }
    }

    #[test]
    fn a_boundary_wave_enters_changes_and_trend_with_the_se_of_its_interval() {
        let boundary = wave("2024", Some(0.0), 0.0, (0.0, 0.036));
        let p = point(&boundary).expect("a point");
        assert!((p.se - 0.036 / (2.0 * 1.959_963_984_540_054)).abs() < 1e-12);
        let waves = vec![
            wave("2022", Some(0.10), 0.02, (0.07, 0.14)),
            wave("2023", Some(0.06), 0.015, (0.04, 0.09)),
            boundary,
        ];
        let s = domain_series(&indicator(), BTreeMap::new(), waves);
        assert_eq!(s.changes.len(), 2);
        assert!(s.changes.iter().all(|c| c.se.is_finite() && c.se > 0.0));
        let trend = s.trend.expect("a trend over three waves");
        assert!(trend.se.is_finite() && trend.se > 0.0 && trend.slope < 0.0);
        // The latest interval lies below the target of 0.2: met.
        assert_eq!(s.target_status, Some(TargetStatus::Met));
    }

    #[test]
    fn a_suppressed_wave_is_shown_and_skipped() {
        let waves = vec![
            wave("2022", Some(0.30), 0.02, (0.26, 0.34)),
            wave("2023", None, 0.0, (0.0, 0.0)),
            wave("2024", Some(0.20), 0.02, (0.16, 0.24)),
        ];
        let s = domain_series(&indicator(), BTreeMap::new(), waves);
        assert_eq!(s.waves.len(), 3);
        assert_eq!(s.changes.len(), 1);
        assert_eq!(s.changes[0].from, "2022");
        assert_eq!(s.changes[0].verdict, Verdict::Improved);
        assert!(s.trend.is_none() && s.trend_note.is_some());
        assert_eq!(s.verdict, Some(Verdict::Improved));
    }

    fn published(period: &str, responses: u64, calibration: &str, version: u32) -> WaveIndicators {
        serde_json::from_value(serde_json::json!({
            "wave": {"slug": format!("w{period}"), "survey": "s", "period": period,
                     "state": "closed", "survey_version": version, "responses": responses,
                     "unreliable": 0, "uncalibrated": 0, "calibration": calibration,
                     "design": "simple", "published": "2026-01-01", "publication": 1,
                     "up_to_date": true},
            "estimates": []
        }))
        .expect("wave")
    }

    #[test]
    fn waves_are_marked_small_unweighted_or_of_a_new_version() {
        let waves = [
            published("2022", 1000, "poststratify", 1),
            published("2023", 950, "poststratify", 1),
            published("2024", 31, "none", 1),
            published("2025", 1010, "poststratify", 2),
        ];
        let ordered: Vec<&WaveIndicators> = waves.iter().collect();
        let found = marks(&ordered);
        assert_eq!(found[0], Vec::<WaveMark>::new());
        assert_eq!(found[1], Vec::<WaveMark>::new());
        assert_eq!(found[2], vec![WaveMark::Small, WaveMark::Unweighted]);
        assert_eq!(found[3], vec![WaveMark::VersionChanged]);
        // Nobody weighted: nobody is unweighted "where the others are weighted"; half the median
        // is the line for small (a wave of 500 beside 1000s is not small, 499 is).
        let plain = [
            published("2022", 1000, "none", 1),
            published("2023", 500, "none", 1),
            published("2024", 1000, "none", 1),
            published("2025", 499, "none", 1),
        ];
        let ordered: Vec<&WaveIndicators> = plain.iter().collect();
        let found = marks(&ordered);
        assert!(found[1].is_empty(), "{found:?}");
        assert_eq!(found[3], vec![WaveMark::Small]);
    }

    #[test]
    fn the_trend_names_the_waves_it_rests_on() {
        let waves = vec![
            wave("2022", Some(0.30), 0.02, (0.26, 0.34)),
            wave("2023", None, 0.0, (0.0, 0.0)),
            wave("2024", Some(0.25), 0.02, (0.21, 0.29)),
            wave("2025", Some(0.20), 0.02, (0.16, 0.24)),
        ];
        let s = domain_series(&indicator(), BTreeMap::new(), waves);
        let trend = s.trend.expect("trend");
        assert_eq!(trend.periods, [2022, 2024, 2025]);
        assert_eq!(trend.waves, 3);
    }
}
