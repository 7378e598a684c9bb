//! Design-based estimation, pure and without I/O: designs (weights, strata, clusters, fpc),
//! domains, calibration, estimators with Taylor-linearised standard errors, confidence intervals,
//! disclosure control, reliability flags and trends. The reference is R's `survey` package.

pub mod calibrate;
pub mod ci;
pub mod data;
pub mod design;
pub mod disclosure;
pub mod estimate;
pub mod reliability;
pub mod synthetic;
pub mod trend;
pub mod types;
pub mod variance;

pub use types::*;

#[cfg(test)]
mod tests;
