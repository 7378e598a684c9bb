//! The estimation request and its answer, as in DESIGN.md ("Estimation request"). The same types
//! serve `trygg stats` and the service.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What to estimate, on which design, with what calibration.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    #[serde(default)]
    pub design: DesignSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
    #[serde(default = "default_confidence_level")]
    pub confidence_level: f64,
    pub estimates: Vec<EstimateSpec>,
    /// Disclosure control for publication (an addition to the contract; without it every cell
    /// is reported, as an analyst working on raw data expects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<Disclosure>,
}

/// Hide cells with fewer than `min_cell_size` respondents, and the cells from which a hidden one
/// could be recovered by subtraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Disclosure {
    pub min_cell_size: u64,
}

pub fn default_confidence_level() -> f64 {
    0.95
}

/// Column names of the sampling design; every key is optional (none: simple random sample).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DesignSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strata: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fpc: Option<String>,
    #[serde(default)]
    pub lonely_psu: LonelyPsu,
}

/// What to do with a stratum that has a single sampled PSU.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LonelyPsu {
    /// Refuse, naming the stratum (R's default).
    #[default]
    Fail,
    /// Centre the PSU on the mean over all PSUs (R's `survey.lonely.psu = "adjust"`).
    Adjust,
}

/// Calibration of the weights to known population totals.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "method", rename_all = "lowercase", deny_unknown_fields)]
pub enum Calibration {
    Poststratify {
        variables: Vec<String>,
        population: Vec<PopulationCell>,
    },
    Rake {
        margins: Vec<Margin>,
    },
}

/// One margin of raking: the cells of `variables` and their population totals.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Margin {
    pub variables: Vec<String>,
    pub population: Vec<PopulationCell>,
}

/// A population cell: the values of the calibration variables and the population total.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PopulationCell {
    pub total: f64,
    #[serde(flatten)]
    pub values: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Statistic {
    Proportion,
    Mean,
    Total,
}

/// Confidence interval method for proportions (means and totals use estimate ± t·SE).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CiMethod {
    #[default]
    Logit,
    Xlogit,
    Beta,
    Wald,
    Wilson,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EstimateSpec {
    pub id: String,
    pub statistic: Statistic,
    pub variable: String,
    #[serde(default)]
    pub by: Vec<String>,
    #[serde(default)]
    pub ci: CiMethod,
}

/// A reliability or status note on one estimate.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// The proportion is exactly 0 or 1: SE is 0 and the interval is the Korn–Graubard one.
    Boundary,
    /// No respondent in the domain.
    Empty,
    /// Effective sample size (n / deff) below 30.
    LowEffectiveN,
    /// Fewer than 8 degrees of freedom.
    LowDf,
    /// Proportion interval wider than 0.30.
    WideInterval,
    /// Interval width above 130 % of the proportion.
    WideRelativeInterval,
    /// Hidden by disclosure control (fewer than k respondents, or recoverable from a total).
    Suppressed,
}

/// The figures of one estimate, as every published row carries them (the estimation output,
/// a wave's indicators, a series' waves embed them with `#[serde(flatten)]`, so each row keeps
/// the contract's flat fields). Fields are `None` when undefined (empty domain, deff of a
/// boundary proportion) or hidden by disclosure control.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Figures {
    pub n: Option<u64>,
    pub estimate: Option<f64>,
    pub se: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub df: Option<u64>,
    pub deff: Option<f64>,
    pub flags: Vec<Flag>,
}

impl Figures {
    /// A row that carries no numbers, only `flag` (suppressed, empty).
    pub fn only(flag: Flag) -> Figures {
        Figures {
            flags: vec![flag],
            ..Figures::default()
        }
    }
}

/// One estimate for one domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub id: String,
    pub domain: BTreeMap<String, String>,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub estimates: Vec<Estimate>,
}
